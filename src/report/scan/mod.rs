//! Reporters for `scan`: one printer per format behind the [`Printer`] trait — table, JSON
//! Lines, CSV, one JSON document, JUnit XML, SARIF 2.1.0 and Prometheus text. Field names and
//! column lists are a contract, documented in `docs/scan.md` (JSON: `docs/scan.schema.json`);
//! they only gain fields. JUnit and SARIF follow `check`'s reporters (same XML escaping, URIs
//! and rule list).
//!
//! [`ScanWriter`] is what the command uses: it applies the mode and `--verbose` to each file
//! ([`FileOut`]) and hands it to the format's printer. Every format but the table and
//! Prometheus streams: rows are written as the scan hands files over, so memory does not grow
//! with the tree. The table aligns its columns and Prometheus groups samples per metric, so
//! those two hold their rows until the end.
//!
//! Files: `record` (the JSON records as serde structs), `finding` (the one place a
//! [`Finding`](crate::scan::Finding)'s fields are read), then one file per format.

mod csv;
mod finding;
mod json;
mod jsonl;
mod junit;
pub mod prometheus;
mod record;
mod sarif;
mod table;

pub use csv::{CSV_EXPIRING_COLUMNS, CSV_ROW_COLUMNS};

use crate::scan::SkipReason;
use crate::scan::{CertRow, ExpiringCert, Fault, FileReport, FileStatus, ScanSummary, Severity};
use std::io::{self, Write};
use time::OffsetDateTime;

/// Version of the JSON / JSON Lines schema.
pub const SCHEMA_VERSION: u32 = 1;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanFormat {
    /// Aligned columns for people.
    Table,
    /// One JSON object per line (`"type"`: certificate, expiring, fault, skipped, summary).
    Jsonl,
    /// RFC 4180 CSV with a header line; faults go to stderr only.
    Csv,
    /// One JSON document.
    Json,
    /// JUnit XML: a test suite per file, a test case per certificate (failures at or above
    /// the fail-on severity), an error case per fault.
    Junit,
    /// SARIF 2.1.0: one result per finding, faults as tool execution notifications.
    Sarif,
    /// Prometheus text exposition for node_exporter's textfile collector ([`prometheus`]).
    Prometheus,
}

/// Whether rows are per certificate occurrence or per expiring thumbprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanMode {
    /// One row per certificate found, in path order.
    Rows,
    /// `--expiring-within`: one entry per thumbprint, soonest first, written at the end.
    Expiring,
}

/// What every printer may need to know about the run.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Rows or expiring entries.
    pub mode: ScanMode,
    /// `--verbose`: skipped files are reported too (JSON, JSON Lines, JUnit).
    pub verbose: bool,
    /// The scan's instant (JSON's `as_of`, Prometheus' seconds left).
    pub as_of: OffsetDateTime,
    /// The severity JUnit counts as a failure.
    pub fail_on: Severity,
    /// The tool version SARIF reports.
    pub tool_version: String,
}

/// What a printer prints of one file: the writer has already applied the mode (no rows in
/// `--expiring-within` mode, where they go to the expiry collector) and `--verbose` (a skip
/// reason only then).
#[derive(Clone, Copy, Debug)]
pub struct FileOut<'a> {
    /// The path as walked.
    pub path: &'a str,
    /// Its certificates, in file order (row mode only).
    pub rows: &'a [CertRow],
    /// Its faults.
    pub faults: &'a [Fault],
    /// Why it was skipped, with `--verbose`.
    pub skipped: Option<SkipReason>,
}

/// One output format. [`ScanWriter`] calls `begin` once, `file` for every file in path order,
/// `expiring` once in `--expiring-within` mode, then `finish` once.
pub trait Printer {
    /// What comes before the first file (CSV header, JSON document start).
    fn begin(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// One file's rows, faults and skip.
    fn file(&mut self, out: &mut dyn Write, file: &FileOut<'_>) -> io::Result<()>;

    /// In `--expiring-within` mode: the merged certificates, soonest first.
    fn expiring(&mut self, out: &mut dyn Write, certs: &[ExpiringCert]) -> io::Result<()>;

    /// What comes after the last file (the table, summary, closing brackets).
    fn finish(&mut self, out: &mut dyn Write, summary: &ScanSummary) -> io::Result<()>;
}

/// The printer for `format`.
pub fn printer(format: ScanFormat, settings: &Settings) -> Box<dyn Printer> {
    match format {
        ScanFormat::Table => Box::new(table::TablePrinter::default()),
        ScanFormat::Jsonl => Box::new(jsonl::JsonlPrinter::default()),
        ScanFormat::Csv => Box::new(csv::CsvPrinter::new(settings.mode)),
        ScanFormat::Json => Box::new(json::JsonPrinter::new(settings)),
        ScanFormat::Junit => Box::new(junit::JunitPrinter::new(settings.fail_on)),
        ScanFormat::Sarif => Box::new(sarif::SarifPrinter::new(&settings.tool_version)),
        ScanFormat::Prometheus => Box::new(prometheus::PrometheusPrinter::new(settings.as_of)),
    }
}

/// A streaming writer for one scan's output: the format's [`Printer`] over `out`.
pub struct ScanWriter<W: Write> {
    out: W,
    format: ScanFormat,
    settings: Settings,
    printer: Box<dyn Printer>,
}

impl<W: Write> ScanWriter<W> {
    /// A writer; `verbose` adds skipped files to the JSON, JSON Lines and JUnit outputs.
    pub fn new(
        out: W,
        format: ScanFormat,
        mode: ScanMode,
        verbose: bool,
        as_of: OffsetDateTime,
    ) -> Self {
        let settings = Settings {
            mode,
            verbose,
            as_of,
            fail_on: Severity::Error,
            tool_version: String::new(),
        };
        ScanWriter {
            out,
            format,
            printer: printer(format, &settings),
            settings,
        }
    }

    /// The severity JUnit counts as a failure (default: error).
    pub fn fail_on(mut self, severity: Severity) -> Self {
        self.settings.fail_on = severity;
        self.printer = printer(self.format, &self.settings);
        self
    }

    /// The tool version SARIF reports.
    pub fn tool_version(mut self, version: &str) -> Self {
        version.clone_into(&mut self.settings.tool_version);
        self.printer = printer(self.format, &self.settings);
        self
    }

    /// Write what comes before the first file (CSV header, JSON document start).
    pub fn begin(&mut self) -> io::Result<()> {
        self.printer.begin(&mut self.out)
    }

    /// One file's report: its rows (in row mode), faults and (verbose) skip.
    pub fn file(&mut self, f: &FileReport) -> io::Result<()> {
        let file = FileOut {
            path: &f.path,
            rows: match self.settings.mode {
                ScanMode::Rows => &f.rows,
                ScanMode::Expiring => &[],
            },
            faults: &f.faults,
            skipped: match f.status {
                FileStatus::Skipped(reason) if self.settings.verbose => Some(reason),
                _ => None,
            },
        };
        self.printer.file(&mut self.out, &file)
    }

    /// In `--expiring-within` mode: the merged certificates, soonest first.
    pub fn expiring(&mut self, certs: &[ExpiringCert]) -> io::Result<()> {
        self.printer.expiring(&mut self.out, certs)
    }

    /// Write what comes after the last file, then flush.
    pub fn finish(&mut self, summary: &ScanSummary) -> io::Result<()> {
        self.printer.finish(&mut self.out, summary)?;
        self.out.flush()
    }
}

/// A fault as its one-line message (the error and its causes).
fn fault_text(fault: &Fault) -> String {
    crate::report::error_chain(fault)
}

/// The UTC date of `t`, `YYYY-MM-DD` (table and JUnit).
fn date(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}
