//! `certprep csr`: a new key and a PKCS#10 request, or a renewal request copied from an
//! existing certificate (`--from`), as `New-ExchangeCertificate -GenerateRequest` makes them.

use super::output::{check_stdout, is_stdout, same_file, write_output, Content, Sensitivity};
use super::Global;
use anyhow::{bail, Context};
use certprep::csr::{self, CsrSpec, SanEntry, SubjectSpec};
use certprep::keygen::{GeneratedKey, KeyType};
use certprep::model::{Cert, DistinguishedName};
use certprep::name::render_windows;
use certprep::secret::Secret;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Make a new key and a certificate signing request.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Make a new private key and a PKCS#10 certificate signing request (CSR) for the given \
names, as New-ExchangeCertificate -GenerateRequest does. Every name becomes a DNS subjectAltName; \
the first is the subject CN unless --subject is given. --from renews an existing certificate: its \
subject (byte for byte) and names are copied.",
    after_help = "Examples:\n  $ certprep csr --name mail.contoso.com --name autodiscover.contoso.com -o mail.req --key-out mail.key\n  $ certprep csr --name mail.contoso.com --subject 'CN=mail.contoso.com, O=\"Contoso, Ltd.\", L=Seattle, S=WA, C=US' -o mail.req --key-out mail.key\n  $ certprep csr --from old.cer -o renew.req --key-out renew.key --key-password-file pw.txt\n  $ certprep csr --name mail.contoso.com --key-type p256 --utf16 -o mail.req --key-out mail.key"
)]
pub(crate) struct CsrArgs {
    /// A name to request (DNS name, wildcard *.example.com, or IP address). Repeat, or separate
    /// with commas. With --from, added to the certificate's names.
    #[arg(short = 'n', long = "name", value_name = "NAME", value_delimiter = ',')]
    names: Vec<String>,
    /// Subject distinguished name, in the Windows form (CN=mail.contoso.com, O="Contoso, Ltd.",
    /// S=WA, C=US) or the OpenSSL form (/C=US/O=Contoso/CN=mail.contoso.com). Default:
    /// CN=<first name>, or the --from certificate's subject.
    #[arg(long, value_name = "DN")]
    subject: Option<String>,
    /// Key to generate. Default: rsa2048 (Exchange's default), or with --from the old
    /// certificate's kind of key.
    #[arg(long, value_enum, value_name = "TYPE")]
    key_type: Option<KeyTypeArg>,
    /// Renew this certificate (PEM or DER): copy its subject and subjectAltNames.
    #[arg(long, value_name = "CERT")]
    from: Option<String>,
    /// Where to write the request (`-`: standard output).
    #[arg(short = 'o', long = "output", alias = "out", value_name = "REQ")]
    out: PathBuf,
    /// Where to write the new private key (PKCS#8 PEM, owner-only permissions; `-`: standard
    /// output, refused on a terminal).
    #[arg(long, value_name = "KEY")]
    key_out: PathBuf,
    /// Write the request as Exchange does: UTF-16LE text, CRLF, "NEW CERTIFICATE REQUEST".
    #[arg(long)]
    utf16: bool,
    #[command(flatten)]
    key_password: KeyPasswordArgs,
    /// Overwrite existing output files.
    #[arg(long)]
    force: bool,
}

/// `--key-password-file` / `--key-password-env`: encrypt the new key (never from argv).
#[derive(Debug, clap::Args)]
pub(crate) struct KeyPasswordArgs {
    /// Encrypt the new key (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC) with the password on this
    /// file's first line.
    #[arg(long, value_name = "FILE", conflicts_with = "key_password_env")]
    pub(crate) key_password_file: Option<PathBuf>,
    /// Encrypt the new key with the password in this environment variable.
    #[arg(long, value_name = "VAR")]
    pub(crate) key_password_env: Option<String>,
}

impl KeyPasswordArgs {
    /// The password, if one was asked for. An empty password is refused: it would look
    /// protected and not be.
    pub(crate) fn read(&self) -> anyhow::Result<Option<Secret>> {
        let secret = match (&self.key_password_file, &self.key_password_env) {
            (Some(path), _) => super::read_password_file(path)?,
            (None, Some(var)) => Secret::new(std::env::var(var).with_context(|| {
                format!(
                    "--key-password-env {var}: the environment variable is not set or not UTF-8"
                )
            })?),
            (None, None) => return Ok(None),
        };
        if secret.expose().is_empty() {
            bail!("the key password is empty; give a non-empty one, or leave out --key-password-file/--key-password-env for an unencrypted key");
        }
        Ok(Some(secret))
    }
}

/// `--key-type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum KeyTypeArg {
    /// RSA 2048 (Exchange's default).
    Rsa2048,
    /// RSA 3072.
    Rsa3072,
    /// RSA 4096.
    Rsa4096,
    /// ECDSA P-256.
    P256,
    /// ECDSA P-384.
    P384,
}

impl From<KeyTypeArg> for KeyType {
    fn from(k: KeyTypeArg) -> KeyType {
        match k {
            KeyTypeArg::Rsa2048 => KeyType::Rsa2048,
            KeyTypeArg::Rsa3072 => KeyType::Rsa3072,
            KeyTypeArg::Rsa4096 => KeyType::Rsa4096,
            KeyTypeArg::P256 => KeyType::P256,
            KeyTypeArg::P384 => KeyType::P384,
        }
    }
}

/// Refuse to start when an output exists (without --force), is not a regular file, or two
/// outputs are the same file, before spending time on key generation.
pub(crate) fn check_outputs(paths: &[&Path], force: bool) -> anyhow::Result<()> {
    super::output::check_outputs(paths, force)
}

/// The key as PEM: encrypted when a password was given.
pub(crate) fn key_pem(
    key: &GeneratedKey,
    password: Option<&Secret>,
) -> anyhow::Result<zeroize::Zeroizing<String>> {
    Ok(match password {
        Some(pw) => key.to_encrypted_pkcs8_pem(pw, &mut rand_core::OsRng)?,
        None => key.to_pkcs8_pem()?,
    })
}

/// Write the key, then the other file (either may be `-`, standard output); if the second
/// write fails, remove the key again so no orphan key is left behind (unless it replaced a file
/// under --force). Refuses, before overwriting it, a second file that turned out to be the key
/// just written (a file system that folds case).
pub(crate) fn write_pair(
    key_path: &Path,
    key_pem: &[u8],
    other_path: &Path,
    other: &[u8],
    other_sensitivity: Sensitivity,
    force: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if is_stdout(key_path) {
        check_stdout(Content::Text, Sensitivity::Secret)?;
    }
    let key_existed = key_path.symlink_metadata().is_ok();
    write_output(
        key_path,
        key_pem,
        force,
        Sensitivity::Secret,
        Content::Text,
        out,
    )?;
    let same = !is_stdout(key_path) && !is_stdout(other_path) && same_file(key_path, other_path);
    if same {
        bail!(
            "{} is the key just written to {}; nothing else was written. Give a different file for each output",
            other_path.display(),
            key_path.display()
        );
    }
    if let Err(e) = write_output(
        other_path,
        other,
        force,
        other_sensitivity,
        Content::Text,
        out,
    ) {
        if !key_existed && !is_stdout(key_path) {
            let _ = std::fs::remove_file(key_path);
        }
        return Err(e);
    }
    Ok(())
}

pub(crate) fn run(args: CsrArgs, global: &Global, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let password = args.key_password.read()?;
    check_outputs(&[&args.out, &args.key_out], args.force)?;
    let mut names = Vec::new();
    for n in &args.names {
        names.push(SanEntry::parse(n.trim())?);
    }
    let mut spec = match &args.from {
        Some(path) => {
            let detected = super::load::load_all(std::slice::from_ref(path), global)?;
            let cert = pick_certificate(detected.certs().collect(), path)?;
            let mut spec = CsrSpec::renew(cert);
            spec.names.extend(names);
            spec
        }
        None => {
            if names.is_empty() {
                bail!("no names to request; give at least one --name (or --from an existing certificate)");
            }
            CsrSpec::new(names)
        }
    };
    if let Some(s) = &args.subject {
        spec.subject = SubjectSpec::Text(s.clone());
    }
    if let Some(k) = args.key_type {
        spec.key_type = k.into();
    }
    let generated = csr::generate(&spec, &mut rand_core::OsRng)?;
    let request = if args.utf16 {
        generated.to_utf16le_pem()?
    } else {
        generated.to_pem()?.into_bytes()
    };
    let key = key_pem(&generated.key, password.as_ref())?;
    write_pair(
        &args.key_out,
        key.as_bytes(),
        &args.out,
        &request,
        Sensitivity::Public,
        args.force,
        out,
    )?;
    // With an output on standard output the summary goes to stderr, apart from the data.
    let mut stderr = std::io::stderr().lock();
    let out: &mut dyn Write = if is_stdout(&args.out) || is_stdout(&args.key_out) {
        &mut stderr
    } else {
        out
    };
    if !global.quiet {
        let subject = spec
            .subject_der()
            .ok()
            .and_then(|d| DistinguishedName::from_der(&d).ok())
            .map(|n| render_windows(&n))
            .unwrap_or_default();
        let names: Vec<String> = spec.unique_names().iter().map(SanEntry::text).collect();
        writeln!(out, "Request : {}", args.out.display())?;
        writeln!(
            out,
            "Key     : {} ({}, {})",
            args.key_out.display(),
            generated.key.key_type(),
            if password.is_some() {
                "encrypted PKCS#8"
            } else {
                "unencrypted PKCS#8"
            }
        )?;
        writeln!(
            out,
            "Subject : {}",
            certprep::report::sanitize_line(&subject)
        )?;
        writeln!(
            out,
            "Names   : {}",
            certprep::report::sanitize_line(&names.join(", "))
        )?;
    }
    Ok(super::exit::success())
}

/// The certificate to renew: the only one, or the only end-entity one in a chain file.
fn pick_certificate<'a>(certs: Vec<&'a Cert>, path: &str) -> anyhow::Result<&'a Cert> {
    let leaves: Vec<&Cert> = certs.iter().copied().filter(|c| !c.is_ca()).collect();
    match (certs.len(), leaves.len()) {
        (0, _) => bail!("{path}: no certificate to renew in it"),
        (1, _) => Ok(certs[0]),
        (_, 1) => Ok(leaves[0]),
        _ => bail!(
            "{path}: holds {} certificates and it is not clear which one to renew; give a file with just that certificate",
            certs.len()
        ),
    }
}
