//! Many-certificate files: the input (a bundle of at most 8 KiB: PEM text or concatenated DER) repeated up to
//! 64 times, as CA exports and "big.pem" files hold many leaves and CAs with one subject, then
//! detected and reported as `inspect` does (chains built against every other certificate).
//! Byte 0 chooses the number of copies.
#![no_main]
use certprep::input::{detect, DetectOptions, Origin};
use certprep::inspect::{InspectReport, Trust};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&n, bundle)) = data.split_first() else {
        return;
    };
    if bundle.len() > 8 * 1024 {
        return;
    }
    let copies = usize::from(n % 64) + 1;
    let file = bundle.repeat(copies);
    let opts = DetectOptions {
        max_iterations: 16,
        max_size: 4 << 20,
        ..DetectOptions::default()
    };
    let d = detect(&file, &Origin::file("many.pem"), &opts);
    let Some(at) = d.certs().next().map(|c| c.not_before) else {
        return;
    };
    let trust = Trust {
        roots: &[],
        public: certprep::roots::RootStore::empty(),
        pool: &[],
    };
    let _ = InspectReport::build(&d, at, trust);
});
