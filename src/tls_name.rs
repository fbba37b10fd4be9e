//! The connector TLS certificate name (`<I>issuer<S>subject`), what administrators paste back
//! from `Get-SendConnector`, and a typed explanation of every way the two differ.
//!
//! Rendering itself lives in [`crate::dn`]; this module reads pasted text tolerantly (a
//! `TlsCertificateName :` prefix, PowerShell quotes, wrapped lines, trailing spaces), splits it
//! at the tags and compares each half with the certificate structurally, so that cosmetic
//! mistakes (OpenSSL's `ST=`, forward order, extra spaces, `</I>`) are told apart from a real
//! change (a new intermediate changes `<I>`). It also picks the leaf of a bundle by names.

use crate::dn::{render_rdns, render_windows, windows_rdns, WindowsAttribute};
use crate::model::{Cert, DistinguishedName};
use std::fmt;

/// The Exchange connector TLS certificate name: `<I>` + issuer + `<S>` + subject, no closing
/// tags, no spaces (Set-SendConnector / Set-ReceiveConnector / Set-HybridConfiguration docs).
pub fn tls_name(issuer: &DistinguishedName, subject: &DistinguishedName) -> String {
    format!(
        "<I>{}<S>{}",
        render_windows(issuer),
        render_windows(subject)
    )
}

// ---------------------------------------------------------------------------------------------
// Leaf selection
// ---------------------------------------------------------------------------------------------

/// Why no single leaf could be chosen from a set of certificates.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LeafError {
    /// No certificate at all.
    #[error("no certificate found")]
    Empty,
    /// Every certificate issues another one (for example two cross-signed CAs).
    #[error("every certificate issues another one, so none is the leaf; give the leaf certificate alone")]
    NoLeaf,
    /// Several certificates issue none of the others.
    #[error("{} certificates issue none of the others ({}), so the leaf is ambiguous; give the leaf certificate alone", .candidates.len(), .names.join("; "))]
    Ambiguous {
        /// Indexes (into the slice given) of the candidates.
        candidates: Vec<usize>,
        /// Their subjects, Windows style.
        names: Vec<String>,
    },
}

/// Pick the leaf: the certificate that issues none of the others, comparing names (an
/// issuer's subject DER equals the other's issuer DER). Self-issued certificates do not count
/// as issuing themselves, and exact duplicates count once. When several qualify, one that is
/// not a CA (Basic Constraints) is preferred if it is the only such one.
///
/// Name matching only: signatures are not checked (the `chain` module's `find_leaf` does that).
pub fn find_leaf_by_name(certs: &[Cert]) -> Result<usize, LeafError> {
    if certs.is_empty() {
        return Err(LeafError::Empty);
    }
    // First occurrence of every distinct certificate.
    let distinct: Vec<usize> = (0..certs.len())
        .filter(|&i| !certs[..i].iter().any(|c| c.der == certs[i].der))
        .collect();
    // i issues j when j names i's subject as its issuer. Certificates with the same subject
    // (a self-signed root and its cross-signed twin, a re-keyed CA) do not issue each other
    // for this purpose, so a self-issued certificate never hides a leaf.
    let issues_another = |i: usize| {
        distinct.iter().any(|&j| {
            certs[j].der != certs[i].der
                && certs[j].issuer.der == certs[i].subject.der
                && certs[j].subject.der != certs[i].subject.der
        })
    };
    let candidates: Vec<usize> = distinct
        .iter()
        .copied()
        .filter(|&i| !issues_another(i))
        .collect();
    match candidates.len() {
        0 => Err(LeafError::NoLeaf),
        1 => Ok(candidates[0]),
        _ => {
            let non_ca: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&i| !certs[i].basic_constraints.is_some_and(|b| b.ca))
                .collect();
            if non_ca.len() == 1 {
                return Ok(non_ca[0]);
            }
            Err(LeafError::Ambiguous {
                names: candidates
                    .iter()
                    .map(|&i| render_windows(&certs[i].subject))
                    .collect(),
                candidates,
            })
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading what users paste
// ---------------------------------------------------------------------------------------------

/// Something the tolerant reader removed from pasted text before comparing. These are paste
/// artefacts, not differences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unwrapped {
    /// A leading `TlsCertificateName :` (Format-List output).
    ListPrefix,
    /// Everything up to and including a `-TlsCertificateName` parameter name.
    Parameter,
    /// Several lines joined (Format-List wraps long values).
    JoinedLines(usize),
    /// Surrounding whitespace.
    Whitespace,
    /// A PowerShell single-quoted string (`'…'`, quotes inside doubled).
    SingleQuoted,
    /// A PowerShell double-quoted string (`"…"`, `""` and `` `" `` inside).
    DoubleQuoted,
}

impl fmt::Display for Unwrapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unwrapped::ListPrefix => f.write_str("ignored the \"TlsCertificateName :\" label"),
            Unwrapped::Parameter => f.write_str("read the value after -TlsCertificateName"),
            Unwrapped::JoinedLines(n) => write!(f, "joined {n} wrapped lines"),
            Unwrapped::Whitespace => f.write_str("ignored surrounding whitespace"),
            Unwrapped::SingleQuoted => {
                f.write_str("read the value inside PowerShell single quotes")
            }
            Unwrapped::DoubleQuoted => {
                f.write_str("read the value inside PowerShell double quotes")
            }
        }
    }
}

/// Pasted text after tolerant reading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pasted {
    /// The text as given.
    pub raw: String,
    /// The value that is compared.
    pub value: String,
    /// What was removed on the way, in order.
    pub unwrapped: Vec<Unwrapped>,
}

/// Read pasted text: drop a BOM, a `TlsCertificateName :` label or everything up to
/// `-TlsCertificateName`, join wrapped lines, trim whitespace and undo PowerShell quoting.
pub fn read_paste(raw: &str) -> Pasted {
    let mut unwrapped = Vec::new();
    let mut s: String = raw.trim_start_matches('\u{FEFF}').replace("\r\n", "\n");

    if let Some(pos) = find_ci(&s, "-TlsCertificateName") {
        s = s[pos + "-TlsCertificateName".len()..].to_owned();
        unwrapped.push(Unwrapped::Parameter);
    } else {
        let t = s.trim_start();
        if t.len() >= "TlsCertificateName".len()
            && t.is_char_boundary("TlsCertificateName".len())
            && t["TlsCertificateName".len()..]
                .trim_start()
                .starts_with(':')
            && t[.."TlsCertificateName".len()].eq_ignore_ascii_case("TlsCertificateName")
        {
            let after = t["TlsCertificateName".len()..].trim_start();
            s = after[1..].to_owned();
            unwrapped.push(Unwrapped::ListPrefix);
        }
    }

    let trimmed = s.trim_matches(is_paste_space);
    if trimmed.len() != s.len() {
        unwrapped.push(Unwrapped::Whitespace);
    }
    let mut s = trimmed.to_owned();

    if s.contains('\n') {
        // Format-List wraps long values and indents the continuation lines.
        let lines: Vec<&str> = s.split('\n').collect();
        unwrapped.push(Unwrapped::JoinedLines(lines.len()));
        let mut joined = String::new();
        for (i, line) in lines.iter().enumerate() {
            let line = line.trim_end_matches(is_paste_space);
            joined.push_str(if i == 0 {
                line
            } else {
                line.trim_start_matches(is_paste_space)
            });
        }
        s = joined;
    }

    let first = s.chars().next();
    let last = s.chars().last();
    if s.chars().count() >= 2 {
        if let (Some(a), Some(b)) = (first, last) {
            if crate::powershell::SINGLE_QUOTES.contains(&a)
                && crate::powershell::SINGLE_QUOTES.contains(&b)
            {
                let inner = &s[a.len_utf8()..s.len() - b.len_utf8()];
                s = undouble_single_quotes(inner);
                unwrapped.push(Unwrapped::SingleQuoted);
            } else if a == '"' && b == '"' {
                let inner = &s[1..s.len() - 1];
                s = unescape_double_quoted(inner);
                unwrapped.push(Unwrapped::DoubleQuoted);
            }
        }
    }
    Pasted {
        raw: raw.to_owned(),
        value: s,
        unwrapped,
    }
}

fn is_paste_space(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u{A0}'
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.to_ascii_lowercase();
    h.find(&needle.to_ascii_lowercase())
}

fn undouble_single_quotes(inner: &str) -> String {
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if crate::powershell::SINGLE_QUOTES.contains(&c) {
            if let Some(&n) = chars.peek() {
                if crate::powershell::SINGLE_QUOTES.contains(&n) {
                    chars.next();
                    out.push(n);
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

fn unescape_double_quoted(inner: &str) -> String {
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if chars.peek() == Some(&'"') => {
                chars.next();
                out.push('"');
            }
            '`' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('0') => out.push('\0'),
                Some(other) => out.push(other),
                None => out.push('`'),
            },
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------------

/// Which half of the TLS name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The issuer, after `<I>`.
    Issuer,
    /// The subject, after `<S>`.
    Subject,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Issuer => "issuer",
            Part::Subject => "subject",
        })
    }
}

/// One way the pasted value differs from the certificate's TLS name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// `<I>` and/or `<S>` are missing.
    MissingTags {
        /// The missing tags, `"<I>"` / `"<S>"`.
        missing: Vec<&'static str>,
    },
    /// The tags are written in lower case (`<i>`, `<s>`).
    TagCase,
    /// `<S>` comes before `<I>`.
    TagsSwapped,
    /// Closing tags such as `</I>` or `</S>`, which the format does not have.
    ClosingTags {
        /// The closing tags found, as written.
        found: Vec<String>,
    },
    /// Whitespace differs (around the tags, after commas, around `=` or `+`, doubled spaces).
    ExtraWhitespace {
        /// Which half.
        part: Part,
    },
    /// Keys spelled the OpenSSL/LDAP way (`ST=`, `emailAddress=`, `serialNumber=`, …).
    OpenSslKeys {
        /// Which half.
        part: Part,
        /// (key as written, key Windows prints).
        keys: Vec<(String, String)>,
    },
    /// Values escaped with backslashes (OpenSSL/RFC 4514) instead of Windows' double quotes.
    OpenSslEscapes {
        /// Which half.
        part: Part,
    },
    /// A value quoted where Windows does not quote it, or left bare where Windows quotes it.
    Quoting {
        /// Which half.
        part: Part,
        /// The attributes concerned, as Windows prints them (`O="GoDaddy.com, Inc."`).
        attributes: Vec<String>,
    },
    /// The RDNs are in forward (encoded, OpenSSL) order; Windows prints them reversed.
    ForwardOrder {
        /// Which half.
        part: Part,
        /// Whether it was OpenSSL's `/C=…/O=…/CN=…` form.
        slash_form: bool,
    },
    /// A different issuer: not the same attributes and values.
    IssuerDiffers {
        /// The certificate's issuer, Windows style.
        expected: String,
        /// The pasted issuer.
        found: String,
        /// Whether the pasted subject matches the certificate (then the issuing CA changed).
        subject_matches: bool,
    },
    /// A different subject.
    SubjectDiffers {
        /// The certificate's subject, Windows style.
        expected: String,
        /// The pasted subject.
        found: String,
    },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::MissingTags { missing } => write!(
                f,
                "the pasted value has no {}: Exchange expects <I>issuer<S>subject, both tags, in that order",
                missing.join(" and no ")
            ),
            Difference::TagCase => f.write_str(
                "the tags are in lower case: write them as <I> and <S>, as the Exchange documentation does",
            ),
            Difference::TagsSwapped => f.write_str(
                "<S> comes before <I>: the issuer comes first (<I>issuer<S>subject)",
            ),
            Difference::ClosingTags { found } => write!(
                f,
                "the pasted value has closing tags ({}): the format has none, only <I> before the issuer and <S> before the subject",
                found.join(", ")
            ),
            Difference::ExtraWhitespace { part } => write!(
                f,
                "the {part} has different spacing: Windows puts no space around <I>, <S> or =, exactly \", \" between RDNs and \" + \" inside a multi-valued RDN"
            ),
            Difference::OpenSslKeys { part, keys } => {
                let list: Vec<String> = keys
                    .iter()
                    .map(|(found, win)| format!("{found}= should be {win}="))
                    .collect();
                write!(
                    f,
                    "the {part} uses OpenSSL/LDAP key names ({}); Windows prints its own keys",
                    list.join(", ")
                )
            }
            Difference::OpenSslEscapes { part } => write!(
                f,
                "the {part} uses backslash escapes (OpenSSL/RFC 4514 style); Windows never escapes with backslashes, it puts such values in double quotes and doubles embedded quotes"
            ),
            Difference::Quoting { part, attributes } => write!(
                f,
                "the {part} quotes values differently from Windows, which writes {}",
                attributes.join(", ")
            ),
            Difference::ForwardOrder { part, slash_form } => write!(
                f,
                "the {part} is in forward order{}; Windows lists the RDNs in reverse, most specific first (CN=… first, C=… last)",
                if *slash_form { " (OpenSSL's /C=…/O=…/CN=… form)" } else { " (as OpenSSL prints it)" }
            ),
            Difference::IssuerDiffers { expected, found, subject_matches } => {
                write!(
                    f,
                    "the issuer differs: the certificate was issued by \"{expected}\", the pasted value names \"{found}\""
                )?;
                if *subject_matches {
                    f.write_str(
                        "; the subject is unchanged, so a different CA (typically a new intermediate) issued this certificate, which changes <I>",
                    )?;
                } else {
                    f.write_str("; a new intermediate changes <I> even when the subject stays the same")?;
                }
                f.write_str(": update the send and receive connectors and Set-HybridConfiguration with the certificate's value")
            }
            Difference::SubjectDiffers { expected, found } => write!(
                f,
                "the subject differs: the certificate's subject is \"{expected}\", the pasted value has \"{found}\"; check that this is the certificate the connector should use"
            ),
        }
    }
}

/// The result of comparing a certificate's TLS name with a pasted value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The certificate's TLS name.
    pub expected: String,
    /// The pasted value, as read.
    pub pasted: Pasted,
    /// Every difference found; empty when the two are identical.
    pub differences: Vec<Difference>,
}

impl Comparison {
    /// Whether the pasted value is exactly the certificate's TLS name.
    pub fn is_identical(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Compare the TLS name of a certificate with `issuer` and `subject` against pasted text.
pub fn compare(
    issuer: &DistinguishedName,
    subject: &DistinguishedName,
    pasted: &str,
) -> Comparison {
    let expected = tls_name(issuer, subject);
    let pasted = read_paste(pasted);
    let mut differences = Vec::new();
    if pasted.value != expected {
        explain(
            &pasted.value,
            &windows_rdns(issuer),
            &windows_rdns(subject),
            &mut differences,
        );
        if differences.is_empty() {
            // Defensive: never report "identical" for different text.
            differences.push(Difference::SubjectDiffers {
                expected: render_windows(subject),
                found: pasted.value.clone(),
            });
        }
    }
    Comparison {
        expected,
        pasted,
        differences,
    }
}

/// Compare a certificate's TLS name with pasted text.
pub fn compare_cert(cert: &Cert, pasted: &str) -> Comparison {
    compare(&cert.issuer, &cert.subject, pasted)
}

fn explain(
    value: &str,
    issuer: &[Vec<WindowsAttribute>],
    subject: &[Vec<WindowsAttribute>],
    out: &mut Vec<Difference>,
) {
    // Closing tags first: remove them, remember them.
    let mut text = value.to_owned();
    let mut closing = Vec::new();
    for tag in ["</I>", "</S>", "</i>", "</s>"] {
        if text.contains(tag) {
            closing.push(tag.to_owned());
            text = text.replace(tag, "");
        }
    }
    if !closing.is_empty() {
        out.push(Difference::ClosingTags { found: closing });
    }

    let (mut i_pos, mut s_pos) = (text.find("<I>"), text.find("<S>"));
    if i_pos.is_none() && s_pos.is_none() && (text.contains("<i>") || text.contains("<s>")) {
        out.push(Difference::TagCase);
        i_pos = text.find("<i>");
        s_pos = text.find("<s>");
    }
    let (issuer_text, subject_text): (Option<&str>, Option<&str>) = match (i_pos, s_pos) {
        (Some(i), Some(s)) if i < s => (Some(&text[i + 3..s]), Some(&text[s + 3..])),
        (Some(i), Some(s)) => {
            out.push(Difference::TagsSwapped);
            (Some(&text[i + 3..]), Some(&text[s + 3..i]))
        }
        (Some(i), None) => {
            out.push(Difference::MissingTags {
                missing: vec!["<S>"],
            });
            (Some(&text[i + 3..]), None)
        }
        (None, Some(s)) => {
            out.push(Difference::MissingTags {
                missing: vec!["<I>"],
            });
            let before = &text[..s];
            (
                (!before.trim().is_empty()).then_some(before),
                Some(&text[s + 3..]),
            )
        }
        (None, None) => {
            out.push(Difference::MissingTags {
                missing: vec!["<I>", "<S>"],
            });
            // Most often the subject alone was pasted.
            (None, Some(text.as_str()))
        }
    };

    // The subject is examined first (the issuer's explanation depends on it), but the issuer's
    // differences are listed first, in the order of the string.
    let mut subject_diffs = Vec::new();
    let subject_matches = match subject_text {
        Some(t) => explain_part(Part::Subject, t, subject, &mut subject_diffs),
        None => false,
    };
    if let Some(t) = issuer_text {
        let mut issuer_diffs = Vec::new();
        if explain_part(Part::Issuer, t, issuer, &mut issuer_diffs) {
            out.extend(issuer_diffs);
        } else {
            out.push(Difference::IssuerDiffers {
                expected: render_rdns(issuer),
                found: t.to_owned(),
                subject_matches,
            });
        }
    }
    out.extend(subject_diffs);
}

/// Explain how `found` differs from `expected` (in Windows order). Returns whether the content
/// (attributes and values) matches; cosmetic differences are pushed to `out`. For a content
/// difference in the subject, pushes [`Difference::SubjectDiffers`].
fn explain_part(
    part: Part,
    found: &str,
    expected: &[Vec<WindowsAttribute>],
    out: &mut Vec<Difference>,
) -> bool {
    let rendered = render_rdns(expected);
    if found == rendered {
        return true;
    }
    let parsed = parse_dn(found);
    let want: Vec<Vec<(String, String)>> = expected
        .iter()
        .map(|rdn| {
            rdn.iter()
                .map(|a| (a.key.clone(), a.value.clone()))
                .collect()
        })
        .collect();
    let got: Vec<Vec<(String, String)>> = parsed
        .rdns
        .iter()
        .map(|rdn| {
            rdn.iter()
                .map(|a| (a.key.clone(), a.value.clone()))
                .collect()
        })
        .collect();
    let mut reversed = got.clone();
    reversed.reverse();
    // Values that differ only in whitespace (a space lost or added where Format-List wrapped
    // the line, a doubled space) count as a spacing difference, not another name.
    let squeeze = |rdns: &[Vec<(String, String)>]| -> Vec<Vec<(String, String)>> {
        rdns.iter()
            .map(|rdn| {
                rdn.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.chars().filter(|c| !c.is_whitespace()).collect(),
                        )
                    })
                    .collect()
            })
            .collect()
    };
    let exact = got == want || reversed == want;
    let (same, forward) = if exact {
        (got == want, got != want)
    } else {
        let w = squeeze(&want);
        (
            squeeze(&got) == w,
            squeeze(&reversed) == w && squeeze(&got) != w,
        )
    };
    let mut spacing_differs = parsed.spacing_differs;
    if !exact && (same || forward) {
        spacing_differs = true;
    }
    if !(same || forward) {
        if part == Part::Subject {
            out.push(Difference::SubjectDiffers {
                expected: rendered,
                found: found.to_owned(),
            });
        }
        return false;
    }
    if forward {
        out.push(Difference::ForwardOrder {
            part,
            slash_form: parsed.slash_form,
        });
    }
    let keys: Vec<(String, String)> = parsed
        .rdns
        .iter()
        .flatten()
        .filter(|a| a.raw_key != a.key)
        .map(|a| (a.raw_key.clone(), a.key.clone()))
        .collect();
    if !keys.is_empty() {
        out.push(Difference::OpenSslKeys { part, keys });
    }
    if parsed.rdns.iter().flatten().any(|a| a.backslash) {
        out.push(Difference::OpenSslEscapes { part });
    }
    // Quoting: compare each written value with Windows' rendering of the same value.
    let windows_order: Vec<&ParsedAttribute> = if forward {
        parsed.rdns.iter().rev().flatten().collect()
    } else {
        parsed.rdns.iter().flatten().collect()
    };
    let mut quoting = Vec::new();
    for (p, w) in windows_order.iter().zip(expected.iter().flatten()) {
        if !p.backslash && p.value == w.value && p.raw_value != w.rendered_value() {
            quoting.push(format!("{}={}", w.key, w.rendered_value()));
        }
    }
    if !quoting.is_empty() {
        out.push(Difference::Quoting {
            part,
            attributes: quoting,
        });
    }
    if spacing_differs {
        out.push(Difference::ExtraWhitespace { part });
    }
    true
}

/// One attribute read from pasted text.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ParsedAttribute {
    /// The key as written.
    raw_key: String,
    /// The key Windows would print for it.
    key: String,
    /// The value as written (trimmed, quotes included).
    raw_value: String,
    /// The value text (quotes and escapes undone).
    value: String,
    /// Whether a backslash escape was used.
    backslash: bool,
}

#[derive(Debug, Default)]
struct ParsedDn {
    rdns: Vec<Vec<ParsedAttribute>>,
    slash_form: bool,
    spacing_differs: bool,
}

/// Read a DN in any of the common spellings: Windows (`, `, quotes), RFC 4514 / OpenSSL
/// (backslash escapes, `ST=`), OpenSSL's `/C=…/CN=…`. Tolerant: never fails. A component
/// without `=` is taken as the continuation of the previous value (an unquoted comma).
fn parse_dn(s: &str) -> ParsedDn {
    let mut dn = ParsedDn::default();
    let slash = s.starts_with('/');
    dn.slash_form = slash;
    let body = if slash { &s[1..] } else { s };
    if !slash && (s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace)) {
        dn.spacing_differs = true;
    }
    let rdn_seps: &[char] = if slash { &['/'] } else { &[',', ';'] };

    // Split into (text, separator-after) at unquoted, unescaped separators.
    let mut pieces: Vec<(String, Option<char>)> = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && !in_quotes {
            cur.push(c);
            if let Some(n) = chars.next() {
                cur.push(n);
            }
            continue;
        }
        if c == '"' {
            if in_quotes && chars.peek() == Some(&'"') {
                cur.push('"');
                cur.push('"');
                chars.next();
                continue;
            }
            in_quotes = !in_quotes;
            cur.push(c);
            continue;
        }
        if !in_quotes && (rdn_seps.contains(&c) || c == '+') {
            pieces.push((std::mem::take(&mut cur), Some(c)));
            continue;
        }
        cur.push(c);
    }
    pieces.push((cur, None));

    // Glue pieces without '=' to the previous one (an unquoted separator inside a value).
    let mut glued: Vec<(String, Option<char>, Option<char>)> = Vec::new(); // (text, sep before, sep after)
    let mut before: Option<char> = None;
    for (text, after) in pieces {
        if !text.contains('=') && !glued.is_empty() {
            if let Some(last) = glued.last_mut() {
                if let Some(sep) = last.2 {
                    last.0.push(sep);
                }
                last.0.push_str(&text);
                last.2 = after;
            }
        } else {
            glued.push((text, before, after));
        }
        before = after;
    }

    let mut rdn: Vec<ParsedAttribute> = Vec::new();
    for (idx, (text, sep_before, sep_after)) in glued.iter().enumerate() {
        // Spacing: Windows writes ", " and " + " exactly.
        if !slash {
            let lead = text.len() - text.trim_start().len();
            let trail = text.len() - text.trim_end().len();
            let expected_lead = match sep_before {
                Some('+') => 1,
                Some(_) => 1,
                None => 0,
            };
            let expected_trail = usize::from(*sep_after == Some('+'));
            if idx > 0 && (lead != expected_lead || !text.starts_with(' ') && lead > 0) {
                dn.spacing_differs = true;
            }
            if sep_after.is_some() && trail != expected_trail {
                dn.spacing_differs = true;
            }
            if matches!(sep_before, Some(';')) {
                dn.spacing_differs = true;
            }
        }
        let attr = parse_attribute(text.trim(), &mut dn.spacing_differs);
        rdn.push(attr);
        if *sep_after != Some('+') {
            dn.rdns.push(std::mem::take(&mut rdn));
        }
    }
    if !rdn.is_empty() {
        dn.rdns.push(rdn);
    }
    dn
}

fn parse_attribute(text: &str, spacing_differs: &mut bool) -> ParsedAttribute {
    let (raw_key, rest) = match text.find('=') {
        Some(p) => (&text[..p], &text[p + 1..]),
        None => ("", text),
    };
    if raw_key != raw_key.trim_end() || rest != rest.trim_start() {
        *spacing_differs = true;
    }
    let raw_key = raw_key.trim();
    let raw_value = rest.trim();
    let (value, backslash) =
        if raw_value.starts_with('"') && raw_value.ends_with('"') && raw_value.len() >= 2 {
            (
                raw_value[1..raw_value.len() - 1].replace("\"\"", "\""),
                false,
            )
        } else {
            unescape_backslashes(raw_value)
        };
    ParsedAttribute {
        key: windows_key_for(raw_key),
        raw_key: raw_key.to_owned(),
        raw_value: raw_value.to_owned(),
        value,
        backslash,
    }
}

/// Undo RFC 4514 / OpenSSL backslash escapes: `\` + special character, `\` + two hex digits
/// (a UTF-8 byte). A backslash before anything else is kept, as Windows prints backslashes
/// literally (`CN=DOMAIN\user`).
fn unescape_backslashes(v: &str) -> (String, bool) {
    const SPECIALS: &[u8] = b",+\"\\<>;=# /";
    let bytes = v.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut used = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if let Some(&n) = bytes.get(i + 1) {
                if SPECIALS.contains(&n) {
                    out.push(n);
                    used = true;
                    i += 2;
                    continue;
                }
                if let (Some(h), Some(l)) =
                    (hex_digit(n), bytes.get(i + 2).and_then(|&b| hex_digit(b)))
                {
                    out.push(h << 4 | l);
                    used = true;
                    i += 3;
                    continue;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    (String::from_utf8_lossy(&out).into_owned(), used)
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The Windows key for a key as users write it: Windows keys as they are, OpenSSL short and
/// long names, LDAP names and bare dotted OIDs mapped to what Windows prints.
fn windows_key_for(raw: &str) -> String {
    const WINDOWS: &[&str] = &[
        "CN",
        "L",
        "O",
        "OU",
        "E",
        "C",
        "S",
        "STREET",
        "T",
        "G",
        "I",
        "SN",
        "DC",
        "Description",
        "PostalCode",
        "POBox",
        "Phone",
        "X21Address",
        "dnQualifier",
        "SERIALNUMBER",
        "TPMManufacturer",
        "TPMModel",
        "TPMVersion",
    ];
    if WINDOWS.contains(&raw) {
        return raw.to_owned();
    }
    // OpenSSL (crypto/objects/objects.txt) short and long names, LDAP (RFC 4519) names.
    const ALIASES: &[(&str, &str)] = &[
        ("ST", "S"),
        ("stateOrProvinceName", "S"),
        ("emailAddress", "E"),
        ("email", "E"),
        ("commonName", "CN"),
        ("localityName", "L"),
        ("organizationName", "O"),
        ("organizationalUnitName", "OU"),
        ("countryName", "C"),
        ("street", "STREET"),
        ("streetAddress", "STREET"),
        ("title", "T"),
        ("GN", "G"),
        ("givenName", "G"),
        ("initials", "I"),
        ("surname", "SN"),
        ("domainComponent", "DC"),
        ("postalCode", "PostalCode"),
        ("postOfficeBox", "POBox"),
        ("telephoneNumber", "Phone"),
        ("serialNumber", "SERIALNUMBER"),
        ("description", "Description"),
        ("businessCategory", "OID.2.5.4.15"),
        ("jurisdictionL", "OID.1.3.6.1.4.1.311.60.2.1.1"),
        ("jurisdictionLocalityName", "OID.1.3.6.1.4.1.311.60.2.1.1"),
        ("jurisdictionST", "OID.1.3.6.1.4.1.311.60.2.1.2"),
        (
            "jurisdictionStateOrProvinceName",
            "OID.1.3.6.1.4.1.311.60.2.1.2",
        ),
        ("jurisdictionC", "OID.1.3.6.1.4.1.311.60.2.1.3"),
        ("jurisdictionCountryName", "OID.1.3.6.1.4.1.311.60.2.1.3"),
        ("organizationIdentifier", "OID.2.5.4.97"),
        ("UID", "OID.0.9.2342.19200300.100.1.1"),
        ("userId", "OID.0.9.2342.19200300.100.1.1"),
        ("unstructuredName", "OID.1.2.840.113549.1.9.2"),
    ];
    for (alias, win) in ALIASES {
        if alias.eq_ignore_ascii_case(raw) {
            return (*win).to_owned();
        }
    }
    for w in WINDOWS {
        if w.eq_ignore_ascii_case(raw) {
            return (*w).to_owned();
        }
    }
    let dotted = raw
        .strip_prefix("OID.")
        .or_else(|| raw.strip_prefix("oid."))
        .unwrap_or(raw);
    if !dotted.is_empty() && dotted.chars().all(|c| c.is_ascii_digit() || c == '.') {
        if let Some(k) = crate::dn::windows_key(dotted) {
            return k.to_owned();
        }
        return format!("OID.{dotted}");
    }
    raw.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_paste_strips_label_quotes_and_spaces() {
        let p = read_paste("TlsCertificateName : '<I>CN=R3, O=Let''s Encrypt, C=US<S>CN=x'  \r\n");
        assert_eq!(p.value, "<I>CN=R3, O=Let's Encrypt, C=US<S>CN=x");
        assert!(p.unwrapped.contains(&Unwrapped::ListPrefix));
        assert!(p.unwrapped.contains(&Unwrapped::SingleQuoted));
    }

    #[test]
    fn read_paste_takes_the_parameter_value() {
        let p = read_paste("Set-SendConnector X -TlsCertificateName \"<I>O=\"\"a\"\"<S>CN=`$x\"");
        assert_eq!(p.value, "<I>O=\"a\"<S>CN=$x");
        assert_eq!(
            p.unwrapped,
            [
                Unwrapped::Parameter,
                Unwrapped::Whitespace,
                Unwrapped::DoubleQuoted
            ]
        );
    }

    #[test]
    fn read_paste_joins_wrapped_format_list_lines() {
        let p = read_paste("TlsCertificateName : <I>CN=R3, O=Let's Encrypt, C=US<S>CN=mail.con\n                     toso.com\n");
        assert_eq!(
            p.value,
            "<I>CN=R3, O=Let's Encrypt, C=US<S>CN=mail.contoso.com"
        );
    }

    #[test]
    fn parse_dn_reads_openssl_escapes_and_keys() {
        let d = parse_dn("C=US, ST=Arizona, O=GoDaddy.com\\, Inc., CN=\\C3\\BC");
        let got: Vec<(String, String)> = d
            .rdns
            .iter()
            .flatten()
            .map(|a| (a.key.clone(), a.value.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("C".to_owned(), "US".to_owned()),
                ("S".to_owned(), "Arizona".to_owned()),
                ("O".to_owned(), "GoDaddy.com, Inc.".to_owned()),
                ("CN".to_owned(), "ü".to_owned()),
            ]
        );
    }

    #[test]
    fn parse_dn_glues_an_unquoted_comma_back_into_the_value() {
        let d = parse_dn("O=GoDaddy.com, Inc., C=US");
        assert_eq!(d.rdns.len(), 2);
        assert_eq!(d.rdns[0][0].value, "GoDaddy.com, Inc.");
    }

    #[test]
    fn windows_key_for_maps_aliases_and_oids() {
        assert_eq!(windows_key_for("ST"), "S");
        assert_eq!(windows_key_for("emailAddress"), "E");
        assert_eq!(windows_key_for("2.5.4.15"), "OID.2.5.4.15");
        assert_eq!(windows_key_for("2.5.4.3"), "CN");
        assert_eq!(windows_key_for("cn"), "CN");
        assert_eq!(windows_key_for("S"), "S");
    }
}
