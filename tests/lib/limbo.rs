//! The C2SP x509-limbo suite (compiled one folder per case under
//! `../shared/realworld/x509-limbo/`): every `path-building` case is run through
//! `chain::assemble` and compared with limbo's expected result. Disagreements must be listed,
//! each with its reason, in `tests/lib/limbo_exceptions.toml`; a listed case that agrees fails
//! too, so the list never goes stale. Skips (passes) when the folder is absent.

use certprep::chain::{self, ChainOptions};
use certprep::input::{self, DetectOptions};
use certprep::model::Cert;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn limbo_dir() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        here.join("../shared/realworld/x509-limbo"),
        here.join("../../shared/realworld/x509-limbo"),
    ]
    .into_iter()
    .find(|p| p.join("cases").is_dir())
}

fn certs(path: &Path) -> Vec<Cert> {
    if std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) == 0 {
        return Vec::new();
    }
    let d = input::load(&path.to_string_lossy(), &DetectOptions::default());
    d.certs().cloned().collect()
}

/// Our verdict for one case folder (complete or not; a leaf that does not parse is not) and
/// the chosen path's SHA-1 thumbprints, leaf to anchor.
fn verdict(dir: &Path, case: &serde_json::Value) -> (bool, Vec<String>) {
    let leaf = certs(&dir.join("leaf.pem"));
    let Some(leaf) = leaf.first() else {
        return (false, Vec::new());
    };
    let pool = certs(&dir.join("intermediates.pem"));
    let roots = certs(&dir.join("roots.pem"));
    let at = case["validation_time"]
        .as_str()
        .and_then(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        })
        // limbo's certificates without a validation time are valid 1970–2969.
        .unwrap_or(time::macros::datetime!(2030-01-01 0:00 UTC));
    let mut opts = ChainOptions::at(at);
    if let Some(d) = case["max_chain_depth"].as_u64() {
        opts.max_intermediates = d as usize;
    }
    let pool: Vec<&Cert> = pool.iter().collect();
    let store = certprep::roots::RootStore::empty();
    let chain = chain::assemble(leaf, &[], &pool, &roots, store, &opts);
    let path = chain
        .path
        .iter()
        .map(|c| {
            certprep::thumbprint::Thumbprint::of(&c.der, certprep::thumbprint::HashAlg::Sha1)
                .to_string()
        })
        .collect();
    (chain.report.complete, path)
}

#[derive(Debug, serde::Deserialize)]
struct Exceptions {
    exception: Vec<Exception>,
}

#[derive(Debug, serde::Deserialize)]
struct Exception {
    id: String,
    reason: String,
}

#[test]
fn limbo_path_building_cases_agree_or_are_listed_exceptions() {
    let Some(root) = limbo_dir() else {
        eprintln!("x509-limbo corpus not found; skipped");
        return;
    };
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lib/limbo_exceptions.toml"),
    )
    .expect("exceptions file");
    let exc: Exceptions = toml::from_str(&text).expect("valid exceptions TOML");
    let listed: BTreeMap<&str, &str> = exc
        .exception
        .iter()
        .map(|e| (e.id.as_str(), e.reason.as_str()))
        .collect();
    assert!(
        listed.values().all(|r| !r.trim().is_empty()),
        "every exception needs a reason"
    );

    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("cases"))
        .expect("cases")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    dirs.sort();
    let (mut total, mut agree, mut same_path) = (0, 0, 0);
    let mut failures = Vec::new();
    for dir in dirs {
        let Ok(text) = std::fs::read_to_string(dir.join("case.json")) else {
            continue;
        };
        let case: serde_json::Value = serde_json::from_str(&text).expect("case.json");
        if case["category"] != "path-building" {
            continue;
        }
        total += 1;
        let id = case["id"].as_str().unwrap_or_default().to_owned();
        let expected = case["limbo_expected"] == "SUCCESS";
        let (ours, path) = verdict(&dir, &case);
        if let Some(reference) = case["reference_chain"].as_array() {
            if ours {
                let reference: Vec<&str> = reference.iter().filter_map(|v| v.as_str()).collect();
                if reference == path {
                    same_path += 1;
                } else {
                    failures.push(format!(
                        "{id}: chose {path:?}, pyca (agreeing with limbo) chose {reference:?}"
                    ));
                }
            }
        }
        let agrees = ours == expected;
        if agrees {
            agree += 1;
        }
        match (agrees, listed.contains_key(id.as_str())) {
            (true, true) => failures.push(format!(
                "{id}: now agrees with limbo; remove it from limbo_exceptions.toml"
            )),
            (false, false) => failures.push(format!(
                "{id}: limbo expects {}, certprep says {}",
                if expected { "SUCCESS" } else { "FAILURE" },
                if ours { "SUCCESS" } else { "FAILURE" }
            )),
            _ => {}
        }
    }
    eprintln!("x509-limbo path-building: {agree}/{total} agree with limbo's expected result; {same_path} chose the same path as pyca");
    assert!(
        total > 0,
        "no path-building case found under {}",
        root.display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
