//! JUnit XML for CI: one test suite per file, one test case per rule per certificate. A
//! finding at or above `fail_on` is a `<failure>`; a rule that did not apply, or was
//! suppressed, is `<skipped>`; a finding below `fail_on` passes with its detail in
//! `<system-out>`. An input that could not be read is a test suite of its own whose one test
//! case is an `<error>` with the messages, so a CI dashboard shows it failed rather than nothing.
//! The layout is the one Jenkins, GitLab and Azure Pipelines read.

use super::xml_escape;
use crate::check::{CertResult, CheckReport, Outcome, Severity};
use std::io::{self, Write};

struct Counts {
    tests: usize,
    failures: usize,
    skipped: usize,
}

fn counts<'a>(certs: impl Iterator<Item = &'a CertResult>, fail_on: Severity) -> Counts {
    let mut c = Counts {
        tests: 0,
        failures: 0,
        skipped: 0,
    };
    for cert in certs {
        c.tests += cert.results.len();
        c.skipped += cert
            .results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::NotApplicable | Outcome::Suppressed))
            .count();
        c.failures += cert
            .findings
            .iter()
            .filter(|f| f.severity >= fail_on)
            .count();
    }
    c
}

/// Write the report as JUnit XML.
pub fn write(report: &CheckReport, fail_on: Severity, out: &mut dyn Write) -> io::Result<()> {
    let all = counts(report.files.iter().flat_map(|f| &f.certificates), fail_on);
    let errors = report.unreadable.len();
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"certprep check\" tests=\"{}\" failures=\"{}\" errors=\"{errors}\" skipped=\"{}\">",
        all.tests + errors,
        all.failures,
        all.skipped
    )?;
    for file in &report.files {
        let c = counts(file.certificates.iter(), fail_on);
        writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            xml_escape(&file.path),
            c.tests,
            c.failures,
            c.skipped
        )?;
        for cert in &file.certificates {
            let class = xml_escape(&format!("{} [{}]", cert.subject, cert.thumbprint));
            for r in &cert.results {
                write!(
                    out,
                    "    <testcase classname=\"{class}\" name=\"{}\"",
                    r.rule
                )?;
                let finding = cert.findings.iter().find(|f| f.rule == r.rule);
                match (r.outcome, finding) {
                    (Outcome::NotApplicable, _) => {
                        writeln!(out, ">\n      <skipped message=\"not applicable\"/>\n    </testcase>")?
                    }
                    (Outcome::Suppressed, _) => writeln!(
                        out,
                        ">\n      <skipped message=\"suppressed by configuration\"/>\n    </testcase>"
                    )?,
                    (Outcome::Fail, Some(f)) => {
                        let mut body = f.detail.clone();
                        if let Some(fix) = &f.remediation {
                            body.push_str("\nfix: ");
                            body.push_str(&fix.to_string());
                        }
                        body.push_str(&format!("\nsee: {}", f.citation));
                        let tag = if f.severity >= fail_on { "failure" } else { "system-out" };
                        if tag == "failure" {
                            writeln!(
                                out,
                                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                                xml_escape(f.summary),
                                f.severity,
                                xml_escape(&body)
                            )?;
                        } else {
                            writeln!(
                                out,
                                ">\n      <system-out>{}: {}</system-out>\n    </testcase>",
                                f.severity,
                                xml_escape(&body)
                            )?;
                        }
                    }
                    _ => writeln!(out, "/>")?,
                }
            }
        }
        writeln!(out, "  </testsuite>")?;
    }
    for u in &report.unreadable {
        let path = xml_escape(&u.path);
        writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">"
        )?;
        writeln!(
            out,
            "    <testcase classname=\"{path}\" name=\"input-readable\">\n      <error message=\"the input could not be read\" type=\"unreadable\">{}</error>\n    </testcase>",
            xml_escape(&u.messages.join("\n"))
        )?;
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
