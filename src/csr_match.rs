//! Does an issued certificate match the request it was made from? The manual step after a CA
//! delivers: same public key, every requested name present, and what else differs.
//!
//! Pure comparison of two parsed objects; the `csr-mismatch` check rule and `inspect` call it.

use crate::model::{Cert, Csr};
use crate::name::render_windows;
use serde::Serialize;

/// One difference between a request and a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CsrMismatch {
    /// The certificate carries a different public key: it was not issued from this request
    /// (or the CA was sent another one), and the request's key will not work with it.
    OtherKey {
        /// The request's key, e.g. `RSA 2048`.
        requested: String,
        /// The certificate's key.
        issued: String,
    },
    /// A requested name is not in the certificate's subjectAltName.
    MissingName {
        /// The name.
        name: String,
    },
    /// A requested name is not listed itself but is covered by a wildcard in the certificate.
    CoveredByWildcard {
        /// The requested name.
        name: String,
        /// The certificate's wildcard that covers it.
        wildcard: String,
    },
    /// The certificate has a name that was not requested (CAs add the bare domain, for example).
    ExtraName {
        /// The name.
        name: String,
    },
    /// The subject differs from the requested one (CAs often keep only the CN for
    /// domain-validated certificates).
    SubjectChanged {
        /// Requested subject, as Windows prints it.
        requested: String,
        /// Issued subject, as Windows prints it.
        issued: String,
    },
}

impl CsrMismatch {
    /// Whether this difference means the certificate does not fulfil the request: another key,
    /// or a requested name missing. Extra names, wildcard coverage and subject changes are
    /// facts worth showing, not failures.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            CsrMismatch::OtherKey { .. } | CsrMismatch::MissingName { .. }
        )
    }
}

impl std::fmt::Display for CsrMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CsrMismatch::OtherKey { requested, issued } => write!(
                f,
                "the certificate's public key ({issued}) is not the request's ({requested})"
            ),
            CsrMismatch::MissingName { name } => {
                write!(f, "requested name {name} is missing from the certificate")
            }
            CsrMismatch::CoveredByWildcard { name, wildcard } => write!(
                f,
                "requested name {name} is covered by the wildcard {wildcard}, not listed itself"
            ),
            CsrMismatch::ExtraName { name } => {
                write!(
                    f,
                    "the certificate also names {name}, which was not requested"
                )
            }
            CsrMismatch::SubjectChanged { requested, issued } => write!(
                f,
                "subject is \"{issued}\", the request asked for \"{requested}\""
            ),
        }
    }
}

/// The names a request asks for: its subjectAltName DNS names, plus its CN when the CN is a
/// host name the SAN does not list (or when there is no SAN at all, as in legacy requests).
pub fn requested_names(csr: &Csr) -> Vec<String> {
    let mut names = csr.dns_names.clone();
    // A subject CN that is a host name is requested too (CAs copy it into the SAN; clients
    // that fall back to the CN need it), unless the SAN already lists it.
    if let Some(cn) = csr.subject.common_name() {
        let host = cn.contains('.') && !cn.contains(' ');
        if (names.is_empty() || host) && !names.iter().any(|n| n.eq_ignore_ascii_case(&cn)) {
            names.push(cn);
        }
    }
    names
}

/// Every difference between `cert` and the request `csr`, in this order: key, missing or
/// wildcard-covered names (request order), extra names (certificate order), subject.
/// Empty when the certificate carries exactly the requested key, names and subject.
pub fn compare(cert: &Cert, csr: &Csr) -> Vec<CsrMismatch> {
    let mut out = Vec::new();
    if !cert.public_key.same_key(&csr.public_key) {
        out.push(CsrMismatch::OtherKey {
            requested: csr.public_key.algorithm.to_string(),
            issued: cert.public_key.algorithm.to_string(),
        });
    }
    let requested = requested_names(csr);
    // Without a SAN, clients fall back to the CN: compare against it so the report says what
    // is there rather than "every name missing".
    let issued_names: Vec<String> = if cert.dns_names.is_empty() {
        cert.subject.common_name().into_iter().collect()
    } else {
        cert.dns_names.clone()
    };
    for name in &requested {
        if issued_names.iter().any(|i| i.eq_ignore_ascii_case(name)) {
            continue;
        }
        match issued_names.iter().find(|w| wildcard_covers(w, name)) {
            Some(w) => out.push(CsrMismatch::CoveredByWildcard {
                name: name.clone(),
                wildcard: w.clone(),
            }),
            None => out.push(CsrMismatch::MissingName { name: name.clone() }),
        }
    }
    for name in &issued_names {
        if !requested.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            out.push(CsrMismatch::ExtraName { name: name.clone() });
        }
    }
    if cert.subject.der != csr.subject.der {
        let requested = render_windows(&csr.subject);
        let issued = render_windows(&cert.subject);
        // The same text with other string types is not a difference a user can act on.
        if requested != issued {
            out.push(CsrMismatch::SubjectChanged { requested, issued });
        }
    }
    out
}

/// Whether `pattern` is a wildcard that covers `name` (the one coverage rule, in
/// `name::host::covers`).
fn wildcard_covers(pattern: &str, name: &str) -> bool {
    pattern.starts_with("*.") && crate::name::host::covers(pattern, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_covers_one_label_only() {
        assert!(wildcard_covers("*.contoso.com", "mail.contoso.com"));
        assert!(wildcard_covers("*.contoso.com", "MAIL.Contoso.com"));
        assert!(!wildcard_covers("*.contoso.com", "contoso.com"));
        assert!(!wildcard_covers("*.contoso.com", "a.b.contoso.com"));
        assert!(!wildcard_covers("mail.contoso.com", "mail.contoso.com"));
    }
}
