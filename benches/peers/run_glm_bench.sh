#!/usr/bin/env bash
# Runs the GLM comparison of BENCHMARKS.md in one sitting: for n = 10^5 and 10^6
# (p = 100), duckml's fits (examples/glm_bench.rs, which also writes x.npy / y.npy),
# then scikit-learn's and glum's on the same arrays (benches/peers/glm_peers.py),
# which also evaluates duckml's coefficients with the same numpy objective.
#
#   PYTHON=/path/to/venv/bin/python [RUNS=3] [TOLS=1e-5,1e-6] benches/peers/run_glm_bench.sh [OUTDIR]
#
# OUTDIR (default /tmp/duckml-glm-bench) gets one folder per n (about 0.9 GB at 10^6)
# and a log. The peers run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (set on
# some machines for old OpenBLAS builds, they slow a current numpy); the script prints
# the kernel threadpoolctl reports. `uptime` before each step records the load.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/duckml-glm-bench}
PY=${PYTHON:-python3}
TOLS=${TOLS:-1e-5,1e-6}
RUNS=${RUNS:-3}
mkdir -p "$OUT"
exec > >(tee "$OUT/log.txt") 2>&1

echo "date: $(date -u +%FT%TZ)  commit: $(git rev-parse --short HEAD 2>/dev/null || echo none)"
cargo build --release --example glm_bench
# Run a copy of the binary, so edits to the tree during the run change nothing.
cp "${CARGO_TARGET_DIR:-target}/release/examples/glm_bench" "$OUT/glm_bench"
for n in 100000 1000000; do
    dir="$OUT/$n"
    alpha=$(awk "BEGIN { printf \"%.17g\", 1 / $n }")
    echo "== n = $n, p = 100, alpha = $alpha"
    uptime
    "$OUT/glm_bench" --n "$n" --p 100 --tols "$TOLS" --runs "$RUNS" --out "$dir"
    coefs=()
    for f in "$dir"/duckml_*.npy; do
        coefs+=(--coef "$(basename "$f" .npy)=$f")
    done
    uptime
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" benches/peers/glm_peers.py \
        --x "$dir/x.npy" --y "$dir/y.npy" --alpha "$alpha" --runs "$RUNS" --passes "${coefs[@]}" --csv "$dir/peers.csv"
done
uptime
