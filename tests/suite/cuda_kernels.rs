//! The CUDA kernels, verified without a GPU (feature `cuda`):
//!
//! - their per-element math (`arrays/cuda/duckml_math.cuh`, compiled for the host by
//!   `arrays/build.rs`) against the Rust reference, for `f32` and `f64`, over grids of
//!   values — this also checks the enum-to-code mapping the kernels switch on;
//! - every kernel family compiled by NVRTC for `float` and `double` (when `libnvrtc`
//!   can be loaded: the `nvidia-cuda-nvrtc-cu12` wheel on `LD_LIBRARY_PATH` is enough),
//!   and the PTX assembled for sm_80 and sm_90 by `ptxas` when it is on `PATH`;
//! - bad kernel source is an error, not a panic; no GPU is `CudaError::NoGpu`.

use duckml::arrays::cuda::host_math::{loss_at_mean, HostMath};
use duckml::arrays::cuda::{self, kernels, CudaError, CudaMatrix};
use duckml::arrays::prelude::*;
use duckml::arrays::{BinaryOp, ElementCheck, PairReduction, Reduction, UnaryOp};
use ndarray::{Array1, Array2};

const FAMILIES: [GlmFamily; 3] = [
    GlmFamily::Gaussian,
    GlmFamily::Bernoulli,
    GlmFamily::Poisson,
];

/// Equal within `ulps` units of the type's epsilon, relative (NaN equals NaN; infinities
/// must match exactly).
fn close<F: Float>(a: F, b: F, ulps: f64) -> bool {
    let (a, b) = (a.as_f64(), b.as_f64());
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    let eps = F::epsilon().as_f64();
    (a - b).abs() <= ulps * eps * a.abs().max(b.abs()).max(F::min_positive_value().as_f64())
}

fn grid<F: Float>() -> Vec<F> {
    let mut v: Vec<f64> = vec![
        0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 3.0, 1e-7, -1e-7, 0.25, 7.5, -12.0, 30.0, -30.0,
        80.0, -80.0, 700.0, -700.0, 1e-30, 123.456,
    ];
    v.extend((-40..=40).map(|i| i as f64 * 0.37));
    v.into_iter().map(F::of).collect()
}

fn specials<F: Float>() -> Vec<F> {
    vec![
        F::nan(),
        F::infinity(),
        F::neg_infinity(),
        F::max_value(),
        F::min_positive_value(),
    ]
}

fn labels_for(fam: GlmFamily) -> Vec<f64> {
    match fam {
        GlmFamily::Gaussian => vec![-3.0, -0.5, 0.0, 1.0, 2.25, 10.0],
        GlmFamily::Bernoulli => vec![0.0, 1.0, 0.3],
        GlmFamily::Poisson => vec![0.0, 1.0, 2.0, 3.5, 17.0],
    }
}

fn check_glm_math<F: Float + HostMath>() {
    let mut fails = Vec::new();
    let mut checked = 0;
    for fam in FAMILIES {
        for y in labels_for(fam).into_iter().map(F::of) {
            for eta in grid::<F>() {
                // Poisson overflows exp(eta) past ~88 (f32) / ~709 (f64) in both.
                let t = fam.terms(y, eta);
                let (l, r) = F::glm_terms(fam, y, eta);
                checked += 1;
                if !close(l, t.loss, 8.0) || !close(r, t.residual, 8.0) {
                    fails.push(format!(
                        "{} {} y={y} eta={eta}: header ({l}, {r}) vs rust ({}, {})",
                        F::NAME,
                        fam.name(),
                        t.loss,
                        t.residual
                    ));
                }
            }
        }
        for eta in grid::<F>().into_iter().chain(specials()) {
            checked += 2;
            if !close(F::glm_mean(fam, eta), fam.mean(eta), 4.0) {
                fails.push(format!("{} {} mean({eta})", F::NAME, fam.name()));
            }
            if !close(F::glm_weight(fam, eta), fam.hessian_weight(eta), 4.0) {
                fails.push(format!("{} {} weight({eta})", F::NAME, fam.name()));
            }
        }
        for y in labels_for(fam) {
            for mu in [
                1e-300,
                1e-6,
                0.1,
                0.3,
                0.5,
                0.9,
                1.0 - 1e-9,
                1.0,
                2.0,
                3.5,
                40.0,
            ] {
                if fam == GlmFamily::Bernoulli && mu > 1.0 {
                    continue;
                }
                checked += 1;
                let want = fam.loss_at_mean(y, mu);
                if !close(loss_at_mean(fam, y, mu), want, 8.0) {
                    fails.push(format!("{} loss_at_mean({y}, {mu})", fam.name()));
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} checks");
    assert!(
        fails.is_empty(),
        "{} mismatches:\n{}",
        fails.len(),
        fails.join("\n")
    );
}

#[test]
fn glm_math_matches_the_rust_families_f64() {
    check_glm_math::<f64>();
}

#[test]
fn glm_math_matches_the_rust_families_f32() {
    check_glm_math::<f32>();
}

fn all_unary_ops() -> Vec<UnaryOp> {
    let mut ops: Vec<UnaryOp> = FAMILIES.iter().map(|&f| UnaryOp::Mean(f)).collect();
    ops.extend([
        UnaryOp::Threshold(0.0),
        UnaryOp::Threshold(0.3),
        UnaryOp::Affine {
            scale: 2.5,
            shift: -1.0,
        },
        UnaryOp::Affine {
            scale: 0.0,
            shift: 0.0,
        },
        UnaryOp::ClampMin(0.0),
        UnaryOp::ClampMin(-0.7),
        UnaryOp::EqualTo(3.0),
        UnaryOp::EqualTo(0.0),
        UnaryOp::Abs,
        UnaryOp::Exp,
        UnaryOp::InvSqrtOrOne,
    ]);
    ops
}

fn check_elementwise<F: Float + HostMath>() {
    let mut fails = Vec::new();
    let values: Vec<F> = grid::<F>().into_iter().chain(specials()).collect();
    for op in all_unary_ops() {
        for &v in &values {
            let (h, r) = (F::unary(op, v), op.apply(v));
            if !close(h, r, 4.0) {
                fails.push(format!("{} {op:?}({v}): header {h} rust {r}", F::NAME));
            }
        }
    }
    let mut reductions = vec![Reduction::Sum, Reduction::SquaredDeviation(1.5)];
    reductions.extend(
        FAMILIES
            .iter()
            .map(|&f| Reduction::DevianceFromConstant(f, 0.4)),
    );
    let mut pairs = vec![PairReduction::SquaredError, PairReduction::CountEqual];
    pairs.extend(FAMILIES.iter().map(|&f| PairReduction::Deviance(f)));
    let positive: Vec<F> = [0.0, 0.2, 0.5, 1.0, 2.0, 3.0]
        .iter()
        .map(|&v| F::of(v))
        .collect();
    for op in reductions {
        let vals = if matches!(op, Reduction::DevianceFromConstant(..)) {
            &positive
        } else {
            &values
        };
        for &v in vals {
            let (h, r) = (F::reduce_term(op, v), op.term(v));
            if !close(h, r, 4.0) {
                fails.push(format!("{} {op:?}({v}): header {h} rust {r}", F::NAME));
            }
        }
    }
    for op in pairs {
        let vals = if matches!(op, PairReduction::Deviance(..)) {
            &positive
        } else {
            &values
        };
        for &a in vals {
            for &b in vals {
                let (a, b) = match op {
                    // Means of a Bernoulli deviance lie in (0, 1).
                    PairReduction::Deviance(GlmFamily::Bernoulli) => {
                        (a.min(F::one()), (b.as_f64() / 3.5).clamp(0.01, 0.99))
                    }
                    _ => (a, b.as_f64()),
                };
                let b = F::of(b);
                let (h, r) = (F::pair_term(op, a, b), op.term(a, b));
                if !close(F::of(h), F::of(r), 4.0) && !close(h, r, 4.0) {
                    fails.push(format!("{} {op:?}({a}, {b}): header {h} rust {r}", F::NAME));
                }
            }
        }
    }
    for op in [BinaryOp::Add, BinaryOp::Mul, BinaryOp::Min, BinaryOp::Less] {
        for &a in &values {
            for &b in values.iter().step_by(7) {
                let (h, r) = (F::binary(op, a, b), op.apply(a, b));
                if !close(h, r, 0.0) {
                    fails.push(format!("{} {op:?}({a}, {b}): header {h} rust {r}", F::NAME));
                }
            }
        }
    }
    for c in [
        ElementCheck::Finite,
        ElementCheck::ZeroOrOne,
        ElementCheck::NonNegative,
    ] {
        for &v in &values {
            if F::check(c, v) != c.holds(v) {
                fails.push(format!("{} {c:?}({v})", F::NAME));
            }
        }
    }
    assert!(
        fails.is_empty(),
        "{} mismatches:\n{}",
        fails.len(),
        fails.join("\n")
    );
}

#[test]
fn elementwise_ops_match_the_rust_enums_f64() {
    check_elementwise::<f64>();
}

#[test]
fn elementwise_ops_match_the_rust_enums_f32() {
    check_elementwise::<f32>();
}

/// A deterministic `n x p` matrix with ties and zero rows.
fn matrix<F: Float>(n: usize, p: usize) -> Array2<F> {
    Array2::from_shape_fn((n, p), |(i, j)| {
        if i % 5 == 4 {
            F::zero()
        } else {
            F::of((((i * 7 + j * 13) % 11) as f64 - 5.0) * 0.5)
        }
    })
}

fn col_major<F: Float>(x: &Array2<F>) -> Vec<F> {
    x.t().iter().copied().collect()
}

fn check_row_math<F: Float + HostMath>() {
    let (n, p) = (23, 6);
    let x = matrix::<F>(n, p);
    let xc = col_major(&x);
    let norms = x.row_sq_norms();
    let centres = Array2::from_shape_fn((4, p), |(j, a)| ((j * 3 + a) % 5) as f64 * 0.75 - 1.0);
    let c_row_major: Vec<f64> = centres.iter().copied().collect();
    // -2 X C^T (n x 4, column-major) as the GEMM would give it, and |c|^2.
    let g: Vec<F> = (0..4)
        .flat_map(|j| {
            let x = &x;
            let centres = &centres;
            (0..n).map(move |i| {
                F::of(
                    -2.0 * (0..p)
                        .map(|a| x[[i, a]].as_f64() * centres[[j, a]])
                        .sum::<f64>(),
                )
            })
        })
        .collect();
    let csq: Vec<F> = (0..4)
        .map(|j| F::of(centres.row(j).dot(&centres.row(j))))
        .collect();
    let mut out = vec![F::zero(); n * p];
    let want_norm = x.normalize_rows();
    let want_arg = x.argmax_abs_rows();
    for i in 0..n {
        assert!(
            close(F::row_sq_norm(&xc, n, p, i), norms[i], 4.0),
            "row_sq_norm {i}"
        );
        // Nearest centre: the first minimum of |c|^2 - 2 x.c.
        let score: Vec<f64> = (0..4).map(|j| (g[i + j * n] + csq[j]).as_f64()).collect();
        let best = (0..4).fold(0, |b, j| if score[j] < score[b] { j } else { b });
        assert_eq!(F::argmin_row(&g, n, i, &csq), best, "argmin row {i}");
        for j in 0..4 {
            let want: f64 = (0..p)
                .map(|a| (x[[i, a]].as_f64() - centres[[j, a]]).powi(2))
                .sum();
            let got = F::exact_sq_dist(&xc, n, p, i, &c_row_major, j);
            assert!(
                (got - want).abs() <= 1e-12 * want.max(1.0),
                "exact dist {i} {j}"
            );
            let gc = g[i + j * n] + csq[j];
            let d = (norms[i] + gc).max(F::zero());
            assert_eq!(F::sq_dist_point(norms[i], gc, None), d);
            let floor = F::of(0.5);
            assert_eq!(F::sq_dist_point(norms[i], gc, Some(floor)), d.min(floor));
        }
        assert_eq!(
            F::argmax_abs_row(&xc, n, p, i),
            want_arg[i],
            "argmax_abs row {i}"
        );
        F::normalize_row(&xc, &mut out, n, p, i);
        for a in 0..p {
            assert!(
                close(out[i + a * n], want_norm[[i, a]], 4.0),
                "normalize {i} {a}"
            );
        }
    }
    // Ties: the first of equal minima.
    let tied = vec![F::one(); 3];
    assert_eq!(F::argmin_row(&tied, 1, 0, &[F::zero(); 3]), 0);
    let sq = [F::one(), F::zero(), F::zero()];
    assert_eq!(F::argmin_row(&tied, 1, 0, &sq), 1);
}

#[test]
fn row_math_matches_the_dense_backend_f64() {
    check_row_math::<f64>();
}

#[test]
fn row_math_matches_the_dense_backend_f32() {
    check_row_math::<f32>();
}

fn skip_without_nvrtc() -> bool {
    if kernels::nvrtc_available() {
        return false;
    }
    println!(
        "skipping: libnvrtc not found (install nvidia-cuda-nvrtc-cu12 and set LD_LIBRARY_PATH)"
    );
    true
}

#[test]
fn every_kernel_compiles_with_nvrtc_for_f32_and_f64() {
    if skip_without_nvrtc() {
        return;
    }
    for real in ["float", "double"] {
        let ptx = kernels::compile_all(real).unwrap_or_else(|e| panic!("{real}: {e}"));
        assert_eq!(ptx.len(), kernels::FAMILIES.len());
        for ((name, text), fam) in ptx.iter().zip(kernels::FAMILIES.iter()) {
            assert_eq!(*name, fam.name);
            assert!(text.contains(&format!(".target sm_{}", &kernels::ARCH[8..])));
            for k in fam.kernels {
                assert!(
                    text.contains(&format!(".entry {k}(")),
                    "{real} {name}: no entry {k}"
                );
            }
            // f64 kernels use double loads; f32 kernels single-precision ones.
            let want = if real == "double" {
                "ld.global.f64"
            } else {
                "ld.global.f32"
            };
            if *name != "reduce" {
                assert!(text.contains(want), "{real} {name}: no {want}");
            }
        }
        println!("compiled {} kernel families for {real}", ptx.len());
    }
}

#[test]
fn bad_kernel_source_is_an_error_not_a_panic() {
    if skip_without_nvrtc() {
        return;
    }
    let bad = "extern \"C\" __global__ void broken(float* x) { x[0] = undefined_name; }";
    match kernels::compile(bad, Some(kernels::ARCH)) {
        Err(CudaError::Compile(log)) => {
            assert!(log.contains("undefined_name"), "log: {log}");
        }
        other => panic!("expected a compile error, got {other:?}"),
    }
    // A family source with its REAL left undefined fails too.
    let fam = &kernels::FAMILIES[0];
    let src = kernels::source(fam, "float").replacen("#define REAL float", "", 1);
    assert!(matches!(
        kernels::compile(&src, None),
        Err(CudaError::Compile(_))
    ));
    assert!(matches!(
        kernels::compile("x\0y", None),
        Err(CudaError::Invalid(_))
    ));
}

fn fam_kernels(name: &str) -> usize {
    kernels::FAMILIES
        .iter()
        .find(|f| f.name == name)
        .map_or(0, |f| f.kernels.len())
}

/// `ptxas` from `PATH` (CI puts the `nvidia-cuda-nvcc-cu12` wheel's bin folder there).
fn ptxas() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("ptxas"))
        .find(|p| p.is_file())
}

#[test]
fn ptx_assembles_for_sm80_and_sm90() {
    if skip_without_nvrtc() {
        return;
    }
    let Some(ptxas) = ptxas() else {
        println!(
            "skipping: ptxas not on PATH (install nvidia-cuda-nvcc-cu12 and add its bin folder)"
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("duckml-ptx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for real in ["float", "double"] {
        for (name, ptx) in kernels::compile_all(real).unwrap() {
            let file = dir.join(format!("{name}_{real}.ptx"));
            std::fs::write(&file, &ptx).unwrap();
            for arch in ["sm_80", "sm_90"] {
                let out = std::process::Command::new(&ptxas)
                    .args(["-arch", arch, "-v", "-o"])
                    .arg(dir.join("out.cubin"))
                    .arg(&file)
                    .output()
                    .expect("run ptxas");
                let log = String::from_utf8_lossy(&out.stderr);
                assert!(out.status.success(), "ptxas {arch} {name} {real}:\n{log}");
                // "N bytes stack frame, S bytes spill stores, L bytes spill loads"
                let spills: Vec<&str> = log
                    .lines()
                    .filter(|l| {
                        l.split(',').any(|part| {
                            let part = part.trim();
                            (part.ends_with("bytes spill stores")
                                || part.ends_with("bytes spill loads"))
                                && !part.starts_with("0 ")
                        })
                    })
                    .collect();
                assert!(spills.is_empty(), "{arch} {name} {real} spills:\n{log}");
                let regs: Vec<u32> = log
                    .lines()
                    .filter_map(|l| {
                        let at = l.find("Used ")?;
                        l[at + 5..].split_whitespace().next()?.parse().ok()
                    })
                    .collect();
                assert_eq!(
                    regs.len(),
                    fam_kernels(name),
                    "{arch} {name} {real}:\n{log}"
                );
                println!(
                    "{arch} {name} {real}: {} kernels, at most {} registers, no spills",
                    regs.len(),
                    regs.iter().max().unwrap_or(&0)
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_gpu_is_a_typed_error_not_a_panic() {
    let x = Array2::<f64>::ones((4, 3));
    match cuda::available() {
        Err(CudaError::NoGpu(why)) => {
            println!("no GPU here: {why}");
            assert!(!why.is_empty());
            assert!(matches!(
                CudaMatrix::from_host(&x),
                Err(CudaError::NoGpu(_))
            ));
            assert!(matches!(
                CudaMatrix::<f32>::from_host(&x.mapv(|v| v as f32)),
                Err(CudaError::NoGpu(_))
            ));
            assert!(matches!(
                CudaMatrix::chunked_from_host(&x, 2),
                Err(CudaError::NoGpu(_))
            ));
            assert_eq!(cuda::device_count(), 0);
            let e: duckml::arrays::ArrayError = CudaError::NoGpu(why).into();
            assert!(e.to_string().starts_with("no GPU available"));
        }
        Err(other) => panic!("expected NoGpu, got {other:?}"),
        Ok(()) => {
            let m = CudaMatrix::from_host(&x).expect("a GPU is present");
            assert_eq!((m.n_rows(), m.n_cols()), (4, 3));
            assert!(cuda::device_count() >= 1);
        }
    }
    // A bad chunk size is reported before the GPU is looked for.
    assert!(matches!(
        CudaMatrix::chunked_from_host(&x, 0),
        Err(CudaError::Invalid(_))
    ));
    let _ = Array1::<f64>::zeros(1);
}
