//! Issue 16 point 1: the cost of one file grows linearly with its certificates. Files of many
//! leaves (a CA's issuance export) and of many same-subject cross-signed CAs are generated here
//! with rcgen (ECDSA P-256); the tests compare work counters and output sizes at N and 2N
//! certificates — never time.
//! See: issue 16 (`issues show 16`), docs/performance.md "Many certificates in one file".

use crate::hierarchy::{issue, root, ymd, Node, Spec};
use certprep::chain::{self, Candidates, ChainOptions, Diagnostic, IndexWork};
use certprep::check::{self, Options, RootStores};
use certprep::input::{self, DetectOptions, Detected, Origin};
use certprep::model::Cert;
use time::OffsetDateTime;

fn at() -> OffsetDateTime {
    ymd(2026, 6, 1)
}

/// A root, its issuing CA, and `n` leaves issued by the CA.
struct Export {
    root: Node,
    ca: Node,
    leaves: Vec<Node>,
}

fn export(n: usize) -> Export {
    let root = root(&Spec::ca("Linear Root"));
    let ca = issue(&Spec::ca("Linear Issuing CA"), &root);
    let leaves = (0..n)
        .map(|i| {
            issue(
                &Spec::leaf(&format!("host{i:05}.contoso.example")).serial(100 + i as u64),
                &ca,
            )
        })
        .collect();
    Export { root, ca, leaves }
}

fn pem(der: &[u8]) -> String {
    let c = Cert::from_der(der.to_vec(), Origin::file("x")).expect("parses");
    chain::to_pem(std::slice::from_ref(&c))
}

impl Export {
    /// The issuing CA first, then every leaf: the order a CA's issuance export has.
    fn file(&self) -> String {
        let mut text = pem(&self.ca.der);
        for l in &self.leaves {
            text.push_str(&pem(&l.der));
        }
        text
    }

    fn detected(&self) -> Detected {
        input::detect(
            self.file().as_bytes(),
            &Origin::file("export.pem"),
            &DetectOptions::default(),
        )
    }
}

/// The work of assembling the chain of every leaf of an `n`-leaf export against one index.
fn index_work(n: usize) -> IndexWork {
    let e = export(n);
    let d = e.detected();
    let certs: Vec<&Cert> = d.certs().collect();
    let roots = [e.root.cert("root.pem")];
    let index = Candidates::new(&certs, &certs, &roots, certprep::roots::RootStore::empty());
    let opts = ChainOptions {
        max_strays: chain::LISTED_STRAYS,
        ..ChainOptions::at(at())
    };
    for leaf in &certs[1..] {
        let r = index.assemble(leaf, &opts).report;
        assert!(r.complete, "{:?}", r.diagnostics);
        assert_eq!(r.strays.len(), chain::LISTED_STRAYS);
        assert_eq!(r.more_strays, n - 1 - chain::LISTED_STRAYS);
    }
    index.work()
}

#[test]
fn issue_16_chain_work_per_file_grows_linearly_with_its_leaves() {
    let (a, b) = (index_work(60), index_work(120));
    assert_eq!((a.chains, b.chains), (60, 120));
    // One index per file; each leaf's search considers its issuer and the CA's issuer, and
    // each distinct signature is checked once for the whole file.
    assert_eq!((a.indexed, b.indexed), (61 + 1, 121 + 1));
    assert_eq!((a.signatures, b.signatures), (61, 121), "{a:?} {b:?}");
    for (x, y, what) in [
        (a.candidates, b.candidates, "candidates"),
        (
            a.given_visited,
            b.given_visited,
            "given certificates visited",
        ),
    ] {
        assert!(y <= 2 * x + 4, "{what}: {x} for 60 leaves, {y} for 120");
    }
}

/// Each leaf's chain built against the file's index is the report it gets on its own (with
/// every stray listed), field for field.
#[test]
fn issue_16_indexed_chain_equals_the_chain_assembled_alone() {
    let e = export(12);
    let d = e.detected();
    let certs: Vec<&Cert> = d.certs().collect();
    let roots = [e.root.cert("root.pem")];
    let embedded = certprep::roots::embedded();
    let index = Candidates::new(&certs, &certs, &roots, embedded);
    let opts = ChainOptions::at(at());
    for leaf in &certs {
        let indexed = index.assemble(leaf, &opts);
        let alone = chain::assemble(leaf, &certs, &certs, &roots, embedded, &opts);
        assert_eq!(
            format!("{:?} {:?}", indexed.report, indexed.path),
            format!("{:?} {:?}", alone.report, alone.path)
        );
    }
}

/// `check` on one file of a CA and N leaves: every leaf has the same findings (stray
/// certificates, order), each of a bounded size, so the JSON report grows with N — it grew with
/// N² when every finding named every other leaf (183 MB for 2,000 leaves).
#[test]
fn issue_16_check_output_grows_with_the_findings_not_the_square_of_the_file() {
    let size = |n: usize| {
        let e = export(n);
        let d = e.detected();
        let stores = RootStores {
            public: certprep::roots::RootStore::empty(),
            trusted: vec![e.root.cert("root.pem")],
            pool: Vec::new(),
        };
        let report = check::run(&d, None, &stores, &Options::default(), at());
        assert_eq!(report.summary.certificates, n);
        let stray = report
            .findings()
            .find(|f| f.rule == "chain-stray")
            .expect("every other leaf is a stray");
        assert!(
            stray
                .detail
                .ends_with(&format!(" and {} more", n - 1 - chain::LISTED_STRAYS)),
            "{}",
            stray.detail
        );
        let findings = report.findings().count();
        let bytes = serde_json::to_vec(&report).expect("json").len();
        (findings, bytes)
    };
    let (f1, b1) = size(100);
    let (f2, b2) = size(200);
    assert_eq!(f2, 2 * f1);
    // The same bytes per finding, give or take the longer counts in the texts.
    assert!(
        (b2 as f64) < 2.1 * b1 as f64,
        "{b1} bytes for 100 leaves, {b2} for 200"
    );
}

/// The same through `scan`: a file of a CA and N leaves gives N + 1 rows whose findings stay
/// the same size per leaf.
#[test]
fn issue_16_scan_findings_of_a_many_leaf_file_grow_linearly() {
    use certprep::scan::{CheckRules, ScanOptions, Scanner};
    let size = |n: usize| {
        let dir = tempfile::tempdir().expect("temp dir");
        let e = export(n);
        std::fs::write(dir.path().join("export.pem"), e.file()).expect("write");
        let rules = CheckRules {
            options: Options::default(),
            stores: RootStores {
                public: certprep::roots::RootStore::empty(),
                trusted: vec![e.root.cert("root.pem")],
                pool: Vec::new(),
            },
            as_of: at(),
            linking: check::Linking::Structural,
        };
        let scanner = Scanner::new(ScanOptions::new(at())).expect("scanner");
        let mut rows = 0;
        let mut bytes = 0;
        scanner
            .run(
                &[dir.path().to_string_lossy().into_owned()],
                &rules,
                &mut |f| -> Result<(), ()> {
                    rows += f.rows.len();
                    bytes += f
                        .rows
                        .iter()
                        .flat_map(|r| &r.findings)
                        .map(|f| f.detail.len())
                        .sum::<usize>();
                    Ok(())
                },
            )
            .expect("scan");
        assert_eq!(rows, n + 1);
        bytes
    };
    let (b1, b2) = (size(100), size(200));
    assert!(
        (b2 as f64) < 2.1 * b1 as f64,
        "{b1} bytes of findings for 100 leaves, {b2} for 200"
    );
}

/// A leaf and N CAs with one subject and one key (cross-signed copies, as a hostile bundle
/// holds them): every certificate's chain (what `inspect` builds) stops within its budget, and
/// the leaf's says the budget ran out instead of ranking every copy at every step (this took
/// over 600 s for 5,000 copies).
#[test]
fn issue_16_same_subject_cross_signed_cas_stop_at_the_budget() {
    let ca = root(&Spec::ca("Cross CA"));
    let key_pem = ca.key.serialize_pem();
    let mut certs = Vec::new();
    let leaf = issue(&Spec::leaf("mail.contoso.example"), &ca);
    certs.push(leaf.cert("bundle.pem"));
    for i in 0..300u64 {
        let copy = Node {
            params: ca.params.clone(),
            key: rcgen::KeyPair::from_pem(&key_pem).expect("key"),
            der: Vec::new(),
        };
        let spec = Spec::ca("Cross CA").serial(1000 + i);
        certs.push(crate::hierarchy::cross_sign(&copy, &spec, &ca).cert("bundle.pem"));
    }
    let refs: Vec<&Cert> = certs.iter().collect();
    let index = Candidates::new(&refs, &[], &[], certprep::roots::RootStore::empty());
    let opts = ChainOptions::at(at());
    let budget = opts.budget;
    let leaf_report = index.assemble(refs[0], &opts).report;
    assert!(leaf_report.work.exhausted, "{:?}", leaf_report.work);
    assert!(leaf_report.work.candidates <= budget.candidates);
    assert!(leaf_report
        .diagnostics
        .iter()
        .any(|d| matches!(d.detail, Diagnostic::BudgetExhausted { .. })));
    for c in &refs[1..] {
        let r = index.assemble(c, &opts).report;
        assert!(r.work.candidates <= budget.candidates && r.work.signatures <= budget.signatures);
    }
    let w = index.work();
    assert!(w.candidates <= refs.len() * budget.candidates, "{w:?}");
    // One key: the leaf's signature, and each copy's own, checked once for the whole file.
    assert!(w.signatures <= refs.len() + 1, "{w:?}");
}

/// The leaves of a large file judged in parallel (`scan`) get the chains they get one after
/// another (`check`), in the same order.
#[test]
fn issue_16_parallel_chains_equal_sequential_chains() {
    let e = export(check::PARALLEL_LEAVES + 6);
    let d = e.detected();
    let stores = RootStores {
        public: certprep::roots::embedded(),
        trusted: vec![e.root.cert("root.pem")],
        pool: Vec::new(),
    };
    let inputs = check::Inputs::new(&d, None, &stores.pool);
    let linking = check::Linking::Verified;
    let parallel = inputs.map_chains(&stores, linking, at(), |leaf, chain| {
        format!(
            "{} {:?} {:?}",
            leaf.origin,
            chain.report,
            chain.path_certs()
        )
    });
    let mut sequential = Vec::new();
    inputs.each_chain(&stores, linking, at(), |_, leaf, chain| {
        sequential.push(format!(
            "{} {:?} {:?}",
            leaf.origin,
            chain.report,
            chain.path_certs()
        ))
    });
    assert_eq!(parallel.len(), check::PARALLEL_LEAVES + 6);
    assert_eq!(parallel, sequential);
}
