//! The check engine's chain facts come from `chain::assemble`: verified links, per-file order,
//! duplicates and strays, and public-versus-enterprise roots. Hierarchies are generated here
//! with rcgen (tests/lib/hierarchy.rs) and judged through `check::run`, the engine entry point.

use crate::hierarchy::{cross_sign, issue, root, ymd, Node, Spec};
use certprep::check::{
    self, CaKind, ChainFacts, CheckReport, Linking, Options, Outcome, RootStores,
};
use certprep::input::{Detected, Item, Origin, Part};
use certprep::model::Cert;
use rcgen::{Issuer, KeyIdMethod};
use time::OffsetDateTime;

fn at() -> OffsetDateTime {
    ymd(2026, 6, 1)
}

/// The certificates of one file, in file order.
fn file(name: &str, nodes: &[&Node]) -> Vec<Cert> {
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            Cert::from_der(n.der.clone(), Origin::file(name).with(Part::Block(i + 1)))
                .expect("generated cert parses")
        })
        .collect()
}

fn detected(files: Vec<Vec<Cert>>) -> Detected {
    Detected {
        items: files.into_iter().flatten().map(Item::Cert).collect(),
        problems: Vec::new(),
    }
}

fn run(d: &Detected, stores: &RootStores<'_>, options: &Options) -> CheckReport {
    check::run(d, None, stores, options, at())
}

/// The outcome of `rule` for the first certificate of the report, and its finding.
fn outcome(r: &CheckReport, rule: &str) -> (Outcome, Option<check::Finding>) {
    let c = &r.files[0].certificates[0];
    let o = c
        .results
        .iter()
        .find(|x| x.rule == rule)
        .expect("rule ran")
        .outcome;
    (o, c.findings.iter().find(|f| f.rule == rule).cloned())
}

fn trusting(roots: &[&Node]) -> RootStores<'static> {
    RootStores {
        trusted: roots.iter().map(|r| r.cert("root.pem")).collect(),
        ..RootStores::default()
    }
}

/// Root → "Test Issuing CA" → leaf, the leaf naming where its issuer is published.
struct Basic {
    root: Node,
    inter: Node,
    leaf: Node,
}

fn basic(leaf_cn: &str) -> Basic {
    let root = root(&Spec::ca("Test Root"));
    let inter = issue(&Spec::ca("Test Issuing CA"), &root);
    let leaf = issue(
        &Spec::leaf(leaf_cn).aia("http://ca.example/issuing.crt"),
        &inter,
    );
    Basic { root, inter, leaf }
}

/// A CA certificate with `real`'s name AND its Subject Key Identifier, but another key: what
/// a name/key-identifier linker cannot tell from the real issuer.
fn impostor(real: &Cert, root: &Node) -> Node {
    let mut n = issue(&Spec::ca("Test Issuing CA").serial(77), root);
    let ski = real.subject_key_id.clone().expect("real CA has an SKI");
    n.params.key_identifier_method = KeyIdMethod::PreSpecified(ski);
    let iss = Issuer::from_params(&root.params, &root.key);
    n.der = n
        .params
        .signed_by(&n.key, &iss)
        .expect("signed")
        .der()
        .to_vec();
    n
}

#[test]
fn check_reports_verified_linking() {
    let b = basic("mail.contoso.com");
    let d = detected(vec![file("bundle.pem", &[&b.leaf, &b.inter])]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    assert_eq!(r.chain_linking, Linking::Verified);
    let json = serde_json::to_value(&r).expect("json");
    assert_eq!(json["chain_linking"], "verified");
    assert_eq!(outcome(&r, "chain-incomplete").0, Outcome::Pass);
}

#[test]
fn check_issuer_present_by_name_and_key_id_but_signature_fails_is_chain_incomplete() {
    let b = basic("mail.contoso.com");
    let real = b.inter.cert("real");
    let fake = impostor(&real, &b.root);
    let leaf = b.leaf.cert("leaf");
    let fake_cert = fake.cert("fake");
    // Everything a name-only linker compares matches: the issuer name and AKI = SKI …
    assert_eq!(fake_cert.subject.der, leaf.issuer.der);
    assert_eq!(fake_cert.subject_key_id, leaf.authority_key_id);
    assert_ne!(fake_cert.public_key.spki_der, real.public_key.spki_der);
    // … and the impostor itself chains to the trusted root. But its key did not sign the leaf.
    assert!(certprep::verify::cert_signed_by(&leaf, &fake_cert).is_err());

    let d = detected(vec![file("bundle.pem", &[&b.leaf, &fake])]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    let (o, f) = outcome(&r, "chain-incomplete");
    assert_eq!(o, Outcome::Fail);
    let f = f.expect("finding");
    assert!(
        f.detail
            .contains("\"CN=Test Issuing CA\" from bundle.pem (PEM block 2)")
            && f.detail.contains("is not its issuer"),
        "{}",
        f.detail
    );
    let fix = f.remediation_text().expect("fix");
    assert!(
        fix.starts_with("certprep chain bundle.pem --pool ISSUER.crt -o bundle-fullchain.pem")
            && fix.contains("http://ca.example/issuing.crt"),
        "{fix}"
    );
    // The impostor is not on the chain either.
    assert_eq!(outcome(&r, "chain-stray").0, Outcome::Fail);

    // The real intermediate, in the same place, passes.
    let d = detected(vec![file("bundle.pem", &[&b.leaf, &b.inter])]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    assert_eq!(outcome(&r, "chain-incomplete").0, Outcome::Pass);
    assert_eq!(outcome(&r, "chain-stray").0, Outcome::Pass);
}

#[test]
fn check_missing_issuer_names_it_and_its_download_url() {
    let b = basic("mail.contoso.com");
    let d = detected(vec![file("mail.crt", &[&b.leaf])]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    let (o, f) = outcome(&r, "chain-incomplete");
    assert_eq!(o, Outcome::Fail);
    let f = f.expect("finding");
    assert_eq!(
        f.detail,
        "issuer \"CN=Test Issuing CA\" of \"CN=mail.contoso.com\" is not among the inputs, the pool or the trusted roots; \"CN=mail.contoso.com\" says it is published at http://ca.example/issuing.crt"
    );
    assert_eq!(
        f.remediation_text().as_deref(),
        Some("certprep chain mail.crt --pool ISSUER.crt -o mail-fullchain.pem   # ISSUER.crt: download it from http://ca.example/issuing.crt")
    );
    // The intermediate in another input file, or in the pool, completes the chain.
    let d = detected(vec![
        file("mail.crt", &[&b.leaf]),
        file("ca.crt", &[&b.inter]),
    ]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    assert_eq!(outcome(&r, "chain-incomplete").0, Outcome::Pass);
    let d = detected(vec![file("mail.crt", &[&b.leaf])]);
    let stores = RootStores {
        pool: vec![b.inter.cert("pool/ca.crt")],
        ..trusting(&[&b.root])
    };
    let r = run(&d, &stores, &Options::default());
    assert_eq!(outcome(&r, "chain-incomplete").0, Outcome::Pass);
}

#[test]
fn check_expired_intermediate_is_chain_incomplete_but_an_expired_leaf_is_not() {
    let root_ = root(&Spec::ca("Test Root"));
    let old = issue(
        &Spec::ca("Test Issuing CA").valid(ymd(2020, 1, 1), ymd(2026, 1, 1)),
        &root_,
    );
    let leaf = issue(&Spec::leaf("mail.contoso.com"), &old);
    let d = detected(vec![file("bundle.pem", &[&leaf, &old])]);
    let r = run(&d, &trusting(&[&root_]), &Options::default());
    let (o, f) = outcome(&r, "chain-incomplete");
    assert_eq!(o, Outcome::Fail);
    assert!(f.expect("finding").detail.contains("expired"));

    let b = basic("mail.contoso.com");
    let leaf = issue(
        &Spec::leaf("mail.contoso.com").valid(ymd(2025, 1, 1), ymd(2026, 1, 1)),
        &b.inter,
    );
    let d = detected(vec![file("bundle.pem", &[&leaf, &b.inter])]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    assert_eq!(outcome(&r, "expired").0, Outcome::Fail);
    assert_eq!(outcome(&r, "chain-incomplete").0, Outcome::Pass);
}

#[test]
fn check_untrusted_root_is_chain_incomplete_with_the_roots_fix() {
    let b = basic("mail.contoso.com");
    let d = detected(vec![file("bundle.pem", &[&b.leaf, &b.inter, &b.root])]);
    let r = run(&d, &RootStores::default(), &Options::default());
    let (o, f) = outcome(&r, "chain-incomplete");
    assert_eq!(o, Outcome::Fail);
    let f = f.expect("finding");
    assert!(f
        .detail
        .contains("\"CN=Test Root\", which is not a trusted root"));
    assert!(f
        .remediation_text()
        .expect("fix")
        .starts_with("certprep check bundle.pem --roots ROOT.pem"));
}

#[test]
fn check_wrong_order_is_chain_order() {
    let b = basic("mail.contoso.com");
    let d = detected(vec![file("bundle.pem", &[&b.inter, &b.leaf])]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    let (o, f) = outcome(&r, "chain-order");
    assert_eq!(o, Outcome::Fail);
    assert_eq!(
        f.expect("finding").detail,
        "the file holds Test Issuing CA → mail.contoso.com; expected the certificate first, then each issuer in turn (mail.contoso.com → Test Issuing CA)"
    );
    // Leaf, intermediate, root: in order (the root may be there).
    let d = detected(vec![file("bundle.pem", &[&b.leaf, &b.inter, &b.root])]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    assert_eq!(outcome(&r, "chain-order").0, Outcome::Pass);
    // Root before intermediate: out of order.
    let d = detected(vec![file("bundle.pem", &[&b.leaf, &b.root, &b.inter])]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    assert_eq!(outcome(&r, "chain-order").0, Outcome::Fail);
}

#[test]
fn check_duplicates_warn_and_a_duplicated_leaf_is_an_error() {
    let b = basic("mail.contoso.com");
    let d = detected(vec![file("bundle.pem", &[&b.leaf, &b.inter, &b.inter])]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    let (o, f) = outcome(&r, "chain-duplicate");
    assert_eq!(o, Outcome::Fail);
    let f = f.expect("finding");
    assert_eq!(f.severity, check::Severity::Warning);
    assert_eq!(f.detail, "CN=Test Issuing CA (2 times)");
    assert_eq!(outcome(&r, "chain-stray").0, Outcome::Pass);

    let d = detected(vec![file("bundle.pem", &[&b.leaf, &b.inter, &b.leaf])]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    let f = outcome(&r, "chain-duplicate").1.expect("finding");
    assert_eq!(f.severity, check::Severity::Error);
    assert!(f.detail.starts_with("CN=mail.contoso.com (2 times); "));

    // The same intermediate in two different files is no duplicate within a file.
    let d = detected(vec![
        file("bundle.pem", &[&b.leaf, &b.inter]),
        file("ca.pem", &[&b.inter]),
    ]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    assert_eq!(outcome(&r, "chain-duplicate").0, Outcome::Pass);
}

#[test]
fn check_strays_are_certificates_on_no_path_but_cross_signed_issuers_are_not() {
    let b = basic("mail.contoso.com");
    let other = root(&Spec::ca("Unrelated Root"));
    let d = detected(vec![file("bundle.pem", &[&b.leaf, &b.inter, &other])]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    let (o, f) = outcome(&r, "chain-stray");
    assert_eq!(o, Outcome::Fail);
    assert_eq!(
        f.expect("finding").detail,
        "not on the chain: CN=Unrelated Root"
    );
    // Another input file's certificates are candidate issuers, never strays of this file.
    let d = detected(vec![
        file("bundle.pem", &[&b.leaf, &b.inter]),
        file("other.pem", &[&other]),
    ]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    assert_eq!(outcome(&r, "chain-stray").0, Outcome::Pass);

    // The intermediate cross-signed by an older, untrusted root, and that root: both on an
    // alternative path from the leaf (leaf → cross-signed CA → old root), so neither is a
    // stray (the name-only linker followed one path and called the old root a stray).
    let old_root = root(&Spec::ca("Old Root"));
    let cross = cross_sign(&b.inter, &Spec::ca("Test Issuing CA").serial(5), &old_root);
    let d = detected(vec![file(
        "bundle.pem",
        &[&b.leaf, &b.inter, &cross, &old_root],
    )]);
    let r = run(&d, &trusting(&[&b.root]), &Options::default());
    assert_eq!(outcome(&r, "chain-incomplete").0, Outcome::Pass);
    assert_eq!(outcome(&r, "chain-stray").0, Outcome::Pass);
}

#[test]
fn check_internal_name_applies_to_public_roots_only() {
    let b = basic("ex01.contoso.local");
    let d = detected(vec![file("bundle.pem", &[&b.leaf, &b.inter])]);
    let public = certprep::roots::RootStore::new(vec![b.root.cert("public-root.pem")]);
    let opts = Options::default();

    // Ends at a root of the public store: public CA; internal names are an error.
    let stores = RootStores {
        public: &public,
        ..RootStores::default()
    };
    let r = run(&d, &stores, &opts);
    assert_eq!(outcome(&r, "chain-incomplete").0, Outcome::Pass);
    let (o, f) = outcome(&r, "internal-name");
    assert_eq!(o, Outcome::Fail);
    assert!(f.expect("finding").detail.starts_with("ex01.contoso.local"));
    assert_eq!(outcome(&r, "lifetime-over-limit").0, Outcome::Fail); // 517 days

    // The same root given with --roots: an enterprise CA, where internal names are fine.
    let r = run(&d, &trusting(&[&b.root]), &opts);
    assert_eq!(outcome(&r, "chain-incomplete").0, Outcome::Pass);
    assert_eq!(outcome(&r, "internal-name").0, Outcome::NotApplicable);
    assert_eq!(outcome(&r, "lifetime-over-limit").0, Outcome::NotApplicable);

    // In both: the public store decides.
    let stores = RootStores {
        public: &public,
        ..trusting(&[&b.root])
    };
    let r = run(&d, &stores, &opts);
    assert_eq!(outcome(&r, "internal-name").0, Outcome::Fail);
}

#[test]
fn check_a_look_alike_of_a_public_root_does_not_make_a_public_ca() {
    // An issuer chain ending at a root with the public root's name but another key: a name
    // linker calls the CA public; the verified chain reaches no trusted root at all.
    let b = basic("ex01.contoso.local");
    let fake_root = root(&Spec::ca("Test Root"));
    let fake_inter = issue(&Spec::ca("Test Issuing CA").no_aki(), &fake_root);
    let leaf = issue(&Spec::leaf("ex01.contoso.local").no_aki(), &fake_inter);
    let public = certprep::roots::RootStore::new(vec![b.root.cert("public-root.pem")]);
    let stores = RootStores {
        public: &public,
        ..RootStores::default()
    };
    let d = detected(vec![file("bundle.pem", &[&leaf, &fake_inter])]);
    let opts = Options {
        hybrid: true,
        ..Options::default()
    };
    let r = run(&d, &stores, &opts);
    assert_eq!(outcome(&r, "chain-incomplete").0, Outcome::Fail);
    assert_eq!(outcome(&r, "internal-name").0, Outcome::NotApplicable);
    let f = outcome(&r, "hybrid-third-party-ca").1.expect("finding");
    assert!(
        f.detail.contains("does not reach a public root"),
        "{}",
        f.detail
    );
}

#[test]
fn check_self_signed_means_a_verified_self_signature() {
    // Self-issued (issuer name = subject name) but signed by a CA of that name: not
    // self-signed; its chain is judged instead.
    let ca = root(&Spec::ca("mail.contoso.com"));
    let leaf = issue(&Spec::leaf("mail.contoso.com"), &ca);
    let leaf_cert = leaf.cert("leaf");
    assert!(leaf_cert.is_self_issued());
    assert!(!certprep::verify::is_self_signed(&leaf_cert));
    let d = detected(vec![file("mail.pem", &[&leaf])]);
    let r = run(&d, &trusting(&[&ca]), &Options::default());
    assert_eq!(outcome(&r, "self-signed").0, Outcome::Pass);
    assert_eq!(outcome(&r, "chain-incomplete").0, Outcome::Pass);
    let stores = trusting(&[&ca]);
    let facts = ChainFacts::assemble(&leaf_cert, &[], &[], &stores, Linking::Verified, at());
    assert_eq!(
        check::facts::ca_kind(&leaf_cert, Some(&facts)),
        CaKind::Private
    );

    // A truly self-signed certificate: `self-signed` fails, `chain-incomplete` leaves it.
    let own = root(&Spec::leaf("mail.contoso.com"));
    let d = detected(vec![file("mail.pem", &[&own])]);
    let r = run(&d, &RootStores::default(), &Options::default());
    assert_eq!(outcome(&r, "self-signed").0, Outcome::Fail);
    assert_eq!(outcome(&r, "chain-incomplete").0, Outcome::NotApplicable);
    assert_eq!(outcome(&r, "weak-signature").0, Outcome::NotApplicable);
}
