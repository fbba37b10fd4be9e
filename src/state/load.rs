//! Reading `exchange-state.json`: text encodings, the schema version, field-path errors, and
//! the check that each certificate's thumbprint is the SHA-1 of its DER.

use super::{State, MAX_STATE_BYTES, SCHEMA_VERSION};
use crate::origin::Origin;

/// Why a state file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Larger than [`MAX_STATE_BYTES`].
    #[error("{origin}: {size} bytes, more than the {cap} bytes certprep reads as a state file; give the exchange-state.json that collect.ps1 wrote")]
    TooLarge {
        /// Where.
        origin: Origin,
        /// Its size.
        size: usize,
        /// The cap.
        cap: usize,
    },
    /// Not UTF-8 or UTF-16 text.
    #[error("{origin}: not text (neither UTF-8 nor UTF-16); give the exchange-state.json that collect.ps1 wrote")]
    NotText {
        /// Where.
        origin: Origin,
    },
    /// Not JSON.
    #[error(
        "{origin}: not valid JSON; give the exchange-state.json that collect.ps1 wrote, unedited"
    )]
    Json {
        /// Where.
        origin: Origin,
        /// The JSON parser's error (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// JSON, but not a certprep state file.
    #[error("{origin}: not an exchange-state file (found {found}, no SchemaVersion); run the script `certprep collect` writes to make one")]
    NotState {
        /// Where.
        origin: Origin,
        /// What the JSON looks like.
        found: String,
    },
    /// A schema version this certprep does not read.
    #[error("{origin}: SchemaVersion is {version}, and this certprep reads version {SCHEMA_VERSION}; collect again with this certprep's collect script")]
    UnsupportedVersion {
        /// Where.
        origin: Origin,
        /// The version found, as written.
        version: String,
    },
    /// A field with a wrong type or value.
    #[error("{origin}: {path} is wrong; fix it or collect again")]
    Field {
        /// Where.
        origin: Origin,
        /// The JSON path (`Certificates[2].RawData`).
        path: String,
        /// What is wrong with it.
        #[source]
        source: serde_json::Error,
    },
    /// A certificate's thumbprint does not match its DER.
    #[error("{origin}: Certificates[{index}].Thumbprint is {stated}, but the certificate in its RawData has thumbprint {actual}; the file was edited or damaged, collect again")]
    ThumbprintMismatch {
        /// Where.
        origin: Origin,
        /// Index in `Certificates`.
        index: usize,
        /// The thumbprint the file states.
        stated: String,
        /// The SHA-1 of the DER.
        actual: String,
    },
}

/// Read an `exchange-state.json`: UTF-8 (with or without a byte-order mark) or UTF-16 with a
/// byte-order mark (what Windows PowerShell 5.1's `Out-File` and `>` write). Refuses files
/// over [`MAX_STATE_BYTES`], files that are not a state file, schema versions other than
/// [`SCHEMA_VERSION`], fields of the wrong type or value (the error names the field's JSON
/// path), unknown fields (a misspelt property must not pass silently), and certificates whose
/// `Thumbprint` is not the SHA-1 of their `RawData`.
pub fn load(bytes: &[u8], origin: &Origin) -> Result<State, StateError> {
    if bytes.len() > MAX_STATE_BYTES {
        return Err(StateError::TooLarge {
            origin: origin.clone(),
            size: bytes.len(),
            cap: MAX_STATE_BYTES,
        });
    }
    let text = decode_text(bytes).ok_or_else(|| StateError::NotText {
        origin: origin.clone(),
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|source| StateError::Json {
            origin: origin.clone(),
            source,
        })?;
    check_version(&value, origin)?;
    let state: State = serde_path_to_error::deserialize(&value).map_err(|e| StateError::Field {
        origin: origin.clone(),
        path: e.path().to_string(),
        source: e.into_inner(),
    })?;
    let mut state = state;
    for (index, c) in state.certificates.iter_mut().enumerate() {
        let actual = *c.cert.sha1();
        if c.thumbprint != actual {
            return Err(StateError::ThumbprintMismatch {
                origin: origin.clone(),
                index,
                stated: c.thumbprint.to_string(),
                actual: actual.to_string(),
            });
        }
        c.cert.origin = origin.in_entry(format!("Certificates[{index}]"));
    }
    Ok(state)
}

fn decode_text(bytes: &[u8]) -> Option<String> {
    let utf16 = |rest: &[u8], le: bool| -> Option<String> {
        if !rest.len().is_multiple_of(2) {
            return None;
        }
        let units = rest.chunks_exact(2).map(|p| {
            if le {
                u16::from_le_bytes([p[0], p[1]])
            } else {
                u16::from_be_bytes([p[0], p[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .ok()
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).ok(),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

fn check_version(value: &serde_json::Value, origin: &Origin) -> Result<(), StateError> {
    let found = |v: &serde_json::Value| -> String {
        match v {
            serde_json::Value::Object(m) => {
                let keys: Vec<&str> = m.keys().take(4).map(String::as_str).collect();
                if keys.is_empty() {
                    "an empty object".to_owned()
                } else {
                    format!("an object with keys {}", keys.join(", "))
                }
            }
            serde_json::Value::Array(a) => format!("an array of {} items", a.len()),
            serde_json::Value::String(_) => "a string".to_owned(),
            serde_json::Value::Number(_) => "a number".to_owned(),
            serde_json::Value::Bool(_) => "a boolean".to_owned(),
            serde_json::Value::Null => "null".to_owned(),
        }
    };
    let version = match value {
        serde_json::Value::Object(m) => m.get("SchemaVersion"),
        _ => None,
    };
    match version {
        None => Err(StateError::NotState {
            origin: origin.clone(),
            found: found(value),
        }),
        Some(v) if v.as_u64() == Some(u64::from(SCHEMA_VERSION)) => Ok(()),
        Some(v) => Err(StateError::UnsupportedVersion {
            origin: origin.clone(),
            version: v.to_string(),
        }),
    }
}
