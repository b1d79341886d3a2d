//! The library's log messages on stderr: a fit that did not converge says so
//! (`warning: ...`), and `RUST_LOG` (e.g. `RUST_LOG=debug`) shows more or less.
//! stdout stays the command's JSON alone.
//!
//! While the benchmark draws its progress bar, messages are printed above it
//! ([`ShowAbove`]) rather than into it.

use crate::flags::solver_names_as_flags;
use indicatif::ProgressBar;
use log::Level;
use std::io::{self, Write};
use std::sync::Mutex;

/// The bar messages go above, while one is drawn.
static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Installs the logger (once per process: later calls do nothing): level `warn` unless
/// `RUST_LOG` says otherwise. Warnings and errors read like the command's own `error:`
/// line; other levels name their module. Solvers are named as `--solver` spells them.
pub fn init() {
    let env = env_logger::Env::default().default_filter_or("warn");
    let _ = env_logger::Builder::from_env(env)
        .format(|buf, record| {
            let text = solver_names_as_flags(&record.args().to_string());
            match record.level() {
                Level::Error => writeln!(buf, "error: {text}"),
                Level::Warn => writeln!(buf, "warning: {text}"),
                level => writeln!(
                    buf,
                    "{}: [{}] {text}",
                    level.as_str().to_lowercase(),
                    record.target(),
                ),
            }
        })
        .target(env_logger::Target::Pipe(Box::new(Stderr)))
        .try_init();
}

/// Prints log messages above `bar` while this guard lives.
#[must_use = "messages go above the bar only while the guard lives"]
pub struct ShowAbove;

impl ShowAbove {
    /// Routes messages above `bar` until the guard is dropped.
    pub fn new(bar: &ProgressBar) -> ShowAbove {
        *BAR.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar.clone());
        ShowAbove
    }
}

impl Drop for ShowAbove {
    fn drop(&mut self) {
        *BAR.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// stderr, with a visible progress bar lifted out of the way for each message.
struct Stderr;

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let bar = BAR.lock().unwrap_or_else(|e| e.into_inner()).clone();
        match bar {
            Some(bar) if !bar.is_hidden() => bar.suspend(|| io::stderr().write(buf)),
            _ => io::stderr().write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}
