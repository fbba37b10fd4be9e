//! What can be wrong with a chain, as typed diagnostics, each with its message and its fix.
//!
//! Problems (see `problems.rs`) are found on every path (validity, CA constraints, path length, critical
//! extensions, weak signatures); [`Diagnostic`]s are what the report says, about the chosen
//! path and about the input as a whole (order, duplicates, strays).

use super::{Budget, CertRef, WindowsName};
use crate::model::Cert;
use crate::verify::{SignatureAlgorithm, VerifyError};
use serde::Serialize;

/// How much a diagnostic matters: the crate's one scale ([`crate::severity`]). Chain text
/// output prints [`Severity::Info`] as `note` (`report::chain`).
pub use crate::severity::Severity;

/// The place a certificate has in a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The end-entity certificate.
    Leaf,
    /// An intermediate CA certificate.
    Intermediate,
    /// The trust anchor.
    Root,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Leaf => "certificate",
            Role::Intermediate => "intermediate",
            Role::Root => "root",
        })
    }
}

/// One thing the chain assembly found, typed. [`Diagnostic::into_diagnosis`] adds severity,
/// message and fix.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Diagnostic {
    /// No certificate with the issuer's name is available: an intermediate is missing.
    MissingIssuer {
        /// The certificate whose issuer is missing.
        cert: CertRef,
        /// The missing issuer's name, as Windows prints it (rendered when read).
        issuer: WindowsName,
        /// Where the CA says the issuer can be downloaded (AIA caIssuers), if anywhere.
        ca_issuers: Vec<String>,
    },
    /// A certificate with the right name is there, but its key did not sign the certificate.
    BadSignature {
        /// The certificate that was not verified.
        cert: CertRef,
        /// The certificate that has the issuer's name.
        candidate: CertRef,
        /// Why it did not verify.
        reason: String,
    },
    /// The leaf is self-signed and not trusted.
    SelfSignedLeaf {
        /// The leaf.
        cert: CertRef,
    },
    /// The input holds only a root certificate (a self-signed CA), no server certificate.
    OnlyRoot {
        /// The root.
        cert: CertRef,
        /// How many certificates were given.
        given: usize,
    },
    /// The input holds only CA certificates; the server certificate is missing.
    NoEndEntity {
        /// The lowest CA certificate, taken as the leaf.
        cert: CertRef,
    },
    /// The chain ends at a self-signed root that is not a trust anchor.
    UntrustedRoot {
        /// The root.
        cert: CertRef,
    },
    /// A certificate on the path has expired.
    Expired {
        /// The certificate.
        cert: CertRef,
        /// Its place in the path.
        role: Role,
        /// Where its replacement can be downloaded (the AIA of the certificate below it).
        ca_issuers: Vec<String>,
    },
    /// A certificate on the path is not valid yet.
    NotYetValid {
        /// The certificate.
        cert: CertRef,
        /// Its place in the path.
        role: Role,
    },
    /// An issuing certificate is not a CA (Basic Constraints missing or cA false).
    NotCa {
        /// The certificate.
        cert: CertRef,
    },
    /// An issuing certificate's Key Usage lacks keyCertSign.
    NoKeyCertSign {
        /// The certificate.
        cert: CertRef,
    },
    /// A CA's pathLenConstraint allows fewer intermediates below it than the path has.
    PathLenExceeded {
        /// The constrained CA.
        cert: CertRef,
        /// Its pathLenConstraint.
        path_len: u32,
        /// Non-self-issued intermediates below it.
        below: usize,
    },
    /// A certificate has a critical extension certprep does not know.
    UnknownCriticalExtension {
        /// The certificate.
        cert: CertRef,
        /// The extensions' OIDs.
        oids: Vec<String>,
    },
    /// The path is longer than allowed.
    TooLong {
        /// The limit.
        max_intermediates: usize,
    },
    /// The search budget ran out.
    BudgetExhausted {
        /// The budget.
        budget: Budget,
        /// Whether a complete path had been found before it ran out.
        found_complete: bool,
    },
    /// A certificate below the root is signed with MD5 or SHA-1.
    WeakSignature {
        /// The certificate.
        cert: CertRef,
        /// The algorithm.
        algorithm: SignatureAlgorithm,
    },
    /// The given certificates are not in leaf-to-root order.
    WrongOrder {
        /// The given certificates on the path, in the right order.
        expected: Vec<CertRef>,
    },
    /// A certificate was given more than once.
    Duplicate {
        /// The certificate.
        cert: CertRef,
        /// How many times.
        count: usize,
    },
    /// A given certificate is on no path from the leaf.
    Unrelated {
        /// The certificate.
        cert: CertRef,
        /// The leaf.
        leaf: CertRef,
    },
    /// More given certificates on no path from the leaf than the report lists
    /// ([`ChainOptions::max_strays`](super::ChainOptions::max_strays)): they are counted, not
    /// named.
    MoreUnrelated {
        /// How many were not listed.
        count: usize,
        /// The leaf.
        leaf: CertRef,
    },
    /// A given certificate is on an alternative path only (a cross-signed CA, say).
    NotNeeded {
        /// The certificate.
        cert: CertRef,
    },
    /// The root was among the given certificates.
    RootInInput {
        /// The root.
        cert: CertRef,
    },
}

/// A diagnostic with its severity; its message and fix are written from the detail when asked
/// for (and when serialised, as `message` and `fix` before the detail's fields): a scan builds
/// a chain report for every leaf and prints few of these texts.
#[derive(Clone, Debug)]
pub struct Diagnosis {
    /// How much it matters.
    pub severity: Severity,
    /// The typed detail.
    pub detail: Diagnostic,
}

impl Diagnosis {
    /// What is wrong, one sentence.
    pub fn message(&self) -> String {
        self.detail.message()
    }

    /// What to do about it.
    pub fn fix(&self) -> String {
        self.detail.fix()
    }
}

impl Serialize for Diagnosis {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            severity: Severity,
            message: String,
            fix: String,
            #[serde(flatten)]
            detail: &'a Diagnostic,
        }
        Out {
            severity: self.severity,
            message: self.message(),
            fix: self.fix(),
            detail: &self.detail,
        }
        .serialize(s)
    }
}

fn name(c: &CertRef) -> String {
    format!("\"{}\"", c.subject)
}

fn urls(list: &[String]) -> String {
    list.join(" or ")
}

impl Diagnostic {
    pub(super) fn missing_issuer(c: &Cert) -> Diagnostic {
        Diagnostic::MissingIssuer {
            cert: CertRef::of(c),
            issuer: WindowsName::issuer(c),
            ca_issuers: c.ca_issuers.clone(),
        }
    }

    pub(super) fn bad_signature(
        child: &Cert,
        candidate: &Cert,
        reason: &VerifyError,
    ) -> Diagnostic {
        Diagnostic::BadSignature {
            cert: CertRef::of(child),
            candidate: CertRef::of(candidate),
            reason: reason.to_string(),
        }
    }

    pub(super) fn self_signed_leaf(c: &Cert) -> Diagnostic {
        Diagnostic::SelfSignedLeaf {
            cert: CertRef::of(c),
        }
    }

    pub(super) fn untrusted_root(c: &Cert) -> Diagnostic {
        Diagnostic::UntrustedRoot {
            cert: CertRef::of(c),
        }
    }

    pub(super) fn no_end_entity(leaf: &Cert, given: usize) -> Diagnostic {
        if leaf.is_self_issued() {
            Diagnostic::OnlyRoot {
                cert: CertRef::of(leaf),
                given,
            }
        } else {
            Diagnostic::NoEndEntity {
                cert: CertRef::of(leaf),
            }
        }
    }

    pub(super) fn wrong_order(expected: Vec<&Cert>) -> Diagnostic {
        Diagnostic::WrongOrder {
            expected: expected.into_iter().map(CertRef::of).collect(),
        }
    }

    /// How much it matters.
    pub fn severity(&self) -> Severity {
        use Diagnostic::*;
        match self {
            MissingIssuer { .. }
            | BadSignature { .. }
            | SelfSignedLeaf { .. }
            | OnlyRoot { .. }
            | NoEndEntity { .. }
            | UntrustedRoot { .. }
            | Expired { .. }
            | NotYetValid { .. }
            | NotCa { .. }
            | NoKeyCertSign { .. }
            | PathLenExceeded { .. }
            | UnknownCriticalExtension { .. }
            | TooLong { .. } => Severity::Error,
            BudgetExhausted { found_complete, .. } => {
                if *found_complete {
                    Severity::Warning
                } else {
                    Severity::Error
                }
            }
            WeakSignature { .. }
            | WrongOrder { .. }
            | Duplicate { .. }
            | Unrelated { .. }
            | MoreUnrelated { .. } => Severity::Warning,
            NotNeeded { .. } | RootInInput { .. } => Severity::Info,
        }
    }

    /// What is wrong, one sentence.
    pub fn message(&self) -> String {
        use Diagnostic::*;
        match self {
            MissingIssuer { cert, issuer, .. } => format!(
                "the intermediate \"{issuer}\" that issued {} is missing",
                name(cert)
            ),
            BadSignature { cert, candidate, reason } => format!(
                "{} from {} has the issuer's name of {}, but {reason}",
                name(candidate),
                candidate.origin,
                name(cert)
            ),
            SelfSignedLeaf { cert } => format!(
                "{} is self-signed: no CA vouches for it, so other servers and clients will not trust it",
                name(cert)
            ),
            OnlyRoot { cert, given } => format!(
                "the input holds only the root certificate {}{}; the server certificate is not there",
                name(cert),
                if *given > 1 { " (and copies of it)" } else { "" }
            ),
            NoEndEntity { cert } => format!(
                "the input holds only CA certificates (the lowest is {}); the server certificate is not there",
                name(cert)
            ),
            UntrustedRoot { cert } => format!(
                "the chain ends at {}, a self-signed root that is not trusted (not in the Mozilla root store or --roots)",
                name(cert)
            ),
            Expired { cert, role, .. } => format!(
                "the {role} {} expired on {}",
                name(cert),
                date(cert.not_after)
            ),
            NotYetValid { cert, role } => format!(
                "the {role} {} is not valid until {}",
                name(cert),
                date(cert.not_before)
            ),
            NotCa { cert } => format!(
                "{} issues another certificate on the path but is not a CA (Basic Constraints cA is not set)",
                name(cert)
            ),
            NoKeyCertSign { cert } => format!(
                "{} issues another certificate on the path but its Key Usage does not allow certificate signing",
                name(cert)
            ),
            PathLenExceeded { cert, path_len, below } => format!(
                "{} allows {path_len} intermediate(s) below it (pathLenConstraint) but the path has {below}",
                name(cert)
            ),
            UnknownCriticalExtension { cert, oids } => format!(
                "{} has critical extension(s) {} that certprep does not know, so it must be rejected (RFC 5280 §4.2)",
                name(cert),
                oids.join(", ")
            ),
            TooLong { max_intermediates } => format!(
                "the path needs more than {max_intermediates} intermediates"
            ),
            BudgetExhausted { budget, .. } => format!(
                "path building stopped after {} signature checks / {} candidates: the pool has too many look-alike or looping certificates",
                budget.signatures, budget.candidates
            ),
            WeakSignature { cert, algorithm } => format!(
                "{} is signed with {:?}, which modern clients reject",
                name(cert),
                algorithm.hash()
            ),
            WrongOrder { .. } => {
                "the certificates in the input are not in order (leaf first, then each issuer)".into()
            }
            Duplicate { cert, count } => {
                format!("{} appears {count} times in the input", name(cert))
            }
            Unrelated { cert, leaf } => format!(
                "{} from {} does not belong to the chain of {}",
                name(cert),
                cert.origin,
                name(leaf)
            ),
            MoreUnrelated { count, leaf } => format!(
                "{count} more given certificate(s) do not belong to the chain of {} (not listed)",
                name(leaf)
            ),
            NotNeeded { cert } => format!(
                "{} (a cross-signed or alternative CA) is not needed for the chosen chain",
                name(cert)
            ),
            RootInInput { cert } => format!("the root {} is in the input", name(cert)),
        }
    }

    /// What to do about it.
    pub fn fix(&self) -> String {
        use Diagnostic::*;
        match self {
            MissingIssuer { ca_issuers, issuer, .. } => {
                if ca_issuers.is_empty() {
                    format!("download the intermediate \"{issuer}\" from your CA's repository and add it (as an input file or with --pool FILE)")
                } else {
                    format!("download it from {} (the CA's address in the certificate) and add it as an input file or with --pool FILE", urls(ca_issuers))
                }
            }
            BadSignature { .. } => "the bundle holds a different generation of that intermediate (CAs re-key them); download the current intermediate from the CA and use it instead".into(),
            SelfSignedLeaf { .. } => "request a certificate from a CA (certprep csr) for anything external clients connect to; a self-signed certificate is only for tests or internal use where every client trusts it explicitly".into(),
            OnlyRoot { .. } | NoEndEntity { .. } => "add the certificate the CA issued for your server (the file named after your host name) to the inputs".into(),
            UntrustedRoot { .. } => "if this is your organisation's own CA, pass its root with --roots FILE (and make sure every client trusts it); otherwise the CA sent a root from a different hierarchy: download the current bundle from the CA".into(),
            Expired { role: Role::Leaf, .. } => "renew the certificate".into(),
            Expired { ca_issuers, .. } => {
                if ca_issuers.is_empty() {
                    "download the CA's current intermediate and root bundle; the expired one was replaced".into()
                } else {
                    format!("download the current one from {} and use it instead of the expired copy", urls(ca_issuers))
                }
            }
            NotYetValid { role: Role::Leaf, .. } => "wait until it is valid, or check the clock (--at) you evaluate with".into(),
            NotYetValid { .. } => "use the CA's currently valid intermediate; this one is for a later rollover".into(),
            NotCa { .. } | NoKeyCertSign { .. } | PathLenExceeded { .. } | UnknownCriticalExtension { .. } => "this certificate cannot issue the one below it; get the correct intermediate from the CA".into(),
            TooLong { .. } => "use the CA's intended intermediates; a path this long is almost always a loop of cross-signed certificates".into(),
            BudgetExhausted { .. } => "give only the CA's bundle, or a smaller --pool".into(),
            WeakSignature { .. } => "get a certificate chain signed with SHA-256 or better from the CA".into(),
            WrongOrder { expected } => format!(
                "write the chain in order with certprep chain … -o FILE (order: {})",
                expected.iter().map(name).collect::<Vec<_>>().join(" → ")
            ),
            Duplicate { .. } => "nothing breaks; certprep writes each certificate once".into(),
            Unrelated { .. } => "leave it out; it may belong to another server's bundle".into(),
            MoreUnrelated { .. } => "leave them out: certprep chain FILE -o fullchain.pem writes only the chain".into(),
            NotNeeded { .. } => "nothing to do; certprep leaves it out of the chain it writes".into(),
            RootInInput { .. } => "nothing to do; servers need not send the root, so certprep leaves it out unless --include-root".into(),
        }
    }

    /// Add severity, message and fix.
    pub fn into_diagnosis(self) -> Diagnosis {
        Diagnosis {
            severity: self.severity(),
            detail: self,
        }
    }
}

fn date(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}
