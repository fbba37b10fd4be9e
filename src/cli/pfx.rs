//! `certprep pfx`: build a PFX Windows imports from any mix of inputs, or convert one.
//!
//! Passwords: the OUTPUT password comes from the global `--password-file`/`--password-env` (or a
//! prompt with confirmation on a terminal, or `--empty-password`); INPUT PFX files and
//! encrypted keys are opened with `--in-password-file`/`--in-password-env` (and, when none is
//! given, with the output password too, so keeping a password needs one flag).

use super::output::{
    check_outputs, check_stdout, is_stdout, write_file, write_output, Content, Sensitivity,
};
use super::Global;
use anyhow::{bail, Context};
use certprep::model::{Cert, PrivateKey};
use certprep::pfx::{self, BuildOptions, SelectOptions, Selection};
use certprep::pkcs12::Profile;
use certprep::secret::Secret;
use certprep::thumbprint::{HashAlg, Thumbprint};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// `--profile`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ProfileArg {
    /// 3DES + SHA-1 MAC, 2000 iterations: every Windows version imports it (default).
    Compat,
    /// AES-256 PBES2 + SHA-256 MAC: Windows Server 2019 and later only.
    Modern,
}

/// `--windows`: the oldest Windows version the file must import on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum WindowsArg {
    /// Windows Server 2012 R2.
    #[value(name = "2012r2")]
    V2012r2,
    /// Windows Server 2016.
    #[value(name = "2016")]
    V2016,
    /// Windows Server 2019.
    #[value(name = "2019")]
    V2019,
    /// Windows Server 2022.
    #[value(name = "2022")]
    V2022,
    /// Windows Server 2025.
    #[value(name = "2025")]
    V2025,
}

impl From<certprep::config::WindowsName> for WindowsArg {
    fn from(w: certprep::config::WindowsName) -> WindowsArg {
        use certprep::windows::WindowsVersion as V;
        match w.0 {
            V::Server2012R2 => WindowsArg::V2012r2,
            V::Server2016 => WindowsArg::V2016,
            V::Server2019 => WindowsArg::V2019,
            V::Server2022 => WindowsArg::V2022,
            V::Server2025 => WindowsArg::V2025,
        }
    }
}

/// Build a PFX (leaf, its key, the chain in order) that Windows imports, or convert one.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The output password comes from --password-file/--password-env, a prompt on a terminal, or --empty-password; input PFX passwords from --in-password-file/--in-password-env.

Examples:
  $ certprep pfx mail.contoso.com.crt ca-bundle.crt mail.contoso.com.key -o mail.pfx --password-file pw.txt
  $ certprep pfx old-aes.pfx --profile compat -o new.pfx --in-password-file old.txt --password-file new.txt
  $ certprep pfx deliverable.zip mail.key --windows 2016 --friendly-name 'Exchange 2027' -o mail.pfx --password-env PFX_PW
  $ certprep pfx old.pfx --pool ca-bundle.crt -o fixed.pfx --password-file pw.txt"
)]
pub(crate) struct PfxArgs {
    #[command(flatten)]
    pub(crate) time: super::args::AtArgs,
    /// Inputs: certificates, keys, bundles, .p7b, ZIP, existing PFX files (`-` for stdin).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// The PFX to write (`-`: standard output, refused on a terminal).
    #[arg(short = 'o', long = "output", alias = "out", value_name = "OUT.pfx")]
    out: PathBuf,
    /// Protection profile [default: compat].
    #[arg(long, value_enum, conflicts_with = "windows")]
    profile: Option<ProfileArg>,
    /// Pick the profile for the oldest Windows version that must import the file: 2012r2,
    /// 2016 (compat), 2019, 2022, 2025 (modern).
    #[arg(long, value_name = "VERSION", value_parser = clap::builder::TypedValueParser::map(super::args::WindowsParser, WindowsArg::from))]
    windows: Option<WindowsArg>,
    /// Windows FriendlyName [default: the input PFX's, else `CN notBefore..notAfter`].
    #[arg(long, value_name = "NAME")]
    friendly_name: Option<String>,
    /// Microsoft CSP name for an RSA key, or `none` [default: Microsoft Enhanced RSA and AES
    /// Cryptographic Provider]. ECDSA keys never get one.
    #[arg(long, value_name = "NAME")]
    csp: Option<String>,
    /// Leave the chain out (leaf and key only).
    #[arg(long)]
    no_chain: bool,
    /// Include the self-signed root at the end of the chain.
    #[arg(long)]
    include_root: bool,
    /// Allow a PFX without a private key.
    #[arg(long)]
    no_key: bool,
    /// Certificates to take missing intermediates from (files; repeatable).
    #[arg(long, value_name = "PATH")]
    pool: Vec<String>,
    /// Password for input PFX files / encrypted keys, from this file (first line). Repeatable.
    #[arg(long, value_name = "FILE")]
    in_password_file: Vec<PathBuf>,
    /// Password for input PFX files / encrypted keys, from this environment variable.
    #[arg(long, value_name = "VAR")]
    in_password_env: Vec<String>,
    /// Write the PFX with the empty password (an explicit choice; round-trips with OpenSSL).
    #[arg(long)]
    empty_password: bool,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(args: PfxArgs, global: &Global, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    // Refuse early, before any password prompt or work.
    check_outputs(&[&args.out], args.force)?;
    if is_stdout(&args.out) {
        check_stdout(Content::Binary, Sensitivity::Secret)?;
    }
    let profile = match (args.profile, args.windows) {
        (Some(ProfileArg::Modern), _) => Profile::Modern,
        (Some(ProfileArg::Compat), _) | (None, None) => Profile::Compat,
        (None, Some(WindowsArg::V2012r2 | WindowsArg::V2016)) => Profile::Compat,
        (None, Some(_)) => Profile::Modern,
    };
    let password = output_password(global, args.empty_password)?;
    let input = input_global(
        global,
        &args.in_password_file,
        &args.in_password_env,
        &password,
    )?;
    let detected = super::load::load_all(&args.files, &input)?;
    let pool = super::load::load_pool(&args.pool, &input)?;
    let csp = match args.csp.as_deref() {
        Some("none") => None,
        Some(name) => Some(name.to_owned()),
        None => Some(pfx::DEFAULT_CSP.to_owned()),
    };

    let certs: Vec<&Cert> = detected.certs().collect();
    let keys: Vec<&PrivateKey> = detected.keys().collect();
    let pool_certs: Vec<&Cert> = pool.iter().collect();
    let sel = pfx::select(
        &certs,
        &keys,
        &pool_certs,
        SelectOptions {
            include_root: args.include_root,
            no_chain: args.no_chain,
            allow_no_key: args.no_key,
            at: Some(global.at),
            // The chain is completed from the inputs, --pool and the embedded roots; a missing
            // intermediate is refused (issue 17) unless --no-chain asks for leaf and key only.
            anchors: certprep::roots::embedded(),
            complete_chain: true,
        },
    )?;
    if args.csp.is_some()
        && sel.key.is_some_and(|k| !k.public_key.algorithm.is_rsa())
        && !global.quiet
    {
        eprintln!(
            "certprep: note: --csp is ignored for a non-RSA key (ECDSA keys get no CAPI CSP name)"
        );
    }
    let bytes = pfx::build(
        &sel,
        BuildOptions {
            profile,
            password: &password,
            friendly_name: args.friendly_name.as_deref(),
            csp_name: csp.as_deref(),
        },
    )?;
    if is_stdout(&args.out) {
        write_output(
            &args.out,
            &bytes,
            args.force,
            Sensitivity::Secret,
            Content::Binary,
            out,
        )?;
        // The summary goes to stderr, apart from the data.
        if !global.quiet {
            summary(&sel, profile, &args.out, &mut std::io::stderr().lock())?;
        }
    } else {
        write_file(&args.out, &bytes, args.force, Sensitivity::Secret)
            .with_context(|| format!("writing {}", args.out.display()))?;
        if !global.quiet {
            summary(&sel, profile, &args.out, out)?;
        }
    }
    Ok(super::exit::success())
}

fn summary(
    sel: &Selection<'_>,
    profile: Profile,
    path: &std::path::Path,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    writeln!(out, "wrote {}", path.display())?;
    writeln!(
        out,
        "  leaf : {} (thumbprint {})",
        certprep::report::sanitize_line(&certprep::name::render_windows(&sel.leaf.subject)),
        Thumbprint::of(&sel.leaf.der, HashAlg::Sha1)
    )?;
    match sel.key {
        Some(k) => writeln!(out, "  key  : {} from {}", k.public_key.algorithm, k.origin)?,
        None => writeln!(out, "  key  : none (--no-key)")?,
    }
    for c in &sel.chain {
        writeln!(
            out,
            "  chain: {}",
            certprep::report::sanitize_line(&certprep::name::render_windows(&c.subject))
        )?;
    }
    writeln!(out, "  profile: {profile}")?;
    for l in &sel.left_out {
        writeln!(
            out,
            "  left out: {} ({}): {}",
            certprep::report::sanitize_line(&l.what),
            l.origin,
            l.reason
        )?;
    }
    Ok(())
}

/// The output password: global `--password-file`/`--password-env` (the first), else a prompt
/// with confirmation on a terminal, else `--empty-password`.
pub(crate) fn output_password(global: &Global, empty: bool) -> anyhow::Result<Secret> {
    let pw = match (global.passwords.first(), empty) {
        (Some(_), true) => {
            bail!("--empty-password and --password-file/--password-env contradict each other")
        }
        (Some(p), false) => p.clone(),
        (None, true) => Secret::new(String::new()),
        (None, false) if global.interactive => {
            let a = super::prompt_password("Password for the new PFX: ")?;
            let b = super::prompt_password("Repeat the password: ")?;
            if a.expose() != b.expose() {
                bail!("the two passwords differ; nothing was written");
            }
            if a.expose().is_empty() {
                bail!("empty password typed; use --empty-password to write a PFX without one");
            }
            a
        }
        (None, false) => bail!(
            "no output password: give --password-file FILE or --password-env VAR (or --empty-password for none)"
        ),
    };
    if pw.is_non_ascii() && !global.quiet {
        eprintln!("certprep: warning: the password has non-ASCII characters; some Windows and Java readers reject such PFX passwords");
    }
    Ok(pw)
}

/// A `Global` whose passwords are the input passwords.
fn input_global(
    global: &Global,
    files: &[PathBuf],
    envs: &[String],
    output: &Secret,
) -> anyhow::Result<Global> {
    let mut passwords = Vec::new();
    for f in files {
        passwords.push(super::read_password_file(f)?);
    }
    for var in envs {
        let value = std::env::var(var).with_context(|| {
            format!("--in-password-env {var}: the environment variable is not set or not UTF-8")
        })?;
        passwords.push(Secret::new(value));
    }
    if passwords.is_empty() {
        passwords.push(output.clone());
    }
    Ok(Global {
        at: global.at,
        passwords,
        quiet: global.quiet,
        color: global.color,
        interactive: global.interactive,
        kdf: global.kdf,
        meter: global.meter.clone(),
    })
}
