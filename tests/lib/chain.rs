//! Chain assembly against OpenSSL's `X509StoreContext` on hierarchies generated here with rcgen
//! (fixed dates, evaluated at a pinned time), and one test per diagnostic.

use crate::hierarchy::{cross_sign, issue, root, ymd, Node, Spec};
use certprep::chain::{self, Budget, ChainOptions, ChainReport, Diagnostic, NotChosen, Severity};
use certprep::model::Cert;
use certprep::roots::RootStore;
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::X509VerifyParam;
use openssl::x509::{X509StoreContext, X509};
use time::OffsetDateTime;

fn at() -> OffsetDateTime {
    ymd(2026, 6, 1)
}

fn opts() -> ChainOptions {
    ChainOptions::at(at())
}

/// OpenSSL's verdict: the verified chain's DER (leaf first) or the error text.
fn openssl_verify(
    leaf: &Cert,
    untrusted: &[&Cert],
    roots: &[&Cert],
    at: OffsetDateTime,
) -> Result<Vec<Vec<u8>>, String> {
    let x = |c: &Cert| X509::from_der(&c.der).expect("openssl parses");
    let mut store = X509StoreBuilder::new().expect("store");
    for r in roots {
        store.add_cert(x(r)).expect("add root");
    }
    let mut param = X509VerifyParam::new().expect("param");
    param.set_time(at.unix_timestamp() as _);
    store.set_param(&param).expect("set param");
    let store = store.build();
    let mut chain = Stack::new().expect("stack");
    for c in untrusted {
        chain.push(x(c)).expect("push");
    }
    let mut ctx = X509StoreContext::new().expect("ctx");
    ctx.init(&store, &x(leaf), &chain, |c| {
        let ok = c.verify_cert()?;
        Ok(if ok {
            Ok(c.chain()
                .map(|s| s.iter().map(|c| c.to_der().expect("der")).collect())
                .unwrap_or_default())
        } else {
            Err(c.error().to_string())
        })
    })
    .expect("openssl runs")
}

fn ders(certs: &[Cert]) -> Vec<Vec<u8>> {
    certs.iter().map(|c| c.der.clone()).collect()
}

fn kinds(r: &ChainReport) -> Vec<&'static str> {
    r.diagnostics
        .iter()
        .map(|d| match &d.detail {
            Diagnostic::MissingIssuer { .. } => "missing-issuer",
            Diagnostic::BadSignature { .. } => "bad-signature",
            Diagnostic::SelfSignedLeaf { .. } => "self-signed-leaf",
            Diagnostic::OnlyRoot { .. } => "only-root",
            Diagnostic::NoEndEntity { .. } => "no-end-entity",
            Diagnostic::UntrustedRoot { .. } => "untrusted-root",
            Diagnostic::Expired { .. } => "expired",
            Diagnostic::NotYetValid { .. } => "not-yet-valid",
            Diagnostic::NotCa { .. } => "not-ca",
            Diagnostic::NoKeyCertSign { .. } => "no-key-cert-sign",
            Diagnostic::PathLenExceeded { .. } => "path-len-exceeded",
            Diagnostic::UnknownCriticalExtension { .. } => "unknown-critical-extension",
            Diagnostic::TooLong { .. } => "too-long",
            Diagnostic::BudgetExhausted { .. } => "budget-exhausted",
            Diagnostic::WeakSignature { .. } => "weak-signature",
            Diagnostic::WrongOrder { .. } => "wrong-order",
            Diagnostic::Duplicate { .. } => "duplicate",
            Diagnostic::Unrelated { .. } => "unrelated",
            Diagnostic::MoreUnrelated { .. } => "more-unrelated",
            Diagnostic::NotNeeded { .. } => "not-needed",
            Diagnostic::RootInInput { .. } => "root-in-input",
        })
        .collect()
}

/// root → intermediate → leaf, all valid at `at()`.
struct Basic {
    root: Node,
    inter: Node,
    leaf: Node,
}

fn basic() -> Basic {
    let root = root(&Spec::ca("Test Root"));
    let inter = issue(
        &Spec::ca("Test Issuing CA").aia("http://ca.example/root.crt"),
        &root,
    );
    let leaf = issue(
        &Spec::leaf("mail.contoso.com").aia("http://ca.example/issuing.crt"),
        &inter,
    );
    Basic { root, inter, leaf }
}

#[test]
fn report_names_read_serialise_and_compare_as_the_windows_text() {
    let b = basic();
    let (leaf, inter) = (b.leaf.cert("leaf"), b.inter.cert("inter"));
    let r = chain::CertRef::of(&leaf);
    // Rendered on first read, then the same text the certificate gives.
    assert_eq!(&*r.subject, certprep::name::render_windows(&leaf.subject));
    assert_eq!(
        r.issuer,
        certprep::name::render_windows(&leaf.issuer).as_str()
    );
    assert_eq!(
        r.subject.to_string(),
        certprep::name::render_windows(&leaf.subject)
    );
    assert_eq!(
        serde_json::to_value(&r).unwrap()["subject"],
        serde_json::Value::String(certprep::name::render_windows(&leaf.subject))
    );
    assert_eq!(
        format!("{:?}", r.subject),
        format!("{:?}", certprep::name::render_windows(&leaf.subject))
    );
    // Equality and order are those of the text, whichever certificate holds it.
    assert_eq!(r.issuer, chain::CertRef::of(&inter).subject);
    assert_ne!(r.subject, r.issuer);
    assert_eq!(
        r.subject.cmp(&r.issuer),
        certprep::name::render_windows(&leaf.subject)
            .cmp(&certprep::name::render_windows(&leaf.issuer))
    );
}

#[test]
fn chain_valid_path_matches_openssl_chain() {
    let b = basic();
    let (leaf, inter, root) = (
        b.leaf.cert("leaf"),
        b.inter.cert("inter"),
        b.root.cert("root"),
    );
    let given = [leaf.clone(), inter.clone()];
    let r = chain::assemble_bundle(
        &given,
        &[],
        std::slice::from_ref(&root),
        RootStore::empty(),
        &opts(),
    )
    .expect("report");
    assert!(r.complete, "{:?}", r.diagnostics);
    assert!(r.input_order_ok);
    assert!(r.diagnostics.is_empty(), "{:?}", kinds(&r));
    let ossl = openssl_verify(&leaf, &[&inter], &[&root], at()).expect("openssl verifies");
    assert_eq!(ders(r.path_certs()), ossl);
    assert_eq!(
        ders(r.chain_certs(false)),
        vec![leaf.der.clone(), inter.der.clone()]
    );
    assert_eq!(ders(r.intermediates()), vec![inter.der.clone()]);
}

#[test]
fn chain_missing_intermediate_names_it_and_its_download_url() {
    let b = basic();
    let (leaf, root) = (b.leaf.cert("leaf"), b.root.cert("root"));
    let r = chain::assemble_bundle(
        std::slice::from_ref(&leaf),
        &[],
        std::slice::from_ref(&root),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(!r.complete);
    assert!(openssl_verify(&leaf, &[], &[&root], at()).is_err());
    assert_eq!(kinds(&r), ["missing-issuer"]);
    match &r.diagnostics[0].detail {
        Diagnostic::MissingIssuer {
            issuer, ca_issuers, ..
        } => {
            assert_eq!(issuer, "CN=Test Issuing CA");
            assert_eq!(ca_issuers, &["http://ca.example/issuing.crt"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(r.diagnostics[0]
        .fix()
        .contains("http://ca.example/issuing.crt"));
    // The best partial chain is the leaf alone.
    assert_eq!(ders(r.chain_certs(false)), vec![leaf.der.clone()]);
}

#[test]
fn chain_wrong_input_order_is_reported_and_output_ordered() {
    let b = basic();
    let (leaf, inter, root) = (
        b.leaf.cert("leaf"),
        b.inter.cert("inter"),
        b.root.cert("root"),
    );
    let given = [inter.clone(), leaf.clone()];
    let r = chain::assemble_bundle(
        &given,
        &[],
        std::slice::from_ref(&root),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(r.complete);
    assert!(!r.input_order_ok);
    assert_eq!(kinds(&r), ["wrong-order"]);
    assert_eq!(r.diagnostics[0].severity, Severity::Warning);
    assert_eq!(
        ders(r.chain_certs(false)),
        vec![leaf.der.clone(), inter.der.clone()]
    );
    assert!(openssl_verify(&leaf, &[&inter], &[&root], at()).is_ok());
}

#[test]
fn chain_expired_intermediate_is_invalid_like_openssl() {
    let root = root(&Spec::ca("Test Root"));
    let inter = issue(
        &Spec::ca("Old Issuing CA").valid(ymd(2020, 1, 1), ymd(2026, 1, 1)),
        &root,
    );
    let leaf = issue(
        &Spec::leaf("mail.contoso.com").aia("http://ca.example/old.crt"),
        &inter,
    );
    let (leaf, inter, root) = (leaf.cert("leaf"), inter.cert("inter"), root.cert("root"));
    let r = chain::assemble_bundle(
        &[leaf.clone(), inter.clone()],
        &[],
        std::slice::from_ref(&root),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(!r.complete);
    let e = openssl_verify(&leaf, &[&inter], &[&root], at()).unwrap_err();
    assert!(e.contains("expired"), "{e}");
    assert_eq!(kinds(&r), ["expired"]);
    assert!(r.diagnostics[0].fix().contains("http://ca.example/old.crt"));
    // The path is still the best partial chain, anchored.
    assert_eq!(r.path.len(), 3);
}

#[test]
fn chain_not_yet_valid_intermediate_is_reported() {
    let root = root(&Spec::ca("Test Root"));
    let inter = issue(
        &Spec::ca("Future CA").valid(ymd(2027, 1, 1), ymd(2030, 1, 1)),
        &root,
    );
    let leaf = issue(&Spec::leaf("mail.contoso.com"), &inter);
    let (leaf, inter, root) = (leaf.cert("leaf"), inter.cert("inter"), root.cert("root"));
    let r = chain::assemble_bundle(
        &[leaf.clone(), inter.clone()],
        &[],
        std::slice::from_ref(&root),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(!r.complete);
    assert!(openssl_verify(&leaf, &[&inter], &[&root], at()).is_err());
    assert_eq!(kinds(&r), ["not-yet-valid"]);
}

#[test]
fn chain_cross_signed_prefers_short_path_to_valid_root_and_explains_the_other() {
    // Old root expired at the start of 2026; the new root is cross-signed by it.
    let old = root(&Spec::ca("Old Root").valid(ymd(2005, 1, 1), ymd(2026, 1, 1)));
    let new = root(&Spec::ca("New Root").serial(2));
    let new_x = cross_sign(&new, &Spec::ca("New Root").serial(3), &old);
    let inter = issue(&Spec::ca("Issuing CA"), &new);
    let leaf = issue(
        &Spec::leaf("mail.contoso.com").valid(ymd(2025, 1, 1), ymd(2027, 1, 1)),
        &inter,
    );
    let (old, new, new_x, inter, leaf) = (
        old.cert("old"),
        new.cert("new"),
        new_x.cert("new-x"),
        inter.cert("inter"),
        leaf.cert("leaf"),
    );
    let given = [leaf.clone(), inter.clone(), new_x.clone()];
    let roots = [old.clone(), new.clone()];
    let r = chain::assemble_bundle(&given, &[], &roots, RootStore::empty(), &opts()).unwrap();
    assert!(r.complete, "{:?}", r.diagnostics);
    assert_eq!(
        ders(r.path_certs()),
        vec![leaf.der.clone(), inter.der.clone(), new.der.clone()]
    );
    assert!(openssl_verify(&leaf, &[&inter, &new_x], &[&old, &new], at()).is_ok());
    assert_eq!(r.alternatives.len(), 1);
    let alt = &r.alternatives[0];
    assert_eq!(alt.certs.len(), 4);
    match &alt.reason {
        NotChosen::Problems { problems } => {
            assert!(
                matches!(problems[0].detail, Diagnostic::Expired { .. }),
                "{problems:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(kinds(&r), ["not-needed"]);

    // Only the old root trusted, and valid: the longer path through the cross-sign is taken.
    let r = chain::assemble_bundle(
        &given,
        &[],
        std::slice::from_ref(&old),
        RootStore::empty(),
        &ChainOptions::at(ymd(2025, 6, 1)),
    )
    .unwrap();
    assert!(r.complete, "{:?}", r.diagnostics);
    assert_eq!(r.path.len(), 4);
    let ossl = openssl_verify(&leaf, &[&inter, &new_x], &[&old], ymd(2025, 6, 1)).unwrap();
    assert_eq!(ders(r.path_certs()), ossl);
}

#[test]
fn chain_by_name_without_aki_matches_openssl() {
    let root = root(&Spec::ca("Test Root").no_aki());
    let inter = issue(&Spec::ca("Issuing CA").no_aki(), &root);
    let leaf = issue(&Spec::leaf("mail.contoso.com").no_aki(), &inter);
    let (root, inter, leaf) = (root.cert("root"), inter.cert("inter"), leaf.cert("leaf"));
    assert!(leaf.authority_key_id.is_none());
    let r = chain::assemble_bundle(
        std::slice::from_ref(&leaf),
        std::slice::from_ref(&inter),
        std::slice::from_ref(&root),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(r.complete);
    let ossl = openssl_verify(&leaf, &[&inter], &[&root], at()).unwrap();
    assert_eq!(ders(r.path_certs()), ossl);
}

#[test]
fn chain_cross_signed_loop_terminates_incomplete() {
    // A and B sign each other; the leaf is under A; no trusted root is reachable.
    let a = root(&Spec::ca("CA A").no_aki());
    let b = root(&Spec::ca("CA B").no_aki());
    let a_by_b = cross_sign(&a, &Spec::ca("CA A").no_aki().serial(7), &b);
    let b_by_a = cross_sign(&b, &Spec::ca("CA B").no_aki().serial(8), &a);
    let leaf = issue(&Spec::leaf("mail.contoso.com").no_aki(), &a_by_b);
    let unrelated = root(&Spec::ca("Unrelated Root")).cert("unrelated");
    let leaf = leaf.cert("leaf");
    let pool = [a_by_b.cert("a-by-b"), b_by_a.cert("b-by-a")];
    let r = chain::assemble_bundle(
        std::slice::from_ref(&leaf),
        &pool,
        std::slice::from_ref(&unrelated),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(!r.complete);
    assert!(!r.work.exhausted);
    assert!(openssl_verify(&leaf, &[&pool[0], &pool[1]], &[&unrelated], at()).is_err());
    // Every path ends somewhere; none repeats a CA.
    for a in &r.alternatives {
        let mut subjects: Vec<_> = a.certs.iter().map(|c| &c.subject).collect();
        subjects.sort();
        subjects.dedup();
        assert_eq!(subjects.len(), a.certs.len());
    }
}

#[test]
fn chain_hostile_mesh_of_cross_signs_stops_at_the_budget() {
    // Eight CAs with the same name pattern, each cross-signed by every other, no AKI: the
    // number of paths explodes; the budget must stop it with a clear diagnostic.
    let cas: Vec<Node> = (0..8)
        .map(|i| root(&Spec::ca(&format!("Mesh CA {i}")).no_aki()))
        .collect();
    let mut pool = Vec::new();
    for (i, s) in cas.iter().enumerate() {
        for (j, iss) in cas.iter().enumerate() {
            if i != j {
                let spec = Spec::ca(&format!("Mesh CA {i}"))
                    .no_aki()
                    .serial((i * 10 + j) as u64 + 100);
                pool.push(cross_sign(s, &spec, iss).cert("mesh"));
            }
        }
    }
    let leaf = issue(&Spec::leaf("mail.contoso.com").no_aki(), &cas[0]).cert("leaf");
    // With the default budget the answer is the same: no chain, and the search is bounded.
    let r = chain::assemble_bundle(
        std::slice::from_ref(&leaf),
        &pool,
        &[],
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(!r.complete);
    let d = Budget::default();
    assert!(r.work.signatures <= d.signatures && r.work.candidates <= d.candidates);
    let mut o = opts();
    o.budget = Budget {
        signatures: 40,
        candidates: 400,
    };
    let r = chain::assemble_bundle(&[leaf], &pool, &[], RootStore::empty(), &o).unwrap();
    assert!(!r.complete);
    assert!(r.work.exhausted);
    assert!(r.work.signatures <= 40 && r.work.candidates <= 400);
    assert!(kinds(&r).contains(&"budget-exhausted"));
    let d = r
        .diagnostics
        .iter()
        .find(|d| matches!(d.detail, Diagnostic::BudgetExhausted { .. }))
        .unwrap();
    assert_eq!(d.severity, Severity::Error);
}

#[test]
fn chain_pool_of_5000_decoys_finds_the_path_with_few_signature_checks() {
    let b = basic();
    let (leaf, inter, root) = (
        b.leaf.cert("leaf"),
        b.inter.cert("inter"),
        b.root.cert("root"),
    );
    let mut pool = Vec::with_capacity(5001);
    let decoy_issuer = crate::hierarchy::root(&Spec::ca("Decoy Root"));
    for i in 0..5000u64 {
        // One in fifty has the real intermediate's name (but another key and SKI).
        let cn = if i % 50 == 0 {
            "Test Issuing CA".to_string()
        } else {
            format!("Decoy CA {i}")
        };
        pool.push(issue(&Spec::ca(&cn).serial(i + 10), &decoy_issuer).cert("decoy"));
    }
    pool.push(inter.clone());
    let r = chain::assemble_bundle(
        std::slice::from_ref(&leaf),
        &pool,
        std::slice::from_ref(&root),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(r.complete, "{:?}", kinds(&r));
    assert_eq!(
        ders(r.path_certs()),
        vec![leaf.der.clone(), inter.der.clone(), root.der.clone()]
    );
    assert!(r.work.signatures <= 4, "{:?}", r.work);
    assert!(!r.work.exhausted);
}

#[test]
fn chain_duplicates_are_reported_once_each() {
    let b = basic();
    let (leaf, inter, root) = (
        b.leaf.cert("leaf"),
        b.inter.cert("a.pem"),
        b.root.cert("root"),
    );
    let inter2 = b.inter.cert("b.pem");
    let r = chain::assemble_bundle(
        &[leaf, inter, inter2],
        &[],
        &[root],
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(r.complete);
    assert_eq!(kinds(&r), ["duplicate"]);
    assert_eq!(r.duplicates.len(), 1);
    assert_eq!(r.duplicates[0].origins.len(), 2);
    assert_eq!(r.chain_certs(false).len(), 2);
}

#[test]
fn chain_unrelated_certificate_is_a_stray() {
    let b = basic();
    let other = crate::hierarchy::root(&Spec::ca("Other Root"));
    let other_leaf = issue(&Spec::leaf("other.example"), &other).cert("other");
    let (leaf, inter, root) = (
        b.leaf.cert("leaf"),
        b.inter.cert("inter"),
        b.root.cert("root"),
    );
    let r = chain::assemble_bundle(
        &[leaf.clone(), other_leaf.clone(), inter],
        &[],
        &[root],
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(r.complete);
    assert_eq!(r.leaf.thumbprint, chain::CertRef::of(&leaf).thumbprint);
    assert_eq!(kinds(&r), ["unrelated"]);
    assert_eq!(r.strays.len(), 1);
    assert_eq!(r.strays[0].subject, "CN=other.example");
}

#[test]
fn chain_bundle_of_only_a_root_says_the_server_certificate_is_missing() {
    let b = basic();
    let root = b.root.cert("root");
    let r = chain::assemble_bundle(
        std::slice::from_ref(&root),
        &[],
        std::slice::from_ref(&root),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert_eq!(kinds(&r), ["only-root"]);
    assert_eq!(r.worst(), Some(Severity::Error));
}

#[test]
fn chain_self_signed_leaf_is_reported() {
    let leaf = root(&Spec::leaf("mail.contoso.com")).cert("selfsigned");
    assert!(certprep::verify::is_self_signed(&leaf));
    let other = root(&Spec::ca("Some Root")).cert("root");
    let r = chain::assemble_bundle(
        std::slice::from_ref(&leaf),
        &[],
        std::slice::from_ref(&other),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(!r.complete);
    assert_eq!(kinds(&r), ["self-signed-leaf"]);
    assert!(openssl_verify(&leaf, &[], &[&other], at()).is_err());
}

#[test]
fn chain_issuer_with_wrong_key_is_a_bad_signature() {
    // Same name as the real intermediate, different key (a re-keyed generation), no AKI so the
    // name alone matches.
    let root = root(&Spec::ca("Test Root"));
    let real = issue(&Spec::ca("Test Issuing CA"), &root);
    let wrong = issue(&Spec::ca("Test Issuing CA").serial(9), &root);
    let leaf = issue(&Spec::leaf("mail.contoso.com").no_aki(), &real).cert("leaf");
    let (wrong, root) = (wrong.cert("wrong"), root.cert("root"));
    let r = chain::assemble_bundle(
        &[leaf.clone(), wrong.clone()],
        &[],
        std::slice::from_ref(&root),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(!r.complete);
    assert!(openssl_verify(&leaf, &[&wrong], &[&root], at()).is_err());
    assert!(kinds(&r).contains(&"bad-signature"), "{:?}", kinds(&r));
    assert!(!kinds(&r).contains(&"missing-issuer"));
}

#[test]
fn chain_path_len_and_ca_flag_are_enforced_like_openssl() {
    let root = root(&Spec::ca("Test Root"));
    let ca1 = issue(&Spec::ca("Policy CA").path_len(0), &root);
    let ca2 = issue(&Spec::ca("Issuing CA"), &ca1);
    let leaf = issue(&Spec::leaf("mail.contoso.com"), &ca2);
    let (root, ca1, ca2, leaf) = (root.cert("r"), ca1.cert("1"), ca2.cert("2"), leaf.cert("l"));
    let r = chain::assemble_bundle(
        &[leaf.clone(), ca2.clone(), ca1.clone()],
        &[],
        std::slice::from_ref(&root),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(!r.complete);
    assert_eq!(kinds(&r), ["path-len-exceeded"]);
    assert!(openssl_verify(&leaf, &[&ca2, &ca1], &[&root], at()).is_err());

    let root = crate::hierarchy::root(&Spec::ca("Test Root"));
    let not_ca = issue(&Spec::ca("Not A CA").not_ca(), &root);
    let leaf = issue(&Spec::leaf("mail.contoso.com"), &not_ca);
    let (root, not_ca, leaf) = (root.cert("r"), not_ca.cert("n"), leaf.cert("l"));
    let r = chain::assemble_bundle(
        &[leaf.clone(), not_ca.clone()],
        &[],
        std::slice::from_ref(&root),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(!r.complete);
    assert!(kinds(&r).contains(&"not-ca"));
    assert!(openssl_verify(&leaf, &[&not_ca], &[&root], at()).is_err());
}

#[test]
fn chain_untrusted_root_in_bundle_is_reported_and_trusting_it_completes() {
    let b = basic();
    let (leaf, inter, root) = (
        b.leaf.cert("leaf"),
        b.inter.cert("inter"),
        b.root.cert("root"),
    );
    let given = [leaf.clone(), inter.clone(), root.clone()];
    let r = chain::assemble_bundle(&given, &[], &[], RootStore::empty(), &opts()).unwrap();
    assert!(!r.complete);
    assert_eq!(kinds(&r), ["untrusted-root"]);
    let r = chain::assemble_bundle(
        &given,
        &[],
        std::slice::from_ref(&root),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(r.complete);
    assert_eq!(kinds(&r), ["root-in-input"]);
    assert_eq!(r.chain_certs(true).len(), 3);
    assert_eq!(r.chain_certs(false).len(), 2);
}

#[test]
fn find_leaf_picks_the_end_entity_whatever_the_order() {
    let b = basic();
    let (leaf, inter, root) = (
        b.leaf.cert("leaf"),
        b.inter.cert("inter"),
        b.root.cert("root"),
    );
    for order in [
        vec![&root, &inter, &leaf],
        vec![&inter, &leaf, &root],
        vec![&leaf, &root, &inter],
    ] {
        let certs: Vec<Cert> = order.into_iter().cloned().collect();
        let i = chain::find_leaf(&certs).unwrap();
        assert_eq!(certs[i].der, leaf.der);
    }
    assert_eq!(chain::find_leaf(&[]), None);
}

#[test]
fn chain_pkcs7_output_is_read_back_by_openssl_in_order() {
    let b = basic();
    let (leaf, inter, root) = (
        b.leaf.cert("leaf"),
        b.inter.cert("inter"),
        b.root.cert("root"),
    );
    let r = chain::assemble_bundle(
        &[inter.clone(), leaf.clone()],
        &[],
        &[root],
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    let der = chain::to_pkcs7_der(r.chain_certs(false));
    let p7 = openssl::pkcs7::Pkcs7::from_der(&der).expect("openssl reads the PKCS#7");
    let certs = p7
        .signed()
        .and_then(|s| s.certificates())
        .expect("certificates");
    let got: Vec<Vec<u8>> = certs.iter().map(|c| c.to_der().unwrap()).collect();
    assert_eq!(got, vec![leaf.der.clone(), inter.der.clone()]);
    // And our own reader finds the same certificates in the PEM form.
    let pem = chain::to_pem(r.chain_certs(false));
    let d = certprep::input::detect(
        pem.as_bytes(),
        &certprep::input::Origin::file("out.pem"),
        &Default::default(),
    );
    let back: Vec<Vec<u8>> = d.certs().map(|c| c.der.clone()).collect();
    assert_eq!(back, vec![leaf.der.clone(), inter.der.clone()]);
}

#[test]
fn chain_embedded_store_anchors_a_real_public_chain() {
    // The GoDaddy G2 bundle from ../shared/realworld (skipped when absent) chains to the
    // embedded Mozilla root "Go Daddy Root Certificate Authority - G2" while the leaf was valid.
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(path) = [
        here.join("../shared/realworld/ca-deliverables/godaddy/gd_bundle-g2-g1.crt"),
        here.join("../../shared/realworld/ca-deliverables/godaddy/gd_bundle-g2-g1.crt"),
    ]
    .into_iter()
    .find(|p| p.exists()) else {
        return;
    };
    let d = certprep::input::load(&path.to_string_lossy(), &Default::default());
    let given: Vec<Cert> = d.certs().cloned().collect();
    let at = ymd(2018, 1, 1);
    let r = chain::assemble_bundle(
        &given,
        &[],
        &[],
        certprep::roots::embedded(),
        &ChainOptions::at(at),
    )
    .unwrap();
    assert!(r.complete, "{:?}", kinds(&r));
    assert_eq!(r.anchor_source, Some(chain::AnchorSource::Embedded));
    assert!(r
        .anchor
        .as_ref()
        .unwrap()
        .subject
        .starts_with("CN=Go Daddy Root Certificate Authority - G2"));
    let roots: Vec<&Cert> = certprep::roots::embedded().iter().collect();
    let untrusted: Vec<&Cert> = given.iter().skip(1).collect();
    let leaf = &given[chain::find_leaf(&given).unwrap()];
    assert!(openssl_verify(leaf, &untrusted, &roots, at).is_ok());
}

/// root (SHA-256) → intermediate signed with SHA-1 → leaf (SHA-256), built with OpenSSL.
fn sha1_intermediate_hierarchy() -> (Cert, Cert, Cert) {
    use openssl::hash::MessageDigest;
    use openssl::x509::extension::BasicConstraints as Bc;
    use openssl::x509::{X509Builder, X509NameBuilder};
    let key = || {
        let g = openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap();
        openssl::pkey::PKey::from_ec_key(openssl::ec::EcKey::generate(&g).unwrap()).unwrap()
    };
    let name = |cn: &str| {
        let mut n = X509NameBuilder::new().unwrap();
        n.append_entry_by_text("CN", cn).unwrap();
        n.build()
    };
    let make = |subject: &str,
                issuer: &str,
                pubkey: &openssl::pkey::PKey<openssl::pkey::Private>,
                signer: &openssl::pkey::PKey<openssl::pkey::Private>,
                ca: bool,
                md: MessageDigest| {
        let mut b = X509Builder::new().unwrap();
        b.set_version(2).unwrap();
        b.set_subject_name(&name(subject)).unwrap();
        b.set_issuer_name(&name(issuer)).unwrap();
        b.set_pubkey(pubkey).unwrap();
        b.set_not_before(&openssl::asn1::Asn1Time::from_unix(1_700_000_000).unwrap())
            .unwrap();
        b.set_not_after(&openssl::asn1::Asn1Time::from_unix(1_900_000_000).unwrap())
            .unwrap();
        let mut bc = Bc::new();
        if ca {
            bc.critical().ca();
        }
        b.append_extension(bc.build().unwrap()).unwrap();
        b.sign(signer, md).unwrap();
        b.build().to_der().unwrap()
    };
    let (rk, ik, lk) = (key(), key(), key());
    let root = make(
        "SHA Root",
        "SHA Root",
        &rk,
        &rk,
        true,
        MessageDigest::sha1(),
    );
    let inter = make(
        "SHA-1 CA",
        "SHA Root",
        &ik,
        &rk,
        true,
        MessageDigest::sha1(),
    );
    let leaf = make(
        "mail.contoso.com",
        "SHA-1 CA",
        &lk,
        &ik,
        false,
        MessageDigest::sha256(),
    );
    let p = |d: Vec<u8>, n: &str| Cert::from_der(d, certprep::input::Origin::file(n)).unwrap();
    (p(leaf, "leaf"), p(inter, "inter"), p(root, "root"))
}

#[test]
fn chain_sha1_below_the_root_is_a_warning_and_the_root_self_signature_is_not() {
    let (leaf, inter, root) = sha1_intermediate_hierarchy();
    let r = chain::assemble_bundle(
        &[leaf, inter.clone()],
        &[],
        std::slice::from_ref(&root),
        RootStore::empty(),
        &opts(),
    )
    .unwrap();
    assert!(r.complete, "{:?}", kinds(&r));
    assert_eq!(kinds(&r), ["weak-signature"]);
    match &r.diagnostics[0].detail {
        Diagnostic::WeakSignature { cert, algorithm } => {
            assert_eq!(cert.subject, "CN=SHA-1 CA");
            assert!(algorithm.is_weak());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.diagnostics[0].severity, Severity::Warning);
}
