//! Walking the roots: sorted, excluding globs, following links only on request, and turning
//! every walk failure (permissions, loops, dangling links) into a per-path entry.
//!
//! Order: roots are sorted and de-nested; inside a root, walkdir sorts each directory's entries
//! by file name, which is the component-wise order of `Path` (`a/b/x` before `a/b.pem`, because
//! the component `b` sorts before `b.pem`). The result is independent of the directory's
//! on-disk order and of the number of threads.

use super::SkipReason;
use crate::error::ScanError;
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

    /// Every path under `roots`, in sorted order.
    pub(crate) fn walk<'a>(&'a self, roots: &[String]) -> impl Iterator<Item = Entry> + 'a {
        sorted_roots(roots).into_iter().flat_map(move |root| {
            let walk = walkdir::WalkDir::new(&root)
                .follow_links(self.follow_links)
                // The entries sorted together are the children of one directory, so their paths
                // share the parent's prefix and compare as their names do: comparing path bytes
                // is `sort_by_file_name` without finding each name again (`Path::file_name`
                // parses components) in every comparison, which was 2 % of a scan.
                .sort_by(|a, b| {
                    a.path()
                        .as_os_str()
                        .as_encoded_bytes()
                        .cmp(b.path().as_os_str().as_encoded_bytes())
                })
                .into_iter();
            let root_for_filter = root.clone();
            walk.filter_entry(move |e| e.depth() == 0 || !self.excluded(&root_for_filter, e.path()))
                .filter_map(move |res| self.entry(res))
        })
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
