//! The `certprep` binary: parse arguments, run one command, map the outcome to an exit code.

mod cli;

// mimalloc: the model is parsed into owned values (many small allocations per certificate);
// with glibc's allocator, malloc/free were about a third of `scan`'s CPU time
// (docs/performance.md). mimalloc 2 rather than 3 (the crate's `v2` feature): on the scan
// benchmark v3 spent ~10% more wall time, most of it in its allocation fast path.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
