//! Reporters for `scan`: table, JSON Lines, CSV, one JSON document, JUnit XML and SARIF 2.1.0.
//! Field names and column lists are a contract, documented in `docs/scan.md`; they only gain
//! fields. JUnit and SARIF follow `check`'s reporters (same XML escaping, URIs and rule list).
//!
//! Every format but the table streams: rows are written as the scan hands files over, so memory
//! does not grow with the tree. The table aligns its columns, so it holds its rows until the end.

use crate::check::registry::RULES;
use crate::origin::Origin;
use crate::report::check::{sarif, xml_escape};
use crate::scan::{ExpiringCert, FileReport, FileStatus, Finding, ScanSummary, Severity};
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Version of the JSON / JSON Lines schema.
pub const SCHEMA_VERSION: u32 = 1;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanFormat {
    /// Aligned columns for people.
    Table,
    /// One JSON object per line (`"type"`: certificate, expiring, fault, skipped, summary).
    Jsonl,
    /// RFC 4180 CSV with a header line; faults go to stderr only.
    Csv,
    /// One JSON document.
    Json,
    /// JUnit XML: a test suite per file, a test case per certificate (failures at or above
    /// the fail-on severity), an error case per fault.
    Junit,
    /// SARIF 2.1.0: one result per finding, faults as tool execution notifications.
    Sarif,
    /// Prometheus text exposition for node_exporter's textfile collector
    /// ([`super::scan_prometheus`]).
    Prometheus,
}

/// Whether rows are per certificate occurrence or per expiring thumbprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanMode {
    /// One row per certificate found, in path order.
    Rows,
    /// `--expiring-within`: one entry per thumbprint, soonest first, written at the end.
    Expiring,
}

/// A streaming writer for one scan's output.
pub struct ScanWriter<W: Write> {
    out: W,
    format: ScanFormat,
    mode: ScanMode,
    verbose: bool,
    as_of: OffsetDateTime,
    first_row: bool,
    table: Vec<[String; 6]>,
    json_faults: Vec<serde_json::Value>,
    json_skipped: Vec<serde_json::Value>,
    /// Table format: fault messages, listed after the table.
    table_faults: Vec<String>,
    fail_on: Severity,
    tool_version: String,
    /// One row's JSON, reused (see [`row_json`]).
    scratch: Vec<u8>,
    /// One row's texts, reused.
    texts: RowTexts,
    prometheus: super::scan_prometheus::PrometheusWriter,
}

/// Where a certificate was found, as the JSON formats write it. `Cow`: a row borrows the texts
/// from the writer's reused buffers, an expiring entry owns one per location.
#[derive(Serialize)]
struct LocationOut<'a> {
    path: &'a str,
    entry: Option<&'a str>,
    position: Option<Cow<'a, str>>,
    location: Cow<'a, str>,
}

/// A row's fields, borrowed: from the row, and from the writer's buffers for the texts it
/// writes (position, location, thumbprint, date), so writing a row allocates nothing.
/// (`Finding` serialises as `{"rule","severity","message"}`.)
#[derive(Serialize)]
struct RowOut<'a> {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(flatten)]
    location: LocationOut<'a>,
    thumbprint: &'a str,
    subject_cn: Option<&'a str>,
    not_after: &'a str,
    days_left: i64,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct ExpiringOut<'a> {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    thumbprint: String,
    subject_cn: Option<&'a str>,
    not_after: String,
    days_left: i64,
    findings: &'a [Finding],
    locations: Vec<LocationOut<'a>>,
}

/// Reused buffers for one row's texts (see [`RowOut`]).
struct RowTexts {
    position: String,
    location: String,
    not_after: String,
    thumbprint: [u8; 64],
}

impl Default for RowTexts {
    fn default() -> Self {
        RowTexts {
            position: String::new(),
            location: String::new(),
            not_after: String::new(),
            thumbprint: [0; 64],
        }
    }
}

/// `row` as serde_json would write it (compact, fields in declaration order), written by hand:
/// the rows are most of a scan's output, and serde's per-field and per-string machinery was
/// about a tenth of all the work a scan does. Strings that need escaping go through serde_json,
/// so the bytes are the same (a test compares the two on awkward values).
fn row_json(buf: &mut Vec<u8>, row: &RowOut<'_>) {
    let key = |buf: &mut Vec<u8>, first: bool, name: &str| {
        if !first {
            buf.push(b',');
        }
        buf.push(b'"');
        buf.extend_from_slice(name.as_bytes());
        buf.extend_from_slice(b"\":");
    };
    let opt = |buf: &mut Vec<u8>, s: Option<&str>| match s {
        Some(s) => json_str(buf, s),
        None => buf.extend_from_slice(b"null"),
    };
    buf.push(b'{');
    let mut first = true;
    if let Some(kind) = row.kind {
        key(buf, true, "type");
        json_str(buf, kind);
        first = false;
    }
    let at = &row.location;
    key(buf, first, "path");
    json_str(buf, at.path);
    key(buf, false, "entry");
    opt(buf, at.entry);
    key(buf, false, "position");
    opt(buf, at.position.as_deref());
    key(buf, false, "location");
    json_str(buf, &at.location);
    key(buf, false, "thumbprint");
    json_str(buf, row.thumbprint);
    key(buf, false, "subject_cn");
    opt(buf, row.subject_cn);
    key(buf, false, "not_after");
    json_str(buf, row.not_after);
    key(buf, false, "days_left");
    let mut days = itoa::Buffer::new();
    buf.extend_from_slice(days.format(row.days_left).as_bytes());
    key(buf, false, "findings");
    buf.push(b'[');
    for (i, f) in row.findings.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        buf.push(b'{');
        key(buf, true, "rule");
        json_str(buf, &f.rule);
        key(buf, false, "severity");
        let _ = serde_json::to_writer(&mut *buf, &f.severity);
        key(buf, false, "message");
        json_str(buf, &f.message);
        buf.push(b'}');
    }
    buf.extend_from_slice(b"]}");
}

/// A JSON string as serde_json writes it: as is when nothing in it needs escaping; quotes and
/// backslashes (in findings' messages, which quote names) escaped here; anything with control
/// characters by serde_json itself.
fn json_str(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Folds without early exit, so the compiler vectorises them.
    let plain = bytes
        .iter()
        .fold(true, |ok, &b| ok & (b >= 0x20 && b != b'"' && b != b'\\'));
    buf.push(b'"');
    if plain {
        buf.extend_from_slice(bytes);
    } else if bytes.iter().fold(true, |ok, &b| ok & (b >= 0x20)) {
        let mut start = 0;
        for i in memchr::memchr2_iter(b'"', b'\\', bytes) {
            buf.extend_from_slice(&bytes[start..i]);
            buf.push(b'\\');
            start = i;
        }
        buf.extend_from_slice(&bytes[start..]);
    } else {
        buf.pop();
        let _ = serde_json::to_writer(&mut *buf, s);
        return;
    }
    buf.push(b'"');
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The rule registry as SARIF `tool.driver.rules` (as `check --format sarif` gives it).
fn sarif_rules() -> Vec<serde_json::Value> {
    RULES
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary },
                "help": { "text": format!("{}. Source: {}.", r.summary, r.citation) },
                "defaultConfiguration": { "level": sarif_level(r.severity) },
            })
        })
        .collect()
}

fn rfc3339(t: OffsetDateTime) -> String {
    let mut s = String::with_capacity(20);
    rfc3339_into(&mut s, t);
    s
}

/// [`rfc3339`], into `s` (cleared first).
fn rfc3339_into(s: &mut String, t: OffsetDateTime) {
    s.clear();
    // Certificate times are whole seconds in UTC: written by hand (the `time` crate's
    // formatter was a visible share of writing rows); anything else goes to the formatter.
    if t.offset().is_utc() && t.nanosecond() == 0 && (0..=9999).contains(&t.year()) {
        fn digits(s: &mut String, n: u32, width: u32) {
            for k in (0..width).rev() {
                s.push(char::from(b'0' + (n / 10u32.pow(k) % 10) as u8));
            }
        }
        digits(s, t.year() as u32, 4);
        let date_time = [
            (u32::from(u8::from(t.month())), '-'),
            (u32::from(t.day()), '-'),
            (u32::from(t.hour()), 'T'),
            (u32::from(t.minute()), ':'),
            (u32::from(t.second()), ':'),
        ];
        for (n, sep) in date_time {
            s.push(sep);
            digits(s, n, 2);
        }
        s.push('Z');
        return;
    }
    match t.format(&Rfc3339) {
        Ok(text) => s.push_str(&text),
        Err(_) => {
            use std::fmt::Write as _;
            let _ = write!(s, "{t}");
        }
    }
}

fn date(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

fn position(o: &Origin) -> Option<String> {
    let mut s = String::new();
    position_into(&mut s, o).then_some(s)
}

/// [`position`] into `s` (cleared first); false when the origin has no position.
fn position_into(s: &mut String, o: &Origin) -> bool {
    s.clear();
    if o.parts.is_empty() {
        return false;
    }
    // What `Part`'s `Display` writes (a test compares), without `fmt` for every row.
    for (i, p) in o.parts.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let (label, n) = match p {
            crate::origin::Part::Block(n) => ("PEM block ", n),
            crate::origin::Part::Cert(n) => ("certificate ", n),
            crate::origin::Part::Bag(n) => ("bag ", n),
        };
        s.push_str(label);
        crate::der_reader::push_decimal(s, *n as u64);
    }
    true
}

/// The origin's fields, and its text (what `Origin`'s `Display` prints, a test checks) built
/// from the position instead of formatting the parts a second time.
fn location(o: &Origin) -> LocationOut<'_> {
    let mut texts = RowTexts::default();
    let has_position = location_into(&mut texts, o);
    LocationOut {
        path: &o.path,
        entry: o.entry.as_deref(),
        position: has_position.then_some(Cow::Owned(texts.position)),
        location: Cow::Owned(texts.location),
    }
}

/// [`location`]'s texts into `t.position` and `t.location`; whether there is a position.
fn location_into(t: &mut RowTexts, o: &Origin) -> bool {
    let has_position = position_into(&mut t.position, o);
    let location = &mut t.location;
    location.clear();
    location.push_str(&o.path);
    if let Some(e) = &o.entry {
        location.push('!');
        location.push_str(e);
    }
    if has_position {
        location.push_str(" (");
        location.push_str(&t.position);
        location.push(')');
    }
    has_position
}

/// One `table` row: where, thumbprint, CN, notAfter date, days left, rule ids.
fn table_row(
    location: &str,
    thumbprint: &crate::thumbprint::Thumbprint,
    subject_cn: Option<&str>,
    not_after: OffsetDateTime,
    days_left: i64,
    findings: &[Finding],
) -> [String; 6] {
    [
        crate::report::sanitize_line(location),
        thumbprint.to_string(),
        crate::report::sanitize_line(subject_cn.unwrap_or("")),
        date(not_after),
        days_left.to_string(),
        findings
            .iter()
            .map(|f| &*f.rule)
            .collect::<Vec<_>>()
            .join(","),
    ]
}

fn worst(f: &[Finding]) -> String {
    f.iter()
        .map(|f| f.severity)
        .max()
        .map(|s| s.to_string())
        .unwrap_or_default()
}

fn findings_text(f: &[Finding]) -> String {
    f.iter()
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One CSV field, quoted per RFC 4180 when it needs to be. Written by hand: quoting is the only
/// CSV feature needed, not worth a dependency.
fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn csv_line(out: &mut impl Write, fields: &[&str]) -> io::Result<()> {
    let mut line = String::with_capacity(256);
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        csv_field(&mut line, f);
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes())
}

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

impl<W: Write> ScanWriter<W> {
    /// A writer; `verbose` adds skipped files to JSON outputs.
    pub fn new(
        out: W,
        format: ScanFormat,
        mode: ScanMode,
        verbose: bool,
        as_of: OffsetDateTime,
    ) -> Self {
        ScanWriter {
            out,
            format,
            mode,
            verbose,
            as_of,
            first_row: true,
            table: Vec::new(),
            json_faults: Vec::new(),
            json_skipped: Vec::new(),
            table_faults: Vec::new(),
            fail_on: Severity::Error,
            tool_version: String::new(),
            scratch: Vec::new(),
            texts: RowTexts::default(),
            prometheus: super::scan_prometheus::PrometheusWriter::new(as_of),
        }
    }

    /// The severity JUnit counts as a failure (default: error).
    pub fn fail_on(mut self, severity: Severity) -> Self {
        self.fail_on = severity;
        self
    }

    /// The tool version SARIF reports.
    pub fn tool_version(mut self, version: &str) -> Self {
        self.tool_version = version.to_owned();
        self
    }

    /// Write what comes before the first file (CSV header, JSON document start).
    pub fn begin(&mut self) -> io::Result<()> {
        match (self.format, self.mode) {
            (ScanFormat::Csv, ScanMode::Rows) => csv_line(&mut self.out, &CSV_ROW_COLUMNS),
            (ScanFormat::Csv, ScanMode::Expiring) => csv_line(&mut self.out, &CSV_EXPIRING_COLUMNS),
            (ScanFormat::Json, mode) => write!(
                self.out,
                "{{\"version\":{SCHEMA_VERSION},\"as_of\":\"{}\",\"{}\":[",
                rfc3339(self.as_of),
                match mode {
                    ScanMode::Rows => "certificates",
                    ScanMode::Expiring => "expiring",
                }
            ),
            (ScanFormat::Junit, _) => self.out.write_all(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"certprep scan\">\n",
            ),
            (ScanFormat::Sarif, _) => {
                let head = serde_json::json!({
                    "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
                    "version": "2.1.0",
                });
                let head = serde_json::to_string(&head).map_err(io::Error::from)?;
                let driver = serde_json::json!({
                    "name": "certprep",
                    "version": self.tool_version,
                    "rules": sarif_rules(),
                });
                write!(
                    self.out,
                    "{},\"runs\":[{{\"tool\":{{\"driver\":{}}},\"columnKind\":\"unicodeCodePoints\",\"results\":[",
                    head.trim_end_matches('}'),
                    serde_json::to_string(&driver).map_err(io::Error::from)?
                )
            }
            _ => Ok(()),
        }
    }

    fn json_value<T: Serialize>(&mut self, v: &T) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, v).map_err(io::Error::from)
    }

    /// One file's report: its rows (in row mode), faults and (verbose) skip.
    pub fn file(&mut self, f: &FileReport) -> io::Result<()> {
        match self.format {
            ScanFormat::Junit => return self.junit_file(f),
            ScanFormat::Sarif => return self.sarif_file(f),
            ScanFormat::Prometheus => {
                self.prometheus.file(f);
                return Ok(());
            }
            _ => {}
        }
        if self.mode == ScanMode::Rows {
            for row in &f.rows {
                match self.format {
                    ScanFormat::Table => self.table.push(table_row(
                        &row.origin.to_string(),
                        &row.thumbprint,
                        row.subject_cn.as_deref(),
                        row.not_after,
                        row.days_left,
                        &row.findings,
                    )),
                    ScanFormat::Csv => {
                        let position = position(&row.origin).unwrap_or_default();
                        csv_line(
                            &mut self.out,
                            &[
                                &row.origin.path,
                                row.origin.entry.as_deref().unwrap_or(""),
                                &position,
                                &row.thumbprint.to_string(),
                                row.subject_cn.as_deref().unwrap_or(""),
                                &rfc3339(row.not_after),
                                &row.days_left.to_string(),
                                &worst(&row.findings),
                                &findings_text(&row.findings),
                            ],
                        )?;
                    }
                    ScanFormat::Jsonl | ScanFormat::Json => {
                        let jsonl = self.format == ScanFormat::Jsonl;
                        let t = &mut self.texts;
                        let has_position = location_into(t, &row.origin);
                        rfc3339_into(&mut t.not_after, row.not_after);
                        let out = RowOut {
                            kind: jsonl.then_some("certificate"),
                            location: LocationOut {
                                path: &row.origin.path,
                                entry: row.origin.entry.as_deref(),
                                position: has_position.then_some(Cow::Borrowed(&t.position)),
                                location: Cow::Borrowed(&t.location),
                            },
                            thumbprint: row.thumbprint.upper_hex(&mut t.thumbprint),
                            subject_cn: row.subject_cn.as_deref(),
                            not_after: &t.not_after,
                            days_left: row.days_left,
                            findings: &row.findings,
                        };
                        if !jsonl && !self.first_row {
                            self.out.write_all(b",")?;
                        }
                        self.first_row = false;
                        self.scratch.clear();
                        row_json(&mut self.scratch, &out);
                        if jsonl {
                            self.scratch.push(b'\n');
                        }
                        self.out.write_all(&self.scratch)?;
                    }
                    ScanFormat::Junit | ScanFormat::Sarif | ScanFormat::Prometheus => {}
                }
            }
        }
        for fault in &f.faults {
            let v = serde_json::json!({
                "path": f.path,
                "message": crate::report::error_chain(fault),
            });
            match self.format {
                ScanFormat::Jsonl => self.jsonl_record("fault", v)?,
                ScanFormat::Json => self.json_faults.push(v),
                ScanFormat::Table => self.table_faults.push(crate::report::sanitize_line(
                    &crate::report::error_chain(fault),
                )),
                _ => {}
            }
        }
        if let (FileStatus::Skipped(reason), true) = (f.status, self.verbose) {
            let v = serde_json::json!({
                "path": f.path,
                "reason": reason,
                "message": reason.to_string(),
            });
            match self.format {
                ScanFormat::Jsonl => self.jsonl_record("skipped", v)?,
                ScanFormat::Json => self.json_skipped.push(v),
                _ => {}
            }
        }
        Ok(())
    }

    fn jsonl_record(&mut self, kind: &str, mut v: serde_json::Value) -> io::Result<()> {
        let mut obj = serde_json::Map::new();
        obj.insert("type".into(), kind.into());
        if let Some(m) = v.as_object_mut() {
            obj.append(m);
        }
        self.json_value(&obj)?;
        self.out.write_all(b"\n")
    }

    /// In `--expiring-within` mode: the merged certificates, soonest first.
    pub fn expiring(&mut self, certs: &[ExpiringCert]) -> io::Result<()> {
        match self.format {
            ScanFormat::Junit => return self.junit_expiring(certs),
            ScanFormat::Sarif => {
                for c in certs {
                    self.sarif_results(&c.thumbprint, &c.findings, &c.locations)?;
                }
                return Ok(());
            }
            ScanFormat::Prometheus => {
                self.prometheus.expiring(certs);
                return Ok(());
            }
            _ => {}
        }
        for c in certs {
            match self.format {
                ScanFormat::Table => {
                    let first = c
                        .locations
                        .first()
                        .map(|o| o.to_string())
                        .unwrap_or_default();
                    let path = match c.locations.len() {
                        0 | 1 => first,
                        n => format!("{first} (+{} more)", n - 1),
                    };
                    self.table.push(table_row(
                        &path,
                        &c.thumbprint,
                        c.subject_cn.as_deref(),
                        c.not_after,
                        c.days_left,
                        &c.findings,
                    ));
                }
                ScanFormat::Csv => {
                    let locations = c
                        .locations
                        .iter()
                        .map(|o| o.to_string())
                        .collect::<Vec<_>>()
                        .join("\n");
                    csv_line(
                        &mut self.out,
                        &[
                            &c.thumbprint.to_string(),
                            c.subject_cn.as_deref().unwrap_or(""),
                            &rfc3339(c.not_after),
                            &c.days_left.to_string(),
                            &worst(&c.findings),
                            &findings_text(&c.findings),
                            &c.locations.len().to_string(),
                            &locations,
                        ],
                    )?;
                }
                ScanFormat::Jsonl | ScanFormat::Json => {
                    let jsonl = self.format == ScanFormat::Jsonl;
                    let out = ExpiringOut {
                        kind: jsonl.then_some("expiring"),
                        thumbprint: c.thumbprint.to_string(),
                        subject_cn: c.subject_cn.as_deref(),
                        not_after: rfc3339(c.not_after),
                        days_left: c.days_left,
                        findings: &c.findings,
                        locations: c.locations.iter().map(location).collect(),
                    };
                    if !jsonl && !self.first_row {
                        self.out.write_all(b",")?;
                    }
                    self.first_row = false;
                    self.json_value(&out)?;
                    if jsonl {
                        self.out.write_all(b"\n")?;
                    }
                }
                ScanFormat::Junit | ScanFormat::Sarif | ScanFormat::Prometheus => {}
            }
        }
        Ok(())
    }

    /// Write what comes after the last file: the table, JSON summary and closing brackets.
    pub fn finish(&mut self, summary: &ScanSummary) -> io::Result<()> {
        match self.format {
            ScanFormat::Table => self.write_table()?,
            ScanFormat::Csv => {}
            ScanFormat::Jsonl => self.jsonl_record(
                "summary",
                serde_json::to_value(summary).map_err(io::Error::from)?,
            )?,
            ScanFormat::Json => {
                self.out.write_all(b"],\"faults\":")?;
                let faults = std::mem::take(&mut self.json_faults);
                self.json_value(&faults)?;
                if self.verbose {
                    self.out.write_all(b",\"skipped\":")?;
                    let skipped = std::mem::take(&mut self.json_skipped);
                    self.json_value(&skipped)?;
                }
                self.out.write_all(b",\"summary\":")?;
                self.json_value(summary)?;
                self.out.write_all(b"}\n")?;
            }
            ScanFormat::Junit => self.out.write_all(b"</testsuites>\n")?,
            ScanFormat::Prometheus => self.prometheus.finish(&mut self.out, summary)?,
            ScanFormat::Sarif => {
                let notes = std::mem::take(&mut self.json_faults);
                let invocations = serde_json::json!([{
                    // A file that could not be read means the analysis is not complete.
                    "executionSuccessful": notes.is_empty(),
                    "toolExecutionNotifications": notes,
                }]);
                self.out.write_all(b"],\"invocations\":")?;
                self.json_value(&invocations)?;
                self.out.write_all(b"}]}\n")?;
            }
        }
        self.out.flush()
    }

    fn junit_case(&mut self, class: &str, name: &str, findings: &[Finding]) -> io::Result<()> {
        let (failing, other): (Vec<&Finding>, Vec<&Finding>) =
            findings.iter().partition(|f| f.severity >= self.fail_on);
        write!(
            self.out,
            "    <testcase classname=\"{}\" name=\"{}\"",
            xml_escape(class),
            xml_escape(name)
        )?;
        if failing.is_empty() && other.is_empty() {
            return self.out.write_all(b"/>\n");
        }
        self.out.write_all(b">\n")?;
        if let Some(first) = failing.first() {
            let body: Vec<String> = failing
                .iter()
                .map(|f| format!("{} ({}): {}", f.rule, f.severity, f.message))
                .collect();
            writeln!(
                self.out,
                "      <failure message=\"{}: {}\" type=\"{}\">{}</failure>",
                xml_escape(&first.rule),
                xml_escape(&first.message),
                first.severity,
                xml_escape(&body.join("\n"))
            )?;
        }
        if !other.is_empty() {
            let body: Vec<String> = other
                .iter()
                .map(|f| format!("{} ({}): {}", f.rule, f.severity, f.message))
                .collect();
            writeln!(
                self.out,
                "      <system-out>{}</system-out>",
                xml_escape(&body.join("\n"))
            )?;
        }
        self.out.write_all(b"    </testcase>\n")
    }

    fn junit_file(&mut self, f: &FileReport) -> io::Result<()> {
        let rows: &[crate::scan::CertRow] = if self.mode == ScanMode::Rows {
            &f.rows
        } else {
            &[]
        };
        let skipped = matches!(f.status, FileStatus::Skipped(_)) && self.verbose;
        if rows.is_empty() && f.faults.is_empty() && !skipped {
            return Ok(());
        }
        let failures = rows
            .iter()
            .filter(|r| r.findings.iter().any(|x| x.severity >= self.fail_on))
            .count();
        writeln!(
            self.out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{}\" skipped=\"{}\">",
            xml_escape(&f.path),
            rows.len() + f.faults.len() + usize::from(skipped),
            f.faults.len(),
            usize::from(skipped)
        )?;
        for row in rows {
            let name = format!(
                "{} [{}] {}",
                row.origin,
                row.thumbprint,
                row.subject_cn.as_deref().unwrap_or("")
            );
            self.junit_case(&f.path, name.trim_end(), &row.findings)?;
        }
        for fault in &f.faults {
            writeln!(
                self.out,
                "    <testcase classname=\"{0}\" name=\"read {0}\">\n      <error message=\"{1}\"/>\n    </testcase>",
                xml_escape(&f.path),
                xml_escape(&crate::report::error_chain(fault))
            )?;
        }
        if let (FileStatus::Skipped(reason), true) = (f.status, skipped) {
            writeln!(
                self.out,
                "    <testcase classname=\"{0}\" name=\"read {0}\">\n      <skipped message=\"{1}\"/>\n    </testcase>",
                xml_escape(&f.path),
                xml_escape(&reason.to_string())
            )?;
        }
        self.out.write_all(b"  </testsuite>\n")
    }

    fn junit_expiring(&mut self, certs: &[ExpiringCert]) -> io::Result<()> {
        let failures = certs
            .iter()
            .filter(|c| c.findings.iter().any(|x| x.severity >= self.fail_on))
            .count();
        writeln!(
            self.out,
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
            let first = c
                .locations
                .first()
                .map(|o| o.path.clone())
                .unwrap_or_default();
            self.junit_case(&first, &name, &c.findings)?;
        }
        self.out.write_all(b"  </testsuite>\n")
    }

    fn sarif_file(&mut self, f: &FileReport) -> io::Result<()> {
        if self.mode == ScanMode::Rows {
            for row in &f.rows {
                self.sarif_results(
                    &row.thumbprint,
                    &row.findings,
                    std::slice::from_ref(&row.origin),
                )?;
            }
        }
        for fault in &f.faults {
            self.json_faults.push(serde_json::json!({
                "level": "error",
                "message": { "text": crate::report::error_chain(fault) },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": sarif::path_uri(&f.path) }
                }}],
            }));
        }
        Ok(())
    }

    fn sarif_results(
        &mut self,
        thumbprint: &crate::thumbprint::Thumbprint,
        findings: &[Finding],
        locations: &[Origin],
    ) -> io::Result<()> {
        for f in findings {
            let rule_index = RULES.iter().position(|r| r.id == f.rule);
            let mut result = serde_json::json!({
                "ruleId": f.rule,
                "level": sarif_level(f.severity),
                "message": { "text": f.message },
                "locations": locations.iter().map(|o| serde_json::json!({
                    "physicalLocation": { "artifactLocation": { "uri": sarif::path_uri(&o.path) } },
                    "logicalLocations": [{ "name": o.to_string(), "kind": "object" }],
                })).collect::<Vec<_>>(),
                "partialFingerprints": { "certprep/thumbprint-rule": format!("{thumbprint}:{}", f.rule) },
                "properties": { "thumbprint": thumbprint.to_string() },
            });
            if let Some(i) = rule_index {
                result["ruleIndex"] = i.into();
            }
            if !self.first_row {
                self.out.write_all(b",")?;
            }
            self.first_row = false;
            self.json_value(&result)?;
        }
        Ok(())
    }

    fn write_table(&mut self) -> io::Result<()> {
        let faults = std::mem::take(&mut self.table_faults);
        if !self.table.is_empty() {
            self.write_table_rows()?;
            if !faults.is_empty() {
                writeln!(self.out)?;
            }
        }
        // Files that could not be read (or only partly) are part of the report, not only of
        // stderr: a table saved to a file still shows them.
        for f in faults {
            writeln!(self.out, "fault: {f}")?;
        }
        Ok(())
    }

    fn write_table_rows(&mut self) -> io::Result<()> {
        let header = [
            "PATH",
            "THUMBPRINT",
            "SUBJECT CN",
            "NOT AFTER",
            "DAYS",
            "FINDINGS",
        ];
        let mut widths = header.map(|h| h.chars().count());
        for row in &self.table {
            for (w, cell) in widths.iter_mut().zip(row.iter()) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let rows = std::mem::take(&mut self.table);
        let header = header.map(str::to_owned);
        for row in std::iter::once(&header).chain(rows.iter()) {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i == 5 {
                    line.push_str(cell);
                } else {
                    let pad = widths[i].saturating_sub(cell.chars().count());
                    if i == 4 {
                        // numbers right-aligned
                        line.push_str(&" ".repeat(pad));
                        line.push_str(cell);
                    } else {
                        line.push_str(cell);
                        line.push_str(&" ".repeat(pad));
                    }
                    line.push_str("  ");
                }
            }
            writeln!(self.out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_text_is_the_origin_display_and_rfc3339_matches_the_formatter() {
        use crate::origin::Part;
        for (entry, parts) in [
            (None, vec![]),
            (Some("inner/a.pem"), vec![Part::Block(2)]),
            (None, vec![Part::Bag(1), Part::Cert(3)]),
            (
                None,
                vec![Part::Block(10), Part::Cert(1_234_567), Part::Bag(0)],
            ),
            (None, vec![Part::Block(usize::MAX)]),
        ] {
            let o = Origin {
                path: "dir/x.zip".into(),
                entry: entry.map(Into::into),
                parts: parts.into(),
            };
            assert_eq!(location(&o).location, o.to_string());
        }
        for t in [
            time::macros::datetime!(2028-11-20 00:00:00 UTC),
            time::macros::datetime!(1950-01-01 23:59:59 UTC),
            time::macros::datetime!(9999-12-31 23:59:59 UTC),
            time::macros::datetime!(2028-11-20 00:00:00.5 UTC),
            time::macros::datetime!(2028-11-20 00:00:00 +02:00),
        ] {
            assert_eq!(rfc3339(t), t.format(&Rfc3339).unwrap(), "{t}");
        }
    }

    #[test]
    fn row_json_writes_what_serde_json_writes() {
        let awkward = [
            "plain",
            "",
            "quote \" and backslash \\",
            "line\nbreak\r\ttab \u{1} \u{1f}",
            "Zürich — 東京 \u{7f}",
        ];
        for (i, s) in awkward.iter().enumerate() {
            let findings = [
                Finding {
                    rule: "expired".into(),
                    severity: Severity::Error,
                    message: s.to_string(),
                },
                Finding {
                    rule: s.to_string().into(),
                    severity: Severity::Info,
                    message: "x".into(),
                },
            ];
            let row = RowOut {
                kind: (i % 2 == 0).then_some("certificate"),
                location: LocationOut {
                    path: s,
                    entry: (i % 3 == 0).then_some(*s),
                    position: (i % 2 == 1).then(|| format!("{s} 1").into()),
                    location: format!("{s} (x)").into(),
                },
                thumbprint: s,
                subject_cn: (i != 1).then_some(*s),
                not_after: s,
                days_left: [-31, 0, 7, i64::MIN, i64::MAX][i],
                findings: &findings[..i % 3],
            };
            let mut ours = Vec::new();
            row_json(&mut ours, &row);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(&row).unwrap()
            );
        }
    }

    proptest::proptest! {
        /// Any string, quotes, backslashes and control characters included, is written as
        /// serde_json writes it.
        #[test]
        fn json_str_writes_what_serde_json_writes(s in "(\\PC|[\"\\\\\\x00-\\x1f\\x7f])*") {
            let mut ours = Vec::new();
            json_str(&mut ours, &s);
            proptest::prop_assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }

    #[test]
    fn csv_field_quotes_only_when_needed() {
        let mut s = String::new();
        csv_field(&mut s, "plain");
        csv_field(&mut s, "a,b");
        csv_field(&mut s, "say \"hi\"");
        csv_field(&mut s, "two\nlines");
        assert_eq!(s, "plain\"a,b\"\"say \"\"hi\"\"\"\"two\nlines\"");
    }
}
