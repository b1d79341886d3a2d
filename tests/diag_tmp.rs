mod common;
use common::{fixtures, rel};
use duckml::prelude::*;
#[test]
fn diag() {
    let fx = fixtures();
    let only = std::env::var("SOLVER").ok();
    for case in &fx.cases {
        let data = &fx.datasets[&case.dataset];
        let (x, y) = (data.x(), data.y());
        for solver in case.solvers() {
            if let Some(o) = &only { if solver.name() != o { continue; } }
            eprintln!("start {} {}", case.name, solver.name()); let t = std::time::Instant::now();
            macro_rules! go { ($est:ty) => {{ let m = <$est>::new().solver(solver).alpha(case.alpha).l1_ratio(case.l1_ratio).fit_intercept(case.fit_intercept).tol(1e-9).max_iter(3000).fit(&x, &y).unwrap(); (m.objective(), m.converged(), m.n_iter(), format!("{}", m.stop_reason())) }} }
            let (obj, conv, it, why) = match case.family.as_str() { "gaussian" => go!(LinearRegression), "bernoulli" => go!(LogisticRegression), _ => go!(PoissonRegression) };
            println!("{:40} {:18} rel {:.1e} conv {} it {} {:?} {}", case.name, solver.name(), rel(obj, case.objective), conv, it, t.elapsed(), why);
        }
    }
}
