//! The `.npy` loader on arbitrary bytes: `Ok` with finite, consistent data or a
//! typed error naming the input, under every option set the stable replay uses
//! (the checks live in datasets/tests/replay/reads.rs, shared with it).
#![no_main]

use libfuzzer_sys::fuzz_target;

// Each target uses one loader's reads; the others are dead code here.
#[allow(dead_code)]
#[path = "../../datasets/tests/replay/reads.rs"]
mod reads;

fuzz_target!(|data: &[u8]| {
    if let Err(why) = reads::npy(&|| Box::new(data)) {
        panic!("{why}");
    }
});
