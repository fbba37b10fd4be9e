//! Binary-only code: argument handling, password sources, file output, exit codes.
//! Declared from main.rs, never from lib.rs.

pub(crate) mod args;
pub(crate) mod chain;
pub(crate) mod check;
pub(crate) mod collect;
pub(crate) mod completions;
pub(crate) mod csr;
pub(crate) mod exit;
pub(crate) mod help;
pub(crate) mod inspect;
pub(crate) mod load;
pub(crate) mod output;
pub(crate) mod pem;
pub(crate) mod pfx;
pub(crate) mod probe;
pub(crate) mod runbook;
pub(crate) mod scan;
pub(crate) mod selfsigned;
pub(crate) mod state;
pub(crate) mod thumbprint;
pub(crate) mod tls_name;
#[cfg(test)]
mod vocabulary;

use anyhow::Context;
use args::{Cli, ColorChoice, Command, GlobalArgs};
use certprep::secret::Secret;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Settings every command gets, resolved once from the global flags and the environment.
pub(crate) struct Global {
    /// The instant validity is evaluated at.
    pub(crate) at: time::OffsetDateTime,
    /// Passwords from --password-file / --password-env, in order.
    pub(crate) passwords: Vec<Secret>,
    /// -q.
    pub(crate) quiet: bool,
    /// Whether to colour stdout.
    pub(crate) color: bool,
    /// Whether an interactive password prompt is possible.
    pub(crate) interactive: bool,
    /// --max-kdf-work / --max-kdf-work-run.
    pub(crate) kdf: certprep::input::KdfBudget,
    /// The run's work counters, shared by every file the command reads.
    pub(crate) meter: std::sync::Arc<certprep::input::WorkMeter>,
}

/// Run the parsed command line.
pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = resolve_global(&cli.global, cli.command.at())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match cli.command {
        Command::Inspect(a) => inspect::run(a, &global, &mut out)?,
        Command::Thumbprint(a) => thumbprint::run(a, &global, &mut out)?,
        Command::Scan(a) => scan::run(a, &global, &mut out)?,
        Command::Csr(a) => csr::run(a, &global, &mut out)?,
        Command::Selfsigned(a) => selfsigned::run(a, &global, &mut out)?,
        Command::Check(a) => check::run(a, &global, &mut out)?,
        Command::Pfx(a) => pfx::run(a, &global, &mut out)?,
        Command::Pem(a) => pem::run(a, &global, &mut out)?,
        Command::TlsName(a) => tls_name::run(a, &global, &mut out)?,
        Command::Runbook(a) => runbook::run(*a, &global, &mut out)?,
        Command::Probe(a) => probe::run(a, &global, &mut out)?,
        Command::Chain(a) => chain::run(a, &global, &mut out)?,
        Command::Completions(a) => completions::run(a, &mut out)?,
        Command::Man(a) => completions::man(a, &mut out)?,
        Command::Collect(a) => collect::run(a, &global, &mut out)?,
    };
    out.flush()?;
    Ok(code)
}

/// `at`: the command's own `--at`; it wins over the hidden one before the command name.
fn resolve_global(g: &GlobalArgs, at: Option<time::OffsetDateTime>) -> anyhow::Result<Global> {
    let mut passwords = Vec::new();
    for path in &g.password_file {
        passwords.push(read_password_file(path)?);
    }
    for var in &g.password_env {
        let value = std::env::var(var).with_context(|| {
            format!("--password-env {var}: the environment variable is not set or not UTF-8")
        })?;
        passwords.push(Secret::new(value));
    }
    let color = match g.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    Ok(Global {
        at: at.or(g.at).unwrap_or_else(time::OffsetDateTime::now_utc),
        passwords,
        quiet: g.quiet,
        color,
        interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        kdf: certprep::input::KdfBudget {
            per_file: g.max_kdf_work,
            per_run: g.max_kdf_work_run,
        },
        meter: std::sync::Arc::default(),
    })
}

/// The largest password file read: a password is one line, and this bound keeps a wrong path
/// (a log, a disk image, `/dev/zero`) from filling memory. docs/formats.md lists it.
pub(crate) const MAX_PASSWORD_FILE: u64 = 64 * 1024;

/// Read a password file: its first line, without the line ending. An empty file is the empty
/// password. At most [`MAX_PASSWORD_FILE`] bytes are read (a larger regular file is refused
/// from its size, without reading), into one buffer that is zeroed afterwards.
pub(crate) fn read_password_file(path: &std::path::Path) -> anyhow::Result<Secret> {
    use std::io::Read;
    let context = || format!("reading password file {}", path.display());
    let file = std::fs::File::open(path).with_context(context)?;
    let too_large = || {
        anyhow::anyhow!(
            "password file {} is larger than {MAX_PASSWORD_FILE} bytes; a password file holds the password on its first line",
            path.display()
        )
    };
    if file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() > MAX_PASSWORD_FILE)
    {
        return Err(too_large());
    }
    // Capacity for the whole bound up front: growing the buffer would leave copies of the
    // password in freed memory.
    let mut buf = zeroize::Zeroizing::new(Vec::with_capacity(MAX_PASSWORD_FILE as usize + 1));
    file.take(MAX_PASSWORD_FILE + 1)
        .read_to_end(&mut buf)
        .with_context(context)?;
    if buf.len() as u64 > MAX_PASSWORD_FILE {
        return Err(too_large());
    }
    let text = std::str::from_utf8(&buf)
        .map_err(|_| anyhow::anyhow!("password file {} is not UTF-8 text", path.display()))?;
    let first = text
        .strip_prefix('\u{FEFF}')
        .unwrap_or(text)
        .lines()
        .next()
        .unwrap_or("");
    Ok(Secret::new(first.to_owned()))
}

/// The largest `--config` file and `tls-name --compare -` text read: both are a few lines.
pub(crate) const MAX_SMALL_TEXT: u64 = 1024 * 1024;

/// Read UTF-8 text of at most `limit` bytes from `reader` (reading stops one byte past the
/// limit, so `/dev/zero` or an endless pipe is refused); `what` names the source in errors.
pub(crate) fn read_text_bounded(
    reader: impl std::io::Read,
    limit: u64,
    what: &str,
) -> anyhow::Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {what}"))?;
    if bytes.len() as u64 > limit {
        anyhow::bail!("{what} is larger than {limit} bytes");
    }
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{what} is not UTF-8 text"))
}

/// Read a password from the terminal without echo.
pub(crate) fn prompt_password(prompt: &str) -> anyhow::Result<Secret> {
    let p = rpassword::prompt_password(prompt).context("reading password from the terminal")?;
    Ok(Secret::new(p))
}
