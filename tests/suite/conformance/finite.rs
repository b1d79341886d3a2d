//! Non-finite X on one array type: the first GLM pass reports it for every family,
//! and the fit fails with `NonFinite("x")`.

use duckml::arrays::{DataMatrix, Float};
use ndarray::{Array1, Array2};

/// Every array type learns from its first GLM pass that X holds a NaN or an infinity
/// (`glm_loss_grad_checked`), for every family, at the zero start and elsewhere, and
/// the GLM fit reports it; finite X gives the plain pass's result.
pub fn run_finite_suite<F, X, C>(convert: C)
where
    F: Float,
    X: DataMatrix<F>,
    C: Fn(&Array2<f64>, &Array1<f64>) -> (X, X::Vector),
{
    use duckml::arrays::{GlmFamily, Linear};
    let clean = Array2::from_shape_fn((11, 5), |(i, j)| ((i * 3 + j * 7) % 5) as f64 * 0.4 - 0.7);
    let y = Array1::from_shape_fn(11, |i| (i % 2) as f64);
    let zero = Array1::zeros(5);
    let some = Array1::from_shape_fn(5, |j| 0.3 - 0.1 * j as f64);
    let families = [
        GlmFamily::Gaussian,
        GlmFamily::Bernoulli,
        GlmFamily::Poisson,
    ];
    let (xc, yc) = convert(&clean, &y);
    for family in families {
        let lin = Linear {
            coef: some.view(),
            intercept: 0.2,
        };
        let checked = xc
            .glm_loss_grad_checked(family, &yc, lin)
            .expect("finite X");
        let plain = xc.glm_loss_grad(family, &yc, lin);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + b.abs());
        assert!(close(checked.loss, plain.loss), "{family:?}");
        assert!(
            close(checked.grad_intercept, plain.grad_intercept),
            "{family:?}"
        );
        assert!(checked
            .grad
            .iter()
            .zip(&plain.grad)
            .all(|(&a, &b)| close(a, b)));
    }
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for (i, j) in [(0, 0), (4, 2), (9, 4), (10, 1)] {
            let mut x = clean.clone();
            x[[i, j]] = bad;
            let (xb, yb) = convert(&x, &y);
            for family in families {
                for (coef, b0) in [(&zero, 0.0), (&some, -0.4)] {
                    let lin = Linear {
                        coef: coef.view(),
                        intercept: b0,
                    };
                    assert!(
                        xb.glm_loss_grad_checked(family, &yb, lin).is_none(),
                        "{bad} at ({i}, {j}), {family:?}, coef {coef}"
                    );
                }
            }
            let err = duckml::prelude::LinearRegression::new()
                .fit(&xb, &yb)
                .unwrap_err();
            assert_eq!(err, duckml::estimators::Error::NonFinite("x"));
        }
    }
}
