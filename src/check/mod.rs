//! `check`: the Exchange pre-flight rule engine (design.md §4.5, style.md §3).
//!
//! A [`Rule`] is one unit: a stable kebab-case id, a severity, a summary, a citation, an
//! optional remediation, and a pure `check` over one end-entity certificate and its [`Ctx`].
//! [`run`] finds the end-entity certificates among the inputs, works out the facts every rule
//! may need (keys, request, PKCS#12 structure, chain, the kind of CA), runs every rule in
//! [`registry::RULES`] and returns a [`CheckReport`]: facts only, no layout (the reporters in
//! [`crate::report`] own presentation).
//!
//! Rules never parse bytes, open files, read the clock or the environment, call each other, or
//! depend on rule order; this module must not either (time and root stores are arguments).

pub mod facts;
pub mod fix;
mod inputs;
pub mod names;
pub mod registry;
pub mod rules;

use crate::input::{Detected, Origin};
use crate::model::{Cert, Csr, PfxInfo, PrivateKey};
use crate::thumbprint::{HashAlg, Thumbprint};
use crate::windows::WindowsVersion;
pub use facts::{CaKind, ChainFacts, Linking, RootStores};
pub use fix::Fix;
pub use inputs::{Inputs, PARALLEL_LEAVES};
use time::OffsetDateTime;

/// How serious a finding is: the crate's one scale ([`crate::severity`]).
pub use crate::severity::Severity;

/// What a rule says about one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The requirement holds.
    Pass,
    /// The rule does not apply to this certificate under these options.
    NotApplicable,
    /// The requirement does not hold.
    Fail {
        /// What exactly is wrong, for this certificate (no path, no severity: the engine adds
        /// those).
        detail: String,
        /// What fixes it, as facts, when the rule can tell for this certificate; otherwise the
        /// rule's static [`Rule::remediation`] is used. Rendered only when printed.
        fix: Option<Fix>,
        /// A severity above the rule's own, for the cases the rule documents (for example
        /// ECDSA on an Edge Transport server).
        escalate: Option<Severity>,
    },
}

impl Verdict {
    /// A failure with a detail and the rule's static remediation.
    pub fn fail(detail: impl Into<String>) -> Verdict {
        Verdict::Fail {
            detail: detail.into(),
            fix: None,
            escalate: None,
        }
    }

    /// A failure with a remediation for this certificate.
    pub fn fail_fix(detail: impl Into<String>, fix: Fix) -> Verdict {
        Verdict::Fail {
            detail: detail.into(),
            fix: Some(fix),
            escalate: None,
        }
    }

    /// This verdict, raised to `severity` if it is a failure.
    pub fn escalated(self, severity: Severity) -> Verdict {
        match self {
            Verdict::Fail { detail, fix, .. } => Verdict::Fail {
                detail,
                fix,
                escalate: Some(severity),
            },
            v => v,
        }
    }

    /// Whether this is a failure.
    pub fn is_fail(&self) -> bool {
        matches!(self, Verdict::Fail { .. })
    }
}

/// One rule of the registry.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case id (`<subject>-<requirement>`); suppression lists use it.
    pub id: &'static str,
    /// Severity of a failure (a rule may escalate in documented cases).
    pub severity: Severity,
    /// Lowercase phrase under 80 characters, no final period: the text and JUnit message.
    pub summary: &'static str,
    /// Where the requirement comes from (RFC, CA/B Forum, Microsoft doc, or `certprep`).
    pub citation: &'static str,
    /// What fixes it, in general; rules that can tell the exact command return its facts in
    /// [`Verdict::Fail::fix`].
    pub remediation: Option<&'static str>,
    /// Why the rule exists and has its severity and fix, with the Microsoft document or
    /// CSS-Exchange source it rests on (or a plain statement that Microsoft is silent):
    /// the "Why" section of docs/rules.md.
    pub why: &'static str,
    /// The check: pure, total, over one end-entity certificate.
    pub check: fn(&Cert, &Ctx<'_>) -> Verdict,
}

impl Rule {
    /// The file under `src/check/rules/` that declares this rule (id with `_`).
    pub fn file_stem(&self) -> String {
        self.id.replace('-', "_")
    }
}

/// An Exchange service a certificate is meant for (`Enable-ExchangeCertificate -Services`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Service {
    /// IIS: Outlook on the web, EWS, ActiveSync, Autodiscover, MAPI/HTTP (client access).
    Iis,
    /// SMTP transport.
    Smtp,
    /// POP3.
    Pop,
    /// IMAP4.
    Imap,
    /// The Exchange Auth (OAuth) or federation certificate.
    Auth,
}

impl Service {
    /// Every service, in `--services` spelling order.
    pub const ALL: [Service; 5] = [
        Service::Iis,
        Service::Smtp,
        Service::Pop,
        Service::Imap,
        Service::Auth,
    ];

    /// Whether this is POP or IMAP (the services a wildcard subject cannot be enabled for).
    pub fn is_pop_imap(self) -> bool {
        matches!(self, Service::Pop | Service::Imap)
    }

    /// The name as `--services` and Exchange spell it.
    pub fn name(self) -> &'static str {
        match self {
            Service::Iis => "IIS",
            Service::Smtp => "SMTP",
            Service::Pop => "POP",
            Service::Imap => "IMAP",
            Service::Auth => "AUTH",
        }
    }
}

impl std::str::FromStr for Service {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_uppercase().as_str() {
            "IIS" => Ok(Service::Iis),
            "SMTP" => Ok(Service::Smtp),
            "POP" | "POP3" => Ok(Service::Pop),
            "IMAP" | "IMAP4" => Ok(Service::Imap),
            "AUTH" | "FEDERATION" => Ok(Service::Auth),
            other => Err(format!(
                "unknown service {other:?}; use IIS, SMTP, POP, IMAP or AUTH"
            )),
        }
    }
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What the user asked to be checked: the `check` options that are not root stores or time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Names the certificate must cover (`--name`).
    pub names: Vec<String>,
    /// Services it will be enabled for (`--services`).
    pub services: Vec<Service>,
    /// The server's FQDN (`--server-fqdn`), for POP/IMAP remediation.
    pub server_fqdn: Option<String>,
    /// The connector TLS name (`<I>…<S>…`) of the certificate being replaced (`--old FILE` or
    /// `--old-name`): connector fixes change only the connectors that name it.
    pub old_tls_name: Option<String>,
    /// The oldest Windows version the PFX must import on (`--windows`); `None`: Windows
    /// Server 2016 is assumed ([`crate::windows::ASSUMED`]) and findings say so.
    pub windows: Option<WindowsVersion>,
    /// Hybrid deployment checks (`--hybrid`).
    pub hybrid: bool,
    /// Edge Transport checks (`--edge`).
    pub edge: bool,
    /// Expiry warning threshold in days (`--min-days`); default: max(30, lifetime / 3).
    pub min_days: Option<u32>,
    /// Rule ids whose failures are reported as suppressed, not as findings.
    pub suppress: Vec<String>,
}

impl Options {
    /// Whether `service` was given.
    pub fn has(&self, service: Service) -> bool {
        self.services.contains(&service)
    }
}

/// Everything a rule may look at besides the certificate itself. Built by [`run`]; tests may
/// build one directly.
#[derive(Clone, Debug)]
pub struct Ctx<'a> {
    /// The instant validity is judged at.
    pub as_of: OffsetDateTime,
    /// The user's options.
    pub options: &'a Options,
    /// Private keys offered for this certificate: those in the same file, else every key in
    /// the inputs.
    pub keys: Vec<&'a PrivateKey>,
    /// The request given with `--csr`.
    pub csr: Option<&'a Csr>,
    /// The PKCS#12 file this certificate came from, if any.
    pub pfx: Option<&'a PfxInfo>,
    /// The private keys inside that PKCS#12 file.
    pub pfx_keys: Vec<&'a PrivateKey>,
    /// Every certificate in the same file (or ZIP entry), in file order, this one included
    /// (borrowed: a file of many leaves shares one list).
    pub file_certs: &'a [&'a Cert],
    /// Every end-entity certificate of the run (for Edge/hybrid consistency).
    pub leaves: &'a [&'a Cert],
    /// The chain as `chain::assemble` built it (`None` only where a test builds a context
    /// without one).
    pub chain: Option<&'a ChainFacts<'a>>,
    /// What kind of CA issued it.
    pub ca: CaKind,
}

/// The outcome of one rule on one certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Passed.
    Pass,
    /// Did not apply.
    NotApplicable,
    /// Failed: there is a finding.
    Fail,
    /// Failed, but the rule id is suppressed by configuration.
    Suppressed,
}

/// A failed rule on one certificate, with everything a reporter needs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// Rule id.
    pub rule: &'static str,
    /// Severity (the rule's, or an escalation).
    pub severity: Severity,
    /// The rule's summary.
    pub summary: &'static str,
    /// What is wrong with this certificate.
    pub detail: String,
    /// The rule's citation.
    pub citation: &'static str,
    /// What fixes it, where something does: for this certificate, or the rule's general
    /// advice ([`Fix::Advice`]). Facts until a reporter prints it (JSON: the text).
    pub remediation: Option<Fix>,
}

impl Finding {
    /// The remediation as the text reporters print, if there is one.
    pub fn remediation_text(&self) -> Option<String> {
        self.remediation.as_ref().map(ToString::to_string)
    }
}

/// One rule's outcome on one certificate.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RuleResult {
    /// Rule id.
    pub rule: &'static str,
    /// What happened.
    pub outcome: Outcome,
}

/// The results for one end-entity certificate.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CertResult {
    /// Where it was found.
    pub origin: Origin,
    /// Subject as Windows prints it.
    pub subject: String,
    /// Issuer as Windows prints it.
    pub issuer: String,
    /// SHA-1 thumbprint (Windows `Thumbprint`).
    pub thumbprint: String,
    /// notAfter.
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    /// The connector TLS certificate name `<I>…<S>…`.
    pub tls_name: String,
    /// Every rule's outcome, in registry order.
    pub results: Vec<RuleResult>,
    /// The failures that were not suppressed, in registry order.
    pub findings: Vec<Finding>,
}

/// The results for one input file.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FileResult {
    /// The file (and ZIP entry) as given.
    pub path: String,
    /// Its end-entity certificates, in file order.
    pub certificates: Vec<CertResult>,
}

/// Counts over the whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// End-entity certificates checked.
    pub certificates: usize,
    /// Findings at error level.
    pub errors: usize,
    /// Findings at warning level.
    pub warnings: usize,
    /// Findings at info level.
    pub infos: usize,
    /// Failures suppressed by configuration.
    pub suppressed: usize,
}

/// What `check` found. Serialised as the `--format json` document (docs/check.md).
#[derive(Clone, Debug, serde::Serialize)]
pub struct CheckReport {
    /// Schema version of this document; it only gains fields.
    pub version: u32,
    /// The instant validity was judged at.
    #[serde(with = "time::serde::rfc3339")]
    pub as_of: OffsetDateTime,
    /// How issuers were linked: `verified` (see [`Linking`]).
    pub chain_linking: Linking,
    /// Per input file, in input order.
    pub files: Vec<FileResult>,
    /// Counts.
    pub summary: Summary,
    /// Inputs that could not be read (nothing usable in them, or a PFX no password opens),
    /// in input order; the caller fills it in (the command exits 2 unless `--keep-going`).
    pub unreadable: Vec<UnreadableInput>,
}

pub use crate::input::UnreadableInput;

impl CheckReport {
    /// The highest severity among the findings, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings().map(|f| f.severity).max()
    }

    /// Every finding, in report order.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.files
            .iter()
            .flat_map(|f| &f.certificates)
            .flat_map(|c| &c.findings)
    }

    /// Whether any finding is at or above `level`.
    pub fn fails_at(&self, level: Severity) -> bool {
        self.max_severity().is_some_and(|s| s >= level)
    }
}

/// Whether a certificate is an end-entity certificate `check` judges (not a CA certificate).
pub fn is_end_entity(cert: &Cert) -> bool {
    !cert.is_ca()
}

/// The most certificates a finding's detail names one by one; the rest are counted.
pub const LISTED_IN_DETAIL: usize = 10;

/// `items` joined with `sep`, at most [`LISTED_IN_DETAIL`] of them, then how many more there
/// were (`… and 1990 more`): a finding's detail stays short however many certificates a file
/// holds, so the output grows with the findings, not with the square of the file (issue 16).
pub fn join_listed<S: AsRef<str>>(items: impl ExactSizeIterator<Item = S>, sep: &str) -> String {
    let total = items.len();
    let mut out = String::new();
    for (i, item) in items.take(LISTED_IN_DETAIL).enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item.as_ref());
    }
    if total > LISTED_IN_DETAIL {
        out.push_str(&format!(" … and {} more", total - LISTED_IN_DETAIL));
    }
    out
}

/// Run one rule, turning its verdict into an outcome and maybe a finding.
pub fn evaluate(rule: &Rule, cert: &Cert, ctx: &Ctx<'_>) -> (Outcome, Option<Finding>) {
    match (rule.check)(cert, ctx) {
        Verdict::Pass => (Outcome::Pass, None),
        Verdict::NotApplicable => (Outcome::NotApplicable, None),
        Verdict::Fail { .. } if ctx.options.suppress.iter().any(|s| s == rule.id) => {
            (Outcome::Suppressed, None)
        }
        Verdict::Fail {
            detail,
            fix,
            escalate,
        } => (
            Outcome::Fail,
            Some(Finding {
                rule: rule.id,
                severity: escalate.map_or(rule.severity, |e| e.max(rule.severity)),
                summary: rule.summary,
                detail,
                citation: rule.citation,
                remediation: fix.or_else(|| rule.remediation.map(Fix::Advice)),
            }),
        ),
    }
}

/// Check every end-entity certificate among `detected` (at `as_of`), with `csr` from `--csr`
/// (else the first request among the inputs) and the given root stores and pool. Pure: no
/// I/O, no clock.
pub fn run(
    detected: &Detected,
    csr: Option<&Csr>,
    stores: &RootStores<'_>,
    options: &Options,
    as_of: OffsetDateTime,
) -> CheckReport {
    let inputs = Inputs::new(detected, csr, &stores.pool);
    let mut results: Vec<Option<CertResult>> = Vec::new();
    results.resize_with(inputs.leaves().len(), || None);
    let mut summary = Summary::default();
    inputs.each_chain(stores, facts::LINKING, as_of, |i, leaf, chain| {
        let ctx = inputs.ctx(leaf, &chain, options, as_of);
        let mut results_ = Vec::new();
        let mut findings = Vec::new();
        for rule in registry::RULES {
            let (outcome, finding) = evaluate(rule, leaf, &ctx);
            if outcome == Outcome::Suppressed {
                summary.suppressed += 1;
            }
            results_.push(RuleResult {
                rule: rule.id,
                outcome,
            });
            if let Some(f) = finding {
                match f.severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                    Severity::Info => summary.infos += 1,
                }
                findings.push(f);
            }
        }
        summary.certificates += 1;
        results[i] = Some(CertResult {
            origin: leaf.origin.clone(),
            subject: crate::name::render_windows(&leaf.subject),
            issuer: crate::name::render_windows(&leaf.issuer),
            thumbprint: Thumbprint::of(&leaf.der, HashAlg::Sha1).to_string(),
            not_after: leaf.not_after,
            tls_name: crate::tls_name::for_cert(leaf),
            results: results_,
            findings,
        });
    });

    let mut files: Vec<FileResult> = Vec::new();
    for result in results.into_iter().flatten() {
        let file = result.origin.file_name();
        match files.iter_mut().rev().find(|f| f.path == file) {
            Some(f) => f.certificates.push(result),
            None => files.push(FileResult {
                path: file,
                certificates: vec![result],
            }),
        }
    }
    CheckReport {
        version: 1,
        as_of,
        chain_linking: facts::LINKING,
        files,
        summary,
        unreadable: Vec::new(),
    }
}
