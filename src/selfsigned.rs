//! Self-signed TLS certificates for labs and Edge Transport servers, shaped like the ones
//! `New-ExchangeCertificate` makes: subject `CN=` the first name, every name in the
//! subjectAltName, keyUsage digitalSignature + keyEncipherment, extKeyUsage serverAuth.
//!
//! Pure: the start of validity and the randomness are arguments (the binary passes the clock
//! and the OS generator). Nothing is printed or written here.

use crate::csr::{common_name, extension, leaf_extensions, SanEntry};
use crate::csr_error::CsrError;
use crate::keygen::{GeneratedKey, KeyType};
use crate::oid;
use der::asn1::{BitString, GeneralizedTime, OctetString, UtcTime};
use der::{Decode, Encode};
use rand_core::CryptoRngCore;
use sha1::{Digest, Sha1};
use std::time::Duration;
use time::OffsetDateTime;
use x509_cert::certificate::{Certificate, TbsCertificate, Version};
use x509_cert::ext::pkix::{BasicConstraints, SubjectKeyIdentifier};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};

/// Exchange's self-signed certificates are valid for five years.
pub const DEFAULT_DAYS: u32 = 5 * 365;

/// The longest validity accepted (100 years).
pub const MAX_DAYS: u32 = 36_500;

/// What to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelfSignedSpec {
    /// The names, in order; the first is the subject CN. Duplicates are dropped.
    pub names: Vec<SanEntry>,
    /// Days of validity from `not_before`.
    pub days: u32,
    /// The kind of key to generate.
    pub key_type: KeyType,
    /// The start of validity (truncated to whole seconds).
    pub not_before: OffsetDateTime,
}

/// A generated certificate and its key.
#[derive(Debug)]
pub struct SelfSigned {
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// Its key.
    pub key: GeneratedKey,
}

impl SelfSigned {
    /// The certificate as PEM (`CERTIFICATE`, LF line ends).
    pub fn to_pem(&self) -> Result<String, CsrError> {
        der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, &self.der)
            .map_err(|e| CsrError::Encoding(e.into()))
    }
}

/// Generate a key and a self-signed certificate for `spec`.
pub fn generate<R: CryptoRngCore + ?Sized>(
    spec: &SelfSignedSpec,
    rng: &mut R,
) -> Result<SelfSigned, CsrError> {
    let names = crate::csr::CsrSpec::new(spec.names.clone()).unique_names();
    let first = names.first().ok_or(CsrError::NoNames)?;
    if spec.days == 0 || spec.days > MAX_DAYS {
        return Err(CsrError::Validity { days: spec.days });
    }
    let subject_der = common_name(&first.text())?;
    let key = GeneratedKey::generate(spec.key_type, rng)?;

    let not_before = spec
        .not_before
        .replace_nanosecond(0)
        .unwrap_or(spec.not_before);
    let not_after = not_before + time::Duration::days(i64::from(spec.days));
    let validity = Validity {
        not_before: x509_time(not_before).ok_or(CsrError::Validity { days: spec.days })?,
        not_after: x509_time(not_after).ok_or(CsrError::Validity { days: spec.days })?,
    };

    // 16 random bytes, top bit clear (a positive INTEGER) and the next set (a fixed length),
    // within RFC 5280's 20-octet limit and CA/B's 64 bits of entropy.
    let mut serial = [0u8; 16];
    rng.fill_bytes(&mut serial);
    serial[0] = (serial[0] & 0x7F) | 0x40;

    let spki = SubjectPublicKeyInfoOwned::from_der(&key.public_key().spki_der)
        .map_err(CsrError::Encoding)?;
    // Subject Key Identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1),
    // as Windows computes it.
    let ski = Sha1::digest(spki.subject_public_key.raw_bytes());
    let mut extensions = leaf_extensions(&names, false, &key.public_key().algorithm)?;
    extensions.push(extension(
        oid::EXT_BASIC_CONSTRAINTS,
        true,
        &BasicConstraints {
            ca: false,
            path_len_constraint: None,
        },
    )?);
    extensions.push(extension(
        oid::EXT_SUBJECT_KEY_ID,
        false,
        &SubjectKeyIdentifier(OctetString::new(ski.to_vec()).map_err(CsrError::Encoding)?),
    )?);

    let name = Name::from_der(&subject_der).map_err(CsrError::Encoding)?;
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::new(&serial).map_err(CsrError::Encoding)?,
        signature: key.signature_algorithm(),
        issuer: name.clone(),
        validity,
        subject: name,
        subject_public_key_info: spki,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    };
    let tbs_der = tbs.to_der().map_err(CsrError::Encoding)?;
    let signature = key.sign(&tbs_der, rng)?;
    let cert = Certificate {
        tbs_certificate: tbs,
        signature_algorithm: key.signature_algorithm(),
        signature: BitString::from_bytes(&signature).map_err(CsrError::Encoding)?,
    };
    let der = cert.to_der().map_err(CsrError::Encoding)?;
    Ok(SelfSigned { der, key })
}

/// UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5).
fn x509_time(t: OffsetDateTime) -> Option<Time> {
    let secs = u64::try_from(t.unix_timestamp()).ok()?;
    let d = Duration::from_secs(secs);
    if t.year() < 2050 {
        UtcTime::from_unix_duration(d).ok().map(Time::UtcTime)
    } else {
        GeneralizedTime::from_unix_duration(d)
            .ok()
            .map(Time::GeneralTime)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_uses_utctime_before_2050_and_generalized_after() {
        let t = time::macros::datetime!(2049-12-31 23:59:59 UTC);
        assert!(matches!(x509_time(t), Some(Time::UtcTime(_))));
        let t = time::macros::datetime!(2050-01-01 00:00:00 UTC);
        assert!(matches!(x509_time(t), Some(Time::GeneralTime(_))));
    }

    #[test]
    fn zero_days_is_refused() {
        let spec = SelfSignedSpec {
            names: vec![SanEntry::Dns("a.example".into())],
            days: 0,
            key_type: KeyType::P256,
            not_before: time::macros::datetime!(2026-01-01 00:00:00 UTC),
        };
        assert!(matches!(
            generate(&spec, &mut rand_core::OsRng),
            Err(CsrError::Validity { days: 0 })
        ));
    }
}
