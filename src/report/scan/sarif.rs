//! `--format sarif`: one SARIF 2.1.0 log with one run — the rule registry as
//! `tool.driver.rules`, one result per finding (located at its file, with the location text as
//! logical location), faults as tool execution notifications (`executionSuccessful` is then
//! false). URIs as in `check`'s SARIF.
//!
//! The log streams: its head up to the results array is written at the start, each result as
//! its file comes, the notifications and closing brackets at the end. Objects are
//! serde_json values, whose keys serde_json writes in alphabetical order.

use super::finding::{self, FindingOut};
use super::{fault_text, FileOut, Printer};
use crate::check::registry::RULES;
use crate::origin::Origin;
use crate::report::check::sarif::path_uri;
use crate::scan::{ExpiringCert, Finding, ScanSummary, Severity};
use crate::thumbprint::Thumbprint;
use serde_json::{json, Value};
use std::io::{self, Write};

pub(super) struct SarifPrinter {
    tool_version: String,
    /// No result written yet (no comma before the next).
    first: bool,
    /// Tool execution notifications, one per fault, written at the end.
    notifications: Vec<Value>,
}

impl SarifPrinter {
    pub(super) fn new(tool_version: &str) -> Self {
        SarifPrinter {
            tool_version: tool_version.to_owned(),
            first: true,
            notifications: Vec::new(),
        }
    }

    /// One result per finding of a certificate found at `locations`.
    fn results(
        &mut self,
        mut out: &mut dyn Write,
        thumbprint: &Thumbprint,
        findings: &[Finding],
        locations: &[Origin],
    ) -> io::Result<()> {
        for f in finding::each(findings) {
            if !std::mem::take(&mut self.first) {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut out, &result(thumbprint, &f, locations))?;
        }
        Ok(())
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The rule registry as `tool.driver.rules` (as `check --format sarif` lists it).
fn rules() -> Vec<Value> {
    RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary },
                "help": { "text": format!("{}. Source: {}.", r.summary, r.citation) },
                "defaultConfiguration": { "level": level(r.severity) },
            })
        })
        .collect()
}

fn result(thumbprint: &Thumbprint, f: &FindingOut<'_>, locations: &[Origin]) -> Value {
    let locations: Vec<Value> = locations
        .iter()
        .map(|o| {
            json!({
                "physicalLocation": { "artifactLocation": { "uri": path_uri(&o.path) } },
                "logicalLocations": [{ "name": o.to_string(), "kind": "object" }],
            })
        })
        .collect();
    let mut result = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": locations,
        "partialFingerprints": { "certprep/thumbprint-rule": format!("{thumbprint}:{}", f.rule) },
        "properties": { "thumbprint": thumbprint.to_string() },
    });
    if let Some(i) = RULES.iter().position(|r| r.id == f.rule) {
        result["ruleIndex"] = i.into();
    }
    result
}

impl Printer for SarifPrinter {
    fn begin(&mut self, mut out: &mut dyn Write) -> io::Result<()> {
        let driver = json!({
            "name": "certprep",
            "version": self.tool_version,
            "rules": rules(),
        });
        out.write_all(
            b"{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":",
        )?;
        serde_json::to_writer(&mut out, &driver)?;
        out.write_all(b"},\"columnKind\":\"unicodeCodePoints\",\"results\":[")
    }

    fn file(&mut self, out: &mut dyn Write, file: &FileOut<'_>) -> io::Result<()> {
        for row in file.rows {
            self.results(
                out,
                &row.thumbprint,
                &row.findings,
                std::slice::from_ref(&row.origin),
            )?;
        }
        for fault in file.faults {
            self.notifications.push(json!({
                "level": "error",
                "message": { "text": fault_text(fault) },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": path_uri(file.path) }
                }}],
            }));
        }
        Ok(())
    }

    fn expiring(&mut self, out: &mut dyn Write, certs: &[ExpiringCert]) -> io::Result<()> {
        for c in certs {
            self.results(out, &c.thumbprint, &c.findings, &c.locations)?;
        }
        Ok(())
    }

    fn finish(&mut self, mut out: &mut dyn Write, _summary: &ScanSummary) -> io::Result<()> {
        let notifications = std::mem::take(&mut self.notifications);
        let invocations = json!([{
            // A file that could not be read means the analysis is not complete.
            "executionSuccessful": notifications.is_empty(),
            "toolExecutionNotifications": notifications,
        }]);
        out.write_all(b"],\"invocations\":")?;
        serde_json::to_writer(&mut out, &invocations)?;
        out.write_all(b"}]}\n")
    }
}
