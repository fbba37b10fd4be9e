//! `Cert::from_der` on arbitrary bytes.
#![no_main]
use certprep::input::Origin;
use certprep::model::Cert;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Cert::from_der(data.to_vec(), Origin::file("fuzz"));
});
