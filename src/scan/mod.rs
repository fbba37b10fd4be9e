//! Batch scan: walk trees of files, detect every file by content, parse every certificate,
//! evaluate rules on it, and hand back one [`FileReport`] per file, in path order.
//!
//! The scan streams: the walker lists files in sorted order on its own thread and cuts the list
//! into chunks of [`ScanOptions::chunk_files`] files; rayon processes a chunk in parallel (read,
//! [`input::detect`], thumbprint, rules) while the previous chunk is handed to the caller, in
//! order. At most a few chunks are alive at once, so memory does not grow with the tree, and
//! the order of reports is the walk order whatever the number of threads.
//!
//! Owns: walking, per-file faults, skip accounting, the row model, the expiry collector.
//! Must not: print, read the clock or environment, guess formats (that is [`input::detect`]),
//! or know about output layout (that is `report::scan`).

mod cache;
mod error;
mod expiry;
mod rules;
mod walk;

pub use cache::{WorkerCaches, CA_CACHE_CAPACITY};
pub use error::ScanError;
pub use expiry::{ExpiringCert, ExpiryCollector};
pub use rules::CheckRules;
pub use walk::Walker;

use crate::input::{self, DetectOptions, Detected, Item, Origin};
use crate::input_error::InputError;
use crate::thumbprint::Thumbprint;
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::sync::mpsc;
use time::OffsetDateTime;

pub use crate::severity::Severity;

/// One rule's verdict on one certificate: the scan carries `check`'s finding itself (one
/// Finding type, issue 18). The printers read its rule, severity and detail (printed as the
/// message); scan never renders its remediation.
pub use crate::check::Finding;

/// The one boundary between the scan and the rule engine: findings for every certificate of
/// one file (everything detected in it, so rules can see the chain, key or PFX beside a
/// certificate). Returns one list per certificate, in `file.certs()` order.
///
/// [`CheckRules`] runs the `check` registry; a closure works too (tests, other engines).
pub trait Rules: Sync {
    /// Evaluate every applicable rule on every certificate of `file`.
    fn evaluate(&self, file: &Detected) -> Vec<Vec<Finding>>;
}

impl<F> Rules for F
where
    F: Fn(&Detected) -> Vec<Vec<Finding>> + Sync,
{
    fn evaluate(&self, file: &Detected) -> Vec<Vec<Finding>> {
        self(file)
    }
}

/// Whole days from `as_of` to `not_after`, rounded down (negative once expired: an hour after
/// expiry is day -1).
pub fn days_left(not_after: OffsetDateTime, as_of: OffsetDateTime) -> i64 {
    (not_after - as_of).whole_seconds().div_euclid(86_400)
}

/// What the scan does.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Follow symbolic links (loops are detected and reported per path).
    pub follow_links: bool,
    /// With `follow_links`, also follow links that lead outside the roots.
    pub follow_outside: bool,
    /// Glob patterns; a file or directory whose name or path relative to its root matches one
    /// is not scanned (directories are not descended).
    pub exclude: Vec<String>,
    /// Passwords and limits for detection.
    pub detect: DetectOptions,
    /// The instant days-left is computed at.
    pub as_of: OffsetDateTime,
    /// Worker threads; `None` for one per CPU.
    pub jobs: Option<usize>,
    /// Files per chunk (the unit of parallel work and of streaming).
    pub chunk_files: usize,
}

impl ScanOptions {
    /// Default options evaluated at `as_of`.
    pub fn new(as_of: OffsetDateTime) -> Self {
        ScanOptions {
            follow_links: false,
            follow_outside: false,
            exclude: Vec::new(),
            detect: DetectOptions::default(),
            as_of,
            jobs: None,
            chunk_files: DEFAULT_CHUNK_FILES,
        }
    }
}

/// Default [`ScanOptions::chunk_files`]: enough to keep two cores busy, small enough that a
/// chunk's reports stay well under a megabyte.
pub const DEFAULT_CHUNK_FILES: usize = 512;

/// One certificate found by the scan.
#[derive(Clone, Debug)]
pub struct CertRow {
    /// Where: path, ZIP entry, PEM block / PKCS#7 certificate / PKCS#12 bag.
    pub origin: Origin,
    /// SHA-1 thumbprint of the exact DER.
    pub thumbprint: Thumbprint,
    /// The subject's most specific CN, if it has one.
    pub subject_cn: Option<String>,
    /// The issuer's most specific CN, if it has one.
    pub issuer_cn: Option<String>,
    /// notAfter.
    pub not_after: OffsetDateTime,
    /// Whole days left at the scan's instant (negative once expired).
    pub days_left: i64,
    /// What the rules found.
    pub findings: Vec<Finding>,
}

/// Why a file produced no rows and no error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// Zero bytes.
    Empty,
    /// Not certificate material (detection recognised nothing).
    NotCertificateMaterial,
    /// Certificate material without certificates (keys, requests only).
    NoCertificates,
    /// A symbolic link, not followed without `--follow-links`.
    Symlink,
    /// Not a regular file (FIFO, socket, device): never opened, as reading could block.
    NotRegularFile,
    /// A link that leads outside the scanned paths, not followed without
    /// `--follow-links-outside`.
    LinkOutsideRoots,
    /// A directory of a kernel file system (/proc, /sys, ...): not descended.
    KernelFileSystem,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SkipReason::Empty => "empty file",
            SkipReason::NotCertificateMaterial => "not certificate material",
            SkipReason::NoCertificates => "no certificates (keys or requests only)",
            SkipReason::Symlink => "symbolic link (use --follow-links to follow)",
            SkipReason::NotRegularFile => "not a regular file",
            SkipReason::LinkOutsideRoots => {
                "link leads outside the scanned paths (use --follow-links-outside to follow)"
            }
            SkipReason::KernelFileSystem => "kernel file system (/proc, /sys), not scanned",
        })
    }
}

/// A per-file fault: walking or reading it failed, or part of it is damaged.
#[derive(Debug, thiserror::Error)]
pub enum Fault {
    /// Walking failed at this path.
    #[error(transparent)]
    Walk(#[from] ScanError),
    /// Reading or detecting failed (I/O, damaged, password needed …).
    #[error(transparent)]
    Input(#[from] InputError),
}

/// What became of one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileStatus {
    /// Read; it has at least one certificate (and maybe faults for damaged parts).
    Read,
    /// Read or looked at, and skipped (no rows, no fault).
    Skipped(SkipReason),
    /// Nothing usable: only faults.
    Failed,
}

/// The scan's result for one path, in walk order.
#[derive(Debug)]
pub struct FileReport {
    /// The path as walked.
    pub path: String,
    /// What became of it.
    pub status: FileStatus,
    /// Its certificates, in file order.
    pub rows: Vec<CertRow>,
    /// Its faults.
    pub faults: Vec<Fault>,
}

/// Totals over a scan.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ScanSummary {
    /// Paths the walk produced (files, skipped links, faults).
    pub paths: u64,
    /// Files with at least one certificate.
    pub files_with_certificates: u64,
    /// Files read successfully (with certificates, or read and skipped by content).
    pub files_read: u64,
    /// Certificates found.
    pub certificates: u64,
    /// Paths skipped, without a fault.
    pub skipped: u64,
    /// Paths with at least one fault.
    pub files_with_faults: u64,
    /// Faults in all.
    pub faults: u64,
}

impl ScanSummary {
    /// Account for one file's report.
    pub fn add(&mut self, f: &FileReport) {
        self.paths += 1;
        self.certificates += f.rows.len() as u64;
        self.faults += f.faults.len() as u64;
        if !f.faults.is_empty() {
            self.files_with_faults += 1;
        }
        match f.status {
            FileStatus::Read => {
                self.files_with_certificates += 1;
                self.files_read += 1;
            }
            FileStatus::Skipped(r) => {
                self.skipped += 1;
                if !matches!(r, SkipReason::Symlink | SkipReason::NotRegularFile) {
                    self.files_read += 1;
                }
            }
            FileStatus::Failed => {}
        }
    }

    /// Whether nothing at all could be read (every path failed, or there were none).
    pub fn nothing_read(&self) -> bool {
        self.files_read == 0
    }
}

/// A configured scan: compiled exclude globs and a thread pool.
pub struct Scanner {
    opts: ScanOptions,
    walker: Walker,
    pool: rayon::ThreadPool,
    /// `opts.detect` for each worker, with its own CA certificate cache.
    detect: WorkerCaches,
}

impl Scanner {
    /// Check the options (globs) and start the worker threads. Detection gets a
    /// [`CertCache`](crate::model::CertCache) per worker thread (of [`CA_CACHE_CAPACITY`]
    /// certificates in all: [`WorkerCaches`]) unless the options bring one.
    pub fn new(opts: ScanOptions) -> Result<Scanner, ScanError> {
        let walker =
            Walker::new(&opts.exclude, opts.follow_links)?.follow_outside(opts.follow_outside);
        let jobs = opts.jobs.unwrap_or(0);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .thread_name(|i| format!("certprep-scan-{i}"))
            .build()
            .map_err(|source| ScanError::Threads { jobs, source })?;
        let detect = WorkerCaches::new(
            opts.detect.clone(),
            CA_CACHE_CAPACITY,
            pool.current_num_threads(),
        );
        Ok(Scanner {
            opts,
            walker,
            pool,
            detect,
        })
    }

    /// Scan `roots` (files or directories), calling `sink` once per path in sorted order.
    /// Stops at the first error `sink` returns and returns it; otherwise the totals.
    pub fn run<E>(
        &self,
        roots: &[String],
        rules: &dyn Rules,
        sink: &mut dyn FnMut(FileReport) -> Result<(), E>,
    ) -> Result<ScanSummary, E> {
        let chunk_files = self.opts.chunk_files.max(1);
        let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Vec<walk::Entry>>(2);
        let walker = &self.walker;
        std::thread::scope(|threads| {
            threads.spawn(move || {
                let mut chunk = Vec::with_capacity(chunk_files);
                for entry in walker.walk(roots) {
                    chunk.push(entry);
                    if chunk.len() == chunk_files {
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(chunk_files));
                        if chunk_tx.send(full).is_err() {
                            return; // the consumer stopped (output error)
                        }
                    }
                }
                if !chunk.is_empty() {
                    let _ = chunk_tx.send(chunk);
                }
            });
            // Keep up to two chunks in the pool while the oldest finished one is handed out.
            self.pool.in_place_scope(|pool| {
                let mut summary = ScanSummary::default();
                let mut in_flight: VecDeque<mpsc::Receiver<Vec<FileReport>>> = VecDeque::new();
                let mut emit = |rx: mpsc::Receiver<Vec<FileReport>>,
                                summary: &mut ScanSummary|
                 -> Result<(), E> {
                    for report in rx.recv().unwrap_or_default() {
                        summary.add(&report);
                        sink(report)?;
                    }
                    Ok(())
                };
                for chunk in chunk_rx {
                    let (tx, rx) = mpsc::sync_channel(1);
                    pool.spawn(move |_| {
                        let reports: Vec<FileReport> = chunk
                            .into_par_iter()
                            .map(|e| self.process(e, rules))
                            .collect();
                        let _ = tx.send(reports);
                    });
                    in_flight.push_back(rx);
                    if in_flight.len() > 2 {
                        if let Some(rx) = in_flight.pop_front() {
                            emit(rx, &mut summary)?;
                        }
                    }
                }
                while let Some(rx) = in_flight.pop_front() {
                    emit(rx, &mut summary)?;
                }
                Ok(summary)
            })
        })
    }

    fn process(&self, entry: walk::Entry, rules: &dyn Rules) -> FileReport {
        match entry {
            walk::Entry::File(path) => self.process_file(path, rules),
            walk::Entry::Skip(path, reason) => FileReport {
                path,
                status: FileStatus::Skipped(reason),
                rows: Vec::new(),
                faults: Vec::new(),
            },
            walk::Entry::Fault(path, fault) => FileReport {
                path,
                status: FileStatus::Failed,
                rows: Vec::new(),
                faults: vec![Fault::Walk(fault)],
            },
        }
    }

    fn process_file(&self, path: String, rules: &dyn Rules) -> FileReport {
        thread_local! {
            // One read buffer per worker: no allocation per file for the bytes.
            static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        BUF.with(|slot| {
            // Taken out, not held borrowed: judging one big file runs rayon jobs, and while
            // waiting for them this worker may run other files' jobs, which take the (then
            // empty) slot for themselves (issue 16).
            let mut buf = std::mem::take(&mut *slot.borrow_mut());
            buf.clear();
            let report = match read_capped(&path, self.detect.shared().max_size, &mut buf) {
                Err(fault) => FileReport {
                    path,
                    status: FileStatus::Failed,
                    rows: Vec::new(),
                    faults: vec![Fault::Input(fault)],
                },
                Ok(ReadOutcome::NotRegular) => FileReport {
                    path,
                    status: FileStatus::Skipped(SkipReason::NotRegularFile),
                    rows: Vec::new(),
                    faults: Vec::new(),
                },
                Ok(ReadOutcome::Empty) => FileReport {
                    path,
                    status: FileStatus::Skipped(SkipReason::Empty),
                    rows: Vec::new(),
                    faults: Vec::new(),
                },
                Ok(ReadOutcome::Read) if buf.is_empty() => FileReport {
                    path,
                    status: FileStatus::Skipped(SkipReason::Empty),
                    rows: Vec::new(),
                    faults: Vec::new(),
                },
                Ok(ReadOutcome::Read) => self.examine(path, &mut buf, rules),
            };
            if buf.capacity() <= 4 << 20 {
                *slot.borrow_mut() = buf; // a rare huge file's buffer is not kept alive
            }
            report
        })
    }

    fn examine(&self, path: String, bytes: &mut [u8], rules: &dyn Rules) -> FileReport {
        let origin = Origin::file(path.as_str());
        let detected = input::detect(bytes, &origin, self.detect.current());
        let certs = detected.items.iter().any(|i| matches!(i, Item::Cert(_)));
        let keys = detected.items.iter().any(|i| matches!(i, Item::Key(_)));
        if keys || !certs || !detected.problems.is_empty() {
            // A key, or bytes that may be one (damaged, encrypted, unrecognised): do not leave
            // them in the reused read buffer.
            zeroize::Zeroize::zeroize(bytes);
        }
        let mut findings = rules.evaluate(&detected).into_iter();
        let mut rows = Vec::with_capacity(detected.items.len());
        for item in &detected.items {
            if let Item::Cert(cert) = item {
                rows.push(CertRow {
                    origin: cert.origin.clone(),
                    thumbprint: *cert.sha1(),
                    subject_cn: cert.subject.common_name(),
                    issuer_cn: cert.issuer.common_name(),
                    not_after: cert.not_after,
                    days_left: days_left(cert.not_after, self.opts.as_of),
                    findings: findings.next().unwrap_or_default(),
                });
            }
        }
        let unrecognized_only = !detected.problems.is_empty()
            && detected
                .problems
                .iter()
                .all(|p| matches!(p, InputError::Unrecognized { .. }));
        let status = if !rows.is_empty() {
            FileStatus::Read
        } else if unrecognized_only {
            FileStatus::Skipped(SkipReason::NotCertificateMaterial)
        } else if !detected.problems.is_empty() {
            FileStatus::Failed
        } else if detected.items.is_empty() {
            FileStatus::Skipped(SkipReason::NotCertificateMaterial)
        } else {
            FileStatus::Skipped(SkipReason::NoCertificates)
        };
        let faults = if matches!(status, FileStatus::Skipped(_)) {
            Vec::new()
        } else {
            detected.problems.into_iter().map(Fault::Input).collect()
        };
        FileReport {
            path,
            status,
            rows,
            faults,
        }
    }
}

/// Read at most `max_size` bytes of the file at `path` into `buf`; a larger file is a fault
/// (its size as the open handle reports it). No `stat` before reading: the buffer is reused
/// and `read_to_end` stops at the cap, and one system call fewer per file is measurable on a
/// tree of small files.
/// What [`read_capped`] found.
enum ReadOutcome {
    /// The bytes are in the buffer.
    Read,
    /// Not read: no bytes by its size (an empty file, or a /proc file, which reports 0).
    Empty,
    /// Not read: it is not a regular file (it was swapped for one after the walk).
    NotRegular,
}

/// Read a regular file of at most `max_size` bytes into `buf`. The size is checked from the
/// open file's metadata before any read, and the read itself cannot go past the limit. The
/// file is opened without blocking (a FIFO put in its place after the walk neither blocks the
/// open nor is read).
fn read_capped(path: &str, max_size: u64, buf: &mut Vec<u8>) -> Result<ReadOutcome, InputError> {
    let io = |source| InputError::Io {
        path: path.to_owned(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Ok(ReadOutcome::NotRegular);
    }
    let size = meta.len();
    if size > max_size {
        return Err(InputError::TooLarge {
            origin: Origin::file(path),
            size,
            limit: max_size,
        });
    }
    if size == 0 {
        return Ok(ReadOutcome::Empty);
    }
    buf.reserve(size as usize);
    let mut file = file.take(max_size + 1);
    file.read_to_end(buf).map_err(io)?;
    if buf.len() as u64 > max_size {
        // It grew while being read.
        return Err(InputError::TooLarge {
            origin: Origin::file(path),
            size: buf.len() as u64,
            limit: max_size,
        });
    }
    Ok(ReadOutcome::Read)
}

#[cfg(test)]
mod tests;
