//! A PKCS#10 certificate signing request, parsed once, keeping its exact DER.

use crate::input_error::{InputError, ObjectKind};
use crate::model::cert::Signature;
use crate::model::key::PublicKey;
use crate::name::DistinguishedName;
use crate::origin::Origin;
use x509_parser::asn1_rs::ToDer;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

/// A certificate signing request.
#[derive(Clone, Debug)]
pub struct Csr {
    /// The exact DER.
    pub der: Vec<u8>,
    /// Where it was found.
    pub origin: Origin,
    /// Requested subject.
    pub subject: DistinguishedName,
    /// The request's public key.
    pub public_key: PublicKey,
    /// DNS names requested in the subjectAltName of the extensionRequest attribute, in order.
    pub dns_names: Vec<String>,
    /// Signature algorithm and value.
    pub signature: Signature,
    /// Byte range of CertificationRequestInfo inside `der` (what the signature covers).
    pub info_range: std::ops::Range<usize>,
}

impl Csr {
    /// Parse a DER PKCS#10 request.
    pub fn from_der(der: Vec<u8>, origin: Origin) -> Result<Csr, InputError> {
        let bad = |e: Box<dyn std::error::Error + Send + Sync>| InputError::Malformed {
            origin: origin.clone(),
            kind: ObjectKind::Csr,
            source: e,
        };
        let (rest, req) =
            x509_parser::certification_request::X509CertificationRequest::from_der(&der)
                .map_err(|e| bad(Box::new(e)))?;
        if !rest.is_empty() {
            return Err(bad("trailing data after the request".into()));
        }
        let info = &req.certification_request_info;
        let subject =
            DistinguishedName::from_der(info.subject.as_raw()).map_err(|e| bad(Box::new(e)))?;
        let public_key =
            PublicKey::from_spki_der(info.subject_pki.raw).map_err(|e| bad(Box::new(e)))?;
        let mut dns_names = Vec::new();
        if let Some(exts) = req.requested_extensions() {
            for ext in exts {
                if let ParsedExtension::SubjectAlternativeName(san) = ext {
                    for gn in &san.general_names {
                        if let GeneralName::DNSName(d) = gn {
                            dns_names.push((*d).to_owned());
                        }
                    }
                }
            }
        }
        let info_raw: &[u8] = info.raw;
        let start = info_raw.as_ptr() as usize - der.as_ptr() as usize;
        let info_range = start..start + info_raw.len();
        let signature = Signature {
            algorithm: super::cert::oid_text(&req.signature_algorithm.algorithm),
            parameters: req
                .signature_algorithm
                .parameters
                .as_ref()
                .filter(|p| p.tag() != x509_parser::der_parser::asn1_rs::Tag::Null)
                .map(|p| p.to_der_vec().unwrap_or_default()),
            value: req.signature_value.data.to_vec(),
        };
        drop(req);
        Ok(Csr {
            der,
            origin,
            subject,
            public_key,
            dns_names,
            signature,
            info_range,
        })
    }

    /// The CertificationRequestInfo bytes the signature covers.
    pub fn info(&self) -> &[u8] {
        &self.der[self.info_range.clone()]
    }
}
