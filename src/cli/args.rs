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
    /// `--at` before the command name: kept, hidden, so scripts written when `--at` was global
    /// still work. It applies to the commands that evaluate time (those that list `--at`); the
    /// command's own `--at` wins.
    #[arg(long, hide = true, value_name = "RFC3339", value_parser = parse_rfc3339, overrides_with = "at")]
    pub(crate) at: Option<time::OffsetDateTime>,
    /// A password from this file (its first line): the one that opens input PKCS#12 files and
    /// encrypted keys, or for `pfx` and `selfsigned` the one that protects the PFX written.
    /// Repeat for inputs with different passwords; they are tried in order.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) password_file: Vec<std::path::PathBuf>,
    /// A password from this environment variable, used as --password-file's is. Repeatable.
    #[arg(long, global = true, value_name = "VAR")]
    pub(crate) password_env: Vec<String>,
    /// Most password-hashing work one input file may cost, in hash blocks (docs/formats.md).
    /// The default opens any real export; raise it only for a file you trust.
    #[arg(long, global = true, value_name = "UNITS", default_value_t = certprep::input::budget::DEFAULT_MAX_KDF_WORK)]
    pub(crate) max_kdf_work: u64,
    /// Most password-hashing work the whole command may cost, over all its files.
    #[arg(long, global = true, value_name = "UNITS", default_value_t = certprep::input::budget::DEFAULT_MAX_KDF_WORK_RUN)]
    pub(crate) max_kdf_work_run: u64,
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
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(super::completions::CompletionsArgs),
    /// Print the man page (roff), generated from these definitions.
    Man(super::completions::ManArgs),
}

impl Command {
    /// The command's own `--at`, on the commands that evaluate time.
    pub(crate) fn at(&self) -> Option<time::OffsetDateTime> {
        match self {
            Command::Inspect(a) => a.time.at,
            Command::Chain(a) => a.time.at,
            Command::Pfx(a) => a.time.at,
            Command::Pem(a) => a.time.at,
            Command::Check(a) => a.time.at,
            Command::Scan(a) => a.time.at,
            Command::Selfsigned(a) => a.time.at,
            Command::Runbook(a) => a.time.at,
            Command::Thumbprint(_)
            | Command::TlsName(_)
            | Command::Csr(_)
            | Command::Probe(_)
            | Command::Completions(_)
            | Command::Man(_)
            | Command::Collect(_) => None,
        }
    }
}

/// `--at`, on the commands whose result depends on the time (validity, expiry, notBefore).
#[derive(Debug, Args)]
pub(crate) struct AtArgs {
    /// Evaluate validity at this instant (RFC 3339, e.g. 2027-01-01T00:00:00Z) instead of now.
    #[arg(long, value_name = "RFC3339", value_parser = parse_rfc3339, overrides_with = "at")]
    pub(crate) at: Option<time::OffsetDateTime>,
}

/// `--format` for commands whose report is text or JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum TextOrJson {
    /// For people.
    Text,
    /// JSON (a contract: only gains fields).
    Json,
}

/// The values `--windows` takes, on every command that has it: the Windows Server versions
/// Exchange 2016 and later run on.
pub(crate) const WINDOWS_VERSIONS: [&str; 5] = ["2012r2", "2016", "2019", "2022", "2025"];

/// `--windows VERSION` with one parser everywhere: case and a space or dash in `2012 R2` do
/// not matter (as in certprep.toml), and completions and help list [`WINDOWS_VERSIONS`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct WindowsParser;

impl clap::builder::TypedValueParser for WindowsParser {
    type Value = certprep::config::WindowsName;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Self::Value, clap::Error> {
        let text = value
            .to_str()
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidUtf8).with_cmd(cmd))?;
        text.parse().map_err(|e: String| {
            let name = arg.map(|a| a.to_string()).unwrap_or_default();
            clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!("invalid value '{text}' for '{name}': {e}\n"),
            )
            .with_cmd(cmd)
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            WINDOWS_VERSIONS
                .iter()
                .map(|v| clap::builder::PossibleValue::new(*v)),
        ))
    }
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
