#!/usr/bin/env python3
"""Times scikit-learn's coins segmentation (the example "Segmenting the picture of
greek coins in regions") per label-assignment method, for BENCHMARKS.md (Clustering).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python benches/peers/coins_peers.py [--scale 0.2] [--runs 3]

Preprocessing as the example (timed separately): ``gaussian_filter(coins(), 2)``,
``rescale(..., scale, mode="reflect", anti_aliasing=False)`` (scale 1: the blurred
image / 255), ``img_to_graph``, ``exp(-10 d / std) + 1e-6``. Each timed call is
``spectral_clustering(graph, n_clusters=29, eigen_tol=1e-7, assign_labels=<method>,
random_state=42)`` (ARPACK), best of ``--runs``. Exits 0 with a notice when a package
is missing.
"""

import argparse
import sys
import time

try:
    import numpy as np
    import sklearn
    from scipy.ndimage import gaussian_filter
    from skimage.data import coins
    from skimage.transform import rescale
    from sklearn.cluster import spectral_clustering
    from sklearn.feature_extraction import image
except ImportError as exc:  # pragma: no cover - depends on the environment
    print(f"coins_peers: {exc}; skipping")
    sys.exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--methods", default="kmeans,discretize,cluster_qr")
    a = ap.parse_args()
    t0 = time.perf_counter()
    smooth = gaussian_filter(coins(), sigma=2)
    img = rescale(smooth, a.scale, mode="reflect", anti_aliasing=False) if a.scale != 1 else smooth / 255.0
    graph = image.img_to_graph(img)
    graph.data = np.exp(-10 * graph.data / graph.data.std()) + 1e-6
    print(f"scikit-learn {sklearn.__version__}: coins at scale {a.scale}: {img.shape[0]} x {img.shape[1]} = "
          f"{img.size} pixels ({time.perf_counter() - t0:.3f} s to build)")
    for method in a.methods.split(","):
        best = float("inf")
        for _ in range(a.runs):
            t = time.perf_counter()
            spectral_clustering(graph, n_clusters=29, eigen_tol=1e-7, assign_labels=method,
                                random_state=42)
            best = min(best, time.perf_counter() - t)
        print(f"sklearn {method:<11} {best:.3f} s")


if __name__ == "__main__":
    main()
