//! What `certprep inspect` reports: for every certificate the fields `Get-ExchangeCertificate`
//! shows (design.md §4.4), and facts about requests, keys and PKCS#12 files. Pure: the
//! evaluation time is an argument. The JSON form is a versioned contract (docs/json-output.md).

use crate::input::{Detected, Item, Origin};
use crate::model::{Cert, Csr, PfxInfo, PrivateKey};
use crate::name::render_windows;
use crate::thumbprint::{HashAlg, Thumbprint};
use crate::windows::{pfx_import_verdicts, ImportVerdict};
use serde::Serialize;
use time::OffsetDateTime;

/// Version of the JSON schema; bumped only for incompatible changes (fields are only added).
pub const SCHEMA_VERSION: u32 = 1;

/// The whole report.
#[derive(Debug, Serialize)]
pub struct InspectReport {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub version: u32,
    /// The instant validity was evaluated at.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Certificates, in input order.
    pub certificates: Vec<CertReport>,
    /// Certificate signing requests.
    pub requests: Vec<CsrReport>,
    /// Private keys.
    pub keys: Vec<KeyReport>,
    /// PKCS#12 files.
    pub pfx_files: Vec<PfxReport>,
    /// Inputs that could not be read, in input order; the caller fills it in (the command
    /// exits 2 unless `--keep-going`).
    pub unreadable: Vec<crate::input::UnreadableInput>,
}

/// One PKCS#12 file: its structure (the [`PfxInfo`] fields, flattened) and whether each
/// Windows version imports it.
#[derive(Debug, Serialize)]
pub struct PfxReport {
    /// Structure, protection, and which password opened it.
    #[serde(flatten)]
    pub info: PfxInfo,
    /// The import verdict per Windows version, oldest first.
    pub windows: Vec<WindowsImport>,
}

/// Whether one Windows version imports a PFX.
#[derive(Debug, Serialize)]
pub struct WindowsImport {
    /// The version, e.g. `Windows Server 2016`.
    pub name: String,
    /// `{"verdict": "imports"}` or `{"verdict": "cannot-import", "reason": "…"}`.
    #[serde(flatten)]
    pub verdict: ImportVerdict,
}

impl PfxReport {
    /// The report for one PFX.
    pub fn new(info: &PfxInfo) -> PfxReport {
        PfxReport {
            windows: pfx_import_verdicts(info)
                .into_iter()
                .map(|(v, verdict)| WindowsImport {
                    name: v.to_string(),
                    verdict,
                })
                .collect(),
            info: info.clone(),
        }
    }
}

/// Where trust comes from when `inspect` judges `Status` (pure: the caller supplies the stores).
#[derive(Clone, Copy, Debug, Default)]
pub struct Trust<'a> {
    /// Roots the user trusts (`--roots`, e.g. an enterprise CA).
    pub roots: &'a [Cert],
    /// The public roots (the embedded Mozilla store unless `--no-embedded-roots`).
    pub public: &'a crate::roots::RootStore,
    /// Extra candidate issuers (`--pool`), used for chains but not reported.
    pub pool: &'a [Cert],
}

/// Get-ExchangeCertificate's `Status`, as far as it can be known offline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Status {
    /// Within its validity period, with a verified chain to a trusted root.
    Valid,
    /// Expired or not yet valid at the evaluation time.
    DateInvalid,
    /// Within its validity period, but no verified chain to a trusted root could be built from
    /// the inputs and the trusted roots (what Windows reports when the chain is incomplete or
    /// ends at an unknown root).
    Untrusted,
}

/// One certificate.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CertReport {
    /// Where it was found.
    pub origin: Origin,
    /// PKCS#12 friendlyName (Windows FriendlyName), if read from a PFX.
    pub friendly_name: Option<String>,
    /// Subject, as Windows prints it.
    pub subject: String,
    /// Issuer, as Windows prints it.
    pub issuer: String,
    /// DNS names from subjectAltName (Exchange's CertificateDomains).
    pub certificate_domains: Vec<String>,
    /// SHA-1 thumbprint.
    pub thumbprint: Thumbprint,
    /// SHA-256 fingerprint.
    #[serde(rename = "ThumbprintSHA256")]
    pub thumbprint_sha256: Thumbprint,
    /// Serial number, uppercase hex.
    pub serial_number: String,
    /// notBefore.
    #[serde(with = "time::serde::rfc3339")]
    pub not_before: OffsetDateTime,
    /// notAfter.
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    /// Valid, DateInvalid or Untrusted at the evaluation time.
    pub status: Status,
    /// Exchange's RootCAType: `ThirdParty` when the chain ends at a public root, `Unknown`
    /// otherwise (an enterprise or private root cannot be told apart offline).
    #[serde(rename = "RootCAType")]
    pub root_ca_type: &'static str,
    /// Revocation is never checked offline; always "not checked".
    pub revocation: &'static str,
    /// Subject and issuer are the same name and the signature verifies under the certificate's
    /// own key ([`crate::verify::is_self_signed`]).
    pub is_self_signed: bool,
    /// A matching private key is among the inputs.
    pub has_private_key: bool,
    /// Where the matching private key is.
    pub private_key_origin: Option<Origin>,
    /// RSA modulus bits; 0 for ECC, as Exchange prints it.
    pub public_key_size: u32,
    /// Key algorithm and size, e.g. `RSA 2048`, `ECDSA P-256`.
    pub key_algorithm: String,
    /// Signature algorithm, e.g. `sha256RSA`.
    pub signature_algorithm: String,
    /// Enhanced key usages by name; `None` when the extension is absent (any usage).
    #[serde(rename = "EnhancedKeyUsageList")]
    pub enhanced_key_usage: Option<Vec<String>>,
    /// Key usages (RFC names); `None` when the extension is absent.
    pub key_usage: Option<Vec<String>>,
    /// Basic Constraints cA.
    #[serde(rename = "IsCA")]
    pub is_ca: bool,
    /// The connector TLS name, `<I>issuer<S>subject`.
    pub tls_certificate_name: String,
}

/// One certificate signing request.
#[derive(Debug, Serialize)]
pub struct CsrReport {
    /// Where it was found.
    pub origin: Origin,
    /// Requested subject, as Windows prints it.
    pub subject: String,
    /// Requested DNS names.
    pub requested_names: Vec<String>,
    /// Key algorithm and size.
    pub key_algorithm: String,
    /// Signature algorithm.
    pub signature_algorithm: String,
    /// Whether the request's self-signature verifies (proof that its maker holds the key).
    pub signature_valid: bool,
    /// Certificates among the inputs that carry this request's public key.
    pub issued_certificates: Vec<Thumbprint>,
    /// How each likely issued certificate among the inputs compares with the request: those
    /// with its public key, and end-entity certificates with another key that share a
    /// requested name.
    pub comparisons: Vec<CsrComparison>,
}

/// One certificate compared with a request ([`crate::csr_match::compare`]).
#[derive(Debug, Serialize)]
pub struct CsrComparison {
    /// The certificate's SHA-1 thumbprint.
    pub thumbprint: Thumbprint,
    /// It carries the request's key and every requested name.
    pub fulfils_request: bool,
    /// Every difference, failures and facts alike.
    pub differences: Vec<crate::csr_match::CsrMismatch>,
}

/// One private key. Never includes key material.
#[derive(Debug, Serialize)]
pub struct KeyReport {
    /// Where it was found.
    pub origin: Origin,
    /// How it was stored.
    pub format: crate::model::KeyFormat,
    /// Algorithm and size.
    pub key_algorithm: String,
    /// Thumbprints of the input certificates this key belongs to.
    pub matches_certificates: Vec<Thumbprint>,
}

impl InspectReport {
    /// Build the report for everything detected, evaluated at `at`.
    pub fn build(detected: &Detected, at: OffsetDateTime, trust: Trust<'_>) -> InspectReport {
        let keys: Vec<&PrivateKey> = detected.keys().collect();
        let certs: Vec<&Cert> = detected.certs().collect();
        // The candidate issuers indexed once for every certificate's chain (issue 16: one
        // index per certificate made a file of thousands of CAs take hours).
        let pool: Vec<&Cert> = trust.pool.iter().collect();
        let index = crate::chain::Candidates::new(&certs, &pool, trust.roots, trust.public);
        let mut report = InspectReport {
            version: SCHEMA_VERSION,
            at,
            certificates: Vec::new(),
            requests: Vec::new(),
            keys: Vec::new(),
            pfx_files: Vec::new(),
            unreadable: Vec::new(),
        };
        for item in &detected.items {
            match item {
                Item::Cert(c) => report.certificates.push(cert_report(c, &keys, at, &index)),
                Item::Csr(r) => report.requests.push(csr_report(r, &certs)),
                Item::Key(k) => report.keys.push(KeyReport {
                    origin: k.origin.clone(),
                    format: k.format,
                    key_algorithm: k.public_key.algorithm.to_string(),
                    matches_certificates: certs
                        .iter()
                        .filter(|c| k.matches(&c.public_key))
                        .map(|c| Thumbprint::of(&c.der, HashAlg::Sha1))
                        .collect(),
                }),
                Item::Pfx(p) => report.pfx_files.push(PfxReport::new(p)),
            }
        }
        report
    }
}

fn cert_report<'a>(
    c: &'a Cert,
    keys: &[&PrivateKey],
    at: OffsetDateTime,
    index: &crate::chain::Candidates<'a>,
) -> CertReport {
    let key = keys.iter().find(|k| k.matches(&c.public_key));
    // Strays are not part of this report: counted, not listed.
    let opts = crate::chain::ChainOptions {
        max_strays: 0,
        ..crate::chain::ChainOptions::at(at)
    };
    let chain = index.assemble(c, &opts).report;
    let status = if !c.is_valid_at(at) {
        Status::DateInvalid
    } else if chain.complete {
        Status::Valid
    } else {
        Status::Untrusted
    };
    let root_ca_type = match chain.anchor_source {
        Some(crate::chain::AnchorSource::Embedded) if chain.complete => "ThirdParty",
        _ => "Unknown",
    };
    CertReport {
        origin: c.origin.clone(),
        friendly_name: c.friendly_name.clone(),
        subject: render_windows(&c.subject),
        issuer: render_windows(&c.issuer),
        certificate_domains: c.dns_names.clone(),
        thumbprint: Thumbprint::of(&c.der, HashAlg::Sha1),
        thumbprint_sha256: Thumbprint::of(&c.der, HashAlg::Sha256),
        serial_number: c.serial_hex(),
        not_before: c.not_before,
        not_after: c.not_after,
        status,
        root_ca_type,
        revocation: "not checked",
        is_self_signed: crate::verify::is_self_signed(c),
        has_private_key: key.is_some(),
        private_key_origin: key.map(|k| k.origin.clone()),
        public_key_size: c.public_key.algorithm.exchange_public_key_size(),
        key_algorithm: c.public_key.algorithm.to_string(),
        signature_algorithm: c.signature.algorithm_name(),
        enhanced_key_usage: c
            .eku
            .as_ref()
            .map(|l| l.iter().map(|e| e.to_string()).collect()),
        key_usage: c
            .key_usage
            .as_ref()
            .map(|k| k.names.iter().map(|n| n.to_string()).collect()),
        is_ca: c.is_ca(),
        tls_certificate_name: crate::tls_name::for_cert(c),
    }
}

fn csr_report(r: &Csr, certs: &[&Cert]) -> CsrReport {
    CsrReport {
        origin: r.origin.clone(),
        subject: render_windows(&r.subject),
        requested_names: r.dns_names.clone(),
        key_algorithm: r.public_key.algorithm.to_string(),
        signature_algorithm: r.signature.algorithm_name(),
        signature_valid: crate::verify::csr_signature_ok(r).is_ok(),
        issued_certificates: certs
            .iter()
            .filter(|c| c.public_key.same_key(&r.public_key))
            .map(|c| Thumbprint::of(&c.der, HashAlg::Sha1))
            .collect(),
        comparisons: csr_comparisons(r, certs),
    }
}

fn csr_comparisons(r: &Csr, certs: &[&Cert]) -> Vec<CsrComparison> {
    let requested = crate::csr_match::requested_names(r);
    certs
        .iter()
        .filter(|c| {
            c.public_key.same_key(&r.public_key)
                || (!c.is_ca()
                    && c.dns_names
                        .iter()
                        .chain(c.subject.common_name().as_ref())
                        .any(|n| requested.iter().any(|q| q.eq_ignore_ascii_case(n))))
        })
        .map(|c| {
            let differences = crate::csr_match::compare(c, r);
            CsrComparison {
                thumbprint: Thumbprint::of(&c.der, HashAlg::Sha1),
                fulfils_request: !differences.iter().any(|d| d.is_failure()),
                differences,
            }
        })
        .collect()
}
