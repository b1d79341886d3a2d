//! What the benchmark shows while it runs: a progress bar on a terminal, one line per
//! step on stderr elsewhere (logs, CI).

use crate::logging::ShowAbove;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// The bar (hidden when stderr is not a terminal) and the log routing that goes with it.
pub struct Progress {
    bar: ProgressBar,
    logs_above: Option<ShowAbove>,
}

impl Progress {
    /// A bar for `len` fits.
    pub fn new(len: u64) -> Progress {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(len), target);
        bar.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30.cyan/blue}] {pos}/{len} {msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        // The library's warnings (a fit that did not converge) print above the bar.
        let logs_above = Some(ShowAbove::new(&bar));
        Progress { bar, logs_above }
    }

    /// The bar, for the peer script's progress.
    pub fn bar(&self) -> &ProgressBar {
        &self.bar
    }

    /// Shows what is being done: the bar's message, or a `bench:` line on stderr.
    pub fn log(&self, line: String) {
        if self.bar.is_hidden() {
            eprintln!("bench: {line}");
        } else {
            self.bar.set_message(line);
        }
    }

    /// Prints a notice above the bar (without a bar, notices are printed at the end).
    pub fn notice(&self, notice: &str) {
        if !self.bar.is_hidden() {
            self.bar.println(format!("notice: {notice}"));
        }
    }

    /// One more fit done.
    pub fn inc(&self) {
        self.bar.inc(1);
    }

    /// Removes the bar.
    pub fn finish(&mut self) {
        self.bar.finish_and_clear();
        self.logs_above = None;
    }
}
