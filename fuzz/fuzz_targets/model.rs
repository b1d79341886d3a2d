//! The saved-model reader on arbitrary bytes, then `duckml predict` with them as the
//! model file: a model that agrees with itself, or a typed error; never a panic (the
//! checks live in cli/tests/replay/model.rs, shared with the stable replay).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

#[allow(dead_code)]
#[path = "../../cli/tests/replay/args.rs"]
mod args;
#[allow(dead_code)]
#[path = "../../cli/tests/replay/model.rs"]
mod model;
#[allow(dead_code)]
#[path = "../../cli/tests/replay/sandbox.rs"]
mod sandbox;

fn sandbox() -> &'static sandbox::Sandbox {
    static SANDBOX: OnceLock<sandbox::Sandbox> = OnceLock::new();
    SANDBOX.get_or_init(|| {
        std::env::set_var(duckml_cli::MAX_MEMORY_ENV, "4M");
        std::env::set_var("RUST_LOG", "off");
        let dir = std::env::temp_dir().join(format!("duckml_fuzz_model_{}", std::process::id()));
        let sandbox = sandbox::Sandbox::new(dir.clone()).expect("a sandbox folder");
        std::env::set_current_dir(&dir).expect("the sandbox as working directory");
        sandbox
    })
}

fuzz_target!(|data: &[u8]| {
    if let Err(why) = model::check(data, sandbox()) {
        panic!("{why}");
    }
});
