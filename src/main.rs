//! The `certprep` binary: parse arguments, run one command, map the outcome to an exit code.

mod cli;

// mimalloc: the model is parsed into owned values (many small allocations per certificate);
// with glibc's allocator, malloc/free were about a third of `scan`'s CPU time
// (docs/performance.md). mimalloc 2 rather than 3 (`libmimalloc-sys`'s `v2` feature): on the scan
// benchmark v3 spent ~10% more wall time, most of it in its allocation fast path.
#[global_allocator]
static GLOBAL: Allocator = Allocator;

/// mimalloc, called the way its C API is fastest: `mimalloc::MiMalloc` passes every request
/// through `mi_malloc_aligned`, whose alignment bookkeeping was about a quarter of the
/// allocator's instructions in a scan. On 64-bit targets mimalloc hands out blocks of at most 8
/// bytes 8-aligned and larger ones 16-aligned (`MI_MAX_ALIGN_SIZE`; bins are rounded to two
/// words), so a request whose alignment is at most 16 and at most its size takes the plain
/// entry points — the same rule the standard library applies to glibc's `malloc`.
struct Allocator;

/// The alignment mimalloc gives every block of at least this many bytes (`MI_MAX_ALIGN_SIZE`).
const MIN_ALIGN: usize = 16;

fn plain(align: usize, size: usize) -> bool {
    align <= MIN_ALIGN && align <= size
}

// SAFETY: each method forwards to the mimalloc function with the contract `GlobalAlloc` asks
// for; the plain entry points are used only where `plain` holds for the size being allocated
// (see `Allocator`). mimalloc's `mi_free` and both reallocs accept a block from any of its
// allocation functions, so a block may be freed or resized whichever path allocated it (the
// test below crosses between the two).
unsafe impl std::alloc::GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        unsafe {
            if plain(layout.align(), layout.size()) {
                libmimalloc_sys::mi_malloc(layout.size()).cast()
            } else {
                libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        unsafe {
            if plain(layout.align(), layout.size()) {
                libmimalloc_sys::mi_zalloc(layout.size()).cast()
            } else {
                libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        unsafe {
            if plain(layout.align(), new_size) {
                libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast()
            } else {
                libmimalloc_sys::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

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

#[cfg(test)]
mod allocator_tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout};

    /// Every size up to a few KiB with every alignment up to 64 comes back aligned and zeroed
    /// when asked, and keeps its bytes through reallocs that cross between the plain and the
    /// aligned entry points.
    #[test]
    fn blocks_are_aligned_as_asked_through_both_entry_points() {
        let a = Allocator;
        for align in [1, 2, 4, 8, 16, 32, 64] {
            for size in (1..=80).chain([127, 128, 129, 1000, 4096, 70_000]) {
                let layout = Layout::from_size_align(size, align).unwrap();
                unsafe {
                    let z = a.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0, "zeroed: size {size} align {align}");
                    assert!(std::slice::from_raw_parts(z, size).iter().all(|&b| b == 0));
                    a.dealloc(z, layout);

                    let mut p = a.alloc(layout);
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    p.write_bytes(0xA5, size);
                    let mut current = size;
                    for new_size in [1, size / 2 + 1, size * 2 + 3, size] {
                        let old = Layout::from_size_align(current, align).unwrap();
                        p = a.realloc(p, old, new_size);
                        assert_eq!(p as usize % align, 0, "{current}->{new_size} align {align}");
                        let kept = current.min(new_size);
                        assert!(std::slice::from_raw_parts(p, kept)
                            .iter()
                            .all(|&b| b == 0xA5));
                        p.add(kept).write_bytes(0xA5, new_size - kept);
                        current = new_size;
                    }
                    a.dealloc(p, layout);
                }
            }
        }
    }
}
