#!/usr/bin/env bash
# Runs the clustering comparison of BENCHMARKS.md (Clustering) in one sitting:
# KMeans (Lloyd, k-means++ init, n_init = 1, fixed iterations) on 10^6 x 50 blobs with
# k = 100, duckml then scikit-learn on the same arrays; then the coins segmentation at
# scale 0.2 and 1, duckml then scikit-learn, per label-assignment method.
#
#   PYTHON=/path/to/venv/bin/python benches/peers/run_clustering_bench.sh [OUTDIR]
#
# OUTDIR (default /tmp/duckml-clustering-bench) gets the KMeans arrays (about 400 MB),
# the segmentation PNGs and a log. The peers run with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE unset (set on some machines for old OpenBLAS builds, they slow a
# current numpy). `uptime` before each step records the load.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/duckml-clustering-bench}
PY=${PYTHON:-python3}
ITERS=${ITERS:-20}
RUNS=${RUNS:-3}
mkdir -p "$OUT"
exec > >(tee "$OUT/log.txt") 2>&1
peer() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$@"; }

echo "date: $(date -u +%FT%TZ)  commit: $(git rev-parse --short HEAD 2>/dev/null || echo none)"
cargo build --release --example kmeans_bench --example coins_segmentation
for ex in kmeans_bench coins_segmentation; do
    cp "${CARGO_TARGET_DIR:-target}/release/examples/$ex" "$OUT/$ex"
done
uptime
"$OUT/kmeans_bench" --n 1000000 --p 50 --k 100 --iters "$ITERS" --runs "$RUNS" --out "$OUT/kmeans"
uptime
peer benches/peers/kmeans_peers.py --dir "$OUT/kmeans" --iters "$ITERS" --runs "$RUNS"
for scale in 0.2 1; do
    uptime
    "$OUT/coins_segmentation" --scale "$scale" --runs "$RUNS" --out "$OUT/coins"
    uptime
    peer benches/peers/coins_peers.py --scale "$scale" --runs "$RUNS"
done
uptime
