#!/usr/bin/env bash
# The out-of-core benchmark: a generated f64 .npy larger than this machine's RAM
# (default 33,000,000 x 100 = 26.4 GB against 24 GiB = 25.8 GB), its sequential read rate
# measured with `dd iflag=direct` (no page cache) on the same file in the same
# sitting, then passes and a logistic L2 fit (and a KMeans fit) on the mapped file:
# seconds per pass against file size / dd rate (target: at least 80% of the disk's
# rate), the fits' total seconds, and RssAnon. BENCHMARKS.md (Out of core) records it.
#
#   benches/mmap/run_out_of_core.sh [DIR] [N] [P]
#
# Needs N*P*8 bytes free in DIR plus 4 GiB of slack; refuses otherwise. The file is
# removed at the end (KEEP=1 keeps it). Never run this in CI.
set -euo pipefail
dir=${1:-/tmp/duckml-mmap-ooc}
n=${2:-33000000}
p=${3:-100}
passes=${PASSES:-3}
iters=${ITERS:-10}
cd "$(dirname "$0")/../.."
cargo build --release --example mmap_bench
bin=target/release/examples/mmap_bench
mkdir -p "$dir"
x="$dir/x_${n}x${p}.npy"
need=$((n * p * 8 + n * 8))
ram=$(awk '/MemTotal/ {print $2 * 1024}' /proc/meminfo)
[ "$need" -gt "$ram" ] || echo "# warning: the file ($need bytes) is not larger than RAM ($ram bytes)" >&2
avail=$(df --output=avail -B1 "$dir" | tail -1)
if [ ! -f "$x" ] && [ "$avail" -lt $((need + (4 << 30))) ]; then
  echo "not enough space in $dir: need $need bytes + 4 GiB slack, have $avail" >&2
  exit 1
fi
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -f "$x" "${x%.npy}.y.npy"; }
trap cleanup EXIT
echo "# $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, RAM $ram bytes; load: $(uptime | sed 's/.*load/load/')"
[ -f "$x" ] || { /usr/bin/time -f "# generated in %e s, max RSS %M kB" "$bin" gen "$x" "$n" "$p"; }
# The disk's sequential read rate on this very file, bypassing the page cache.
echo "# dd iflag=direct:"
dd if="$x" of=/dev/null bs=16M iflag=direct 2>&1 | tail -1 | sed 's/^/# /'
echo "# load: $(uptime | sed 's/.*load/load/')"
"$bin" mmap "$x" logistic "$passes" "$iters"
echo "# load: $(uptime | sed 's/.*load/load/')"
if [ "${KMEANS:-1}" = 1 ]; then
  "$bin" mmap "$x" kmeans "$passes" "$iters"
  echo "# load: $(uptime | sed 's/.*load/load/')"
fi
