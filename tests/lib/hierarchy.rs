//! Certificate hierarchies generated in the test with rcgen (ECDSA P-256, fixed dates), parsed
//! into `certprep::model::Cert`. Shared by the chain tests and `benches/chain.rs`.
#![allow(dead_code)]

use certprep::input::Origin;
use certprep::model::Cert;
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, IsCa, Issuer,
    KeyPair, KeyUsagePurpose,
};
use time::OffsetDateTime;

/// A certificate with its key (so it can issue more).
pub struct Node {
    pub params: CertificateParams,
    pub key: KeyPair,
    pub der: Vec<u8>,
}

impl Node {
    /// Parsed, with an origin naming it.
    pub fn cert(&self, name: &str) -> Cert {
        Cert::from_der(self.der.clone(), Origin::file(name)).expect("generated cert parses")
    }
}

/// What to put in a certificate.
#[derive(Clone)]
pub struct Spec {
    pub cn: String,
    pub ca: bool,
    pub path_len: Option<u8>,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub aki: bool,
    pub key_cert_sign: bool,
    pub aia: Option<String>,
    pub serial: u64,
}

pub fn ymd(y: i32, m: u8, d: u8) -> OffsetDateTime {
    rcgen::date_time_ymd(y, m, d)
}

impl Spec {
    pub fn ca(cn: &str) -> Spec {
        Spec {
            cn: cn.into(),
            ca: true,
            path_len: None,
            not_before: ymd(2020, 1, 1),
            not_after: ymd(2040, 1, 1),
            aki: true,
            key_cert_sign: true,
            aia: None,
            serial: 1,
        }
    }

    pub fn leaf(cn: &str) -> Spec {
        Spec {
            ca: false,
            not_before: ymd(2026, 1, 1),
            not_after: ymd(2027, 6, 1),
            ..Spec::ca(cn)
        }
    }

    pub fn valid(mut self, from: OffsetDateTime, to: OffsetDateTime) -> Spec {
        self.not_before = from;
        self.not_after = to;
        self
    }

    pub fn no_aki(mut self) -> Spec {
        self.aki = false;
        self
    }

    pub fn aia(mut self, url: &str) -> Spec {
        self.aia = Some(url.into());
        self
    }

    pub fn serial(mut self, s: u64) -> Spec {
        self.serial = s;
        self
    }

    pub fn path_len(mut self, n: u8) -> Spec {
        self.path_len = Some(n);
        self
    }

    pub fn not_ca(mut self) -> Spec {
        self.ca = false;
        self
    }

    fn params(&self) -> CertificateParams {
        let mut p = CertificateParams::new(if self.ca {
            Vec::new()
        } else {
            vec![self.cn.clone()]
        })
        .expect("params");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, self.cn.as_str());
        p.distinguished_name = dn;
        p.not_before = self.not_before;
        p.not_after = self.not_after;
        p.serial_number = Some(rcgen::SerialNumber::from(self.serial));
        p.use_authority_key_identifier_extension = self.aki;
        if self.ca {
            p.is_ca = IsCa::Ca(match self.path_len {
                Some(n) => BasicConstraints::Constrained(n),
                None => BasicConstraints::Unconstrained,
            });
            p.key_usages = if self.key_cert_sign {
                vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign]
            } else {
                vec![KeyUsagePurpose::DigitalSignature]
            };
        } else {
            p.is_ca = IsCa::ExplicitNoCa;
            p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        }
        if let Some(url) = &self.aia {
            p.custom_extensions.push(aia_extension(url));
        }
        p
    }
}

/// Authority Information Access with one caIssuers URI (RFC 5280 §4.2.2.1).
fn aia_extension(url: &str) -> CustomExtension {
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        assert!(body.len() < 128);
        let mut v = vec![tag, body.len() as u8];
        v.extend_from_slice(body);
        v
    }
    let ca_issuers_oid = [0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    let mut access = ca_issuers_oid.to_vec();
    access.extend(tlv(0x86, url.as_bytes()));
    let content = tlv(0x30, &tlv(0x30, &access));
    CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], content)
}

pub fn new_key() -> KeyPair {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key")
}

/// A self-signed certificate.
pub fn root(spec: &Spec) -> Node {
    let key = new_key();
    let params = spec.params();
    let der = params
        .self_signed(&key)
        .expect("self-signed")
        .der()
        .to_vec();
    Node { params, key, der }
}

/// A certificate for `spec` with a new key, issued by `issuer`.
pub fn issue(spec: &Spec, issuer: &Node) -> Node {
    issue_with_key(spec, new_key(), issuer)
}

/// A certificate for `spec` with the given key, issued by `issuer`.
pub fn issue_with_key(spec: &Spec, key: KeyPair, issuer: &Node) -> Node {
    let params = spec.params();
    let iss = Issuer::from_params(&issuer.params, &issuer.key);
    let der = params.signed_by(&key, &iss).expect("signed").der().to_vec();
    Node { params, key, der }
}

/// The same subject and key as `subject`, issued (cross-signed) by `issuer`.
pub fn cross_sign(subject: &Node, spec: &Spec, issuer: &Node) -> Node {
    let key = KeyPair::from_pem(&subject.key.serialize_pem()).expect("key copy");
    issue_with_key(spec, key, issuer)
}
