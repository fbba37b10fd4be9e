//! SARIF 2.1.0 (OASIS) for code-scanning dashboards: one run, the registry as
//! `tool.driver.rules`, one result per finding located at its input file. Validated in tests
//! against the official schema (tests/schemas/sarif-schema-2.1.0.json).

use crate::check::registry::RULES;
use crate::check::{CheckReport, Severity};
use serde_json::{json, Value};
use std::io::{self, Write};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative or absolute path as a URI reference: unreserved characters and `/` kept,
/// everything else percent-encoded (RFC 3986 §2), `\` turned into `/`.
pub fn path_uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The SARIF log as a JSON value.
pub fn to_value(report: &CheckReport, tool_version: &str) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let mut help = format!("{}. Source: {}.", r.summary, r.citation);
            if let Some(fix) = r.remediation {
                help.push_str(&format!(" Fix: {fix}"));
            }
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary },
                "help": { "text": help },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "citation": r.citation, "severity": r.severity.to_string() }
            })
        })
        .collect();
    let artifacts: Vec<Value> = report
        .files
        .iter()
        .map(|f| json!({ "location": { "uri": path_uri(&f.path) } }))
        .collect();
    let mut results = Vec::new();
    for (ai, file) in report.files.iter().enumerate() {
        for cert in &file.certificates {
            for f in &cert.findings {
                let rule_index = RULES.iter().position(|r| r.id == f.rule).unwrap_or(0);
                let mut props = json!({
                    "subject": cert.subject,
                    "thumbprint": cert.thumbprint,
                    "origin": cert.origin.to_string(),
                });
                if let Some(fix) = &f.remediation {
                    props["remediation"] = Value::String(fix.to_string());
                }
                results.push(json!({
                    "ruleId": f.rule,
                    "ruleIndex": rule_index,
                    "level": level(f.severity),
                    "message": { "text": format!("{}: {}", f.summary, f.detail) },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": { "uri": path_uri(&file.path), "index": ai }
                        },
                        "logicalLocations": [{ "name": cert.subject, "kind": "object" }]
                    }],
                    "partialFingerprints": { "certprep/thumbprint-rule": format!("{}:{}", cert.thumbprint, f.rule) },
                    "properties": props
                }));
            }
        }
    }
    // An input that could not be read is a tool execution notification (SARIF 2.1.0 §3.20.21),
    // and the run did not complete its analysis (§3.20.14 executionSuccessful).
    let notifications: Vec<Value> = report
        .unreadable
        .iter()
        .map(|u| {
            json!({
                "level": "error",
                "message": { "text": u.messages.join("\n") },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": path_uri(&u.path) }
                }}],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "certprep",
                "version": tool_version,
                "rules": rules
            }},
            "artifacts": artifacts,
            "results": results,
            "invocations": [{
                "executionSuccessful": report.unreadable.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints"
        }]
    })
}

/// Write the SARIF log.
pub fn write(report: &CheckReport, tool_version: &str, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(report, tool_version))?;
    writeln!(out)
}
