//! ZIP archives as CAs deliver them: every file inside is detected in turn, with origins like
//! `archive.zip!mail_contoso_com.crt`.
//!
//! Guards against hostile archives: at most [`MAX_ENTRIES`] entries, each entry's decompressed
//! size capped at [`DetectOptions::max_size`] (counted while inflating, not taken from the
//! header), the whole archive's at [`TOTAL_SIZE_FACTOR`] times that, and ZIPs nested at most
//! one level deep. Directories are skipped.

use super::{detect_at, DetectOptions, Detected, Origin};
use crate::error::{InputError, ObjectKind};
use std::io::Read;

/// Most entries read from one archive.
pub const MAX_ENTRIES: usize = 10_000;
/// The whole archive may inflate to this many times `max_size`.
pub const TOTAL_SIZE_FACTOR: u64 = 4;
/// How deep ZIPs inside ZIPs are opened (1: a ZIP inside the given ZIP, no further).
pub const MAX_NESTING: usize = 1;

/// Detect every file in the archive `bytes`. `depth` is how many archives enclose this one.
pub(crate) fn read(bytes: &[u8], origin: &Origin, opts: &DetectOptions, depth: usize) -> Detected {
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
    if headers > MAX_ENTRIES {
        out.problems.push(InputError::TooManyEntries {
            origin: origin.clone(),
            count: headers,
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
    if archive.len() > MAX_ENTRIES {
        out.problems.push(InputError::TooManyEntries {
            origin: origin.clone(),
            count: archive.len(),
            limit: MAX_ENTRIES,
        });
        return out;
    }
    let total_cap = opts.max_size.saturating_mul(TOTAL_SIZE_FACTOR);
    let mut total = 0u64;
    let mut files = 0usize;
    for i in 0..archive.len() {
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
        let mut data = Vec::new();
        let cap = opts.max_size.min(total_cap.saturating_sub(total));
        let read = (&mut entry)
            .take(cap.saturating_add(1))
            .read_to_end(&mut data);
        drop(entry);
        match read {
            Err(e) => out.problems.push(InputError::Malformed {
                origin: at,
                kind: ObjectKind::Zip,
                source: Box::new(e),
            }),
            Ok(n) if n as u64 > cap => {
                out.problems.push(InputError::TooLarge {
                    origin: at,
                    size: claimed.max(n as u64),
                    limit: cap,
                });
                if cap < opts.max_size {
                    break; // the archive's total budget is spent
                }
            }
            // macOS AppleDouble metadata (`__MACOSX/._name`), recognised by its magic number:
            // archive bookkeeping, not a file the user meant to give.
            Ok(_) if data.starts_with(&[0x00, 0x05, 0x16, 0x07]) => {}
            Ok(n) => {
                total += n as u64;
                out.extend(detect_at(&data, &at, opts, depth + 1));
            }
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

/// The origin of an entry; inside a nested archive the entry names are joined with `!`.
fn entry_origin(origin: &Origin, name: &str) -> Origin {
    match &origin.entry {
        Some(outer) => origin.in_entry(format!("{outer}!{name}")),
        None => origin.in_entry(name),
    }
}
