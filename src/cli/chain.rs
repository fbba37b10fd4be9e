//! `certprep chain`: assemble, order and verify a certificate chain, write it as PEM or PKCS#7,
//! and say exactly what is missing.

use super::output::{write_file, Sensitivity};
use super::Global;
use certprep::chain::{self, ChainOptions, ChainReport, Severity};
use certprep::model::Cert;
use std::io::Write;
use std::process::ExitCode;

/// `--output-format`: the file format of the chain written with `-o`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ChainFormat {
    /// PEM CERTIFICATE blocks, leaf first.
    Pem,
    /// A DER certs-only PKCS#7 (.p7b), certificates leaf first.
    P7b,
}

/// `--format`: the report's format. `pem` and `p7b` are the old meaning of `--format` (the
/// written chain's file format, now `--output-format`), hidden and still accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ReportFormat {
    /// For people.
    Text,
    /// JSON (docs/chain.md).
    Json,
    /// Old spelling of `--output-format pem`.
    #[value(hide = true)]
    Pem,
    /// Old spelling of `--output-format p7b`.
    #[value(hide = true)]
    P7b,
}

/// Find the leaf, build the chain to a trusted root from the inputs, a pool and the embedded
/// Mozilla root store (offline), verify every link, and write the ordered chain.
///
/// Exit status: 0 complete chain; 1 no complete chain (the best partial chain is still written
/// and the report says what is missing and how to get it); 2 bad input.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  $ certprep chain mail.contoso.com.crt ca-bundle.crt -o fullchain.pem\n  $ certprep chain deliverable.zip --output-format p7b -o mail.p7b\n  $ certprep chain server.crt --pool /etc/ssl/intermediates --roots corp-root.crt\n  $ certprep chain server.crt --format json"
)]
pub(crate) struct ChainArgs {
    #[command(flatten)]
    pub(crate) time: super::args::AtArgs,
    #[command(flatten)]
    trust: super::args::TrustArgs,
    /// Certificate files (any format; `-` for standard input). The leaf is found among them.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Write the chain to this file (`-` for standard output; the report then goes to stderr).
    #[arg(short = 'o', long = "output", alias = "out", value_name = "OUT")]
    out: Option<String>,
    /// File format of the chain written with -o [default: pem].
    #[arg(long, value_enum, value_name = "FORMAT")]
    output_format: Option<ChainFormat>,
    /// Report format.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Include the root certificate at the end of the written chain.
    #[arg(long)]
    include_root: bool,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    force: bool,
    /// Same as --format json (the old spelling, kept for scripts).
    #[arg(long, hide = true)]
    json: bool,
    #[command(flatten)]
    keep_going: super::load::KeepGoingArg,
}

impl ChainArgs {
    fn json(&self) -> bool {
        self.json || self.format == ReportFormat::Json
    }

    fn output_format(&self) -> ChainFormat {
        match (self.output_format, self.format) {
            (Some(f), _) => f,
            (None, ReportFormat::P7b) => ChainFormat::P7b,
            (None, _) => ChainFormat::Pem,
        }
    }
}

pub(crate) fn run(
    args: ChainArgs,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let inputs = super::load::read_inputs(&args.files, global, true);
    let keep_going = args.keep_going.keep_going;
    if !inputs.unreadable.is_empty() && args.out.is_some() && !keep_going {
        // A chain file built without an input could be installed as if complete: none is
        // written (the messages above name every unreadable input).
        let names: Vec<&str> = inputs.unreadable.iter().map(|u| u.input.as_str()).collect();
        anyhow::bail!(
            "nothing written: {} could not be read (--keep-going writes the chain from the other inputs)",
            names.join(", ")
        );
    }
    let given: Vec<Cert> = inputs.detected.certs().cloned().collect();
    if given.is_empty() && !inputs.unreadable.is_empty() {
        return Ok(super::load::conclude(
            &inputs.unreadable,
            args.files.len(),
            keep_going,
            super::exit::error(),
        ));
    }
    if given.is_empty() {
        anyhow::bail!(
            "no certificate in {}; give the certificate file the CA sent (.crt, .cer, .pem, .p7b, .zip or .pfx)",
            args.files.join(", ")
        );
    }
    let trust = super::load::load_trust(&args.trust, global)?;
    let opts = ChainOptions::at(global.at);
    let report = chain::assemble_bundle(&given, &trust.pool, &trust.roots, trust.public, &opts)?;

    let ok = report.complete && report.worst() != Some(Severity::Error);
    if let Some(path) = &args.out {
        let certs = report.chain_certs(args.include_root);
        let bytes = match args.output_format() {
            ChainFormat::Pem => chain::to_pem(certs).into_bytes(),
            ChainFormat::P7b => chain::to_pkcs7_der(certs),
        };
        if path == "-" {
            if args.output_format() == ChainFormat::P7b {
                super::output::check_stdout(super::output::Content::Binary, Sensitivity::Public)?;
            }
            out.write_all(&bytes)?;
            if !global.quiet || !ok {
                write_report(&report, args.json(), &mut std::io::stderr().lock())?;
            }
        } else {
            write_file(
                std::path::Path::new(path),
                &bytes,
                args.force,
                Sensitivity::Public,
            )?;
            if !global.quiet || !ok {
                write_report(&report, args.json(), out)?;
            }
        }
    } else {
        write_report(&report, args.json(), out)?;
    }
    let code = if ok {
        super::exit::success()
    } else {
        super::exit::findings()
    };
    Ok(super::load::conclude(
        &inputs.unreadable,
        args.files.len(),
        keep_going,
        code,
    ))
}

fn write_report(report: &ChainReport, json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)?;
    } else {
        certprep::report::chain::write_text(report, out)?;
    }
    Ok(())
}
