//! Binary-only code: argument handling, password sources, file output, exit codes.
//! Declared from main.rs, never from lib.rs.

pub(crate) mod args;
pub(crate) mod chain;
pub(crate) mod check;
pub(crate) mod collect;
pub(crate) mod csr;
pub(crate) mod exit;
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
}

/// Run the parsed command line.
pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = resolve_global(&cli.global)?;
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
        Command::Collect(a) => collect::run(a, &global, &mut out)?,
    };
    out.flush()?;
    Ok(code)
}

fn resolve_global(g: &GlobalArgs) -> anyhow::Result<Global> {
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
        at: g.at.unwrap_or_else(time::OffsetDateTime::now_utc),
        passwords,
        quiet: g.quiet,
        color,
        interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
    })
}

/// Read a password file: its first line, without the line ending. An empty file is the empty
/// password.
pub(crate) fn read_password_file(path: &std::path::Path) -> anyhow::Result<Secret> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading password file {}", path.display()))?;
    let text = zeroize::Zeroizing::new(text);
    let first = text
        .strip_prefix('\u{FEFF}')
        .unwrap_or(&text)
        .lines()
        .next()
        .unwrap_or("");
    Ok(Secret::new(first.to_owned()))
}

/// Read a password from the terminal without echo.
pub(crate) fn prompt_password(prompt: &str) -> anyhow::Result<Secret> {
    let p = rpassword::prompt_password(prompt).context("reading password from the terminal")?;
    Ok(Secret::new(p))
}
