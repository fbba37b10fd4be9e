//! `--format junit`: JUnit XML for CI test reports, streamed. One `<testsuite>` per file with
//! rows or faults (or, with `--verbose`, a skip): a test case per certificate — a `<failure>`
//! listing the findings at or above `--fail-on`, the lower ones in `<system-out>` — an
//! `<error>` case per fault and a `<skipped>` case for a skipped file. With
//! `--expiring-within`, one `<testsuite name="expiring">` with a case per thumbprint. Text is
//! escaped as in `check`'s JUnit.

use super::finding::{self, FindingOut};
use super::{date, fault_text, FileOut, Printer};
use crate::report::check::xml_escape;
use crate::scan::{ExpiringCert, Finding, ScanSummary, Severity};
use std::io::{self, Write};

pub(super) struct JunitPrinter {
    fail_on: Severity,
}

impl JunitPrinter {
    pub(super) fn new(fail_on: Severity) -> Self {
        JunitPrinter { fail_on }
    }

    /// One test case: its findings at or above `fail_on` as the failure, the others as output.
    fn case(
        &self,
        out: &mut dyn Write,
        class: &str,
        name: &str,
        findings: &[Finding],
    ) -> io::Result<()> {
        let (failing, other): (Vec<FindingOut>, Vec<FindingOut>) =
            finding::each(findings).partition(|f| f.severity >= self.fail_on);
        write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\"",
            xml_escape(class),
            xml_escape(name)
        )?;
        if failing.is_empty() && other.is_empty() {
            return out.write_all(b"/>\n");
        }
        out.write_all(b">\n")?;
        if let Some(first) = failing.first() {
            writeln!(
                out,
                "      <failure message=\"{}: {}\" type=\"{}\">{}</failure>",
                xml_escape(first.rule),
                xml_escape(first.message),
                first.severity,
                xml_escape(&lines(&failing))
            )?;
        }
        if !other.is_empty() {
            writeln!(
                out,
                "      <system-out>{}</system-out>",
                xml_escape(&lines(&other))
            )?;
        }
        out.write_all(b"    </testcase>\n")
    }

    /// How many of these certificates' findings fail the run.
    fn failures<'a>(&self, findings: impl Iterator<Item = &'a [Finding]>) -> usize {
        findings
            .filter(|f| finding::any_at_or_above(f, self.fail_on))
            .count()
    }
}

/// Findings as `rule (severity): message` lines.
fn lines(findings: &[FindingOut]) -> String {
    findings
        .iter()
        .map(|f| format!("{} ({}): {}", f.rule, f.severity, f.message))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Printer for JunitPrinter {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"certprep scan\">\n",
        )
    }

    fn file(&mut self, out: &mut dyn Write, file: &FileOut<'_>) -> io::Result<()> {
        let rows = file.rows;
        let skipped = file.skipped.is_some();
        if rows.is_empty() && file.faults.is_empty() && !skipped {
            return Ok(());
        }
        let failures = self.failures(rows.iter().map(|r| &r.findings[..]));
        writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{}\" skipped=\"{}\">",
            xml_escape(file.path),
            rows.len() + file.faults.len() + usize::from(skipped),
            file.faults.len(),
            usize::from(skipped)
        )?;
        for row in rows {
            let name = format!(
                "{} [{}] {}",
                row.origin,
                row.thumbprint,
                row.subject_cn.as_deref().unwrap_or("")
            );
            self.case(out, file.path, name.trim_end(), &row.findings)?;
        }
        for fault in file.faults {
            writeln!(
                out,
                "    <testcase classname=\"{0}\" name=\"read {0}\">\n      <error message=\"{1}\"/>\n    </testcase>",
                xml_escape(file.path),
                xml_escape(&fault_text(fault))
            )?;
        }
        if let Some(reason) = file.skipped {
            writeln!(
                out,
                "    <testcase classname=\"{0}\" name=\"read {0}\">\n      <skipped message=\"{1}\"/>\n    </testcase>",
                xml_escape(file.path),
                xml_escape(&reason.to_string())
            )?;
        }
        out.write_all(b"  </testsuite>\n")
    }

    fn expiring(&mut self, out: &mut dyn Write, certs: &[ExpiringCert]) -> io::Result<()> {
        let failures = self.failures(certs.iter().map(|c| &c.findings[..]));
        writeln!(
            out,
            "  <testsuite name=\"expiring\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
            certs.len()
        )?;
        for c in certs {
            let name = format!(
                "{} {} (expires {}, {} days; {} locations)",
                c.thumbprint,
                c.subject_cn.as_deref().unwrap_or(""),
                date(c.not_after),
                c.days_left,
                c.locations.len()
            );
            let first = c.locations.first().map_or("", |o| &*o.path);
            self.case(out, first, &name, &c.findings)?;
        }
        out.write_all(b"  </testsuite>\n")
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &ScanSummary) -> io::Result<()> {
        out.write_all(b"</testsuites>\n")
    }
}
