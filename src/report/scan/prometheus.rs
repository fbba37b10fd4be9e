//! `scan --format prometheus`: the Prometheus text exposition format (version 0.0.4), for
//! node_exporter's textfile collector. Metric and label names follow the exporters people
//! already alert on, so their rules and dashboards work unchanged:
//!
//! - enix/x509-certificate-exporter: `x509_cert_not_after` (Unix seconds), `x509_cert_expired`
//!   (0/1), `x509_cert_expires_in_seconds`, `x509_read_errors`; labels `filepath`,
//!   `subject_CN`, `issuer_CN`.
//! - Prometheus' blackbox exporter: `probe_ssl_earliest_cert_expiry` (Unix seconds), here
//!   `certprep_scan_earliest_cert_expiry` over every certificate the scan found.
//!
//! Seconds, never days: Prometheus' base unit (promtool's lint refuses `days`); days left is
//! `x509_cert_expires_in_seconds / 86400` in a query. Every family's samples must be together
//! and follow its `# HELP`/`# TYPE` lines, so samples are held per family and written at the
//! end (memory grows with the certificates found, as the table's does). A certificate found
//! twice at one location (the same block repeated) is one series: a series appears once.

use super::{FileOut, Printer};
use crate::origin::Origin;
use crate::scan::{CertRow, ExpiringCert, ScanSummary};
use std::collections::HashSet;
use std::io::{self, Write};
use time::OffsetDateTime;

/// Per-certificate families: name, help, and how the value is computed.
const CERT_FAMILIES: [(&str, &str); 3] = [
    (
        "x509_cert_not_after",
        "Certificate notAfter (Unix time, seconds).",
    ),
    (
        "x509_cert_expired",
        "1 if the certificate had expired at the scan's instant, 0 otherwise.",
    ),
    (
        "x509_cert_expires_in_seconds",
        "Seconds from the scan's instant to notAfter (negative once expired).",
    ),
];

/// Collects one scan's samples and writes them as one exposition.
#[derive(Debug)]
pub struct PrometheusPrinter {
    as_of: OffsetDateTime,
    /// Samples of each of [`CERT_FAMILIES`], as `{labels} value` texts.
    samples: [String; 3],
    seen: HashSet<(String, crate::thumbprint::Thumbprint)>,
    earliest: Option<OffsetDateTime>,
}

/// The name this printer had before the scan printers shared one trait.
pub type PrometheusWriter = PrometheusPrinter;

impl PrometheusPrinter {
    /// A printer for a scan evaluated at `as_of`.
    pub fn new(as_of: OffsetDateTime) -> Self {
        PrometheusPrinter {
            as_of,
            samples: Default::default(),
            seen: HashSet::new(),
            earliest: None,
        }
    }

    fn row(&mut self, row: &CertRow) {
        self.cert(
            &row.origin,
            &row.thumbprint,
            row.subject_cn.as_deref(),
            row.issuer_cn.as_deref(),
            row.not_after,
        );
    }

    fn cert(
        &mut self,
        origin: &Origin,
        thumbprint: &crate::thumbprint::Thumbprint,
        subject_cn: Option<&str>,
        issuer_cn: Option<&str>,
        not_after: OffsetDateTime,
    ) {
        // The file (and ZIP entry), as x509-certificate-exporter's `filepath`; the position
        // inside the file is left out so a series survives blocks being reordered.
        let filepath = match &origin.entry {
            Some(e) => format!("{}!{e}", origin.path),
            None => origin.path.to_string(),
        };
        if !self.seen.insert((filepath.clone(), *thumbprint)) {
            return;
        }
        self.earliest = Some(self.earliest.map_or(not_after, |e| e.min(not_after)));
        let mut labels = String::from("{filepath=\"");
        escape_label(&mut labels, &filepath);
        labels.push_str("\",thumbprint=\"");
        labels.push_str(&thumbprint.to_string());
        labels.push_str("\",subject_CN=\"");
        escape_label(&mut labels, subject_cn.unwrap_or(""));
        labels.push_str("\",issuer_CN=\"");
        escape_label(&mut labels, issuer_cn.unwrap_or(""));
        labels.push_str("\"}");
        let not_after_s = not_after.unix_timestamp();
        let left = not_after_s - self.as_of.unix_timestamp();
        let values = [not_after_s, i64::from(left <= 0), left];
        for (family, value) in self.samples.iter_mut().zip(values) {
            family.push_str(&labels);
            family.push(' ');
            family.push_str(&value.to_string());
            family.push('\n');
        }
    }
}

impl Printer for PrometheusPrinter {
    /// One file's certificates (row mode).
    fn file(&mut self, _out: &mut dyn Write, file: &FileOut<'_>) -> io::Result<()> {
        for row in file.rows {
            self.row(row);
        }
        Ok(())
    }

    /// `--expiring-within`: each certificate at each place it was found.
    fn expiring(&mut self, _out: &mut dyn Write, certs: &[ExpiringCert]) -> io::Result<()> {
        for c in certs {
            for origin in &c.locations {
                self.cert(
                    origin,
                    &c.thumbprint,
                    c.subject_cn.as_deref(),
                    c.issuer_cn.as_deref(),
                    c.not_after,
                );
            }
        }
        Ok(())
    }

    /// Write the exposition: the per-certificate families, then the run's totals.
    fn finish(&mut self, out: &mut dyn Write, summary: &ScanSummary) -> io::Result<()> {
        for ((name, help), samples) in CERT_FAMILIES.iter().zip(&self.samples) {
            writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge")?;
            for line in samples.lines() {
                writeln!(out, "{name}{line}")?;
            }
        }
        let mut gauge = |name: &str, help: &str, value: u64| {
            writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            )
        };
        gauge(
            "x509_read_errors",
            "Paths that could not be read or parsed in this scan (x509-certificate-exporter's name).",
            summary.files_with_faults,
        )?;
        gauge(
            "certprep_scan_files",
            "Paths the scan walked (files read, skipped and faulted).",
            summary.paths,
        )?;
        gauge(
            "certprep_scan_certificates",
            "Certificates found, every occurrence counted.",
            summary.certificates,
        )?;
        gauge(
            "certprep_scan_faults",
            "Faults reported (a path can have several).",
            summary.faults,
        )?;
        if let Some(earliest) = self.earliest {
            writeln!(
                out,
                "# HELP certprep_scan_earliest_cert_expiry The earliest notAfter of all certificates found (Unix time, seconds), as blackbox exporter's probe_ssl_earliest_cert_expiry.\n# TYPE certprep_scan_earliest_cert_expiry gauge\ncertprep_scan_earliest_cert_expiry {}",
                earliest.unix_timestamp()
            )?;
        }
        Ok(())
    }
}

/// A label value as the exposition format escapes it: backslash, double quote and line feed.
fn escape_label(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::escape_label;

    #[test]
    fn label_values_escape_backslash_quote_and_newline_only() {
        let mut s = String::new();
        escape_label(&mut s, "C:\\certs\\\"a\"\nb\tc");
        assert_eq!(s, "C:\\\\certs\\\\\\\"a\\\"\\nb\tc");
    }
}
