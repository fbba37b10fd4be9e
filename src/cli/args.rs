//! The command line, declared with clap derive. Each command's own flags live in its module;
//! this file only lists the commands and the global flags.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// certprep: the file-side work of renewing TLS certificates for Exchange Server and Windows.
#[derive(Debug, Parser)]
#[command(name = "certprep", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// Evaluate validity at this instant (RFC 3339, e.g. 2027-01-01T00:00:00Z) instead of now.
    #[arg(long, global = true, value_name = "RFC3339", value_parser = parse_rfc3339, overrides_with = "at")]
    pub(crate) at: Option<time::OffsetDateTime>,
    /// Read a password for PKCS#12 files and encrypted keys from this file (first line).
    /// Repeat for several files with different passwords; they are tried in order.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) password_file: Vec<std::path::PathBuf>,
    /// Read a password from this environment variable. Repeatable.
    #[arg(long, global = true, value_name = "VAR")]
    pub(crate) password_env: Vec<String>,
    /// Print only errors and the requested output.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// When to use colour on the terminal.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Show what Get-ExchangeCertificate would show for every certificate, request, key and PFX.
    Inspect(super::inspect::InspectArgs),
    /// Print each certificate's thumbprint as Windows does.
    Thumbprint(super::thumbprint::ThumbprintArgs),
    /// Print the connector TLS certificate name (<I>issuer<S>subject), compare it, or emit PowerShell.
    TlsName(super::tls_name::TlsNameArgs),
    /// Assemble, order and verify the certificate chain; say exactly what is missing.
    Chain(super::chain::ChainArgs),
    /// Build a PFX Windows imports (leaf, key, chain in order), or convert one.
    Pfx(super::pfx::PfxArgs),
    /// Split a PFX or other inputs into key.pem, cert.pem, chain.pem and fullchain.pem.
    Pem(super::pem::PemArgs),
    /// Check certificates against Exchange's requirements (exit 1 on findings at --fail-on).
    Check(super::check::CheckArgs),
    /// Scan directories: one row per certificate, with expiry and findings, fast.
    Scan(super::scan::ScanArgs),
    /// Make a new key and a certificate signing request (or renew one with --from).
    Csr(super::csr::CsrArgs),
    /// Make a self-signed certificate and key (lab or Edge).
    Selfsigned(super::selfsigned::SelfsignedArgs),
    /// Write collect.ps1: a read-only script that exports the organisation's state as JSON.
    Collect(super::collect::CollectArgs),
    /// Write the PowerShell script that renews the certificate on Exchange, every value computed.
    Runbook(Box<super::runbook::RunbookArgs>),
    /// Show which certificate a server presents (SMTP/IMAP/POP3 STARTTLS, implicit TLS, HTTPS).
    Probe(super::probe::ProbeArgs),
}

fn parse_rfc3339(s: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("not an RFC 3339 time such as 2027-01-01T00:00:00Z ({e})"))
}

/// Where issuers and trust come from: shared by every command that builds chains
/// (`chain`, `check`, `inspect`, `runbook`).
#[derive(Debug, Args)]
pub(crate) struct TrustArgs {
    /// Extra candidate intermediates: a file (any format) or a directory, read recursively.
    /// Repeatable.
    #[arg(long, value_name = "PATH")]
    pub(crate) pool: Vec<String>,
    /// Roots to trust besides the embedded public ones (an enterprise CA): trusted, not
    /// public. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub(crate) roots: Vec<String>,
    /// Do not trust the embedded Mozilla root store (only --roots).
    #[arg(long)]
    pub(crate) no_embedded_roots: bool,
}
