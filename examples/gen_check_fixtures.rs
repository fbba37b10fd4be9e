//! Generates fixtures/check/: one folder per `check` rule with `pass-*` and `fail-*` inputs
//! (and optional `na-*` ones), each with an optional `<name>.toml` sidecar holding the
//! `[check]` options the case needs. Run through `fixtures/check/gen.sh`.
//!
//! Uses the `openssl` crate (a dev-dependency: fixtures only, never the tool) because the
//! failing cases need what rcgen/ring refuse to make: SHA-1 signatures, 1024-bit RSA keys,
//! and PKCS#12 files in both 3DES and AES profiles. Dates and serial numbers are fixed; keys
//! are new on every run, so tests never compare against copied thumbprints.

use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::stack::Stack;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
    SubjectKeyIdentifier,
};
use openssl::x509::{X509Builder, X509Name, X509NameBuilder, X509Req, X509ReqBuilder, X509};
use std::path::{Path, PathBuf};

type Key = PKey<Private>;

/// The password of every PFX fixture (also in fixtures/check/pfx-password.txt).
const PFX_PASSWORD: &str = "certprep-fixture";

fn rsa(bits: u32) -> Key {
    PKey::from_rsa(Rsa::generate(bits).expect("rsa")).expect("pkey")
}

fn p256() -> Key {
    let g = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("group");
    PKey::from_ec_key(EcKey::generate(&g).expect("ec")).expect("pkey")
}

fn name(parts: &[(&str, &str)]) -> X509Name {
    let mut b = X509NameBuilder::new().expect("name");
    for (k, v) in parts {
        b.append_entry_by_text(k, v).expect("entry");
    }
    b.build()
}

fn time(s: &str) -> Asn1Time {
    Asn1Time::from_str(s).expect("time")
}

/// A certificate to make.
#[derive(Clone)]
struct Spec {
    cn: Option<&'static str>,
    sans: Vec<&'static str>,
    not_before: &'static str,
    not_after: &'static str,
    eku: Option<Vec<&'static str>>,
    ku: Option<Vec<&'static str>>,
    ca: bool,
    digest: fn() -> MessageDigest,
    serial: u32,
}

impl Spec {
    fn leaf(serial: u32) -> Spec {
        Spec {
            cn: Some("mail.contoso.com"),
            sans: vec!["mail.contoso.com", "autodiscover.contoso.com"],
            // 199 days from 2026-11-01: within the 200-day limit in force since 2026-03-15.
            not_before: "20261101000000Z",
            not_after: "20270519000000Z",
            eku: Some(vec!["serverAuth", "clientAuth"]),
            ku: Some(vec!["digitalSignature", "keyEncipherment"]),
            ca: false,
            digest: MessageDigest::sha256,
            serial,
        }
    }
}

struct Issuer<'a> {
    cert: &'a X509,
    key: &'a Key,
}

fn make(spec: &Spec, key: &Key, issuer: Option<&Issuer<'_>>) -> X509 {
    let mut b = X509Builder::new().expect("builder");
    b.set_version(2).expect("version");
    let serial = BigNum::from_u32(spec.serial).expect("bn");
    b.set_serial_number(&Asn1Integer::from_bn(&serial).expect("serial"))
        .expect("serial");
    let mut subject: Vec<(&str, &str)> = vec![("C", "US"), ("O", "Contoso Ltd.")];
    if let Some(cn) = spec.cn {
        subject.push(("CN", cn));
    }
    let subject = name(&subject);
    b.set_subject_name(&subject).expect("subject");
    match issuer {
        Some(i) => b.set_issuer_name(i.cert.subject_name()).expect("issuer"),
        None => b.set_issuer_name(&subject).expect("issuer"),
    }
    b.set_pubkey(key).expect("pubkey");
    b.set_not_before(&time(spec.not_before)).expect("nb");
    b.set_not_after(&time(spec.not_after)).expect("na");
    if spec.ca {
        b.append_extension(BasicConstraints::new().critical().ca().build().expect("bc"))
            .expect("bc");
    }
    let ctx_issuer = issuer.map(|i| i.cert);
    {
        let ctx = b.x509v3_context(ctx_issuer.map(|c| &**c), None);
        let ski = SubjectKeyIdentifier::new().build(&ctx).expect("ski");
        b.append_extension(ski).expect("ski");
    }
    if issuer.is_some() {
        let ctx = b.x509v3_context(ctx_issuer.map(|c| &**c), None);
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&ctx)
            .expect("aki");
        b.append_extension(aki).expect("aki");
    }
    if let Some(ku) = &spec.ku {
        let mut k = KeyUsage::new();
        k.critical();
        for u in ku {
            match *u {
                "digitalSignature" => k.digital_signature(),
                "keyEncipherment" => k.key_encipherment(),
                "dataEncipherment" => k.data_encipherment(),
                "keyCertSign" => k.key_cert_sign(),
                "cRLSign" => k.crl_sign(),
                other => panic!("ku {other}"),
            };
        }
        b.append_extension(k.build().expect("ku")).expect("ku");
    }
    if let Some(eku) = &spec.eku {
        let mut e = ExtendedKeyUsage::new();
        for u in eku {
            match *u {
                "serverAuth" => e.server_auth(),
                "clientAuth" => e.client_auth(),
                "emailProtection" => e.email_protection(),
                other => panic!("eku {other}"),
            };
        }
        b.append_extension(e.build().expect("eku")).expect("eku");
    }
    if !spec.sans.is_empty() {
        let mut s = SubjectAlternativeName::new();
        for n in &spec.sans {
            if n.parse::<std::net::IpAddr>().is_ok() {
                s.ip(n);
            } else {
                s.dns(n);
            }
        }
        let ctx = b.x509v3_context(ctx_issuer.map(|c| &**c), None);
        b.append_extension(s.build(&ctx).expect("san"))
            .expect("san");
    }
    let signer = issuer.map_or(key, |i| i.key);
    b.sign(signer, (spec.digest)()).expect("sign");
    b.build()
}

fn csr(cn: &str, sans: &[&str], key: &Key) -> X509Req {
    let mut b = X509ReqBuilder::new().expect("req");
    b.set_subject_name(&name(&[("CN", cn)])).expect("subject");
    b.set_pubkey(key).expect("pubkey");
    let mut s = SubjectAlternativeName::new();
    for n in sans {
        s.dns(n);
    }
    let ctx = b.x509v3_context(None);
    let ext = s.build(&ctx).expect("san");
    let mut stack = Stack::new().expect("stack");
    stack.push(ext).expect("push");
    b.add_extensions(&stack).expect("exts");
    b.sign(key, MessageDigest::sha256()).expect("sign");
    b.build()
}

/// What goes into one fixture file.
enum Part<'a> {
    Cert(&'a X509),
    Key(&'a Key),
    Csr(&'a X509Req),
}

fn pem(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend(match p {
            Part::Cert(c) => c.to_pem().expect("pem"),
            Part::Key(k) => k.private_key_to_pem_pkcs8().expect("pem"),
            Part::Csr(r) => r.to_pem().expect("pem"),
        });
    }
    out
}

enum Profile {
    TripleDes,
    Aes,
}

fn pfx(
    leaf: &X509,
    key: Option<&Key>,
    chain: &[&X509],
    friendly: Option<&str>,
    profile: Profile,
) -> Vec<u8> {
    let mut b = Pkcs12::builder();
    b.cert(leaf);
    if let Some(k) = key {
        b.pkey(k);
    }
    let mut ca = Stack::new().expect("stack");
    for c in chain {
        ca.push((*c).clone()).expect("push");
    }
    b.ca(ca);
    if let Some(f) = friendly {
        b.name(f);
    }
    match profile {
        Profile::TripleDes => {
            b.key_algorithm(Nid::PBE_WITHSHA1AND3_KEY_TRIPLEDES_CBC)
                .cert_algorithm(Nid::PBE_WITHSHA1AND3_KEY_TRIPLEDES_CBC)
                .mac_md(MessageDigest::sha1());
        }
        Profile::Aes => {
            b.key_algorithm(Nid::AES_256_CBC)
                .cert_algorithm(Nid::AES_256_CBC)
                .mac_md(MessageDigest::sha256());
        }
    }
    b.build2(PFX_PASSWORD).expect("pfx").to_der().expect("der")
}

struct Out {
    root: PathBuf,
}

impl Out {
    fn write(&self, rule: &str, file: &str, bytes: &[u8], config: Option<&str>) {
        let dir = self.root.join(rule);
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join(file), bytes).expect("write");
        if let Some(c) = config {
            let stem = Path::new(file).file_stem().expect("stem").to_string_lossy();
            std::fs::write(dir.join(format!("{stem}.toml")), c).expect("write");
        }
    }
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("fixtures/check"));
    let out = Out { root };
    let ca_dir = out.root.join("ca");
    std::fs::create_dir_all(&ca_dir).expect("mkdir");

    // Hierarchies: a stand-in "public" CA (tests put its root in the public store) and an
    // "enterprise" CA (tests pass its root as --roots).
    let ca_spec = |cn: &'static str, serial: u32| Spec {
        cn: Some(cn),
        sans: vec![],
        not_before: "20200101000000Z",
        not_after: "20450101000000Z",
        eku: None,
        ku: Some(vec!["keyCertSign", "cRLSign"]),
        ca: true,
        digest: MessageDigest::sha256,
        serial,
    };
    let pub_root_key = rsa(2048);
    let pub_root = make(&ca_spec("Fabrikam Public Root CA", 1), &pub_root_key, None);
    let pub_int_key = rsa(2048);
    let pub_int = make(
        &ca_spec("Fabrikam Public TLS CA", 2),
        &pub_int_key,
        Some(&Issuer {
            cert: &pub_root,
            key: &pub_root_key,
        }),
    );
    let ent_root_key = p256();
    let ent_root = make(
        &ca_spec("Contoso Enterprise Root CA", 3),
        &ent_root_key,
        None,
    );
    std::fs::write(
        ca_dir.join("public-root.pem"),
        pem(&[Part::Cert(&pub_root)]),
    )
    .expect("w");
    std::fs::write(
        ca_dir.join("enterprise-root.pem"),
        pem(&[Part::Cert(&ent_root)]),
    )
    .expect("w");
    std::fs::write(out.root.join("pfx-password.txt"), PFX_PASSWORD).expect("w");

    let pubca = Issuer {
        cert: &pub_int,
        key: &pub_int_key,
    };
    let entca = Issuer {
        cert: &ent_root,
        key: &ent_root_key,
    };
    let key_a = rsa(2048);
    let key_b = rsa(2048);
    let key_ec = p256();
    let key_weak = rsa(1024);

    let good = make(&Spec::leaf(100), &key_a, Some(&pubca));
    let std_file = pem(&[Part::Cert(&good), Part::Cert(&pub_int)]);
    let leaf = |spec: Spec| make(&spec, &key_a, Some(&pubca));
    let with_int = |c: &X509| pem(&[Part::Cert(c), Part::Cert(&pub_int)]);

    // Every rule gets the good deliverable as a pass case unless said otherwise.
    let plain_pass = [
        "expired",
        "not-yet-valid",
        "expiring-soon",
        "lifetime-over-limit",
        "eku-server-auth",
        "key-usage",
        "cn-not-in-san",
        "missing-autodiscover",
        "internal-name",
        "weak-rsa-key",
        "weak-signature",
        "ecdsa-exchange-support",
        "chain-incomplete",
        "chain-order",
        "chain-duplicate",
        "chain-stray",
        "tls-name-update",
    ];
    for r in plain_pass {
        out.write(r, "pass-good.pem", &std_file, None);
    }

    // validity
    let mut s = Spec::leaf(101);
    s.not_before = "20250601000000Z";
    s.not_after = "20260601000000Z";
    out.write("expired", "fail-2026.pem", &with_int(&leaf(s)), None);
    let mut s = Spec::leaf(102);
    s.not_before = "20270301000000Z";
    s.not_after = "20270901000000Z";
    out.write(
        "not-yet-valid",
        "fail-march-2027.pem",
        &with_int(&leaf(s)),
        None,
    );
    let mut s = Spec::leaf(103);
    s.not_before = "20261001000000Z";
    s.not_after = "20270120000000Z";
    out.write(
        "expiring-soon",
        "fail-19-days-left.pem",
        &with_int(&leaf(s)),
        None,
    );
    out.write(
        "expiring-soon",
        "fail-min-days.pem",
        &std_file,
        Some("[check]\nmin-days = 180\n"),
    );
    let mut s = Spec::leaf(104);
    s.not_before = "20260601000000Z";
    s.not_after = "20270601000000Z";
    let long = leaf(s.clone());
    out.write(
        "lifetime-over-limit",
        "fail-365-days-after-2026-03-15.pem",
        &with_int(&long),
        None,
    );
    let mut s398 = Spec::leaf(105);
    s398.not_before = "20260101000000Z";
    s398.not_after = "20270203000000Z"; // 398 days + 1 day
    out.write(
        "lifetime-over-limit",
        "fail-399-days.pem",
        &with_int(&leaf(s398)),
        None,
    );
    let ent_long = make(&s, &key_a, Some(&entca));
    out.write(
        "lifetime-over-limit",
        "na-enterprise-ca.pem",
        &pem(&[Part::Cert(&ent_long)]),
        None,
    );

    // usage
    let mut s = Spec::leaf(110);
    s.eku = Some(vec!["clientAuth"]);
    out.write(
        "eku-server-auth",
        "fail-client-auth-only.pem",
        &with_int(&leaf(s)),
        None,
    );
    let mut s = Spec::leaf(111);
    s.eku = None;
    out.write(
        "eku-server-auth",
        "pass-no-eku.pem",
        &with_int(&leaf(s)),
        None,
    );
    let mut s = Spec::leaf(112);
    s.ku = Some(vec!["dataEncipherment"]);
    out.write(
        "key-usage",
        "fail-data-encipherment.pem",
        &with_int(&leaf(s)),
        None,
    );
    let mut s = Spec::leaf(113);
    s.ku = Some(vec!["digitalSignature"]);
    let ec_leaf = make(&s, &key_ec, Some(&pubca));
    out.write("key-usage", "na-ecdsa.pem", &with_int(&ec_leaf), None);

    // names
    let names_ok = "[check]\nnames = [\"mail.contoso.com\", \"autodiscover.contoso.com\"]\n";
    out.write(
        "name-not-covered",
        "pass-mail-autodiscover.pem",
        &std_file,
        Some(names_ok),
    );
    out.write(
        "name-not-covered",
        "fail-owa.pem",
        &std_file,
        Some("[check]\nnames = [\"mail.contoso.com\", \"owa.contoso.com\"]\n"),
    );
    let mut s = Spec::leaf(120);
    s.cn = Some("*.contoso.com");
    s.sans = vec!["*.contoso.com"];
    let wild = leaf(s);
    out.write(
        "name-not-covered",
        "pass-wildcard-one-label.pem",
        &with_int(&wild),
        Some("[check]\nnames = [\"mail.contoso.com\"]\n"),
    );
    out.write(
        "name-not-covered",
        "fail-wildcard-two-labels.pem",
        &with_int(&wild),
        Some("[check]\nnames = [\"a.mail.contoso.com\"]\n"),
    );
    out.write(
        "name-not-covered",
        "fail-wildcard-apex.pem",
        &with_int(&wild),
        Some("[check]\nnames = [\"contoso.com\"]\n"),
    );
    out.write("name-not-covered", "na-no-names.pem", &std_file, None);
    let mut s = Spec::leaf(121);
    s.cn = Some("ex01.contoso.com");
    out.write(
        "cn-not-in-san",
        "fail-cn-ex01.pem",
        &with_int(&leaf(s)),
        None,
    );
    // Issue 15: the Exchange Server Auth Certificate has no SAN by design.
    let mut s = Spec::leaf(123);
    s.cn = Some("Microsoft Exchange Server Auth Certificate");
    s.sans = vec![];
    s.eku = None;
    out.write(
        "cn-not-in-san",
        "na-auth-certificate.pem",
        &pem(&[Part::Cert(&make(&s, &key_a, None))]),
        None,
    );
    let mut s = Spec::leaf(122);
    s.sans = vec!["mail.contoso.com"];
    out.write(
        "missing-autodiscover",
        "fail-mail-only.pem",
        &with_int(&leaf(s)),
        None,
    );
    let mut s = Spec::leaf(123);
    s.sans = vec!["mail.contoso.com", "*.contoso.com"];
    out.write(
        "missing-autodiscover",
        "pass-wildcard.pem",
        &with_int(&leaf(s)),
        None,
    );
    let mut s = Spec::leaf(124);
    s.sans = vec![
        "mail.contoso.com",
        "autodiscover.contoso.com",
        "ex01.contoso.local",
    ];
    out.write(
        "internal-name",
        "fail-local.pem",
        &with_int(&leaf(s.clone())),
        None,
    );
    let mut s2 = Spec::leaf(125);
    s2.sans = vec![
        "mail.contoso.com",
        "autodiscover.contoso.com",
        "192.168.1.10",
    ];
    out.write(
        "internal-name",
        "fail-rfc1918.pem",
        &with_int(&leaf(s2)),
        None,
    );
    let ent_internal = make(&s, &key_a, Some(&entca));
    out.write(
        "internal-name",
        "na-enterprise-ca.pem",
        &pem(&[Part::Cert(&ent_internal)]),
        None,
    );

    // services
    let popimap = "[check]\nservices = [\"POP\", \"IMAP\"]\nserver-fqdn = \"mail.contoso.com\"\n";
    out.write(
        "wildcard-pop-imap",
        "pass-fqdn-subject.pem",
        &std_file,
        Some(popimap),
    );
    // Issue 15: with --server-fqdn naming a covered FQDN (X509CertificateName set) it passes;
    // without one, or with one the certificate does not cover, it fails.
    out.write(
        "wildcard-pop-imap",
        "pass-wildcard-with-fqdn.pem",
        &with_int(&wild),
        Some(popimap),
    );
    out.write(
        "wildcard-pop-imap",
        "fail-wildcard-no-fqdn.pem",
        &with_int(&wild),
        Some("[check]\nservices = [\"POP\", \"IMAP\"]\n"),
    );
    out.write(
        "wildcard-pop-imap",
        "fail-fqdn-not-covered.pem",
        &with_int(&wild),
        Some("[check]\nservices = [\"POP\", \"IMAP\"]\nserver-fqdn = \"mail.fabrikam.com\"\n"),
    );
    out.write(
        "wildcard-pop-imap",
        "na-iis-only.pem",
        &with_int(&wild),
        Some("[check]\nservices = [\"IIS\"]\n"),
    );
    out.write(
        "subject-not-fqdn",
        "pass-fqdn.pem",
        &std_file,
        Some("[check]\nservices = [\"POP\"]\n"),
    );
    let mut s = Spec::leaf(130);
    s.cn = Some("ex01");
    let single = with_int(&leaf(s));
    out.write(
        "subject-not-fqdn",
        "fail-single-label.pem",
        &single,
        Some("[check]\nservices = [\"POP\"]\n"),
    );
    // Issue 15: -X509CertificateName set to a covered FQDN (--server-fqdn) is the fix.
    out.write(
        "subject-not-fqdn",
        "pass-x509certificatename.pem",
        &single,
        Some("[check]\nservices = [\"POP\"]\nserver-fqdn = \"mail.contoso.com\"\n"),
    );
    let mut ss = Spec::leaf(131);
    ss.not_before = "20261101000000Z";
    ss.not_after = "20311101000000Z";
    let selfsigned = make(&ss, &key_a, None);
    out.write(
        "self-signed",
        "pass-ca-issued.pem",
        &std_file,
        Some("[check]\nservices = [\"IIS\"]\n"),
    );
    out.write(
        "self-signed",
        "pass-smtp-only.pem",
        &pem(&[Part::Cert(&selfsigned)]),
        Some("[check]\nservices = [\"SMTP\"]\n"),
    );
    out.write(
        "self-signed",
        "pass-edge.pem",
        &pem(&[Part::Cert(&selfsigned)]),
        Some("[check]\nedge = true\n"),
    );
    out.write(
        "self-signed",
        "fail-iis.pem",
        &pem(&[Part::Cert(&selfsigned)]),
        Some("[check]\nservices = [\"IIS\", \"SMTP\"]\n"),
    );

    // crypto
    let weak = make(&Spec::leaf(140), &key_weak, Some(&pubca));
    out.write("weak-rsa-key", "fail-rsa-1024.pem", &with_int(&weak), None);
    let mut s = Spec::leaf(141);
    s.digest = MessageDigest::sha1;
    out.write("weak-signature", "fail-sha1.pem", &with_int(&leaf(s)), None);
    let mut s = Spec::leaf(142);
    s.ku = Some(vec!["digitalSignature"]);
    let ec = make(&s, &key_ec, Some(&pubca));
    out.write(
        "ecdsa-exchange-support",
        "fail-p256.pem",
        &with_int(&ec),
        None,
    );
    out.write(
        "ecdsa-exchange-support",
        "fail-p256-edge.pem",
        &with_int(&ec),
        Some("[check]\nedge = true\n"),
    );

    // material
    out.write(
        "key-mismatch",
        "pass-matching-key.pem",
        &pem(&[Part::Cert(&good), Part::Cert(&pub_int), Part::Key(&key_a)]),
        None,
    );
    out.write(
        "key-mismatch",
        "fail-other-key.pem",
        &pem(&[Part::Cert(&good), Part::Cert(&pub_int), Part::Key(&key_b)]),
        None,
    );
    out.write("key-mismatch", "na-no-key.pem", &std_file, None);
    let req_ok = csr(
        "mail.contoso.com",
        &["mail.contoso.com", "autodiscover.contoso.com"],
        &key_a,
    );
    let req_other_key = csr(
        "mail.contoso.com",
        &["mail.contoso.com", "autodiscover.contoso.com"],
        &key_b,
    );
    let req_more = csr(
        "mail.contoso.com",
        &[
            "mail.contoso.com",
            "autodiscover.contoso.com",
            "owa.contoso.com",
        ],
        &key_a,
    );
    out.write(
        "csr-mismatch",
        "pass-same-key-and-names.pem",
        &pem(&[Part::Cert(&good), Part::Cert(&pub_int), Part::Csr(&req_ok)]),
        None,
    );
    out.write(
        "csr-mismatch",
        "fail-other-key.pem",
        &pem(&[
            Part::Cert(&good),
            Part::Cert(&pub_int),
            Part::Csr(&req_other_key),
        ]),
        None,
    );
    out.write(
        "csr-mismatch",
        "fail-name-dropped.pem",
        &pem(&[
            Part::Cert(&good),
            Part::Cert(&pub_int),
            Part::Csr(&req_more),
        ]),
        None,
    );
    out.write(
        "chain-incomplete",
        "fail-leaf-only.pem",
        &pem(&[Part::Cert(&good)]),
        None,
    );
    out.write(
        "chain-incomplete",
        "pass-enterprise-root.pem",
        &pem(&[Part::Cert(&ent_internal)]),
        None,
    );
    out.write(
        "chain-order",
        "fail-intermediate-first.pem",
        &pem(&[Part::Cert(&pub_int), Part::Cert(&good)]),
        None,
    );
    out.write(
        "chain-order",
        "pass-with-root.pem",
        &pem(&[
            Part::Cert(&good),
            Part::Cert(&pub_int),
            Part::Cert(&pub_root),
        ]),
        None,
    );
    out.write(
        "chain-duplicate",
        "fail-intermediate-twice.pem",
        &pem(&[
            Part::Cert(&good),
            Part::Cert(&pub_int),
            Part::Cert(&pub_int),
        ]),
        None,
    );
    out.write(
        "chain-duplicate",
        "fail-leaf-twice.pem",
        &pem(&[Part::Cert(&good), Part::Cert(&good), Part::Cert(&pub_int)]),
        None,
    );
    out.write(
        "chain-stray",
        "fail-unrelated-root.pem",
        &pem(&[
            Part::Cert(&good),
            Part::Cert(&pub_int),
            Part::Cert(&ent_root),
        ]),
        None,
    );

    // PKCS#12
    let win2016 = "[check]\nwindows = \"2016\"\n";
    out.write(
        "pfx-windows-compat",
        "pass-3des-2016.pfx",
        &pfx(
            &good,
            Some(&key_a),
            &[&pub_int],
            Some("mail.contoso.com 2027"),
            Profile::TripleDes,
        ),
        Some(win2016),
    );
    out.write(
        "pfx-windows-compat",
        "fail-aes-2016.pfx",
        &pfx(
            &good,
            Some(&key_a),
            &[&pub_int],
            Some("mail.contoso.com 2027"),
            Profile::Aes,
        ),
        Some(win2016),
    );
    out.write(
        "pfx-windows-compat",
        "fail-aes-assumed.pfx",
        &pfx(
            &good,
            Some(&key_a),
            &[&pub_int],
            Some("mail.contoso.com 2027"),
            Profile::Aes,
        ),
        None, // issue 15: no --windows: Windows Server 2016 is assumed
    );
    out.write(
        "pfx-windows-compat",
        "pass-aes-2019.pfx",
        &pfx(
            &good,
            Some(&key_a),
            &[&pub_int],
            Some("mail.contoso.com 2027"),
            Profile::Aes,
        ),
        Some("[check]\nwindows = \"2019\"\n"),
    );
    let iis = "[check]\nservices = [\"IIS\"]\n";
    out.write(
        "pfx-no-private-key",
        "pass-with-key.pfx",
        &pfx(
            &good,
            Some(&key_a),
            &[&pub_int],
            Some("mail.contoso.com 2027"),
            Profile::TripleDes,
        ),
        Some(iis),
    );
    out.write(
        "pfx-no-private-key",
        "fail-without-key.pfx",
        &pfx(
            &good,
            None,
            &[&pub_int],
            Some("mail.contoso.com 2027"),
            Profile::TripleDes,
        ),
        Some(iis),
    );
    out.write(
        "friendly-name-missing",
        "pass-named.pfx",
        &pfx(
            &good,
            Some(&key_a),
            &[&pub_int],
            Some("mail.contoso.com 2027"),
            Profile::TripleDes,
        ),
        None,
    );
    out.write(
        "friendly-name-missing",
        "fail-unnamed.pfx",
        &pfx(&good, Some(&key_a), &[&pub_int], None, Profile::TripleDes),
        None,
    );
    out.write("friendly-name-missing", "na-pem.pem", &std_file, None);

    // Issue 15: the key bag's CSP name decides where Windows puts the key; ECDSA is CNG only.
    let csp_pfx = |csp: &str| {
        let password = certprep::secret::Secret::new(PFX_PASSWORD.to_owned());
        let key = key_a.private_key_to_pkcs8().expect("pkcs8");
        let leaf = good.to_der().expect("der");
        let int = pub_int.to_der().expect("der");
        certprep::pkcs12::build(&certprep::pkcs12::PfxSpec {
            profile: certprep::pkcs12::Profile::Compat,
            password: &password,
            key: Some(&key),
            leaf: &leaf,
            chain: vec![&int],
            friendly_name: Some("mail.contoso.com 2027"),
            csp_name: Some(csp),
        })
        .expect("pfx")
    };
    out.write(
        "pfx-cng-key",
        "pass-capi.pfx",
        &csp_pfx("Microsoft Enhanced RSA and AES Cryptographic Provider"),
        None,
    );
    out.write(
        "pfx-cng-key",
        "fail-ksp.pfx",
        &csp_pfx("Microsoft Software Key Storage Provider"),
        None,
    );
    let mut s = Spec::leaf(180);
    s.ku = Some(vec!["digitalSignature"]);
    let ec_self = make(&s, &key_ec, None);
    out.write(
        "pfx-cng-key",
        "fail-ecdsa-edge.pfx",
        &pfx(
            &ec_self,
            Some(&key_ec),
            &[],
            Some("mail.contoso.com 2027"),
            Profile::TripleDes,
        ),
        Some("[check]\nedge = true\n"),
    );

    // hybrid and Edge
    out.write(
        "hybrid-third-party-ca",
        "pass-public.pem",
        &std_file,
        Some("[check]\nhybrid = true\n"),
    );
    let ent_good = make(&Spec::leaf(150), &key_a, Some(&entca));
    out.write(
        "hybrid-third-party-ca",
        "fail-enterprise.pem",
        &pem(&[Part::Cert(&ent_good)]),
        Some("[check]\nhybrid = true\n"),
    );
    out.write(
        "hybrid-third-party-ca",
        "fail-self-signed.pem",
        &pem(&[Part::Cert(&selfsigned)]),
        Some("[check]\nhybrid = true\n"),
    );
    out.write("hybrid-names", "pass-names.pem", &std_file, Some("[check]\nhybrid = true\nnames = [\"mail.contoso.com\", \"autodiscover.contoso.com\"]\n"));
    out.write(
        "hybrid-names",
        "fail-owa.pem",
        &std_file,
        Some("[check]\nhybrid = true\nnames = [\"mail.contoso.com\", \"owa.contoso.com\"]\n"),
    );
    let twin = make(&Spec::leaf(160), &key_b, Some(&pubca));
    let mut s = Spec::leaf(161);
    s.cn = Some("edge.contoso.com");
    s.sans = vec!["edge.contoso.com"];
    let edge_other = make(&s, &key_b, Some(&pubca));
    let edge = "[check]\nedge = true\nhybrid = true\n";
    out.write(
        "edge-same-issuer-subject",
        "pass-same-names.pem",
        &pem(&[Part::Cert(&good), Part::Cert(&twin), Part::Cert(&pub_int)]),
        Some(edge),
    );
    out.write(
        "edge-same-issuer-subject",
        "fail-other-subject.pem",
        &pem(&[
            Part::Cert(&good),
            Part::Cert(&edge_other),
            Part::Cert(&pub_int),
        ]),
        Some(edge),
    );
    out.write(
        "tls-name-update",
        "fail-hybrid.pem",
        &std_file,
        Some("[check]\nhybrid = true\n"),
    );
    out.write(
        "tls-name-update",
        "fail-edge.pem",
        &std_file,
        Some("[check]\nedge = true\n"),
    );
    println!("fixtures written to {}", out.root.display());
}
