//! `Csr::from_der` on arbitrary bytes.
#![no_main]
use certprep::input::Origin;
use certprep::model::Csr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Csr::from_der(data.to_vec(), Origin::file("fuzz"));
});
