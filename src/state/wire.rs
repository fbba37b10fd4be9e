//! How `ConvertTo-Json` in the Exchange Management Shell writes the values certprep reads, and
//! the serde adapters that read them: lists that arrive as `null`, one string or an array;
//! Exchange flag enums printed as `"IMAP, POP, IIS, SMTP"`; empty strings meaning "not set";
//! thumbprints; the certificate's DER as base64.
//!
//! Windows PowerShell 5.1 (the shell Exchange runs in) writes `[DateTime]` as
//! `"\/Date(…)\/"`, so the collector formats dates itself as RFC 3339 in UTC; enums come
//! through implicit remoting as deserialized objects, so the collector casts them with
//! `[string]`, which prints a flags enum as its names joined by `", "`.

use crate::model::Cert;
use crate::origin::Origin;
use crate::thumbprint::Thumbprint;
use serde::de::{Deserializer, Error as _};
use serde::ser::Serializer;
use serde::Deserialize;

/// A JSON value that is one string, a list of strings, or null.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<Option<String>>),
}

/// A list of strings: `null` is empty, one string is a list of one (`ConvertTo-Json` unrolls a
/// one-element collection that was not wrapped in `@()`), empty strings are dropped.
pub(crate) fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::One(s)) if s.trim().is_empty() => Vec::new(),
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect(),
    })
}

/// A flags value: `"IMAP, POP, IIS, SMTP"` (a flags enum cast to `[string]`) or an array of
/// names; split on commas, trimmed, empty entries dropped.
pub(crate) fn flag_names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let items = string_list(d)?;
    Ok(items
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect())
}

/// An optional string: `null` and `""` (what an unset Exchange property prints) are `None`.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.trim().is_empty()))
}

/// A required thumbprint (40 or 64 hex digits, as Windows prints it).
pub(crate) fn thumbprint<'de, D: Deserializer<'de>>(d: D) -> Result<Thumbprint, D::Error> {
    let s = String::deserialize(d)?;
    Thumbprint::parse(&s).ok_or_else(|| {
        D::Error::custom(format!(
            "{s:?} is not a thumbprint (40 hexadecimal digits, as Get-ExchangeCertificate prints it)"
        ))
    })
}

/// An optional thumbprint: `null` and `""` are `None`.
pub(crate) fn opt_thumbprint<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Thumbprint>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => Thumbprint::parse(&s).map(Some).ok_or_else(|| {
            D::Error::custom(format!(
                "{s:?} is not a thumbprint (40 hexadecimal digits, as Get-ExchangeCertificate prints it)"
            ))
        }),
    }
}

/// Write a thumbprint as Windows prints it.
pub(crate) fn ser_thumbprint<S: Serializer>(t: &Thumbprint, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(t)
}

/// Write an optional thumbprint (`null` when unset).
pub(crate) fn ser_opt_thumbprint<S: Serializer>(
    t: &Option<Thumbprint>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.collect_str(t),
        None => s.serialize_none(),
    }
}

/// The certificate's DER as standard base64 (`[Convert]::ToBase64String($cert.RawData)`),
/// parsed with certprep's model. Whitespace inside the text (a wrapped paste) is ignored.
pub(crate) mod cert_der {
    use super::*;

    /// Read base64 DER and parse it.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Cert, D::Error> {
        let text = String::deserialize(d)?;
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        if compact.is_empty() {
            return Err(D::Error::custom(
                "is empty; the collector could not read this certificate's DER",
            ));
        }
        let der = base64_simd::STANDARD
            .decode_to_vec(compact.as_bytes())
            .map_err(|_| D::Error::custom("is not base64 (a character outside A-Z a-z 0-9 + / =, or a wrong length or padding)"))?;
        Cert::from_der(der, Origin::file("RawData")).map_err(|e| match e {
            crate::input_error::InputError::Malformed { source, .. } => {
                D::Error::custom(format!("is not a DER certificate ({source})"))
            }
            other => D::Error::custom(other),
        })
    }

    /// Write the DER as base64.
    pub(crate) fn serialize<S: Serializer>(cert: &Cert, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64_simd::STANDARD.encode_to_string(&cert.der))
    }
}
