#!/usr/bin/env python3
"""Reference spectral clustering of the coins image for tests/spectral_reference.rs.

    python scripts/make_spectral_fixtures.py   # writes tests/fixtures/spectral_coins.json

Reproduces scikit-learn's example "Segmenting the picture of greek coins in regions"
at scale 0.2: ``gaussian_filter(coins(), sigma=2)`` (scipy, on the 8-bit image),
``rescale(..., 0.2, mode="reflect", anti_aliasing=False)`` (scikit-image), then
``img_to_graph`` with ``exp(-10 * d / std) + 1e-6`` weights. Stores:

* ``image``: the 61 x 77 rescaled image the graph is built from;
* ``eigenvalues``: the 29 smallest eigenvalues of the normalised Laplacian
  (``scipy.sparse.csgraph.laplacian(normed=True)``), by ARPACK shift-invert near 0
  with ``tol=1e-12``;
* ``labels``: ``spectral_clustering(graph, n_clusters=29, eigen_tol=1e-7,
  assign_labels=<method>, random_state=42)`` for kmeans, discretize and cluster_qr.

Run with scikit-learn 1.9.1 and scikit-image (scripts/requirements.txt).
"""

import json
import os

import numpy as np
import sklearn
from scipy.ndimage import gaussian_filter
from scipy.sparse.csgraph import laplacian
from scipy.sparse.linalg import eigsh
from skimage.data import coins
from skimage.transform import rescale
from sklearn.cluster import spectral_clustering
from sklearn.feature_extraction import image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "spectral_coins.json")
N_CLUSTERS = 29


def main():
    smoothened = gaussian_filter(coins(), sigma=2)
    img = rescale(smoothened, 0.2, mode="reflect", anti_aliasing=False)
    graph = image.img_to_graph(img)
    graph.data = np.exp(-10 * graph.data / graph.data.std()) + 1e-6
    lap = laplacian(graph.tocsr(), normed=True)
    vals = np.sort(eigsh(lap, k=N_CLUSTERS, sigma=-1e-3, which="LM", tol=1e-12)[0])
    out = {
        "sklearn": sklearn.__version__,
        "shape": list(img.shape),
        "image": img.ravel().tolist(),
        "n_clusters": N_CLUSTERS,
        "eigenvalues": vals.tolist(),
        "labels": {},
    }
    for method in ("kmeans", "discretize", "cluster_qr"):
        labels = spectral_clustering(graph, n_clusters=N_CLUSTERS, eigen_tol=1e-7,
                                     assign_labels=method, random_state=42)
        out["labels"][method] = labels.tolist()
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: image {img.shape}, eigenvalues {vals[:3]} ... {vals[-1]:.6e}")


if __name__ == "__main__":
    main()
