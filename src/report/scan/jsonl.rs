//! `--format jsonl`: one JSON object per line, each with a `"type"` (`certificate`,
//! `expiring`, `fault`, `skipped`, `summary`), streamed in path order.

use super::record::{CertificateOut, ExpiringOut, FaultOut, SkippedOut, Texts};
use super::{FileOut, Printer};
use crate::scan::{ExpiringCert, ScanSummary};
use serde::Serialize;
use std::io::{self, Write};

/// Writes each certificate record into one reused buffer, then the line in one write (the
/// rows are most of the output); the other records straight to the output.
#[derive(Default)]
pub(super) struct JsonlPrinter {
    line: Vec<u8>,
    texts: Texts,
}

impl JsonlPrinter {
    fn row(&mut self, out: &mut dyn Write, row: &crate::scan::CertRow) -> io::Result<()> {
        self.line.clear();
        let record = CertificateOut::new(Some("certificate"), row, &mut self.texts);
        serde_json::to_writer(&mut self.line, &record)?;
        self.line.push(b'\n');
        out.write_all(&self.line)
    }
}

fn record(mut out: &mut dyn Write, record: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut out, record)?;
    out.write_all(b"\n")
}

impl Printer for JsonlPrinter {
    fn file(&mut self, out: &mut dyn Write, file: &FileOut<'_>) -> io::Result<()> {
        for row in file.rows {
            self.row(out, row)?;
        }
        for fault in file.faults {
            record(out, &FaultOut::new(Some("fault"), file.path, fault))?;
        }
        if let Some(reason) = file.skipped {
            record(out, &SkippedOut::new(Some("skipped"), file.path, reason))?;
        }
        Ok(())
    }

    fn expiring(&mut self, out: &mut dyn Write, certs: &[ExpiringCert]) -> io::Result<()> {
        for c in certs {
            record(out, &ExpiringOut::new(Some("expiring"), c))?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &ScanSummary) -> io::Result<()> {
        // The summary line is `"type"` and the summary's fields in a serde_json map, which
        // sorts its keys: schema version 1 has always written it so (the JSON document's
        // summary keeps the struct's order).
        let mut line = serde_json::Map::new();
        line.insert("type".into(), "summary".into());
        if let serde_json::Value::Object(mut fields) = serde_json::to_value(summary)? {
            line.append(&mut fields);
        }
        record(out, &line)
    }
}
