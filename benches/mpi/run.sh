#!/usr/bin/env bash
# The MPI benchmark sitting: duckml on 1 and 2 processes (threads per process set so
# that the 2 cores are not oversubscribed) against dask-glm and dask-ml on a
# LocalCluster of 2 workers, plus the all-reduce and pass rates for the projection.
#
#   benches/mpi/run.sh DATA_DIR VENV [OUT]
#
# DATA_DIR: where make_data.py writes (about 2.5 GB); VENV: a Python venv with numpy,
# dask[distributed], dask-glm and dask-ml (`pip install dask-glm dask-ml
# "dask[distributed]"`). Prints every result line; records the machine load first.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="$1"; VENV="$2"; OUT="${3:-/dev/stdout}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
cargo build --release --features mpi -p duckml-cli -p duckml --example mpi_rates >/dev/null
D=target/release/duckml
[ -f "$DATA/km_1e6x50/x.npy" ] || "$VENV/bin/python" benches/mpi/make_data.py "$DATA"
{
echo "== $(date -u), $(nproc) cores; load: $(uptime)"
ALPHA=1e-4
for set in logit_1e6x100 logit_8e6x15; do
    for np in 1 2; do
        echo "-- duckml $set lbfgs, $np process(es), $((2 / np)) thread(s) each"
        mpirun -np $np -x RAYON_NUM_THREADS=$((2 / np)) $D fit --array mpi --model logistic \
            --no-intercept --alpha $ALPHA --tol 1e-8 --x "$DATA/$set/x.npy" --y "$DATA/$set/y.npy" |
            "$VENV/bin/python" -c 'import json,sys; d=json.load(sys.stdin); print("duckml: %.3f s fit, %d iterations, objective %.12f" % (d["seconds"], d["n_iter"], d["objective"]))'
    done
    echo "-- peers $set"
    "$VENV/bin/python" benches/mpi/peers.py glm "$DATA/$set" $ALPHA 100
done
for np in 1 2; do
    echo "-- duckml KMeans k=100 on km_1e6x50, $np process(es)"
    mpirun -np $np -x RAYON_NUM_THREADS=$((2 / np)) $D kmeans --array mpi --k 100 \
        --x "$DATA/km_1e6x50/x.npy" --max-iter 30 --tol 1e-300 |
        "$VENV/bin/python" -c 'import json,sys; d=json.load(sys.stdin); print("duckml: %.3f s, %d iterations, inertia %.6e" % (d["seconds"], d["n_iter"], d["inertia"]))'
done
echo "-- peers KMeans"
"$VENV/bin/python" benches/mpi/peers.py kmeans "$DATA/km_1e6x50" 100 30
echo "-- all-reduce (TCP between processes) and per-process pass rates"
mpirun -np 2 --mca btl tcp,self -x RAYON_NUM_THREADS=1 target/release/examples/mpi_rates 200000
echo "== end $(date -u); load: $(uptime)"
} 2>&1 | tee "$OUT"
