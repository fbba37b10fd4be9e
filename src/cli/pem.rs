//! `certprep pem`: split a PFX (or any inputs) into the PEM files load balancers and reverse
//! proxies want: key.pem (PKCS#8, 0600), cert.pem, chain.pem, fullchain.pem.

use super::output::{check_outputs, create_dir_all, is_stdout, write_file, Sensitivity};
use super::Global;
use anyhow::{bail, Context};
use certprep::model::{Cert, PrivateKey};
use certprep::pfx::{self, SelectOptions};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Split into key.pem, cert.pem, chain.pem and fullchain.pem.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  $ certprep pem mail.pfx --out-dir nginx/ --password-file pw.txt
  $ certprep pem mail.contoso.com.crt ca-bundle.crt mail.contoso.com.key --out-dir haproxy/")]
pub(crate) struct PemArgs {
    #[command(flatten)]
    pub(crate) time: super::args::AtArgs,
    /// Inputs: a PFX, or certificates, keys, bundles, .p7b, ZIP (`-` for stdin).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Directory to write the four files to (created if missing: 0700 when it will hold the
    /// key).
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    /// Include the self-signed root in chain.pem and fullchain.pem.
    #[arg(long)]
    include_root: bool,
    /// Certificates to take missing intermediates from (files; repeatable).
    #[arg(long, value_name = "PATH")]
    pool: Vec<String>,
    /// Overwrite existing files.
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(args: PemArgs, global: &Global, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let names = ["key.pem", "cert.pem", "chain.pem", "fullchain.pem"];
    let paths: Vec<PathBuf> = names.iter().map(|n| args.out_dir.join(n)).collect();
    if is_stdout(&args.out_dir) {
        bail!("--out-dir - : pem writes four files and needs a directory; give one (it is created if missing)");
    }
    // All or nothing: refuse before writing any file if one of them exists (or, even with
    // --force, is not a regular file).
    let path_refs: Vec<&std::path::Path> = paths.iter().map(PathBuf::as_path).collect();
    check_outputs(&path_refs, args.force)?;
    let detected = super::load::load_all(&args.files, global)?;
    let pool = super::load::load_pool(&args.pool, global)?;
    let certs: Vec<&Cert> = detected.certs().collect();
    let keys: Vec<&PrivateKey> = detected.keys().collect();
    let pool_certs: Vec<&Cert> = pool.iter().collect();
    let sel = pfx::select(
        &certs,
        &keys,
        &pool_certs,
        SelectOptions {
            include_root: args.include_root,
            no_chain: false,
            allow_no_key: true,
            at: Some(global.at),
            anchors: certprep::roots::RootStore::empty(),
            complete_chain: false,
        },
    )?;
    let files = pfx::split(&sel)?;
    // A directory made to hold the key is owner-only (0700).
    let dir_sensitivity = if files.key.is_some() {
        Sensitivity::Secret
    } else {
        Sensitivity::Public
    };
    create_dir_all(&args.out_dir, dir_sensitivity)?;
    let mut written = Vec::new();
    let mut write = |path: &PathBuf, bytes: &[u8], s: Sensitivity| -> anyhow::Result<()> {
        let r = write_file(path, bytes, args.force, s);
        if r.is_err() {
            // Nothing lost: remove what this run already wrote, unless it replaced a file.
            if !args.force {
                for p in &written {
                    let _ = std::fs::remove_file(p);
                }
            }
        } else {
            written.push(path.clone());
        }
        r.with_context(|| format!("writing {}", path.display()))
    };
    match &files.key {
        Some(k) => write(&paths[0], k.as_bytes(), Sensitivity::Secret)?,
        None => {
            if !global.quiet {
                eprintln!(
                    "certprep: warning: no private key among the inputs; key.pem was not written"
                );
            }
        }
    }
    write(&paths[1], files.cert.as_bytes(), Sensitivity::Public)?;
    write(&paths[2], files.chain.as_bytes(), Sensitivity::Public)?;
    write(&paths[3], files.fullchain.as_bytes(), Sensitivity::Public)?;
    if !global.quiet {
        let n = written.len();
        writeln!(
            out,
            "wrote {n} files to {} (leaf {}, {} chain certificate(s))",
            args.out_dir.display(),
            certprep::report::sanitize_line(&certprep::name::display_name(
                &sel.leaf.subject,
                &sel.leaf.dns_names
            )),
            sel.chain.len()
        )?;
        for l in &sel.left_out {
            writeln!(
                out,
                "  left out: {} ({}): {}",
                certprep::report::sanitize_line(&l.what),
                l.origin,
                l.reason
            )?;
        }
    }
    Ok(super::exit::success())
}
