//! The private-key reader (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1) on arbitrary DER.
#![no_main]
use certprep::input::{DetectOptions, Origin};
use certprep::secret::Secret;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = DetectOptions {
        passwords: vec![Secret::new("fuzz".into())],
        max_iterations: 16,
        max_size: 1 << 20,
        ..DetectOptions::default()
    };
    let _ = certprep::input::key::read(data, &Origin::file("fuzz"), &opts);
});
