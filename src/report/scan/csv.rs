//! `--format csv`: RFC 4180 with a header line, one row shape (certificates, or expiring
//! entries); faults are on stderr and in the exit code only.

use super::finding::{self, FindingOut};
use super::record::{rfc3339, PositionText};
use super::{FileOut, Printer, ScanMode};
use crate::scan::{ExpiringCert, Finding, ScanSummary};
use std::io::{self, Write};

/// CSV header in row mode.
pub const CSV_ROW_COLUMNS: [&str; 9] = [
    "path",
    "entry",
    "position",
    "thumbprint",
    "subject_cn",
    "not_after",
    "days_left",
    "severity",
    "findings",
];

/// CSV header in `--expiring-within` mode.
pub const CSV_EXPIRING_COLUMNS: [&str; 8] = [
    "thumbprint",
    "subject_cn",
    "not_after",
    "days_left",
    "severity",
    "findings",
    "count",
    "locations",
];

pub(super) struct CsvPrinter {
    mode: ScanMode,
}

impl CsvPrinter {
    pub(super) fn new(mode: ScanMode) -> Self {
        CsvPrinter { mode }
    }
}

impl Printer for CsvPrinter {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.mode {
            ScanMode::Rows => line(out, &CSV_ROW_COLUMNS),
            ScanMode::Expiring => line(out, &CSV_EXPIRING_COLUMNS),
        }
    }

    fn file(&mut self, out: &mut dyn Write, file: &FileOut<'_>) -> io::Result<()> {
        for row in file.rows {
            let o = &row.origin;
            let position = if o.parts.is_empty() {
                String::new()
            } else {
                PositionText(&o.parts).to_string()
            };
            line(
                out,
                &[
                    &o.path,
                    o.entry.as_deref().unwrap_or(""),
                    &position,
                    &row.thumbprint.to_string(),
                    row.subject_cn.as_deref().unwrap_or(""),
                    &rfc3339(row.not_after)?,
                    &row.days_left.to_string(),
                    &worst(&row.findings),
                    &findings_text(&row.findings),
                ],
            )?;
        }
        Ok(())
    }

    fn expiring(&mut self, out: &mut dyn Write, certs: &[ExpiringCert]) -> io::Result<()> {
        for c in certs {
            let locations = c
                .locations
                .iter()
                .map(|o| o.to_string())
                .collect::<Vec<_>>()
                .join("\n");
            line(
                out,
                &[
                    &c.thumbprint.to_string(),
                    c.subject_cn.as_deref().unwrap_or(""),
                    &rfc3339(c.not_after)?,
                    &c.days_left.to_string(),
                    &worst(&c.findings),
                    &findings_text(&c.findings),
                    &c.locations.len().to_string(),
                    &locations,
                ],
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &ScanSummary) -> io::Result<()> {
        Ok(())
    }
}

/// The `severity` column: the most severe finding's, empty when there is none.
fn worst(findings: &[Finding]) -> String {
    finding::worst(findings)
        .map(|s| s.to_string())
        .unwrap_or_default()
}

/// The `findings` column: `rule: message` entries joined by `; `.
fn findings_text(findings: &[Finding]) -> String {
    finding::each(findings)
        .map(|FindingOut { rule, message, .. }| format!("{rule}: {message}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One CSV field, quoted per RFC 4180 when it needs to be. Written by hand: besides the
/// separators, quotes and line ends the csv crate quotes for, this format also quotes fields
/// with leading or trailing spaces (so spreadsheets keep them), which that crate cannot be
/// told to do.
fn field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// One record, CRLF-terminated.
fn line(out: &mut dyn Write, fields: &[&str]) -> io::Result<()> {
    let mut line = String::with_capacity(256);
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        field(&mut line, f);
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let mut s = String::new();
        field(&mut s, "plain");
        field(&mut s, "a,b");
        field(&mut s, "say \"hi\"");
        field(&mut s, "two\nlines");
        field(&mut s, " padded");
        assert_eq!(s, "plain\"a,b\"\"say \"\"hi\"\"\"\"two\nlines\"\" padded\"");
    }
}
