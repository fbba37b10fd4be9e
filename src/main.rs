//! The `certprep` binary: parse arguments, run one command, map the outcome to an exit code.
#![forbid(unsafe_code)]

mod cli;

// mimalloc: the model is parsed into owned values (many small allocations per certificate), and
// with glibc's allocator malloc/free were a large share of `scan`'s CPU time; mimalloc 2
// rather than 3 (feature `v2`), which was measurably slower on the scan benchmark
// (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

fn main() -> ExitCode {
    disable_core_dumps();
    // Parsed from `cli::help::command()`: the same definitions, examples never wrapped.
    let matches = cli::help::command().get_matches();
    let args = <cli::args::Cli as clap::FromArgMatches>::from_arg_matches(&matches)
        .unwrap_or_else(|e| e.exit());
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

/// No core dump: one would hold passwords and decrypted keys (issue 16). The soft and hard
/// limits on core size go to zero, and on Linux the process is marked not dumpable, which also
/// covers a `core_pattern` that pipes to a handler (those ignore the size limit) and keeps other
/// processes of the same user from reading its memory through ptrace or /proc. Failure is not
/// fatal: the tool works the same, only without this protection.
fn disable_core_dumps() {
    #[cfg(unix)]
    {
        let none = rustix::process::Rlimit {
            current: Some(0),
            maximum: Some(0),
        };
        let _ = rustix::process::setrlimit(rustix::process::Resource::Core, none);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
}
