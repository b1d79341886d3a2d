#!/usr/bin/env python3
"""Times scikit-learn's KMeans on the arrays `examples/kmeans_bench.rs --out DIR` writes,
for BENCHMARKS.md (Clustering).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python benches/peers/kmeans_peers.py --dir DIR --iters 20 [--runs 3]

* k-means++ initialisation: ``sklearn.cluster.kmeans_plusplus(X, k)`` (greedy,
  ``2 + ln k`` local trials, as duckml's).
* Lloyd: ``KMeans(n_clusters=k, init=<DIR/init.npy>, n_init=1, algorithm="lloyd",
  tol=0, max_iter=ITERS)``, the same initial centres as duckml's run; seconds per
  iteration = fit time / ``n_iter_``; GFLOP/s counts the distance GEMM's 2 n p k.

Prints threadpoolctl's view of the BLAS and OpenMP pools, and the inertia beside
duckml's (``DIR/duckml.txt``) when present. Exits 0 with a notice when numpy or
scikit-learn is missing.
"""

import argparse
import os
import platform
import sys
import time

try:
    import numpy as np
    import sklearn
    from sklearn.cluster import KMeans, kmeans_plusplus
except ImportError as exc:  # pragma: no cover - depends on the environment
    print(f"kmeans_peers: {exc}; skipping")
    sys.exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    x = np.load(os.path.join(a.dir, "x.npy"))
    init = np.load(os.path.join(a.dir, "init.npy"))
    n, p = x.shape
    k = init.shape[0]
    print(f"python {platform.python_version()}, numpy {np.__version__}, scikit-learn {sklearn.__version__}")
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            print(
                f"  threadpool: {pool.get('internal_api')} {pool.get('version')} "
                f"{pool.get('architecture', '')} threads={pool.get('num_threads')}"
            )
    except ImportError:
        print("  threadpoolctl not installed")
    print(f"KMeans peers: n = {n}, p = {p}, k = {k}, {a.iters} Lloyd iterations (tol = 0)")
    t0 = time.perf_counter()
    kmeans_plusplus(x, k, random_state=0)
    print(f"sklearn k-means++ init      {time.perf_counter() - t0:.3f} s")
    best, km = float("inf"), None
    for _ in range(a.runs):
        t0 = time.perf_counter()
        km = KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", tol=0.0,
                    max_iter=a.iters).fit(x)
        best = min(best, (time.perf_counter() - t0) / km.n_iter_)
    flops = 2.0 * n * p * k
    print(
        f"sklearn Lloyd               {km.n_iter_:>3} iterations  {best:.4f} s/iteration  "
        f"{flops / best / 1e9:.1f} GFLOP/s  inertia {km.inertia_:.10e}"
    )
    ref = os.path.join(a.dir, "duckml.txt")
    if os.path.exists(ref):
        vals = dict(line.split() for line in open(ref) if line.strip())
        d = float(vals["inertia"])
        print(f"duckml inertia {d:.10e}: relative difference {abs(d - km.inertia_) / km.inertia_:.1e}")


if __name__ == "__main__":
    main()
