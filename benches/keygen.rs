//! Key and request generation, in-process: RSA 2048 (Exchange's default; the slow one, so
//! few samples), ECDSA P-256, and a whole request with a P-256 key. The process-level
//! comparison with `openssl genrsa 2048` is scripts/bench-keygen.sh.

use certprep::csr::{self, CsrSpec, SanEntry};
use certprep::keygen::{GeneratedKey, KeyType};
use criterion::{criterion_group, criterion_main, Criterion};
use rand_core::OsRng;

fn bench(c: &mut Criterion) {
    let mut slow = c.benchmark_group("rsa");
    slow.sample_size(20);
    slow.bench_function("generate RSA 2048 key", |b| {
        b.iter(|| GeneratedKey::generate(KeyType::Rsa2048, &mut OsRng).expect("generated"))
    });
    slow.finish();
    c.bench_function("generate P-256 key", |b| {
        b.iter(|| GeneratedKey::generate(KeyType::P256, &mut OsRng).expect("generated"))
    });
    let mut spec = CsrSpec::new(vec![
        SanEntry::Dns("mail.contoso.com".into()),
        SanEntry::Dns("autodiscover.contoso.com".into()),
    ]);
    spec.key_type = KeyType::P256;
    c.bench_function("generate P-256 key + request", |b| {
        b.iter(|| csr::generate(&spec, &mut OsRng).expect("generated"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
