#!/usr/bin/env python3
"""Reference k-means fits from scikit-learn for tests/kmeans_reference.rs.

    python scripts/make_kmeans_fixtures.py   # writes tests/fixtures/kmeans_reference.json

Data sets (float64, written in full so the Rust tests need no Python):

* ``blobs``: 600 x 4, 5 well-separated Gaussian blobs (``make_blobs``, std 0.6).
* ``overlap``: 800 x 6, 6 overlapping blobs (std 2.5): Lloyd needs many iterations.
* ``wide``: 300 x 20, 4 blobs with half the features zeroed (sparse-friendly).

Cases: ``KMeans(n_clusters=k, init=<array>, n_init=1, algorithm="lloyd", tol, max_iter)``
from explicit initial centres (rows of X chosen with a fixed seed, or given points, one
of them far away so that its cluster starts empty and is relocated), recording the
final inertia, centres, labels and n_iter; and for the separated blobs the k-means++
labels (``init="k-means++", n_init=10``) with their ARI against the truth.
Run with scikit-learn 1.9.1 (scripts/requirements.txt).
"""

import json
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "kmeans_reference.json")


def datasets():
    x1, y1 = make_blobs(600, 4, centers=5, cluster_std=0.6, random_state=1, center_box=(-10, 10))
    x2, y2 = make_blobs(800, 6, centers=6, cluster_std=2.5, random_state=2, center_box=(-6, 6))
    x3, y3 = make_blobs(300, 20, centers=4, cluster_std=1.0, random_state=3)
    x3[:, ::2] = 0.0
    return {
        "blobs": (x1, y1, 5),
        "overlap": (x2, y2, 6),
        "wide": (x3, y3, 4),
    }


def lloyd_case(name, data, x, k, init, tol, max_iter):
    km = KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", tol=tol, max_iter=max_iter)
    km.fit(x)
    return {
        "name": name,
        "dataset": data,
        "k": k,
        "init": init.tolist(),
        "tol": tol,
        "max_iter": max_iter,
        "inertia": float(km.inertia_),
        "centers": km.cluster_centers_.tolist(),
        "labels": km.labels_.tolist(),
        "n_iter": int(km.n_iter_),
    }


def main():
    rng = np.random.default_rng(0)
    data = datasets()
    out = {"sklearn": sklearn.__version__, "datasets": {}, "lloyd": [], "plusplus": []}
    for name, (x, y, k) in data.items():
        out["datasets"][name] = {"x": x.tolist(), "truth": y.tolist(), "k": k}
    for name, (x, y, k) in data.items():
        rows = rng.choice(x.shape[0], size=k, replace=False)
        init = x[rows].copy()
        out["lloyd"].append(lloyd_case(f"{name}_rows_tol0", name, x, k, init, 0.0, 300))
        out["lloyd"].append(lloyd_case(f"{name}_rows_tol1e-2", name, x, k, init, 1e-2, 300))
        out["lloyd"].append(lloyd_case(f"{name}_rows_3iter", name, x, k, init, 0.0, 3))
        km = KMeans(n_clusters=k, init="k-means++", n_init=10, random_state=0).fit(x)
        out["plusplus"].append({
            "dataset": name,
            "k": k,
            "labels": km.labels_.tolist(),
            "inertia": float(km.inertia_),
            "ari_truth": float(adjusted_rand_score(y, km.labels_)),
        })
    # One centre far from every point: its cluster is empty after the first
    # assignment and is relocated to the farthest point.
    x, _, k = data["blobs"]
    init = x[rng.choice(x.shape[0], size=k, replace=False)].copy()
    init[2] = 1000.0
    out["lloyd"].append(lloyd_case("blobs_empty_cluster", "blobs", x, k, init, 0.0, 300))
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}")
    for c in out["lloyd"]:
        print(f"  {c['name']}: inertia {c['inertia']:.10g}, n_iter {c['n_iter']}")
    for c in out["plusplus"]:
        print(f"  {c['dataset']} k-means++: ARI vs truth {c['ari_truth']:.4f}")


if __name__ == "__main__":
    main()
