//! Replays the seed corpus (`tests/corpus/`) and seeded mutations of it through
//! every loader. Each input must end in `Ok` with finite data, or in a typed
//! `DatasetError` that names the input, within a time bound and a memory
//! bound; the seeds themselves must give their known answers.
//!
//! Readers get small limits here (see `reads.rs`, which the fuzz targets
//! share), so endless and hostile inputs stay cheap, and a counting allocator
//! checks that no input makes a reader hold more than a
//! few MiB beyond a small multiple of its own length. The same inputs are what
//! the cargo-fuzz targets in `fuzz/` start from.
//!
//! No test harness: `main` prints the number of inputs per loader every run.

mod alloc;
mod mutate;
mod npy_inputs;
mod reads;
mod seeds;
mod text_inputs;

use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use mutate::{Input, Source};
use reads::MAX_LINE;

#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;

/// Longest a reader may take over one input.
const PER_INPUT: Duration = Duration::from_secs(2);
/// Without progress for this long, the replay is hung: fail at once.
const HANG: Duration = Duration::from_secs(20);
/// Memory a reader may hold beyond `SLOPE` times the bytes it was given.
const MEM_BASE: usize = 4 << 20;
const SLOPE: usize = 16;
/// The mutations' seed: fixed, so every run tries the same inputs.
const SEED: u64 = 0x5eed_da7a;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Loader {
    Npy,
    Csv,
    Svmlight,
}

/// A reader over an input, and how many bytes it can yield (endless ones are
/// counted as the most a capped reader should take).
fn open(source: &Source) -> (Box<dyn Read + '_>, usize) {
    match source {
        Source::Bytes(b) => (Box::new(&b[..]), b.len()),
        Source::Endless { head, fill } => (
            Box::new((&head[..]).chain(std::io::repeat(*fill))),
            head.len() + 2 * MAX_LINE,
        ),
    }
}

/// Runs every option set of `loader` over `source`; returns how many reads ran.
fn read_all(loader: Loader, source: &Source) -> Result<usize, String> {
    let open = || open(source).0;
    match loader {
        Loader::Npy => reads::npy(&open),
        Loader::Csv => reads::csv(&open),
        Loader::Svmlight => reads::svmlight(&open),
    }
}

/// Per-loader totals.
#[derive(Default)]
struct Tally {
    inputs: usize,
    reads: usize,
    slowest: Duration,
    most_memory: usize,
    failures: Vec<String>,
}

/// Replays `inputs` through `loader`, checking each against the bounds.
fn replay(loader: Loader, inputs: &[Input], progress: &AtomicUsize) -> Tally {
    let mut tally = Tally::default();
    for input in inputs {
        let (_, len) = open(&input.source);
        let base = alloc::start();
        let t0 = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| read_all(loader, &input.source)));
        let took = t0.elapsed();
        let memory = alloc::peak_since(base);
        let failure = match outcome {
            Err(_) => Some("panicked".to_string()),
            Ok(Err(why)) => Some(why),
            Ok(Ok(reads)) => {
                tally.reads += reads;
                None
            }
        };
        let bound = MEM_BASE + SLOPE * len;
        let failure = failure
            .or_else(|| (took > PER_INPUT).then(|| format!("took {took:?}")))
            .or_else(|| (memory > bound).then(|| format!("held {memory} bytes (bound {bound})")));
        if let Some(why) = failure {
            tally
                .failures
                .push(format!("{loader:?}: {}: {why}", input.label));
        }
        tally.inputs += 1;
        tally.slowest = tally.slowest.max(took);
        tally.most_memory = tally.most_memory.max(memory);
        progress.fetch_add(1, Relaxed);
    }
    tally
}

fn main() {
    // `cargo test -- --list` and friends: this binary is one test.
    if std::env::args().any(|a| a == "--list") {
        println!("replay: test");
        return;
    }
    let t0 = Instant::now();
    let failures = seeds::check_known_answers();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let corpus = seeds::load();
    let work: Vec<(Loader, Vec<Input>)> = vec![
        (Loader::Npy, npy_inputs::inputs(&corpus.npy, &mut rng)),
        (Loader::Csv, text_inputs::csv_inputs(&corpus.csv, &mut rng)),
        (
            Loader::Svmlight,
            text_inputs::svmlight_inputs(&corpus.svmlight, &mut rng),
        ),
    ];
    let total: usize = work.iter().map(|(_, v)| v.len()).sum();

    // The replay runs on a worker; this thread is the deadline check, so a hang
    // is a failure naming how far the replay got, not a test that never ends.
    let progress = Arc::new(AtomicUsize::new(0));
    let worker = {
        let progress = Arc::clone(&progress);
        std::thread::spawn(move || {
            work.iter()
                .map(|(loader, inputs)| (*loader, replay(*loader, inputs, &progress)))
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
            eprintln!(
                "replay: no progress for {HANG:?} after {done} of {total} inputs: a reader hangs"
            );
            std::process::exit(1);
        }
    }
    let tallies = match worker.join() {
        Ok(t) => t,
        Err(_) => {
            eprintln!("replay: the worker panicked outside a reader");
            std::process::exit(1);
        }
    };

    let mut failures = failures;
    for (loader, t) in &tallies {
        println!(
            "replay: {loader:?}: {} inputs ({} reads over its option sets), slowest {:?}, \
             most memory held {} KiB",
            t.inputs,
            t.reads,
            t.slowest,
            t.most_memory >> 10
        );
        failures.extend(t.failures.iter().cloned());
    }
    println!("replay: {total} inputs in {:?}", t0.elapsed());
    for f in failures.iter().take(50) {
        eprintln!("replay FAILED: {f}");
    }
    if !failures.is_empty() {
        eprintln!("replay: {} failures", failures.len());
        std::process::exit(1);
    }
    println!("replay: ok");
}
