//! Replays the committed fuzz seed corpus (`fuzz/seeds/<target>/`) through the same entry
//! points as the cargo-fuzz targets in `fuzz/fuzz_targets/`, so CI exercises them on stable
//! without libFuzzer. Every target must have seeds, and every seed directory a target.

use certprep::input::{DetectOptions, KdfBudget, Origin};
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
            let _ = certprep::input::read_pkcs12(data, &origin, &opts("Contoso-Fixture-1", 2048));
        }
        "pem_scan" => {
            let _ = certprep::input::pem::scan(&String::from_utf8_lossy(data));
        }
        "key_read" => {
            let _ = certprep::input::key::read(data, &origin, &opts("fuzz", 16));
        }
        "zip_read" => {
            const MAX_SIZE: u64 = 64 * 1024;
            let o = DetectOptions {
                max_iterations: 2048,
                max_size: MAX_SIZE,
                ..DetectOptions::default()
            };
            let _ = certprep::input::detect(data, &Origin::file("fuzz.zip"), &o);
            assert!(
                o.meter.inflated_bytes() <= MAX_SIZE * certprep::input::zip::TOTAL_SIZE_FACTOR + 1
            );
        }
        "pkcs12_password" => {
            const BUDGET: u64 = 100_000;
            let Some((&n, rest)) = data.split_first() else {
                return;
            };
            let n = usize::from(n).min(rest.len());
            let (password, pfx) = rest.split_at(n);
            let o = DetectOptions {
                kdf: KdfBudget {
                    per_file: BUDGET,
                    per_run: BUDGET,
                },
                ..opts(&String::from_utf8_lossy(password), 4096)
            };
            let _ = certprep::input::read_pkcs12(pfx, &Origin::file("fuzz.pfx"), &o);
            assert!(o.meter.kdf_work() <= BUDGET);
        }
        "many_certs" => {
            let Some((&n, bundle)) = data.split_first() else {
                return;
            };
            if bundle.len() > 8 * 1024 {
                return;
            }
            let file = bundle.repeat(usize::from(n % 64) + 1);
            let o = DetectOptions {
                max_size: 4 << 20,
                max_iterations: 16,
                ..DetectOptions::default()
            };
            let d = certprep::input::detect(&file, &Origin::file("many.pem"), &o);
            let Some(at) = d.certs().next().map(|c| c.not_before) else {
                return;
            };
            let trust = certprep::inspect::Trust {
                roots: &[],
                public: certprep::roots::RootStore::empty(),
                pool: &[],
            };
            let _ = certprep::inspect::InspectReport::build(&d, at, trust);
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
    assert_eq!(targets.len(), 10);
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

#[test]
fn fuzz_seeds_for_the_budget_targets_reach_what_they_are_for() {
    // pkcs12_password seeds carry the right password: each opens, with its key.
    let dir = fuzz_dir().join("seeds").join("pkcs12_password");
    for seed in names_in(&dir, "") {
        let data = std::fs::read(dir.join(&seed)).unwrap();
        let n = usize::from(data[0]);
        let o = opts(std::str::from_utf8(&data[1..=n]).unwrap(), 4096);
        let d = certprep::input::read_pkcs12(&data[n + 1..], &Origin::file(seed.as_str()), &o);
        assert!(d.problems.is_empty(), "{seed}: {:?}", d.problems);
        assert_eq!(d.keys().count(), 1, "{seed}");
    }
    // zip_read seeds: the overlapping archive is refused, the nested one is read.
    let zip = |name: &str| {
        let data = std::fs::read(fuzz_dir().join("seeds/zip_read").join(name)).unwrap();
        certprep::input::detect(&data, &Origin::file(name), &DetectOptions::default())
    };
    assert!(matches!(
        zip("overlapping.zip").problems.as_slice(),
        [certprep::error::InputError::OverlappingEntries { .. }]
    ));
    assert_eq!(zip("nested.zip").certs().count(), 2);
}
