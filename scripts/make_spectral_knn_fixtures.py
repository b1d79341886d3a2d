#!/usr/bin/env python3
"""Reference nearest-neighbour spectral clustering for tests/spectral_knn.rs.

    python scripts/make_spectral_knn_fixtures.py   # writes tests/fixtures/spectral_knn.json

Two data sets where the k-nearest-neighbour graph finds the clusters:

* ``moons``: ``make_moons(300, noise=0.05, random_state=1)``: two interleaved half
  circles, one connected 10-NN graph; an RBF affinity (gamma=1) does not separate them;
* ``blobs_moons``: the same moons plus three Gaussian blobs far away (480 points, five
  clusters): a 10-NN graph with several components (scikit-learn warns, and so do we).

For each, scikit-learn's ``SpectralClustering(affinity="nearest_neighbors",
n_neighbors=10, random_state=0)`` is fitted and stored:

* ``graph``: its ``affinity_matrix_`` = ``0.5 * (C + C.T)`` with
  ``C = kneighbors_graph(X, 10, include_self=True)``, as sorted CSR arrays;
* ``eigenvalues``: the smallest eigenvalues of the graph's normalised Laplacian
  (``scipy.sparse.csgraph.laplacian(normed=True)``, dense ``eigh``);
* ``labels``: the fitted labels (k-means assignment), and ``truth``, the generating
  clusters; ``rbf_ari``: the ARI of the RBF affinity (gamma=1) fit, for the record.

The data have no ties at any row's k-th neighbour (checked), so the graph does not
depend on how a k-NN search orders equal distances.
Run with scikit-learn 1.9.1 (scripts/requirements.txt).
"""

import json
import os
import warnings

import numpy as np
import sklearn
from scipy.sparse.csgraph import connected_components, laplacian
from sklearn.cluster import SpectralClustering
from sklearn.datasets import make_blobs, make_moons
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import kneighbors_graph

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "spectral_knn.json")
K = 10


def datasets():
    x, y = make_moons(300, noise=0.05, random_state=1)
    yield "moons", x, y, 2
    b, yb = make_blobs(180, centers=[[6.0, 0.0], [0.0, 6.0], [6.0, 6.0]],
                       cluster_std=0.4, random_state=2)
    yield "blobs_moons", np.vstack([x, b]), np.concatenate([y, yb + 2]), 5


def case(x, truth, n_clusters):
    d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    ds = np.sort(d, axis=1)
    gap = (ds[:, K] - ds[:, K - 1]).min()
    assert gap > 1e-9, f"a tie at the {K}-th neighbour (gap {gap:e})"
    graph = 0.5 * (kneighbors_graph(x, K, include_self=True) + kneighbors_graph(
        x, K, include_self=True).T)
    graph = graph.tocsr()
    graph.sort_indices()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = SpectralClustering(n_clusters, affinity="nearest_neighbors",
                                   n_neighbors=K, random_state=0).fit(x)
        rbf = SpectralClustering(n_clusters, gamma=1.0, random_state=0).fit(x)
    fitted = model.affinity_matrix_.tocsr()
    fitted.sort_indices()
    assert (fitted != graph).nnz == 0
    lap = laplacian(graph, normed=True).toarray()
    vals = np.linalg.eigvalsh(lap)[: n_clusters + 2]
    return {
        "x": x.tolist(),
        "truth": truth.tolist(),
        "n_clusters": n_clusters,
        "n_neighbors": K,
        "min_kth_gap": gap,
        "n_components": int(connected_components(graph)[0]),
        "warned": any("not fully connected" in str(w.message) for w in caught),
        "graph": {
            "indptr": graph.indptr.tolist(),
            "indices": graph.indices.tolist(),
            "data": graph.data.tolist(),
        },
        "eigenvalues": vals.tolist(),
        "labels": model.labels_.tolist(),
        "ari": adjusted_rand_score(truth, model.labels_),
        "rbf_ari": adjusted_rand_score(truth, rbf.labels_),
    }


def main():
    out = {"sklearn": sklearn.__version__, "datasets": {}}
    for name, x, y, k in datasets():
        c = case(x, y, k)
        out["datasets"][name] = c
        print(f"{name}: n={len(y)} nnz={len(c['graph']['data'])} components="
              f"{c['n_components']} warned={c['warned']} ARI={c['ari']:.4f} "
              f"rbf ARI={c['rbf_ari']:.4f} eigenvalues={np.round(c['eigenvalues'], 6)}")
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
