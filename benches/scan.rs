//! Criterion benchmark of `Scanner::run` on a small generated tree (2,000 files, 4,000
//! certificates). The 100,000-file comparison against the anchors is scripts/bench-scan.sh
//! (docs/performance.md).

#[path = "support/corpus.rs"]
mod corpus;

use certprep::check::{Options, RootStores};
use certprep::scan::{CheckRules, ScanOptions, Scanner};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use time::macros::datetime;

fn scan(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let pool = corpus::pairs(10);
    corpus::write_tree(dir.path(), 2_000, &pool).expect("write tree");
    let root = vec![dir.path().to_string_lossy().into_owned()];
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

    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Elements(2_000));
    group.sample_size(20);
    for jobs in [1usize, 2] {
        let mut opts = ScanOptions::new(as_of);
        opts.jobs = Some(jobs);
        let scanner = Scanner::new(opts).expect("scanner");
        group.bench_function(format!("2000_files_jobs_{jobs}"), |b| {
            b.iter(|| {
                let mut certs = 0usize;
                scanner
                    .run(&root, &rules, &mut |f| -> Result<(), ()> {
                        certs += f.rows.len();
                        Ok(())
                    })
                    .expect("scan");
                assert_eq!(certs, 4_000);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, scan);
criterion_main!(benches);
