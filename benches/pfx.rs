//! Building a compat PFX in-process: read leaf, bundle and key, choose the chain, encrypt
//! (3DES, 2000 iterations, twice) and MAC (SHA-1, 2000 iterations). Also reading one back.
//! The process-level comparison with `openssl pkcs12 -export` is scripts/bench-pfx.sh
//! (docs/pfx.md).

use certprep::input::{self, detect, DetectOptions, Detected, Origin};
use certprep::pfx::{self, BuildOptions, SelectOptions};
use certprep::pkcs12::Profile;
use certprep::secret::Secret;
use criterion::{criterion_group, criterion_main, Criterion};

fn load(rel: &str, opts: &DetectOptions) -> Detected {
    let path = format!("{}/../fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).expect("fixture present");
    detect(&bytes, &Origin::file(rel), opts)
}

fn bench(c: &mut Criterion) {
    let opts = DetectOptions::default();
    let password = Secret::new("bench-password".into());
    let mut all = Detected::default();
    for f in [
        "deliverable/mail.contoso.com.crt",
        "deliverable/ca-bundle.crt",
        "deliverable/mail.contoso.com.key",
    ] {
        all.extend(load(f, &opts));
    }
    for profile in [Profile::Compat, Profile::Modern] {
        c.bench_function(&format!("select+build {profile:?} PFX"), |b| {
            b.iter(|| {
                let certs: Vec<_> = all.certs().collect();
                let keys: Vec<_> = all.keys().collect();
                let sel = pfx::select(&certs, &keys, &[], SelectOptions::default()).unwrap();
                pfx::build(
                    &sel,
                    BuildOptions {
                        profile,
                        password: &password,
                        friendly_name: None,
                        csp_name: Some(pfx::DEFAULT_CSP),
                    },
                )
                .unwrap()
            })
        });
    }
    let pfx_bytes = std::fs::read(format!(
        "{}/../fixtures/deliverable/mail.contoso.com-3des.pfx",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let pw = std::fs::read_to_string(format!(
        "{}/../fixtures/deliverable/pfx-password.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let read_opts = DetectOptions {
        passwords: vec![Secret::new(pw.trim_end().to_owned())],
        ..DetectOptions::default()
    };
    c.bench_function("read 3DES PFX (MAC + decrypt)", |b| {
        b.iter(|| input::read_pkcs12(&pfx_bytes, &Origin::file("b.pfx"), &read_opts))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
