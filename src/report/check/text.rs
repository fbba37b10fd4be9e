//! Text output of `check`: findings grouped by file, then by certificate, with the fix under
//! each finding. Colour only when the caller asks (the binary decides: a TTY and no NO_COLOR).

use crate::check::{CheckReport, Outcome, Severity};
use crate::report::sanitize_line;
use std::io::{self, Write};

fn paint(color: bool, code: &str, s: &str) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_owned()
    }
}

fn severity_label(s: Severity, color: bool) -> String {
    let (code, text) = match s {
        Severity::Error => ("1;31", "error  "),
        Severity::Warning => ("1;33", "warning"),
        Severity::Info => ("36", "info   "),
    };
    paint(color, code, text)
}

/// Write the report as text.
pub fn write(report: &CheckReport, color: bool, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        writeln!(out, "{}", paint(color, "1", &sanitize_line(&file.path)))?;
        for c in &file.certificates {
            let count = |o: Outcome| c.results.iter().filter(|r| r.outcome == o).count();
            writeln!(
                out,
                "  {}  thumbprint {}, expires {}",
                sanitize_line(&c.subject),
                c.thumbprint,
                crate::check::rules::when(c.not_after)
            )?;
            for f in &c.findings {
                writeln!(
                    out,
                    "    {}  {}: {}",
                    severity_label(f.severity, color),
                    f.rule,
                    f.summary
                )?;
                writeln!(out, "             {}", sanitize_line(&f.detail))?;
                if let Some(fix) = &f.remediation {
                    for (i, line) in fix.to_string().lines().enumerate() {
                        let lead = if i == 0 { "fix: " } else { "     " };
                        writeln!(out, "             {lead}{}", sanitize_line(line))?;
                    }
                }
            }
            let suppressed = count(Outcome::Suppressed);
            writeln!(
                out,
                "    {} passed, {} not applicable, {} failed{}",
                count(Outcome::Pass),
                count(Outcome::NotApplicable),
                count(Outcome::Fail),
                if suppressed > 0 {
                    format!(", {suppressed} suppressed")
                } else {
                    String::new()
                }
            )?;
        }
    }
    for u in &report.unreadable {
        writeln!(out, "{}", paint(color, "1", &sanitize_line(&u.path)))?;
        for m in &u.messages {
            writeln!(
                out,
                "  {}  could not be read: {}",
                severity_label(Severity::Error, color),
                sanitize_line(m)
            )?;
        }
    }
    let s = &report.summary;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let unreadable = match report.unreadable.len() {
        0 => String::new(),
        n => format!(", {}", plural(n, "input unreadable", "inputs unreadable")),
    };
    writeln!(
        out,
        "{}: {}, {}, {}{unreadable}",
        plural(s.certificates, "certificate", "certificates"),
        paint(
            color && s.errors > 0,
            "1;31",
            &plural(s.errors, "error", "errors")
        ),
        paint(
            color && s.warnings > 0,
            "1;33",
            &plural(s.warnings, "warning", "warnings")
        ),
        plural(s.infos, "info", "infos")
    )
}
