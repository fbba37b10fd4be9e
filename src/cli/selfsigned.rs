//! `certprep selfsigned`: a self-signed lab or Edge certificate like `New-ExchangeCertificate`
//! makes, written as a PEM pair (certificate + owner-only key) or a compat-profile PFX.
//!
//! Passwords: the PEM key is encrypted with `--key-password-file/--key-password-env`; the PFX
//! takes its password as `certprep pfx` does (global `--password-file`/`--password-env`, a
//! prompt on a terminal, or `--empty-password`).

use super::csr::{check_outputs, key_pem, write_pair, KeyPasswordArgs, KeyTypeArg};
use super::output::{Content, Sensitivity};
use super::Global;
use anyhow::bail;
use certprep::csr::SanEntry;
use certprep::input::Origin;
use certprep::model::Cert;
use certprep::pfx::{self, BuildOptions, Selection};
use certprep::pkcs12::Profile;
use certprep::selfsigned::{self, SelfSignedSpec, DEFAULT_DAYS};
use certprep::thumbprint::{HashAlg, Thumbprint};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Make a self-signed certificate and its key.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Make a self-signed TLS certificate and a new key, like New-ExchangeCertificate without \
-GenerateRequest: subject CN=<first name>, every name as a subjectAltName, Server Authentication, \
digitalSignature and keyEncipherment. Validity starts at --at (default: now). Written as a PEM \
pair (certificate + key, the key owner-only) or, with a .pfx/.p12 output, a PFX.",
    after_help = "For PFX output, --password-file/--password-env give the password that protects the new PFX (not an input's).\n\nExamples:\n  $ certprep selfsigned --name edge01.contoso.com -o edge01.pem\n  $ certprep selfsigned --name edge01.contoso.com --password-file pw.txt -o edge01.pfx\n  $ certprep selfsigned --name mail.lab.local --name autodiscover.lab.local --days 730 -o lab.crt --key-out lab.key\n  $ certprep selfsigned --name mail.lab.local --key-type p256 --key-password-env LAB_KEY_PW -o lab.pem"
)]
pub(crate) struct SelfsignedArgs {
    #[command(flatten)]
    pub(crate) time: super::args::AtArgs,
    /// A name for the certificate (DNS name or IP address); the first is the subject CN.
    /// Repeat, or separate with commas.
    #[arg(
        short = 'n',
        long = "name",
        value_name = "NAME",
        value_delimiter = ',',
        required = true
    )]
    names: Vec<String>,
    /// Days of validity (Exchange's self-signed certificates: 5 years).
    #[arg(long, value_name = "D", default_value_t = DEFAULT_DAYS)]
    days: u32,
    /// Key to generate.
    #[arg(long, value_enum, value_name = "TYPE", default_value = "rsa2048")]
    key_type: KeyTypeArg,
    /// Where to write the certificate (.pem/.crt/.cer: PEM; .pfx/.p12: PFX; `-`: standard
    /// output, then give --key-out, or --output-format pfx, refused on a terminal).
    #[arg(short = 'o', long = "output", alias = "out", value_name = "OUT")]
    out: PathBuf,
    /// File format written; by default chosen from the -o extension (.pfx and .p12 mean pfx).
    /// (`--format` is the old spelling, kept for scripts.)
    #[arg(
        long = "output-format",
        alias = "format",
        value_enum,
        value_name = "FORMAT"
    )]
    format: Option<OutFormat>,
    /// For PEM output: where to write the key. Default: OUT with its extension replaced by .key
    /// (`-`: standard output, refused on a terminal).
    #[arg(long, value_name = "KEY")]
    key_out: Option<PathBuf>,
    #[command(flatten)]
    key_password: KeyPasswordArgs,
    /// For PFX output: Windows FriendlyName [default: `CN notBefore..notAfter`].
    #[arg(long, value_name = "NAME")]
    friendly_name: Option<String>,
    /// For PFX output: write it with the empty password (an explicit choice).
    #[arg(long)]
    empty_password: bool,
    /// Overwrite existing output files.
    #[arg(long)]
    force: bool,
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OutFormat {
    /// Certificate PEM plus a separate key PEM.
    Pem,
    /// One PKCS#12 file, compat profile (3DES, SHA-1 MAC: every Windows imports it).
    Pfx,
}

pub(crate) fn run(
    args: SelfsignedArgs,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let format = args
        .format
        .unwrap_or_else(|| format_from_extension(&args.out));
    if format == OutFormat::Pfx {
        return run_pfx(&args, global, out);
    }
    if args.friendly_name.is_some() || args.empty_password {
        bail!("--friendly-name and --empty-password are for PFX output; give -o OUT.pfx or --output-format pfx");
    }
    let key_out = match &args.key_out {
        Some(k) => k.clone(),
        None if super::output::is_stdout(&args.out) => {
            bail!("with -o - (standard output) give the key's file with --key-out")
        }
        None => args.out.with_extension("key"),
    };
    let password = args.key_password.read()?;
    check_outputs(&[&args.out, &key_out], args.force)?;
    let generated = selfsigned::generate(&spec(&args, global)?, &mut rand_core::OsRng)?;
    let key = key_pem(&generated.key, password.as_ref())?;
    write_pair(
        &key_out,
        key.as_bytes(),
        &args.out,
        generated.to_pem()?.as_bytes(),
        Sensitivity::Public,
        args.force,
        out,
    )?;
    // With an output on standard output the summary goes to stderr, apart from the data.
    let mut stderr = std::io::stderr().lock();
    let out: &mut dyn Write =
        if super::output::is_stdout(&args.out) || super::output::is_stdout(&key_out) {
            &mut stderr
        } else {
            out
        };
    if !global.quiet {
        writeln!(out, "Certificate : {}", args.out.display())?;
        writeln!(
            out,
            "Key         : {} ({}, {})",
            key_out.display(),
            generated.key.key_type(),
            if password.is_some() {
                "encrypted PKCS#8"
            } else {
                "unencrypted PKCS#8"
            }
        )?;
        writeln!(
            out,
            "Thumbprint  : {}",
            Thumbprint::of(&generated.der, HashAlg::Sha1)
        )?;
    }
    Ok(super::exit::success())
}

fn spec(args: &SelfsignedArgs, global: &Global) -> anyhow::Result<SelfSignedSpec> {
    let mut names = Vec::new();
    for n in &args.names {
        names.push(SanEntry::parse(n.trim())?);
    }
    Ok(SelfSignedSpec {
        names,
        days: args.days,
        key_type: args.key_type.into(),
        not_before: global.at,
    })
}

/// One compat-profile PFX holding the certificate and its key (mode 0600).
fn run_pfx(
    args: &SelfsignedArgs,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    if args.key_out.is_some()
        || args.key_password.key_password_file.is_some()
        || args.key_password.key_password_env.is_some()
    {
        bail!("a PFX holds the key itself: leave out --key-out and --key-password-*, and give the PFX password with --password-file/--password-env (or --empty-password)");
    }
    check_outputs(&[&args.out], args.force)?;
    if super::output::is_stdout(&args.out) {
        super::output::check_stdout(Content::Binary, Sensitivity::Secret)?;
    }
    let spec = spec(args, global)?;
    let password = super::pfx::output_password(global, args.empty_password)?;
    let generated = selfsigned::generate(&spec, &mut rand_core::OsRng)?;
    let origin = Origin::file(args.out.display().to_string());
    let cert = Cert::from_der(generated.der.clone(), origin.clone())?;
    let key = generated.key.to_private_key(origin)?;
    let selection = Selection {
        leaf: &cert,
        key: Some(&key),
        chain: Vec::new(),
        left_out: Vec::new(),
    };
    let bytes = pfx::build(
        &selection,
        BuildOptions {
            profile: Profile::Compat,
            password: &password,
            friendly_name: args.friendly_name.as_deref(),
            csp_name: Some(pfx::DEFAULT_CSP),
        },
    )?;
    super::output::write_output(
        &args.out,
        &bytes,
        args.force,
        Sensitivity::Secret,
        Content::Binary,
        out,
    )?;
    let mut stderr = std::io::stderr().lock();
    let out: &mut dyn Write = if super::output::is_stdout(&args.out) {
        &mut stderr
    } else {
        out
    };
    if !global.quiet {
        writeln!(
            out,
            "PFX         : {} ({})",
            args.out.display(),
            Profile::Compat
        )?;
        writeln!(
            out,
            "Key         : {} (inside the PFX)",
            generated.key.key_type()
        )?;
        writeln!(
            out,
            "Thumbprint  : {}",
            Thumbprint::of(&generated.der, HashAlg::Sha1)
        )?;
    }
    Ok(super::exit::success())
}

fn format_from_extension(path: &Path) -> OutFormat {
    // The output's extension names the format the user asks for; this is not input detection.
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("pfx" | "p12") => OutFormat::Pfx,
        _ => OutFormat::Pem,
    }
}
