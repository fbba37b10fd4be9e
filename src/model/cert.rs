//! An X.509 certificate, parsed once into owned fields, keeping its exact DER.

use crate::input_error::{InputError, ObjectKind};
use crate::model::key::PublicKey;
use crate::name::DistinguishedName;
use crate::oid;
use crate::origin::Origin;
use crate::thumbprint::{HashAlg, Thumbprint};
use time::OffsetDateTime;
use x509_parser::asn1_rs::ToDer;

/// An extended key usage, by name where Windows has one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Eku {
    /// Server Authentication (1.3.6.1.5.5.7.3.1).
    ServerAuth,
    /// Client Authentication.
    ClientAuth,
    /// Code Signing.
    CodeSigning,
    /// Secure Email.
    EmailProtection,
    /// Time Stamping.
    TimeStamping,
    /// OCSP Signing.
    OcspSigning,
    /// Any purpose (2.5.29.37.0).
    Any,
    /// Another usage, by dotted OID.
    Other(String),
}

impl Eku {
    /// The usage for a dotted OID.
    pub fn from_oid(o: &str) -> Eku {
        match o {
            oid::EKU_SERVER_AUTH => Eku::ServerAuth,
            oid::EKU_CLIENT_AUTH => Eku::ClientAuth,
            oid::EKU_CODE_SIGNING => Eku::CodeSigning,
            oid::EKU_EMAIL_PROTECTION => Eku::EmailProtection,
            oid::EKU_TIME_STAMPING => Eku::TimeStamping,
            oid::EKU_OCSP_SIGNING => Eku::OcspSigning,
            oid::EKU_ANY => Eku::Any,
            other => Eku::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for Eku {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The names Windows shows in the certificate dialog and EnhancedKeyUsageList.
        f.write_str(match self {
            Eku::ServerAuth => "Server Authentication",
            Eku::ClientAuth => "Client Authentication",
            Eku::CodeSigning => "Code Signing",
            Eku::EmailProtection => "Secure Email",
            Eku::TimeStamping => "Time Stamping",
            Eku::OcspSigning => "OCSP Signing",
            Eku::Any => "Any Purpose",
            Eku::Other(o) => o,
        })
    }
}

/// Key Usage bits (RFC 5280 §4.2.1.3), by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyUsage {
    /// The usages set, in RFC bit order, with RFC names (`digitalSignature` …).
    pub names: Vec<&'static str>,
}

impl KeyUsage {
    /// Whether the named usage (RFC spelling) is set.
    pub fn has(&self, name: &str) -> bool {
        self.names.contains(&name)
    }
}

/// Basic Constraints (RFC 5280 §4.2.1.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasicConstraints {
    /// cA.
    pub ca: bool,
    /// pathLenConstraint.
    pub path_len: Option<u32>,
}

/// A certificate's signature: algorithm, its parameters, and the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// signatureAlgorithm, dotted OID.
    pub algorithm: String,
    /// The algorithm parameters' DER (for RSA-PSS), if present and not NULL.
    pub parameters: Option<Vec<u8>>,
    /// The signature BIT STRING's bytes.
    pub value: Vec<u8>,
}

impl Signature {
    /// A readable name for the algorithm (`sha256RSA`, as Windows shows it, and so on).
    pub fn algorithm_name(&self) -> String {
        signature_algorithm_name(&self.algorithm)
    }
}

/// Windows' names for signature algorithms; the dotted OID for unknown ones.
pub fn signature_algorithm_name(o: &str) -> String {
    match o {
        oid::SIG_RSA_MD5 => "md5RSA",
        oid::SIG_RSA_SHA1 => "sha1RSA",
        oid::SIG_RSA_SHA256 => "sha256RSA",
        oid::SIG_RSA_SHA384 => "sha384RSA",
        oid::SIG_RSA_SHA512 => "sha512RSA",
        oid::SIG_RSA_PSS => "RSASSA-PSS",
        oid::SIG_ECDSA_SHA1 => "sha1ECDSA",
        oid::SIG_ECDSA_SHA256 => "sha256ECDSA",
        oid::SIG_ECDSA_SHA384 => "sha384ECDSA",
        oid::SIG_ECDSA_SHA512 => "sha512ECDSA",
        oid::SIG_ED25519 => "Ed25519",
        other => return other.to_owned(),
    }
    .to_owned()
}

/// A parsed certificate. Everything is owned; `der` is exactly the bytes that were read.
///
/// The fields that are functions of the DER live in a shared, immutable [`CertBody`] that the
/// certificate dereferences to (`cert.subject`, `cert.der` …), so a copy costs one reference
/// count and the origin: a scan hands out a cached intermediate in every file that holds it,
/// and copying all of its owned fields (dozens of allocations) was a visible share of the
/// scan. Writing a body field through a shared certificate copies the body first
/// ([`std::sync::Arc::make_mut`]), so copies never see each other's changes.
#[derive(Clone, Debug)]
pub struct Cert {
    /// Where it was found.
    pub origin: Origin,
    /// PKCS#12 friendlyName bag attribute, when read from a PFX.
    pub friendly_name: Option<String>,
    /// PKCS#12 localKeyId bag attribute, when read from a PFX.
    pub local_key_id: Option<Vec<u8>>,
    body: std::sync::Arc<CertBody>,
}

impl std::ops::Deref for Cert {
    type Target = CertBody;
    fn deref(&self) -> &CertBody {
        &self.body
    }
}

impl std::ops::DerefMut for Cert {
    fn deref_mut(&mut self) -> &mut CertBody {
        std::sync::Arc::make_mut(&mut self.body)
    }
}

/// What a [`Cert`] parsed from its DER; see there.
#[derive(Clone, Debug)]
pub struct CertBody {
    /// The exact DER, as read. Thumbprints hash these bytes.
    pub der: Vec<u8>,
    /// X.509 version (1, 2 or 3).
    pub version: u32,
    /// Serial number content octets, as encoded (big-endian, sign byte included).
    pub serial: Vec<u8>,
    /// Subject (shared: a cached CA's subject is the issuer of every leaf it signed).
    pub subject: std::sync::Arc<DistinguishedName>,
    /// Issuer (shared; see `subject`).
    pub issuer: std::sync::Arc<DistinguishedName>,
    /// notBefore.
    pub not_before: OffsetDateTime,
    /// notAfter.
    pub not_after: OffsetDateTime,
    /// Subject public key.
    pub public_key: PublicKey,
    /// Signature algorithm and value.
    pub signature: Signature,
    /// Byte range of the TBSCertificate inside `der` (what the signature covers).
    pub tbs_range: std::ops::Range<usize>,
    /// DNS names from subjectAltName, in order.
    pub dns_names: Vec<String>,
    /// IP addresses from subjectAltName, as text.
    pub ip_addresses: Vec<String>,
    /// E-mail addresses (rfc822Name) from subjectAltName.
    pub emails: Vec<String>,
    /// Extended key usages; `None` when the extension is absent (no restriction).
    pub eku: Option<Vec<Eku>>,
    /// Key Usage; `None` when absent.
    pub key_usage: Option<KeyUsage>,
    /// Basic Constraints; `None` when absent.
    pub basic_constraints: Option<BasicConstraints>,
    /// Subject Key Identifier.
    pub subject_key_id: Option<Vec<u8>>,
    /// Authority Key Identifier's keyIdentifier.
    pub authority_key_id: Option<Vec<u8>>,
    /// caIssuers URLs from Authority Information Access.
    pub ca_issuers: Vec<String>,
    /// Critical extensions certprep's parser (x509-parser) does not recognise, dotted OIDs, in
    /// encoded order: a chain through such a certificate is invalid (RFC 5280 §4.2).
    pub unknown_critical: Vec<String>,
    /// Values derived from the fields above on first use (the thumbprint), so a certificate
    /// that is reported many times — a root in every chain, a leaf in its row and its chain —
    /// is hashed once. Filled from `der`: code that changes it after parsing must not have
    /// used the accessors before.
    derived: Derived,
}

/// See [`Cert::derived`].
#[derive(Clone, Debug, Default)]
struct Derived {
    sha1: std::sync::OnceLock<Thumbprint>,
}

/// Dotted-decimal text of an OID x509-parser read: [`crate::der_reader::oid_to_string`] on its
/// content octets (see there for why not asn1-rs's `to_id_string`); asn1-rs's text if malformed.
pub(crate) fn oid_text(oid: &x509_parser::der_parser::asn1_rs::Oid<'_>) -> String {
    crate::der_reader::oid_to_string(oid.as_bytes()).unwrap_or_else(|| oid.to_id_string())
}

fn malformed(origin: &Origin, e: impl std::error::Error + Send + Sync + 'static) -> InputError {
    InputError::Malformed {
        origin: origin.clone(),
        kind: ObjectKind::Certificate,
        source: Box::new(e),
    }
}

/// The name whose DER is `raw`: from `known` if it has it, else parsed.
fn shared_name(
    raw: &[u8],
    known: &dyn Fn(&[u8]) -> Option<std::sync::Arc<DistinguishedName>>,
) -> Result<std::sync::Arc<DistinguishedName>, crate::model::name::NameError> {
    match known(raw) {
        Some(name) => Ok(name),
        None => DistinguishedName::from_der(raw).map(std::sync::Arc::new),
    }
}

/// The subject public key. A key that does not decode (an invalid EC point, a truncated
/// modulus) does not make the certificate unreadable: OpenSSL and Windows load it too, and it
/// fails where the key is used (signature checks, key matching), which is where the user needs
/// to hear of it.
fn public_key(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> PublicKey {
    PublicKey::from_spki_der(spki.raw).unwrap_or_else(|_| PublicKey {
        spki_der: spki.raw.to_vec(),
        algorithm: crate::model::KeyAlgorithm::Other {
            oid: format!("{} (malformed key)", oid_text(&spki.algorithm.algorithm)),
        },
    })
}

/// The outer signature algorithm (parameters kept unless absent or NULL) and value.
fn signature(parts: &super::tbs::Parts<'_>) -> Signature {
    let parameters = parts
        .signature_algorithm
        .parameters
        .as_ref()
        .filter(|p| p.tag() != x509_parser::der_parser::asn1_rs::Tag::Null)
        .map(|p| p.to_der_vec().unwrap_or_default());
    Signature {
        algorithm: oid_text(&parts.signature_algorithm.algorithm),
        parameters,
        value: parts.signature_value.data.to_vec(),
    }
}

/// Where `part`, a slice borrowed from `whole`, lies in it.
fn range_within(whole: &[u8], part: &[u8]) -> std::ops::Range<usize> {
    let start = part.as_ptr() as usize - whole.as_ptr() as usize;
    start..start + part.len()
}

impl CertBody {
    /// The SHA-1 thumbprint of the DER (computed once).
    pub fn sha1(&self) -> &Thumbprint {
        self.derived
            .sha1
            .get_or_init(|| Thumbprint::of(&self.der, HashAlg::Sha1))
    }
}

impl Cert {
    /// Parse a DER certificate. Trailing bytes after the certificate are an error.
    pub fn from_der(der: Vec<u8>, origin: Origin) -> Result<Cert, InputError> {
        Cert::from_der_sharing(der, origin, &|_| None)
    }

    /// [`Cert::from_der`], taking the subject or issuer name from `known` when it has the
    /// name's exact DER (a cache of the CA names seen so far): the same value parsing would
    /// give, shared instead of parsed again.
    pub(crate) fn from_der_sharing(
        der: Vec<u8>,
        origin: Origin,
        known: &dyn Fn(&[u8]) -> Option<std::sync::Arc<DistinguishedName>>,
    ) -> Result<Cert, InputError> {
        let (parts, rest) = super::tbs::split(&der).map_err(|e| malformed(&origin, e))?;
        if !rest.is_empty() {
            return Err(malformed(&origin, TrailingData));
        }
        let name = |raw: &[u8]| shared_name(raw, known).map_err(|e| malformed(&origin, e));
        let subject = name(parts.subject)?;
        let issuer = name(parts.issuer)?;
        let public_key = public_key(&parts.spki);
        let signature = signature(&parts);
        let tbs_range = range_within(&der, parts.tbs);
        let e = super::ext::read(&parts.extensions);
        let version = parts.version.saturating_add(1);
        let serial = parts.serial.to_vec();
        let not_before = parts.validity.not_before.to_datetime();
        let not_after = parts.validity.not_after.to_datetime();
        // `parts` borrows from `der`, which moves into the body.
        drop(parts);
        let body = CertBody {
            der,
            version,
            serial,
            not_before,
            not_after,
            subject,
            issuer,
            public_key,
            signature,
            tbs_range,
            dns_names: e.dns_names,
            ip_addresses: e.ip_addresses,
            emails: e.emails,
            eku: e.eku,
            key_usage: e.key_usage,
            basic_constraints: e.basic_constraints,
            subject_key_id: e.subject_key_id,
            authority_key_id: e.authority_key_id,
            ca_issuers: e.ca_issuers,
            unknown_critical: e.unknown_critical,
            derived: Derived::default(),
        };
        Ok(Cert {
            origin,
            friendly_name: None,
            local_key_id: None,
            body: std::sync::Arc::new(body),
        })
    }

    /// The TBSCertificate bytes the signature covers.
    pub fn tbs(&self) -> &[u8] {
        &self.der[self.tbs_range.clone()]
    }

    /// Whether subject and issuer are the same bytes (self-issued; self-signed if the signature
    /// verifies under its own key).
    pub fn is_self_issued(&self) -> bool {
        self.subject.der == self.issuer.der
    }

    /// Whether Basic Constraints says this is a CA.
    pub fn is_ca(&self) -> bool {
        self.basic_constraints.is_some_and(|b| b.ca)
    }

    /// Serial number as Windows prints it: uppercase hex of the encoded bytes.
    pub fn serial_hex(&self) -> String {
        hex::encode_upper(&self.serial)
    }

    /// Whether `at` lies within notBefore..=notAfter.
    pub fn is_valid_at(&self, at: OffsetDateTime) -> bool {
        self.not_before <= at && at <= self.not_after
    }
}

#[derive(Debug, thiserror::Error)]
#[error("trailing data after the certificate")]
struct TrailingData;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use x509_parser::der_parser::asn1_rs::Oid;

    proptest! {
        /// `oid_text` writes what asn1-rs's own `to_id_string` writes, for any arcs below 2^63
        /// under any of the three first arcs (beyond that asn1-rs falls back to hex octets;
        /// `oid_text` keeps writing decimal, as Windows and OpenSSL do: see `der_reader`).
        #[test]
        fn oid_text_matches_asn1_rs(
            first in 0u64..3,
            second in 0u64..40,
            rest in proptest::collection::vec(0u64..(1 << 63), 0..8),
        ) {
            let mut content = Vec::new();
            let push_arc = |mut v: u128, out: &mut Vec<u8>| {
                let mut groups = vec![(v & 0x7F) as u8];
                v >>= 7;
                while v > 0 {
                    groups.push((v & 0x7F) as u8 | 0x80);
                    v >>= 7;
                }
                out.extend(groups.iter().rev());
            };
            push_arc(u128::from(first * 40 + second), &mut content);
            for r in &rest {
                push_arc(u128::from(*r), &mut content);
            }
            // asn1-rs prints the one-octet OID 0x00 as "0"; it is 0.0 (X.690 §8.19.4).
            prop_assume!(content != [0]);
            let oid = Oid::new(std::borrow::Cow::Borrowed(&content));
            prop_assert_eq!(oid_text(&oid), oid.to_id_string());
        }
    }
}
