//! Comparing a certificate's TLS name with a pasted value, and a typed explanation of each
//! difference.

use super::paste::{read_paste, Pasted};
use super::tls_name;
use crate::model::Cert;
use crate::name::text::{parse_dn, ParsedAttribute};
use crate::name::{render_rdns, render_windows, windows_rdns, DistinguishedName, WindowsAttribute};
use std::fmt;

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
