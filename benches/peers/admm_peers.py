#!/usr/bin/env python3
"""dask-glm's consensus ADMM with an L1 penalty on the data that
`cargo run --release --example chunked_bench -- admm N P DIR` wrote to DIR.

    python benches/peers/admm_peers.py DIR ALPHA CHUNKS [MAX_ITER]

dask-glm minimises sum_i logloss_i + lamduh |b|_1 (no intercept), so lamduh =
ALPHA * n gives duckml's objective mean_i logloss_i + ALPHA |b|_1. The script prints
seconds, the iterations it ran (counted by wrapping its proximal operator) and the
objective in duckml's scaling. Exits 0 with a notice when dask-glm is missing.
"""
import sys
import time

try:
    import dask
    import dask.array as da
    import numpy as np
    from dask_glm import algorithms
    from dask_glm.regularizers import L1
except ImportError as e:  # pragma: no cover - environment dependent
    print(f"notice: dask-glm peer skipped ({e})")
    sys.exit(0)


def main():
    d, alpha, chunks = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    max_iter = int(sys.argv[4]) if len(sys.argv) > 4 else 250
    x = np.load(f"{d}/x.npy")
    y = np.load(f"{d}/y.npy")
    n, p = x.shape
    rows = -(-n // chunks)
    X = da.from_array(x, chunks=(rows, p))
    Y = da.from_array(y, chunks=(rows,))
    calls = {"n": 0}
    reg = L1()
    prox = reg.proximal_operator

    def counted(beta, t):
        calls["n"] += 1
        return prox(beta, t)

    reg.proximal_operator = counted
    t = time.perf_counter()
    with dask.config.set(scheduler="threads"):
        beta = algorithms.admm(X, Y, regularizer=reg, lamduh=alpha * n, max_iter=max_iter)
    secs = time.perf_counter() - t
    beta = np.asarray(beta)
    eta = x @ beta
    obj = (np.logaddexp(0.0, eta) - y * eta).mean() + alpha * np.abs(beta).sum()
    print(f"dask-glm admm ({chunks} chunks, default abstol 1e-4 reltol 1e-2): "
          f"{secs:.3f} s, {calls['n']} iterations (max {max_iter}), objective {obj:.12f}")


if __name__ == "__main__":
    main()
