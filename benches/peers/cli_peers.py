#!/usr/bin/env python3
"""Times scikit-learn, glum and dask-glm on the data files `duckml bench --peers PYTHON`
writes, and emits rows in the bench's CSV schema.

    python benches/peers/cli_peers.py --manifest OUT/data/manifest.json --out rows.csv

`duckml bench` writes a manifest for each sample size (model, penalty, tolerance,
repeats, budget, a state file, and one entry per data set: dense `.npy` x and y, or a
sparse svmlight file) and runs this script on it right after its own fits of that
size, so both sides run under the same conditions; the binary carries a copy of the
script, so it also works outside the source tree. The state file carries each fit's
last time from one size to the next (for the budget). It can be run by hand on a
manifest kept with `duckml bench --keep-data`.

Every fit minimises, or is scored on, the objective of duckml's DESIGN.md:

    mean_i h(y_i, eta_i) + alpha * (l1_ratio*|b|_1 + (1-l1_ratio)/2*|b|_2^2),   eta = X b + b0

with h the half unit deviance (Gaussian (y-eta)^2/2, Bernoulli log(1+e^eta) - y eta,
Poisson e^eta - y eta - y + y log y) and the intercept b0 unpenalised. The objective of
each fit is computed here, in numpy float64, from its coefficients and intercept.

How each library is asked for that objective:

* scikit-learn: LogisticRegression(C = 1/(alpha n)) with lbfgs and newton-cholesky (L2)
  or saga (elastic net); Ridge(alpha n) / LinearRegression / ElasticNet(alpha, l1_ratio);
  PoissonRegressor(alpha) with lbfgs and newton-cholesky. `tol` and `max_iter` passed on.
* glum: GeneralizedLinearRegressor(alpha, l1_ratio) with irls-ls (irls-cd with L1) and
  lbfgs, gradient_tol = tol: the same objective by construction.
* dask-glm (dense data only, as a dask array chunked like duckml's chunked arrays, so
  its rows are in the `chunked` panel): the algorithms called directly with
  normalize=False (its default standardises X and so penalises other coefficients),
  an intercept column, and lamduh = alpha n (2 alpha n for the Normal family, whose
  loss is not halved), since its losses are sums. Its regularisers also penalise the
  intercept; its newton and gradient_descent take no penalty at all. Both are noted
  in the rows; the objective gap shows what it costs.

Timing: one untimed warm-up fit, then `repeats` timed fits (one when the warm-up took
more than budget/3 s), median reported. A fit is skipped at a size where its time,
extrapolated linearly in n from the previous size, exceeds `budget` seconds (never
when it took under min(1, budget/2) s there: that is mostly fixed overhead).

Stdout carries `progress DONE TOTAL LABEL`, `versions: ...`, `blas: ...` and
`notice: ...` lines for the caller. Missing numpy: a notice and exit 0, no rows. A
missing peer library: a notice, its rows left out.
"""

import argparse
import csv
import importlib
import json
import platform
import sys
import time
import warnings

FIELDS = [
    "library", "solver", "array", "dtype", "model", "n", "p", "nnz", "alpha", "l1_ratio",
    "tol", "runs", "median_s", "min_s", "n_iter", "converged", "objective", "gap", "ratio",
    "status", "note",
]


def say(line):
    print(line, flush=True)


def notice(msg):
    say("notice: " + msg)


def try_import(name, pretty=None):
    try:
        return importlib.import_module(name)
    except Exception as exc:  # ImportError, or a broken install
        notice(f"{pretty or name} is not available ({type(exc).__name__}: {exc}); its rows are left out")
        return None


np = try_import("numpy")
if np is None:
    sys.exit(0)


def objective(model, x, y, coef, intercept, alpha, l1_ratio):
    """The DESIGN.md objective in float64."""
    coef = np.asarray(coef, dtype=np.float64).ravel()
    eta = np.asarray(x @ coef, dtype=np.float64).ravel() + float(intercept)
    if model == "linear":
        loss = 0.5 * np.mean((y - eta) ** 2)
    elif model == "logistic":
        loss = np.mean(np.logaddexp(0.0, eta) - y * eta)
    else:
        ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
        loss = np.mean(np.exp(eta) - y * eta - y + ylogy)
    pen = alpha * (l1_ratio * np.abs(coef).sum() + 0.5 * (1.0 - l1_ratio) * float(coef @ coef))
    return float(loss + pen)


def version_of(mod):
    return getattr(mod, "__version__", "?") if mod is not None else None


# ---------------------------------------------------------------------------------
# The peer fits. Each factory returns a list of (library, solver, array, note, fit)
# where fit(x, y) returns (coef, intercept, n_iter or None, converged or None).


def sklearn_fits(sk, model, alpha, l1, tol, max_iter, n, kind):
    if sk is None:
        return []
    from sklearn import linear_model as lm

    new_api = tuple(int(v) for v in sk.__version__.split(".")[:2]) >= (1, 8)
    fits = []

    def converged(m):
        it = int(np.max(m.n_iter_)) if getattr(m, "n_iter_", None) is not None else None
        return it, (None if it is None else it < max_iter)

    if model == "logistic":
        c = 1.0 / (alpha * n) if alpha > 0 else np.inf
        solvers = ["lbfgs", "newton-cholesky"] if l1 == 0 else ["saga"]
        for s in solvers:
            def fit(x, y, s=s):
                kw = dict(C=c, solver=s, tol=tol, max_iter=max_iter)
                if l1 > 0:
                    kw["l1_ratio"] = l1
                    if not new_api:
                        kw["penalty"] = "elasticnet"
                elif alpha == 0 and not new_api:
                    kw["penalty"] = None
                    kw.pop("C")
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    m = lm.LogisticRegression(**kw).fit(x, y)
                it, conv = converged(m)
                return m.coef_.ravel(), float(m.intercept_[0]), it, conv
            fits.append(("scikit-learn", s, kind, "", fit))
    elif model == "linear":
        if l1 > 0:
            def fit(x, y):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    m = lm.ElasticNet(alpha=alpha, l1_ratio=l1, tol=tol, max_iter=max_iter).fit(x, y)
                it, conv = converged(m)
                return m.coef_, float(m.intercept_), it, conv
            fits.append(("scikit-learn", "ElasticNet cd", kind, "", fit))
        elif alpha == 0:
            def fit(x, y):
                m = lm.LinearRegression().fit(x, y)
                return m.coef_, float(m.intercept_), None, True
            fits.append(("scikit-learn", "LinearRegression", kind, "", fit))
        else:
            def fit(x, y):
                m = lm.Ridge(alpha=alpha * n, tol=tol, max_iter=max_iter).fit(x, y)
                it = getattr(m, "n_iter_", None)
                it = None if it is None else int(np.max(it))
                return m.coef_, float(m.intercept_), it, True
            fits.append(("scikit-learn", "Ridge auto", kind, "", fit))
    elif model == "poisson" and l1 == 0:
        for s in ["lbfgs", "newton-cholesky"]:
            def fit(x, y, s=s):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    m = lm.PoissonRegressor(alpha=alpha, solver=s, tol=tol, max_iter=max_iter).fit(x, y)
                it, conv = converged(m)
                return m.coef_, float(m.intercept_), it, conv
            fits.append(("scikit-learn", s, kind, "", fit))
    return fits


def glum_fits(glum, model, alpha, l1, tol, max_iter, kind):
    if glum is None:
        return []
    family = {"linear": "normal", "logistic": "binomial", "poisson": "poisson"}[model]
    solvers = ["irls-ls", "lbfgs"] if l1 == 0 else ["irls-cd"]
    fits = []
    for s in solvers:
        def fit(x, y, s=s):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m = glum.GeneralizedLinearRegressor(
                    family=family, alpha=alpha, l1_ratio=l1, solver=s, gradient_tol=tol,
                    max_iter=max_iter, fit_intercept=True,
                ).fit(x, y)
            it = int(m.n_iter_)
            return np.asarray(m.coef_), float(m.intercept_), it, it < max_iter
        fits.append(("glum", s, kind, "", fit))
    return fits


def dask_glm_fits(dg, model, alpha, l1, tol, max_iter, n, chunk_rows):
    if dg is None:
        return []
    algorithms, families, utils, da = dg
    family = {"linear": families.Normal, "logistic": families.Logistic,
              "poisson": families.Poisson}[model]
    lam = alpha * n * (2.0 if model == "linear" else 1.0)
    if l1 == 0:
        reg = "l2"
    else:
        reg = importlib.import_module("dask_glm.regularizers").ElasticNet(weight=l1)
    penalised_note = "penalises the intercept too"
    plain_note = "takes no penalty" if alpha > 0 else ""
    specs = []
    if l1 == 0:
        specs.append(("lbfgs", dict(regularizer=reg, lamduh=lam, tol=tol, max_iter=max_iter), penalised_note))
        specs.append(("newton", dict(tol=tol, max_iter=max_iter), plain_note))
        specs.append(("gradient_descent", dict(tol=tol, max_iter=max_iter), plain_note))
    specs.append(("admm", dict(regularizer=reg, lamduh=lam, max_iter=max_iter), penalised_note))
    specs.append(("proximal_grad", dict(regularizer=reg, lamduh=lam, tol=tol, max_iter=max_iter), penalised_note))
    fits = []
    for name, kw, note in specs:
        def fit(x, y, name=name, kw=kw):
            X = utils.add_intercept(da.from_array(x, chunks=(chunk_rows, x.shape[1])))
            Y = da.from_array(y, chunks=(chunk_rows,))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                w = np.asarray(getattr(algorithms, name)(X, Y, family=family, normalize=False, **kw))
            return w[:-1], float(w[-1]), None, None
        fits.append(("dask-glm", name, "chunked", note, fit))
    return fits


# ---------------------------------------------------------------------------------


def load_case(case, dtype, sk_datasets):
    if case["kind"] == "dense":
        x = np.load(case["x"])
        y = np.load(case["y"])
    else:
        if sk_datasets is None:
            raise RuntimeError("reading svmlight needs scikit-learn")
        x, y = sk_datasets.load_svmlight_file(case["x"], n_features=case["p"], dtype=np.float64)
        x = x.tocsr()
    if dtype == "f32":
        x = x.astype(np.float32)
    return x, np.asarray(y, dtype=np.float64)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--manifest", required=True, help="manifest.json written by duckml bench")
    ap.add_argument("--out", required=True, help="CSV file for the rows")
    ap.add_argument("--only", default="scikit-learn,glum,dask-glm",
                    help="comma-separated libraries to run")
    args = ap.parse_args()
    with open(args.manifest) as f:
        m = json.load(f)
    only = set(args.only.split(","))
    model, l1, tol, max_iter = m["model"], float(m["l1_ratio"]), float(m["tol"]), int(m["max_iter"])
    repeats, budget, dtype = int(m["repeats"]), float(m["budget"]), m.get("dtype", "f64")
    arrays = set(m["arrays"])

    sk = try_import("sklearn", "scikit-learn") if "scikit-learn" in only else None
    sk_datasets = None
    if sk is not None:
        sk_datasets = importlib.import_module("sklearn.datasets")
    glum = try_import("glum") if "glum" in only else None
    dg = None
    if "dask-glm" in only and "chunked" in arrays:
        dgm = try_import("dask_glm", "dask-glm")
        if dgm is not None:
            try:
                dg = (importlib.import_module("dask_glm.algorithms"),
                      importlib.import_module("dask_glm.families"),
                      importlib.import_module("dask_glm.utils"),
                      importlib.import_module("dask.array"))
            except Exception as exc:
                notice(f"dask-glm is broken here ({type(exc).__name__}: {exc}); its rows are left out")
    dask = sys.modules.get("dask")

    versions = [f"python {platform.python_version()}", f"numpy {np.__version__}"]
    for name, mod in (("scikit-learn", sk), ("glum", glum), ("dask", dask),
                      ("dask-glm", sys.modules.get("dask_glm"))):
        if mod is not None:
            v = version_of(mod)
            if name == "dask-glm" and v == "?":
                try:
                    from importlib.metadata import version
                    v = version("dask-glm")
                except Exception:
                    pass
            versions.append(f"{name} {v}")
    say("versions: " + ", ".join(versions))
    try:
        tpc = importlib.import_module("threadpoolctl")
        # Sorted: threadpoolctl's order changes from one process to the next.
        libs = sorted({f"{d.get('internal_api')} {d.get('version')} threads={d.get('num_threads')}"
                       for d in tpc.threadpool_info()})
        if libs:
            say("blas: " + "; ".join(libs))
    except Exception:
        pass

    # The plan: every fit of every case, to count them for the progress line.
    plan = []
    for case in m["cases"]:
        n, alpha, kind = int(case["n"]), float(case["alpha"]), case["kind"]
        fits = []
        if kind in arrays:
            fits += sklearn_fits(sk, model, alpha, l1, tol, max_iter, n, kind)
            fits += glum_fits(glum, model, alpha, l1, tol, max_iter, kind)
        if kind == "dense":
            fits += dask_glm_fits(dg, model, alpha, l1, tol, max_iter, n, int(case["chunk_rows"]))
        plan.append((case, fits))
    total = sum(len(f) for _, f in plan)
    done = 0
    say(f"progress 0 {total} starting")

    # Each fit's last (n, seconds), kept between runs on the sizes of one bench.
    state_path = m.get("state")
    last = {}
    if state_path:
        try:
            with open(state_path) as f:
                last = {tuple(k.split("|")): tuple(v) for k, v in json.load(f).items()}
        except (OSError, ValueError):
            last = {}

    def save_state():
        if state_path:
            with open(state_path, "w") as f:
                json.dump({"|".join(k): list(v) for k, v in last.items()}, f)

    with open(args.out, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        w.writeheader()
        for case, fits in plan:
            if not fits:
                continue
            n, p, alpha = int(case["n"]), int(case["p"]), float(case["alpha"])
            try:
                x, y = load_case(case, dtype, sk_datasets)
            except Exception as exc:
                notice(f"cannot load {case['x']}: {exc}")
                done += len(fits)
                continue
            for lib, solver, array, note, fit in fits:
                label = f"{array} n={n} {lib} {solver}"
                row = dict(library=lib, solver=solver, array=array, dtype=dtype, model=model,
                           n=n, p=p, nnz=int(case["nnz"]), alpha=alpha, l1_ratio=l1, tol=tol,
                           runs=0, status="ok", note=note)
                key = (lib, solver, array)
                if key in last:
                    n0, t0 = last[key]
                    expected = t0 * n / n0
                    # The same rule as duckml bench's too_slow().
                    if t0 >= min(budget / 2, 1.0) and expected > budget:
                        row["status"] = "skipped"
                        row["note"] = (f"skipped: ~{expected:.0f} s expected (n = {n0} took "
                                       f"{t0:.2f} s) > budget {budget:g} s")
                        w.writerow(row)
                        fh.flush()
                        done += 1
                        say(f"progress {done} {total} {label} skipped")
                        continue
                say(f"progress {done} {total} {label} ...")
                try:
                    t = time.perf_counter()
                    res = fit(x, y)
                    warm = time.perf_counter() - t
                    last[key] = (n, warm)
                    save_state()
                    runs = 1 if warm > budget / 3 else repeats
                    times = []
                    for _ in range(runs):
                        t = time.perf_counter()
                        res = fit(x, y)
                        times.append(time.perf_counter() - t)
                    coef, intercept, n_iter, conv = res
                    times.sort()
                    mid = len(times) // 2
                    med = times[mid] if len(times) % 2 else 0.5 * (times[mid - 1] + times[mid])
                    row.update(runs=len(times), median_s=med, min_s=times[0],
                               n_iter="" if n_iter is None else n_iter,
                               converged="" if conv is None else str(bool(conv)).lower(),
                               objective=repr(objective(model, x, y, coef, intercept, alpha, l1)))
                except Exception as exc:
                    row["status"] = "error"
                    row["note"] = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:300]
                w.writerow(row)
                fh.flush()
                done += 1
                say(f"progress {done} {total} {label} done")
            del x, y
    say(f"progress {done} {total} finished")


if __name__ == "__main__":
    main()
