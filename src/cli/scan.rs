//! `certprep scan`: walk trees of certificate files, one row per certificate, in path order.
//! Progress goes to stderr (only on a terminal); faults are reported per file and the scan
//! goes on.

use super::Global;
use certprep::check::{Linking, Options, RootStores};
use certprep::error::ScanError;
use certprep::input::DetectOptions;
use certprep::report::error_chain;
use certprep::report::scan::{ScanFormat, ScanMode, ScanWriter};
use certprep::scan::{
    CheckRules, ExpiringCert, ExpiryCollector, Fault, FileReport, FileStatus, Finding, ScanOptions,
    ScanSummary, Scanner, Severity,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Scan directories for certificates: one row per certificate with thumbprint, subject CN,
/// expiry, days left and findings. Files are recognised by content; anything that is not
/// certificate material is skipped and counted.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  $ certprep scan /srv/certs\n  $ certprep scan deliverables/ --format jsonl --jobs 4 > certs.jsonl\n  $ certprep scan /share/pki --expiring-within 30 --format csv > expiring.csv\n  $ certprep scan . --exclude '*.key' --exclude 'archive/**' --follow-links"
)]
pub(crate) struct ScanArgs {
    #[command(flatten)]
    pub(crate) time: super::args::AtArgs,
    /// Files and directories to scan.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// Output format (fields and columns in docs/scan.md).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Worker threads (default: one per CPU). The output is identical whatever the number.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Keep only certificates that expire within DAYS days (expired ones included), soonest
    /// first, each thumbprint once with every path it was found at.
    #[arg(long, value_name = "DAYS")]
    expiring_within: Option<u32>,
    /// Do not scan files or directories whose name or path (relative to the PATH given)
    /// matches this glob. Repeatable.
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Follow symbolic links that lead inside the PATHs given (loops are reported per path).
    /// Without it links are skipped.
    #[arg(long)]
    follow_links: bool,
    /// With --follow-links, also follow links that lead outside the PATHs given (by default
    /// those are skipped and listed with -v). Kernel file systems (/proc, /sys) are never
    /// scanned.
    #[arg(long, requires = "follow_links")]
    follow_links_outside: bool,
    /// Verify every issuer's signature while building chains, as `check` does. Without it
    /// issuers are linked by name, key identifiers and key type: much faster on trees of
    /// distinct certificates (one RSA verification ~35 µs, one P-384 verification ~1 ms).
    #[arg(long)]
    verify_signatures: bool,
    /// List skipped files (not certificate material, empty, links) on stderr.
    #[arg(long, short = 'v')]
    verbose: bool,
    #[command(flatten)]
    rules: super::check::RuleArgs,
    #[command(flatten)]
    trust: super::args::TrustArgs,
    /// Exit 1 when a printed certificate has a finding at or above this severity.
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Files per unit of parallel work (tuning and tests; the output does not depend on it).
    #[arg(long, value_name = "N", hide = true, value_parser = clap::value_parser!(u32).range(1..))]
    chunk_files: Option<u32>,
    #[command(flatten)]
    keep_going: super::load::KeepGoingArg,
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Aligned columns.
    Table,
    /// JSON Lines: one object per certificate, fault and summary.
    Jsonl,
    /// CSV with a header line.
    Csv,
    /// One JSON document.
    Json,
    /// JUnit XML: a test suite per file, a test case per certificate.
    Junit,
    /// SARIF 2.1.0: one result per finding.
    Sarif,
    /// Prometheus text format for node_exporter's textfile collector (docs/scan.md).
    Prometheus,
}

/// `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
}

impl From<Format> for ScanFormat {
    fn from(f: Format) -> ScanFormat {
        match f {
            Format::Table => ScanFormat::Table,
            Format::Jsonl => ScanFormat::Jsonl,
            Format::Csv => ScanFormat::Csv,
            Format::Json => ScanFormat::Json,
            Format::Junit => ScanFormat::Junit,
            Format::Sarif => ScanFormat::Sarif,
            Format::Prometheus => ScanFormat::Prometheus,
        }
    }
}

impl From<FailOn> for Severity {
    fn from(f: FailOn) -> Severity {
        match f {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
        }
    }
}

/// Scan, print as the scan goes, then the summary on stderr and the exit code.
pub(crate) fn run(
    args: ScanArgs,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let scanner = Scanner::new(scan_options(&args, global))?;
    let rules = check_rules(&args, global)?;
    let threshold = Severity::from(args.fail_on);
    let mode = match args.expiring_within {
        Some(_) => ScanMode::Expiring,
        None => ScanMode::Rows,
    };
    let out = std::io::BufWriter::with_capacity(64 * 1024, out);
    let mut writer = ScanWriter::new(out, args.format.into(), mode, args.verbose, global.at)
        .fail_on(threshold)
        .tool_version(env!("CARGO_PKG_VERSION"));
    writer.begin()?;

    let mut tally = Tally {
        progress: Progress::new(!global.quiet && std::io::stderr().is_terminal()),
        verbose: args.verbose,
        threshold,
        failing: false,
        unreadable: 0,
        collector: args
            .expiring_within
            .map(|days| ExpiryCollector::new(global.at, days)),
    };
    let summary = scanner.run(
        &args.paths,
        &rules,
        &mut |mut file: FileReport| -> std::io::Result<()> {
            tally.file(&mut file);
            writer.file(&file)
        },
    )?;
    if let Some(expiring) = tally.expiring() {
        writer.expiring(&expiring)?;
    }
    tally.progress.finish();
    writer.finish(&summary)?;

    if !global.quiet {
        eprintln!("certprep: {}", summary_line(&summary, args.verbose));
    }
    if summary.nothing_read() {
        anyhow::bail!("nothing could be read under {}", args.paths.join(", "));
    }
    Ok(exit_code(&tally, args.keep_going.keep_going))
}

/// What to walk and how: the flags, and the passwords and work budget for PKCS#12 files.
fn scan_options(args: &ScanArgs, global: &Global) -> ScanOptions {
    let mut opts = ScanOptions::new(global.at);
    opts.follow_links = args.follow_links;
    opts.follow_outside = args.follow_links_outside;
    opts.exclude = args.exclude.clone();
    opts.jobs = args.jobs.map(usize::from);
    if let Some(n) = args.chunk_files {
        opts.chunk_files = n as usize;
    }
    opts.detect = DetectOptions {
        passwords: global.passwords.clone(),
        kdf: global.kdf,
        meter: global.meter.clone(),
        ..DetectOptions::default()
    };
    opts
}

/// The one place rules are plugged in: the `check` registry with the rule and trust flags,
/// applied per file.
fn check_rules(args: &ScanArgs, global: &Global) -> anyhow::Result<CheckRules<'static>> {
    let trust = super::load::load_trust(&args.trust, global)?;
    Ok(CheckRules {
        options: Options {
            names: args.rules.names.clone(),
            services: args.rules.services.clone(),
            server_fqdn: args.rules.server_fqdn.clone(),
            old_tls_name: None,
            windows: args.rules.windows.map(|w| w.0),
            hybrid: args.rules.hybrid,
            edge: args.rules.edge,
            min_days: args.rules.min_days,
            suppress: Vec::new(),
        },
        stores: RootStores {
            public: trust.public,
            trusted: trust.roots,
            pool: trust.pool,
        },
        as_of: global.at,
        linking: if args.verify_signatures {
            Linking::Verified
        } else {
            Linking::Structural
        },
    })
}

/// What the command keeps of each file besides printing it: progress and messages on
/// stderr, whether a printed finding fails the run, how many files could not be read, and in
/// `--expiring-within` mode the rows, merged.
struct Tally {
    progress: Progress,
    verbose: bool,
    threshold: Severity,
    /// A printed certificate has a finding at or above `--fail-on`.
    failing: bool,
    /// Files that could not be read: nothing usable in them, or a PFX no password opens.
    unreadable: u64,
    collector: Option<ExpiryCollector>,
}

impl Tally {
    /// Count `file`, say its faults (and, verbose, its skip) on stderr, and in
    /// `--expiring-within` mode take its rows.
    fn file(&mut self, file: &mut FileReport) {
        self.progress.file(file.rows.len());
        if unreadable(file) {
            self.unreadable += 1;
        }
        for fault in &file.faults {
            self.progress
                .eprintln(&format!("certprep: {}", error_chain(fault)));
        }
        if let (FileStatus::Skipped(reason), true) = (file.status, self.verbose) {
            self.progress
                .eprintln(&format!("certprep: skipped {}: {reason}", file.path));
        }
        match self.collector.as_mut() {
            Some(c) => {
                for row in std::mem::take(&mut file.rows) {
                    c.add(row);
                }
            }
            None => {
                self.failing |= file.rows.iter().any(|r| fails(&r.findings, self.threshold));
            }
        }
    }

    /// In `--expiring-within` mode, after the scan: the merged certificates, soonest first.
    fn expiring(&mut self) -> Option<Vec<ExpiringCert>> {
        let expiring = self.collector.take()?.finish();
        self.failing |= expiring.iter().any(|c| fails(&c.findings, self.threshold));
        Some(expiring)
    }
}

/// Whether a file could not be read: only faults, or a fault that hides its contents (a PFX
/// no password opens). A link loop is not followed by design; anything else the walk met is.
fn unreadable(file: &FileReport) -> bool {
    file.status == FileStatus::Failed
        || file.faults.iter().any(|f| match f {
            Fault::Input(e) => e.hides_contents(),
            Fault::Walk(e) => !matches!(e, ScanError::LinkLoop { .. }),
        })
}

/// Whether a certificate's findings fail the run at `threshold`.
fn fails(findings: &[Finding], threshold: Severity) -> bool {
    findings.iter().any(|f| f.severity >= threshold)
}

/// The run in one line for stderr.
fn summary_line(summary: &ScanSummary, verbose: bool) -> String {
    format!(
        "{} paths: {} certificates in {} files, {} skipped{}, {} faults in {} files",
        summary.paths,
        summary.certificates,
        summary.files_with_certificates,
        summary.skipped,
        if verbose {
            ""
        } else {
            " (--verbose lists them)"
        },
        summary.faults,
        summary.files_with_faults,
    )
}

/// 1 when a printed finding fails the run, else 0; but 2 when a file could not be read,
/// unless `--keep-going` (which says what it skipped).
fn exit_code(tally: &Tally, keep_going: bool) -> ExitCode {
    let code = if tally.failing {
        super::exit::findings()
    } else {
        super::exit::success()
    };
    let unreadable = tally.unreadable;
    if unreadable == 0 {
        return code;
    }
    let files = if unreadable == 1 { "file" } else { "files" };
    if keep_going {
        eprintln!("certprep: skipped {unreadable} unreadable {files} (--keep-going; listed above)");
        code
    } else {
        eprintln!("certprep: {unreadable} {files} could not be read (listed above); exit 2 (--keep-going exits by the findings instead)");
        super::exit::error()
    }
}

/// A spinner on stderr, shown only on a terminal and only once the scan has taken more than
/// a moment (so quick scans print nothing extra).
struct Progress {
    bar: Option<ProgressBar>,
    start: Instant,
    shown: std::cell::Cell<bool>,
    certs: std::cell::Cell<u64>,
}

impl Progress {
    const DELAY: Duration = Duration::from_millis(300);

    fn new(enabled: bool) -> Progress {
        let bar = enabled.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {pos} files, {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            #[cfg(unix)]
            clear_on_interrupt(bar.clone());
            bar
        });
        Progress {
            bar,
            start: Instant::now(),
            shown: std::cell::Cell::new(false),
            certs: std::cell::Cell::new(0),
        }
    }

    fn file(&self, certs: usize) {
        let Some(bar) = &self.bar else { return };
        self.certs.set(self.certs.get() + certs as u64);
        bar.inc(1);
        if !self.shown.get() && self.start.elapsed() > Self::DELAY {
            self.shown.set(true);
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        if bar.position() % 256 == 0 {
            bar.set_message(format!("{} certificates", self.certs.get()));
        }
    }

    fn eprintln(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// On Ctrl-C, erase the spinner line before dying, so the prompt does not land after a stale
/// `⠙ 1234 files` (issue 17). The process then dies of SIGINT as if uncaught (status 130 in
/// the shell, and a calling script's loop stops), which `emulate_default_handler` does by
/// restoring the default action and raising the signal again.
#[cfg(unix)]
fn clear_on_interrupt(bar: ProgressBar) {
    use signal_hook::consts::SIGINT;
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT]) else {
        return; // no handler: Ctrl-C kills the scan as before, line and all
    };
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            bar.finish_and_clear();
            let _ = signal_hook::low_level::emulate_default_handler(SIGINT);
        }
    });
}
