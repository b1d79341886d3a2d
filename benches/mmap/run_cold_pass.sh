#!/usr/bin/env bash
# A smaller stand-in for the larger-than-RAM run (run_out_of_core.sh), for machines
# without the disk space for it: one logistic pass over a mapped .npy (default 8 GB)
# that is not in the page cache (evicted with dd's iflag=nocache), against the disk's
# sequential read rate on the same file (dd iflag=direct), same sitting. Only the
# first pass reads from disk (the file then fits in the page cache), so this measures
# the mapped read path, not a whole out-of-core fit.
#
#   benches/mmap/run_cold_pass.sh [DIR] [N] [P]
set -euo pipefail
dir=${1:-/tmp/duckml-mmap-cold}
n=${2:-10000000}
p=${3:-100}
source "$(dirname "$0")/common.sh"
prepare "$dir" "$n" "$p"
for round in 1 2; do
  echo "# round $round: dd iflag=direct:"
  dd if="$x" of=/dev/null bs=16M iflag=direct 2>&1 | tail -1 | sed 's/^/# /'
  dd if="$x" iflag=nocache count=0 2>/dev/null
  echo "# cached after eviction: $(fincore --bytes --noheadings "$x" 2>/dev/null || echo unknown)"
  # PASSES=1 ITERS=1: the first pass is the cold one (its finite check is fused).
  "$bin" mmap "$x" logistic 1 1
  echo "# $(load)"
done
