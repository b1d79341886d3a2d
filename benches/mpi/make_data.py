#!/usr/bin/env python3
"""The MPI benchmark's data sets, as .npy files (seeded):

    python benches/mpi/make_data.py DIR

DIR/logit_1e6x100/{x,y}.npy   logistic, 10^6 x 100
DIR/logit_8e6x15/{x,y}.npy    logistic, 8 x 10^6 x 15 (dask-glm's published shape)
DIR/km_1e6x50/x.npy           100 Gaussian blobs, 10^6 x 50
"""
import os
import sys

import numpy as np


def logistic(d, n, p, seed):
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, p))
    beta = rng.standard_normal(p) / np.sqrt(p)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(x @ beta)))).astype(np.float64)
    np.save(f"{d}/x.npy", x)
    np.save(f"{d}/y.npy", y)


def blobs(d, n, p, k, seed):
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(seed)
    centers = rng.uniform(-10, 10, (k, p))
    x = centers[rng.integers(0, k, n)] + rng.standard_normal((n, p))
    np.save(f"{d}/x.npy", x)


if __name__ == "__main__":
    out = sys.argv[1]
    logistic(f"{out}/logit_1e6x100", 1_000_000, 100, 1)
    logistic(f"{out}/logit_8e6x15", 8_000_000, 15, 2)
    blobs(f"{out}/km_1e6x50", 1_000_000, 50, 100, 3)
