//! The `certprep` binary: parse arguments, run one command, map the outcome to an exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <cli::args::Cli as clap::Parser>::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`certprep … | head`) is not a failure (ripgrep, fd).
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return cli::exit::success();
            }
            eprintln!("certprep: {err:#}");
            cli::exit::error()
        }
    }
}
