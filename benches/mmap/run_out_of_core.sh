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
ram=$(awk '/MemTotal/ {print $2 * 1024}' /proc/meminfo)
[ $((n * p * 8)) -gt "$ram" ] || echo "# warning: the file ($((n * p * 8)) bytes) is not larger than RAM ($ram bytes)" >&2
source "$(dirname "$0")/common.sh"
prepare "$dir" "$n" "$p"
# The disk's sequential read rate on this very file, bypassing the page cache.
echo "# dd iflag=direct:"
dd if="$x" of=/dev/null bs=16M iflag=direct 2>&1 | tail -1 | sed 's/^/# /'
echo "# $(load)"
"$bin" mmap "$x" logistic "$passes" "$iters"
echo "# $(load)"
if [ "${KMEANS:-1}" = 1 ]; then
  "$bin" mmap "$x" kmeans "$passes" "$iters"
  echo "# $(load)"
fi
