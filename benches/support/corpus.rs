//! The scan benchmark corpus: a tree of files, each a leaf certificate plus its intermediate
//! (PEM), drawn from a small pool of distinct pairs made once with rcgen.
//!
//! Shared by `examples/gen_scan_corpus.rs` (the 100,000-file tree of docs/performance.md) and
//! `benches/scan.rs` (a small tree). Keys: ECDSA from ring through rcgen; RSA from the `rsa`
//! crate (ring cannot generate RSA keys), a few reused across leaves — every certificate still
//! differs (serial, names, dates), so thumbprints differ.
#![allow(dead_code)]

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SerialNumber, PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384,
};
use rsa::pkcs8::EncodePrivateKey;
use std::io::Write;
use std::path::Path;
use time::Duration;

fn rsa_key(bits: usize) -> KeyPair {
    let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, bits).expect("RSA key generation");
    let der = key.to_pkcs8_der().expect("PKCS#8 encoding");
    KeyPair::try_from(der.as_bytes()).expect("ring accepts the RSA key")
}

fn dn(cn: &str, org: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "US");
    dn.push(DnType::StateOrProvinceName, "Washington");
    dn.push(DnType::LocalityName, "Redmond");
    dn.push(DnType::OrganizationName, org);
    dn.push(DnType::CommonName, cn);
    dn
}

/// `pairs` distinct PEM texts, each a leaf then its intermediate. Leaves alternate RSA-2048 and
/// ECDSA P-256; intermediates (5, or fewer for small pools) alternate RSA-2048 and P-384.
/// Leaf notAfter dates are spread from 2026-12-01 in steps of 9 days.
pub fn pairs(pairs: usize) -> Vec<String> {
    let base = time::macros::datetime!(2026-01-01 00:00 UTC);
    let root_key = KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).expect("P-384 key");
    let mut root = CertificateParams::default();
    root.distinguished_name = dn("Contoso Bench Root CA", "Contoso Bench");
    root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root.not_before = base - Duration::days(3650);
    root.not_after = base + Duration::days(7300);
    let root_issuer = Issuer::new(root, &root_key);

    let n_int = pairs.clamp(1, 5);
    let n_rsa = pairs.div_ceil(2).clamp(1, 4);
    let rsa_keys: Vec<KeyPair> = (0..n_rsa).map(|_| rsa_key(2048)).collect();
    let int_rsa_key = rsa_key(2048);
    let mut intermediates = Vec::new();
    for i in 0..n_int {
        let key = if i % 2 == 0 {
            None
        } else {
            Some(KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).expect("P-384 key"))
        };
        let mut p = CertificateParams::default();
        p.distinguished_name = dn(
            &format!("Contoso Bench Issuing CA {}", i + 1),
            "Contoso Bench",
        );
        p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        p.serial_number = Some(SerialNumber::from(1000 + i as u64));
        p.not_before = base - Duration::days(365);
        p.not_after = base + Duration::days(3650);
        p.use_authority_key_identifier_extension = true;
        let pem = match &key {
            None => p.signed_by(&int_rsa_key, &root_issuer),
            Some(k) => p.signed_by(k, &root_issuer),
        }
        .expect("intermediate")
        .pem();
        intermediates.push((p, key, pem));
    }
    let mut out = Vec::with_capacity(pairs);
    for i in 0..pairs {
        let (ip, ikey, ipem) = &intermediates[i % n_int];
        let issuer = match ikey {
            None => Issuer::from_params(ip, &int_rsa_key),
            Some(k) => Issuer::from_params(ip, k),
        };
        let host = format!("host{i:02}.contoso.example");
        let mut p =
            CertificateParams::new(vec![host.clone(), format!("mail{i:02}.contoso.example")])
                .expect("names");
        p.distinguished_name = dn(&host, "Contoso Ltd");
        p.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        p.extended_key_usages = vec![
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        ];
        p.serial_number = Some(SerialNumber::from(0x1_0000 + i as u64));
        p.use_authority_key_identifier_extension = true;
        p.not_before = base;
        p.not_after = time::macros::datetime!(2026-12-01 00:00 UTC) + Duration::days(9 * i as i64);
        let leaf = if i % 2 == 0 {
            p.signed_by(&rsa_keys[(i / 2) % n_rsa], &issuer)
        } else {
            let k = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("P-256 key");
            p.signed_by(&k, &issuer)
        }
        .expect("leaf");
        out.push(format!("{}{}", leaf.pem(), ipem));
    }
    out
}

/// The relative path of file `k`: 1,000 files per top folder, 100 per subfolder.
pub fn file_path(k: usize) -> String {
    let ext = ["pem", "crt", "cer"][k % 3];
    format!("{:03}/{:02}/cert-{k:06}.{ext}", k / 1000, (k / 100) % 10)
}

/// Write `files` files under `root`, file k holding pair `(k * 7919) % pairs.len()`.
/// Returns the bytes written.
pub fn write_tree(root: &Path, files: usize, pairs: &[String]) -> std::io::Result<u64> {
    let mut total = 0u64;
    for k in 0..files {
        let path = root.join(file_path(k));
        if k % 100 == 0 {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
        }
        let pem = &pairs[(k * 7919) % pairs.len()];
        std::fs::File::create(&path)?.write_all(pem.as_bytes())?;
        total += pem.len() as u64;
    }
    Ok(total)
}
