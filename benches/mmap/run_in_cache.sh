#!/usr/bin/env bash
# The out-of-core benchmark, in the page cache: a generated n x p f64 .npy (default
# 10^7 x 100, 8 GB), one logistic pass, one k-means step and two short fits, mapped
# (`mmap`) against the same data loaded in RAM (`ram`). Prints one JSON line per
# mode; BENCHMARKS.md (Out of core) records them.
#
#   benches/mmap/run_in_cache.sh [DIR] [N] [P]      # DIR needs N*P*8 bytes free
#
# The file is removed at the end (KEEP=1 keeps it). Needs RAM for the file twice
# over for the `ram` mode (the loaded copy plus, briefly, the page cache).
set -euo pipefail
dir=${1:-/tmp/duckml-mmap-bench}
n=${2:-10000000}
p=${3:-100}
passes=${PASSES:-5}
iters=${ITERS:-10}
cd "$(dirname "$0")/../.."
cargo build --release --example mmap_bench
bin=target/release/examples/mmap_bench
mkdir -p "$dir"
x="$dir/x_${n}x${p}.npy"
need=$((n * p * 8 + n * 8))
avail=$(df --output=avail -B1 "$dir" | tail -1)
if [ ! -f "$x" ] && [ "$avail" -lt $((need + (4 << 30))) ]; then
  echo "not enough space in $dir: need $need bytes + 4 GiB slack, have $avail" >&2
  exit 1
fi
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -f "$x" "${x%.npy}.y.npy"; }
trap cleanup EXIT
echo "# $(date -u +%FT%TZ) $(uname -n) $(nproc) cores; load: $(uptime | sed 's/.*load/load/')"
[ -f "$x" ] || { /usr/bin/time -f "# generated in %e s, max RSS %M kB" "$bin" gen "$x" "$n" "$p"; }
# One process per mode and task, so each RssAnon peak is that task's alone. The
# mapped runs first read the file into the page cache (what "in the page cache"
# means here); a `ram` run reads it into its own memory.
for task in logistic kmeans; do
  cat "$x" > /dev/null
  "$bin" mmap "$x" "$task" "$passes" "$iters"
  echo "# load: $(uptime | sed 's/.*load/load/')"
  "$bin" ram "$x" "$task" "$passes" "$iters"
  echo "# load: $(uptime | sed 's/.*load/load/')"
done
