//! Reading what administrators paste: a `TlsCertificateName :` label, a `-TlsCertificateName`
//! parameter, lines wrapped by Format-List, surrounding whitespace and PowerShell quoting.

use std::fmt;

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
}
