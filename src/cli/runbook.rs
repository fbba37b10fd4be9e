//! `certprep runbook`: write the PowerShell script that applies a new certificate on Exchange.

use super::output::{is_stdout, write_file, Sensitivity};
use super::Global;
use anyhow::{bail, Context};
use certprep::check;
use certprep::input::Detected;
use certprep::model::Cert;
use certprep::runbook::{
    self, CheckNote, OldCertificate, PfxFacts, Plan, PlanOptions, RunbookOptions, RunbookSpec,
    Service,
};
use certprep::thumbprint::Thumbprint;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Write the PowerShell runbook that renews the certificate on Exchange. With --state (the
/// exchange-state.json `certprep collect` gathers) it prints the plan — every change per server
/// and why, what is kept and why — and writes a script that stops at the first failure, re-reads
/// the organisation first, rolls back to the collected values, verifies, and removes the old
/// certificate only where that is safe and after you confirm. Without --state it changes only
/// what it is told by name and never removes a certificate.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  $ certprep runbook mail.pfx --state exchange-state.json -o renew.ps1\n  $ certprep runbook mail.pfx --state exchange-state.json --old 9F3A7C21D4E5B6A7988812AB34CD56EF7890AB12 -o renew.ps1\n  $ certprep runbook mail.pfx --server EX01 --server EX02 --old-thumbprint 9F3A…  -o renew.ps1\n  $ certprep runbook mail.crt --pfx-path 'C:\\certs\\mail.pfx' --server EX01 --services IIS,SMTP,POP,IMAP --receive-connector 'Client Frontend' -o renew.ps1"
)]
pub(crate) struct RunbookArgs {
    #[command(flatten)]
    pub(crate) time: super::args::AtArgs,
    #[command(flatten)]
    trust: super::args::TrustArgs,
    /// The new certificate: the PFX you will import, or its certificate (then give --pfx-path).
    #[arg(value_name = "FILE")]
    file: String,
    /// The organisation's state, written by the script `certprep collect` makes: the plan
    /// (servers, services, connectors, POP/IMAP, Edge, what to remove) is computed from it.
    #[arg(long, value_name = "exchange-state.json", conflicts_with_all = ["servers", "services", "send_connectors", "receive_connectors", "hybrid"])]
    state: Vec<PathBuf>,
    /// With --state: let enabling SMTP make the new certificate the internal transport
    /// certificate (by default the current one is kept, as Microsoft advises).
    #[arg(long, requires = "state")]
    replace_internal_transport: bool,
    /// An Exchange server to install on (without --state). Repeat, or separate with commas.
    #[arg(
        long = "server",
        value_name = "SERVER",
        required_unless_present = "state",
        value_delimiter = ','
    )]
    servers: Vec<String>,
    /// Services to enable, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', ignore_case = true, default_values_t = [ServiceArg::Iis, ServiceArg::Smtp])]
    services: Vec<ServiceArg>,
    /// Thumbprint of the certificate being replaced (as Get-ExchangeCertificate shows it).
    #[arg(long, value_name = "THUMBPRINT", conflicts_with = "old")]
    old_thumbprint: Option<String>,
    /// The certificate being replaced: its file (gives its thumbprint and its TLS name for the
    /// rollback), or its thumbprint. With --state, default: the certificate bound to HTTPS 443.
    #[arg(long, value_name = "FILE|THUMBPRINT")]
    old: Option<String>,
    /// A send connector whose TlsCertificateName to set (organisation-wide). Repeatable.
    #[arg(long = "send-connector", value_name = "NAME")]
    send_connectors: Vec<String>,
    /// A receive connector whose TlsCertificateName to set: `SERVER\NAME`, or a bare NAME to
    /// set on every server (Setup's `Client Frontend` becomes `SERVER\Client Frontend SERVER`).
    /// Repeatable. Without it no receive connector is changed.
    #[arg(long = "receive-connector", value_name = "NAME")]
    receive_connectors: Vec<String>,
    /// Also set Set-HybridConfiguration -TlsCertificateName.
    #[arg(long)]
    hybrid: bool,
    /// Oldest Windows Server the PFX must import on: 2012r2, 2016, 2019, 2022, 2025 (default:
    /// 2016, the oldest Windows a supported Exchange runs on).
    #[arg(long, value_name = "VERSION", value_parser = super::args::WindowsParser)]
    windows: Option<certprep::config::WindowsName>,
    /// Where the PFX file is on the machine that runs the script. Default: FILE's name, found
    /// in the directory the script is run from.
    #[arg(long, value_name = "PATH")]
    pfx_path: Option<String>,
    /// FriendlyName to import with (under 64 characters). Default: name and expiry date.
    #[arg(long, value_name = "NAME")]
    friendly_name: Option<String>,
    /// The FQDN POP/IMAP announce (`-X509CertificateName`). Default for a wildcard
    /// certificate: its first non-wildcard DNS name.
    #[arg(long, value_name = "FQDN", alias = "server-fqdn")]
    pop_imap_fqdn: Option<String>,
    /// Where to write the script (`-` for standard output).
    #[arg(short = 'o', long = "output", alias = "out", value_name = "OUT.ps1")]
    output: PathBuf,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    force: bool,
    /// Generate the runbook even when `certprep check` finds errors (they are listed at the
    /// top of the script).
    #[arg(long)]
    ignore_check: bool,
}

/// `--services` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ServiceArg {
    /// IIS (OWA, EWS, ActiveSync, Autodiscover, MAPI).
    #[value(name = "IIS")]
    Iis,
    /// SMTP (transport, STARTTLS).
    #[value(name = "SMTP")]
    Smtp,
    /// POP3.
    #[value(name = "POP")]
    Pop,
    /// IMAP4.
    #[value(name = "IMAP")]
    Imap,
}

impl From<ServiceArg> for Service {
    fn from(s: ServiceArg) -> Service {
        match s {
            ServiceArg::Iis => Service::Iis,
            ServiceArg::Smtp => Service::Smtp,
            ServiceArg::Pop => Service::Pop,
            ServiceArg::Imap => Service::Imap,
        }
    }
}

/// The one server certificate in `path`, and everything the file held (for `check`).
pub(crate) fn load_leaf(path: &str, global: &Global) -> anyhow::Result<(Cert, Detected)> {
    let detected = super::load::load_all(&[path.to_owned()], global)?;
    let certs: Vec<&Cert> = detected.certs().collect();
    let leaf = runbook::select_leaf(&certs, path)?.clone();
    Ok((leaf, detected))
}

/// What `certprep check` says about the new certificate for these services, as runbook notes.
fn check_notes(
    detected: &Detected,
    args: &RunbookArgs,
    state: Option<&certprep::state::State>,
    old_tls_name: Option<String>,
    global: &Global,
) -> anyhow::Result<Vec<CheckNote>> {
    let mut options = check::Options {
        services: args.services.iter().copied().map(Service::from).collect(),
        server_fqdn: args.pop_imap_fqdn.clone(),
        hybrid: args.hybrid,
        windows: args.windows.map(|w| w.0),
        // The runbook sets the connectors it is given; the old name only keeps the check's
        // tls-name-update note from asking for it.
        old_tls_name,
        ..check::Options::default()
    };
    if let Some(state) = state {
        // The rules take their facts from the state, as `check --state` does: the names the
        // organisation uses, its services, the oldest Windows, hybrid and Edge.
        options.services.clear();
        certprep::state::assess::fill_options(state, &mut options);
    }
    let trust = super::load::load_trust(&args.trust, global)?;
    let stores = check::RootStores {
        public: trust.public,
        trusted: trust.roots,
        pool: trust.pool,
    };
    let report = check::run(detected, None, &stores, &options, global.at);
    Ok(report
        .findings()
        .map(|f| match f.rule {
            // The runbook carries out this rule's remediation itself (POP/IMAP are pointed at
            // a covered FQDN with -X509CertificateName), so it informs rather than blocks.
            "wildcard-pop-imap" => CheckNote {
                severity: check::Severity::Info,
                id: f.rule.to_owned(),
                message: format!("{} (this runbook sets -X509CertificateName)", f.detail),
            },
            _ => CheckNote {
                severity: f.severity,
                id: f.rule.to_owned(),
                message: f.detail.clone(),
            },
        })
        .collect())
}

pub(crate) fn run(
    args: RunbookArgs,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let (leaf, detected) = load_leaf(&args.file, global)?;
    let is_pfx = detected.pfxs().next().is_some();
    // Repeatable as for `check --state`: an Edge server's own file joins the organisation's.
    let state = super::state::load_states(&args.state)?;
    let old = match (&args.old_thumbprint, &args.old) {
        (Some(t), _) => Some(OldCertificate {
            thumbprint: Thumbprint::parse(t).with_context(|| {
                format!("--old-thumbprint {t}: not a thumbprint (40 hex digits, as Get-ExchangeCertificate prints it)")
            })?,
            tls_name: None,
        }),
        // `--old` takes the old certificate's file, or its thumbprint when no such file exists
        // (`runbook NEW --state … --old THUMBPRINT`, issue 19).
        (None, Some(path)) if !std::path::Path::new(path).exists() && Thumbprint::parse(path).is_some() => {
            Thumbprint::parse(path).map(|thumbprint| OldCertificate {
                thumbprint,
                tls_name: None,
            })
        }
        (None, Some(path)) => {
            let (cert, _) = load_leaf(path, global).with_context(|| format!("--old {path}"))?;
            Some(OldCertificate::from_cert(&cert))
        }
        (None, None) => None,
    };
    let old_tls_name = old.as_ref().and_then(|o| o.tls_name.clone());
    let findings = check_notes(&detected, &args, state.as_ref(), old_tls_name, global)?;
    let pfx_path = match (&args.pfx_path, is_pfx) {
        (Some(p), _) => p.clone(),
        (None, true) if args.file != "-" => std::path::Path::new(&args.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| args.file.clone()),
        _ => bail!(
            "{}: not a PFX file, and Exchange imports the certificate with its key from a PFX; \
             build one (certprep pfx {} KEY -o mail.pfx) and give --pfx-path mail.pfx",
            args.file,
            args.file
        ),
    };
    if let (Some(state_path), Some(state)) = (args.state.first(), &state) {
        return run_planned(
            &args, state_path, state, leaf, &detected, pfx_path, old, findings, global, out,
        );
    }
    let options = RunbookOptions {
        servers: args.servers.clone(),
        services: args.services.iter().copied().map(Service::from).collect(),
        old,
        send_connectors: args.send_connectors.clone(),
        receive_connectors: args.receive_connectors.clone(),
        hybrid: args.hybrid,
        pfx_path,
        friendly_name: args.friendly_name.clone(),
        pop_imap_fqdn: args.pop_imap_fqdn.clone(),
        findings,
        ignore_check: args.ignore_check,
        generator: format!("certprep {}", env!("CARGO_PKG_VERSION")),
        script_name: script_name(&args.output),
    };
    let spec = RunbookSpec::plan(&leaf, options).with_context(|| args.file.clone())?;
    let script = runbook::render(&spec);
    // The script is written first; the summary only for a file, and not with -q.
    if write_script(&args.output, &script, args.force, out)? && !global.quiet {
        eprintln!(
            "certprep: wrote {} for {} (thumbprint {}) on {}",
            args.output.display(),
            certprep::report::sanitize_line(&spec.subject),
            spec.thumbprint,
            certprep::report::sanitize_line(&spec.servers.join(", "))
        );
    }
    Ok(super::exit::success())
}

/// The script's file name for its header (`None` for standard output).
fn script_name(output: &std::path::Path) -> Option<String> {
    output
        .file_name()
        .filter(|_| !is_stdout(output))
        .map(|n| n.to_string_lossy().into_owned())
}

/// The script to standard output (`-`, as is) or to its file (with the UTF-8 BOM Windows
/// PowerShell 5.1 needs to read non-ASCII text); true when a file was written.
fn write_script(
    output: &std::path::Path,
    script: &str,
    force: bool,
    out: &mut dyn Write,
) -> anyhow::Result<bool> {
    if is_stdout(output) {
        out.write_all(script.as_bytes())?;
        return Ok(false);
    }
    let mut bytes = runbook::UTF8_BOM.as_bytes().to_vec();
    bytes.extend_from_slice(script.as_bytes());
    write_file(output, &bytes, force, Sensitivity::Public)?;
    Ok(true)
}

/// `runbook --state`: plan from the organisation's state, print the plan, write the script.
#[allow(clippy::too_many_arguments)]
fn run_planned(
    args: &RunbookArgs,
    state_path: &std::path::Path,
    state: &certprep::state::State,
    leaf: Cert,
    detected: &Detected,
    pfx_path: String,
    old: Option<OldCertificate>,
    findings: Vec<CheckNote>,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let pfx = detected.pfxs().next().map(PfxFacts::from_info);
    let options = PlanOptions {
        old: old.map(|o| o.thumbprint),
        replace_internal_transport: args.replace_internal_transport,
        pfx_path,
        friendly_name: args.friendly_name.clone(),
        pop_imap_fqdn: args.pop_imap_fqdn.clone(),
        findings,
        ignore_check: args.ignore_check,
        generator: format!("certprep {}", env!("CARGO_PKG_VERSION")),
        script_name: script_name(&args.output),
    };
    let plan = Plan::compute(&leaf, pfx, state, options)
        .with_context(|| format!("{} with {}", args.file, state_path.display()))?;
    let script = runbook::render_plan(&plan);
    // The script is written first; the summary only for a file, and not with -q.
    if write_script(&args.output, &script, args.force, out)? && !global.quiet {
        let text = runbook::plan_text(&plan);
        for line in text.lines() {
            writeln!(out, "{}", certprep::report::sanitize_line(line))?;
        }
        eprintln!("certprep: wrote {}", args.output.display());
    }
    Ok(super::exit::success())
}
