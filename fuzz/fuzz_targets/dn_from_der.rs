//! `DistinguishedName::from_der` and the Windows rendering of whatever it accepts.
#![no_main]
use certprep::model::DistinguishedName;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(dn) = DistinguishedName::from_der(data) {
        let _ = certprep::dn::render_windows(&dn);
    }
});
