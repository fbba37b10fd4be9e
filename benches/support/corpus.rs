//! The scan benchmark corpus: a tree of files, each a leaf certificate plus its intermediate
//! (PEM), made with rcgen: every leaf distinct (the 100,000-file tree), or drawn from a small
//! pool of distinct pairs (the criterion bench).
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

/// The corpus' CAs and keys: an ECDSA P-384 root and up to 5 issuing CAs alternating RSA-2048
/// and P-384, plus a few RSA-2048 leaf keys (ring cannot generate RSA; the `rsa` crate takes
/// ~0.2 s a key, so leaves share them — every certificate still differs).
pub struct Corpus {
    intermediates: Vec<(CertificateParams, Option<KeyPair>, String)>,
    int_rsa_key: KeyPair,
    rsa_keys: Vec<KeyPair>,
}

impl Corpus {
    /// CAs for a corpus of `leaves` distinct leaves (fewer CAs and RSA keys for tiny corpora).
    pub fn new(leaves: usize) -> Corpus {
        Corpus::with_cas(leaves, leaves.clamp(1, 5))
    }

    /// As [`Corpus::new`] with `cas` issuing CAs (every leaf then issued by one of them).
    pub fn with_cas(leaves: usize, cas: usize) -> Corpus {
        let base = time::macros::datetime!(2026-01-01 00:00 UTC);
        let root_key = KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).expect("P-384 key");
        let mut root = CertificateParams::default();
        root.distinguished_name = dn("Contoso Bench Root CA", "Contoso Bench");
        root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        root.not_before = base - Duration::days(3650);
        root.not_after = base + Duration::days(7300);
        let root_issuer = Issuer::new(root, &root_key);

        let n_int = cas.clamp(1, 5);
        let n_rsa = leaves.div_ceil(2).clamp(1, 4);
        let rsa_keys: Vec<KeyPair> = (0..n_rsa).map(|_| rsa_key(2048)).collect();
        let int_rsa_key = rsa_key(2048);
        let mut intermediates = Vec::new();
        for i in 0..n_int {
            let key = if i.is_multiple_of(2) {
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
        Corpus {
            intermediates,
            int_rsa_key,
            rsa_keys,
        }
    }

    /// Leaf `i` then its intermediate, in PEM. Leaves alternate RSA-2048 and ECDSA P-256 and
    /// cycle through the issuing CAs; each has its own serial and host names; notAfter dates
    /// are spread from 2026-12-01 in steps of 9 days over a 120-step cycle (so at the pinned
    /// instant 2027-01-01 some are expired and some expire within a month).
    pub fn pair(&self, i: usize) -> String {
        format!("{}{}", self.leaf(i), self.intermediate_of(i))
    }

    /// The PEM of the intermediate that issues leaf `i`.
    pub fn intermediate_of(&self, i: usize) -> &str {
        &self.intermediates[i % self.intermediates.len()].2
    }

    /// Leaf `i` alone, in PEM (see [`Corpus::pair`]).
    pub fn leaf(&self, i: usize) -> String {
        let base = time::macros::datetime!(2026-01-01 00:00 UTC);
        let (ip, ikey, _) = &self.intermediates[i % self.intermediates.len()];
        let issuer = match ikey {
            None => Issuer::from_params(ip, &self.int_rsa_key),
            Some(k) => Issuer::from_params(ip, k),
        };
        let host = format!("host{i:06}.contoso.example");
        let mut p =
            CertificateParams::new(vec![host.clone(), format!("mail{i:06}.contoso.example")])
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
        p.not_after =
            time::macros::datetime!(2026-12-01 00:00 UTC) + Duration::days(9 * (i % 120) as i64);
        let leaf = if i.is_multiple_of(2) {
            p.signed_by(&self.rsa_keys[(i / 2) % self.rsa_keys.len()], &issuer)
        } else {
            let k = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("P-256 key");
            p.signed_by(&k, &issuer)
        }
        .expect("leaf");
        leaf.pem()
    }
}

/// `pairs` distinct PEM texts, each a leaf then its intermediate (see [`Corpus::pair`]).
pub fn pairs(pairs: usize) -> Vec<String> {
    let corpus = Corpus::new(pairs);
    (0..pairs).map(|i| corpus.pair(i)).collect()
}

/// The relative path of file `k`: 1,000 files per top folder, 100 per subfolder.
pub fn file_path(k: usize) -> String {
    let ext = ["pem", "crt", "cer"][k % 3];
    format!("{:03}/{:02}/cert-{k:06}.{ext}", k / 1000, (k / 100) % 10)
}

/// Write `files` files under `root`, file k holding pair `(k * 7919) % pairs.len()`.
/// Returns the bytes written.
pub fn write_tree(root: &Path, files: usize, pairs: &[String]) -> std::io::Result<u64> {
    write_tree_with(root, files, |k| pairs[(k * 7919) % pairs.len()].clone())
}

/// Write `files` files under `root`, file k holding `pem(k)`, generating in parallel.
/// Returns the bytes written.
pub fn write_tree_with(
    root: &Path,
    files: usize,
    pem: impl Fn(usize) -> String + Sync,
) -> std::io::Result<u64> {
    use rayon::prelude::*;
    for k in (0..files).step_by(100) {
        if let Some(dir) = root.join(file_path(k)).parent() {
            std::fs::create_dir_all(dir)?;
        }
    }
    (0..files)
        .into_par_iter()
        .map(|k| {
            let text = pem(k);
            std::fs::File::create(root.join(file_path(k)))?.write_all(text.as_bytes())?;
            Ok(text.len() as u64)
        })
        .sum()
}

/// One PEM file holding the issuing CA, then `leaves` leaves it issued (a CA's issuance
/// export, issue 16), generated in parallel; and the same leaves as `leaves` files of one leaf
/// and the CA each, under `tree` when given. Returns the bundle's bytes.
pub fn write_bundle(bundle: &Path, tree: Option<&Path>, leaves: usize) -> std::io::Result<u64> {
    use rayon::prelude::*;
    let corpus = Corpus::with_cas(leaves, 1);
    let texts: Vec<String> = (0..leaves)
        .into_par_iter()
        .map(|i| corpus.leaf(i))
        .collect();
    let ca = corpus.intermediate_of(0);
    let mut out = std::io::BufWriter::new(std::fs::File::create(bundle)?);
    out.write_all(ca.as_bytes())?;
    let mut bytes = ca.len() as u64;
    for t in &texts {
        out.write_all(t.as_bytes())?;
        bytes += t.len() as u64;
    }
    out.flush()?;
    if let Some(tree) = tree {
        write_tree_with(tree, leaves, |k| format!("{}{}", texts[k], ca))?;
    }
    Ok(bytes)
}
