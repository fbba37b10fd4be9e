//! `certprep tls-name`: the connector TLS certificate name (`<I>issuer<S>subject`) of the leaf
//! certificate in a file, a comparison with what a connector holds, and PowerShell to apply it.

use super::Global;
use anyhow::{bail, Context};
use certprep::model::Cert;
use certprep::powershell::{connector_lines, ConnectorTargets};
use certprep::report::sanitize_line;
use certprep::thumbprint::{HashAlg, Thumbprint};
use certprep::tls_name::{compare_cert, find_leaf_by_name, tls_name, Comparison};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Print the value for -TlsCertificateName (Set-SendConnector, Set-ReceiveConnector,
/// Set-HybridConfiguration) exactly as Exchange expects it: `<I>` + issuer + `<S>` + subject,
/// both as Windows prints them. When the file holds a chain, the leaf is used.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  $ certprep tls-name mail.contoso.com.crt\n  $ certprep tls-name fullchain.pem --compare \"<I>CN=R3, O=Let's Encrypt, C=US<S>CN=mail.contoso.com\"\n  $ certprep tls-name site.pfx --password-file pw.txt --powershell\n  $ certprep tls-name new.crt --powershell --old old.crt --hybrid\n  $ certprep tls-name mail.crt --powershell --send-connector 'Outbound to Office 365'"
)]
pub(crate) struct TlsNameArgs {
    /// The certificate (any format: PEM, DER, .p7b, .pfx, a bundle; `-` for standard input).
    #[arg(value_name = "FILE")]
    file: String,
    /// Compare with this value (as `Get-SendConnector | fl TlsCertificateName` prints it; `-`
    /// reads it from standard input). Exit 1 when they differ, with every difference explained.
    #[arg(long, value_name = "STRING")]
    compare: Option<String>,
    /// Print ready-to-paste Set-SendConnector, Set-ReceiveConnector and Set-HybridConfiguration
    /// lines (the value single-quoted, every quote doubled).
    #[arg(long)]
    powershell: bool,
    /// With --powershell: the send connector to update (repeatable). Default: the connectors
    /// that name the old certificate (--old/--old-name), else a read-only listing to choose from.
    #[arg(long, value_name = "NAME", requires = "powershell")]
    send_connector: Vec<String>,
    /// With --powershell: the receive connector to update, `SERVER\Name` (repeatable). Default:
    /// as for --send-connector.
    #[arg(long, value_name = "NAME", requires = "powershell")]
    receive_connector: Vec<String>,
    /// With --powershell: also print Set-HybridConfiguration.
    #[arg(long, requires = "powershell")]
    hybrid: bool,
    /// With --powershell: the certificate being replaced (any format; its leaf). The lines then
    /// change only the connectors whose TlsCertificateName is its `<I>issuer<S>subject`.
    #[arg(
        long,
        value_name = "FILE",
        requires = "powershell",
        conflicts_with = "old_name"
    )]
    old: Option<String>,
    /// With --powershell: the TLS certificate name of the certificate being replaced, as
    /// `Get-SendConnector | fl TlsCertificateName` prints it (instead of --old).
    #[arg(long, value_name = "NAME", requires = "powershell")]
    old_name: Option<String>,
    /// Accept a CA certificate as the chosen one. Connectors present a server's end-entity
    /// certificate, so a CA's name there is almost always a mistake (a bundle without the leaf).
    #[arg(long)]
    allow_ca: bool,
}

/// The certificate being replaced, for connector lines that change only the connectors that
/// name it (shared by `tls-name --powershell` and `check`).
#[derive(Debug, clap::Args)]
pub(crate) struct OldArgs {
    /// The certificate being replaced (any format; its leaf): connector lines change only the
    /// connectors whose TlsCertificateName is its `<I>issuer<S>subject`.
    #[arg(long, value_name = "FILE", conflicts_with = "old_name")]
    old: Option<String>,
    /// The TLS certificate name of the certificate being replaced, as `Get-SendConnector | fl
    /// TlsCertificateName` prints it (instead of --old). A thumbprint cannot stand in for it:
    /// connectors name their certificate by issuer and subject, not by thumbprint.
    #[arg(long, value_name = "NAME")]
    old_name: Option<String>,
}

impl OldArgs {
    /// The old certificate's `<I>…<S>…` name: computed from `--old`'s leaf, or `--old-name`
    /// unwrapped as `--compare` reads a pasted value (label, quotes, spaces).
    pub(crate) fn tls_name(&self, global: &Global) -> anyhow::Result<Option<String>> {
        if let Some(path) = &self.old {
            let detected = super::load::load_one(path, global)?;
            let certs: Vec<Cert> = detected.certs().cloned().collect();
            if certs.is_empty() {
                bail!("--old {path}: no certificate in the file");
            }
            let index = find_leaf_by_name(&certs).with_context(|| format!("--old {path}"))?;
            return Ok(Some(tls_name(&certs[index].issuer, &certs[index].subject)));
        }
        let Some(raw) = &self.old_name else {
            return Ok(None);
        };
        let value = certprep::tls_name::read_paste(raw).value;
        if !value.starts_with("<I>") || !value.contains("<S>") {
            bail!(
                "--old-name: {} is not a TLS certificate name; expected <I>issuer<S>subject as Get-SendConnector | fl TlsCertificateName prints it",
                sanitize_line(raw)
            );
        }
        Ok(Some(value))
    }
}

pub(crate) fn run(
    args: TlsNameArgs,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let pasted = match args.compare.as_deref() {
        Some("-") if args.file == "-" => {
            bail!("--compare - and FILE - both read standard input; give the certificate as a path")
        }
        Some("-") => Some(super::read_text_bounded(
            std::io::stdin(),
            super::MAX_SMALL_TEXT,
            "the value to compare from standard input",
        )?),
        Some(s) => Some(s.to_owned()),
        None => None,
    };

    let detected = super::load::load_all(std::slice::from_ref(&args.file), global)?;
    let certs: Vec<Cert> = detected.certs().cloned().collect();
    if certs.is_empty() {
        bail!("{}: no certificate in the file", args.file);
    }
    // The certificate that issues none of the others (names); ambiguity is an error, not a guess.
    let index = find_leaf_by_name(&certs).with_context(|| args.file.clone())?;
    let leaf = &certs[index];
    if leaf.is_ca() && !args.allow_ca {
        bail!(
            "{}: the chosen certificate ({}) is a CA certificate, not a server (end-entity) certificate; its name is not what a connector's -TlsCertificateName takes. Give the server certificate (or the bundle or PFX holding it); --allow-ca prints the CA's name anyway",
            leaf.origin,
            sanitize_line(&certprep::name::render_windows(&leaf.subject)),
        );
    }
    if certs.len() > 1 && !global.quiet {
        eprintln!(
            "certprep: {} holds {} certificates; using the leaf ({}): {} — the certificate that issues none of the others",
            args.file,
            certs.len(),
            leaf.origin,
            sanitize_line(&certprep::name::render_windows(&leaf.subject)),
        );
    }
    let name = tls_name(&leaf.issuer, &leaf.subject);
    let terminal = std::io::stdout().is_terminal();

    let mut code = super::exit::success();
    if let Some(p) = pasted {
        let cmp = compare_cert(leaf, &p);
        write_comparison(&cmp, out)?;
        if !cmp.is_identical() {
            code = super::exit::findings();
        }
    } else if !args.powershell {
        if terminal && name.chars().any(char::is_control) {
            // Never write raw control characters to a terminal; pipe the output for exact bytes.
            writeln!(out, "{}", sanitize_line(&name))?;
            eprintln!("certprep: the name contains control characters, shown escaped; redirect the output to get the exact value");
        } else {
            writeln!(out, "{name}")?;
        }
    }

    if args.powershell {
        let old = OldArgs {
            old: args.old,
            old_name: args.old_name,
        };
        let targets = ConnectorTargets {
            send: args.send_connector,
            receive: args.receive_connector,
            old_name: old.tls_name(global)?,
            hybrid: args.hybrid,
        };
        writeln!(
            out,
            "# TLS certificate name of {} (thumbprint {}); run in the Exchange Management Shell",
            sanitize_line(&certprep::name::render_windows(&leaf.subject)),
            Thumbprint::of(&leaf.der, HashAlg::Sha1)
        )?;
        for line in connector_lines(&name, &targets) {
            writeln!(out, "{line}")?;
        }
    }
    Ok(code)
}

fn write_comparison(cmp: &Comparison, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "certificate: {}", sanitize_line(&cmp.expected))?;
    writeln!(out, "pasted:      {}", sanitize_line(&cmp.pasted.value))?;
    for note in &cmp.pasted.unwrapped {
        writeln!(out, "note: {note}")?;
    }
    if cmp.is_identical() {
        writeln!(
            out,
            "identical: the connector value matches this certificate"
        )?;
    } else {
        writeln!(out, "different: {} difference(s)", cmp.differences.len())?;
        for d in &cmp.differences {
            writeln!(out, "  - {}", sanitize_line(&d.to_string()))?;
        }
    }
    Ok(())
}
