//! PowerShell quoting for the runbook: every value that comes from a certificate or from the
//! command line reaches the script through [`ps_literal`] (or, in comments, [`comment_text`]).
//!
//! Why single quotes: inside `"…"` PowerShell expands `$name`, `$(…)` and backtick escapes, so a
//! subject such as `O=$(Remove-Item C:\)` would run. Inside `'…'` nothing is expanded; the only
//! special characters are the five single-quote characters the PowerShell tokenizer accepts —
//! U+0027 and the typographic U+2018, U+2019, U+201A, U+201B — and a doubled quote character
//! stands for one (PowerShell language specification §2.3.5.2, *verbatim-string-literal*, and
//! `Tokenizer.ScanStringLiteral` in PowerShell/PowerShell, which appends the second character of
//! any doubled pair). [`ps_quote`] is [`crate::powershell::ps_quote`]; this module adds what a
//! whole script needs on top: no raw control characters ([`ps_literal`]) and safe comments
//! ([`comment_text`]). Hand-written because no crate quotes for PowerShell.

pub use crate::powershell::{ps_quote, SINGLE_QUOTES};

/// Characters kept out of script files: C0 and C1 controls and the Unicode line and paragraph
/// separators. A raw CR or LF inside a literal would survive PowerShell but not a checkout
/// with `core.autocrlf` or an editor that normalises line ends, silently changing the value.
fn is_unsafe_char(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// `value` as a PowerShell expression that evaluates to exactly `value`.
///
/// Usually a verbatim string ([`ps_quote`]). When the value holds control characters, it is a
/// parenthesised concatenation of verbatim strings and `[char]0xHHHH` casts, e.g.
/// `('a' + [char]0x000A + 'b')`, which is valid both as an expression and as a command
/// argument and keeps the script file free of raw control characters.
pub fn ps_literal(value: &str) -> String {
    if !value.chars().any(is_unsafe_char) {
        return ps_quote(value);
    }
    let mut parts: Vec<String> = Vec::new();
    let mut run = String::new();
    for c in value.chars() {
        if is_unsafe_char(c) {
            if !run.is_empty() {
                parts.push(ps_quote(&run));
                run.clear();
            }
            // Controls are all in the BMP (U+0000–U+009F, U+2028, U+2029): one UTF-16 unit.
            parts.push(format!("[char]0x{:04X}", c as u32));
        } else {
            run.push(c);
        }
    }
    if !run.is_empty() {
        parts.push(ps_quote(&run));
    }
    // `[char] + [char]` would add code points as numbers; starting with a string makes `+`
    // concatenate.
    if !parts[0].starts_with('\'') {
        parts.insert(0, "''".to_owned());
    }
    format!("({})", parts.join(" + "))
}

/// Text made safe for a `#` line comment: control characters and line separators become
/// `\u{…}` escapes, so no value can end the comment and start a statement.
pub fn comment_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe_char(c) {
            out.push_str(&format!("\\u{{{:X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ps_quote_doubles_every_single_quote_character() {
        assert_eq!(ps_quote("Let's Encrypt"), "'Let''s Encrypt'");
        assert_eq!(ps_quote("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
        assert_eq!(ps_quote("$x `n \"y\""), "'$x `n \"y\"'");
        assert_eq!(ps_quote(""), "''");
    }

    #[test]
    fn ps_literal_keeps_control_characters_out_of_the_file() {
        assert_eq!(ps_literal("plain"), "'plain'");
        assert_eq!(ps_literal("a\nb"), "('a' + [char]0x000A + 'b')");
        assert_eq!(ps_literal("\tx"), "('' + [char]0x0009 + 'x')");
        assert_eq!(ps_literal("\r\n"), "('' + [char]0x000D + [char]0x000A)");
    }

    #[test]
    fn comment_text_cannot_end_the_line() {
        let c = comment_text("a\r\nRemove-Item x\u{2028}y");
        assert!(!c.contains('\n') && !c.contains('\r') && !c.contains('\u{2028}'));
        assert_eq!(c, "a\\u{D}\\u{A}Remove-Item x\\u{2028}y");
    }
}
