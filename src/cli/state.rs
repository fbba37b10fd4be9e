//! `--state FILE`: reading exchange-state.json files, and the text form of the state section
//! `check --state` prints after its findings.

use anyhow::Context;
use certprep::report::sanitize_line;
use certprep::state::assess::Assessment;
use certprep::state::{self, State};
use std::io::Write;
use std::path::PathBuf;

/// Read and merge the state files given (`None` when none was).
pub(crate) fn load_states(paths: &[PathBuf]) -> anyhow::Result<Option<State>> {
    let mut merged: Option<State> = None;
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("reading {}", p.display()))?;
        if meta.len() > state::MAX_STATE_BYTES as u64 {
            anyhow::bail!(
                "{}: {} bytes, more than the {} bytes certprep reads as a state file; give the exchange-state.json that collect.ps1 wrote",
                p.display(),
                meta.len(),
                state::MAX_STATE_BYTES
            );
        }
        let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        let origin = certprep::input::Origin::file(p.display().to_string());
        let s = state::load(&bytes, &origin)?;
        match &mut merged {
            Some(m) => m.merge(s),
            None => merged = Some(s),
        }
    }
    Ok(merged)
}

/// The state section as text.
pub(crate) fn write_text(a: &Assessment, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out)?;
    match a.collected_at {
        Some(t) => writeln!(out, "Organisation state (collected {}):", t.date())?,
        None => writeln!(out, "Organisation state:")?,
    }
    for f in &a.findings {
        writeln!(
            out,
            "  {}[{}] {}",
            f.severity,
            f.id,
            sanitize_line(&f.detail)
        )?;
    }
    if !a.collection_errors.is_empty() {
        writeln!(out, "  collection errors (the state is incomplete):")?;
        for e in &a.collection_errors {
            writeln!(out, "    {}", sanitize_line(e))?;
        }
    }
    writeln!(out, "  host names configured:")?;
    for h in &a.host_names {
        let covered = match h.covered {
            Some(true) => "covered",
            Some(false) if h.required => "NOT COVERED (required: today's certificate covers it)",
            Some(false) => "not covered (no CA certificate covers it today)",
            None => "",
        };
        writeln!(
            out,
            "    {} {} — {}",
            sanitize_line(&h.name),
            covered,
            sanitize_line(&h.sources.join("; "))
        )?;
    }
    writeln!(out, "  servers:")?;
    for s in &a.servers {
        let windows = s
            .windows
            .map(|w| w.to_string())
            .unwrap_or_else(|| "Windows unknown".into());
        let pfx = match s.pfx_imports {
            Some(true) => ", PFX imports",
            Some(false) => ", PFX CANNOT IMPORT",
            None => "",
        };
        writeln!(
            out,
            "    {}{}: Exchange {}, {}{}",
            sanitize_line(&s.name),
            if s.edge { " (Edge)" } else { "" },
            s.exchange_build.as_deref().unwrap_or("build unknown"),
            windows,
            pfx
        )?;
    }
    writeln!(out, "  certificates in the organisation, by expiry:")?;
    for e in &a.expiry {
        writeln!(
            out,
            "    {} {} days  {}  {}  [{}] on {}",
            e.not_after.date(),
            e.days_left,
            e.thumbprint,
            sanitize_line(&e.subject),
            sanitize_line(&e.roles.join(", ")),
            sanitize_line(&e.servers.join(", "))
        )?;
    }
    Ok(())
}
