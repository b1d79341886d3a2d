#!/usr/bin/env python3
"""Times scikit-learn's and glum's L2 logistic regression on the arrays that
`cargo run --release --example glm_bench -- --out DIR` writes, for BENCHMARKS.md.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python benches/peers/glm_peers.py --x DIR/x.npy --y DIR/y.npy --alpha 1e-6 \
        [--coef duckml_lbfgs=DIR/duckml_lbfgs_1e-7.npy ...] [--csv out.csv]

Objective (the same for duckml, scikit-learn and glum; intercept unpenalised):

    mean_i [log(1 + exp(eta_i)) - y_i eta_i] + alpha/2 |b|^2,   eta = X b + b0

scikit-learn: LogisticRegression(solver="lbfgs", tol=1e-6, C=1/(alpha n), max_iter=1000).
glum: GeneralizedLinearRegressor(family="binomial", alpha=alpha, l1_ratio=0,
solver="irls-ls" | "lbfgs", fit_intercept=True), default tolerances.

Every objective is computed here, in numpy, from each fit's coef and intercept, so the
figures compare one to one. `--coef NAME=PATH` adds rows for other fits (a vector of the
coefficients followed by the intercept, e.g. duckml's), objective only.

Exits 0 with a one-line notice when numpy, scikit-learn or glum is missing (the rows of
the libraries that are present still run).
"""

import argparse
import csv
import importlib
import platform
import sys
import time
import warnings


def _try_import(name, then="skipping it"):
    try:
        return importlib.import_module(name)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        print(f"glm_peers: {name} is not installed ({exc}); {then}")
        return None


np = _try_import("numpy", then="nothing to run")
if np is None:
    sys.exit(0)


def objective(x, y, coef, intercept, alpha):
    """mean logloss + alpha/2 |coef|^2, in float64, stable for any eta."""
    eta = x @ coef + intercept
    loss = np.mean(np.logaddexp(0.0, eta) - y * eta)
    return float(loss + 0.5 * alpha * float(coef @ coef))


def time_fit(fit, runs):
    """One untimed warm-up fit, then `runs` timed ones: (median, best, last model)."""
    model = fit()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        model = fit()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2], times[0], model


def median_time(f, reps=5):
    f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return sorted(ts)[reps // 2]


def time_passes(x, y, alpha):
    """Seconds of one pass of the bulk operations a fit is made of (where time goes)."""
    n, p = x.shape
    v = np.full(p, 0.1)
    r = np.linspace(-1.0, 1.0, n)
    parts = [f"sum(X) {median_time(lambda: x.sum()):.4f} s",
             f"X @ v {median_time(lambda: x @ v):.4f} s",
             f"X.T @ r {median_time(lambda: x.T @ r):.4f} s"]
    try:  # scikit-learn's private loss object: one loss+gradient evaluation of its lbfgs
        from sklearn._loss.loss import HalfBinomialLoss
        from sklearn.linear_model._linear_loss import LinearModelLoss

        lml = LinearModelLoss(base_loss=HalfBinomialLoss(), fit_intercept=True)
        w = np.append(v, 0.25)
        t = median_time(lambda: lml.loss_gradient(w, x, y, l2_reg_strength=alpha, n_threads=1))
        parts.append(f"sklearn loss_gradient {t:.4f} s")
    except Exception as exc:  # private API: may move between versions
        parts.append(f"sklearn loss_gradient unavailable ({type(exc).__name__})")
    gb = x.nbytes / 1e9
    print(f"one pass ({gb:.2f} GB of X): " + ", ".join(parts))


def blas_info():
    tpc = _try_import("threadpoolctl")
    if tpc is None:
        return "unknown"
    parts = []
    for lib in tpc.threadpool_info():
        desc = f"{lib.get('internal_api')} {lib.get('version')} threads={lib.get('num_threads')}"
        if lib.get("architecture"):
            desc += f" kernel={lib['architecture']}"
        parts.append(f"{desc} ({lib.get('prefix')})")
    return "; ".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--x", required=True, help="x.npy (n x p, float64)")
    ap.add_argument("--y", required=True, help="y.npy (n, 0/1 float64)")
    ap.add_argument("--alpha", type=float, required=True, help="L2 strength (duckml's alpha)")
    ap.add_argument("--runs", type=int, default=3, help="timed fits per solver (after a warm-up)")
    ap.add_argument("--csv", help="also write the rows to this CSV file")
    ap.add_argument("--coef", action="append", default=[], metavar="NAME=PATH",
                    help="evaluate the objective of another fit's [coef..., intercept]")
    ap.add_argument("--passes", action="store_true",
                    help="also time one pass of X @ v, X.T @ r and scikit-learn's loss_gradient")
    ap.add_argument("--only", default="sklearn,glum-irls-ls,glum-lbfgs",
                    help="comma-separated subset of the peer fits to run")
    args = ap.parse_args()

    x = np.load(args.x)
    y = np.load(args.y)
    n, p = x.shape
    alpha = args.alpha
    only = set(args.only.split(","))

    versions = {"python": platform.python_version(), "numpy": np.__version__}
    sklearn = _try_import("sklearn")
    glum = _try_import("glum")
    for name, mod in (("scikit-learn", sklearn), ("glum", glum)):
        if mod is not None:
            versions[name] = mod.__version__
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print(f"BLAS (threadpoolctl): {blas_info()}")
    print(f"data: {args.x} {n} x {p} {x.dtype}, C-contiguous={x.flags['C_CONTIGUOUS']}, "
          f"alpha={alpha:g} (C={1.0 / (alpha * n):g}), runs={args.runs}")

    if args.passes:
        time_passes(x, y, alpha)

    rows = []  # (name, median_s, best_s, n_iter, objective)

    if sklearn is not None and "sklearn" in only:
        from sklearn.linear_model import LogisticRegression

        def fit():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                return LogisticRegression(solver="lbfgs", tol=1e-6, C=1.0 / (alpha * n),
                                          max_iter=1000).fit(x, y)

        med, best, m = time_fit(fit, args.runs)
        rows.append(("sklearn lbfgs tol=1e-6", med, best, int(np.max(m.n_iter_)),
                     objective(x, y, m.coef_.ravel(), float(m.intercept_[0]), alpha)))

    if glum is not None:
        from glum import GeneralizedLinearRegressor

        for solver in ("irls-ls", "lbfgs"):
            if f"glum-{solver}" not in only:
                continue

            def fit(solver=solver):
                return GeneralizedLinearRegressor(family="binomial", alpha=alpha, l1_ratio=0.0,
                                                  solver=solver, fit_intercept=True).fit(x, y)

            med, best, m = time_fit(fit, args.runs)
            rows.append((f"glum {solver} (default tol)", med, best, int(m.n_iter_),
                         objective(x, y, np.asarray(m.coef_), float(m.intercept_), alpha)))

    for spec in args.coef:
        name, _, path = spec.partition("=")
        w = np.load(path)
        rows.append((name, float("nan"), float("nan"), -1,
                     objective(x, y, w[:-1], float(w[-1]), alpha)))

    ref = next((r[4] for r in rows if r[0].startswith("sklearn")), None)
    ref_t = next((r[1] for r in rows if r[0].startswith("sklearn")), None)
    print(f"{'fit':<28} {'median_s':>9} {'best_s':>9} {'iters':>6} {'objective':>24} "
          f"{'rel_gap_vs_sklearn':>19} {'speedup':>8}")
    out = []
    for name, med, best, it, obj in rows:
        gap = (obj - ref) / abs(ref) if ref is not None else float("nan")
        speed = ref_t / med if ref_t is not None and med == med else float("nan")
        print(f"{name:<28} {med:>9.4f} {best:>9.4f} {it:>6} {obj:>24.17e} {gap:>19.2e} "
              f"{speed:>8.2f}")
        out.append({"fit": name, "median_s": med, "best_s": best, "n_iter": it,
                    "objective": repr(obj), "rel_gap_vs_sklearn": gap, "speedup_vs_sklearn": speed})
    if args.csv and out:
        with open(args.csv, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(out[0]))
            writer.writeheader()
            writer.writerows(out)
        print(f"wrote {args.csv}")


if __name__ == "__main__":
    main()
