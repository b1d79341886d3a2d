//! The command line on arbitrary argument vectors: the input is text, whitespace-
//! separated arguments with `@name` for the sandbox's files; `duckml_cli::run` must end
//! in an exit status of 0, 1 or 2 that keeps the command line's promises (the checks
//! live in cli/tests/replay/args.rs, shared with the stable replay).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

#[allow(dead_code)]
#[path = "../../cli/tests/replay/args.rs"]
mod args;
#[allow(dead_code)]
#[path = "../../cli/tests/replay/sandbox.rs"]
mod sandbox;

/// The sandbox, made once; the process works in it (relative outputs land there).
fn sandbox() -> &'static sandbox::Sandbox {
    static SANDBOX: OnceLock<sandbox::Sandbox> = OnceLock::new();
    SANDBOX.get_or_init(|| {
        // As the replay: sizes bounded by a small memory limit, no library warnings.
        std::env::set_var(duckml_cli::MAX_MEMORY_ENV, "4M");
        std::env::set_var("RUST_LOG", "off");
        let dir = std::env::temp_dir().join(format!("duckml_fuzz_cli_args_{}", std::process::id()));
        let sandbox = sandbox::Sandbox::new(dir.clone()).expect("a sandbox folder");
        std::env::set_current_dir(&dir).expect("the sandbox as working directory");
        sandbox
    })
}

fuzz_target!(|data: &[u8]| {
    let sandbox = sandbox();
    let argv = args::arguments(&String::from_utf8_lossy(data), sandbox);
    if let Err(why) = args::check(&argv, sandbox) {
        panic!("{why}: {argv:?}");
    }
});
