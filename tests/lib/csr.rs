//! Requests, keys and self-signed certificates checked against OpenSSL (the oracle), renewal
//! copying the subject byte for byte, and request/certificate matching.

use certprep::csr::{self, CsrSpec, SanEntry, SubjectSpec};
use certprep::csr_match::{compare, CsrMismatch};
use certprep::input::{Detected, Item, Origin};
use certprep::keygen::{GeneratedKey, KeyType};
use certprep::model::{Cert, Csr};
use certprep::secret::Secret;
use certprep::selfsigned::{self, SelfSignedSpec};
use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::stack::Stack;
use openssl::x509::extension::SubjectAlternativeName;
use openssl::x509::{X509Name, X509NameBuilder, X509Req, X509};
use rand_core::OsRng;
use std::path::PathBuf;

fn fixture(rel: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "fixtures", rel]
        .iter()
        .collect()
}

fn realworld(rel: &str) -> Option<PathBuf> {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "shared", "realworld", rel]
        .iter()
        .collect();
    p.exists().then_some(p)
}

fn dns(names: &[&str]) -> Vec<SanEntry> {
    names
        .iter()
        .map(|n| SanEntry::Dns((*n).to_owned()))
        .collect()
}

/// The DNS names of a request, read by OpenSSL.
fn openssl_req_dns_names(req: &X509Req) -> Vec<String> {
    // OpenSSL has no typed accessor for a request's SAN; its text dump lists the names.
    let text = String::from_utf8(req.to_text().unwrap()).unwrap();
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("DNS:") {
            out.extend(
                line.split(", ")
                    .map(|p| p.trim_start_matches("DNS:").to_owned()),
            );
        }
    }
    out
}

#[test]
fn generated_request_verifies_in_openssl_for_every_key_type() {
    let names = [
        "mail.contoso.com",
        "autodiscover.contoso.com",
        "*.contoso.com",
    ];
    for key_type in [
        KeyType::Rsa2048,
        KeyType::Rsa3072,
        KeyType::P256,
        KeyType::P384,
    ] {
        let mut spec = CsrSpec::new(dns(&names));
        spec.key_type = key_type;
        let generated = csr::generate(&spec, &mut OsRng).unwrap();
        let req = X509Req::from_der(&generated.der).unwrap();
        let public = req.public_key().unwrap();
        assert!(req.verify(&public).unwrap(), "{key_type}");
        assert_eq!(openssl_req_dns_names(&req), names, "{key_type}");
        // The subject is CN = first name.
        let cn: Vec<String> = req
            .subject_name()
            .entries_by_nid(Nid::COMMONNAME)
            .map(|e| String::from_utf8(e.data().as_slice().to_vec()).unwrap())
            .collect();
        assert_eq!(cn, ["mail.contoso.com"]);
        assert_eq!(req.subject_name().entries().count(), 1);

        // The key loads in OpenSSL and is the request's key.
        let pem = generated.key.to_pkcs8_pem().unwrap();
        let key = PKey::private_key_from_pem(pem.as_bytes()).unwrap();
        assert!(key.public_eq(&public), "{key_type}");
        // And our own model reads the request back the same way.
        let parsed = Csr::from_der(generated.der.clone(), Origin::file("gen")).unwrap();
        assert_eq!(parsed.dns_names, names);
        assert!(parsed.public_key.same_key(generated.key.public_key()));
    }
}

#[test]
fn rsa_keys_have_the_requested_size() {
    for (key_type, bits) in [(KeyType::Rsa2048, 2048), (KeyType::Rsa4096, 4096)] {
        let key = GeneratedKey::generate(key_type, &mut OsRng).unwrap();
        let k = PKey::private_key_from_der(&key.pkcs8_der().unwrap()).unwrap();
        assert_eq!(k.bits(), bits);
        assert!(k.rsa().unwrap().check_key().unwrap());
    }
}

#[test]
fn encrypted_key_opens_in_openssl_with_the_password_only() {
    let key = GeneratedKey::generate(KeyType::P256, &mut OsRng).unwrap();
    let pw = Secret::new("correct horse".into());
    let pem = key
        .to_encrypted_pkcs8_pem_with_iterations(&pw, 2048, &mut OsRng)
        .unwrap();
    assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
    let opened = PKey::private_key_from_pem_passphrase(pem.as_bytes(), b"correct horse").unwrap();
    let plain = PKey::private_key_from_der(&key.pkcs8_der().unwrap()).unwrap();
    assert!(opened.public_eq(&plain));
    assert!(PKey::private_key_from_pem_passphrase(pem.as_bytes(), b"wrong").is_err());
    // The scheme is PBES2 with AES-256-CBC and PBKDF2-HMAC-SHA256.
    let der = pem_body(&pem);
    let info = pkcs8::EncryptedPrivateKeyInfo::try_from(der.as_slice()).unwrap();
    let pkcs5::EncryptionScheme::Pbes2(p) = info.encryption_algorithm else {
        panic!("not PBES2");
    };
    assert_eq!(p.encryption.oid(), pkcs5::pbes2::AES_256_CBC_OID);
    let pkcs5::pbes2::Kdf::Pbkdf2(kdf) = p.kdf else {
        panic!("not PBKDF2");
    };
    assert_eq!(kdf.prf, pkcs5::pbes2::Pbkdf2Prf::HmacWithSha256);
    assert_eq!(kdf.iteration_count, 2048);
}

fn pem_body(pem: &str) -> Vec<u8> {
    use base64::Engine;
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

/// An openssl-made self-signed certificate with an unusual subject: RDNs in a non-canonical
/// order, BMPString, T61String, UTF8String and IA5String values.
fn odd_subject_cert() -> (X509, PKey<Private>) {
    let key = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_nid_with_type(
        Nid::COMMONNAME,
        "mail.contoso.com",
        openssl::asn1::Asn1Type::BMPSTRING,
    )
    .unwrap();
    name.append_entry_by_nid_with_type(
        Nid::ORGANIZATIONNAME,
        "Contoso, Ltd.",
        openssl::asn1::Asn1Type::T61STRING,
    )
    .unwrap();
    name.append_entry_by_nid_with_type(
        Nid::LOCALITYNAME,
        "Zürich",
        openssl::asn1::Asn1Type::UTF8STRING,
    )
    .unwrap();
    name.append_entry_by_nid_with_type(
        Nid::PKCS9_EMAILADDRESS,
        "admin@contoso.com",
        openssl::asn1::Asn1Type::IA5STRING,
    )
    .unwrap();
    name.append_entry_by_nid(Nid::COUNTRYNAME, "CH").unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&Asn1Integer::from_bn(&BigNum::from_u32(7).unwrap()).unwrap())
        .unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::from_str("20260101000000Z").unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_str("20280101000000Z").unwrap())
        .unwrap();
    let san = SubjectAlternativeName::new()
        .dns("mail.contoso.com")
        .dns("legacy.contoso.com")
        .ip("192.0.2.25")
        .build(&b.x509v3_context(None, None))
        .unwrap();
    b.append_extension(san).unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    (b.build(), key)
}

#[test]
fn renewal_copies_the_subject_byte_for_byte_and_every_san() {
    let (x, _) = odd_subject_cert();
    let cert = Cert::from_der(x.to_der().unwrap(), Origin::file("odd")).unwrap();
    let spec = CsrSpec::renew(&cert);
    assert_eq!(spec.key_type, KeyType::Rsa2048);
    let generated = csr::generate(&spec, &mut OsRng).unwrap();
    let req = X509Req::from_der(&generated.der).unwrap();
    assert!(req.verify(&req.public_key().unwrap()).unwrap());
    assert_eq!(
        req.subject_name().to_der().unwrap(),
        x.subject_name().to_der().unwrap()
    );
    let parsed = Csr::from_der(generated.der.clone(), Origin::file("gen")).unwrap();
    assert_eq!(parsed.subject.der, cert.subject.der);
    assert_eq!(parsed.dns_names, ["mail.contoso.com", "legacy.contoso.com"]);
    let text = String::from_utf8(req.to_text().unwrap()).unwrap();
    assert!(text.contains("IP Address:192.0.2.25"), "{text}");
}

#[test]
fn renewal_keeps_the_fixture_leafs_subject_and_key_kind() {
    let pem = std::fs::read(fixture("deliverable/mail.contoso.com.crt")).unwrap();
    let x = X509::from_pem(&pem).unwrap();
    let cert = Cert::from_der(x.to_der().unwrap(), Origin::file("leaf")).unwrap();
    let mut spec = CsrSpec::renew(&cert);
    spec.key_type = KeyType::P256; // fast; the kind is chosen by the caller here
    let generated = csr::generate(&spec, &mut OsRng).unwrap();
    let parsed = Csr::from_der(generated.der, Origin::file("gen")).unwrap();
    assert_eq!(parsed.subject.der, cert.subject.der);
    assert_eq!(parsed.dns_names, cert.dns_names);
}

#[test]
fn renewal_copies_real_windows_subjects_byte_for_byte() {
    let Some(dir) = realworld("windows-names") else {
        eprintln!("skipped: ../shared/realworld is absent");
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path().join("cert.pem");
        let Ok(pem) = std::fs::read_to_string(&path) else {
            continue;
        };
        let der = pem_body(&pem);
        let cert = Cert::from_der(der, Origin::file(path.display().to_string()))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut spec = CsrSpec::renew(&cert);
        spec.key_type = KeyType::P256;
        if spec.names.is_empty() {
            spec.names.push(SanEntry::Dns("renew.example".into()));
        }
        let generated = csr::generate(&spec, &mut OsRng).unwrap();
        let parsed = Csr::from_der(generated.der.clone(), Origin::file("gen")).unwrap();
        assert_eq!(parsed.subject.der, cert.subject.der, "{}", path.display());
        // OpenSSL rejects some of these names (non-string values); where it reads the
        // request, the signature must verify.
        if let Ok(req) = X509Req::from_der(&generated.der) {
            assert!(req.verify(&req.public_key().unwrap()).unwrap());
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} certificates found");
}

#[test]
fn windows_subject_strings_round_trip_through_the_parser() {
    let Some(dir) = realworld("windows-names") else {
        eprintln!("skipped: ../shared/realworld is absent");
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let case = entry.unwrap().path();
        let Ok(json) = std::fs::read_to_string(case.join("expected.json")) else {
            continue;
        };
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let Some(subject) = v.get("subject").and_then(|s| s.as_str()) else {
            continue;
        };
        // Excluded on purpose: values that are not strings (#hex of an OCTET STRING prints its
        // contents only, so it cannot be read back as the same element), multi-valued RDNs
        // (the parser sorts their values into DER order), country names that are not two
        // letters (refused for requests, as CAs refuse them), and the empty name.
        if subject.is_empty()
            || subject.contains('#')
            || subject.contains(" + ")
            || country_not_two_letters(subject)
        {
            continue;
        }
        let der = csr::parse_subject(subject)
            .unwrap_or_else(|e| panic!("{}: {subject:?}: {e}", case.display()));
        let name = certprep::model::DistinguishedName::from_der(&der).unwrap();
        assert_eq!(
            certprep::dn::render_windows(&name),
            subject,
            "{}",
            case.display()
        );
        checked += 1;
    }
    assert!(checked > 50, "only {checked} subjects checked");
}

fn country_not_two_letters(subject: &str) -> bool {
    subject
        .split(", ")
        .filter_map(|p| p.strip_prefix("C="))
        .any(|c| !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic())))
}

#[test]
fn subject_text_is_used_as_given() {
    let mut spec = CsrSpec::new(dns(&["mail.contoso.com"]));
    spec.key_type = KeyType::P256;
    spec.subject =
        SubjectSpec::Text("CN=mail.contoso.com, O=\"Contoso, Ltd.\", L=Seattle, S=WA, C=US".into());
    let generated = csr::generate(&spec, &mut OsRng).unwrap();
    let req = X509Req::from_der(&generated.der).unwrap();
    let got: Vec<(String, String)> = req
        .subject_name()
        .entries()
        .map(|e| {
            (
                e.object().nid().short_name().unwrap().to_owned(),
                String::from_utf8(e.data().as_slice().to_vec()).unwrap(),
            )
        })
        .collect();
    let want = [
        ("C", "US"),
        ("ST", "WA"),
        ("L", "Seattle"),
        ("O", "Contoso, Ltd."),
        ("CN", "mail.contoso.com"),
    ];
    assert_eq!(
        got,
        want.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec()
    );
}

#[test]
fn self_signed_certificate_verifies_under_itself_with_exchange_extensions() {
    let spec = SelfSignedSpec {
        names: dns(&["edge01.contoso.com", "mail.lab.local"]),
        days: 1825,
        key_type: KeyType::Rsa2048,
        not_before: time::macros::datetime!(2026-06-01 12:00:00.5 UTC),
    };
    let generated = selfsigned::generate(&spec, &mut OsRng).unwrap();
    let x = X509::from_der(&generated.der).unwrap();
    assert!(x.verify(&x.public_key().unwrap()).unwrap());
    // OpenSSL builds a chain to it when it is its own trust anchor.
    let mut store = openssl::x509::store::X509StoreBuilder::new().unwrap();
    store.add_cert(x.clone()).unwrap();
    let mut param = openssl::x509::verify::X509VerifyParam::new().unwrap();
    param.set_time(1_800_000_000); // 2027-01-15, inside the validity
    store.set_param(&param).unwrap();
    let store = store.build();
    let mut ctx = openssl::x509::X509StoreContext::new().unwrap();
    let chain = Stack::new().unwrap();
    let ok = ctx.init(&store, &x, &chain, |c| c.verify_cert()).unwrap();
    assert!(ok, "{}", ctx.error());

    let cert = Cert::from_der(generated.der.clone(), Origin::file("ss")).unwrap();
    assert!(cert.is_self_issued());
    assert_eq!(cert.dns_names, ["edge01.contoso.com", "mail.lab.local"]);
    assert_eq!(
        cert.subject.common_name().as_deref(),
        Some("edge01.contoso.com")
    );
    assert_eq!(cert.eku, Some(vec![certprep::model::Eku::ServerAuth]));
    assert_eq!(
        cert.key_usage.as_ref().unwrap().names,
        ["digitalSignature", "keyEncipherment"]
    );
    assert!(!cert.is_ca());
    assert_eq!(
        cert.not_before,
        time::macros::datetime!(2026-06-01 12:00:00 UTC)
    );
    assert_eq!(cert.not_after - cert.not_before, time::Duration::days(1825));
    let key = PKey::private_key_from_pem(generated.key.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
    assert!(key.public_eq(&x.public_key().unwrap()));
}

/// A test CA that issues certificates for a request's key (or another key) with chosen names.
struct TestCa {
    key: PKey<Private>,
    name: X509Name,
}

impl TestCa {
    fn new() -> TestCa {
        let key = PKey::from_ec_key(
            openssl::ec::EcKey::generate(
                &openssl::ec::EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
        let mut n = X509NameBuilder::new().unwrap();
        n.append_entry_by_text("CN", "Test Issuing CA").unwrap();
        TestCa {
            key,
            name: n.build(),
        }
    }

    fn issue(
        &self,
        subject_cn: &str,
        public: &PKey<impl openssl::pkey::HasPublic>,
        names: &[&str],
    ) -> Cert {
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(&Asn1Integer::from_bn(&BigNum::from_u32(42).unwrap()).unwrap())
            .unwrap();
        let mut s = X509NameBuilder::new().unwrap();
        s.append_entry_by_text("CN", subject_cn).unwrap();
        b.set_subject_name(&s.build()).unwrap();
        b.set_issuer_name(&self.name).unwrap();
        b.set_pubkey(public).unwrap();
        b.set_not_before(&Asn1Time::from_str("20260101000000Z").unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::from_str("20270101000000Z").unwrap())
            .unwrap();
        let mut san = SubjectAlternativeName::new();
        for n in names {
            san.dns(n);
        }
        let san = san.build(&b.x509v3_context(None, None)).unwrap();
        b.append_extension(san).unwrap();
        b.sign(&self.key, MessageDigest::sha256()).unwrap();
        Cert::from_der(b.build().to_der().unwrap(), Origin::file("issued")).unwrap()
    }
}

fn request(names: &[&str]) -> (Csr, PKey<openssl::pkey::Public>) {
    let mut spec = CsrSpec::new(dns(names));
    spec.key_type = KeyType::P256;
    let generated = csr::generate(&spec, &mut OsRng).unwrap();
    let public = X509Req::from_der(&generated.der)
        .unwrap()
        .public_key()
        .unwrap();
    (
        Csr::from_der(generated.der, Origin::file("req")).unwrap(),
        public,
    )
}

#[test]
fn matching_finds_each_kind_of_mismatch() {
    let ca = TestCa::new();
    let (csr, public) = request(&["mail.contoso.com", "autodiscover.contoso.com"]);

    // Exactly what was asked for.
    let good = ca.issue(
        "mail.contoso.com",
        &public,
        &["mail.contoso.com", "autodiscover.contoso.com"],
    );
    assert_eq!(compare(&good, &csr), vec![]);

    // Another key.
    let other = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    let wrong_key = ca.issue(
        "mail.contoso.com",
        &other,
        &["mail.contoso.com", "autodiscover.contoso.com"],
    );
    assert_eq!(
        compare(&wrong_key, &csr),
        vec![CsrMismatch::OtherKey {
            requested: "ECDSA P-256".into(),
            issued: "RSA 2048".into()
        }]
    );

    // A name missing, another added.
    let missing = ca.issue(
        "mail.contoso.com",
        &public,
        &["mail.contoso.com", "contoso.com"],
    );
    let diffs = compare(&missing, &csr);
    assert_eq!(
        diffs,
        vec![
            CsrMismatch::MissingName {
                name: "autodiscover.contoso.com".into()
            },
            CsrMismatch::ExtraName {
                name: "contoso.com".into()
            },
        ]
    );
    assert!(diffs[0].is_failure() && !diffs[1].is_failure());

    // A wildcard instead of the names, and a changed subject.
    let wildcard = ca.issue("*.contoso.com", &public, &["*.contoso.com"]);
    let diffs = compare(&wildcard, &csr);
    assert_eq!(
        diffs,
        vec![
            CsrMismatch::CoveredByWildcard {
                name: "mail.contoso.com".into(),
                wildcard: "*.contoso.com".into()
            },
            CsrMismatch::CoveredByWildcard {
                name: "autodiscover.contoso.com".into(),
                wildcard: "*.contoso.com".into()
            },
            CsrMismatch::ExtraName {
                name: "*.contoso.com".into()
            },
            CsrMismatch::SubjectChanged {
                requested: "CN=mail.contoso.com".into(),
                issued: "CN=*.contoso.com".into()
            },
        ]
    );
    assert!(diffs.iter().all(|d| !d.is_failure()));

    // Names compare case-insensitively.
    let upper = ca.issue(
        "mail.contoso.com",
        &public,
        &["MAIL.contoso.com", "autodiscover.CONTOSO.com"],
    );
    assert_eq!(compare(&upper, &csr), vec![]);
}

#[test]
fn fixture_request_matches_the_certificate_issued_from_it() {
    let bytes = std::fs::read(fixture("deliverable/mail.contoso.com.req")).unwrap();
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap();
    let req = Csr::from_der(pem_body(&text), Origin::file("req")).unwrap();
    let leaf_pem = std::fs::read_to_string(fixture("deliverable/mail.contoso.com.crt")).unwrap();
    let leaf = Cert::from_der(pem_body(&leaf_pem), Origin::file("leaf")).unwrap();
    let diffs = compare(&leaf, &req);
    assert!(diffs.iter().all(|d| !d.is_failure()), "{diffs:?}");
    // And the intermediate is not its certificate.
    let bundle = std::fs::read_to_string(fixture("deliverable/ca-bundle.crt")).unwrap();
    let first = bundle.split("-----END CERTIFICATE-----").next().unwrap();
    let int = Cert::from_der(pem_body(first), Origin::file("int")).unwrap();
    assert!(compare(&int, &req)
        .iter()
        .any(|d| matches!(d, CsrMismatch::OtherKey { .. })));
}

#[test]
fn inspect_reports_how_issued_certificates_compare_with_a_request() {
    let ca = TestCa::new();
    let (csr, public) = request(&["mail.contoso.com", "autodiscover.contoso.com"]);
    let good = ca.issue(
        "mail.contoso.com",
        &public,
        &["mail.contoso.com", "autodiscover.contoso.com"],
    );
    let other = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    let wrong_key = ca.issue("mail.contoso.com", &other, &["mail.contoso.com"]);
    let unrelated = ca.issue("www.fabrikam.com", &other, &["www.fabrikam.com"]);
    let detected = Detected {
        items: vec![
            Item::Csr(csr),
            Item::Cert(good.clone()),
            Item::Cert(wrong_key.clone()),
            Item::Cert(unrelated),
        ],
        problems: Vec::new(),
    };
    let report = certprep::inspect::InspectReport::build(
        &detected,
        time::macros::datetime!(2026-06-01 00:00 UTC),
        certprep::inspect::Trust::default(),
    );
    let r = &report.requests[0];
    assert_eq!(
        r.comparisons.len(),
        2,
        "the unrelated certificate is left out"
    );
    let thumb = |c: &Cert| {
        certprep::thumbprint::Thumbprint::of(&c.der, certprep::thumbprint::HashAlg::Sha1)
            .to_string()
    };
    assert_eq!(r.comparisons[0].thumbprint.to_string(), thumb(&good));
    assert!(r.comparisons[0].fulfils_request);
    assert_eq!(r.comparisons[1].thumbprint.to_string(), thumb(&wrong_key));
    assert!(!r.comparisons[1].fulfils_request);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json["requests"][0]["comparisons"][1]["differences"][0]["kind"],
        "other-key"
    );
    assert_eq!(
        json["requests"][0]["comparisons"][1]["differences"][1]["kind"],
        "missing-name"
    );
    let mut text = Vec::new();
    certprep::report::inspect::write_text(&report, &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("does NOT fulfil the request"), "{text}");
    assert!(
        text.contains("requested name autodiscover.contoso.com is missing"),
        "{text}"
    );
}
