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
source "$(dirname "$0")/common.sh"
prepare "$dir" "$n" "$p"
# One process per mode and task, so each RssAnon peak is that task's alone. The
# mapped runs first read the file into the page cache (what "in the page cache"
# means here); a `ram` run reads it into its own memory.
for task in logistic kmeans; do
  cat "$x" > /dev/null
  "$bin" mmap "$x" "$task" "$passes" "$iters"
  echo "# $(load)"
  "$bin" ram "$x" "$task" "$passes" "$iters"
  echo "# $(load)"
done
