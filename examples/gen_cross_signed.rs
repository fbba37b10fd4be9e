//! Generate the hostile bundle of issue 16: a leaf and COPIES certificates of one CA, all with
//! the same subject and key (cross-signed copies, distinct serials), in one PEM file:
//! `cargo run --example gen_cross_signed -- OUT.pem [COPIES=5000]`. `certprep inspect OUT.pem`
//! then ends every chain at the search budget (docs/performance.md).

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SerialNumber, PKCS_ECDSA_P256_SHA256,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .ok_or("usage: gen_cross_signed OUT.pem [COPIES]")?;
    let copies: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(5000);
    if std::path::Path::new(&out).exists() {
        return Err(format!("{out} exists; remove it first").into());
    }
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let ca = |serial: u64| {
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "Cross CA");
        p.distinguished_name = dn;
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        p.serial_number = Some(SerialNumber::from(serial));
        p.not_before = rcgen::date_time_ymd(2025, 1, 1);
        p.not_after = rcgen::date_time_ymd(2035, 1, 1);
        p
    };
    let first = ca(1);
    let issuer = Issuer::from_params(&first, &key);
    let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let mut leaf = CertificateParams::new(vec!["mail.contoso.example".to_string()])?;
    leaf.not_before = rcgen::date_time_ymd(2026, 1, 1);
    leaf.not_after = rcgen::date_time_ymd(2027, 6, 1);
    let mut text = leaf.signed_by(&leaf_key, &issuer)?.pem();
    for i in 0..copies {
        text.push_str(&ca(1000 + i).signed_by(&key, &issuer)?.pem());
    }
    std::fs::write(&out, text)?;
    eprintln!("{out}: a leaf and {copies} copies of one CA");
    Ok(())
}
