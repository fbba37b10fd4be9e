//! `check` engine tests: the registry's shape, every rule's pass/fail/na fixtures, and totality
//! of every rule over generated models.

use certprep::check::registry::RULES;
use certprep::check::{
    self, CaKind, ChainFacts, Ctx, Linking, Options, Outcome, RootStores, Service, Verdict,
};
use certprep::config::Config;
use certprep::input::{self, DetectOptions, Detected, Item, Origin, Part};
use certprep::model::{Cert, Csr, KeyFormat, PrivateKey};
use certprep::secret::Secret;
use std::path::{Path, PathBuf};
use time::macros::datetime;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    root().join("fixtures/check")
}

fn pem_blocks(text: &str, label: &str) -> Vec<Vec<u8>> {
    use base64::Engine;
    let begin = format!("-----BEGIN {label}-----");
    text.split(&begin)
        .skip(1)
        .filter_map(|b| {
            let body: String = b.split("-----END").next()?.split_whitespace().collect();
            base64::engine::general_purpose::STANDARD.decode(body).ok()
        })
        .collect()
}

/// Load a fixture through `input::detect`. Bridge while the provisional detector (certificates
/// only) is on this branch: PRIVATE KEY and CERTIFICATE REQUEST blocks it did not report are
/// read here with the model constructors. Once the full detector lands it finds them itself
/// and this bridge does nothing.
fn load(path: &Path) -> Detected {
    let bytes = std::fs::read(path).expect("fixture readable");
    let opts = DetectOptions {
        passwords: vec![Secret::new(
            std::fs::read_to_string(fixtures().join("pfx-password.txt")).expect("password"),
        )],
        ..DetectOptions::default()
    };
    let origin = Origin::file(path.to_string_lossy());
    let mut d = input::detect(&bytes, &origin, &opts);
    let text = String::from_utf8_lossy(&bytes);
    if d.keys().next().is_none() {
        for (i, der) in pem_blocks(&text, "PRIVATE KEY").into_iter().enumerate() {
            let k =
                PrivateKey::from_pkcs8_der(&der, origin.with(Part::Block(i + 1)), KeyFormat::Pkcs8)
                    .expect("fixture key");
            d.items.push(Item::Key(k));
        }
    }
    if d.csrs().next().is_none() {
        for (i, der) in pem_blocks(&text, "CERTIFICATE REQUEST")
            .into_iter()
            .enumerate()
        {
            let c = Csr::from_der(der, origin.with(Part::Block(i + 1))).expect("fixture csr");
            d.items.push(Item::Csr(c));
        }
    }
    d
}

fn certs_of(path: &Path) -> Vec<Cert> {
    load(path).certs().cloned().collect()
}

/// The stores every fixture is judged with: the stand-in public root as the public store,
/// the enterprise root as `--roots`; the embedded Mozilla store stays out (hermetic).
fn stores() -> RootStores<'static> {
    static PUBLIC: std::sync::OnceLock<certprep::roots::RootStore> = std::sync::OnceLock::new();
    RootStores {
        public: PUBLIC.get_or_init(|| certs_of(&fixtures().join("ca/public-root.pem")).into()),
        trusted: certs_of(&fixtures().join("ca/enterprise-root.pem")),
        pool: Vec::new(),
    }
}

fn options_for(fixture: &Path) -> Options {
    let sidecar = fixture.with_extension("toml");
    let c = match std::fs::read_to_string(&sidecar) {
        Ok(text) => {
            Config::parse(&text, &sidecar.to_string_lossy())
                .expect("valid sidecar")
                .check
        }
        Err(_) => Default::default(),
    };
    Options {
        names: c.names,
        services: c.services,
        server_fqdn: c.server_fqdn,
        old_tls_name: None,
        windows: c.windows.map(|w| w.0),
        hybrid: c.hybrid.unwrap_or(false),
        edge: c.edge.unwrap_or(false),
        min_days: c.min_days,
        suppress: c.suppress,
    }
}

const AS_OF: time::OffsetDateTime = datetime!(2027-01-01 00:00 UTC);

#[test]
fn registry_ids_are_unique_kebab_case_and_match_files() {
    let mut seen = std::collections::HashSet::new();
    for r in RULES {
        assert!(seen.insert(r.id), "duplicate id {}", r.id);
        assert!(
            !r.id.is_empty()
                && r.id.split('-').all(|p| !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
            "{} is not kebab-case",
            r.id
        );
        let file = root().join(format!("src/check/rules/{}.rs", r.file_stem()));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("{} missing", file.display()));
        assert!(
            text.contains(&format!("id: \"{}\"", r.id)),
            "{} does not declare {}",
            file.display(),
            r.id
        );
        assert!(!r.citation.trim().is_empty(), "{} has no citation", r.id);
        assert!(
            r.summary.len() < 80 && !r.summary.ends_with('.'),
            "{} summary",
            r.id
        );
        assert!(
            r.summary.starts_with(|c: char| c.is_ascii_lowercase()),
            "{} summary starts lowercase",
            r.id
        );
    }
    // Every rule file is registered.
    for e in std::fs::read_dir(root().join("src/check/rules")).expect("rules dir") {
        let name = e.expect("entry").file_name().to_string_lossy().into_owned();
        if name == "mod.rs" {
            continue;
        }
        let stem = name.trim_end_matches(".rs");
        assert!(
            RULES.iter().any(|r| r.file_stem() == stem),
            "{name} is not in the registry"
        );
    }
}

#[test]
fn every_rule_has_pass_and_fail_fixtures_and_no_fixture_dir_is_orphaned() {
    for r in RULES {
        let dir = fixtures().join(r.id);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("fixtures/check/{} missing", r.id))
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("pass-") && !n.ends_with(".toml")),
            "{}: no pass-* fixture",
            r.id
        );
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("fail-") && !n.ends_with(".toml")),
            "{}: no fail-* fixture",
            r.id
        );
    }
    for e in std::fs::read_dir(fixtures()).expect("fixtures") {
        let e = e.expect("entry");
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() && name != "ca" {
            assert!(
                check::registry::find(&name).is_some(),
                "fixtures/check/{name} is no rule id"
            );
        }
    }
}

#[test]
fn every_fixture_gives_the_verdict_its_name_says() {
    let stores = stores();
    let mut wrong = Vec::new();
    let mut checked = 0;
    let mut pending = Vec::new();
    for r in RULES {
        let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join(r.id))
            .expect("dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x != "toml"))
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().expect("name").to_string_lossy().into_owned();
            let expected = if name.starts_with("pass-") {
                Outcome::Pass
            } else if name.starts_with("fail-") {
                Outcome::Fail
            } else if name.starts_with("na-") {
                Outcome::NotApplicable
            } else {
                panic!("{}: fixture {name} is not pass-*, fail-* or na-*", r.id)
            };
            let d = load(&f);
            if name.ends_with(".pfx") && d.pfxs().next().is_none() {
                // The PKCS#12 reader is a stub on this branch: the verdicts of these fixtures
                // are asserted once it lands (rule-level unit tests cover them meanwhile).
                pending.push(format!("{}/{name}", r.id));
                continue;
            }
            let opts = options_for(&f);
            let report = check::run(&d, None, &stores, &opts, AS_OF);
            let Some(cert) = report.files.first().and_then(|x| x.certificates.first()) else {
                wrong.push(format!("{}/{name}: no end-entity certificate", r.id));
                continue;
            };
            let got = cert
                .results
                .iter()
                .find(|x| x.rule == r.id)
                .expect("rule ran")
                .outcome;
            checked += 1;
            if got != expected {
                let detail = cert
                    .findings
                    .iter()
                    .find(|x| x.rule == r.id)
                    .map(|x| x.detail.clone());
                wrong.push(format!(
                    "{}/{name}: expected {expected:?}, got {got:?} {detail:?}",
                    r.id
                ));
            }
        }
    }
    if !pending.is_empty() {
        eprintln!(
            "PKCS#12 reader not available yet; unverified fixtures: {}",
            pending.join(", ")
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        checked >= 2 * RULES.len() - 6,
        "only {checked} fixtures checked"
    );
}

#[test]
fn fixture_findings_carry_the_documented_remediations() {
    let stores = stores();
    let f = fixtures().join("wildcard-pop-imap/fail-fqdn-not-covered.pem");
    let report = check::run(&load(&f), None, &stores, &options_for(&f), AS_OF);
    let finding = report
        .findings()
        .find(|x| x.rule == "wildcard-pop-imap")
        .expect("finding");
    assert_eq!(
        finding.remediation_text().as_deref(),
        Some("Set-POPSettings -X509CertificateName 'mail.fabrikam.com'\nSet-IMAPSettings -X509CertificateName 'mail.fabrikam.com'")
    );
    let f = fixtures().join("tls-name-update/fail-hybrid.pem");
    let d = load(&f);
    let leaf = d.certs().next().expect("leaf");
    let report = check::run(&d, None, &stores, &options_for(&f), AS_OF);
    let finding = report
        .findings()
        .find(|x| x.rule == "tls-name-update")
        .expect("finding");
    let expected = format!(
        "Set-HybridConfiguration -TlsCertificateName {}",
        certprep::powershell::ps_quote(&certprep::dn::tls_name(leaf))
    );
    assert!(finding
        .remediation_text()
        .as_deref()
        .expect("fix")
        .lines()
        .any(|l| l == expected));
    assert_eq!(
        report
            .findings()
            .find(|x| x.rule == "ecdsa-exchange-support"),
        None
    );
}

#[test]
fn lifetime_limits_follow_ballot_sc081_dates() {
    use certprep::check::rules::lifetime_over_limit::limit_days;
    assert_eq!(limit_days(datetime!(2026-03-14 23:59:59 UTC)), 398);
    assert_eq!(limit_days(datetime!(2026-03-15 00:00 UTC)), 200);
    assert_eq!(limit_days(datetime!(2027-03-15 00:00 UTC)), 100);
    assert_eq!(limit_days(datetime!(2029-03-15 00:00 UTC)), 47);
}

#[test]
fn suppressed_rules_are_reported_as_suppressed_not_findings() {
    let f = fixtures().join("expired/fail-2026.pem");
    let opts = Options {
        suppress: vec!["expired".into()],
        ..Options::default()
    };
    let report = check::run(&load(&f), None, &stores(), &opts, AS_OF);
    let c = &report.files[0].certificates[0];
    assert!(c.findings.iter().all(|x| x.rule != "expired"));
    assert_eq!(
        c.results
            .iter()
            .find(|x| x.rule == "expired")
            .map(|x| x.outcome),
        Some(Outcome::Suppressed)
    );
    assert_eq!(report.summary.suppressed, 1);
}

mod pfx_rules {
    //! Verdicts of the PKCS#12 rules on PfxInfo built directly (the reader is not on this
    //! branch yet), through the real engine entry point for one rule.
    use super::*;
    use certprep::model::pfx::{
        BagInfo, BagKind, Cipher, Encryption, MacDigest, MacInfo, PasswordUsed, PfxInfo, Prf,
    };
    use certprep::windows::WindowsVersion;

    fn info(enc: Encryption, mac: MacDigest) -> PfxInfo {
        PfxInfo {
            origin: Origin::file("x.pfx"),
            mac: Some(MacInfo {
                digest: mac,
                iterations: 2000,
            }),
            bags: vec![BagInfo {
                index: 1,
                kind: BagKind::ShroudedKey,
                encryption: enc,
                iterations: Some(2000),
                friendly_name: None,
                local_key_id: None,
                csp_name: None,
            }],
            password: PasswordUsed::Supplied,
        }
    }

    fn verdict(
        id: &str,
        cert: &Cert,
        pfx: &PfxInfo,
        opts: &Options,
        keys: Vec<&PrivateKey>,
    ) -> Verdict {
        let ctx = Ctx {
            as_of: AS_OF,
            options: opts,
            keys: keys.clone(),
            csr: None,
            pfx: Some(pfx),
            pfx_keys: keys,
            file_certs: &[cert],
            leaves: &[cert],
            chain: None,
            ca: CaKind::Unknown,
        };
        (check::registry::find(id).expect("rule").check)(cert, &ctx)
    }

    fn leaf_and_key() -> (Cert, PrivateKey, PrivateKey) {
        let d = load(&fixtures().join("key-mismatch/pass-matching-key.pem"));
        let other = load(&fixtures().join("key-mismatch/fail-other-key.pem"));
        let cert = d.certs().next().expect("leaf").clone();
        let key = d.keys().next().expect("key").clone();
        let other_key = other.keys().next().expect("key").clone();
        (cert, key, other_key)
    }

    #[test]
    fn pfx_windows_compat_verdicts() {
        let (cert, ..) = leaf_and_key();
        let aes = info(
            Encryption::Pbes2 {
                prf: Prf::HmacSha256,
                cipher: Cipher::Aes256Cbc,
            },
            MacDigest::Sha256,
        );
        let tdes = info(Encryption::PbeSha1TripleDes, MacDigest::Sha1);
        let w = |v| Options {
            windows: Some(v),
            ..Options::default()
        };
        assert!(verdict(
            "pfx-windows-compat",
            &cert,
            &aes,
            &w(WindowsVersion::Server2016),
            vec![]
        )
        .is_fail());
        assert_eq!(
            verdict(
                "pfx-windows-compat",
                &cert,
                &aes,
                &w(WindowsVersion::Server2019),
                vec![]
            ),
            Verdict::Pass
        );
        assert_eq!(
            verdict(
                "pfx-windows-compat",
                &cert,
                &tdes,
                &w(WindowsVersion::Server2012R2),
                vec![]
            ),
            Verdict::Pass
        );
        // Issue 15: without --windows, Windows Server 2016 is assumed, and the finding says so.
        match verdict(
            "pfx-windows-compat",
            &cert,
            &aes,
            &Options::default(),
            vec![],
        ) {
            Verdict::Fail { detail, .. } => {
                assert!(
                    detail.starts_with("Windows Server 2016 (no --windows given: assumed"),
                    "{detail}"
                )
            }
            v => panic!("{v:?}"),
        }
        match verdict(
            "pfx-windows-compat",
            &cert,
            &aes,
            &w(WindowsVersion::Server2016),
            vec![],
        ) {
            Verdict::Fail { fix: Some(fix), .. } => assert_eq!(
                fix.to_string(),
                "certprep pfx x.pfx --profile compat -o pass-matching-key-compat.pfx"
            ),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn pfx_no_private_key_and_friendly_name_verdicts() {
        let (mut cert, key, other) = leaf_and_key();
        let tdes = info(Encryption::PbeSha1TripleDes, MacDigest::Sha1);
        let iis = Options {
            services: vec![Service::Iis],
            ..Options::default()
        };
        assert_eq!(
            verdict("pfx-no-private-key", &cert, &tdes, &iis, vec![&key]),
            Verdict::Pass
        );
        assert!(verdict("pfx-no-private-key", &cert, &tdes, &iis, vec![&other]).is_fail());
        assert!(verdict("pfx-no-private-key", &cert, &tdes, &iis, vec![]).is_fail());
        assert_eq!(
            verdict(
                "pfx-no-private-key",
                &cert,
                &tdes,
                &Options::default(),
                vec![]
            ),
            Verdict::NotApplicable
        );
        assert!(verdict(
            "friendly-name-missing",
            &cert,
            &tdes,
            &Options::default(),
            vec![]
        )
        .is_fail());
        cert.friendly_name = Some("mail.contoso.com 2027".into());
        assert_eq!(
            verdict(
                "friendly-name-missing",
                &cert,
                &tdes,
                &Options::default(),
                vec![]
            ),
            Verdict::Pass
        );
    }
}

mod totality {
    //! Every rule's check is total: any model, any options, never a panic, and a failure
    //! always says what is wrong.
    use super::*;
    use certprep::model::name::{Attribute, DistinguishedName};
    use certprep::model::{Eku, KeyAlgorithm, KeyUsage};
    use proptest::prelude::*;

    fn dn(cn: Option<String>) -> DistinguishedName {
        let rdns = cn
            .map(|v| {
                let mut tlv = vec![0x0C, v.len().min(127) as u8];
                tlv.extend_from_slice(v.as_bytes());
                vec![vec![Attribute {
                    oid: "2.5.4.3".into(),
                    tag: 0x0C,
                    value: v.into_bytes(),
                    value_tlv: tlv,
                }]]
            })
            .unwrap_or_default();
        DistinguishedName {
            der: vec![0x30, 0x00],
            rdns,
        }
    }

    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9*.-]{0,24}",
            Just("mail.contoso.com".to_owned()),
            Just("*.contoso.com".to_owned()),
            Just("autodiscover.contoso.com".to_owned()),
            Just("192.168.0.1".to_owned()),
            Just("ex01".to_owned()),
            ".{0,12}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        #[test]
        fn every_rule_is_total(
            cn in proptest::option::of(name()),
            sans in proptest::collection::vec(name(), 0..4),
            ips in proptest::collection::vec(name(), 0..2),
            nb in -4_000_000_000i64..4_000_000_000i64,
            len in -1_000_000_000i64..1_000_000_000i64,
            at in -4_000_000_000i64..4_000_000_000i64,
            eku in proptest::option::of(proptest::collection::vec(0u8..4, 0..3)),
            ku in proptest::option::of(proptest::collection::vec(0usize..9, 0..3)),
            alg in 0u8..4,
            bits in 0u32..5000,
            sig in 0usize..5,
            names in proptest::collection::vec(name(), 0..3),
            services in proptest::collection::vec(0usize..5, 0..4),
            server_fqdn in proptest::option::of(name()),
            hybrid: bool, edge: bool,
            min_days in proptest::option::of(0u32..100_000),
            trust in 0u8..5,
            ca in 0u8..4,
            self_issued: bool,
            friendly in proptest::option::of(".{0,10}"),
            dup: bool,
        ) {
            let base = certs_of(&fixtures().join("key-mismatch/pass-matching-key.pem"));
            let key = load(&fixtures().join("key-mismatch/pass-matching-key.pem")).keys().next().cloned().expect("key");
            let mut cert = base[0].clone();
            let inter = base[1].clone();
            cert.subject = dn(cn).into();
            if self_issued { cert.issuer = cert.subject.clone(); }
            cert.dns_names = sans;
            cert.ip_addresses = ips;
            let t = |s: i64| time::OffsetDateTime::from_unix_timestamp(s).expect("in range");
            cert.not_before = t(nb);
            cert.not_after = t((nb + len).clamp(-4_000_000_000, 4_000_000_000));
            cert.eku = eku.map(|v| v.into_iter().map(|e| match e { 0 => Eku::ServerAuth, 1 => Eku::ClientAuth, 2 => Eku::Any, _ => Eku::Other("1.2.3".into()) }).collect());
            const KU: [&str; 9] = ["digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"];
            cert.key_usage = ku.map(|v| KeyUsage { names: v.into_iter().map(|i| KU[i]).collect() });
            cert.public_key.algorithm = match alg {
                0 => KeyAlgorithm::Rsa { bits },
                1 => KeyAlgorithm::Ec { curve: certprep::model::Curve::P256 },
                2 => KeyAlgorithm::Ed25519,
                _ => KeyAlgorithm::Other { oid: "1.2.3".into() },
            };
            cert.signature.algorithm = ["1.2.840.113549.1.1.5", "1.2.840.113549.1.1.11", "1.2.840.10045.4.1", "1.2.840.113549.1.1.4", "9.9"][sig].into();
            cert.friendly_name = friendly;
            let opts = Options {
                names,
                services: services.into_iter().map(|i| Service::ALL[i]).collect(),
                server_fqdn,
                old_tls_name: None,
                windows: None,
                hybrid,
                edge,
                min_days,
                suppress: vec![],
                    };
            // A real assembled chain for the generated model, ending in each way a chain can:
            // at the public root, at a --roots root, missing the issuer, at an untrusted root
            // (the enterprise root given as a stray), or with a duplicate.
            let public = certprep::roots::RootStore::new(certs_of(&fixtures().join("ca/public-root.pem")));
            let enterprise = certs_of(&fixtures().join("ca/enterprise-root.pem"));
            let none: &[Cert] = &[];
            let (given, pool, stores) = match trust {
                0 => (vec![cert.clone(), inter.clone()], none, RootStores { public: &public, ..RootStores::default() }),
                1 => (vec![cert.clone(), inter.clone()], none, RootStores { trusted: public.to_vec(), ..RootStores::default() }),
                2 => (vec![cert.clone()], none, RootStores::default()),
                3 => (vec![cert.clone(), enterprise[0].clone()], &public[..], RootStores::default()),
                _ => (vec![inter.clone(), cert.clone(), cert.clone()], none, RootStores { public: &public, ..RootStores::default() }),
            };
            let given: Vec<&Cert> = given.iter().collect();
            let pool: Vec<&Cert> = pool.iter().collect();
            let chain = ChainFacts::assemble(&cert, &given, &pool, &stores, Linking::Verified, t(at));
            let mut file_certs = vec![&cert, &inter];
            if dup { file_certs.push(&cert); }
            let ctx = Ctx {
                as_of: t(at),
                options: &opts,
                keys: vec![&key],
                csr: None,
                pfx: None,
                pfx_keys: vec![],
                file_certs: &file_certs,
                leaves: &[&cert, &inter],
                chain: Some(&chain),
                ca: [CaKind::Public, CaKind::Private, CaKind::SelfSigned, CaKind::Unknown][ca as usize],
            };
            for rule in RULES {
                let verdict = (rule.check)(&cert, &ctx);
                if let Verdict::Fail { detail, fix, .. } = &verdict {
                    prop_assert!(!detail.trim().is_empty(), "{} failed without a detail", rule.id);
                    // The finding carries the rule's fix for this certificate, else the rule's
                    // general advice, rendered the same.
                    if let (_, Some(f)) = certprep::check::evaluate(rule, &cert, &ctx) {
                        let want = fix
                            .as_ref()
                            .map(ToString::to_string)
                            .or_else(|| rule.remediation.map(str::to_owned));
                        prop_assert_eq!(f.remediation_text(), want, "{}", rule.id);
                    }
                }
            }
        }
    }
}
