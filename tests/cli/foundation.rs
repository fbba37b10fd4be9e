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
