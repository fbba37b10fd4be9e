//! ZIP input through `input::detect` with a small size limit, so the whole-tree budgets are
//! reached: whatever the archive (nested, overlapping, lying headers), detection never panics
//! and never inflates more than the tree's budget (issue 16).
#![no_main]
use certprep::input::{detect, zip, DetectOptions, Origin};
use libfuzzer_sys::fuzz_target;

const MAX_SIZE: u64 = 64 * 1024;

fuzz_target!(|data: &[u8]| {
    let opts = DetectOptions {
        max_iterations: 2048,
        max_size: MAX_SIZE,
        ..DetectOptions::default()
    };
    let _ = detect(data, &Origin::file("fuzz.zip"), &opts);
    // One byte over a cap is how a too-large entry is recognised.
    assert!(opts.meter.inflated_bytes() <= MAX_SIZE * zip::TOTAL_SIZE_FACTOR + 1);
});
