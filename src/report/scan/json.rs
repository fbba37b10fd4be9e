//! `--format json`: one document, `{"version","as_of","certificates"|"expiring","faults",
//! "skipped" (verbose),"summary"}`. Certificates stream; faults and skipped entries are held
//! until the end, where their arrays go.

use super::record::{rfc3339, CertificateOut, ExpiringOut, FaultOut, SkippedOut, Texts};
use super::{FileOut, Printer, ScanMode, Settings, SCHEMA_VERSION};
use crate::scan::{ExpiringCert, ScanSummary};
use serde::Serialize;
use std::io::{self, Write};
use time::OffsetDateTime;

pub(super) struct JsonPrinter {
    mode: ScanMode,
    as_of: OffsetDateTime,
    /// With `--verbose`, the document has a `skipped` array (empty or not).
    verbose: bool,
    /// No certificate or expiring entry written yet (no comma before the next).
    first: bool,
    faults: Vec<FaultOut>,
    skipped: Vec<SkippedOut>,
    texts: Texts,
    /// One row's JSON, reused: a row is one write.
    row: Vec<u8>,
}

impl JsonPrinter {
    pub(super) fn new(settings: &Settings) -> Self {
        JsonPrinter {
            mode: settings.mode,
            as_of: settings.as_of,
            verbose: settings.verbose,
            first: true,
            faults: Vec::new(),
            skipped: Vec::new(),
            texts: Texts::default(),
            row: Vec::new(),
        }
    }

    /// One element of the expiring array.
    fn entry(first: &mut bool, mut out: &mut dyn Write, entry: &impl Serialize) -> io::Result<()> {
        if !std::mem::take(first) {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut out, entry)?;
        Ok(())
    }
}

impl Printer for JsonPrinter {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let array = match self.mode {
            ScanMode::Rows => "certificates",
            ScanMode::Expiring => "expiring",
        };
        write!(
            out,
            "{{\"version\":{SCHEMA_VERSION},\"as_of\":\"{}\",\"{array}\":[",
            rfc3339(self.as_of)?,
        )
    }

    fn file(&mut self, out: &mut dyn Write, file: &FileOut<'_>) -> io::Result<()> {
        for row in file.rows {
            if !std::mem::take(&mut self.first) {
                out.write_all(b",")?;
            }
            self.row.clear();
            serde_json::to_writer(
                &mut self.row,
                &CertificateOut::new(None, row, &mut self.texts),
            )?;
            out.write_all(&self.row)?;
        }
        for fault in file.faults {
            self.faults.push(FaultOut::new(None, file.path, fault));
        }
        if let Some(reason) = file.skipped {
            self.skipped.push(SkippedOut::new(None, file.path, reason));
        }
        Ok(())
    }

    fn expiring(&mut self, out: &mut dyn Write, certs: &[ExpiringCert]) -> io::Result<()> {
        for c in certs {
            Self::entry(&mut self.first, out, &ExpiringOut::new(None, c))?;
        }
        Ok(())
    }

    fn finish(&mut self, mut out: &mut dyn Write, summary: &ScanSummary) -> io::Result<()> {
        out.write_all(b"],\"faults\":")?;
        serde_json::to_writer(&mut out, &self.faults)?;
        if self.verbose {
            out.write_all(b",\"skipped\":")?;
            serde_json::to_writer(&mut out, &self.skipped)?;
        }
        out.write_all(b",\"summary\":")?;
        serde_json::to_writer(&mut out, summary)?;
        out.write_all(b"}\n")
    }
}
