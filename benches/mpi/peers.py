#!/usr/bin/env python3
"""dask-glm (admm, lbfgs, proximal_grad) and dask-ml KMeans on a dask.distributed
LocalCluster with 2 single-threaded workers, on the files of make_data.py:

    python benches/mpi/peers.py glm DIR ALPHA [MAX_ITER [SOLVERS]]
    python benches/mpi/peers.py kmeans DIR K [MAX_ITER]

dask-glm minimises sum_i logloss_i + lamduh |b|^2 / 2 (no intercept); lamduh =
ALPHA * n gives duckml's mean_i logloss_i + ALPHA |b|^2 / 2 (`--no-intercept`). The
objective is printed in duckml's scaling. One line of results per solver; SOLVERS is a
comma-separated subset of admm,lbfgs,proximal_grad (default all three).
"""
import sys
import time

import dask.array as da
import numpy as np
from dask.distributed import Client, LocalCluster


def glm(d, alpha, max_iter, solvers):
    from dask_glm import algorithms

    x = np.load(f"{d}/x.npy", mmap_mode="r")
    y = np.load(f"{d}/y.npy")
    n, p = x.shape
    X = da.from_array(x, chunks=(-(-n // 2), p)).persist()
    Y = da.from_array(y, chunks=(-(-n // 2),)).persist()
    for name in solvers:
        solver = getattr(algorithms, name)
        t = time.perf_counter()
        beta = solver(X, Y, regularizer="l2", lamduh=alpha * n, max_iter=max_iter)
        secs = time.perf_counter() - t
        beta = np.asarray(beta)
        eta = x @ beta
        obj = (np.logaddexp(0.0, eta) - y * eta).mean() + 0.5 * alpha * beta @ beta
        print(f"dask-glm {name}: {secs:.3f} s, objective {obj:.12f} (max_iter {max_iter})",
              flush=True)


def kmeans(d, k, max_iter):
    from dask_ml.cluster import KMeans

    x = np.load(f"{d}/x.npy", mmap_mode="r")
    n, p = x.shape
    X = da.from_array(x, chunks=(-(-n // 2), p)).persist()
    km = KMeans(n_clusters=k, init="k-means||", max_iter=max_iter, tol=0, random_state=0)
    t = time.perf_counter()
    km.fit(X)
    secs = time.perf_counter() - t
    print(f"dask-ml KMeans k={k}: {secs:.3f} s, {km.n_iter_} iterations, "
          f"inertia {km.inertia_:.6e}", flush=True)


if __name__ == "__main__":
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True)
    client = Client(cluster)
    what, d = sys.argv[1], sys.argv[2]
    if what == "glm":
        solvers = sys.argv[5].split(",") if len(sys.argv) > 5 else ["admm", "lbfgs", "proximal_grad"]
        glm(d, float(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 100, solvers)
    else:
        kmeans(d, int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 30)
    client.close()
    cluster.close()
