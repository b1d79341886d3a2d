//! `fit`, `kmeans` and `predict` with `--array mpi`: the same tasks as the
//! single-process commands (`crate::commands`), on this process's rows; rank 0 prints
//! and writes.

use super::load::{load, DistInput};
use super::{on_every_rank, report_traffic};
use crate::commands::fit::{FitArgs, FitTask};
use crate::commands::kmeans::{check_finite, check_k, labels_f64, output, KmeansArgs, KmeansTask};
use crate::commands::predict::{
    check_predictions, load_model, proba_needs_logistic, PredictArgs, PredictTask,
};
use crate::dispatch::ArrayTask;
use crate::error::CliError;
use crate::flags::{ArraySpec, Dtype, ModelKind};
use crate::output::{atomic, json_text, Layout, Printed};
use crate::same_file::refuse_overwriting_inputs;
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
pub(crate) fn fit(args: &FitArgs) -> Result<Printed, CliError> {
    f64_only(args.dtype)?;
    refuse_overwriting_inputs(
        &[("--save", args.save.as_deref())],
        &[("--x", Some(&args.input.x)), ("--y", args.y.as_deref())],
    )?;
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
            return Ok(Printed::default());
        }
        let out = args.output(&fit, ArraySpec::Mpi, input.shape());
        let printed = Printed::json(&out, "the fit")?;
        if let (Some(path), Some(fitted)) = (&args.save, fit.fitted) {
            // Each process reads its rows of an svmlight file with the numbering agreed
            // on by all; the model keeps the per-file detection (version 1).
            let saved = SavedModel::new(fitted, out.data.n_features, None);
            let text = json_text(&saved, Layout::Pretty, "the fitted model")? + "\n";
            atomic::write_text(path, &text)?;
        }
        Ok(printed)
    })
}

/// `duckml kmeans --array mpi`.
pub(crate) fn kmeans(args: &KmeansArgs) -> Result<Printed, CliError> {
    f64_only(args.dtype)?;
    refuse_overwriting_inputs(
        &[("--labels-out", args.labels_out.as_deref())],
        &[("--x", Some(&args.input.x))],
    )?;
    let x_name = args.input.x_name();
    on_every_rank(|comm| {
        let input = load(comm, &args.input, None, None)?;
        let (n, p) = input.shape();
        check_k(args.k, n, p, &x_name)?;
        let before = Traffic::now();
        let mut task = KmeansTask {
            est: args.estimator(),
            x_name: x_name.clone(),
        };
        let (model, seconds) = run_task(&input, &mut task)?;
        report_traffic(comm, Traffic::now().since(before), model.n_iter());
        if comm.rank() != 0 {
            return Ok(Printed::default());
        }
        check_finite(&model, &x_name)?;
        let out = output(
            &model,
            InputData::new(ArraySpec::Mpi, args.dtype, input.shape()),
            seconds,
        );
        let printed = Printed::json(&out, "the k-means fit")?;
        if let Some(path) = &args.labels_out {
            let labels = labels_f64(&model);
            atomic::write_via_path(path, |tmp| Ok(write_npy_vector(tmp, &labels)?))?;
        }
        Ok(printed)
    })
}

/// `duckml predict --array mpi`: every process predicts its rows; the predictions are
/// gathered and rank 0 writes them (or prints them) in row order.
pub(crate) fn predict(args: &PredictArgs) -> Result<Printed, CliError> {
    refuse_overwriting_inputs(
        &[("--out", args.out.as_deref())],
        &[("--x", Some(&args.input.x)), ("--model", Some(&args.model))],
    )?;
    let model = load_model(&args.model)?.model;
    let x_name = args.input.x_name();
    if args.proba && model.kind() != ModelKind::Logistic {
        return Err(proba_needs_logistic());
    }
    on_every_rank(|comm| {
        let input = load(comm, &args.input, None, Some(model.n_features()))?;
        let mut task = PredictTask {
            model: &model,
            proba: args.proba,
            x_name: &x_name,
        };
        let pred = run_task(&input, &mut task)?;
        if comm.rank() != 0 {
            return Ok(Printed::default());
        }
        check_predictions(&pred, model.kind(), &x_name)?;
        match &args.out {
            Some(path) => {
                let v = ndarray::Array1::from(pred);
                atomic::write_via_path(path, |tmp| Ok(write_npy_vector(tmp, &v)?))?;
                Ok(Printed::note(format!(
                    "wrote {} predictions to {}",
                    v.len(),
                    path.display()
                )))
            }
            None => Printed::json(&pred, "the predictions"),
        }
    })
}
