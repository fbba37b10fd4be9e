//! Certificate signing requests (PKCS#10, RFC 2986): a new key and a signed request for a set of
//! names, replacing `New-ExchangeCertificate -GenerateRequest`.
//!
//! The CertificationRequestInfo is assembled here with the `der` crate rather than with rcgen
//! or x509-cert's `RequestBuilder`, because renewing (`--from`) must copy the old subject
//! **byte for byte** (RDN order, string types, unsorted multi-valued RDNs), and both of those
//! re-encode names. The subject goes in as the exact DER it was read as. Signing uses the
//! RustCrypto keys of [`crate::keygen`].
//!
//! Pure: randomness is an argument, nothing is printed or written.

use crate::csr_error::CsrError;
use crate::keygen::{GeneratedKey, KeyType};
use crate::model::{Cert, KeyAlgorithm};
use crate::name::subject::SubjectError;
use crate::oid;
use der::asn1::{AnyRef, BitString, Ia5String, ObjectIdentifier, OctetString, SetOfVec};
use der::{Decode, Encode, Sequence};
use rand_core::CryptoRngCore;
use std::net::IpAddr;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName};
use x509_cert::ext::Extension;

/// Parse a subject in any spelling [`crate::name::subject`] reads and encode it as a DER `Name`.
pub fn parse_subject(text: &str) -> Result<Vec<u8>, CsrError> {
    crate::name::parse_subject(text).map_err(CsrError::from)
}

/// Encode a name holding one commonName, typed as [`parse_subject`] would type it.
pub fn common_name(cn: &str) -> Result<Vec<u8>, CsrError> {
    crate::name::subject::common_name(cn).map_err(CsrError::from)
}

impl From<SubjectError> for CsrError {
    fn from(e: SubjectError) -> CsrError {
        match e {
            SubjectError::Bad { subject, problem } => CsrError::BadSubject { subject, problem },
            SubjectError::Encoding(e) => CsrError::Encoding(e),
        }
    }
}

/// One subjectAltName entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SanEntry {
    /// dNSName (possibly a wildcard `*.example.com`).
    Dns(String),
    /// iPAddress.
    Ip(IpAddr),
    /// rfc822Name (only copied from an existing certificate).
    Email(String),
}

impl SanEntry {
    /// Read a name as given on the command line: an IP address becomes an iPAddress entry,
    /// anything else must be a DNS name (LDH labels of 1–63 characters, at most 253 in all,
    /// `*` only as the whole leftmost label).
    pub fn parse(name: &str) -> Result<SanEntry, CsrError> {
        if let Ok(ip) = name.parse::<IpAddr>() {
            return Ok(SanEntry::Ip(ip));
        }
        let bad = |why| CsrError::BadName {
            name: name.to_owned(),
            why,
        };
        if name.is_empty() {
            return Err(bad("empty name"));
        }
        if !name.is_ascii() {
            return Err(bad(
                "not ASCII; give an internationalised name in its xn-- (punycode) form",
            ));
        }
        if name.ends_with('.') {
            return Err(bad("ends with '.'; leave the trailing dot out"));
        }
        if name.len() > 253 {
            return Err(bad("longer than 253 characters"));
        }
        for (i, label) in name.split('.').enumerate() {
            if label == "*" && i == 0 {
                continue;
            }
            if label.is_empty() {
                return Err(bad("has an empty label (two dots in a row?)"));
            }
            if label.len() > 63 {
                return Err(bad("has a label longer than 63 characters"));
            }
            if label.contains('*') {
                return Err(bad(
                    "'*' is only allowed as the whole leftmost label (*.example.com)",
                ));
            }
            if !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return Err(bad(
                    "only letters, digits, '-' and '.' are allowed in DNS names (no spaces or '_')",
                ));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(bad("a label starts or ends with '-'"));
            }
        }
        Ok(SanEntry::Dns(name.to_owned()))
    }

    /// The entry as text (a DNS name, an IP address, an e-mail address).
    pub fn text(&self) -> String {
        match self {
            SanEntry::Dns(d) => d.clone(),
            SanEntry::Ip(ip) => ip.to_string(),
            SanEntry::Email(e) => e.clone(),
        }
    }

    fn to_general_name(&self) -> Result<GeneralName, CsrError> {
        Ok(match self {
            SanEntry::Dns(d) => {
                GeneralName::DnsName(Ia5String::new(d).map_err(CsrError::Encoding)?)
            }
            SanEntry::Email(e) => {
                GeneralName::Rfc822Name(Ia5String::new(e).map_err(CsrError::Encoding)?)
            }
            SanEntry::Ip(IpAddr::V4(v4)) => GeneralName::IpAddress(
                OctetString::new(v4.octets().to_vec()).map_err(CsrError::Encoding)?,
            ),
            SanEntry::Ip(IpAddr::V6(v6)) => GeneralName::IpAddress(
                OctetString::new(v6.octets().to_vec()).map_err(CsrError::Encoding)?,
            ),
        })
    }

    fn same(&self, other: &SanEntry) -> bool {
        match (self, other) {
            (SanEntry::Dns(a), SanEntry::Dns(b)) | (SanEntry::Email(a), SanEntry::Email(b)) => {
                a.eq_ignore_ascii_case(b)
            }
            (SanEntry::Ip(a), SanEntry::Ip(b)) => a == b,
            _ => false,
        }
    }
}

/// Where the request's subject comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubjectSpec {
    /// `CN=` the first requested name (Exchange's behaviour without `-SubjectName`).
    FirstName,
    /// A distinguished name as text, in any spelling [`parse_subject`] reads.
    Text(String),
    /// An exact DER `Name`, copied byte for byte (renewal).
    Der(Vec<u8>),
}

/// What to request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsrSpec {
    /// The subject.
    pub subject: SubjectSpec,
    /// The subjectAltName entries, in order (duplicates are dropped, the first kept).
    pub names: Vec<SanEntry>,
    /// The kind of key to generate.
    pub key_type: KeyType,
}

impl CsrSpec {
    /// A request for `names` with the default subject (`CN=` first name) and key (RSA 2048).
    pub fn new(names: Vec<SanEntry>) -> CsrSpec {
        CsrSpec {
            subject: SubjectSpec::FirstName,
            names,
            key_type: KeyType::default(),
        }
    }

    /// A renewal of `cert`, as `Get-ExchangeCertificate | New-ExchangeCertificate
    /// -GenerateRequest` makes it: the subject's exact DER, every DNS, IP and e-mail SAN in
    /// order, and the same kind of key when certprep can generate it (else RSA 2048).
    pub fn renew(cert: &Cert) -> CsrSpec {
        let mut names: Vec<SanEntry> = cert.dns_names.iter().cloned().map(SanEntry::Dns).collect();
        names.extend(
            cert.ip_addresses
                .iter()
                .filter_map(|ip| ip.parse().ok())
                .map(SanEntry::Ip),
        );
        names.extend(cert.emails.iter().cloned().map(SanEntry::Email));
        CsrSpec {
            subject: SubjectSpec::Der(cert.subject.der.clone()),
            names,
            key_type: KeyType::of(&cert.public_key.algorithm).unwrap_or_default(),
        }
    }

    /// The subjectAltName entries the request carries: the subject CN first when it is a DNS
    /// name or an IP address — `New-ExchangeCertificate -GenerateRequest` always adds the
    /// subject's name to the SAN list — then the given names, without duplicates (DNS names
    /// compare case-insensitively), first kept. A CN that is no host name (`CN=Contoso Mail`)
    /// is left out of the SANs (docs/csr.md).
    pub fn unique_names(&self) -> Vec<SanEntry> {
        let mut out: Vec<SanEntry> = Vec::new();
        let cn = self
            .subject_der()
            .ok()
            .and_then(|d| crate::name::DistinguishedName::from_der(&d).ok())
            .and_then(|n| n.common_name())
            .and_then(|cn| SanEntry::parse(&cn).ok());
        for n in cn.iter().chain(&self.names) {
            if !out.iter().any(|o| o.same(n)) {
                out.push(n.clone());
            }
        }
        out
    }

    /// The subject as DER.
    pub fn subject_der(&self) -> Result<Vec<u8>, CsrError> {
        match &self.subject {
            SubjectSpec::Der(d) => {
                // One well-formed element, so it can be embedded unchanged.
                AnyRef::from_der(d).map_err(CsrError::Encoding)?;
                Ok(d.clone())
            }
            SubjectSpec::Text(t) => parse_subject(t),
            SubjectSpec::FirstName => match self.names.first() {
                Some(n) => common_name(&n.text()),
                None => Err(CsrError::NoNames),
            },
        }
    }
}

/// A generated request and its key.
#[derive(Debug)]
pub struct GeneratedCsr {
    /// The request, DER.
    pub der: Vec<u8>,
    /// The new key.
    pub key: GeneratedKey,
}

impl GeneratedCsr {
    /// PEM, `CERTIFICATE REQUEST` label (RFC 7468), LF line ends.
    pub fn to_pem(&self) -> Result<String, CsrError> {
        der::pem::encode_string("CERTIFICATE REQUEST", der::pem::LineEnding::LF, &self.der)
            .map_err(|e| CsrError::Encoding(e.into()))
    }

    /// The form `New-ExchangeCertificate -GenerateRequest` output takes once written with
    /// `[Text.Encoding]::Unicode`: the `NEW CERTIFICATE REQUEST` header CryptoAPI uses
    /// (CRYPT_STRING_BASE64REQUESTHEADER), CRLF line ends, UTF-16LE without a byte-order mark.
    pub fn to_utf16le_pem(&self) -> Result<Vec<u8>, CsrError> {
        let text = der::pem::encode_string(
            "NEW CERTIFICATE REQUEST",
            der::pem::LineEnding::CRLF,
            &self.der,
        )
        .map_err(|e| CsrError::Encoding(e.into()))?;
        Ok(text.encode_utf16().flat_map(u16::to_le_bytes).collect())
    }
}

/// Generate a new key of `spec.key_type` and a request signed with it.
pub fn generate<R: CryptoRngCore + ?Sized>(
    spec: &CsrSpec,
    rng: &mut R,
) -> Result<GeneratedCsr, CsrError> {
    // Check the subject and names before spending time on an RSA key.
    spec.subject_der()?;
    let key = GeneratedKey::generate(spec.key_type, rng)?;
    generate_with_key(spec, key, rng)
}

/// A request for `spec` signed with an existing `key` (`spec.key_type` is ignored).
pub fn generate_with_key<R: CryptoRngCore + ?Sized>(
    spec: &CsrSpec,
    key: GeneratedKey,
    rng: &mut R,
) -> Result<GeneratedCsr, CsrError> {
    let subject = spec.subject_der()?;
    let names = spec.unique_names();
    if names.is_empty() && subject == [0x30, 0x00] {
        return Err(CsrError::NoNames);
    }
    let empty_subject = subject == [0x30, 0x00];
    let extensions = leaf_extensions(&names, empty_subject, &key.public_key().algorithm)?;
    let ext_der = extensions.to_der().map_err(CsrError::Encoding)?;
    let ext_request = x509_cert::attr::Attribute {
        oid: ObjectIdentifier::new_unwrap(oid::PKCS9_EXTENSION_REQUEST),
        values: SetOfVec::try_from(vec![
            der::Any::from_der(&ext_der).map_err(CsrError::Encoding)?
        ])
        .map_err(CsrError::Encoding)?,
    };
    let info = CertReqInfo {
        version: 0,
        subject: AnyRef::from_der(&subject).map_err(CsrError::Encoding)?,
        public_key: AnyRef::from_der(&key.public_key().spki_der).map_err(CsrError::Encoding)?,
        attributes: SetOfVec::try_from(vec![ext_request]).map_err(CsrError::Encoding)?,
    };
    let info_der = info.to_der().map_err(CsrError::Encoding)?;
    let signature = key.sign(&info_der, rng)?;
    let req = CertReq {
        info: AnyRef::from_der(&info_der).map_err(CsrError::Encoding)?,
        algorithm: key.signature_algorithm(),
        signature: BitString::from_bytes(&signature).map_err(CsrError::Encoding)?,
    };
    let der = req.to_der().map_err(CsrError::Encoding)?;
    Ok(GeneratedCsr { der, key })
}

/// The extensions of a TLS server certificate for `names`, requested in a CSR and set in a
/// self-signed certificate: subjectAltName (critical when the subject is empty, RFC 5280
/// §4.2.1.6), keyUsage (critical; digitalSignature, plus keyEncipherment for RSA as
/// Exchange's certificates carry), extKeyUsage serverAuth.
pub(crate) fn leaf_extensions(
    names: &[SanEntry],
    empty_subject: bool,
    algorithm: &KeyAlgorithm,
) -> Result<Vec<Extension>, CsrError> {
    let mut out = Vec::new();
    if !names.is_empty() {
        let san = SubjectAltName(
            names
                .iter()
                .map(SanEntry::to_general_name)
                .collect::<Result<_, _>>()?,
        );
        out.push(extension(oid::EXT_SUBJECT_ALT_NAME, empty_subject, &san)?);
    }
    let usages = if algorithm.is_rsa() {
        KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment
    } else {
        KeyUsages::DigitalSignature.into()
    };
    out.push(extension(oid::EXT_KEY_USAGE, true, &KeyUsage(usages))?);
    let eku = ExtendedKeyUsage(vec![ObjectIdentifier::new_unwrap(oid::EKU_SERVER_AUTH)]);
    out.push(extension(oid::EXT_EXTENDED_KEY_USAGE, false, &eku)?);
    Ok(out)
}

pub(crate) fn extension(
    id: &str,
    critical: bool,
    value: &impl Encode,
) -> Result<Extension, CsrError> {
    Ok(Extension {
        extn_id: ObjectIdentifier::new(id).map_err(|e| CsrError::Encoding(e.into()))?,
        critical,
        extn_value: OctetString::new(value.to_der().map_err(CsrError::Encoding)?)
            .map_err(CsrError::Encoding)?,
    })
}

/// RFC 2986 §4.1 CertificationRequestInfo with the subject and key kept as exact DER.
#[derive(Sequence)]
struct CertReqInfo<'a> {
    version: u8,
    subject: AnyRef<'a>,
    public_key: AnyRef<'a>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    attributes: SetOfVec<x509_cert::attr::Attribute>,
}

/// RFC 2986 §4.2 CertificationRequest with the signed info kept as exact DER.
#[derive(Sequence)]
struct CertReq<'a> {
    info: AnyRef<'a>,
    algorithm: spki::AlgorithmIdentifierOwned,
    signature: BitString,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn san_entry_parse_accepts_hosts_wildcards_and_ips() {
        assert_eq!(
            SanEntry::parse("*.contoso.com").unwrap(),
            SanEntry::Dns("*.contoso.com".into())
        );
        assert_eq!(
            SanEntry::parse("E2K16-1").unwrap(),
            SanEntry::Dns("E2K16-1".into())
        );
        assert!(matches!(
            SanEntry::parse("10.0.0.1").unwrap(),
            SanEntry::Ip(_)
        ));
        for bad in [
            "",
            "a..b",
            "a.*.b",
            "-a.b",
            "a_b.c",
            "a b",
            "mail.contoso.com.",
            "mü.de",
        ] {
            assert!(SanEntry::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn issue_15_subject_cn_is_the_first_san() {
        // See: issue 15 — New-ExchangeCertificate -GenerateRequest adds the subject CN to the
        // SAN list; the request must too, first.
        let dns = |n: &str| SanEntry::Dns(n.into());
        let spec = CsrSpec {
            subject: SubjectSpec::Text("CN=mail.contoso.com, O=Contoso".into()),
            ..CsrSpec::new(vec![
                dns("autodiscover.contoso.com"),
                dns("MAIL.contoso.com"),
            ])
        };
        assert_eq!(
            spec.unique_names(),
            [dns("mail.contoso.com"), dns("autodiscover.contoso.com")]
        );
        // A CN that is no host name stays out of the SANs.
        let spec = CsrSpec {
            subject: SubjectSpec::Text("CN=Contoso Mail".into()),
            ..CsrSpec::new(vec![dns("mail.contoso.com")])
        };
        assert_eq!(spec.unique_names(), [dns("mail.contoso.com")]);
    }

    #[test]
    fn unique_names_drops_case_insensitive_duplicates() {
        let spec = CsrSpec::new(vec![
            SanEntry::Dns("Mail.contoso.com".into()),
            SanEntry::Dns("mail.CONTOSO.com".into()),
            SanEntry::Dns("autodiscover.contoso.com".into()),
        ]);
        assert_eq!(spec.unique_names().len(), 2);
    }

    #[test]
    fn request_without_names_or_subject_is_refused() {
        let spec = CsrSpec::new(Vec::new());
        assert!(matches!(
            generate(&spec, &mut rand_core::OsRng),
            Err(CsrError::NoNames)
        ));
    }
}
