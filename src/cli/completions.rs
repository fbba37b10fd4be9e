//! `certprep completions SHELL` and `certprep man`: shell completion scripts and the man page,
//! generated from the clap definitions in `args.rs` (so they always match the parser).

use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

/// Print a completion script for SHELL on standard output.
#[derive(Debug, clap::Args)]
#[command(after_help = "Install (one of the lines below, for your shell).

Examples:
  $ certprep completions bash > ~/.local/share/bash-completion/completions/certprep
  $ certprep completions zsh > ~/.zfunc/_certprep      # with fpath+=(~/.zfunc) before compinit
  $ certprep completions fish > ~/.config/fish/completions/certprep.fish
  PS> certprep completions powershell | Out-String | Invoke-Expression   # add to $PROFILE")]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    shell: clap_complete::Shell,
}

/// Print the man page (roff) on standard output.
#[derive(Debug, clap::Args)]
#[command(after_help = "Install:

Examples:
  $ certprep man > ~/.local/share/man/man1/certprep.1
  $ man certprep")]
pub(crate) struct ManArgs {}

/// Write the completion script.
pub(crate) fn run(args: CompletionsArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let mut cmd = super::args::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "certprep", out);
    Ok(super::exit::success())
}

/// Write the man page: one page, `certprep(1)`, with every command's synopsis, description
/// and options under its own heading.
pub(crate) fn man(_args: ManArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let mut cmd = super::args::Cli::command();
    cmd.build();
    let page = clap_mangen::Man::new(cmd.clone());
    page.render_title(out)?;
    page.render_name_section(out)?;
    page.render_synopsis_section(out)?;
    page.render_description_section(out)?;
    page.render_options_section(out)?;
    page.render_subcommands_section(out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        let name = format!("certprep {}", sub.get_name());
        let sub_page = clap_mangen::Man::new(
            sub.clone()
                .bin_name(name.clone())
                .display_name(name.clone()),
        );
        let mut body = Vec::new();
        sub_page.render_synopsis_section(&mut body)?;
        sub_page.render_description_section(&mut body)?;
        sub_page.render_options_section(&mut body)?;
        // The command's sections become subsections of its own heading.
        let body = String::from_utf8_lossy(&body);
        let body: String = body
            .split_inclusive('\n')
            .map(|line| match line.strip_prefix(".SH ") {
                Some(rest) => format!(".SS {rest}"),
                None => line.to_owned(),
            })
            .collect();
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        out.write_all(body.as_bytes())?;
    }
    page.render_version_section(out)?;
    Ok(super::exit::success())
}
