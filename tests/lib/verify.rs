//! Signature verification against OpenSSL: certificates signed by OpenSSL with every supported
//! algorithm (RSA PKCS#1 v1.5 MD5/SHA-1/SHA-256/384/512, RSA-PSS SHA-256/384/512, ECDSA
//! P-256/P-384 with SHA-256/384) verify with certprep exactly when `X509::verify` says so.

use certprep::input::Origin;
use certprep::model::{Cert, Csr};
use certprep::verify::{self, Hash, SignatureAlgorithm, VerifyError};
use der::{Decode, Encode};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::x509::{X509Builder, X509NameBuilder, X509ReqBuilder, X509};

fn rsa_key() -> PKey<Private> {
    // One 2048-bit key for all RSA tests (generation is the slow part).
    static KEY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let der = KEY.get_or_init(|| {
        PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap())
            .unwrap()
            .private_key_to_der()
            .unwrap()
    });
    PKey::private_key_from_der(der).unwrap()
}

fn ec_key(nid: openssl::nid::Nid) -> PKey<Private> {
    let group = openssl::ec::EcGroup::from_curve_name(nid).unwrap();
    PKey::from_ec_key(openssl::ec::EcKey::generate(&group).unwrap()).unwrap()
}

/// A self-signed certificate made and signed by OpenSSL.
fn openssl_cert(key: &PKey<Private>, md: MessageDigest) -> X509 {
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "verify test").unwrap();
    let name = name.build();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(key).unwrap();
    b.set_not_before(&openssl::asn1::Asn1Time::from_unix(1_700_000_000).unwrap())
        .unwrap();
    b.set_not_after(&openssl::asn1::Asn1Time::from_unix(1_900_000_000).unwrap())
        .unwrap();
    b.sign(key, md).unwrap();
    b.build()
}

/// Re-sign an OpenSSL certificate with RSASSA-PSS (hash, MGF1 with the same hash, salt = hash
/// length), through OpenSSL's signer.
fn pss_cert(key: &PKey<Private>, md: MessageDigest, salt: u8) -> Vec<u8> {
    let base = openssl_cert(key, MessageDigest::sha256()).to_der().unwrap();
    let mut c = x509_cert::Certificate::from_der(&base).unwrap();
    let params = match md.size() {
        32 => pkcs1::RsaPssParams::new::<sha2::Sha256>(salt),
        48 => pkcs1::RsaPssParams::new::<sha2::Sha384>(salt),
        _ => pkcs1::RsaPssParams::new::<sha2::Sha512>(salt),
    };
    let alg = spki::AlgorithmIdentifierOwned {
        oid: "1.2.840.113549.1.1.10".parse().unwrap(),
        parameters: Some(der::Any::from_der(&params.to_der().unwrap()).unwrap()),
    };
    c.tbs_certificate.signature = alg.clone();
    c.signature_algorithm = alg;
    let tbs = c.tbs_certificate.to_der().unwrap();
    let mut signer = openssl::sign::Signer::new(md, key).unwrap();
    signer
        .set_rsa_padding(openssl::rsa::Padding::PKCS1_PSS)
        .unwrap();
    signer
        .set_rsa_pss_saltlen(openssl::sign::RsaPssSaltlen::custom(salt as i32))
        .unwrap();
    signer.set_rsa_mgf1_md(md).unwrap();
    signer.update(&tbs).unwrap();
    let sig = signer.sign_to_vec().unwrap();
    c.signature = der::asn1::BitString::from_bytes(&sig).unwrap();
    c.to_der().unwrap()
}

fn ours(der: &[u8]) -> Cert {
    Cert::from_der(der.to_vec(), Origin::file("test")).unwrap()
}

fn check(der: &[u8], key: &PKey<Private>, expect: SignatureAlgorithm) {
    let openssl_ok = X509::from_der(der).unwrap().verify(key).unwrap();
    assert!(openssl_ok, "OpenSSL must verify its own certificate");
    let c = ours(der);
    assert_eq!(verify::cert_signed_by(&c, &c), Ok(expect));
    assert!(verify::is_self_signed(&c));
    // One flipped bit in the signed part: both reject.
    let mut bad = der.to_vec();
    let i = c.tbs_range.start + 40;
    bad[i] ^= 0x01;
    let ossl_bad = X509::from_der(&bad).map(|x| x.verify(key).unwrap_or(false));
    let c_bad = ours(&bad);
    assert_eq!(
        verify::cert_signed_by(&c_bad, &c),
        Err(VerifyError::Invalid)
    );
    assert_eq!(ossl_bad.ok(), Some(false));
}

#[test]
fn verify_rsa_pkcs1_all_hashes_agree_with_openssl() {
    let key = rsa_key();
    for (md, h) in [
        (MessageDigest::md5(), Hash::Md5),
        (MessageDigest::sha1(), Hash::Sha1),
        (MessageDigest::sha256(), Hash::Sha256),
        (MessageDigest::sha384(), Hash::Sha384),
        (MessageDigest::sha512(), Hash::Sha512),
    ] {
        let der = openssl_cert(&key, md).to_der().unwrap();
        check(&der, &key, SignatureAlgorithm::RsaPkcs1(h));
        assert_eq!(
            SignatureAlgorithm::RsaPkcs1(h).is_weak(),
            matches!(h, Hash::Md5 | Hash::Sha1)
        );
    }
}

#[test]
fn verify_rsa_pss_agrees_with_openssl() {
    let key = rsa_key();
    for (md, h, salt) in [
        (MessageDigest::sha256(), Hash::Sha256, 32),
        (MessageDigest::sha384(), Hash::Sha384, 48),
        (MessageDigest::sha512(), Hash::Sha512, 64),
        (MessageDigest::sha256(), Hash::Sha256, 20),
    ] {
        let der = pss_cert(&key, md, salt);
        check(&der, &key, SignatureAlgorithm::RsaPss(h));
    }
}

#[test]
fn verify_ecdsa_p256_p384_agree_with_openssl() {
    for (nid, md, h) in [
        (
            openssl::nid::Nid::X9_62_PRIME256V1,
            MessageDigest::sha256(),
            Hash::Sha256,
        ),
        (
            openssl::nid::Nid::X9_62_PRIME256V1,
            MessageDigest::sha384(),
            Hash::Sha384,
        ),
        (
            openssl::nid::Nid::SECP384R1,
            MessageDigest::sha384(),
            Hash::Sha384,
        ),
        (
            openssl::nid::Nid::SECP384R1,
            MessageDigest::sha256(),
            Hash::Sha256,
        ),
    ] {
        let key = ec_key(nid);
        let der = openssl_cert(&key, md).to_der().unwrap();
        check(&der, &key, SignatureAlgorithm::Ecdsa(h));
    }
}

#[test]
fn verify_wrong_key_type_and_wrong_key_are_rejected() {
    let rsa = ours(
        &openssl_cert(&rsa_key(), MessageDigest::sha256())
            .to_der()
            .unwrap(),
    );
    let ec = ours(
        &openssl_cert(
            &ec_key(openssl::nid::Nid::X9_62_PRIME256V1),
            MessageDigest::sha256(),
        )
        .to_der()
        .unwrap(),
    );
    assert!(matches!(
        verify::cert_signed_by(&ec, &rsa),
        Err(VerifyError::KeyMismatch { .. })
    ));
    let ec2 = ours(
        &openssl_cert(
            &ec_key(openssl::nid::Nid::X9_62_PRIME256V1),
            MessageDigest::sha256(),
        )
        .to_der()
        .unwrap(),
    );
    assert_eq!(verify::cert_signed_by(&ec, &ec2), Err(VerifyError::Invalid));
    // Self-issued (same name) but not signed by its own key: not self-signed.
    assert!(ec.is_self_issued());
}

#[test]
fn verify_unsupported_curve_is_reported_not_panicking() {
    let key = ec_key(openssl::nid::Nid::SECP521R1);
    let c = ours(
        &openssl_cert(&key, MessageDigest::sha512())
            .to_der()
            .unwrap(),
    );
    assert!(matches!(
        verify::cert_signed_by(&c, &c),
        Err(VerifyError::Unsupported { .. })
    ));
    assert!(!verify::is_self_signed(&c));
}

#[test]
fn csr_signature_agrees_with_openssl() {
    for key in [rsa_key(), ec_key(openssl::nid::Nid::X9_62_PRIME256V1)] {
        let mut name = X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", "mail.contoso.com").unwrap();
        let mut b = X509ReqBuilder::new().unwrap();
        b.set_subject_name(&name.build()).unwrap();
        b.set_pubkey(&key).unwrap();
        b.sign(&key, MessageDigest::sha256()).unwrap();
        let req = b.build();
        assert!(req.verify(&key).unwrap());
        let der = req.to_der().unwrap();
        let csr = Csr::from_der(der.clone(), Origin::file("req")).unwrap();
        assert!(verify::csr_signature_ok(&csr).is_ok());
        let mut bad = der.clone();
        let i = csr.info_range.start + 20;
        bad[i] ^= 0x01;
        if let Ok(csr_bad) = Csr::from_der(bad, Origin::file("bad")) {
            assert!(verify::csr_signature_ok(&csr_bad).is_err());
        }
    }
}

#[test]
fn inspect_uses_verified_self_signed_and_csr_signature_valid() {
    use certprep::input::{Detected, Item};
    let key = ec_key(openssl::nid::Nid::X9_62_PRIME256V1);
    let root = ours(
        &openssl_cert(&key, MessageDigest::sha256())
            .to_der()
            .unwrap(),
    );
    // Same name as issuer, but signed by another key: self-issued, not self-signed.
    let other = ec_key(openssl::nid::Nid::X9_62_PRIME256V1);
    let mut b = X509Builder::new().unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "verify test").unwrap();
    let name = name.build();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&openssl::asn1::Asn1Time::from_unix(1_700_000_000).unwrap())
        .unwrap();
    b.set_not_after(&openssl::asn1::Asn1Time::from_unix(1_900_000_000).unwrap())
        .unwrap();
    b.sign(&other, MessageDigest::sha256()).unwrap();
    let forged = ours(&b.build().to_der().unwrap());
    let mut req = X509ReqBuilder::new().unwrap();
    req.set_subject_name(&name).unwrap();
    req.set_pubkey(&key).unwrap();
    req.sign(&key, MessageDigest::sha256()).unwrap();
    let csr = Csr::from_der(req.build().to_der().unwrap(), Origin::file("req")).unwrap();
    let detected = Detected {
        items: vec![Item::Cert(root), Item::Cert(forged), Item::Csr(csr)],
        problems: Vec::new(),
    };
    let r = certprep::inspect::InspectReport::build(
        &detected,
        time::macros::datetime!(2027-01-01 0:00 UTC),
        certprep::inspect::Trust::default(),
    );
    assert!(r.certificates[0].is_self_signed);
    assert!(!r.certificates[1].is_self_signed);
    assert!(r.requests[0].signature_valid);
}
