//! Faults and determinism across processes (run under `mpirun -np 2` or more):
//! a bad input on one process is the same error on every process, naming the rank and
//! the file, and no process hangs; the same fits on this job reach the single-process
//! objective to 1e-10 and the same k-means partition, identically on every process.

mod harness;

use duckml::arrays::{ArrayError, Comm, Distributed, MatrixCore};
use duckml::datasets::distributed::{
    read_csv_distributed, read_npy_distributed, read_npy_x_distributed, read_svmlight_distributed,
};
use duckml::datasets::{
    make_blobs, make_classification, write_npy_matrix, write_npy_vector, write_svmlight,
    SvmlightOptions,
};
use duckml::datasets::{read_csv, write_csv, CsvOptions, TargetColumn};
use duckml::estimators::{KMeans, LogisticRegression, PoissonRegression};
use duckml::solvers::SolverChoice;
use harness::{balanced, Harness};
use ndarray::{s, Array2};
use std::path::PathBuf;

/// A folder per job (rank 0's pid, shared by a broadcast-free rule: the job id).
fn dir(comm: &Comm, tag: &str) -> PathBuf {
    let job = std::env::var("OMPI_MCA_orte_ess_jobid")
        .or_else(|_| std::env::var("PMIX_NAMESPACE"))
        .unwrap_or_else(|_| "job".into());
    let d = std::env::temp_dir().join(format!(
        "duckml-mpi-{}-{tag}",
        job.replace(['/', '@', '.'], "_")
    ));
    std::fs::create_dir_all(&d).unwrap();
    comm.barrier();
    d
}

/// Every process must see this same `Rank` error.
fn expect_rank_error<T>(comm: &Comm, got: Result<T, ArrayError>, rank: usize, needle: &str) {
    match got {
        Err(ArrayError::Rank { rank: r, message }) => {
            assert_eq!(r, rank, "{message}");
            assert!(message.contains(needle), "{message} lacks {needle}");
        }
        Err(e) => panic!("rank {}: expected a Rank error, got {e}", comm.rank()),
        Ok(_) => panic!("rank {}: expected a Rank error, got Ok", comm.rank()),
    }
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

fn main() {
    let mut h = Harness::init();
    let last = h.comm.size() - 1;

    h.check("faults::missing_file_on_one_rank", |c| {
        let d = dir(c, "missing");
        let data = make_classification(300, 4, 1).unwrap();
        // Each process reads "its copy" (its own folder, as on separate machines).
        let mine = d.join(format!("rank{}", c.rank()));
        std::fs::create_dir_all(&mine).unwrap();
        if c.rank() != last {
            write_npy_matrix(mine.join("x.npy"), &data.x).unwrap();
        }
        expect_rank_error(
            c,
            read_npy_x_distributed(c, &mine.join("x.npy")),
            last,
            "x.npy",
        );
    });

    h.check("faults::truncated_file_on_one_rank", |c| {
        let d = dir(c, "trunc");
        let data = make_classification(300, 4, 1).unwrap();
        let mine = d.join(format!("rank{}", c.rank()));
        std::fs::create_dir_all(&mine).unwrap();
        let path = mine.join("x.npy");
        write_npy_matrix(&path, &data.x).unwrap();
        if c.rank() == last {
            let bytes = std::fs::read(&path).unwrap();
            std::fs::write(&path, &bytes[..bytes.len() - 8]).unwrap();
        }
        expect_rank_error(c, read_npy_x_distributed(c, &path), last, "truncated");
    });

    h.check("faults::other_shape_on_one_rank", |c| {
        let d = dir(c, "shape");
        let data = make_classification(300, 4, 1).unwrap();
        let mine = d.join(format!("rank{}", c.rank()));
        std::fs::create_dir_all(&mine).unwrap();
        let path = mine.join("x.npy");
        let rows = if c.rank() == last { 299 } else { 300 };
        write_npy_matrix(&path, &data.x.slice(s![..rows, ..]).to_owned()).unwrap();
        expect_rank_error(c, read_npy_x_distributed(c, &path), last, "rank 0");
        // Rows of another width from a program's own data.
        let width = if c.rank() == last { 3 } else { 4 };
        let local = Array2::<f64>::zeros((5, width));
        expect_rank_error(c, Distributed::new(c, local), last, "columns");
    });

    h.check("faults::y_of_other_length", |c| {
        let d = dir(c, "ylen");
        let data = make_classification(300, 4, 1).unwrap();
        if c.rank() == 0 {
            write_npy_matrix(d.join("x.npy"), &data.x).unwrap();
            write_npy_vector(d.join("y.npy"), &data.y.slice(s![..299]).to_owned()).unwrap();
        }
        c.barrier();
        let got = read_npy_distributed(c, &d.join("x.npy"), &d.join("y.npy"));
        assert!(matches!(got, Err(ArrayError::Invalid(ref m)) if m.contains("y.npy")));
    });

    h.check("determinism::glm_objective_and_model", |c| {
        let d = dir(c, "glm");
        let data = make_classification(2_003, 7, 3).unwrap();
        if c.rank() == 0 {
            write_npy_matrix(d.join("x.npy"), &data.x).unwrap();
            write_npy_vector(d.join("y.npy"), &data.y).unwrap();
        }
        c.barrier();
        let (x, y) = read_npy_distributed(c, &d.join("x.npy"), &d.join("y.npy")).unwrap();
        assert_eq!(x.n_rows(), 2_003);
        for solver in [
            SolverChoice::Lbfgs,
            SolverChoice::Newton,
            SolverChoice::GradientDescent,
            SolverChoice::ProximalGradient,
            SolverChoice::Admm,
        ] {
            let est = LogisticRegression::new()
                .alpha(1e-2)
                .solver(solver)
                .tol(1e-10)
                .max_iter(20_000);
            let single = est.fit(&data.x, &data.y).unwrap();
            let dist = est.fit(&x, &y).unwrap();
            let r = rel(dist.objective(), single.objective());
            assert!(
                r < 1e-10,
                "{solver:?}: objective {} vs {} (rel {r:e})",
                dist.objective(),
                single.objective()
            );
            // The model is the same on every process: sum its coefficients' bits.
            let bits: Vec<f64> = dist
                .coef_f64()
                .iter()
                .map(|v| v.to_bits() as f64 / 2f64.powi(40))
                .collect();
            let mut sum = bits.clone();
            c.sum(&mut sum);
            let n = c.size() as f64;
            assert!(
                sum.iter().zip(&bits).all(|(s, b)| *s == b * n),
                "{solver:?}: models differ between processes"
            );
        }
        let est = PoissonRegression::new()
            .alpha(1e-2)
            .solver(SolverChoice::Lbfgs)
            .tol(1e-10);
        let yp = data.y.mapv(|v| v * 2.0);
        let (_, ypd) = (x.n_rows(), x.vector_from_host(yp.view()).unwrap());
        let r = rel(
            est.fit(&x, &ypd).unwrap().objective(),
            est.fit(&data.x, &yp).unwrap().objective(),
        );
        assert!(r < 1e-10, "poisson rel {r:e}");
    });

    h.check("determinism::sparse_rows_by_byte_range", |c| {
        let d = dir(c, "svm");
        let data = make_classification(1_001, 6, 5).unwrap();
        let csr = sprs::CsMat::csr_from_dense(
            data.x.mapv(|v| if v.abs() > 0.8 { v } else { 0.0 }).view(),
            0.0,
        );
        if c.rank() == 0 {
            write_svmlight(d.join("d.svm"), &csr, &data.y).unwrap();
        }
        c.barrier();
        let whole =
            duckml::datasets::read_svmlight(d.join("d.svm"), &SvmlightOptions::default()).unwrap();
        let (x, y) =
            read_svmlight_distributed(c, &d.join("d.svm"), &SvmlightOptions::default()).unwrap();
        assert_eq!((x.n_rows(), x.n_cols()), whole.x.shape());
        let est = LogisticRegression::new().tol(1e-10);
        let r = rel(
            est.fit(&x, &y).unwrap().objective(),
            est.fit(&whole.x, &whole.y).unwrap().objective(),
        );
        assert!(r < 1e-10, "svmlight rel {r:e}");
    });

    h.check("determinism::csv_rows_by_byte_range", |c| {
        let d = dir(c, "csv");
        let data = make_classification(997, 4, 8).unwrap();
        let names: Vec<String> = (0..4).map(|j| format!("f{j}")).collect();
        if c.rank() == 0 {
            write_csv(
                d.join("h.csv"),
                &data.x,
                Some(&data.y),
                Some(names.as_slice()),
            )
            .unwrap();
            write_csv(d.join("n.csv"), &data.x, Some(&data.y), None).unwrap();
        }
        c.barrier();
        for (file, target) in [
            ("h.csv", TargetColumn::Name("y".into())),
            ("n.csv", TargetColumn::Last),
        ] {
            let opts = CsvOptions::with_target(target);
            let whole = read_csv(d.join(file), &opts).unwrap();
            let (x, y) = read_csv_distributed(c, &d.join(file), &opts).unwrap();
            let y = y.expect("a target column");
            assert_eq!(x.n_rows(), whole.x.nrows(), "{file}");
            let est = LogisticRegression::new().tol(1e-10);
            let r = rel(
                est.fit(&x, &y).unwrap().objective(),
                est.fit(&whole.x, whole.y.as_ref().unwrap())
                    .unwrap()
                    .objective(),
            );
            assert!(r < 1e-10, "{file}: rel {r:e}");
        }
    });

    h.check("determinism::kmeans_partition", |c| {
        let blobs = make_blobs(3_001, 5, 6, 1.5, 11).unwrap();
        let r = balanced(blobs.x.nrows(), c);
        let x = Distributed::new(c, blobs.x.slice(s![r, ..]).to_owned()).unwrap();
        for init in [
            duckml::estimators::Init::KMeansPlusPlus,
            duckml::estimators::Init::KMeansParallel {
                rounds: 5,
                oversampling: 2.0,
            },
        ] {
            let km = KMeans::new(6).seed(3).init(init.clone());
            let single = km.fit(&blobs.x).unwrap();
            let dist = km.fit(&x).unwrap();
            assert_eq!(
                dist.labels(),
                single.labels(),
                "{init:?}: partitions differ"
            );
            assert!(rel(dist.inertia(), single.inertia()) < 1e-10);
        }
    });
    h.finish();
}
