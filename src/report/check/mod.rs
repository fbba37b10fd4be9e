//! Reporters for [`CheckReport`](crate::check::CheckReport) and the rule registry: text
//! (grouped by file), JSON, JUnit XML and SARIF 2.1.0. Only these modules know layout; the
//! report itself is facts.

pub mod junit;
pub mod rules;
pub mod sarif;
pub mod text;

use crate::check::CheckReport;
use std::io::{self, Write};

/// Write the report as the `--format json` document (schema in docs/check.md).
pub fn write_json(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}

/// Escape text for XML 1.0 content and attribute values. Characters XML 1.0 cannot carry at all
/// (most C0 controls) become visible `\u{…}` escapes, so a hostile subject cannot break the
/// document.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("\\u{{{:04X}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_escape_handles_markup_and_controls() {
        assert_eq!(
            super::xml_escape("<I>a&b\"'\u{1b}"),
            "&lt;I&gt;a&amp;b&quot;&apos;\\u{001B}"
        );
    }
}
