//! `certprep inspect`: what Get-ExchangeCertificate would show, as text or JSON.

use super::Global;
use certprep::inspect::{InspectReport, Trust};
use std::io::Write;
use std::process::ExitCode;

/// Show every certificate, request, key and PKCS#12 file in the inputs.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  $ certprep inspect mail.contoso.com.crt\n  $ certprep inspect deliverable.zip --json\n  $ certprep inspect site.pfx --password-file pw.txt --at 2027-01-01T00:00:00Z"
)]
pub(crate) struct InspectArgs {
    /// Files to read (any format; `-` for standard input).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Print JSON (schema in docs/json-output.md) instead of text.
    #[arg(long)]
    json: bool,
    /// Roots to trust besides the embedded public ones (an enterprise CA), for `Status`.
    /// Repeatable.
    #[arg(long, value_name = "FILE")]
    roots: Vec<String>,
    /// Trust only --roots, not the embedded Mozilla root store.
    #[arg(long)]
    no_embedded_roots: bool,
}

pub(crate) fn run(
    args: InspectArgs,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let detected = super::load::load_all(&args.files, global)?;
    let roots = super::load::load_certs(&args.roots, global, "--roots")?;
    let trust = Trust {
        roots: &roots,
        public: if args.no_embedded_roots {
            &[]
        } else {
            certprep::roots::embedded()
        },
    };
    let report = InspectReport::build(&detected, global.at, trust);
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else {
        certprep::report::inspect::write_text(&report, out)?;
    }
    Ok(super::exit::success())
}
