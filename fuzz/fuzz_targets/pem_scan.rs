//! The tolerant PEM scanner on arbitrary (lossily decoded) text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = certprep::input::pem::scan(&String::from_utf8_lossy(data));
});
