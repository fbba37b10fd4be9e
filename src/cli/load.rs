//! Loading the files a command names: paths and `-` for standard input, password prompts on a
//! terminal, and per-file problems reported to stderr.

use super::Global;
use anyhow::{bail, Context};
use certprep::error::{InputError, ObjectKind};
use certprep::input::{self, DetectOptions, Detected, Origin};
use certprep::model::Cert;
use std::io::Read;
use std::process::ExitCode;

/// Load every input for a command that writes one result (a PFX, PEM files, a TLS name, a
/// runbook): any input that could not be read is an error (exit 2) naming every such input,
/// after all of them were tried. Problems in otherwise usable files are warnings.
pub(crate) fn load_all(paths: &[String], global: &Global) -> anyhow::Result<Detected> {
    let inputs = read_inputs(paths, global, false);
    if !inputs.unreadable.is_empty() {
        let msgs: Vec<&str> = inputs
            .unreadable
            .iter()
            .flat_map(|u| u.messages.iter().map(String::as_str))
            .collect();
        bail!("{}", msgs.join("\ncertprep: "));
    }
    Ok(inputs.detected)
}

/// An input that could not be read: nothing usable in it, or a protected object in it that no
/// password opens (docs/exit-codes.md).
#[derive(Debug)]
pub(crate) struct Unreadable {
    /// The path as given (`-` for standard input).
    pub(crate) input: String,
    /// What went wrong, one message per problem, each naming the file.
    pub(crate) messages: Vec<String>,
}

impl Unreadable {
    /// As reports list it.
    pub(crate) fn to_report(&self) -> certprep::input::UnreadableInput {
        certprep::input::UnreadableInput {
            path: self.input.clone(),
            messages: self.messages.clone(),
        }
    }
}

/// What a multi-file command read: everything usable, and the inputs it could not read.
pub(crate) struct Inputs {
    /// The objects read, in input order (a locked PFX still shows its unencrypted parts).
    pub(crate) detected: Detected,
    /// Inputs that could not be read, in input order.
    pub(crate) unreadable: Vec<Unreadable>,
}

/// Load every input and go on past the ones that cannot be read: they are collected (and,
/// with `report`, printed on stderr at once as `certprep: <file>: <what>`) so the command can
/// print every good result first and exit 2 at the end ([`conclude`]).
pub(crate) fn read_inputs(paths: &[String], global: &Global, report: bool) -> Inputs {
    let mut inputs = Inputs {
        detected: Detected::default(),
        unreadable: Vec::new(),
    };
    for path in paths {
        let d = match load_one(path, global) {
            Ok(d) => d,
            Err(e) => {
                inputs.unreadable.push(Unreadable {
                    input: path.clone(),
                    messages: vec![format!("{path}: {e:#}")],
                });
                continue;
            }
        };
        let unreadable = d.items.is_empty() || d.problems.iter().any(InputError::hides_contents);
        if unreadable {
            inputs.unreadable.push(Unreadable {
                input: path.clone(),
                messages: d.problems.iter().map(|e| error_chain(e)).collect(),
            });
        } else {
            warn(&d.problems, global);
        }
        inputs.detected.items.extend(d.items);
    }
    for u in &inputs.unreadable {
        if report {
            for m in &u.messages {
                eprintln!("certprep: {m}");
            }
        }
    }
    inputs
}

/// `--keep-going`, for the commands that report on many inputs.
#[derive(Debug, clap::Args)]
pub(crate) struct KeepGoingArg {
    /// When an input cannot be read (damaged, no password opens it, no such file), report the
    /// others, name the skipped ones, and exit by the findings instead of with 2.
    #[arg(long)]
    pub(crate) keep_going: bool,
}

/// The exit code once every result is written: 2 when an input could not be read, unless
/// `--keep-going`; then a summary names what was skipped and `code` stands. When none of the
/// `total` inputs could be read, nothing was reported: 2 even with `--keep-going`.
pub(crate) fn conclude(
    unreadable: &[Unreadable],
    total: usize,
    keep_going: bool,
    code: ExitCode,
) -> ExitCode {
    if unreadable.is_empty() {
        return code;
    }
    let keep_going = keep_going && unreadable.len() < total;
    let names: Vec<&str> = unreadable.iter().map(|u| u.input.as_str()).collect();
    let n = names.len();
    let inputs = if n == 1 { "input" } else { "inputs" };
    if keep_going {
        eprintln!(
            "certprep: skipped {n} unreadable {inputs} (--keep-going): {}",
            names.join(", ")
        );
        code
    } else {
        let rest = if n < total {
            "; the output covers the others (--keep-going exits by the findings instead)"
        } else {
            ""
        };
        eprintln!(
            "certprep: {n} {inputs} could not be read: {}{rest}",
            names.join(", ")
        );
        super::exit::error()
    }
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
    pub(crate) public: &'static certprep::roots::RootStore,
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
            certprep::roots::RootStore::empty()
        } else {
            certprep::roots::embedded()
        },
    })
}
