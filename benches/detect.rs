//! `input::detect` throughput on the fixture shapes (`cargo bench -p certprep-benches --bench detect`).

use certprep::input::{detect, DetectOptions, Origin};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures")
            .join(rel),
    )
    .expect("fixture")
}

fn bench(c: &mut Criterion) {
    let opts = DetectOptions::default();
    let origin = Origin::file("bench");
    let mut group = c.benchmark_group("detect");
    for (name, rel) in [
        ("pem-leaf", "deliverable/mail.contoso.com.crt"),
        ("der-leaf", "deliverable/mail.contoso.com.cer"),
        ("pem-crlf-bundle", "deliverable/ca-bundle.crt"),
        ("p7b", "deliverable/mail.contoso.com.p7b"),
        ("utf16le-req", "deliverable/mail.contoso.com.req"),
        ("zip", "deliverable/deliverable.zip"),
        ("pkcs8-key", "keys/rsa-pkcs8.pem"),
    ] {
        let bytes = fixture(rel);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| detect(black_box(&bytes), &origin, &opts))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
