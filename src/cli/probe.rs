//! `certprep probe`: connect to servers and show which certificate each presents.

use super::Global;
use anyhow::Context;
use certprep::input::Origin;
use certprep::model::Cert;
use certprep::probe::{self, Presented, Target};
use certprep::report::sanitize_line;
use certprep::thumbprint::{HashAlg, Thumbprint};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

/// Connect to each server, start TLS the way its protocol does, and show the certificate it
/// presents (thumbprint, subject, issuer, NotAfter), trusting nothing. With --expect, exit 1
/// unless every server presents that certificate. The only certprep command that uses the
/// network.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "URLs: smtp://host[:25] (EHLO, STARTTLS), imap://host[:143] (STARTTLS), pop3://host[:110] (STLS),\n      smtps://host[:465], imaps://host[:993], pop3s://host[:995], https://host[:443] (implicit TLS)\n\nExamples:\n  $ certprep probe smtp://mail.contoso.com\n  $ certprep probe smtp://ex01.contoso.com https://mail.contoso.com imaps://mail.contoso.com --expect mail.pfx\n  $ certprep probe smtp://mail.contoso.com:587 --timeout 5"
)]
pub(crate) struct ProbeArgs {
    /// Servers to probe, as scheme://host[:port].
    #[arg(required = true, value_name = "URL")]
    urls: Vec<String>,
    /// The certificate every server should present (any format certprep reads).
    #[arg(long, value_name = "FILE")]
    expect: Option<String>,
    /// Give up on a server after this many seconds (connect, dialogue and handshake together).
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_timeout)]
    timeout: Duration,
}

fn parse_timeout(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 3600.0) {
        return Err("give a timeout between 0 and 3600 seconds".to_owned());
    }
    Duration::try_from_secs_f64(secs).map_err(|e| e.to_string())
}

pub(crate) fn run(
    args: ProbeArgs,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    // Parse every URL first: a typo is a usage error (exit 2) before any connection is made.
    let targets = args
        .urls
        .iter()
        .map(|u| Target::parse(u))
        .collect::<Result<Vec<_>, _>>()?;
    let expected = match &args.expect {
        Some(path) => {
            let (cert, _) = super::runbook::load_leaf(path, global)
                .with_context(|| format!("--expect {path}"))?;
            Some(cert)
        }
        None => None,
    };
    let mut all_good = true;
    for (i, target) in targets.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", sanitize_line(&target.to_string()))?;
        match probe::probe(target, args.timeout) {
            Ok(presented) => {
                if !report(out, &presented, expected.as_ref())? {
                    all_good = false;
                }
            }
            Err(e) => {
                all_good = false;
                writeln!(
                    out,
                    "  failed:      {}",
                    sanitize_line(&super::load::error_chain(&e))
                )?;
                if let Some(leaf) = e.presented().first() {
                    writeln!(out, "  presented before the failure:")?;
                    describe(out, leaf)?;
                }
            }
        }
    }
    Ok(if all_good {
        super::exit::success()
    } else {
        super::exit::findings()
    })
}

fn describe(out: &mut dyn Write, der: &[u8]) -> anyhow::Result<()> {
    writeln!(out, "  thumbprint:  {}", Thumbprint::of(der, HashAlg::Sha1))?;
    match Cert::from_der(der.to_vec(), Origin::file("server")) {
        Ok(c) => {
            writeln!(
                out,
                "  subject:     {}",
                sanitize_line(&certprep::name::render_windows(&c.subject))
            )?;
            writeln!(
                out,
                "  issuer:      {}",
                sanitize_line(&certprep::name::render_windows(&c.issuer))
            )?;
            writeln!(
                out,
                "  not after:   {}",
                certprep::check::rules::when(c.not_after)
            )?;
        }
        Err(e) => writeln!(
            out,
            "  subject:     (the certificate does not parse: {})",
            sanitize_line(&super::load::error_chain(&e))
        )?,
    }
    Ok(())
}

/// Print what was presented; false when it differs from the expected certificate.
fn report(out: &mut dyn Write, p: &Presented, expected: Option<&Cert>) -> anyhow::Result<bool> {
    let leaf = &p.chain[0];
    writeln!(
        out,
        "  presented:   {} certificate{} over {} ({})",
        p.chain.len(),
        if p.chain.len() == 1 { "" } else { "s" },
        p.protocol,
        p.cipher_suite
    )?;
    describe(out, leaf)?;
    let Some(expected) = expected else {
        return Ok(true);
    };
    let want = Thumbprint::of(&expected.der, HashAlg::Sha1);
    if *leaf == expected.der {
        writeln!(out, "  expected:    yes, the --expect certificate ({want})")?;
        Ok(true)
    } else {
        writeln!(
            out,
            "  expected:    NO, --expect is {want} ({})",
            sanitize_line(&certprep::name::render_windows(&expected.subject))
        )?;
        Ok(false)
    }
}
