//! Input forms and input errors through the binary: every shape of the leaf prints the OpenSSL
//! thumbprint, every key fixture loads, and each error path exits 2 (or warns and goes on)
//! with a message naming the file.

use crate::{certprep, fixture};
use assert_fs::prelude::*;
use base64::Engine;
use predicates::str::contains;
use std::io::Write;

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(fixture(rel)).unwrap()
}

fn leaf_thumbprint() -> String {
    let x = openssl::x509::X509::from_der(&read("deliverable/mail.contoso.com.cer")).unwrap();
    hex::encode_upper(x.digest(openssl::hash::MessageDigest::sha1()).unwrap())
}

fn utf16(s: &str, bom: &[u8], le: bool) -> Vec<u8> {
    let mut v = bom.to_vec();
    for u in s.encode_utf16() {
        v.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    v
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    for (name, data) in entries {
        w.start_file(*name, o).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn first_line(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(out.get_output().stdout.clone())
        .unwrap()
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

#[test]
fn thumbprint_of_every_leaf_shape_is_the_openssl_digest() {
    let dir = assert_fs::TempDir::new().unwrap();
    let pem = String::from_utf8(read("deliverable/mail.contoso.com.crt")).unwrap();
    let crlf = pem.replace('\n', "\r\n");
    let p7b = read("deliverable/mail.contoso.com.p7b");
    let b64 = base64::engine::general_purpose::STANDARD.encode(&p7b);
    let bare: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(crlf.as_bytes());
    let shapes: Vec<(&str, Vec<u8>)> = vec![
        ("crlf.pem", crlf.clone().into_bytes()),
        ("bom.pem", bom),
        ("utf16le.req", utf16(&crlf, &[], true)),
        ("utf16le-bom.pem", utf16(&crlf, &[0xFF, 0xFE], true)),
        ("utf16be-bom.pem", utf16(&pem, &[0xFE, 0xFF], false)),
        ("bare.txt", bare.into_bytes()),
        ("leaf.der", read("deliverable/mail.contoso.com.cer")),
        ("bundle.p7b", p7b.clone()),
        (
            "bundle-pem.p7b",
            format!("-----BEGIN PKCS7-----\n{b64}\n-----END PKCS7-----\n").into_bytes(),
        ),
        ("delivery.zip", zip_of(&[("mail.crt", pem.as_bytes())])),
        // The name says nothing: a DER certificate called .pem is still read by content.
        ("misnamed.pem", read("deliverable/mail.contoso.com.cer")),
    ];
    let expected = leaf_thumbprint();
    for (name, bytes) in shapes {
        let f = dir.child(name);
        f.write_binary(&bytes).unwrap();
        let out = certprep()
            .args(["thumbprint", f.path().to_str().unwrap()])
            .assert()
            .success();
        assert!(
            first_line(&out).starts_with(&format!("{expected}  CN=mail.contoso.com")),
            "{name}"
        );
    }
    let out = certprep()
        .args(["thumbprint", &fixture("deliverable/deliverable.zip")])
        .assert()
        .success();
    assert!(first_line(&out).starts_with(&expected));
}

#[test]
fn thumbprint_reads_standard_input() {
    let out = certprep()
        .args(["thumbprint", "-"])
        .write_stdin(read("deliverable/mail.contoso.com.req").clone())
        .assert();
    // A request holds no certificate: exit 2, saying so.
    out.code(2).stderr(contains("no certificate"));
    let out = certprep()
        .args(["thumbprint", "-"])
        .write_stdin(read("deliverable/mail.contoso.com.crt"))
        .assert()
        .success();
    assert!(first_line(&out).starts_with(&leaf_thumbprint()));
}

#[test]
fn inspect_every_key_fixture_loads_and_rsa_keys_match_the_leaf() {
    let leaf = fixture("deliverable/mail.contoso.com.crt");
    let pw = fixture("deliverable/pfx-password.txt");
    let thumb = leaf_thumbprint();
    for key in [
        "keys/rsa-pkcs1.pem",
        "keys/rsa-pkcs8.pem",
        "keys/rsa-pkcs8.der",
        "keys/rsa-pkcs1.der",
        "keys/rsa-pkcs8-encrypted.pem",
        "input/rsa-pbes2-sha1.pem",
        "input/rsa-legacy-aes256.pem",
    ] {
        certprep()
            .args(["--password-file", &pw, "inspect", &fixture(key), &leaf])
            .assert()
            .success()
            .stdout(contains(format!("MatchesCertificate  : {thumb}")))
            .stdout(contains("RSA 2048"));
    }
    for key in [
        "keys/ec-p256-sec1.pem",
        "keys/ec-p256-pkcs8.pem",
        "input/ec-legacy-des3.pem",
    ] {
        certprep()
            .args(["--password-file", &pw, "inspect", &fixture(key)])
            .assert()
            .success()
            .stdout(contains("ECDSA P-256"));
    }
}

#[test]
fn request_from_exchange_matches_the_leaf_key() {
    certprep()
        .args([
            "inspect",
            &fixture("deliverable/mail.contoso.com.req"),
            &fixture("deliverable/mail.contoso.com.crt"),
        ])
        .assert()
        .success()
        .stdout(contains("certificate request"))
        .stdout(contains(format!(
            "IssuedCertificates  : {}",
            leaf_thumbprint()
        )));
}

fn fails_naming(path: &str, args: &[&str], message: &str) {
    let mut cmd = certprep();
    cmd.args(args).arg("thumbprint").arg(path);
    cmd.assert()
        .code(2)
        .stderr(contains(path))
        .stderr(contains(message));
}

#[test]
fn input_errors_exit_2_naming_the_file() {
    let dir = assert_fs::TempDir::new().unwrap();
    let p = |name: &str, bytes: &[u8]| {
        let f = dir.child(name);
        f.write_binary(bytes).unwrap();
        f.path().to_str().unwrap().to_owned()
    };
    fails_naming(
        &dir.child("missing.crt").path().to_string_lossy(),
        &[],
        "cannot read",
    );
    fails_naming(&p("empty.crt", b""), &[], "an empty file");
    fails_naming(
        &p("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        &[],
        "a Windows executable?",
    );
    fails_naming(
        &p("id_rsa.pub", b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 me@host\n"),
        &[],
        "an SSH public key",
    );
    let pem = String::from_utf8(read("deliverable/mail.contoso.com.crt")).unwrap();
    fails_naming(
        &p("cut.crt", &pem.as_bytes()[..pem.len() / 2]),
        &[],
        "has no END line",
    );
    let der = read("deliverable/mail.contoso.com.cer");
    fails_naming(&p("cut.cer", &der[..600]), &[], "truncated");
    fails_naming(
        &p("empty.p7b", &read("input/empty.p7b")),
        &[],
        "holds no certificates",
    );
}

#[test]
fn bad_block_in_a_bundle_warns_and_uses_the_good_certs() {
    let dir = assert_fs::TempDir::new().unwrap();
    let bundle = String::from_utf8(read("deliverable/ca-bundle.crt")).unwrap();
    let pem = String::from_utf8(read("deliverable/mail.contoso.com.crt")).unwrap();
    let text = format!(
        "{pem}-----BEGIN CERTIFICATE-----\r\n%%%%\r\n-----END CERTIFICATE-----\r\n{bundle}"
    );
    let f = dir.child("mixed.pem");
    f.write_str(&text).unwrap();
    let path = f.path().to_str().unwrap();
    let out = certprep().args(["thumbprint", path]).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 3);
    assert!(stdout.starts_with(&leaf_thumbprint()));
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("warning:") && stderr.contains(path) && stderr.contains("PEM block 2"),
        "{stderr}"
    );
    assert!(stderr.contains("not valid base64"), "{stderr}");
}

#[test]
fn encrypted_key_password_errors_exit_2_naming_the_file() {
    let dir = assert_fs::TempDir::new().unwrap();
    let key = fixture("keys/rsa-pkcs8-encrypted.pem");
    certprep()
        .args(["inspect", &key])
        .assert()
        .code(2)
        .stderr(contains(key.as_str()))
        .stderr(contains("password-protected"))
        .stderr(contains("--password-file"));
    let wrong = dir.child("wrong.txt");
    wrong.write_str("not-the-password\n").unwrap();
    certprep()
        .args([
            "--password-file",
            wrong.path().to_str().unwrap(),
            "inspect",
            &key,
        ])
        .assert()
        .code(2)
        .stderr(contains(key.as_str()))
        .stderr(contains("none of the given passwords opens it"));
}

#[test]
fn hostile_iteration_count_is_refused() {
    use der::{Decode, Encode};
    let dir = assert_fs::TempDir::new().unwrap();
    let text = String::from_utf8(read("keys/rsa-pkcs8-encrypted.pem")).unwrap();
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    let mut info = pkcs8::EncryptedPrivateKeyInfo::from_der(&der).unwrap();
    let pkcs5::EncryptionScheme::Pbes2(p) = &mut info.encryption_algorithm else {
        unreachable!()
    };
    let pkcs5::pbes2::Kdf::Pbkdf2(k) = &mut p.kdf else {
        unreachable!()
    };
    k.iteration_count = 2_000_000_000;
    let hostile = dir.child("hostile.pem");
    hostile
        .write_str(&format!(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\n{}\n-----END ENCRYPTED PRIVATE KEY-----\n",
            base64::engine::general_purpose::STANDARD.encode(info.to_der().unwrap())
        ))
        .unwrap();
    let path = hostile.path().to_str().unwrap();
    certprep()
        .args([
            "--password-file",
            &fixture("deliverable/pfx-password.txt"),
            "inspect",
            path,
        ])
        .assert()
        .code(2)
        .stderr(contains(path))
        .stderr(contains("2000000000 key-derivation iterations"));
}
