//! The JSON and JSON Lines records (`docs/scan.schema.json`) as serde structs, serialised by
//! serde_json. They borrow from the scan's rows, and their texts (thumbprint, location,
//! position, notAfter) are written by serde_json straight from `Display` (`collect_str`) or by
//! `time`'s RFC 3339 formatter, so a row costs no intermediate strings of its own.
//!
//! Field order is the schema's contract. Certificate and expiring records keep their
//! declaration order; fault and skipped records list their keys in alphabetical order
//! (`"type"` last), as schema version 1 has always written them.

use super::finding::FindingsOut;
use crate::origin::{Origin, Part};
use crate::scan::{CertRow, ExpiringCert, SkipReason};
use crate::thumbprint::Thumbprint;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::io;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// `t` in RFC 3339, as `time` writes it (UTC as `Z`; a fraction only when there is one).
/// It fails only for years outside 0–9999, which neither an X.509 time nor `--at` can hold.
pub(super) fn rfc3339(t: OffsetDateTime) -> io::Result<String> {
    t.format(&Rfc3339).map_err(io::Error::other)
}

/// Where a certificate was found: path, ZIP entry, position in the file and all three as one
/// text (`Origin`'s `Display`).
#[derive(Serialize)]
pub(super) struct LocationOut<'a> {
    path: &'a str,
    entry: Option<&'a str>,
    position: Option<Cow<'a, str>>,
    location: Cow<'a, str>,
}

impl<'a> LocationOut<'a> {
    /// With texts of its own (an expiring entry's locations).
    fn owned(o: &'a Origin) -> Self {
        LocationOut {
            path: &o.path,
            entry: o.entry.as_deref(),
            position: (!o.parts.is_empty()).then(|| PositionText(&o.parts).to_string().into()),
            location: o.to_string().into(),
        }
    }
}

/// Reused buffers for a row's location texts, which its record borrows: a row allocates
/// nothing, and serde_json writes each text as one string.
#[derive(Default)]
pub(super) struct Texts {
    position: String,
    location: String,
}

impl Texts {
    /// `o`'s position (None for a whole file) and location texts.
    fn fill(&mut self, o: &Origin) -> (Option<&str>, &str) {
        self.position.clear();
        self.location.clear();
        // Writing to a String cannot fail.
        let _ = write!(self.position, "{}", PositionText(&o.parts));
        let _ = write!(self.location, "{o}");
        let position = (!o.parts.is_empty()).then_some(self.position.as_str());
        (position, &self.location)
    }
}

/// The position inside a file as text, parts joined by `, ` (`PEM block 1, certificate 2`):
/// what `Origin`'s `Display` writes between the parentheses.
pub(super) struct PositionText<'a>(pub(super) &'a [Part]);

impl fmt::Display for PositionText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            fmt::Display::fmt(p, f)?;
        }
        Ok(())
    }
}

impl Serialize for PositionText<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A `certificate` record: one row.
#[derive(Serialize)]
pub(super) struct CertificateOut<'a> {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    // The location's fields, written here rather than `#[serde(flatten)]`: flattening makes
    // serde go through a map and buffer what it cannot stream.
    path: &'a str,
    entry: Option<&'a str>,
    position: Option<&'a str>,
    location: &'a str,
    thumbprint: &'a Thumbprint,
    subject_cn: Option<&'a str>,
    #[serde(with = "time::serde::rfc3339")]
    not_after: OffsetDateTime,
    days_left: i64,
    findings: FindingsOut<'a>,
}

impl<'a> CertificateOut<'a> {
    /// `row` as a record, its location texts in `texts`; `kind` is `Some("certificate")` in
    /// JSON Lines.
    pub(super) fn new(kind: Option<&'static str>, row: &'a CertRow, texts: &'a mut Texts) -> Self {
        let (position, location) = texts.fill(&row.origin);
        CertificateOut {
            kind,
            path: &row.origin.path,
            entry: row.origin.entry.as_deref(),
            position,
            location,
            thumbprint: &row.thumbprint,
            subject_cn: row.subject_cn.as_deref(),
            not_after: row.not_after,
            days_left: row.days_left,
            findings: FindingsOut(&row.findings),
        }
    }
}

/// An `expiring` record: one thumbprint and every place it was found.
#[derive(Serialize)]
pub(super) struct ExpiringOut<'a> {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    thumbprint: &'a Thumbprint,
    subject_cn: Option<&'a str>,
    #[serde(with = "time::serde::rfc3339")]
    not_after: OffsetDateTime,
    days_left: i64,
    findings: FindingsOut<'a>,
    #[serde(serialize_with = "locations")]
    locations: &'a [Origin],
}

fn locations<S: Serializer>(origins: &&[Origin], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(origins.iter().map(LocationOut::owned))
}

impl<'a> ExpiringOut<'a> {
    /// `c` as a record; `kind` is `Some("expiring")` in JSON Lines.
    pub(super) fn new(kind: Option<&'static str>, c: &'a ExpiringCert) -> Self {
        ExpiringOut {
            kind,
            thumbprint: &c.thumbprint,
            subject_cn: c.subject_cn.as_deref(),
            not_after: c.not_after,
            days_left: c.days_left,
            findings: FindingsOut(&c.findings),
            locations: &c.locations,
        }
    }
}

/// A `fault` record (keys in alphabetical order, see the module comment).
#[derive(Serialize)]
pub(super) struct FaultOut {
    pub(super) message: String,
    pub(super) path: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub(super) kind: Option<&'static str>,
}

/// A `skipped` record (keys in alphabetical order, see the module comment).
#[derive(Serialize)]
pub(super) struct SkippedOut {
    pub(super) message: String,
    pub(super) path: String,
    pub(super) reason: SkipReason,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub(super) kind: Option<&'static str>,
}

impl SkippedOut {
    pub(super) fn new(kind: Option<&'static str>, path: &str, reason: SkipReason) -> Self {
        SkippedOut {
            message: reason.to_string(),
            path: path.to_owned(),
            reason,
            kind,
        }
    }
}

impl FaultOut {
    pub(super) fn new(kind: Option<&'static str>, path: &str, fault: &crate::scan::Fault) -> Self {
        FaultOut {
            message: super::fault_text(fault),
            path: path.to_owned(),
            kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_text_is_the_origin_display_and_position_its_parenthesis() {
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
            let v = serde_json::to_value(LocationOut::owned(&o)).unwrap();
            let mut texts = Texts::default();
            let (position, location) = texts.fill(&o);
            assert_eq!(v["position"].as_str(), position);
            assert_eq!(v["location"], location);
            assert_eq!(v["location"], o.to_string());
            let text = o.to_string();
            let position = text
                .strip_suffix(')')
                .and_then(|t| t.split_once(" ("))
                .map(|(_, p)| p.to_owned());
            assert_eq!(v["position"].as_str(), position.as_deref(), "{o}");
        }
    }
}
