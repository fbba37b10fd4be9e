//! Single-file work: detect + inspect and thumbprint of the sample leaf, in-process.
//! The process-level comparison with `openssl x509` is scripts/bench-single-file.sh.

use certprep::input::{detect, DetectOptions, Origin};
use certprep::inspect::{InspectReport, Trust};
use certprep::thumbprint::{HashAlg, Thumbprint};
use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/deliverable/mail.contoso.com.crt"
    );
    let bytes = std::fs::read(path).expect("fixture present");
    let origin = Origin::file("mail.contoso.com.crt");
    let opts = DetectOptions::default();
    let at = time::macros::datetime!(2027-01-01 0:00 UTC);
    let trust = Trust {
        roots: &[],
        public: certprep::roots::embedded(),
        pool: &[],
    };
    c.bench_function("detect+inspect one PEM certificate", |b| {
        b.iter(|| {
            let d = detect(std::hint::black_box(&bytes), &origin, &opts);
            InspectReport::build(&d, at, trust)
        })
    });
    c.bench_function("detect+thumbprint one PEM certificate", |b| {
        b.iter(|| {
            let d = detect(std::hint::black_box(&bytes), &origin, &opts);
            d.certs()
                .map(|c| Thumbprint::of(&c.der, HashAlg::Sha1))
                .collect::<Vec<_>>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
