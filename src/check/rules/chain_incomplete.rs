//! `chain-incomplete`: the certificate's issuers must lead to a trusted root (the embedded
//! Mozilla store, or a root given with `--roots`) over a valid path: every signature verified,
//! every issuer a CA that is valid at `--at`.
//! ### Why
//! A server that sends an incomplete chain works in browsers that cache intermediates and fails
//! in Outlook, mobile devices and SMTP peers; a PFX without its intermediates installs a
//! certificate Windows reports as `Untrusted`. A certificate that only carries the issuer's
//! name is not its issuer: the issuer's key must verify the signature (RFC 5280 §6.1.3).

use crate::chain::{Diagnosis, Diagnostic, PathEnd, Role, Severity as ChainSeverity};
use crate::check::{Ctx, Fix, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "chain-incomplete",
    severity: Severity::Error,
    summary: "chain does not reach a trusted root",
    citation: "RFC 5280 §6.1; RFC 8446 §4.4.2",
    remediation: Some("certprep chain CERT --pool CA-BUNDLE -o fullchain.pem (or --roots ROOT for an enterprise CA)"),
    why: "A missing intermediate leaves Get-ExchangeCertificate at Status Untrusted and breaks clients that do not fetch intermediates; HealthChecker shows Status Untrusted in yellow (https://github.com/microsoft/CSS-Exchange/blob/main/Diagnostics/HealthChecker/Analyzer/Security/Invoke-AnalyzerSecurityExchangeCertificates.ps1). Error: clients that do not fetch intermediates fail for certain.",
    check,
};

/// Whether a chain error is about the leaf's own validity (the `expired` and `not-yet-valid`
/// rules report that; the chain itself is fine).
fn is_leaf_validity(d: &Diagnosis) -> bool {
    matches!(
        d.detail,
        Diagnostic::Expired {
            role: Role::Leaf,
            ..
        } | Diagnostic::NotYetValid {
            role: Role::Leaf,
            ..
        }
    )
}

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let Some(chain) = ctx.chain else {
        return Verdict::NotApplicable;
    };
    let report = &chain.report;
    if !chain.is_trusted() && crate::verify::is_self_signed(cert) {
        return Verdict::NotApplicable; // `self-signed` judges it
    }
    let errors: Vec<&Diagnosis> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == ChainSeverity::Error && !is_leaf_validity(d))
        .collect();
    if chain.is_trusted() && errors.is_empty() {
        return Verdict::Pass;
    }
    let mut details: Vec<String> = Vec::new();
    // The remediation of the first error.
    let mut fix: Option<Fix> = None;
    for d in &errors {
        match &d.detail {
            Diagnostic::MissingIssuer {
                cert: below,
                issuer,
                ca_issuers,
            } => {
                let published = match ca_issuers.as_slice() {
                    [] => String::new(),
                    urls => format!(
                        "; {} says it is published at {}",
                        quoted(&below.subject),
                        urls.join(" and ")
                    ),
                };
                details.push(format!(
                    "issuer \"{issuer}\" of \"{}\" is not among the inputs, the pool or the trusted roots{published}",
                    below.subject
                ));
                if fix.is_none() {
                    fix = Some(Fix::AddIssuer {
                        cert: cert.origin.clone(),
                        url: ca_issuers.first().cloned(),
                    });
                }
            }
            Diagnostic::BadSignature {
                cert: below,
                candidate,
                reason,
            } => {
                details.push(format!(
                    "{} from {} has the issuer name of {} but is not its issuer ({reason}): it is another generation of that CA certificate",
                    quoted(&candidate.subject),
                    candidate.origin,
                    quoted(&below.subject)
                ));
                if fix.is_none() {
                    // The certificate whose issuer failed is the last on the chosen path.
                    fix = Some(Fix::CurrentIssuer {
                        cert: cert.origin.clone(),
                        candidate: candidate.subject.clone(),
                        url: chain
                            .path_certs()
                            .last()
                            .and_then(|c| c.ca_issuers.first())
                            .cloned(),
                    });
                }
            }
            Diagnostic::UntrustedRoot { cert: root } => {
                details.push(format!(
                    "the chain ends at {}, which is not a trusted root",
                    quoted(&root.subject)
                ));
                if fix.is_none() {
                    fix = Some(Fix::TrustRoot {
                        cert: cert.origin.clone(),
                        root: root.subject.clone(),
                    });
                }
            }
            _ => {
                details.push(d.message());
                if fix.is_none() {
                    fix = Some(Fix::Chain(Box::new(d.detail.clone())));
                }
            }
        }
    }
    if details.is_empty() {
        // Not anchored, yet no error says why (cannot happen with today's assembly): say where
        // the path ends rather than pass.
        details.push(match &report.end {
            PathEnd::MissingIssuer { issuer } => {
                format!("issuer {} was not found", quoted(issuer))
            }
            PathEnd::UntrustedRoot { root } => {
                format!(
                    "the chain ends at {}, which is not a trusted root",
                    quoted(root)
                )
            }
            PathEnd::TooLong => "the path is longer than allowed".into(),
            PathEnd::BudgetExhausted | PathEnd::Anchor { .. } => {
                "no trusted path was found within the search budget".into()
            }
        });
    }
    Verdict::Fail {
        detail: details.join("; "),
        fix,
        escalate: None,
    }
}

fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}
