//! Walking the roots: sorted, excluding globs, following links only on request, and turning
//! every walk failure (permissions, loops, dangling links) into a per-path entry.
//!
//! Order: roots are sorted and de-nested; inside a root, walkdir sorts each directory's entries
//! by file name, which is the component-wise order of `Path` (`a/b/x` before `a/b.pem`, because
//! the component `b` sorts before `b.pem`). The result is independent of the directory's
//! on-disk order and of the number of threads.

use super::ScanError;
use super::SkipReason;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// One path the walk produced.
#[derive(Debug)]
pub(crate) enum Entry {
    /// A regular file to read.
    File(String),
    /// A path skipped without reading it.
    Skip(String, SkipReason),
    /// A path that could not be walked.
    Fault(String, ScanError),
}

/// The walk configuration: exclude globs and link policy.
#[derive(Debug)]
pub struct Walker {
    exclude: GlobSet,
    follow_links: bool,
    follow_outside: bool,
}

impl Walker {
    /// Compile the exclude globs.
    pub fn new(exclude: &[String], follow_links: bool) -> Result<Walker, ScanError> {
        let mut set = GlobSetBuilder::new();
        for pattern in exclude {
            let glob = Glob::new(pattern).map_err(|source| ScanError::BadGlob {
                pattern: pattern.clone(),
                source,
            })?;
            set.add(glob);
        }
        let exclude = set.build().map_err(|source| ScanError::BadGlob {
            pattern: exclude.join(" "),
            source,
        })?;
        Ok(Walker {
            exclude,
            follow_links,
            follow_outside: false,
        })
    }

    /// Whether `path` (below `root`) is excluded: its file name or its path relative to the
    /// root matches a pattern.
    fn excluded(&self, root: &Path, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let name_hit = path
            .file_name()
            .is_some_and(|n| self.exclude.is_match(Path::new(n)));
        name_hit
            || path
                .strip_prefix(root)
                .is_ok_and(|rel| self.exclude.is_match(rel))
    }

    /// Let `--follow-links` also follow links that lead outside the roots (by default such a
    /// link is skipped: a link to `/` or `/proc/self` would walk the whole system).
    pub fn follow_outside(mut self, yes: bool) -> Walker {
        self.follow_outside = yes;
        self
    }

    /// Every path under `roots`, in sorted order.
    pub(crate) fn walk<'a>(&'a self, roots: &[String]) -> impl Iterator<Item = Entry> + 'a {
        let roots = sorted_roots(roots);
        // Where followed links may lead (`None`: anywhere): the roots as the file system
        // resolves them.
        let inside: Option<Vec<PathBuf>> = (self.follow_links && !self.follow_outside).then(|| {
            roots
                .iter()
                .filter_map(|r| std::fs::canonicalize(r).ok())
                .collect()
        });
        roots.into_iter().flat_map(move |root| {
            let mut walk = walkdir::WalkDir::new(&root)
                .follow_links(self.follow_links)
                // The entries sorted together are the children of one directory, so their paths
                // share the parent's prefix and compare as their names do: comparing path bytes
                // is `sort_by_file_name` without finding each name again (`Path::file_name`
                // parses components) in every comparison (docs/performance.md).
                .sort_by(|a, b| {
                    a.path()
                        .as_os_str()
                        .as_encoded_bytes()
                        .cmp(b.path().as_os_str().as_encoded_bytes())
                })
                .into_iter();
            let inside = inside.clone();
            std::iter::from_fn(move || loop {
                let res = walk.next()?;
                if let Ok(e) = &res {
                    let is_dir = e.file_type().is_dir();
                    let refused = if e.depth() > 0 && self.excluded(&root, e.path()) {
                        Some(None)
                    } else {
                        self.refusal(e, inside.as_deref()).map(Some)
                    };
                    if let Some(reason) = refused {
                        if is_dir {
                            // Not descended.
                            walk.skip_current_dir();
                        }
                        match reason {
                            None => continue,
                            Some(reason) => {
                                let path = e.path().to_string_lossy().into_owned();
                                return Some(Entry::Skip(path, reason));
                            }
                        }
                    }
                }
                if let Some(entry) = self.entry(res) {
                    return Some(entry);
                }
            })
        })
    }

    /// Why an entry is skipped with its subtree: a followed link that leads outside the roots,
    /// or a directory of a kernel file system (/proc, /sys), whose files claim to be regular
    /// but can block a reader or describe the whole machine.
    fn refusal(&self, e: &walkdir::DirEntry, inside: Option<&[PathBuf]>) -> Option<SkipReason> {
        if let Some(inside) = inside.filter(|_| e.depth() > 0 && e.path_is_symlink()) {
            let leads_inside = std::fs::canonicalize(e.path())
                .is_ok_and(|target| inside.iter().any(|root| target.starts_with(root)));
            if !leads_inside {
                return Some(SkipReason::LinkOutsideRoots);
            }
        }
        if e.file_type().is_dir() && kernel_file_system(e.path()) {
            return Some(SkipReason::KernelFileSystem);
        }
        None
    }

    fn entry(&self, res: Result<walkdir::DirEntry, walkdir::Error>) -> Option<Entry> {
        match res {
            Ok(e) => {
                let ft = e.file_type();
                // The walker's own path, as a string without a copy when it is UTF-8 (nearly
                // always); `to_string_lossy` decodes chunk by chunk and then copies.
                let path = || {
                    e.into_path()
                        .into_os_string()
                        .into_string()
                        .unwrap_or_else(|os| os.to_string_lossy().into_owned())
                };
                if ft.is_dir() {
                    None
                } else if ft.is_file() {
                    Some(Entry::File(path()))
                } else if ft.is_symlink() {
                    // Only seen when links are not followed.
                    Some(Entry::Skip(path(), SkipReason::Symlink))
                } else {
                    Some(Entry::Skip(path(), SkipReason::NotRegularFile))
                }
            }
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if let Some(ancestor) = err.loop_ancestor() {
                    let ancestor = ancestor.to_string_lossy().into_owned();
                    return Some(Entry::Fault(
                        path.clone(),
                        ScanError::LinkLoop { path, ancestor },
                    ));
                }
                let source = err
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("walk failed"));
                Some(Entry::Fault(path.clone(), ScanError::Walk { path, source }))
            }
        }
    }
}

/// Whether the directory is on a kernel pseudo file system (procfs, sysfs and their kin): their
/// files are not certificates, and reading some of them blocks (`/proc/kmsg`) or walks every
/// process. One `statfs` per directory.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn kernel_file_system(dir: &Path) -> bool {
    // The magic numbers of linux/magic.h.
    const KERNEL_MAGIC: [u64; 11] = [
        0x9fa0,      // PROC_SUPER_MAGIC
        0x6265_6572, // SYSFS_MAGIC
        0x6462_6720, // DEBUGFS_MAGIC
        0x7472_6163, // TRACEFS_MAGIC
        0x7363_6673, // SECURITYFS_MAGIC
        0x6265_6570, // CONFIGFS_MAGIC
        0x0027_e0eb, // CGROUP_SUPER_MAGIC
        0x6367_7270, // CGROUP2_SUPER_MAGIC
        0xcafe_4a11, // BPF_FS_MAGIC
        0x6165_676c, // PSTOREFS_MAGIC
        0xde5e_81e4, // EFIVARFS_MAGIC
    ];
    rustix::fs::statfs(dir).is_ok_and(|s| KERNEL_MAGIC.contains(&(s.f_type as u64)))
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn kernel_file_system(_dir: &Path) -> bool {
    false
}

/// Roots in `Path` order, duplicates and roots inside another root removed (they would be
/// scanned twice).
fn sorted_roots(roots: &[String]) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = roots.iter().map(PathBuf::from).collect();
    paths.sort();
    paths.dedup();
    let mut kept: Vec<PathBuf> = Vec::with_capacity(paths.len());
    for p in paths {
        // Sorted order puts a parent right before its descendants' block.
        if kept
            .last()
            .is_some_and(|k| k.is_dir() && p.starts_with(k) && p != *k)
        {
            continue;
        }
        kept.push(p);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_roots_orders_by_component_and_drops_nested() {
        let dir = std::env::temp_dir();
        let d = dir.to_string_lossy().into_owned();
        let inner = dir.join("x").to_string_lossy().into_owned();
        let got = sorted_roots(&[
            "b.pem".into(),
            inner,
            d.clone(),
            "a/b.pem".into(),
            "a/b/x".into(),
        ]);
        let got: Vec<String> = got
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let tmp_pos = got.iter().position(|p| *p == d);
        assert!(tmp_pos.is_some());
        assert_eq!(got.iter().filter(|p| p.starts_with(&d)).count(), 1);
        let a = got.iter().position(|p| p == "a/b/x");
        let b = got.iter().position(|p| p == "a/b.pem");
        assert!(a < b, "component order puts a/b/x before a/b.pem: {got:?}");
    }

    #[test]
    fn exclude_matches_file_name_or_relative_path() {
        let w = Walker::new(&["*.key".into(), "archive/**".into()], false).unwrap();
        let root = Path::new("/r");
        assert!(w.excluded(root, Path::new("/r/a/b/site.key")));
        assert!(w.excluded(root, Path::new("/r/archive/old.pem")));
        assert!(!w.excluded(root, Path::new("/r/a/archive.pem")));
        assert!(Walker::new(&["a[".into()], false).is_err());
    }
}
