//! Issue 16 point 1: one file of many leaves scans at the same certificates per second as the
//! same leaves in files of their own. Criterion, two inputs made from the same leaves (rcgen;
//! one issuing CA, leaves alternating RSA-2048 and ECDSA P-256):
//!
//! - `one_file`: one PEM file holding the CA, then N leaves (a CA's issuance export);
//! - `one_leaf_per_file`: N files, each one leaf and the CA.
//!
//! Both report throughput in certificates (N + 1 and 2N). N is 10,000, or `BENCH_LEAVES`:
//! `BENCH_LEAVES=2000 cargo bench --bench scan_bundle`. Peak memory is measured on the real
//! binary (docs/performance.md, "Many certificates in one file").

#[path = "support/corpus.rs"]
mod corpus;

use certprep::check::{Options, RootStores};
use certprep::scan::{CheckRules, ScanOptions, Scanner};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use time::macros::datetime;

fn scan_bundle(c: &mut Criterion) {
    let leaves: usize = std::env::var("BENCH_LEAVES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let bundle = dir.path().join("bundle");
    std::fs::create_dir(&bundle).expect("dir");
    let tree = dir.path().join("tree");
    corpus::write_bundle(&bundle.join("export.pem"), Some(&tree), leaves).expect("corpus");
    let as_of = datetime!(2027-01-01 00:00 UTC);
    let rules = CheckRules {
        options: Options::default(),
        stores: RootStores {
            public: certprep::roots::embedded(),
            trusted: Vec::new(),
            pool: Vec::new(),
        },
        as_of,
        linking: certprep::check::Linking::Structural,
    };
    let scanner = Scanner::new(ScanOptions::new(as_of)).expect("scanner");

    let mut group = c.benchmark_group("scan_bundle");
    group.sample_size(10);
    for (name, root, certs) in [
        ("one_file", &bundle, leaves + 1),
        ("one_leaf_per_file", &tree, 2 * leaves),
    ] {
        let root = vec![root.to_string_lossy().into_owned()];
        group.throughput(Throughput::Elements(certs as u64));
        group.bench_function(format!("{name}_{leaves}_leaves"), |b| {
            b.iter(|| {
                let mut rows = 0usize;
                scanner
                    .run(&root, &rules, &mut |f| -> Result<(), ()> {
                        rows += f.rows.len();
                        Ok(())
                    })
                    .expect("scan");
                assert_eq!(rows, certs);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, scan_bundle);
criterion_main!(benches);
