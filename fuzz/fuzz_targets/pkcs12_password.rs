//! `input::read_pkcs12` WITH a password taken from the input: byte 0 is the password's length n,
//! bytes 1..=n the password (lossy UTF-8), the rest the PFX. Seeds are the fixture PFX files
//! with their real password, so the fuzzer starts inside opened files (bags, attributes,
//! keys). The key-derivation work must stay within the budget (issue 16).
#![no_main]
use certprep::input::{DetectOptions, KdfBudget, Origin};
use certprep::secret::Secret;
use libfuzzer_sys::fuzz_target;

const BUDGET: u64 = 100_000;

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(n).min(rest.len());
    let (password, pfx) = rest.split_at(n);
    let opts = DetectOptions {
        passwords: vec![Secret::new(String::from_utf8_lossy(password).into_owned())],
        max_iterations: 4096,
        max_size: 1 << 20,
        kdf: KdfBudget {
            per_file: BUDGET,
            per_run: BUDGET,
        },
        ..DetectOptions::default()
    };
    let _ = certprep::input::read_pkcs12(pfx, &Origin::file("fuzz.pfx"), &opts);
    assert!(opts.meter.kdf_work() <= BUDGET);
});
