//! ZIP archives as CAs deliver them: every file inside is detected in turn, with origins like
//! `archive.zip!mail_contoso_com.crt`.
//!
//! Guards against hostile archives (issue 16), all for the whole *input tree* (the file given,
//! with every archive inside it: a nested ZIP gets no fresh budget):
//! - at most [`MAX_ENTRIES`] entries, counted from the central directories before any entry
//!   is read;
//! - each entry's decompressed size capped at [`DetectOptions::max_size`], and all bytes
//!   inflated, refused entries included, at [`TOTAL_SIZE_FACTOR`] times that (counted while
//!   inflating, never taken from the headers);
//! - entries whose bytes overlap (one compressed stream referenced by many headers, the
//!   "non-recursive" ZIP bomb) refuse the archive before anything is inflated;
//! - ZIPs nested at most [`MAX_NESTING`] level deep.
//!
//! Directories are skipped.

use super::{detect_at, DetectOptions, Detected, Origin};
use crate::budget::Spent;
use crate::input_error::{InputError, ObjectKind};
use std::io::Read;

/// Most ZIP entries read from one input tree (all its archives together).
pub const MAX_ENTRIES: usize = 10_000;
/// One input tree's ZIP entries may inflate to this many times `max_size` in all.
pub const TOTAL_SIZE_FACTOR: u64 = 4;
/// How deep ZIPs inside ZIPs are opened (1: a ZIP inside the given ZIP, no further).
pub const MAX_NESTING: usize = 1;

/// Detect every file in the archive `bytes`. `depth` is how many archives enclose this one;
/// `spent` is what the input tree has used so far.
pub(crate) fn read(
    bytes: &[u8],
    origin: &Origin,
    opts: &DetectOptions,
    spent: &Spent,
    depth: usize,
) -> Detected {
    let mut out = Detected::default();
    if depth > MAX_NESTING {
        out.problems.push(InputError::NestedArchive {
            origin: origin.clone(),
        });
        return out;
    }
    // Count central-directory headers before the zip crate builds its index, so a hostile
    // archive claiming a million entries is refused without allocating for them.
    let headers = bytes.windows(4).filter(|w| *w == b"PK\x01\x02").count();
    if spent.entries().saturating_add(headers) > MAX_ENTRIES {
        out.problems.push(InputError::TooManyEntries {
            origin: origin.clone(),
            count: spent.entries().saturating_add(headers),
            limit: MAX_ENTRIES,
        });
        return out;
    }
    let mut archive = match ::zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            out.problems.push(InputError::Malformed {
                origin: origin.clone(),
                kind: ObjectKind::Zip,
                source: Box::new(e),
            });
            return out;
        }
    };
    let count = spent.entries().saturating_add(archive.len());
    if count > MAX_ENTRIES {
        out.problems.push(InputError::TooManyEntries {
            origin: origin.clone(),
            count,
            limit: MAX_ENTRIES,
        });
        return out;
    }
    spent.add_entries(archive.len());
    if let Some((first, second)) = overlapping_entries(&mut archive) {
        out.problems.push(InputError::OverlappingEntries {
            origin: origin.clone(),
            first,
            second,
        });
        return out;
    }
    let total_cap = opts.max_size.saturating_mul(TOTAL_SIZE_FACTOR);
    let mut files = 0usize;
    for i in 0..archive.len() {
        if spent.zip_budget_reported() {
            break; // an archive inside this one used up the tree's budget, and said so
        }
        let name = archive.name_for_index(i).unwrap_or("?").to_owned();
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                let at = entry_origin(origin, &name);
                out.problems.push(match e {
                    ::zip::result::ZipError::UnsupportedArchive(msg) if msg.contains("assword") => {
                        InputError::EncryptedEntry { origin: at }
                    }
                    other => InputError::Malformed {
                        origin: at,
                        kind: ObjectKind::Zip,
                        source: Box::new(other),
                    },
                });
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        files += 1;
        let at = entry_origin(origin, entry.name());
        let claimed = entry.size();
        let left = total_cap.saturating_sub(spent.inflated());
        let cap = opts.max_size.min(left);
        let mut data = Vec::new();
        let mut counted = Counting {
            inner: (&mut entry).take(cap.saturating_add(1)),
            bytes: 0,
        };
        let read = counted.read_to_end(&mut data);
        // Every byte inflated counts, whether the entry is then used, too large or damaged.
        spent.add_inflated(&opts.meter, counted.bytes);
        drop(entry);
        if read.is_ok() && data.len() as u64 > cap && cap < opts.max_size {
            out.problems.push(InputError::ArchiveBudget {
                origin: at,
                limit: total_cap,
            });
            spent.report_zip_budget();
            break;
        }
        match read {
            Err(e) => out.problems.push(InputError::Malformed {
                origin: at,
                kind: ObjectKind::Zip,
                source: Box::new(e),
            }),
            Ok(n) if n as u64 > cap => out.problems.push(InputError::TooLarge {
                origin: at,
                size: claimed.max(n as u64),
                limit: cap,
            }),
            // macOS AppleDouble metadata (`__MACOSX/._name`), recognised by its magic number:
            // archive bookkeeping, not a file the user meant to give.
            Ok(_) if data.starts_with(&[0x00, 0x05, 0x16, 0x07]) => {}
            Ok(_) => out.extend(detect_at(&data, &at, opts, spent, depth + 1)),
        }
    }
    if files == 0 {
        out.problems.push(InputError::Unrecognized {
            origin: origin.clone(),
            found: "a ZIP archive with no files in it".into(),
        });
    }
    out
}

/// The names of two entries whose bytes (local header through compressed data) overlap, if
/// any: one stream referenced by many headers inflates many times over for its size. Entries
/// whose local header cannot be read are left to the reading loop, which reports them.
fn overlapping_entries<R: std::io::Read + std::io::Seek>(
    archive: &mut ::zip::ZipArchive<R>,
) -> Option<(String, String)> {
    let mut spans = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        if let Ok(e) = archive.by_index_raw(i) {
            let end = e.data_start().saturating_add(e.compressed_size());
            spans.push((e.header_start(), end, i));
        }
    }
    spans.sort_unstable();
    let (a, b) = spans
        .windows(2)
        .find(|w| w[1].0 < w[0].1)
        .map(|w| (w[0].2, w[1].2))?;
    let name = |i| archive.name_for_index(i).unwrap_or("?").to_owned();
    Some((name(a), name(b)))
}

/// A reader that counts the bytes it hands out (the bytes inflated).
struct Counting<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// The origin of an entry; inside a nested archive the entry names are joined with `!`.
fn entry_origin(origin: &Origin, name: &str) -> Origin {
    match &origin.entry {
        Some(outer) => origin.in_entry(format!("{outer}!{name}")),
        None => origin.in_entry(name),
    }
}
