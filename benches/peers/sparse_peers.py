#!/usr/bin/env python3
"""scikit-learn's LogisticRegression(solver="lbfgs") on the CSR matrix that
`cargo run --release --example sparse_fit -- N P K TOL DIR` wrote to DIR.

    python benches/peers/sparse_peers.py DIR [TOL ...]

Rebuilds the exact scipy CSR matrix from DIR/{data,indices,indptr,y}.npy, fits with
C = 1 (alpha = 1/n, duckml's objective scaling) at each tolerance, and prints seconds,
iterations and the objective mean(logloss) + alpha/2 |w|^2 (intercept unpenalised).
Exits 0 with a one-line notice when numpy, scipy or scikit-learn is missing.
"""
import sys
import time

try:
    import numpy as np
    import scipy.sparse as sp
    import sklearn
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_info
except ImportError as e:  # pragma: no cover - environment dependent
    print(f"notice: sparse peers skipped ({e})")
    sys.exit(0)


def objective(x, y, coef, intercept, alpha):
    eta = x @ coef + intercept
    loss = np.logaddexp(0.0, eta) - y * eta
    return loss.mean() + 0.5 * alpha * coef @ coef


def main():
    d = sys.argv[1]
    tols = [float(t) for t in sys.argv[2:]] or [1e-4, 1e-6]
    data = np.load(f"{d}/data.npy")
    indices = np.load(f"{d}/indices.npy").astype(np.int32)
    indptr = np.load(f"{d}/indptr.npy").astype(np.int64)
    y = np.load(f"{d}/y.npy")
    n = len(y)
    p = int(indices.max()) + 1
    x = sp.csr_matrix((data, indices, indptr), shape=(n, max(p, 100_000)))
    alpha = 1.0 / n
    print(f"scikit-learn {sklearn.__version__}, CSR {x.shape}, nnz {x.nnz}")
    print("threadpools:", [(i["internal_api"], i["num_threads"]) for i in threadpool_info()])
    for tol in tols:
        clf = LogisticRegression(solver="lbfgs", C=1.0, tol=tol, max_iter=10_000)
        t = time.perf_counter()
        clf.fit(x, y)
        secs = time.perf_counter() - t
        obj = objective(x, y, clf.coef_[0], clf.intercept_[0], alpha)
        print(f"sklearn lbfgs tol={tol:g}: {secs:.3f} s, {clf.n_iter_[0]} iterations, objective {obj:.12f}")


if __name__ == "__main__":
    main()
