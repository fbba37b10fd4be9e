//! `--format table` (the default): aligned columns `PATH THUMBPRINT SUBJECT CN NOT AFTER DAYS
//! FINDINGS`, then one `fault:` line per fault. The columns are aligned to the widest cell, so
//! the rows are held until the end. Paths and names are shown with control characters escaped.

use super::finding;
use super::{date, fault_text, FileOut, Printer};
use crate::report::sanitize_line;
use crate::scan::{ExpiringCert, Finding, ScanSummary};
use crate::thumbprint::Thumbprint;
use std::io::{self, Write};
use time::OffsetDateTime;

const HEADER: [&str; 6] = [
    "PATH",
    "THUMBPRINT",
    "SUBJECT CN",
    "NOT AFTER",
    "DAYS",
    "FINDINGS",
];

/// The column of numbers, right-aligned.
const DAYS: usize = 4;
/// The last column, not padded.
const FINDINGS: usize = 5;

#[derive(Default)]
pub(super) struct TablePrinter {
    rows: Vec<[String; 6]>,
    /// Fault messages, listed after the table.
    faults: Vec<String>,
}

impl Printer for TablePrinter {
    fn file(&mut self, _out: &mut dyn Write, file: &FileOut<'_>) -> io::Result<()> {
        for row in file.rows {
            self.rows.push(cells(
                &row.origin.to_string(),
                &row.thumbprint,
                row.subject_cn.as_deref(),
                row.not_after,
                row.days_left,
                &row.findings,
            ));
        }
        for fault in file.faults {
            self.faults.push(sanitize_line(&fault_text(fault)));
        }
        Ok(())
    }

    fn expiring(&mut self, _out: &mut dyn Write, certs: &[ExpiringCert]) -> io::Result<()> {
        for c in certs {
            let first = c
                .locations
                .first()
                .map(|o| o.to_string())
                .unwrap_or_default();
            let path = match c.locations.len() {
                0 | 1 => first,
                n => format!("{first} (+{} more)", n - 1),
            };
            self.rows.push(cells(
                &path,
                &c.thumbprint,
                c.subject_cn.as_deref(),
                c.not_after,
                c.days_left,
                &c.findings,
            ));
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &ScanSummary) -> io::Result<()> {
        let faults = std::mem::take(&mut self.faults);
        if !self.rows.is_empty() {
            self.write_rows(out)?;
            if !faults.is_empty() {
                writeln!(out)?;
            }
        }
        // Files that could not be read (or only partly) are part of the report, not only of
        // stderr: a table saved to a file still shows them.
        for f in faults {
            writeln!(out, "fault: {f}")?;
        }
        Ok(())
    }
}

impl TablePrinter {
    fn write_rows(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let mut widths = HEADER.map(|h| h.chars().count());
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row.iter()) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let rows = std::mem::take(&mut self.rows);
        let header = HEADER.map(str::to_owned);
        for row in std::iter::once(&header).chain(rows.iter()) {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i == FINDINGS {
                    line.push_str(cell);
                    continue;
                }
                let pad = " ".repeat(widths[i].saturating_sub(cell.chars().count()));
                if i == DAYS {
                    line.push_str(&pad);
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.push_str(&pad);
                }
                line.push_str("  ");
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// One row's cells: where, thumbprint, CN, notAfter date, days left, rule ids.
fn cells(
    location: &str,
    thumbprint: &Thumbprint,
    subject_cn: Option<&str>,
    not_after: OffsetDateTime,
    days_left: i64,
    findings: &[Finding],
) -> [String; 6] {
    [
        sanitize_line(location),
        thumbprint.to_string(),
        sanitize_line(subject_cn.unwrap_or("")),
        date(not_after),
        days_left.to_string(),
        finding::each(findings)
            .map(|f| f.rule)
            .collect::<Vec<_>>()
            .join(","),
    ]
}
