//! `input::detect` on arbitrary bytes: must never panic (any format, any nesting).
#![no_main]
use certprep::input::{detect, DetectOptions, Origin};
use certprep::secret::Secret;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = DetectOptions {
        passwords: vec![Secret::new("fuzz".into())],
        max_iterations: 2048,
        max_size: 1 << 20,
        ..DetectOptions::default()
    };
    let _ = detect(data, &Origin::file("fuzz"), &opts);
});
