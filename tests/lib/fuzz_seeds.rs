//! Replays the committed fuzz seed corpus (`fuzz/seeds/<target>/`) through the same entry
//! points as the cargo-fuzz targets in `fuzz/fuzz_targets/`, so CI exercises them on stable
//! without libFuzzer. Every target must have seeds, and every seed directory a target.

use certprep::input::{DetectOptions, Origin};
use certprep::secret::Secret;
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn opts(password: &str, max_iterations: u32) -> DetectOptions {
    DetectOptions {
        passwords: vec![Secret::new(password.into())],
        max_iterations,
        max_size: 1 << 20,
        ..DetectOptions::default()
    }
}

/// The body of each fuzz target, by name.
fn run_target(target: &str, data: &[u8]) {
    let origin = Origin::file("seed");
    match target {
        "detect" => {
            let _ = certprep::input::detect(data, &origin, &opts("fuzz", 2048));
        }
        "dn_from_der" => {
            if let Ok(dn) = certprep::model::DistinguishedName::from_der(data) {
                let _ = certprep::dn::render_windows(&dn);
            }
        }
        "cert_from_der" => {
            let _ = certprep::model::Cert::from_der(data.to_vec(), origin);
        }
        "csr_from_der" => {
            let _ = certprep::model::Csr::from_der(data.to_vec(), origin);
        }
        "pkcs12_read" => {
            let _ = certprep::pkcs12::read(data, &origin, &opts("Contoso-Fixture-1", 2048));
        }
        "pem_scan" => {
            let _ = certprep::input::pem::scan(&String::from_utf8_lossy(data));
        }
        "key_read" => {
            let _ = certprep::input::key::read(data, &origin, &opts("fuzz", 16));
        }
        other => panic!("fuzz target {other} has no replay here; add it to run_target"),
    }
}

fn names_in(dir: &Path, strip: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(strip)
                .to_owned()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn fuzz_seed_corpus_replays_through_every_target() {
    let targets = names_in(&fuzz_dir().join("fuzz_targets"), ".rs");
    let seed_dirs = names_in(&fuzz_dir().join("seeds"), "");
    assert_eq!(
        targets, seed_dirs,
        "every fuzz target needs a seed directory and vice versa"
    );
    assert_eq!(targets.len(), 7);
    for target in &targets {
        let dir = fuzz_dir().join("seeds").join(target);
        let seeds = names_in(&dir, "");
        assert!(!seeds.is_empty(), "{target}: no seeds");
        for seed in seeds {
            let data = std::fs::read(dir.join(&seed)).unwrap();
            run_target(target, &data);
            // Every prefix too: truncation is the commonest damage.
            for cut in [data.len() / 3, data.len() / 2, data.len().saturating_sub(1)] {
                run_target(target, &data[..cut]);
            }
        }
    }
}

#[test]
fn fuzz_seeds_for_detect_are_all_recognised() {
    // The detect seeds are real inputs: each must yield an item or, for the empty bundle,
    // exactly the documented problem.
    let dir = fuzz_dir().join("seeds").join("detect");
    for seed in names_in(&dir, "") {
        let data = std::fs::read(dir.join(&seed)).unwrap();
        let d = certprep::input::detect(
            &data,
            &Origin::file(seed.as_str()),
            &DetectOptions::default(),
        );
        if seed == "empty.p7b" {
            assert!(matches!(
                d.problems.as_slice(),
                [certprep::error::InputError::EmptyBundle { .. }]
            ));
        } else {
            assert!(
                !d.items.is_empty() && d.problems.is_empty(),
                "{seed}: {:?}",
                d.problems
            );
        }
    }
}
