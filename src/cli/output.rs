//! Writing output files safely. The rules (docs/writing-files.md):
//!
//! - never overwrite without `--force`; with `--force`, replace only a regular file or a
//!   symbolic link (the link itself, never its target) — a device, FIFO, socket or directory is
//!   refused;
//! - `-` is standard output; binary data (PFX, DER) and private keys are refused when standard
//!   output is a terminal;
//! - the bytes go to a temporary file in the target directory, made durable, then put in place
//!   in one step (a reader sees the old file or the new one, never a part);
//! - on Linux the temporary file is anonymous (`O_TMPFILE`): it has no name until it is complete,
//!   so even SIGKILL leaves nothing behind. Where that is unavailable (other systems, file
//!   systems without `O_TMPFILE`) and for the instant between naming and renaming under
//!   `--force`, it is a `.certprep-XXXXXX` file created owner-only, removed when the write fails
//!   and by a handler for SIGINT, SIGTERM and SIGHUP;
//! - keys and PFX files are 0600 whatever the umask; other files get 0666 less the umask, as any
//!   tool's output; directories made to hold a key are 0700;
//! - two outputs of one command that name the same file (through `./`, `..` or a symbolic link
//!   to their directory) are refused before anything is written.

use anyhow::{bail, Context};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Whether a file holds secrets (keys, PFX files) and must be owner-only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sensitivity {
    /// Certificates, chains, scripts: 0666 less the umask.
    Public,
    /// Private keys and PFX files: mode 0600 on Unix.
    Secret,
}

/// What the bytes are, for standard output: text may go to a terminal, binary may not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Content {
    /// PEM, PowerShell, JSON: printable.
    Text,
    /// DER, PKCS#7, PKCS#12: would garble a terminal (and a PFX does not belong in scrollback).
    Binary,
}

/// Whether `path` means standard output (`-`).
pub(crate) fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Why these bytes must not be written to a terminal, if they must not.
fn terminal_refusal(content: Content, sensitivity: Sensitivity) -> Option<&'static str> {
    match (content, sensitivity) {
        (Content::Binary, _) => Some("binary data"),
        (Content::Text, Sensitivity::Secret) => Some("a private key"),
        (Content::Text, Sensitivity::Public) => None,
    }
}

/// Write `bytes` to `path`, or to `out` when `path` is `-` (refusing binary data and keys when
/// standard output is a terminal).
pub(crate) fn write_output(
    path: &Path,
    bytes: &[u8],
    force: bool,
    sensitivity: Sensitivity,
    content: Content,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if is_stdout(path) {
        check_stdout(content, sensitivity)?;
        out.write_all(bytes)?;
        out.flush()?;
        Ok(())
    } else {
        write_file(path, bytes, force, sensitivity)
    }
}

/// Refuse, before any work, to send binary data or a key to a terminal.
pub(crate) fn check_stdout(content: Content, sensitivity: Sensitivity) -> anyhow::Result<()> {
    if let Some(what) = terminal_refusal(content, sensitivity) {
        if std::io::stdout().is_terminal() {
            bail!("refusing to write {what} to the terminal; redirect standard output (> FILE or | COMMAND) or give a file name instead of -");
        }
    }
    Ok(())
}

/// The file a path names for the purpose of telling two outputs apart: its directory resolved
/// (`.`, `..`, links) plus its own name. The last component is not resolved: a symbolic link
/// there is replaced, not followed.
fn identity(path: &Path) -> anyhow::Result<PathBuf> {
    if is_stdout(path) {
        return Ok(PathBuf::from("-"));
    }
    let Some(name) = path.file_name() else {
        bail!("{} names a directory, not a file", path.display());
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .with_context(|| format!("finding the directory of {}", path.display()))?;
    Ok(dir.join(name))
}

/// Refuse to start when two outputs are the same file (compared by [`identity`], so `./same`
/// and `same` are one), or when an output exists without `force`, or exists and is not a
/// regular file or link: before spending time on key generation.
pub(crate) fn check_outputs(paths: &[&Path], force: bool) -> anyhow::Result<()> {
    let mut seen: Vec<(PathBuf, &Path)> = Vec::with_capacity(paths.len());
    for p in paths {
        let id = identity(p)?;
        if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
            bail!(
                "{} and {} are the same file; give a different file for each output",
                first.display(),
                p.display()
            );
        }
        seen.push((id, p));
        if !is_stdout(p) {
            check_target(p, force)?;
        }
    }
    Ok(())
}

/// Whether `path` may be written: absent, or (with `force`) a regular file or a symbolic link.
fn check_target(path: &Path, force: bool) -> anyhow::Result<()> {
    let Ok(meta) = path.symlink_metadata() else {
        return Ok(());
    };
    let ft = meta.file_type();
    if !(ft.is_file() || ft.is_symlink()) {
        bail!(
            "{} is {}, not a regular file; certprep only replaces regular files (to write to standard output give -o -)",
            path.display(),
            describe(&ft)
        );
    }
    if !force {
        bail!(
            "{} already exists; use --force to overwrite it",
            path.display()
        );
    }
    Ok(())
}

fn describe(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// Whether two paths are now the same file (device and inode): the last guard before a second
/// output overwrites the first on a file system that folds case or otherwise aliases names.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// Create `dir` and its missing parents: 0700 when it is to hold a key, else 0777 less the
/// umask. An existing directory is left as it is.
pub(crate) fn create_dir_all(dir: &Path, sensitivity: Sensitivity) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    if sensitivity == Sensitivity::Secret {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    #[cfg(not(unix))]
    let _ = sensitivity;
    builder
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
}

/// Write `bytes` to `path` atomically. Refuses an existing file unless `force`, and anything
/// but a regular file or a link even with it. On any error no partial file is left behind.
pub(crate) fn write_file(
    path: &Path,
    bytes: &[u8],
    force: bool,
    sensitivity: Sensitivity,
) -> anyhow::Result<()> {
    if is_stdout(path) {
        bail!("- (standard output) cannot be used for this output; give a file name");
    }
    check_target(path, force)?;
    if path.file_name().is_none() {
        bail!("{} names a directory, not a file", path.display());
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    cleanup::install();
    #[cfg(target_os = "linux")]
    if !test_hooks::named_temp_only() {
        match anonymous::write(dir, path, bytes, force, sensitivity) {
            Ok(anonymous::Outcome::Written) => return Ok(()),
            Ok(anonymous::Outcome::Unsupported) => {}
            Err(e) => return Err(e),
        }
    }
    named::write(dir, path, bytes, force, sensitivity)
}

/// The creation mode: owner-only for secrets; for public files 0666, which the kernel reduces
/// by the umask.
#[cfg(unix)]
fn create_mode(sensitivity: Sensitivity) -> u32 {
    match sensitivity {
        Sensitivity::Secret => 0o600,
        Sensitivity::Public => 0o666,
    }
}

/// Make a secret file exactly 0600: creation gives `0600 & !umask`, which an odd umask (0400)
/// could leave unreadable to its owner.
#[cfg(unix)]
fn fix_mode(file: &std::fs::File, sensitivity: Sensitivity) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if sensitivity == Sensitivity::Secret {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// Linux: the content is written to an anonymous `O_TMPFILE` and only then given a name, so an
/// interruption at any point (even SIGKILL) leaves no file. Without `--force` it is linked
/// straight to its name (failing if that exists); with `--force` it is linked to a temporary
/// name, registered for removal on a signal, and renamed over the target.
#[cfg(target_os = "linux")]
mod anonymous {
    use super::{cleanup, create_mode, fix_mode, test_hooks, Sensitivity};
    use anyhow::Context;
    use rustix::fs::{AtFlags, Mode, OFlags, CWD};
    use rustix::io::Errno;
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::path::Path;

    pub(super) enum Outcome {
        Written,
        /// The file system or kernel offers no anonymous files (or no way to name one): use
        /// a named temporary file instead.
        Unsupported,
    }

    pub(super) fn write(
        dir: &Path,
        path: &Path,
        bytes: &[u8],
        force: bool,
        sensitivity: Sensitivity,
    ) -> anyhow::Result<Outcome> {
        let fd = match rustix::fs::open(
            dir,
            OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC,
            Mode::from_raw_mode(create_mode(sensitivity)),
        ) {
            Ok(fd) => fd,
            // EOPNOTSUPP: the file system has no O_TMPFILE; EISDIR/EINVAL: kernels before 3.11
            // or libc-less emulation.
            Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL | Errno::NOSYS) => {
                return Ok(Outcome::Unsupported)
            }
            Err(e) => {
                return Err(std::io::Error::from(e))
                    .with_context(|| format!("creating a temporary file in {}", dir.display()))
            }
        };
        let mut file = std::fs::File::from(fd);
        let context = || format!("writing {}", path.display());
        fix_mode(&file, sensitivity).with_context(context)?;
        file.write_all(bytes).with_context(context)?;
        file.sync_all().with_context(context)?;
        // The descriptor's name in /proc: linking it follows to the anonymous file (the way
        // open(2) documents for O_TMPFILE without CAP_DAC_READ_SEARCH).
        let proc_name = format!("/proc/self/fd/{}", file.as_raw_fd());
        let link =
            |to: &Path| rustix::fs::linkat(CWD, &*proc_name, CWD, to, AtFlags::SYMLINK_FOLLOW);
        if !force {
            test_hooks::pause(path);
            return match link(path) {
                Ok(()) => Ok(Outcome::Written),
                // No /proc (a chroot or a minimal container), or a sandbox that forbids
                // following it: name it the portable way, which reports its own errors.
                Err(Errno::NOENT | Errno::PERM | Errno::ACCESS) => Ok(Outcome::Unsupported),
                Err(Errno::EXIST) => Err(std::io::Error::from(Errno::EXIST)).with_context(|| {
                    format!(
                        "writing {} (it appeared while writing; use --force to overwrite)",
                        path.display()
                    )
                }),
                Err(e) => Err(std::io::Error::from(e)).with_context(context),
            };
        }
        // --force: a named step is needed, since linkat never replaces. The name lives only
        // between this link and the rename below, and is removed on SIGINT/SIGTERM/SIGHUP.
        let tmp = tempfile::Builder::new()
            .prefix(super::TEMP_PREFIX)
            .make_in(dir, |candidate| {
                cleanup::create_registered(candidate, || {
                    link(candidate).map_err(std::io::Error::from)
                })
            });
        let tmp = match tmp {
            Ok(t) => t,
            // As above: the portable way reports its own errors (a read-only directory).
            Err(_) => return Ok(Outcome::Unsupported),
        };
        test_hooks::pause(path);
        cleanup::persist(tmp, path, true).with_context(context)?;
        Ok(Outcome::Written)
    }
}

/// Every system: a `.certprep-XXXXXX` file created owner-only (or 0666 less the umask for
/// public files), registered for removal on a signal, removed when dropped unpersisted.
mod named {
    use super::{cleanup, test_hooks, Sensitivity};
    use anyhow::Context;
    use std::io::Write;
    use std::path::Path;

    pub(super) fn write(
        dir: &Path,
        path: &Path,
        bytes: &[u8],
        force: bool,
        sensitivity: Sensitivity,
    ) -> anyhow::Result<()> {
        let mut tmp = tempfile::Builder::new()
            .prefix(super::TEMP_PREFIX)
            .make_in(dir, |candidate| {
                cleanup::create_registered(candidate, || {
                    let mut options = std::fs::OpenOptions::new();
                    options.write(true).create_new(true);
                    #[cfg(unix)]
                    {
                        use std::os::unix::fs::OpenOptionsExt;
                        options.mode(super::create_mode(sensitivity));
                    }
                    options.open(candidate)
                })
            })
            .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
        let context = || format!("writing {}", path.display());
        #[cfg(unix)]
        super::fix_mode(tmp.as_file(), sensitivity).with_context(context)?;
        #[cfg(not(unix))]
        let _ = sensitivity;
        tmp.write_all(bytes).with_context(context)?;
        tmp.as_file().sync_all().with_context(context)?;
        test_hooks::pause(path);
        cleanup::persist(tmp, path, force).map_err(|e| {
            if !force && e.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow::Error::new(e).context(format!(
                    "writing {} (it appeared while writing; use --force to overwrite)",
                    path.display()
                ))
            } else {
                anyhow::Error::new(e).context(context())
            }
        })
    }
}

/// The prefix of temporary files, so that an administrator can recognise (and a test find) one.
const TEMP_PREFIX: &str = ".certprep-";

/// Named temporary files that exist right now, and the signal handler that removes them.
mod cleanup {
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, MutexGuard};

    static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
        PENDING
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Create the file at `path` with `create` and record it, both under the lock the signal
    /// handler takes: the handler either runs before the file exists or sees it recorded.
    pub(super) fn create_registered<R>(
        path: &Path,
        create: impl FnOnce() -> std::io::Result<R>,
    ) -> std::io::Result<R> {
        let mut list = pending();
        let r = create()?;
        list.push(path.to_path_buf());
        Ok(r)
    }

    /// Rename the temporary file to `to` (replacing it when `force`, else failing if it
    /// exists) and forget it, under the lock: a signal arriving meanwhile finds it either
    /// still named (and removes it) or gone.
    pub(super) fn persist<F>(
        tmp: tempfile::NamedTempFile<F>,
        to: &Path,
        force: bool,
    ) -> std::io::Result<()> {
        let mut list = pending();
        let name = tmp.path().to_path_buf();
        let r = if force {
            tmp.persist(to).map(drop)
        } else {
            tmp.persist_noclobber(to).map(drop)
        };
        // On failure the returned NamedTempFile was dropped inside the error, removing the
        // file; either way the name is no longer ours.
        let r = r.map_err(|e| e.error);
        list.retain(|p| *p != name);
        r
    }

    /// Install the handler once (on the first write): on SIGINT, SIGTERM or SIGHUP it removes
    /// every recorded temporary file, then lets the signal take its default course (the exit
    /// status a shell expects from an interrupted command).
    pub(super) fn install() {
        #[cfg(unix)]
        {
            static ONCE: std::sync::Once = std::sync::Once::new();
            ONCE.call_once(|| {
                use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
                // If the handler cannot be installed the writes still work; only the removal
                // on a signal is lost (and SIGKILL never allowed it).
                let Ok(mut signals) =
                    signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
                else {
                    return;
                };
                let _ = std::thread::Builder::new()
                    .name("certprep-signals".into())
                    .spawn(move || {
                        if let Some(sig) = signals.forever().next() {
                            // Keep the lock until the process ends, so no new file appears.
                            let list = pending();
                            for p in list.iter() {
                                let _ = std::fs::remove_file(p);
                            }
                            let _ = signal_hook::low_level::emulate_default_handler(sig);
                            // Only reached if the default action did not end the process.
                            std::process::abort();
                        }
                    });
            });
        }
    }
}

/// A hook for the tests that interrupt a write (debug builds only; release builds compile it
/// away): with `CERTPREP_TEST_PAUSE_WRITE=1` each write stops for a minute once its temporary
/// file is complete, after announcing it on stderr; `CERTPREP_TEST_NAMED_TEMP=1` skips
/// `O_TMPFILE`, to exercise the portable path.
mod test_hooks {
    use std::path::Path;

    pub(super) fn pause(path: &Path) {
        if cfg!(debug_assertions) && std::env::var_os("CERTPREP_TEST_PAUSE_WRITE").is_some() {
            eprintln!("certprep-test: paused writing {}", path.display());
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    }

    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    pub(super) fn named_temp_only() -> bool {
        cfg!(debug_assertions) && std::env::var_os("CERTPREP_TEST_NAMED_TEMP").is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_refuses_binary_and_keys_only() {
        assert!(terminal_refusal(Content::Binary, Sensitivity::Public).is_some());
        assert!(terminal_refusal(Content::Binary, Sensitivity::Secret).is_some());
        assert!(terminal_refusal(Content::Text, Sensitivity::Secret).is_some());
        assert!(terminal_refusal(Content::Text, Sensitivity::Public).is_none());
    }

    #[test]
    fn identity_resolves_the_directory_but_not_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let a = identity(&sub.join("x.pem")).unwrap();
        let b = identity(&sub.join("..").join("sub").join(".").join("x.pem")).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, identity(&sub.join("y.pem")).unwrap());
        assert_eq!(identity(Path::new("-")).unwrap(), PathBuf::from("-"));
        assert!(identity(Path::new("..")).is_err());
    }
}
