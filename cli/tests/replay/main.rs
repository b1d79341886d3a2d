//! Replays the command line's fuzz corpus (`tests/corpus/args`, `tests/corpus/model`)
//! and seeded mutations of it through `duckml_cli::run`, in process, as the cargo-fuzz
//! targets `cli_args` and `model` (in `fuzz/`) do with libFuzzer's inputs. Each input
//! must end in an exit status of 0, 1 or 2 that keeps the command line's promises
//! (`args.rs`, `model.rs`) within a time bound; a hang stops the replay with the input
//! it was on.
//!
//! The runs happen in a sandbox folder (the working directory, laid out afresh for
//! each input) with `DUCKML_MAX_MEMORY=4M`, so the sizes the arguments ask for are
//! bounded by that, and with the library's warnings off; the benchmark's progress lines
//! (written straight to stderr) are silenced for the runs.
//!
//! No test harness: `main` prints the number of inputs per target every run.

mod args;
mod model;
mod mutate;
mod sandbox;

use mutate::Input;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sandbox::Sandbox;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Seeded mutations per target, on top of the corpus.
const ARG_MUTATIONS: usize = 2000;
const MODEL_MUTATIONS: usize = 3000;
/// The mutations' seed: fixed, so every run tries the same inputs.
const SEED: u64 = 0xd0c_c11;
/// Without progress for this long, the replay is hung: fail at once.
const HANG: Duration = Duration::from_secs(90);
/// The most the process may have held at its peak (resident), all inputs together.
const PEAK_RSS_BOUND_KIB: u64 = 1 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    CliArgs,
    Model,
}

/// Per-target totals.
#[derive(Default)]
struct Tally {
    inputs: usize,
    ok: usize,
    input_errors: usize,
    usage_errors: usize,
    refused: usize,
    slowest: Duration,
    slowest_label: String,
    failures: Vec<String>,
}

fn corpus_dir(kind: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(kind)
}

/// Every non-empty, non-comment line of the `.txt` files in `tests/corpus/args`.
fn arg_seeds() -> Vec<(String, String)> {
    let mut seeds = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(corpus_dir("args"))
        .expect("tests/corpus/args")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') {
                seeds.push((format!("{name}:{}", i + 1), line.to_string()));
            }
        }
    }
    seeds
}

/// The files of `tests/corpus/model`.
fn model_seeds() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(corpus_dir("model"))
        .expect("tests/corpus/model")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&f).unwrap())
        })
        .collect()
}

/// Runs one input of `target`.
fn run_one(target: Target, input: &Input, sandbox: &Sandbox, tally: &mut Tally) {
    let t0 = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| match target {
        Target::CliArgs => {
            let text = String::from_utf8_lossy(&input.bytes);
            let argv = args::arguments(&text, sandbox);
            args::check(&argv, sandbox).map(Some)
        }
        Target::Model => model::check(&input.bytes, sandbox).map(|v| match v {
            model::Verdict::Accepted(e) => Some(e),
            model::Verdict::Refused => None,
        }),
    }));
    let took = t0.elapsed();
    match outcome {
        Err(payload) => {
            let why = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            tally
                .failures
                .push(format!("{target:?}: {}: panicked: {why}", input.label));
        }
        Ok(Err(why)) => tally
            .failures
            .push(format!("{target:?}: {}: {why}", input.label)),
        Ok(Ok(None)) => tally.refused += 1,
        Ok(Ok(Some(args::Ending::Ok))) => tally.ok += 1,
        Ok(Ok(Some(args::Ending::Input))) => tally.input_errors += 1,
        Ok(Ok(Some(args::Ending::Usage))) => tally.usage_errors += 1,
    }
    tally.inputs += 1;
    if took > tally.slowest {
        tally.slowest = took;
        tally.slowest_label = input.label.clone();
    }
}

/// stderr goes to /dev/null while the runs print progress lines there; the returned
/// descriptor restores it.
fn silence_stderr() -> i32 {
    // SAFETY: plain descriptor calls on this process's own stderr; the saved copy is
    // only used to restore it.
    unsafe {
        let saved = libc::dup(2);
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
        if null >= 0 {
            libc::dup2(null, 2);
            libc::close(null);
        }
        saved
    }
}

fn restore_stderr(saved: i32) {
    if saved >= 0 {
        // SAFETY: `saved` is the descriptor `silence_stderr` duplicated.
        unsafe {
            libc::dup2(saved, 2);
            libc::close(saved);
        }
    }
}

/// Peak resident memory of this process (`VmHWM`), KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    // `cargo test -- --list` and friends: this binary is one test.
    if std::env::args().any(|a| a == "--list") {
        println!("replay: test");
        return;
    }
    // SAFETY (edition 2021: set_var is safe): no other thread runs yet.
    std::env::set_var(duckml_cli::MAX_MEMORY_ENV, "4M");
    std::env::set_var("RUST_LOG", "off");
    let t0 = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let work = [
        (
            Target::CliArgs,
            mutate::arg_inputs(&arg_seeds(), ARG_MUTATIONS, &mut rng),
        ),
        (
            Target::Model,
            mutate::model_inputs(&model_seeds(), MODEL_MUTATIONS, &mut rng),
        ),
    ];
    let total: usize = work.iter().map(|(_, v)| v.len()).sum();
    let dir = std::env::temp_dir().join(format!("duckml_cli_replay_{}", std::process::id()));
    let sandbox = Sandbox::new(dir.clone()).expect("a sandbox folder");
    std::env::set_current_dir(&dir).expect("the sandbox as working directory");

    // The replay runs on a worker; this thread is the deadline check, so a hang is a
    // failure naming how far the replay got, not a test that never ends.
    let progress = Arc::new(AtomicUsize::new(0));
    let current = Arc::new(std::sync::Mutex::new(String::new()));
    let saved_stderr = silence_stderr();
    let worker = {
        let (progress, current) = (Arc::clone(&progress), Arc::clone(&current));
        std::thread::spawn(move || {
            work.iter()
                .map(|(target, inputs)| {
                    let mut tally = Tally::default();
                    for input in inputs {
                        *current.lock().unwrap() = input.label.clone();
                        run_one(*target, input, &sandbox, &mut tally);
                        progress.fetch_add(1, Relaxed);
                    }
                    (*target, tally)
                })
                .collect::<Vec<_>>()
        })
    };
    let mut last = (0, Instant::now());
    while !worker.is_finished() {
        std::thread::sleep(Duration::from_millis(50));
        let done = progress.load(Relaxed);
        if done != last.0 {
            last = (done, Instant::now());
        } else if last.1.elapsed() > HANG {
            restore_stderr(saved_stderr);
            eprintln!(
                "replay: no progress for {HANG:?} after {done} of {total} inputs: hung on {}",
                current.lock().unwrap()
            );
            std::process::exit(1);
        }
    }
    let joined = worker.join();
    restore_stderr(saved_stderr);
    let _ = std::env::set_current_dir(std::env::temp_dir());
    let _ = std::fs::remove_dir_all(&dir);
    let tallies = match joined {
        Ok(t) => t,
        Err(_) => {
            eprintln!("replay: the worker panicked outside a run");
            std::process::exit(1);
        }
    };
    let mut failures = Vec::new();
    for (target, t) in &tallies {
        println!(
            "replay: {target:?}: {} inputs: {} ok, {} input errors (exit 1), {} usage errors \
             (exit 2), {} refused by the model reader; slowest {:?} ({})",
            t.inputs, t.ok, t.input_errors, t.usage_errors, t.refused, t.slowest, t.slowest_label
        );
        failures.extend(t.failures.iter().cloned());
    }
    let peak = peak_rss_kib();
    println!(
        "replay: {total} inputs in {:?}; peak resident memory {} MiB",
        t0.elapsed(),
        peak.map_or("?".into(), |k| (k >> 10).to_string())
    );
    if let Some(k) = peak.filter(|&k| k > PEAK_RSS_BOUND_KIB) {
        failures.push(format!(
            "peak resident memory {k} KiB over {PEAK_RSS_BOUND_KIB} KiB"
        ));
    }
    for f in failures.iter().take(50) {
        eprintln!("replay FAILED: {f}");
    }
    if !failures.is_empty() {
        eprintln!("replay: {} failures", failures.len());
        std::process::exit(1);
    }
    println!("replay: ok");
}
