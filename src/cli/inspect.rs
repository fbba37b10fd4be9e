//! `certprep inspect`: what Get-ExchangeCertificate would show, as text or JSON.

use super::args::TextOrJson;
use super::Global;
use certprep::inspect::{InspectReport, Trust};
use std::io::Write;
use std::process::ExitCode;

/// Show every certificate, request, key and PKCS#12 file in the inputs.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  $ certprep inspect mail.contoso.com.crt\n  $ certprep inspect deliverable.zip --format json\n  $ certprep inspect site.pfx --password-file pw.txt --at 2027-01-01T00:00:00Z"
)]
pub(crate) struct InspectArgs {
    #[command(flatten)]
    pub(crate) time: super::args::AtArgs,
    #[command(flatten)]
    trust: super::args::TrustArgs,
    /// Files to read (any format; `-` for standard input).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Report format: text, or JSON (schema in docs/json-output.md).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Same as --format json (the old spelling, kept for scripts).
    #[arg(long, hide = true)]
    json: bool,
    #[command(flatten)]
    keep_going: super::load::KeepGoingArg,
}

impl InspectArgs {
    fn json(&self) -> bool {
        self.json || self.format == TextOrJson::Json
    }
}

pub(crate) fn run(
    args: InspectArgs,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let inputs = super::load::read_inputs(&args.files, global, true);
    let detected = inputs.detected;
    let stores = super::load::load_trust(&args.trust, global)?;
    let trust = Trust {
        roots: &stores.roots,
        public: stores.public,
        pool: &stores.pool,
    };
    let mut report = InspectReport::build(&detected, global.at, trust);
    report.unreadable = inputs.unreadable.iter().map(|u| u.to_report()).collect();
    if args.json() {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else {
        certprep::report::inspect::write_text(&report, out)?;
    }
    Ok(super::load::conclude(
        &inputs.unreadable,
        args.files.len(),
        args.keep_going.keep_going,
        super::exit::success(),
    ))
}
