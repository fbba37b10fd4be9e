//! Chain assembly speed: a leaf, its intermediate hidden in a pool of 5,000 decoys (one in fifty
//! with the intermediate's name), and a hostile mesh of cross-signed CAs that must stop at the
//! budget. Run with `cargo bench -p certprep-benches --bench chain`.

use certprep::chain::{self, ChainOptions};
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "../tests/lib/hierarchy.rs"]
mod hierarchy;

use hierarchy::{cross_sign, issue, root, ymd, Spec};

fn bench_chain(c: &mut Criterion) {
    let r = root(&Spec::ca("Test Root"));
    let inter = issue(&Spec::ca("Test Issuing CA"), &r);
    let leaf = issue(&Spec::leaf("mail.contoso.com"), &inter).cert("leaf");
    let decoy_root = root(&Spec::ca("Decoy Root"));
    let mut pool: Vec<_> = (0..5000u64)
        .map(|i| {
            let cn = if i % 50 == 0 {
                "Test Issuing CA".to_string()
            } else {
                format!("Decoy CA {i}")
            };
            issue(&Spec::ca(&cn).serial(i + 10), &decoy_root).cert("decoy")
        })
        .collect();
    pool.push(inter.cert("inter"));
    let roots = [r.cert("root")];
    let opts = ChainOptions::at(ymd(2026, 6, 1));
    c.bench_function("assemble, 5000-decoy pool", |b| {
        b.iter(|| {
            let rep = chain::assemble_bundle(
                std::slice::from_ref(&leaf),
                &pool,
                &roots,
                certprep::roots::RootStore::empty(),
                &opts,
            )
            .expect("report");
            assert!(rep.complete);
        })
    });

    let embedded = certprep::roots::embedded();
    c.bench_function("assemble, 5000-decoy pool + embedded store", |b| {
        b.iter(|| {
            chain::assemble_bundle(std::slice::from_ref(&leaf), &pool, &roots, embedded, &opts)
        })
    });

    let cas: Vec<_> = (0..8)
        .map(|i| root(&Spec::ca(&format!("Mesh CA {i}")).no_aki()))
        .collect();
    let mut mesh = Vec::new();
    for (i, s) in cas.iter().enumerate() {
        for (j, iss) in cas.iter().enumerate() {
            if i != j {
                let spec = Spec::ca(&format!("Mesh CA {i}"))
                    .no_aki()
                    .serial((i * 10 + j) as u64 + 100);
                mesh.push(cross_sign(s, &spec, iss).cert("mesh"));
            }
        }
    }
    let mesh_leaf = issue(&Spec::leaf("mail.contoso.com").no_aki(), &cas[0]).cert("leaf");
    c.bench_function(
        "assemble, hostile cross-signed mesh (default budget)",
        |b| {
            b.iter(|| {
                chain::assemble_bundle(
                    std::slice::from_ref(&mesh_leaf),
                    &mesh,
                    &[],
                    certprep::roots::RootStore::empty(),
                    &opts,
                )
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench_chain
}
criterion_main!(benches);
