//! `fit`, `kmeans` and `predict` with `--array mpi`: the same tasks as the
//! single-process commands (`crate::commands`), on this process's rows; rank 0 prints
//! and writes.

use super::load::{load, DistInput};
use super::{on_every_rank, report_traffic, write_atomic, write_text_atomic};
use crate::commands::fit::{FitArgs, FitTask};
use crate::commands::kmeans::{labels_f64, output, KmeansArgs, KmeansTask};
use crate::commands::predict::{load_model, proba_needs_logistic, PredictArgs, PredictTask};
use crate::dispatch::ArrayTask;
use crate::error::CliError;
use crate::flags::{ArraySpec, Dtype, ModelKind};
use crate::output::{json_text, print_json, Layout};
use crate::schema::{InputData, SavedModel};
use duckml::arrays::Traffic;
use duckml::datasets::write_npy_vector;

/// Runs a task on the distributed input.
fn run_task<T: ArrayTask<f64>>(input: &DistInput, task: &mut T) -> Result<T::Output, CliError> {
    match input {
        DistInput::Dense(x, y) => task.run(x, y.as_ref()),
        DistInput::Sparse(x, y) => task.run(x, Some(y)),
    }
}

/// `--array mpi` holds `f64` data.
fn f64_only(dtype: Dtype) -> Result<(), CliError> {
    match dtype {
        Dtype::F64 => Ok(()),
        Dtype::F32 => Err(CliError::Usage(
            "--array mpi holds f64 data: drop --dtype f32".into(),
        )),
    }
}

/// `duckml fit --array mpi`.
pub(crate) fn fit(args: &FitArgs) -> Result<(), CliError> {
    f64_only(args.dtype)?;
    let params = args.params();
    params.check_solver()?;
    on_every_rank(|comm| {
        let input = load(comm, &args.input, args.y.as_deref(), None)?;
        if let DistInput::Dense(_, None) = input {
            return Err(CliError::Usage("fit needs targets: --y FILE.npy".into()));
        }
        let before = Traffic::now();
        let mut task = FitTask {
            params,
            keep_model: args.save.is_some(),
        };
        let fit = run_task(&input, &mut task)?;
        report_traffic(comm, Traffic::now().since(before), fit.n_iter);
        if comm.rank() != 0 {
            return Ok(());
        }
        let out = args.output(&fit, ArraySpec::Mpi, input.shape());
        if let (Some(path), Some(fitted)) = (&args.save, fit.fitted) {
            let saved = SavedModel::new(fitted, out.data.n_features);
            write_text_atomic(path, &(json_text(&saved, Layout::Pretty)? + "\n"))?;
        }
        print_json(&out)
    })
}

/// `duckml kmeans --array mpi`.
pub(crate) fn kmeans(args: &KmeansArgs) -> Result<(), CliError> {
    f64_only(args.dtype)?;
    on_every_rank(|comm| {
        let input = load(comm, &args.input, None, None)?;
        let before = Traffic::now();
        let mut task = KmeansTask {
            est: args.estimator(),
        };
        let (model, seconds) = run_task(&input, &mut task)?;
        report_traffic(comm, Traffic::now().since(before), model.n_iter());
        if comm.rank() != 0 {
            return Ok(());
        }
        let out = output(
            &model,
            InputData::new(ArraySpec::Mpi, args.dtype, input.shape()),
            seconds,
        );
        if let Some(path) = &args.labels_out {
            let labels = labels_f64(&model);
            write_atomic(path, |tmp| Ok(write_npy_vector(tmp, &labels)?))?;
        }
        print_json(&out)
    })
}

/// `duckml predict --array mpi`: every process predicts its rows; the predictions are
/// gathered and rank 0 writes them (or prints them) in row order.
pub(crate) fn predict(args: &PredictArgs) -> Result<(), CliError> {
    let model = load_model(&args.model)?;
    if args.proba && model.kind() != ModelKind::Logistic {
        return Err(proba_needs_logistic());
    }
    on_every_rank(|comm| {
        let input = load(comm, &args.input, None, Some(model.n_features()))?;
        let mut task = PredictTask {
            model: &model,
            proba: args.proba,
        };
        let pred = run_task(&input, &mut task)?;
        if comm.rank() != 0 {
            return Ok(());
        }
        match &args.out {
            Some(path) => {
                let v = ndarray::Array1::from(pred);
                write_atomic(path, |tmp| Ok(write_npy_vector(tmp, &v)?))?;
                eprintln!("wrote {} predictions to {}", v.len(), path.display());
                Ok(())
            }
            None => print_json(&pred),
        }
    })
}
