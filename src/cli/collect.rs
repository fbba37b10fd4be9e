//! `certprep collect`: write the read-only PowerShell script that exports the organisation's
//! state (exchange-state.json) for `check --state` and `runbook --state`.

use super::output::{write_file, Sensitivity};
use super::Global;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Write collect.ps1: a read-only script for the Exchange Management Shell that exports, as
/// exchange-state.json, everything a certificate renewal depends on (servers and builds,
/// certificates on every server, internal transport and Auth certificates, connectors, hybrid,
/// POP/IMAP, virtual directory URLs, IIS bindings and Require SSL, Edge subscriptions). It runs
/// only Get- cmdlets and changes nothing. See docs/state.md.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  $ certprep collect -o collect.ps1\n  (in the Exchange Management Shell)  PS> .\\collect.ps1 -OutFile .\\exchange-state.json\n  (then, where certprep runs)  certprep check NEW --state exchange-state.json"
)]
pub(crate) struct CollectArgs {
    /// Where to write the script (`-` for standard output).
    #[arg(short = 'o', long = "output", value_name = "OUT.ps1")]
    output: PathBuf,
    /// Overwrite the output file if it exists.
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(
    args: CollectArgs,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let script = certprep::state::collect_script();
    if args.output.as_os_str() == "-" {
        out.write_all(script.as_bytes())?;
    } else {
        write_file(
            &args.output,
            script.as_bytes(),
            args.force,
            Sensitivity::Public,
        )?;
        if !global.quiet {
            eprintln!(
                "certprep: wrote {} (read-only; run it in the Exchange Management Shell: .\\{} -OutFile .\\exchange-state.json)",
                args.output.display(),
                args.output
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "collect.ps1".into())
            );
        }
    }
    Ok(super::exit::success())
}
