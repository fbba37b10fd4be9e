//! `certprep csr` and `certprep selfsigned` through the binary: files, permissions, --force,
//! the UTF-16LE request, renewal from a certificate file, encrypted keys.

use crate::{certprep, fixture};
use assert_fs::prelude::*;
use assert_fs::TempDir;
use openssl::pkey::PKey;
use openssl::x509::{X509Req, X509};
use predicates::str::contains;

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn csr_writes_a_verifying_request_and_an_owner_only_key() {
    let dir = TempDir::new().unwrap();
    let req = dir.child("mail.req");
    let key = dir.child("mail.key");
    certprep()
        .args([
            "csr",
            "--name",
            "mail.contoso.com,autodiscover.contoso.com",
            "--subject",
            "CN=mail.contoso.com, O=\"Contoso, Ltd.\", L=Seattle, S=WA, C=US",
            "--key-type",
            "p256",
            "-o",
        ])
        .arg(req.path())
        .arg("--key-out")
        .arg(key.path())
        .assert()
        .success()
        .stdout(contains(
            "Subject : CN=mail.contoso.com, O=\"Contoso, Ltd.\", L=Seattle, S=WA, C=US",
        ))
        .stdout(contains(
            "Names   : mail.contoso.com, autodiscover.contoso.com",
        ));
    let pem = std::fs::read_to_string(req.path()).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----\n"));
    let r = X509Req::from_pem(pem.as_bytes()).unwrap();
    assert!(r.verify(&r.public_key().unwrap()).unwrap());
    let k = PKey::private_key_from_pem(&std::fs::read(key.path()).unwrap()).unwrap();
    assert!(k.public_eq(&r.public_key().unwrap()));
    #[cfg(unix)]
    {
        assert_eq!(mode(key.path()), 0o600);
        assert_eq!(mode(req.path()), 0o644);
    }
}

#[test]
fn csr_refuses_to_overwrite_without_force() {
    let dir = TempDir::new().unwrap();
    let req = dir.child("mail.req");
    let key = dir.child("mail.key");
    key.write_str("precious").unwrap();
    let run = |force: bool| {
        let mut c = certprep();
        c.args(["csr", "--name", "a.contoso.com", "--key-type", "p256", "-o"])
            .arg(req.path())
            .arg("--key-out")
            .arg(key.path());
        if force {
            c.arg("--force");
        }
        c.assert()
    };
    run(false)
        .code(2)
        .stderr(contains("already exists; use --force"));
    assert_eq!(std::fs::read_to_string(key.path()).unwrap(), "precious");
    assert!(!req.path().exists(), "nothing written when refusing");
    run(true).success();
    assert!(std::fs::read_to_string(key.path())
        .unwrap()
        .starts_with("-----BEGIN PRIVATE KEY-----"));
}

#[test]
fn csr_utf16_is_what_exchange_writes() {
    let dir = TempDir::new().unwrap();
    let req = dir.child("mail.req");
    certprep()
        .args([
            "csr",
            "-n",
            "mail.contoso.com",
            "--key-type",
            "p256",
            "--utf16",
            "-o",
        ])
        .arg(req.path())
        .arg("--key-out")
        .arg(dir.child("k").path())
        .assert()
        .success();
    let bytes = std::fs::read(req.path()).unwrap();
    assert_eq!(&bytes[..4], b"-\0-\0", "UTF-16LE without a byte-order mark");
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap();
    assert!(text.starts_with("-----BEGIN NEW CERTIFICATE REQUEST-----\r\n"));
    assert!(text.ends_with("-----END NEW CERTIFICATE REQUEST-----\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
    let r = X509Req::from_pem(text.as_bytes()).unwrap();
    assert!(r.verify(&r.public_key().unwrap()).unwrap());
}

#[test]
fn csr_from_certificate_copies_subject_bytes_and_names() {
    let dir = TempDir::new().unwrap();
    let req = dir.child("renew.req");
    let leaf = fixture("deliverable/mail.contoso.com.cer");
    certprep()
        .args(["csr", "--from", &leaf, "--name", "owa.contoso.com", "-o"])
        .arg(req.path())
        .arg("--key-out")
        .arg(dir.child("renew.key").path())
        .assert()
        .success()
        .stdout(contains("RSA 2048"));
    let x = X509::from_der(&std::fs::read(&leaf).unwrap()).unwrap();
    let r = X509Req::from_pem(&std::fs::read(req.path()).unwrap()).unwrap();
    assert!(r.verify(&r.public_key().unwrap()).unwrap());
    assert_eq!(
        r.subject_name().to_der().unwrap(),
        x.subject_name().to_der().unwrap()
    );
    let text = String::from_utf8(r.to_text().unwrap()).unwrap();
    assert!(
        text.contains("DNS:mail.contoso.com, DNS:autodiscover.contoso.com, DNS:owa.contoso.com"),
        "{text}"
    );
}

#[test]
fn csr_encrypts_the_key_with_a_password_from_the_environment() {
    let dir = TempDir::new().unwrap();
    let key = dir.child("k.pem");
    let out = certprep()
        .env("CSR_TEST_KEY_PW", "s3cret-Pa55")
        .args(["csr", "-n", "mail.contoso.com", "--key-type", "p256"])
        .args(["--key-password-env", "CSR_TEST_KEY_PW", "-o"])
        .arg(dir.child("r.req").path())
        .arg("--key-out")
        .arg(key.path())
        .assert()
        .success()
        .stdout(contains("encrypted PKCS#8"));
    let o = out.get_output();
    assert!(!String::from_utf8_lossy(&o.stdout).contains("s3cret"));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("s3cret"));
    let pem = std::fs::read(key.path()).unwrap();
    assert!(pem.starts_with(b"-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assert!(PKey::private_key_from_pem_passphrase(&pem, b"s3cret-Pa55").is_ok());
    assert!(PKey::private_key_from_pem_passphrase(&pem, b"other").is_err());
}

#[test]
fn csr_refuses_an_empty_key_password_file() {
    let dir = TempDir::new().unwrap();
    let pw = dir.child("pw.txt");
    pw.write_str("\n").unwrap();
    certprep()
        .args(["csr", "-n", "a.b", "--key-password-file"])
        .arg(pw.path())
        .arg("-o")
        .arg(dir.child("r").path())
        .arg("--key-out")
        .arg(dir.child("k").path())
        .assert()
        .code(2)
        .stderr(contains("key password is empty"));
    assert!(!dir.child("k").path().exists());
}

#[test]
fn csr_bad_subject_and_bad_name_exit_2_with_the_reason() {
    let dir = TempDir::new().unwrap();
    let base = |c: &mut assert_cmd::Command| {
        c.arg("-o")
            .arg(dir.child("r").path())
            .arg("--key-out")
            .arg(dir.child("k").path());
    };
    let mut c = certprep();
    c.args(["csr", "-n", "a.contoso.com", "--subject", "CN=a, C=USA"]);
    base(&mut c);
    c.assert()
        .code(2)
        .stderr(contains("two-letter ISO 3166 code"));
    let mut c = certprep();
    c.args(["csr", "-n", "mail_server.contoso.com"]);
    base(&mut c);
    c.assert()
        .code(2)
        .stderr(contains("\"mail_server.contoso.com\""));
    let mut c = certprep();
    c.args(["csr"]);
    base(&mut c);
    c.assert()
        .code(2)
        .stderr(contains("give at least one --name"));
    assert!(!dir.child("k").path().exists());
}

#[test]
fn selfsigned_pem_pair_verifies_and_the_key_is_owner_only() {
    let dir = TempDir::new().unwrap();
    let cert = dir.child("edge.pem");
    certprep()
        .args([
            "selfsigned",
            "--name",
            "edge01.contoso.com",
            "--name",
            "edge01",
            "--days",
            "730",
            "-o",
        ])
        .arg(cert.path())
        .assert()
        .success()
        .stdout(contains("Thumbprint  : "));
    let key = dir.child("edge.key");
    let x = X509::from_pem(&std::fs::read(cert.path()).unwrap()).unwrap();
    assert!(x.verify(&x.public_key().unwrap()).unwrap());
    let k = PKey::private_key_from_pem(&std::fs::read(key.path()).unwrap()).unwrap();
    assert!(k.public_eq(&x.public_key().unwrap()));
    // Validity starts at --at (the harness pins 2027-01-01).
    assert_eq!(x.not_before().to_string(), "Jan  1 00:00:00 2027 GMT");
    // 730 days; 2028 is a leap year.
    assert_eq!(x.not_after().to_string(), "Dec 31 00:00:00 2028 GMT");
    #[cfg(unix)]
    assert_eq!(mode(key.path()), 0o600);
    // The thumbprint printed is the certificate's.
    certprep()
        .arg("thumbprint")
        .arg(cert.path())
        .assert()
        .success()
        .stdout(contains("CN=edge01.contoso.com"));
}

#[test]
fn selfsigned_pfx_is_a_compat_pfx_openssl_opens() {
    let dir = TempDir::new().unwrap();
    let pw = dir.child("pw.txt");
    pw.write_str("Lab-Pa55\n").unwrap();
    let pfx = dir.child("lab.pfx");
    certprep()
        .arg("--password-file")
        .arg(pw.path())
        .args([
            "selfsigned",
            "-n",
            "mail.lab.contoso.com",
            "--friendly-name",
            "Lab 2027",
            "-o",
        ])
        .arg(pfx.path())
        .assert()
        .success()
        .stdout(contains("compat"));
    #[cfg(unix)]
    assert_eq!(mode(pfx.path()), 0o600);
    assert!(
        !dir.child("lab.key").path().exists(),
        "the key is inside the PFX only"
    );
    let parsed = openssl::pkcs12::Pkcs12::from_der(&std::fs::read(pfx.path()).unwrap())
        .unwrap()
        .parse2("Lab-Pa55")
        .unwrap();
    let cert = parsed.cert.unwrap();
    let key = parsed.pkey.unwrap();
    assert!(cert.verify(&cert.public_key().unwrap()).unwrap());
    assert!(key.public_eq(&cert.public_key().unwrap()));
    // The bags are 3DES-protected and the MAC is HMAC-SHA1 (what every Windows imports).
    let out = certprep()
        .arg("--password-file")
        .arg(pw.path())
        .args(["inspect", "--json"])
        .arg(pfx.path())
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["certificates"][0]["FriendlyName"], "Lab 2027");
    let text = json["pfx_files"][0].to_string().to_lowercase();
    assert!(text.contains("3des") || text.contains("triple"), "{text}");
    assert!(text.contains("sha1") || text.contains("sha-1"), "{text}");
}

#[test]
fn selfsigned_pfx_refuses_a_separate_key_file() {
    let dir = TempDir::new().unwrap();
    certprep()
        .args([
            "selfsigned",
            "-n",
            "a.contoso.com",
            "--empty-password",
            "--key-out",
        ])
        .arg(dir.child("a.key").path())
        .arg("-o")
        .arg(dir.child("a.pfx").path())
        .assert()
        .code(2)
        .stderr(contains("a PFX holds the key itself"));
    assert!(!dir.child("a.pfx").path().exists());
}

#[test]
fn selfsigned_certificate_passes_check_for_smtp() {
    let dir = TempDir::new().unwrap();
    let cert = dir.child("edge.pem");
    certprep()
        .args(["selfsigned", "-n", "edge01.contoso.com", "-o"])
        .arg(cert.path())
        .assert()
        .success();
    let out = certprep()
        .arg("check")
        .arg(cert.path())
        .arg(dir.child("edge.key").path())
        .args(["--services", "SMTP", "--format", "json"])
        .assert()
        .code(0);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let results = json["files"][0]["certificates"][0]["results"]
        .as_array()
        .unwrap()
        .clone();
    let outcome = |rule: &str| {
        results
            .iter()
            .find(|r| r["rule"] == rule)
            .map(|r| r["outcome"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("rule {rule} not run"))
    };
    for rule in [
        "expired",
        "not-yet-valid",
        "eku-server-auth",
        "key-usage",
        "cn-not-in-san",
        "key-mismatch",
        "weak-rsa-key",
    ] {
        assert_eq!(outcome(rule), "pass", "{rule}");
    }
}

#[test]
fn csr_from_a_pfx_renews_its_certificate() {
    let dir = TempDir::new().unwrap();
    let req = dir.child("renew.req");
    certprep()
        .arg("--password-file")
        .arg(fixture("deliverable/pfx-password.txt"))
        .args(["csr", "--key-type", "p256", "--from"])
        .arg(fixture("deliverable/mail.contoso.com-3des.pfx"))
        .arg("-o")
        .arg(req.path())
        .arg("--key-out")
        .arg(dir.child("renew.key").path())
        .assert()
        .success();
    let x = X509::from_der(&std::fs::read(fixture("deliverable/mail.contoso.com.cer")).unwrap())
        .unwrap();
    let r = X509Req::from_pem(&std::fs::read(req.path()).unwrap()).unwrap();
    assert!(r.verify(&r.public_key().unwrap()).unwrap());
    assert_eq!(
        r.subject_name().to_der().unwrap(),
        x.subject_name().to_der().unwrap()
    );
}

#[test]
fn inspect_and_check_match_the_exchange_request_to_its_certificate() {
    // The UTF-16LE request Exchange wrote, and the certificate the CA issued from it.
    let req = fixture("deliverable/mail.contoso.com.req");
    let leaf = fixture("deliverable/mail.contoso.com.crt");
    let out = certprep()
        .args(["inspect", "--json", &leaf, &req])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let r = &v["requests"][0];
    assert_eq!(r["signature_valid"], true);
    assert_eq!(r["comparisons"][0]["fulfils_request"], true);
    assert_eq!(r["comparisons"][0]["differences"], serde_json::json!([]));
    let outcome = |csr: &std::path::Path| -> (Option<i32>, serde_json::Value) {
        let out = certprep()
            .args(["check", &leaf, "--format", "json", "--csr"])
            .arg(csr)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let result = v["files"][0]["certificates"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == "csr-mismatch")
            .unwrap()["outcome"]
            .clone();
        (out.status.code(), result)
    };
    assert_eq!(outcome(std::path::Path::new(&req)).1, "pass");

    // A request for another key and another name: both differences are named.
    let dir = assert_fs::TempDir::new().unwrap();
    let other = dir.child("other.req");
    certprep()
        .args(["csr", "--name", "mail.fabrikam.com", "--key-type", "p256"])
        .arg("-o")
        .arg(other.path())
        .arg("--key-out")
        .arg(dir.child("other.key").path())
        .assert()
        .success();
    let out = certprep()
        .args(["check", &leaf, "--csr"])
        .arg(other.path())
        .args(["--format", "json"])
        .assert()
        .code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("csr-mismatch"), "{text}");
    assert!(text.contains("mail.fabrikam.com"), "{text}");
    assert!(text.contains("public key"), "{text}");
}
