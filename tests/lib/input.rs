//! `input::detect` against the fixtures, with OpenSSL as the oracle: every shape of the leaf
//! gives the same thumbprint, keys normalise to exactly OpenSSL's PKCS#8, damaged input gives a
//! named problem while good parts survive, and nothing panics.
//!
//! Variants (CRLF, BOM, UTF-16, bare base64, PEM-armoured PKCS#7, ZIPs …) are made here from
//! `fixtures/deliverable` by transforming bytes.

use base64::Engine;
use certprep::error::{InputError, ObjectKind};
use certprep::input::{detect, DetectOptions, Detected, Item, Origin, Part};
use certprep::model::KeyFormat;
use certprep::secret::Secret;
use certprep::thumbprint::{HashAlg, Thumbprint};
use std::io::Write;

pub(crate) fn fixture(rel: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn password() -> Secret {
    let text = String::from_utf8(fixture("deliverable/pfx-password.txt")).unwrap();
    Secret::new(text.lines().next().unwrap().to_owned())
}

fn opts() -> DetectOptions {
    DetectOptions::default()
}

fn opts_pw() -> DetectOptions {
    DetectOptions {
        passwords: vec![password()],
        ..DetectOptions::default()
    }
}

fn run(bytes: &[u8]) -> Detected {
    detect(bytes, &Origin::file("input"), &opts())
}

fn openssl_sha1(der: &[u8]) -> String {
    let x = openssl::x509::X509::from_der(der).unwrap();
    hex::encode_upper(x.digest(openssl::hash::MessageDigest::sha1()).unwrap())
}

fn thumbs(d: &Detected) -> Vec<String> {
    d.certs()
        .map(|c| Thumbprint::of(&c.der, HashAlg::Sha1).to_string())
        .collect()
}

fn leaf_der() -> Vec<u8> {
    fixture("deliverable/mail.contoso.com.cer")
}

fn leaf_pem() -> String {
    String::from_utf8(fixture("deliverable/mail.contoso.com.crt")).unwrap()
}

pub(crate) fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).unwrap());
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----\n"));
    s
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn utf16be(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect()
}

fn with_prefix(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut v = prefix.to_vec();
    v.extend_from_slice(rest);
    v
}

pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        if name.ends_with('/') {
            w.add_directory(*name, o).unwrap();
        } else {
            w.start_file(*name, o).unwrap();
            w.write_all(data).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

/// Every shape of the leaf certificate, made from the fixtures. Shared with the CLI tests.
pub(crate) fn leaf_variants() -> Vec<(&'static str, Vec<u8>)> {
    let pem = leaf_pem();
    let crlf = pem.replace('\n', "\r\n");
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    let p7b = fixture("deliverable/mail.contoso.com.p7b");
    vec![
        ("PEM LF", pem.clone().into_bytes()),
        ("PEM CRLF", crlf.clone().into_bytes()),
        (
            "UTF-8 BOM",
            with_prefix(&[0xEF, 0xBB, 0xBF], crlf.as_bytes()),
        ),
        ("UTF-16LE without BOM", utf16le(&crlf)),
        (
            "UTF-16LE with BOM",
            with_prefix(&[0xFF, 0xFE], &utf16le(&crlf)),
        ),
        (
            "UTF-16BE with BOM",
            with_prefix(&[0xFE, 0xFF], &utf16be(&pem)),
        ),
        ("bare base64", body.into_bytes()),
        ("DER", leaf_der()),
        ("PKCS#7 DER", p7b.clone()),
        ("PKCS#7 PEM", self::pem("PKCS7", &p7b).into_bytes()),
        ("ZIP", zip_of(&[("mail.contoso.com.crt", pem.as_bytes())])),
    ]
}

#[test]
fn detect_every_leaf_shape_gives_the_openssl_thumbprint() {
    let expected = openssl_sha1(&leaf_der());
    for (name, bytes) in leaf_variants() {
        let d = run(&bytes);
        assert!(d.problems.is_empty(), "{name}: {:?}", d.problems);
        assert_eq!(thumbs(&d).first(), Some(&expected), "{name}");
        assert_eq!(d.certs().next().unwrap().der, leaf_der(), "{name}");
    }
}

#[test]
fn detect_leaf_among_text_dumps_bag_attributes_and_odd_labels() {
    let der = leaf_der();
    let x = openssl::x509::X509::from_der(&der).unwrap();
    let dump = String::from_utf8(x.to_text().unwrap()).unwrap();
    // OpenSSL's X509_AUX trailer after the certificate: trust for serverAuth.
    let mut trusted = der.clone();
    trusted.extend_from_slice(&[
        0x30, 0x0C, 0x30, 0x0A, 0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01,
    ]);
    let spaced: String = leaf_pem()
        .lines()
        .map(|l| {
            if l.starts_with("-----") {
                format!("{l}\n")
            } else {
                format!("  {} \t{}\n", &l[..10], &l[10..])
            }
        })
        .collect();
    let cases = [
        format!("{dump}{}", leaf_pem()),
        format!("Bag Attributes\n    localKeyID: 01 00 00 00\n    friendlyName: mail\nsubject=/CN=mail.contoso.com\n\n{}\ntrailing words\n", leaf_pem()),
        pem("X509 CERTIFICATE", &der),
        pem("TRUSTED CERTIFICATE", &trusted),
        spaced,
    ];
    for (i, text) in cases.iter().enumerate() {
        let d = run(text.as_bytes());
        assert!(d.problems.is_empty(), "case {i}: {:?}", d.problems);
        assert_eq!(
            d.certs().map(|c| c.der.clone()).collect::<Vec<_>>(),
            vec![der.clone()],
            "case {i}"
        );
    }
}

#[test]
fn detect_pkcs7_keeps_openssl_order_and_bytes() {
    let p7b = fixture("deliverable/mail.contoso.com.p7b");
    let p7 = openssl::pkcs7::Pkcs7::from_der(&p7b).unwrap();
    let expected: Vec<String> = p7
        .signed()
        .unwrap()
        .certificates()
        .unwrap()
        .iter()
        .map(|c| openssl_sha1(&c.to_der().unwrap()))
        .collect();
    let d = run(&p7b);
    assert_eq!(thumbs(&d), expected);
    let origins: Vec<String> = d.certs().map(|c| c.origin.to_string()).collect();
    assert_eq!(origins, ["input (certificate 1)", "input (certificate 2)"]);
}

#[test]
fn detect_ca_bundle_crlf_gives_both_certs_in_order() {
    let text = String::from_utf8(fixture("deliverable/ca-bundle.crt")).unwrap();
    let expected: Vec<String> = openssl::x509::X509::stack_from_pem(text.as_bytes())
        .unwrap()
        .iter()
        .map(|c| openssl_sha1(&c.to_der().unwrap()))
        .collect();
    assert_eq!(expected.len(), 2);
    assert_eq!(thumbs(&run(text.as_bytes())), expected);
}

#[test]
fn detect_exchange_utf16le_request_matches_leaf_key() {
    let d = run(&fixture("deliverable/mail.contoso.com.req"));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    let csrs: Vec<_> = d.csrs().collect();
    assert_eq!(csrs.len(), 1);
    let leaf = certprep::model::Cert::from_der(leaf_der(), Origin::file("leaf")).unwrap();
    assert!(csrs[0].public_key.same_key(&leaf.public_key));
    // The DER is exactly what OpenSSL reads from the same text.
    let text = String::from_utf16(
        &fixture("deliverable/mail.contoso.com.req")
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let req = openssl::x509::X509Req::from_pem(text.as_bytes()).unwrap();
    assert_eq!(csrs[0].der, req.to_der().unwrap());
    // And as DER and bare base64.
    let der = req.to_der().unwrap();
    assert_eq!(run(&der).csrs().count(), 1);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    assert_eq!(run(b64.as_bytes()).csrs().next().unwrap().der, der);
}

fn one_key(bytes: &[u8], o: &DetectOptions) -> certprep::model::PrivateKey {
    let d = detect(bytes, &Origin::file("key"), o);
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    let keys: Vec<_> = d.keys().cloned().collect();
    assert_eq!(keys.len(), 1);
    keys.into_iter().next().unwrap()
}

#[test]
fn detect_every_rsa_key_form_normalises_to_openssls_pkcs8_and_matches_leaf() {
    let leaf = certprep::model::Cert::from_der(leaf_der(), Origin::file("leaf")).unwrap();
    let ossl = openssl::pkey::PKey::private_key_from_pem(&fixture("keys/rsa-pkcs8.pem")).unwrap();
    let pkcs8 = ossl.private_key_to_pkcs8().unwrap();
    let rsa = ossl.rsa().unwrap();
    let cases: Vec<(&str, Vec<u8>, KeyFormat)> = vec![
        (
            "deliverable key",
            fixture("deliverable/mail.contoso.com.key"),
            KeyFormat::Pkcs8,
        ),
        (
            "PKCS#1 PEM",
            fixture("keys/rsa-pkcs1.pem"),
            KeyFormat::Pkcs1,
        ),
        (
            "PKCS#1 DER",
            rsa.private_key_to_der().unwrap(),
            KeyFormat::Pkcs1,
        ),
        (
            "PKCS#8 PEM",
            fixture("keys/rsa-pkcs8.pem"),
            KeyFormat::Pkcs8,
        ),
        ("PKCS#8 DER", pkcs8.clone(), KeyFormat::Pkcs8),
        (
            "keys/rsa-pkcs8.der",
            fixture("keys/rsa-pkcs8.der"),
            KeyFormat::Pkcs8,
        ),
        (
            "keys/rsa-pkcs1.der",
            fixture("keys/rsa-pkcs1.der"),
            KeyFormat::Pkcs1,
        ),
        (
            "PBES2 SHA-256",
            fixture("keys/rsa-pkcs8-encrypted.pem"),
            KeyFormat::EncryptedPkcs8,
        ),
        (
            "PBES2 SHA-1",
            fixture("input/rsa-pbes2-sha1.pem"),
            KeyFormat::EncryptedPkcs8,
        ),
        (
            "legacy AES-256",
            fixture("input/rsa-legacy-aes256.pem"),
            KeyFormat::Pkcs1,
        ),
        (
            "legacy 3DES via openssl",
            rsa.private_key_to_pem_passphrase(
                openssl::symm::Cipher::des_ede3_cbc(),
                password().expose().as_bytes(),
            )
            .unwrap(),
            KeyFormat::Pkcs1,
        ),
        (
            "legacy AES-128 via openssl",
            rsa.private_key_to_pem_passphrase(
                openssl::symm::Cipher::aes_128_cbc(),
                password().expose().as_bytes(),
            )
            .unwrap(),
            KeyFormat::Pkcs1,
        ),
    ];
    for (name, bytes, format) in cases {
        let k = one_key(&bytes, &opts_pw());
        assert_eq!(&k.pkcs8_der[..], &pkcs8[..], "{name}");
        assert_eq!(k.format, format, "{name}");
        assert!(k.matches(&leaf.public_key), "{name}");
    }
}

#[test]
fn detect_ec_key_forms_normalise_to_openssls_pkcs8() {
    let expected = openssl::pkey::PKey::private_key_from_pem(&fixture("keys/ec-p256-pkcs8.pem"))
        .unwrap()
        .private_key_to_pkcs8()
        .unwrap();
    let ec = openssl::ec::EcKey::private_key_from_pem(&fixture("keys/ec-p256-sec1.pem")).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("SEC1 PEM", fixture("keys/ec-p256-sec1.pem")),
        ("SEC1 DER", ec.private_key_to_der().unwrap()),
        ("PKCS#8 PEM", fixture("keys/ec-p256-pkcs8.pem")),
        ("legacy 3DES", fixture("input/ec-legacy-des3.pem")),
    ];
    let public = openssl::pkey::PKey::from_ec_key(ec.clone())
        .unwrap()
        .public_key_to_der()
        .unwrap();
    for (name, bytes) in cases {
        let k = one_key(&bytes, &opts_pw());
        assert_eq!(&k.pkcs8_der[..], &expected[..], "{name}");
        assert_eq!(k.public_key.spki_der, public, "{name}");
    }
}

#[test]
fn detect_encrypted_key_password_errors_say_what_was_tried() {
    let enc = fixture("keys/rsa-pkcs8-encrypted.pem");
    let d = run(&enc);
    assert!(d.items.is_empty());
    assert!(matches!(
        d.problems.as_slice(),
        [InputError::PasswordNeeded {
            kind: ObjectKind::PrivateKey,
            tried_given: false,
            ..
        }]
    ));
    let wrong = DetectOptions {
        passwords: vec![Secret::new("wrong".into())],
        ..opts()
    };
    let d = detect(&enc, &Origin::file("k.pem"), &wrong);
    assert!(matches!(
        d.problems.as_slice(),
        [InputError::PasswordNeeded {
            tried_given: true,
            ..
        }]
    ));
    assert!(d.problems[0]
        .to_string()
        .starts_with("k.pem (PEM block 1): "));
    // Passwords are tried in order: a wrong one first does not hide the right one.
    let both = DetectOptions {
        passwords: vec![Secret::new("wrong".into()), password()],
        ..opts()
    };
    assert_eq!(detect(&enc, &Origin::file("k"), &both).keys().count(), 1);
}

/// The encrypted fixture with its PBKDF2 iteration count replaced.
pub(crate) fn with_iterations(count: u32) -> String {
    use der::{Decode, Encode};
    let text = String::from_utf8(fixture("keys/rsa-pkcs8-encrypted.pem")).unwrap();
    let der = openssl::base64::decode_block(
        &text
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<String>(),
    )
    .unwrap();
    let mut info = pkcs8::EncryptedPrivateKeyInfo::from_der(&der).unwrap();
    let pkcs5::EncryptionScheme::Pbes2(p) = &mut info.encryption_algorithm else {
        unreachable!()
    };
    let pkcs5::pbes2::Kdf::Pbkdf2(k) = &mut p.kdf else {
        unreachable!()
    };
    k.iteration_count = count;
    pem("ENCRYPTED PRIVATE KEY", &info.to_der().unwrap())
}

#[test]
fn detect_refuses_hostile_iteration_counts_before_deriving() {
    let hostile = with_iterations(2_000_000_000);
    let d = detect(hostile.as_bytes(), &Origin::file("k"), &opts_pw());
    assert!(d.items.is_empty());
    match d.problems.as_slice() {
        [InputError::IterationsTooHigh { count, cap, .. }] => {
            assert_eq!(*count, 2_000_000_000);
            assert_eq!(*cap, certprep::input::DEFAULT_MAX_ITERATIONS);
        }
        other => panic!("{other:?}"),
    }
    // The cap applies to the genuine fixture (2048 iterations) too when set lower.
    let low = DetectOptions {
        max_iterations: 100,
        ..opts_pw()
    };
    let d = detect(
        &fixture("keys/rsa-pkcs8-encrypted.pem"),
        &Origin::file("k"),
        &low,
    );
    assert!(matches!(
        d.problems.as_slice(),
        [InputError::IterationsTooHigh { count: 2048, .. }]
    ));
}

#[test]
fn detect_pkcs12_pbe_in_pkcs8_is_named_unsupported() {
    let d = detect(
        &fixture("input/rsa-pkcs12-pbe.pem"),
        &Origin::file("k"),
        &opts_pw(),
    );
    match d.problems.as_slice() {
        [InputError::UnsupportedAlgorithm { algorithm, .. }] => {
            assert!(algorithm.contains("1.2.840.113549.1.12.1.3"), "{algorithm}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn detect_empty_pkcs7_is_a_valid_empty_bundle() {
    for name in ["input/empty.p7b", "input/empty-p7b.pem"] {
        let bytes = fixture(name);
        // OpenSSL agrees it is a well-formed bundle with no certificates.
        let p7 = if name.ends_with(".pem") {
            openssl::pkcs7::Pkcs7::from_pem(&bytes)
        } else {
            openssl::pkcs7::Pkcs7::from_der(&bytes)
        }
        .unwrap();
        assert!(p7
            .signed()
            .unwrap()
            .certificates()
            .is_none_or(|c| c.is_empty()));
        let d = run(&bytes);
        assert!(d.items.is_empty());
        assert!(
            matches!(d.problems.as_slice(), [InputError::EmptyBundle { .. }]),
            "{name}"
        );
        assert!(d.problems[0].to_string().contains("holds no certificates"));
    }
}

#[test]
fn detect_bundle_with_a_bad_block_keeps_the_good_certs() {
    let bundle = String::from_utf8(fixture("deliverable/ca-bundle.crt")).unwrap();
    let text = format!(
        "{}-----BEGIN CERTIFICATE-----\nMIIB!!not*base64\n-----END CERTIFICATE-----\n{bundle}",
        leaf_pem()
    );
    let d = run(text.as_bytes());
    assert_eq!(d.certs().count(), 3);
    match d.problems.as_slice() {
        [InputError::BadBase64 { origin, label }] => {
            assert_eq!(*origin.parts, [Part::Block(2)]);
            assert_eq!(label, "CERTIFICATE");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn detect_truncated_pem_and_der_say_so() {
    let pem = leaf_pem();
    let cut = &pem[..pem.len() / 2];
    let d = run(cut.as_bytes());
    assert!(d.items.is_empty());
    assert!(matches!(
        d.problems.as_slice(),
        [InputError::UnterminatedPem { .. }]
    ));
    // A truncated leaf after a good bundle: the bundle survives.
    let bundle = String::from_utf8(fixture("deliverable/ca-bundle.crt")).unwrap();
    let d = run(format!("{bundle}{cut}").as_bytes());
    assert_eq!(d.certs().count(), 2);
    assert_eq!(d.problems.len(), 1);
    let der = leaf_der();
    let d = run(&der[..der.len() - 100]);
    assert!(
        matches!(d.problems.as_slice(), [InputError::TruncatedDer { .. }]),
        "{:?}",
        d.problems
    );
    // A damaged certificate inside a correct PEM block is a damaged certificate.
    let mut bad = der.clone();
    bad[4] = 0x31;
    let d = run(self::pem("CERTIFICATE", &bad).as_bytes());
    assert!(
        matches!(
            d.problems.as_slice(),
            [InputError::Malformed {
                kind: ObjectKind::Certificate,
                ..
            }]
        ),
        "{:?}",
        d.problems
    );
}

fn found(bytes: &[u8]) -> String {
    let d = run(bytes);
    assert!(d.items.is_empty());
    match d.problems.as_slice() {
        [e @ InputError::Unrecognized { .. }] => e.to_string(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn detect_unrecognised_input_names_what_it_found() {
    assert!(found(b"").contains("an empty file"));
    assert!(found(b" \r\n\r\n").contains("an empty file"));
    assert!(found(b"MZ\x90\x00\x03\x00\x00\x00")
        .contains("0x4D 0x5A 0x90 0x00 (a Windows executable?)"));
    assert!(
        found(b"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ user@host\n").contains("an SSH public key")
    );
    assert!(found(b"<!DOCTYPE html><html>Sign in</html>").contains("HTML page"));
    let secret = found(b"Contoso-Fixture-1\n");
    assert!(secret.contains("plain text with no PEM block"));
    assert!(
        !secret.contains("Contoso-Fixture-1"),
        "never quote the input: {secret}"
    );
    // A bare public key is recognised and refused with a reason.
    let spki = openssl::x509::X509::from_der(&leaf_der())
        .unwrap()
        .public_key()
        .unwrap()
        .public_key_to_der()
        .unwrap();
    assert!(found(&spki).contains("bare public key"));
}

#[test]
fn detect_skips_unsupported_pem_labels_but_keeps_the_rest() {
    let text = format!("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n{}", leaf_pem());
    let d = run(text.as_bytes());
    assert_eq!(d.certs().count(), 1);
    assert!(
        matches!(d.problems.as_slice(), [InputError::UnsupportedPemLabel { label, .. }] if label == "PUBLIC KEY")
    );
}

#[test]
fn detect_zip_reads_entries_with_entry_origins() {
    let d = detect(
        &fixture("deliverable/deliverable.zip"),
        &Origin::file("ca.zip"),
        &opts(),
    );
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    let origins: Vec<String> = d.certs().map(|c| c.origin.to_string()).collect();
    assert_eq!(
        origins,
        [
            "ca.zip!mail_contoso_com.crt (PEM block 1)",
            "ca.zip!mail_contoso_com.ca-bundle (PEM block 1)",
            "ca.zip!mail_contoso_com.ca-bundle (PEM block 2)",
        ]
    );
}

#[test]
fn detect_zip_skips_directories_and_appledouble_and_opens_one_nested_level() {
    let der = leaf_der();
    let apple = [0x00, 0x05, 0x16, 0x07, 0, 2, 0, 0];
    let inner = zip_of(&[
        ("certs/", b""),
        ("certs/leaf.cer", &der),
        ("__MACOSX/certs/._leaf.cer", &apple),
    ]);
    let d = run(&inner);
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(d.certs().count(), 1);
    let outer = zip_of(&[("inner.zip", &inner)]);
    let d = detect(&outer, &Origin::file("o.zip"), &opts());
    assert_eq!(
        d.certs().next().unwrap().origin.to_string(),
        "o.zip!inner.zip!certs/leaf.cer"
    );
    let outermost = zip_of(&[("outer.zip", &outer)]);
    let d = run(&outermost);
    assert!(d.items.is_empty());
    assert!(
        matches!(d.problems.as_slice(), [InputError::NestedArchive { .. }]),
        "{:?}",
        d.problems
    );
}

#[test]
fn detect_zip_caps_decompressed_size_and_entries() {
    let bomb = vec![0u8; 1 << 20];
    let z = zip_of(&[("bomb.bin", &bomb), ("leaf.cer", &leaf_der())]);
    assert!(z.len() < 20_000, "the test bomb compresses well");
    let small = DetectOptions {
        max_size: 64 * 1024,
        ..opts()
    };
    let d = detect(&z, &Origin::file("z.zip"), &small);
    assert_eq!(d.certs().count(), 1);
    match d.problems.as_slice() {
        [InputError::TooLarge { origin, limit, .. }] => {
            assert_eq!(origin.to_string(), "z.zip!bomb.bin");
            assert_eq!(*limit, 64 * 1024);
        }
        other => panic!("{other:?}"),
    }
    let names: Vec<String> = (0..=certprep::input::zip::MAX_ENTRIES)
        .map(|i| format!("{i}.txt"))
        .collect();
    let many: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let d = run(&zip_of(&many));
    assert!(matches!(
        d.problems.as_slice(),
        [InputError::TooManyEntries { .. }]
    ));
    let d = run(&zip_of(&[]));
    assert!(d.problems[0].to_string().contains("no files"));
}

#[test]
fn detect_refuses_input_over_max_size() {
    let small = DetectOptions {
        max_size: 100,
        ..opts()
    };
    let d = detect(&leaf_der(), &Origin::file("big"), &small);
    assert!(matches!(
        d.problems.as_slice(),
        [InputError::TooLarge { .. }]
    ));
}

#[test]
fn detect_concatenated_der_certificates() {
    let mut two = leaf_der();
    let bundle =
        openssl::x509::X509::stack_from_pem(&fixture("deliverable/ca-bundle.crt")).unwrap();
    two.extend(bundle[0].to_der().unwrap());
    let d = run(&two);
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(
        thumbs(&d),
        [
            openssl_sha1(&leaf_der()),
            openssl_sha1(&bundle[0].to_der().unwrap())
        ]
    );
}

#[test]
fn detect_realworld_bundles_match_openssl() {
    // The shared real-world corpus beside the checkout; skipped when absent.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realworld");
    if !root.exists() {
        return;
    }
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
    {
        let p = entry.path();
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !entry.file_type().is_file() || !["p7b", "p7c", "cer", "crt", "pem"].contains(&ext) {
            continue;
        }
        let bytes = std::fs::read(p).unwrap();
        let d = detect(&bytes, &Origin::file(p.display().to_string()), &opts());
        let expected: Option<Vec<String>> = match ext {
            "p7b" | "p7c" => openssl::pkcs7::Pkcs7::from_der(&bytes)
                .or_else(|_| openssl::pkcs7::Pkcs7::from_pem(&bytes))
                .ok()
                .map(|p7| {
                    p7.signed()
                        .and_then(|s| s.certificates())
                        .map(|cs| {
                            cs.iter()
                                .map(|c| openssl_sha1(&c.to_der().unwrap()))
                                .collect()
                        })
                        .unwrap_or_default()
                }),
            _ => openssl::x509::X509::from_der(&bytes)
                .map(|c| vec![c])
                .or_else(|_| openssl::x509::X509::stack_from_pem(&bytes))
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| {
                    v.iter()
                        .map(|c| openssl_sha1(&c.to_der().unwrap()))
                        .collect()
                }),
        };
        if let Some(expected) = expected {
            if d.problems.is_empty() || !expected.is_empty() {
                assert_eq!(thumbs(&d), expected, "{}: {:?}", p.display(), d.problems);
                seen += 1;
            }
        }
    }
    assert!(seen > 20, "only {seen} real-world files compared");
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn fixtures() -> Vec<Vec<u8>> {
        [
            "deliverable/mail.contoso.com.crt",
            "deliverable/mail.contoso.com.cer",
            "deliverable/ca-bundle.crt",
            "deliverable/mail.contoso.com.p7b",
            "deliverable/mail.contoso.com.req",
            "deliverable/mail.contoso.com.key",
            "deliverable/deliverable.zip",
            "deliverable/mail.contoso.com-3des.pfx",
            "keys/rsa-pkcs1.pem",
            "keys/rsa-pkcs8.der",
            "keys/rsa-pkcs8-encrypted.pem",
            "keys/ec-p256-sec1.pem",
            "input/empty.p7b",
            "input/rsa-legacy-aes256.pem",
        ]
        .iter()
        .map(|f| fixture(f))
        .collect()
    }

    #[derive(Clone, Debug)]
    enum Mutation {
        Flip(usize, u8),
        Truncate(usize),
        Insert(usize, Vec<u8>),
        Delete(usize, usize),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            (any::<usize>(), 1u8..=255).prop_map(|(i, b)| Mutation::Flip(i, b)),
            any::<usize>().prop_map(Mutation::Truncate),
            (
                any::<usize>(),
                proptest::collection::vec(any::<u8>(), 1..16)
            )
                .prop_map(|(i, v)| Mutation::Insert(i, v)),
            (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        ]
    }

    fn apply(mut b: Vec<u8>, ms: &[Mutation]) -> Vec<u8> {
        for m in ms {
            if b.is_empty() {
                break;
            }
            let len = b.len();
            match m {
                Mutation::Flip(i, x) => b[i % len] ^= x,
                Mutation::Truncate(i) => b.truncate(i % len),
                Mutation::Insert(i, v) => {
                    let at = i % len;
                    b.splice(at..at, v.iter().copied());
                }
                Mutation::Delete(i, n) => {
                    let at = i % len;
                    b.drain(at..(at + n).min(len));
                }
            }
        }
        b
    }

    fn no_password_opts() -> DetectOptions {
        // Low caps keep mutated encrypted keys cheap; the code paths are the same.
        DetectOptions {
            passwords: vec![password()],
            max_iterations: 4096,
            ..DetectOptions::default()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn detect_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = detect(&bytes, &Origin::file("x"), &no_password_opts());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn detect_never_panics_on_mutated_fixtures(which in 0usize..14, ms in proptest::collection::vec(mutation(), 1..6)) {
            let all = fixtures();
            let bytes = apply(all[which % all.len()].clone(), &ms);
            let d = detect(&bytes, &Origin::file("x"), &no_password_opts());
            // Whatever happened, every problem names the file.
            for p in &d.problems {
                prop_assert!(p.to_string().starts_with('x'), "{}", p);
            }
        }

        #[test]
        fn detect_ignores_line_endings_bom_whitespace_and_surrounding_text(
            crlf in any::<bool>(),
            bom in any::<bool>(),
            encoding in 0u8..3,
            before in "[a-zA-Z0-9 :=.,/\n]{0,80}",
            after in "[a-zA-Z0-9 :=.,/\n]{0,80}",
            spaces in proptest::collection::vec((any::<usize>(), prop_oneof![Just(" "), Just("\t"), Just("\r\n"), Just("  ")]), 0..10),
        ) {
            let der = leaf_der();
            let armoured = pem("CERTIFICATE", &der);
            let (head, rest) = armoured.split_once('\n').unwrap();
            let (body, tail) = rest.split_at(rest.find("-----END").unwrap());
            let mut body = body.to_owned();
            for (at, ws) in spaces {
                let mut i = at % (body.len() + 1);
                while !body.is_char_boundary(i) { i -= 1; }
                body.insert_str(i, ws);
            }
            let mut text = format!("{before}\n{head}\n{body}{tail}{after}");
            if crlf {
                text = text.replace("\r\n", "\n").replace('\n', "\r\n");
            }
            let bytes = match encoding {
                0 => with_prefix(if bom { &[0xEF, 0xBB, 0xBF][..] } else { &[][..] }, text.as_bytes()),
                1 => with_prefix(if bom { &[0xFF, 0xFE][..] } else { &[][..] }, &utf16le(&text)),
                _ => with_prefix(&[0xFE, 0xFF], &utf16be(&text)),
            };
            let d = run(&bytes);
            prop_assert!(d.problems.is_empty(), "{:?}", d.problems);
            let ders: Vec<Vec<u8>> = d.certs().map(|c| c.der.clone()).collect();
            prop_assert_eq!(ders, vec![der]);
        }

        #[test]
        fn detect_pem_of_der_gives_back_the_same_der(which in 0usize..4, width in 1usize..120) {
            let req_text = String::from_utf16(
                &fixture("deliverable/mail.contoso.com.req").chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect::<Vec<_>>(),
            ).unwrap();
            let bundle = openssl::x509::X509::stack_from_pem(&fixture("deliverable/ca-bundle.crt")).unwrap();
            let (label, der) = match which {
                0 => ("CERTIFICATE", leaf_der()),
                1 => ("CERTIFICATE", bundle[0].to_der().unwrap()),
                2 => ("CERTIFICATE", bundle[1].to_der().unwrap()),
                _ => ("CERTIFICATE REQUEST", openssl::x509::X509Req::from_pem(req_text.as_bytes()).unwrap().to_der().unwrap()),
            };
            let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
            let lines: Vec<&str> = b64.as_bytes().chunks(width).map(|c| std::str::from_utf8(c).unwrap()).collect();
            let text = format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"));
            let d = run(text.as_bytes());
            prop_assert!(d.problems.is_empty(), "{:?}", d.problems);
            let got: Vec<Vec<u8>> = d.items.iter().map(|i| match i {
                Item::Cert(c) => c.der.clone(),
                Item::Csr(c) => c.der.clone(),
                _ => Vec::new(),
            }).collect();
            prop_assert_eq!(got, vec![der]);
        }
    }
}

#[test]
fn detect_caps_objects_per_file() {
    let limit = certprep::input::MAX_OBJECTS;
    let text = "-----BEGIN X-----\n-----END X-----\n".repeat(limit + 5);
    let d = run(text.as_bytes());
    assert_eq!(d.problems.len(), limit + 1);
    assert!(matches!(
        d.problems.last(),
        Some(InputError::TooManyObjects { .. })
    ));
}
