//! `certprep chain` through the binary, on the fixture deliverable (Contoso root → TLS CA 2026 →
//! mail.contoso.com, valid at the pinned 2027-01-01).

use crate::{certprep, fixture};
use assert_fs::prelude::*;
use predicates::str::contains;

fn leaf() -> String {
    fixture("deliverable/mail.contoso.com.crt")
}
fn bundle() -> String {
    fixture("deliverable/ca-bundle.crt")
}
fn root() -> String {
    fixture("deliverable/contoso-root.crt")
}

fn der_of_pem_file(path: &str) -> Vec<Vec<u8>> {
    let text = std::fs::read(path).unwrap();
    openssl::x509::X509::stack_from_pem(&text)
        .unwrap()
        .iter()
        .map(|c| c.to_der().unwrap())
        .collect()
}

#[test]
fn chain_complete_with_private_root_exits_0_and_writes_leaf_then_intermediate() {
    let dir = assert_fs::TempDir::new().unwrap();
    let out = dir.child("fullchain.pem");
    certprep()
        .args(["chain", &bundle(), &leaf(), "--roots", &root(), "-o"])
        .arg(out.path())
        .assert()
        .code(0)
        .stdout(contains(": complete"))
        .stdout(contains("not in order"));
    let written = der_of_pem_file(&out.path().to_string_lossy());
    let leaf_der = der_of_pem_file(&leaf());
    let bundle_der = der_of_pem_file(&bundle());
    assert_eq!(written, vec![leaf_der[0].clone(), bundle_der[0].clone()]);

    // OpenSSL verifies the written chain against the root.
    let root_x = openssl::x509::X509::from_pem(&std::fs::read(root()).unwrap()).unwrap();
    let mut store = openssl::x509::store::X509StoreBuilder::new().unwrap();
    store.add_cert(root_x).unwrap();
    let mut param = openssl::x509::verify::X509VerifyParam::new().unwrap();
    param.set_time(1_798_761_600); // 2027-01-01
    store.set_param(&param).unwrap();
    let store = store.build();
    let certs = openssl::x509::X509::stack_from_pem(&std::fs::read(out.path()).unwrap()).unwrap();
    let mut chain = openssl::stack::Stack::new().unwrap();
    chain.push(certs[1].clone()).unwrap();
    let mut ctx = openssl::x509::X509StoreContext::new().unwrap();
    assert!(ctx
        .init(&store, &certs[0], &chain, |c| c.verify_cert())
        .unwrap());
}

#[test]
fn chain_existing_output_is_not_overwritten_without_force() {
    let dir = assert_fs::TempDir::new().unwrap();
    let out = dir.child("chain.pem");
    out.write_str("keep me").unwrap();
    certprep()
        .args(["chain", &leaf(), &bundle(), "--roots", &root(), "-o"])
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(contains("already exists"));
    out.assert("keep me");
    certprep()
        .args([
            "chain",
            &leaf(),
            &bundle(),
            "--roots",
            &root(),
            "--force",
            "-o",
        ])
        .arg(out.path())
        .assert()
        .code(0);
    assert_eq!(der_of_pem_file(&out.path().to_string_lossy()).len(), 2);
}

#[test]
fn chain_include_root_and_p7b_output_read_back_by_openssl() {
    let dir = assert_fs::TempDir::new().unwrap();
    let out = dir.child("chain.p7b");
    certprep()
        .args([
            "chain",
            &leaf(),
            &bundle(),
            "--roots",
            &root(),
            "--include-root",
            "--format",
            "p7b",
            "-o",
        ])
        .arg(out.path())
        .assert()
        .code(0);
    let p7 = openssl::pkcs7::Pkcs7::from_der(&std::fs::read(out.path()).unwrap()).unwrap();
    let certs = p7.signed().and_then(|s| s.certificates()).unwrap();
    let subjects: Vec<Vec<u8>> = certs
        .iter()
        .map(|c| {
            c.subject_name()
                .entries_by_nid(openssl::nid::Nid::COMMONNAME)
                .next()
                .unwrap()
                .data()
                .as_slice()
                .to_vec()
        })
        .collect();
    assert_eq!(
        subjects,
        [
            &b"mail.contoso.com"[..],
            b"Contoso Test TLS CA 2026",
            b"Contoso Test Root CA"
        ]
    );
}

#[test]
fn chain_untrusted_private_root_exits_1_with_the_fix() {
    certprep()
        .args(["chain", &leaf(), &bundle()])
        .assert()
        .code(1)
        .stdout(contains("incomplete"))
        .stdout(contains("not trusted"))
        .stdout(contains("--roots FILE"));
}

#[test]
fn chain_missing_intermediate_exits_1_printing_the_aia_url_and_partial_chain() {
    let dir = assert_fs::TempDir::new().unwrap();
    let out = dir.child("partial.pem");
    certprep()
        .args(["chain", &leaf(), "--roots", &root(), "-o"])
        .arg(out.path())
        .assert()
        .code(1)
        .stdout(contains(
            "the intermediate \"CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US\"",
        ))
        .stdout(contains("http://pki.contoso.example/tlsca2026.crt"));
    // The best partial chain is still written.
    assert_eq!(der_of_pem_file(&out.path().to_string_lossy()).len(), 1);
}

#[test]
fn chain_pool_directory_supplies_the_intermediate() {
    let dir = assert_fs::TempDir::new().unwrap();
    dir.child("sub/bundle.crt")
        .write_binary(&std::fs::read(bundle()).unwrap())
        .unwrap();
    dir.child("notes.txt")
        .write_str("not a certificate")
        .unwrap();
    certprep()
        .args(["chain", &leaf(), "--roots", &root(), "--pool"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(contains(": complete"))
        .stdout(contains("pool"))
        .stderr("");
}

#[test]
fn chain_json_report_names_path_and_diagnostics() {
    let out = certprep()
        .args(["chain", &leaf(), &bundle(), "--roots", &root(), "--json"])
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["complete"], true);
    assert_eq!(v["path"].as_array().unwrap().len(), 3);
    assert_eq!(v["anchor_source"], "roots");
    assert_eq!(v["diagnostics"][0]["kind"], "root-in-input");
    assert_eq!(v["diagnostics"][0]["severity"], "info");
}

#[test]
fn chain_stdout_output_puts_pem_on_stdout_and_report_on_stderr() {
    let out = certprep()
        .args(["chain", &leaf(), &bundle(), "--roots", &root(), "-o", "-"])
        .assert()
        .code(0)
        .stderr(contains("complete"));
    let pem = &out.get_output().stdout;
    assert_eq!(openssl::x509::X509::stack_from_pem(pem).unwrap().len(), 2);
}

#[test]
fn chain_bad_input_exits_2() {
    let dir = assert_fs::TempDir::new().unwrap();
    let f = dir.child("empty.txt");
    f.write_str("hello").unwrap();
    certprep().args(["chain"]).arg(f.path()).assert().code(2);
    certprep()
        .args(["chain", "no-such.crt"])
        .assert()
        .code(2)
        .stderr(contains("no-such.crt"));
}

#[test]
fn chain_root_only_bundle_exits_1_saying_the_server_certificate_is_missing() {
    certprep()
        .args(["chain", &root(), "--roots", &root()])
        .assert()
        .code(1)
        .stdout(contains("only the root certificate"));
}

#[test]
fn chain_godaddy_bundle_chains_to_the_embedded_store() {
    let Some(p) = crate::realworld("ca-deliverables/godaddy/gd_bundle-g2-g1.crt").or_else(|| {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/realworld/ca-deliverables/godaddy/gd_bundle-g2-g1.crt");
        p.exists().then_some(p)
    }) else {
        return;
    };
    // The leaf was valid in 2018 only: pin that time instead of the harness' 2027.
    assert_cmd::Command::cargo_bin("certprep")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["--at", "2018-01-01T00:00:00Z", "chain"])
        .arg(&p)
        .assert()
        .code(0)
        .stdout(contains("root (embedded store)"))
        .stdout(contains("Go Daddy Root Certificate Authority - G2"));
}
