//! Writing output files safely: never overwrite without `--force`, write to a temporary file
//! in the target directory and rename it into place, owner-only permissions for secrets.

use anyhow::{bail, Context};
use std::io::Write;
use std::path::Path;

/// Whether a file holds secrets (keys, PFX files) and must be owner-only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sensitivity {
    /// Certificates, chains, scripts: default permissions.
    Public,
    /// Private keys and PFX files: mode 0600 on Unix.
    Secret,
}

/// Write `bytes` to `path` atomically. Refuses an existing file unless `force`. On any error
/// no partial file is left behind (the temporary file is removed when dropped).
pub(crate) fn write_file(
    path: &Path,
    bytes: &[u8],
    force: bool,
    sensitivity: Sensitivity,
) -> anyhow::Result<()> {
    if !force && path.symlink_metadata().is_ok() {
        bail!(
            "{} already exists; use --force to overwrite it",
            path.display()
        );
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".certprep-")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    #[cfg(unix)]
    if sensitivity == Sensitivity::Public {
        use std::os::unix::fs::PermissionsExt;
        // tempfile creates 0600; public outputs get the usual 0644 (before umask is not
        // applied by set_permissions, so be explicit and conservative).
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = sensitivity;
    tmp.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("writing {}", path.display()))?;
    if force {
        tmp.persist(path)
            .map_err(|e| e.error)
            .with_context(|| format!("writing {}", path.display()))?;
    } else {
        tmp.persist_noclobber(path)
            .map_err(|e| e.error)
            .with_context(|| {
                format!(
                    "writing {} (it appeared while writing; use --force to overwrite)",
                    path.display()
                )
            })?;
    }
    Ok(())
}
