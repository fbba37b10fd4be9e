//! Text rendering of a [`ChainReport`]: the chosen path, the diagnostics with their fixes, and
//! the alternatives. Names go through [`sanitize_line`]; JSON output is serde's.

use crate::chain::{AnchorSource, ChainReport, NotChosen, Source};
use crate::report::sanitize_line;
use std::io::{self, Write};

/// Write the report as text.
pub fn write_text(r: &ChainReport, out: &mut dyn Write) -> io::Result<()> {
    let status = if r.complete {
        "complete"
    } else if r.anchor.is_some() {
        "invalid"
    } else {
        "incomplete"
    };
    writeln!(
        out,
        "chain for \"{}\": {status}",
        sanitize_line(&r.leaf.subject)
    )?;
    for (i, l) in r.path.iter().enumerate() {
        let role = match l.source {
            Source::Leaf => "leaf".to_string(),
            Source::Given(_) => "given".to_string(),
            Source::Pool => "pool".to_string(),
            Source::Anchor(AnchorSource::Roots) => "root (--roots)".to_string(),
            Source::Anchor(AnchorSource::Embedded) => "root (embedded store)".to_string(),
        };
        writeln!(
            out,
            "  {i}  {}  {:<22} {}",
            l.cert.thumbprint,
            role,
            sanitize_line(&l.cert.subject)
        )?;
    }
    for d in &r.diagnostics {
        // Chain text says `note` for what the rest of the crate calls `info`.
        let label = match d.severity {
            crate::severity::Severity::Info => "note",
            s => s.as_str(),
        };
        writeln!(out, "{label}: {}", sanitize_line(&d.message()))?;
        writeln!(out, "  fix: {}", sanitize_line(&d.fix()))?;
    }
    if !r.alternatives.is_empty() {
        writeln!(out, "other paths:")?;
        for a in &r.alternatives {
            let names: Vec<String> = a.certs.iter().map(|c| sanitize_line(&c.subject)).collect();
            let why = match &a.reason {
                NotChosen::Longer { len, chosen_len } => {
                    format!("longer ({len} certificates, the chosen path has {chosen_len})")
                }
                NotChosen::LaterInOrder => "as good, found later".to_string(),
                NotChosen::Problems { problems } => problems
                    .iter()
                    .map(|p| sanitize_line(&p.message()))
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            writeln!(out, "  - {}", names.join(" -> "))?;
            writeln!(out, "    not chosen: {why}")?;
        }
    }
    Ok(())
}
