//! `certprep thumbprint`: one line per certificate, `THUMBPRINT  Subject`.

use super::Global;
use certprep::thumbprint::{HashAlg, Thumbprint};
use std::io::Write;
use std::process::ExitCode;

/// Print each certificate's thumbprint as Windows does (SHA-1 of the exact DER, uppercase hex).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  $ certprep thumbprint mail.contoso.com.crt\n  $ certprep thumbprint --sha256 bundle.p7b\n  $ certprep thumbprint site.pfx --password-file pw.txt"
)]
pub(crate) struct ThumbprintArgs {
    /// Files to read (any format; `-` for standard input).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Print SHA-256 fingerprints (64 hex digits) instead of SHA-1 thumbprints.
    #[arg(long)]
    sha256: bool,
    #[command(flatten)]
    keep_going: super::load::KeepGoingArg,
}

pub(crate) fn run(
    args: ThumbprintArgs,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let inputs = super::load::read_inputs(&args.files, global, true);
    let detected = inputs.detected;
    let alg = if args.sha256 {
        HashAlg::Sha256
    } else {
        HashAlg::Sha1
    };
    let mut any = false;
    for cert in detected.certs() {
        any = true;
        let subject = certprep::name::render_windows(&cert.subject);
        writeln!(
            out,
            "{}  {}",
            Thumbprint::of(&cert.der, alg),
            certprep::report::sanitize_line(&subject)
        )?;
    }
    if !any && inputs.unreadable.is_empty() {
        anyhow::bail!("no certificate in {}", args.files.join(", "));
    }
    Ok(super::load::conclude(
        &inputs.unreadable,
        args.files.len(),
        args.keep_going.keep_going,
        super::exit::success(),
    ))
}
