//! inspect and thumbprint through the binary.

use crate::{certprep, fixture};

#[test]
fn thumbprint_of_leaf_matches_openssl_digest() {
    let der = std::fs::read(fixture("deliverable/mail.contoso.com.cer")).unwrap();
    let x = openssl::x509::X509::from_der(&der).unwrap();
    let expected = hex::encode_upper(x.digest(openssl::hash::MessageDigest::sha1()).unwrap());
    let out = certprep()
        .args(["thumbprint", &fixture("deliverable/mail.contoso.com.cer")])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(
        stdout,
        format!(
            "{expected}  CN=mail.contoso.com, O=\"Contoso, Ltd.\", L=Seattle, S=Washington, C=US\n"
        )
    );
}

#[test]
fn thumbprint_of_missing_file_exits_2_naming_it() {
    certprep()
        .args(["thumbprint", "no-such-file.crt"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no-such-file.crt"));
}

#[test]
fn inspect_json_fields_agree_with_openssl() {
    let path = fixture("deliverable/mail.contoso.com.crt");
    let x = openssl::x509::X509::from_pem(&std::fs::read(&path).unwrap()).unwrap();
    let out = certprep()
        .args(["inspect", "--json", &path])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["version"], 1);
    let c = &v["certificates"][0];
    let sha1 = hex::encode_upper(x.digest(openssl::hash::MessageDigest::sha1()).unwrap());
    let sha256 = hex::encode_upper(x.digest(openssl::hash::MessageDigest::sha256()).unwrap());
    assert_eq!(c["Thumbprint"], sha1.as_str());
    assert_eq!(c["ThumbprintSHA256"], sha256.as_str());
    let serial = x
        .serial_number()
        .to_bn()
        .unwrap()
        .to_hex_str()
        .unwrap()
        .to_string();
    assert_eq!(
        c["SerialNumber"].as_str().unwrap().trim_start_matches('0'),
        serial.trim_start_matches('0')
    );
    assert_eq!(
        c["CertificateDomains"],
        serde_json::json!(["mail.contoso.com", "autodiscover.contoso.com"])
    );
    assert_eq!(c["NotAfter"], "2027-05-19T00:00:00Z");
    // The leaf alone: no chain to a trusted root (a private test CA).
    assert_eq!(c["Status"], "Untrusted");
    assert_eq!(c["RootCAType"], "Unknown");
    assert_eq!(c["PublicKeySize"], x.public_key().unwrap().bits());
    assert_eq!(c["IsSelfSigned"], false);
    assert_eq!(c["Revocation"], "not checked");
}

#[test]
fn inspect_reports_date_invalid_after_expiry() {
    let out = certprep()
        .args([
            "--at",
            "2027-06-01T00:00:00Z",
            "inspect",
            "--json",
            &fixture("deliverable/mail.contoso.com.crt"),
        ])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["certificates"][0]["Status"], "DateInvalid");
}

#[test]
fn inspect_text_shows_exchange_fields() {
    let out = certprep()
        .args([
            "inspect",
            &fixture("deliverable/mail.contoso.com.crt"),
            &fixture("deliverable/ca-bundle.crt"),
            "--roots",
            &fixture("deliverable/contoso-root.crt"),
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for needle in [
        "Subject             : CN=mail.contoso.com, O=\"Contoso, Ltd.\", L=Seattle, S=Washington, C=US",
        "CertificateDomains  : {mail.contoso.com, autodiscover.contoso.com}",
        "Status              : Valid (revocation not checked)",
        "PublicKeySize       : 2048",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn inspect_status_is_valid_only_with_a_verified_chain_to_a_trusted_root() {
    let status = |extra: &[&str]| {
        let mut cmd = certprep();
        cmd.args([
            "inspect",
            "--json",
            &fixture("deliverable/mail.contoso.com.crt"),
        ]);
        cmd.args(extra);
        let out = cmd.assert().success();
        let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        v["certificates"][0]["Status"].as_str().unwrap().to_owned()
    };
    let bundle = fixture("deliverable/ca-bundle.crt");
    let root = fixture("deliverable/contoso-root.crt");
    assert_eq!(status(&[]), "Untrusted");
    // The bundle holds the root, but an unknown root is not trusted by being present.
    assert_eq!(status(&[&bundle]), "Untrusted");
    assert_eq!(status(&[&bundle, "--roots", &root]), "Valid");
    assert_eq!(
        status(&[&bundle, "--roots", &root, "--at", "2027-06-01T00:00:00Z"]),
        "DateInvalid"
    );
}
