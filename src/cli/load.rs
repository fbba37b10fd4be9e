//! Loading the files a command names: paths and `-` for standard input, password prompts on a
//! terminal, and per-file problems reported to stderr.

use super::Global;
use anyhow::{bail, Context};
use certprep::error::{InputError, ObjectKind};
use certprep::input::{self, DetectOptions, Detected, Origin};
use certprep::model::Cert;
use std::io::Read;

/// Load every input. Problems are printed as warnings; a file that yields nothing usable is an
/// error (exit 2) naming the file.
pub(crate) fn load_all(paths: &[String], global: &Global) -> anyhow::Result<Detected> {
    let mut all = Detected::default();
    let mut failed = Vec::new();
    for path in paths {
        let d = load_one(path, global)?;
        if d.items.is_empty() {
            failed.extend(d.problems);
        } else {
            for p in &d.problems {
                if !global.quiet {
                    eprintln!("certprep: warning: {}", error_chain(p));
                }
            }
            all.items.extend(d.items);
        }
    }
    if !failed.is_empty() {
        let msgs: Vec<String> = failed.iter().map(|e| error_chain(e)).collect();
        bail!("{}", msgs.join("\ncertprep: "));
    }
    Ok(all)
}

/// Load one path (or `-`), prompting for a password on a terminal when one is needed.
pub(crate) fn load_one(path: &str, global: &Global) -> anyhow::Result<Detected> {
    let mut opts = DetectOptions {
        passwords: global.passwords.clone(),
        kdf: global.kdf,
        meter: global.meter.clone(),
        ..DetectOptions::default()
    };
    let stdin_bytes = if path == "-" {
        // Zeroed when dropped: standard input may carry an unencrypted key.
        let mut buf = zeroize::Zeroizing::new(Vec::new());
        // One byte over the limit is enough for `detect` to report the input as too large.
        std::io::stdin()
            .take(opts.max_size.saturating_add(1))
            .read_to_end(&mut buf)
            .context("reading standard input")?;
        Some(buf)
    } else {
        None
    };
    let run = |opts: &DetectOptions| match &stdin_bytes {
        Some(b) => input::detect(b, &Origin::file("-"), opts),
        None => input::load(path, opts),
    };
    let mut d = run(&opts);
    let needs_password = d
        .problems
        .iter()
        .any(|p| matches!(p, InputError::PasswordNeeded { .. }));
    if needs_password && global.interactive && stdin_bytes.is_none() {
        let kind = d
            .problems
            .iter()
            .find_map(|p| {
                if let InputError::PasswordNeeded { kind, .. } = p {
                    Some(*kind)
                } else {
                    None
                }
            })
            .unwrap_or(ObjectKind::Pkcs12);
        let pw = super::prompt_password(&format!("Password for {path} ({kind}): "))?;
        opts.passwords.push(pw);
        d = run(&opts);
    }
    Ok(d)
}

pub(crate) use certprep::report::error_chain;

/// Certificates from `--roots`-style files: each must hold at least one.
pub(crate) fn load_certs(
    paths: &[String],
    global: &Global,
    flag: &str,
) -> anyhow::Result<Vec<Cert>> {
    let mut certs = Vec::new();
    for p in paths {
        let d = load_all(std::slice::from_ref(p), global)?;
        let found: Vec<Cert> = d.certs().cloned().collect();
        if found.is_empty() {
            bail!("{flag} {p}: no certificate in the file");
        }
        certs.extend(found);
    }
    Ok(certs)
}

/// Load every `--pool` path: a file through the usual loader, a directory recursively (sorted
/// by name, so the result does not depend on the file system's order). In a directory, files
/// that are not certificate material are skipped silently; other problems are warnings.
pub(crate) fn load_pool(paths: &[String], global: &Global) -> anyhow::Result<Vec<Cert>> {
    let mut certs = Vec::new();
    let opts = DetectOptions {
        passwords: global.passwords.clone(),
        kdf: global.kdf,
        meter: global.meter.clone(),
        ..DetectOptions::default()
    };
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("--pool {p}"))?;
        if !meta.is_dir() {
            let d = load_one(p, global)?;
            if d.items.is_empty() {
                let msgs: Vec<String> = d.problems.iter().map(|e| error_chain(e)).collect();
                bail!("--pool {p}: {}", msgs.join("; "));
            }
            warn(&d.problems, global);
            certs.extend(d.certs().cloned());
            continue;
        }
        for entry in walkdir::WalkDir::new(p).sort_by_file_name() {
            let entry = entry.with_context(|| format!("reading --pool {p}"))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let d = input::load(&entry.path().to_string_lossy(), &opts);
            let real: Vec<&InputError> = d
                .problems
                .iter()
                .filter(|e| !matches!(e, InputError::Unrecognized { .. }))
                .collect();
            if !global.quiet {
                for e in real {
                    eprintln!("certprep: warning: {}", error_chain(e));
                }
            }
            certs.extend(d.certs().cloned());
        }
    }
    Ok(certs)
}

/// Print problems as warnings unless `-q`.
pub(crate) fn warn(problems: &[InputError], global: &Global) {
    if !global.quiet {
        for e in problems {
            eprintln!("certprep: warning: {}", error_chain(e));
        }
    }
}

/// The certificates behind `--pool`, `--roots` and `--no-embedded-roots`.
pub(crate) struct TrustStores {
    /// `--pool` certificates.
    pub(crate) pool: Vec<Cert>,
    /// `--roots` certificates.
    pub(crate) roots: Vec<Cert>,
    /// The embedded public roots, or none with `--no-embedded-roots`.
    pub(crate) public: &'static [Cert],
}

/// Load the trust flags.
pub(crate) fn load_trust(
    args: &super::args::TrustArgs,
    global: &Global,
) -> anyhow::Result<TrustStores> {
    Ok(TrustStores {
        pool: load_pool(&args.pool, global)?,
        roots: load_certs(&args.roots, global, "--roots")?,
        public: if args.no_embedded_roots {
            &[]
        } else {
            certprep::roots::embedded()
        },
    })
}
