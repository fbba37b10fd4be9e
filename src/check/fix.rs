//! What fixes a finding, as facts: the files, names and choices the command is made of. A rule
//! returns a [`Fix`]; the text (the exact certprep or Exchange Management Shell command) is
//! written only when a reporter prints it ([`Fix`]'s `Display` and `Serialize`), so a caller
//! that never prints fixes — `scan` — never pays for writing them.
//!
//! Every command here is pasted by an administrator: values go through
//! [`crate::powershell`]'s quoting (`ps_word` for paths and names on a certprep command line,
//! `ps_quote` for PowerShell values, `comment_text` for text after `#`).

use crate::chain::{Diagnostic, WindowsName};
use crate::input::Origin;
use crate::powershell::{comment_text, connector_lines, ps_quote, ps_word, ConnectorTargets};
use std::fmt;

/// What fixes one finding. Two fixes are equal when they read the same.
#[derive(Clone, Debug)]
pub enum Fix {
    /// Advice in words, the same for every certificate (a rule's general
    /// [`Rule::remediation`](super::Rule::remediation), or a rule's fixed advice).
    Advice(&'static str),
    /// Start a renewal for the certificate at `cert`: a new key and request with the same
    /// names.
    Renew {
        /// Where the certificate is.
        cert: Origin,
    },
    /// Write the file of the certificate at `cert` again, its chain in order and each
    /// certificate once (`certprep pfx` for a PKCS#12 file, else `certprep chain`).
    Rewrite {
        /// Where the certificate is.
        cert: Origin,
        /// Whether its file is a PKCS#12 file.
        pfx: bool,
    },
    /// Add the missing issuer of a certificate on the chain of `cert` and write the full chain.
    AddIssuer {
        /// Where the leaf is.
        cert: Origin,
        /// Where the CA says the issuer is published (AIA caIssuers), if it says.
        url: Option<String>,
    },
    /// Replace an issuer candidate that has the right name but not the right key (another
    /// generation of that CA certificate) with the current one.
    CurrentIssuer {
        /// Where the leaf is.
        cert: Origin,
        /// The subject of the candidate that did not verify, as Windows prints it.
        candidate: WindowsName,
        /// Where the certificate below it says its issuer is published, if it says.
        url: Option<String>,
    },
    /// Trust the root the chain ends at, if it is the enterprise root.
    TrustRoot {
        /// Where the leaf is.
        cert: Origin,
        /// The root's subject, as Windows prints it.
        root: WindowsName,
    },
    /// What chain assembly says fixes this diagnostic (boxed: the largest of the facts).
    Chain(Box<Diagnostic>),
    /// Rewrite the PKCS#12 file at `pfx` with the compatible profile.
    PfxCompat {
        /// The PKCS#12 file.
        pfx: Origin,
        /// Where the certificate is (names the output).
        cert: Origin,
    },
    /// Rewrite the PKCS#12 file at `pfx` with a friendly name.
    FriendlyName {
        /// The PKCS#12 file.
        pfx: Origin,
        /// Where the certificate is (names the output).
        cert: Origin,
        /// The friendly name to give.
        name: String,
    },
    /// Rewrite the PKCS#12 file at `pfx` for a CAPI (legacy) key storage provider.
    PfxCapi {
        /// The PKCS#12 file.
        pfx: Origin,
        /// Where the certificate is (names the output).
        cert: Origin,
    },
    /// Point POP and/or IMAP at an FQDN (`-X509CertificateName`).
    X509CertificateName {
        /// The FQDN clients use.
        fqdn: String,
        /// For POP.
        pop: bool,
        /// For IMAP.
        imap: bool,
    },
    /// A new request for the certificate at `cert` with these names.
    NewRequest {
        /// Where the certificate is (names the output).
        cert: Origin,
        /// Every DNS name the new certificate needs, in order.
        names: Vec<String>,
    },
    /// Set the new TLS certificate name on the connectors, and recreate the Edge subscription.
    TlsName {
        /// The new `<I>…<S>…` name.
        name: String,
        /// The connectors to update; `None` when the name is unchanged.
        connectors: Option<ConnectorTargets>,
        /// Recreate the Edge subscription.
        edge: bool,
    },
}

/// A path as one argument of a certprep command line the administrator pastes (PowerShell's
/// rules, which a POSIX shell reads the same way for plain names).
pub fn shell_path(path: &str) -> String {
    ps_word(path)
}

/// `file.pfx` → `file`, for naming a fixed output beside the input.
pub fn stem(path: &str) -> String {
    let name = std::path::Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "certificate".into());
    if name.is_empty() {
        "certificate".into()
    } else {
        name
    }
}

/// The output file `<stem of the file at origin><suffix>`, as one command-line argument.
pub fn out_path(origin: &Origin, suffix: &str) -> String {
    shell_path(&format!("{}{suffix}", stem(&origin.path)))
}

/// The file (and ZIP entry) at `origin`, as one command-line argument.
fn file(origin: &Origin) -> String {
    shell_path(&origin.file_name())
}

fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

/// `Set-POPSettings` / `Set-IMAPSettings` lines, one per service.
fn x509_lines(f: &mut fmt::Formatter<'_>, fqdn: &str, pop: bool, imap: bool) -> fmt::Result {
    let q = ps_quote(fqdn);
    let mut lines = Vec::new();
    if pop {
        lines.push(format!("Set-POPSettings -X509CertificateName {q}"));
    }
    if imap {
        lines.push(format!("Set-IMAPSettings -X509CertificateName {q}"));
    }
    f.write_str(&lines.join("\n"))
}

impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fix::Advice(text) => f.write_str(text),
            Fix::Renew { cert } => write!(
                f,
                "certprep csr --from {} -o {} --key-out {}",
                file(cert),
                out_path(cert, "-renewal.req"),
                out_path(cert, "-renewal.key")
            ),
            Fix::Rewrite { cert, pfx: true } => write!(
                f,
                "certprep pfx {} -o {}",
                file(cert),
                out_path(cert, "-fixed.pfx")
            ),
            Fix::Rewrite { cert, pfx: false } => write!(
                f,
                "certprep chain {} -o {}",
                file(cert),
                out_path(cert, "-fullchain.pem")
            ),
            Fix::AddIssuer {
                cert,
                url: Some(url),
            } => write!(
                f,
                "certprep chain {} --pool ISSUER.crt -o {}   # ISSUER.crt: download it from {}",
                file(cert),
                out_path(cert, "-fullchain.pem"),
                comment_text(url)
            ),
            Fix::AddIssuer { cert, url: None } => write!(
                f,
                "certprep chain {} --pool CA-BUNDLE -o {}   # CA-BUNDLE: the intermediates from your CA",
                file(cert),
                out_path(cert, "-fullchain.pem")
            ),
            Fix::CurrentIssuer {
                cert,
                candidate,
                url,
            } => {
                let from = url.as_ref().map(|u| format!(" from {u}")).unwrap_or_default();
                write!(
                    f,
                    "certprep chain {} --pool ISSUER.crt -o {}   # ISSUER.crt: the current {}",
                    file(cert),
                    out_path(cert, "-fullchain.pem"),
                    comment_text(&format!("{}{from}", quoted(candidate)))
                )
            }
            Fix::TrustRoot { cert, root } => write!(
                f,
                "certprep check {} --roots ROOT.pem   # if {} is your enterprise root",
                file(cert),
                comment_text(&quoted(root))
            ),
            Fix::Chain(d) => f.write_str(&d.fix()),
            Fix::PfxCompat { pfx, cert } => write!(
                f,
                "certprep pfx {} --profile compat -o {}",
                file(pfx),
                out_path(cert, "-compat.pfx")
            ),
            Fix::FriendlyName { pfx, cert, name } => write!(
                f,
                "certprep pfx {} --friendly-name {} -o {}",
                file(pfx),
                ps_quote(name),
                out_path(cert, "-named.pfx")
            ),
            Fix::PfxCapi { pfx, cert } => write!(
                f,
                "certprep pfx {} --csp 'Microsoft Enhanced RSA and AES Cryptographic Provider' -o {}",
                file(pfx),
                out_path(cert, "-capi.pfx")
            ),
            Fix::X509CertificateName { fqdn, pop, imap } => x509_lines(f, fqdn, *pop, *imap),
            Fix::NewRequest { cert, names } => {
                let args: Vec<String> = names
                    .iter()
                    .map(|n| format!("--name {}", shell_path(n)))
                    .collect();
                write!(
                    f,
                    "certprep csr {} -o {} --key-out {}",
                    args.join(" "),
                    out_path(cert, "-new.req"),
                    out_path(cert, "-new.key")
                )
            }
            Fix::TlsName {
                name,
                connectors,
                edge,
            } => {
                let mut lines = match connectors {
                    // Only the connectors that name the certificate being replaced, never
                    // every connector of the organisation (connector_lines).
                    Some(targets) => connector_lines(name, targets),
                    None => Vec::new(),
                };
                if *edge {
                    lines.push("New-EdgeSubscription -FileName C:\\EdgeSubscription.xml   # on the Edge server, then import it on a Mailbox server and run Start-EdgeSynchronization".into());
                }
                f.write_str(&lines.join("\n"))
            }
        }
    }
}

impl PartialEq for Fix {
    fn eq(&self, other: &Fix) -> bool {
        self.to_string() == other.to_string()
    }
}

impl Eq for Fix {}

impl serde::Serialize for Fix {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
