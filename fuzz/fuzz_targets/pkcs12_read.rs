//! `input::read_pkcs12` on arbitrary bytes, with the fixture password and a low iteration cap.
#![no_main]
use certprep::input::{DetectOptions, Origin};
use certprep::secret::Secret;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = DetectOptions {
        passwords: vec![Secret::new("Contoso-Fixture-1".into())],
        max_iterations: 2048,
        max_size: 1 << 20,
        ..DetectOptions::default()
    };
    let _ = certprep::input::read_pkcs12(data, &Origin::file("fuzz"), &opts);
});
