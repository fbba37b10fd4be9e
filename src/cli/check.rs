//! `certprep check`: the Exchange pre-flight. Turns flags and `certprep.toml` into
//! [`certprep::check::Options`], loads inputs, pool and roots, runs the registry and picks the
//! reporter and the exit code (0: nothing at or above --fail-on, 1: something is, 2: errors).

use super::Global;
use anyhow::{bail, Context};
use certprep::check::{self as engine, Options, RootStores, Service, Severity};
use certprep::config::{CheckConfig, Config, WindowsName};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Check certificates, keys, requests and PFX files against Exchange's requirements.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Settings also come from certprep.toml in the working directory (or --config).\nExit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or input error.\n\nExamples:\n  $ certprep check mail.contoso.com.crt ca-bundle.crt --name mail.contoso.com --name autodiscover.contoso.com\n  $ certprep check new.pfx --password-file pw.txt --services IIS,SMTP,POP,IMAP --windows 2016\n  $ certprep check new.pfx --hybrid --format sarif > certprep.sarif\n  $ certprep check --list-rules --format markdown"
)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) time: super::args::AtArgs,
    #[command(flatten)]
    pub(crate) rules: RuleArgs,
    #[command(flatten)]
    trust: super::args::TrustArgs,
    #[command(flatten)]
    old: super::tls_name::OldArgs,
    /// Files to check (any format; `-` for standard input).
    #[arg(value_name = "FILE", required_unless_present = "list_rules")]
    files: Vec<String>,
    /// The request the certificate was issued for.
    #[arg(long, value_name = "REQ")]
    csr: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Lowest severity that makes the exit code 1 [default: error].
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_on: Option<FailOn>,
    /// Print the rule registry (text, json or markdown) and exit.
    #[arg(long)]
    list_rules: bool,
    /// Configuration file (default: ./certprep.toml when present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    keep_going: super::load::KeepGoingArg,
    /// The organisation's state (exchange-state.json from `certprep collect`): required names,
    /// Windows and Exchange builds, hybrid and Edge come from it, and the report gains a state
    /// section with an expiry report of every certificate in it. Repeat for an Edge server's
    /// own file. See docs/state.md.
    #[arg(long = "state", value_name = "FILE")]
    state: Vec<PathBuf>,
}

/// The rule options `check` and `scan` share.
#[derive(Debug, clap::Args)]
pub(crate) struct RuleArgs {
    /// A name the certificate must cover. Repeat, or separate with commas.
    #[arg(short = 'n', long = "name", value_name = "NAME", value_delimiter = ',')]
    pub(crate) names: Vec<String>,
    /// Services the certificate is for: IIS, SMTP, POP, IMAP, AUTH (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub(crate) services: Vec<Service>,
    /// The server's FQDN, used in POP/IMAP remediation.
    #[arg(long, value_name = "FQDN")]
    pub(crate) server_fqdn: Option<String>,
    /// Oldest Windows Server a PFX must import on: 2012r2, 2016, 2019, 2022, 2025.
    #[arg(long, value_name = "VERSION", value_parser = super::args::WindowsParser)]
    pub(crate) windows: Option<WindowsName>,
    /// Hybrid deployment checks (third-party CA, names, TLS name reminder).
    #[arg(long)]
    pub(crate) hybrid: bool,
    /// Edge Transport checks.
    #[arg(long)]
    pub(crate) edge: bool,
    /// Warn when a certificate expires within this many days (default: max(30, lifetime/3)).
    #[arg(long, value_name = "N")]
    pub(crate) min_days: Option<u32>,
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum CheckFormat {
    /// Findings grouped by file.
    Text,
    /// The report as JSON (docs/check.md).
    Json,
    /// JUnit XML, one test case per rule per certificate.
    Junit,
    /// SARIF 2.1.0.
    Sarif,
    /// Markdown (only with --list-rules).
    Markdown,
}

/// `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
}

pub(crate) fn run(
    args: CheckArgs,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    if args.list_rules {
        use certprep::report::check::rules;
        match args.format {
            CheckFormat::Text => rules::write_text(out)?,
            CheckFormat::Json => rules::write_json(out)?,
            CheckFormat::Markdown => rules::write_markdown(out)?,
            f => bail!("--list-rules prints text, json or markdown, not {f:?}"),
        }
        return Ok(super::exit::success());
    }
    if args.format == CheckFormat::Markdown {
        bail!("--format markdown is only for --list-rules; use text, json, junit or sarif");
    }
    let config = load_config(args.config.as_deref())?;
    let (mut options, fail_on) = merge(&args, config.check);
    options.old_tls_name = args.old.tls_name(global)?;
    let state = super::state::load_states(&args.state)?;
    if let Some(st) = &state {
        certprep::state::assess::fill_options(st, &mut options);
    }

    let mut csr_items = match &args.csr {
        Some(path) => load_csr(path, global)?,
        None => Vec::new(), // the engine uses a request among the inputs
    };
    let inputs = super::load::read_inputs(&args.files, global, true);
    let detected = inputs.detected;
    let csr = if csr_items.is_empty() {
        None
    } else {
        Some(csr_items.remove(0))
    };

    let trust = super::load::load_trust(&args.trust, global)?;
    let stores = RootStores {
        public: trust.public,
        trusted: trust.roots,
        pool: trust.pool,
    };
    let unreadable: Vec<engine::UnreadableInput> =
        inputs.unreadable.iter().map(|u| u.to_report()).collect();
    let no_leaf = !detected.certs().any(engine::is_end_entity);
    if no_leaf && unreadable.is_empty() {
        bail!(
            "no end-entity certificate among the inputs (only CA certificates, keys or requests); give the server certificate, PFX or bundle"
        );
    }
    let mut report = engine::run(&detected, csr.as_ref(), &stores, &options, global.at);
    // The report is written even when inputs could not be read, and lists them (a JUnit
    // error, a SARIF notification), so a CI job never publishes an empty file.
    report.unreadable = unreadable;
    let assessment = state.as_ref().map(|st| {
        certprep::state::assess::assess(
            st,
            detected.certs().find(|c| engine::is_end_entity(c)),
            detected.pfxs().next(),
            global.at,
        )
    });
    use certprep::report::check as rep;
    match args.format {
        CheckFormat::Text => {
            rep::text::write(&report, global.color, out)?;
            if let Some(a) = &assessment {
                super::state::write_text(a, out)?;
            }
        }
        CheckFormat::Json => match &assessment {
            // The check document gains a `state` member (docs/state.md); without --state it is
            // unchanged.
            Some(a) => {
                let mut doc = serde_json::to_value(&report)?;
                doc["state"] = serde_json::to_value(a)?;
                serde_json::to_writer_pretty(&mut *out, &doc)?;
                writeln!(out)?;
            }
            None => rep::write_json(&report, out)?,
        },
        CheckFormat::Junit => rep::junit::write(&report, fail_on, out)?,
        CheckFormat::Sarif => rep::sarif::write(&report, env!("CARGO_PKG_VERSION"), out)?,
        CheckFormat::Markdown => unreachable!("rejected above"),
    }
    // JUnit and SARIF describe the certificate's rules only; the state section (and the
    // findings that set the exit code with it) goes to standard error, so a CI log shows why.
    if matches!(args.format, CheckFormat::Junit | CheckFormat::Sarif) {
        if let Some(a) = &assessment {
            super::state::write_text(a, &mut std::io::stderr().lock())?;
        }
    }
    let state_fails = assessment
        .as_ref()
        .and_then(|a| a.max_severity())
        .is_some_and(|s| s >= fail_on);
    let code = if report.fails_at(fail_on) || state_fails {
        super::exit::findings()
    } else {
        super::exit::success()
    };
    // Nothing judged because every server certificate was unreadable: 2 even with --keep-going.
    let total = if no_leaf {
        inputs.unreadable.len()
    } else {
        args.files.len()
    };
    Ok(super::load::conclude(
        &inputs.unreadable,
        total,
        args.keep_going.keep_going,
        code,
    ))
}

/// The requests in `--csr FILE`; an error that says what happened (no such file, a directory,
/// a file that could not be read, one without a request).
fn load_csr(path: &str, global: &Global) -> anyhow::Result<Vec<certprep::model::Csr>> {
    if path != "-" {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!("--csr {path}: no such file; give the request file (.req or .csr) the certificate was issued for")
            }
            Ok(m) if m.is_dir() => {
                bail!(
                    "--csr {path}: is a directory; give the request file (.req or .csr) inside it"
                )
            }
            _ => {}
        }
    }
    let d = super::load::load_one(path, global)?;
    let c: Vec<_> = d.csrs().cloned().collect();
    if c.is_empty() {
        if !d.problems.is_empty() {
            let msgs: Vec<String> = d
                .problems
                .iter()
                .map(|e| super::load::error_chain(e))
                .collect();
            bail!("--csr {path}: {}", msgs.join("; "));
        }
        bail!("--csr {path}: no certificate request in the file (it holds {}); give the request file (.req or .csr)", describe(&d));
    }
    Ok(c)
}

/// What a file holds, for a message: `2 certificates, 1 private key`.
fn describe(d: &certprep::input::Detected) -> String {
    let n_certs = d.certs().count();
    let n_keys = d.keys().count();
    let mut parts = Vec::new();
    if n_certs > 0 {
        parts.push(format!("{n_certs} certificate(s)"));
    }
    if n_keys > 0 {
        parts.push(format!("{n_keys} private key(s)"));
    }
    if parts.is_empty() {
        parts.push("no certificate material".to_owned());
    }
    parts.join(", ")
}

/// `--config FILE` (must exist), else `./certprep.toml` when present, else defaults.
fn load_config(path: Option<&std::path::Path>) -> anyhow::Result<Config> {
    let (path, must) = match path {
        Some(p) => (p.to_path_buf(), true),
        None => (PathBuf::from("certprep.toml"), false),
    };
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if !must && e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => {
            return Err(e).with_context(|| format!("reading configuration {}", path.display()))
        }
    };
    let text = super::read_text_bounded(
        file,
        super::MAX_SMALL_TEXT,
        &format!("configuration {}", path.display()),
    )?;
    Ok(Config::parse(&text, &path.display().to_string())?)
}

/// Flags over configuration: lists add up, single values from flags win, switches OR.
fn merge(args: &CheckArgs, c: CheckConfig) -> (Options, Severity) {
    let mut names = c.names;
    for n in &args.rules.names {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    let options = Options {
        names,
        services: if args.rules.services.is_empty() {
            c.services
        } else {
            args.rules.services.clone()
        },
        server_fqdn: args.rules.server_fqdn.clone().or(c.server_fqdn),
        old_tls_name: None,
        windows: args.rules.windows.or(c.windows).map(|w| w.0),
        hybrid: args.rules.hybrid || c.hybrid.unwrap_or(false),
        edge: args.rules.edge || c.edge.unwrap_or(false),
        min_days: args.rules.min_days.or(c.min_days),
        suppress: c.suppress,
    };
    let fail_on = match args.fail_on {
        Some(FailOn::Error) => Severity::Error,
        Some(FailOn::Warning) => Severity::Warning,
        None => c.fail_on.unwrap_or(Severity::Error),
    };
    (options, fail_on)
}
