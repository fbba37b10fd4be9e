//! The scan's CA certificate cache: a parse through it is the parse without it, and a scan gives
//! the same rows whether the cache holds everything or nothing.

use certprep::check::{Linking, Options, RootStores};
use certprep::input::{self, DetectOptions, Origin};
use certprep::model::{Cert, CertCache};
use certprep::scan::{CheckRules, FileReport, ScanOptions, Scanner};
use std::path::Path;
use std::sync::Arc;
use time::macros::datetime;

fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

fn certs_of(rel: &str) -> Vec<Cert> {
    let path = fixture(rel);
    let bytes = std::fs::read(&path).unwrap();
    input::detect(
        &bytes,
        &Origin::file(path.as_str()),
        &DetectOptions::default(),
    )
    .certs()
    .cloned()
    .collect()
}

#[test]
fn cache_hits_equal_a_fresh_parse_and_keep_only_ca_certificates() {
    let mut all = certs_of("deliverable/ca-bundle.crt");
    all.extend(certs_of("deliverable/mail.contoso.com.cer"));
    assert!(all.iter().any(|c| c.is_ca()) && all.iter().any(|c| !c.is_ca()));
    let cache = CertCache::new(16);
    for round in 0..2 {
        for (i, c) in all.iter().enumerate() {
            let origin = Origin::file(format!("round{round}/file{i}.pem"));
            let got = cache.parse(&c.der, &origin).unwrap();
            let want = Cert::from_der(c.der.clone(), origin.clone()).unwrap();
            assert_eq!(
                got.origin, origin,
                "the caller's origin, not the cached one"
            );
            assert_eq!(got.der, want.der);
            assert_eq!(got.subject, want.subject);
            assert_eq!(got.issuer, want.issuer);
            assert_eq!(
                (got.not_before, got.not_after),
                (want.not_before, want.not_after)
            );
            assert_eq!(got.public_key, want.public_key);
            assert_eq!(got.signature, want.signature);
            assert_eq!(got.dns_names, want.dns_names);
            assert_eq!(got.eku, want.eku);
            assert_eq!(got.basic_constraints, want.basic_constraints);
            assert_eq!(got.unknown_critical, want.unknown_critical);
            assert_eq!(got.sha1(), want.sha1());
            assert_eq!(
                certprep::name::render_windows(&got.subject),
                certprep::name::render_windows(&want.subject)
            );
            assert_eq!(
                certprep::name::render_windows(&got.issuer),
                certprep::name::render_windows(&want.issuer)
            );
        }
    }
    assert_eq!(cache.len(), all.iter().filter(|c| c.is_ca()).count());

    let full = CertCache::new(1);
    for c in &all {
        full.parse(&c.der, &Origin::file("x")).unwrap();
    }
    assert_eq!(full.len(), 1, "capacity is a hard bound");
}

// Each scan worker's own cache: src/scan/cache.rs (unit tests).

#[test]
fn a_leaf_parsed_after_its_issuer_shares_the_issuer_name_and_equals_a_fresh_parse() {
    let ca = certs_of("deliverable/ca-bundle.crt")
        .into_iter()
        .find(|c| c.is_ca() && !c.is_self_issued())
        .expect("an intermediate");
    let leaf = certs_of("deliverable/mail.contoso.com.cer")
        .into_iter()
        .find(|c| !c.is_ca())
        .expect("a leaf");
    assert_eq!(
        leaf.issuer.der, ca.subject.der,
        "the fixture's leaf is signed by it"
    );
    let cache = CertCache::new(16);
    let origin = Origin::file("x.pem");
    let before = cache.parse(&leaf.der, &origin).unwrap();
    let cached_ca = cache.parse(&ca.der, &origin).unwrap();
    let after = cache.parse(&leaf.der, &origin).unwrap();
    assert!(!Arc::ptr_eq(&before.issuer, &cached_ca.subject));
    assert!(
        Arc::ptr_eq(&after.issuer, &cached_ca.subject),
        "the issuer name is the cached CA's subject, not a new parse"
    );
    assert_eq!(after.issuer, before.issuer);
    assert_eq!(
        certprep::name::render_windows(&after.issuer),
        certprep::name::render_windows(&before.issuer)
    );
    assert_eq!(after.subject, before.subject);
}

#[test]
fn a_changed_copy_of_a_cached_certificate_leaves_the_cache_alone() {
    // Copies share the parsed body; writing through one copies it first.
    let ca = certs_of("deliverable/ca-bundle.crt")
        .into_iter()
        .find(|c| c.is_ca())
        .unwrap();
    let cache = CertCache::new(4);
    let mut first = cache.parse(&ca.der, &Origin::file("a.pem")).unwrap();
    first.dns_names.push("changed.example".into());
    first.der.push(0);
    first.friendly_name = Some("renamed".into());
    let second = cache.parse(&ca.der, &Origin::file("b.pem")).unwrap();
    assert_eq!(second.dns_names, ca.dns_names);
    assert_eq!(second.der, ca.der);
    assert_eq!(second.friendly_name, None);
    assert_eq!(
        first.dns_names.last().map(String::as_str),
        Some("changed.example")
    );
}

fn scan_rows(dir: &str, cache: Option<Arc<CertCache>>) -> Vec<String> {
    let as_of = datetime!(2027-01-01 00:00 UTC);
    let mut opts = ScanOptions::new(as_of);
    opts.detect.cert_cache = cache;
    opts.jobs = Some(2);
    let rules = CheckRules {
        options: Options::default(),
        stores: RootStores {
            public: certprep::roots::embedded(),
            trusted: certs_of("deliverable/contoso-root.crt"),
            pool: Vec::new(),
        },
        as_of,
        linking: Linking::Verified,
    };
    let mut rows = Vec::new();
    Scanner::new(opts)
        .unwrap()
        .run(
            &[dir.to_owned()],
            &rules,
            &mut |f: FileReport| -> Result<(), ()> {
                for r in f.rows {
                    rows.push(format!(
                        "{} {} {:?} {:?}",
                        r.origin, r.thumbprint, r.subject_cn, r.findings
                    ));
                }
                Ok(())
            },
        )
        .unwrap();
    rows
}

#[test]
fn scan_rows_do_not_depend_on_the_cache() {
    let dir = fixture("deliverable");
    let uncached = scan_rows(&dir, Some(Arc::new(CertCache::new(0))));
    let cached = scan_rows(&dir, None); // the scanner's own cache
    assert!(uncached.len() >= 6, "{uncached:#?}");
    assert_eq!(cached, uncached);
}

#[test]
fn cache_skips_oversized_ca_certificates() {
    let names: Vec<String> = (0..400)
        .map(|i| format!("name{i:04}.oversized-ca.example"))
        .collect();
    let mut p = rcgen::CertificateParams::new(names).unwrap();
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let key = rcgen::KeyPair::generate().unwrap();
    let der = p.self_signed(&key).unwrap().der().to_vec();
    assert!(der.len() > certprep::model::cache::MAX_CACHED_DER);
    let cache = CertCache::new(16);
    let cert = cache.parse(&der, &Origin::file("big.cer")).unwrap();
    assert!(cert.is_ca());
    assert_eq!(cert.dns_names.len(), 400);
    assert!(
        cache.is_empty(),
        "a CA certificate over the size bound is parsed, not kept"
    );
}
