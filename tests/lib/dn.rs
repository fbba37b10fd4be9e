//! Windows name rendering: the real-world corpus and one test per rule.

use certprep::dn::render_windows;
use certprep::input::Origin;
use certprep::model::{Cert, DistinguishedName};
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for up in ["..", "../.."] {
        let p = base.join(up).join("shared/realworld/windows-names");
        if p.is_dir() {
            return Some(p);
        }
    }
    None
}

#[test]
fn realworld_windows_names_match_byte_for_byte() {
    let Some(dir) = corpus() else {
        eprintln!("skipped: shared/realworld/windows-names not present");
        return;
    };
    let mut failures = Vec::new();
    let mut n = 0;
    let mut cases: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    for case in cases {
        n += 1;
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(case.join("expected.json")).unwrap()).unwrap();
        let pem = std::fs::read(case.join("cert.pem")).unwrap();
        let (_, der) = der::pem::decode_vec(&pem).unwrap();
        match Cert::from_der(der, Origin::file(name.clone())) {
            Ok(c) => {
                let s = render_windows(&c.subject);
                let i = render_windows(&c.issuer);
                if s != json["subject"] { failures.push(format!("{name}: subject {s:?} != {}", json["subject"])); }
                if i != json["issuer"] { failures.push(format!("{name}: issuer {i:?} != {}", json["issuer"])); }
            }
            Err(e) => failures.push(format!("{name}: rejected: {e:#?}")),
        }
        if let Ok(sd) = std::fs::read(case.join("subject.der")) {
            match DistinguishedName::from_der(&sd) {
                Ok(d) => { let s = render_windows(&d); if s != json["subject"] { failures.push(format!("{name}: name-level {s:?}")); } }
                Err(e) => failures.push(format!("{name}: name rejected {e}")),
            }
        }
    }
    eprintln!("{n} cases");
    assert!(failures.is_empty(), "{n} cases, {} failures:\n{}", failures.len(), failures.join("\n"));
}
