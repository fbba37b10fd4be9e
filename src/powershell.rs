//! PowerShell text: the crate's one quoter for PowerShell ([`ps_quote`]), bare words for
//! command lines ([`ps_word`]), safe comments ([`comment_text`]), and the Exchange cmdlet lines
//! that apply a connector TLS certificate name ([`connector_lines`]).
//!
//! Every line certprep prints for the Exchange Management Shell — `check` fixes, `tls-name
//! --powershell`, the runbook, `inspect` hints — puts its values through this module; a test
//! (`tests/lib/paste_safety.rs`) fails when another quoter appears anywhere under `src/`.
//! Only text is produced here; nothing is run. Values always go into single-quoted strings,
//! because double-quoted ones expand `$name`, `$(…)` and `` ` `` escapes (design.md §4.2).

/// Characters PowerShell's tokenizer treats as a single quote: `'` and the typographic
/// U+2018 (‘), U+2019 (’), U+201A (‚) and U+201B (‛). Any of them ends a single-quoted string,
/// so inside one each must be doubled (PowerShell language specification §2.3.5.2,
/// "single-quote-character"; `CharExtensions.IsSingleQuote` in PowerShell's tokenizer).
pub const SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// Characters kept out of printed lines and script files: C0 and C1 controls and the Unicode
/// line and paragraph separators. A raw LF or CR would split a pasted line in two; inside a
/// script it would not survive `core.autocrlf` or an editor that normalises line ends.
fn is_unsafe_char(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// `value` as one verbatim string: wrapped in `'…'`, every single-quote character doubled
/// (the tokenizer keeps the second of a pair: `Tokenizer.ScanStringLiteral`).
fn verbatim(value: &str, out: &mut String) {
    out.push('\'');
    for c in value.chars() {
        if SINGLE_QUOTES.contains(&c) {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
}

/// `value` as a PowerShell expression that evaluates to exactly `value`, valid both as an
/// expression and as a command argument: the crate's only quoter for PowerShell.
///
/// Usually a verbatim (single-quoted) string with every single-quote character — ASCII and
/// typographic, see [`SINGLE_QUOTES`] — doubled, so `$`, `` ` ``, `"`, `“`, `;`, `|` and `&`
/// stay data. When the value holds control characters (NUL, LF, …) it is a parenthesised
/// concatenation of verbatim strings and `[char]0xHHHH` casts, e.g. `('a' + [char]0x000A +
/// 'b')`, so the printed line stays one line and the script file free of raw controls.
///
/// ```
/// use certprep::powershell::ps_quote;
/// assert_eq!(ps_quote("Let's"), "'Let''s'");
/// assert_eq!(ps_quote("$x"), "'$x'");
/// assert_eq!(ps_quote("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
/// assert_eq!(ps_quote("a\nb"), "('a' + [char]0x000A + 'b')");
/// ```
pub fn ps_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    if !value.chars().any(is_unsafe_char) {
        verbatim(value, &mut out);
        return out;
    }
    let mut parts: Vec<String> = Vec::new();
    let mut run = String::new();
    for c in value.chars() {
        if is_unsafe_char(c) {
            if !run.is_empty() {
                let mut q = String::new();
                verbatim(&run, &mut q);
                parts.push(q);
                run.clear();
            }
            // Controls are all in the BMP (U+0000–U+009F, U+2028, U+2029): one UTF-16 unit.
            parts.push(format!("[char]0x{:04X}", c as u32));
        } else {
            run.push(c);
        }
    }
    if !run.is_empty() {
        let mut q = String::new();
        verbatim(&run, &mut q);
        parts.push(q);
    }
    // `[char] + [char]` would add code points as numbers; starting with a string makes `+`
    // concatenate.
    if !parts[0].starts_with('\'') {
        parts.insert(0, "''".to_owned());
    }
    out.push('(');
    out.push_str(&parts.join(" + "));
    out.push(')');
    out
}

/// `value` as one command-line argument: bare when it is plainly a word in both PowerShell and
/// a POSIX shell (starts with an ASCII letter or `/`, then only ASCII letters, digits and
/// `. _ - / :`),
/// else [`ps_quote`]d. A leading digit is quoted because PowerShell reads `1e3` or `0x10` in
/// argument mode as a number; `,` `@` `=` `+` because PowerShell gives them meaning (array,
/// splatting); `\` because a POSIX shell would eat it.
pub fn ps_word(value: &str) -> String {
    let mut chars = value.chars();
    let bare = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
        && chars.all(|c| c.is_ascii_alphanumeric() || "._-/:".contains(c));
    if bare {
        value.to_owned()
    } else {
        ps_quote(value)
    }
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

/// Which connectors the generated lines update, and what else they set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectorTargets {
    /// Send connector identities (`Set-SendConnector -Identity`), chosen by the administrator.
    pub send: Vec<String>,
    /// Receive connector identities (`SERVER\Name` or name), chosen by the administrator.
    pub receive: Vec<String>,
    /// The `<I>…<S>…` name of the certificate being replaced: without explicit identities,
    /// only the connectors whose TlsCertificateName is exactly this value are changed.
    pub old_name: Option<String>,
    /// Also set the hybrid configuration (`Set-HybridConfiguration`), for `--hybrid`.
    pub hybrid: bool,
}

/// The Exchange Management Shell lines that set `tls_name` on connectors (and, with
/// [`ConnectorTargets::hybrid`], on the hybrid configuration), every value quoted with
/// [`ps_quote`]. Never a line that changes every connector of the organisation:
///
/// - with connector identities: one `Set-…Connector -Identity … -TlsCertificateName …` each;
/// - else with the old certificate's name: the connectors whose `TlsCertificateName` equals
///   it (PowerShell's `-eq` on the text: every character, letters in either case), and only
///   those;
/// - else: read-only listings of the connectors that name a certificate, and commented
///   `Set-…` templates for the administrator to complete for each connector they choose.
///
/// Microsoft Learn documents `-TlsCertificateName <I>issuer<S>subject` for Set-SendConnector,
/// Set-ReceiveConnector and Set-HybridConfiguration (docs/runbook.md cites the pages).
pub fn connector_lines(tls_name: &str, targets: &ConnectorTargets) -> Vec<String> {
    let value = ps_quote(tls_name);
    let mut lines = Vec::new();
    let explicit = !(targets.send.is_empty() && targets.receive.is_empty());
    match (&targets.old_name, explicit) {
        (_, true) => {
            for name in &targets.send {
                lines.push(format!(
                    "Set-SendConnector -Identity {} -TlsCertificateName {value}",
                    ps_quote(name)
                ));
            }
            for name in &targets.receive {
                lines.push(format!(
                    "Set-ReceiveConnector -Identity {} -TlsCertificateName {value}",
                    ps_quote(name)
                ));
            }
        }
        (Some(old), false) => {
            let old = ps_quote(old);
            for kind in ["Send", "Receive"] {
                lines.push(format!(
                    "Get-{kind}Connector | Where-Object {{ [string]$_.TlsCertificateName -eq {old} }} | Set-{kind}Connector -TlsCertificateName {value}"
                ));
            }
        }
        (None, false) => {
            lines.push(
                "# Connectors that name a certificate (read-only); set the new name on each one that names the certificate being replaced:".to_owned(),
            );
            for kind in ["Send", "Receive"] {
                lines.push(format!(
                    "Get-{kind}Connector | Where-Object {{ $_.TlsCertificateName }} | Format-Table Identity, TlsCertificateName -AutoSize -Wrap"
                ));
            }
            lines.push(format!(
                "# Set-SendConnector -Identity 'CONNECTOR' -TlsCertificateName {value}"
            ));
            lines.push(format!(
                "# Set-ReceiveConnector -Identity 'SERVER\\CONNECTOR' -TlsCertificateName {value}"
            ));
        }
    }
    if targets.hybrid {
        lines.push(format!(
            "Set-HybridConfiguration -TlsCertificateName {value}"
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ps_quote_doubles_ascii_apostrophe() {
        assert_eq!(
            ps_quote("<I>CN=R13, O=Let's Encrypt, C=US<S>CN=mail.contoso.com"),
            "'<I>CN=R13, O=Let''s Encrypt, C=US<S>CN=mail.contoso.com'"
        );
    }

    #[test]
    fn ps_quote_doubles_typographic_quotes() {
        assert_eq!(ps_quote("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
        assert_eq!(
            ps_quote("\u{2018}\u{201A}\u{201B}"),
            "'\u{2018}\u{2018}\u{201A}\u{201A}\u{201B}\u{201B}'"
        );
    }

    #[test]
    fn ps_quote_leaves_dollar_backtick_and_double_quotes() {
        assert_eq!(
            ps_quote("$env:x `n \"q\" \u{201C}q\u{201D}"),
            "'$env:x `n \"q\" \u{201C}q\u{201D}'"
        );
        assert_eq!(ps_quote(""), "''");
    }

    #[test]
    fn ps_quote_keeps_control_characters_off_the_line() {
        assert_eq!(ps_quote("plain"), "'plain'");
        assert_eq!(ps_quote("a\nb"), "('a' + [char]0x000A + 'b')");
        assert_eq!(ps_quote("\tx"), "('' + [char]0x0009 + 'x')");
        assert_eq!(ps_quote("\r\n"), "('' + [char]0x000D + [char]0x000A)");
        assert_eq!(ps_quote("a\0’"), "('a' + [char]0x0000 + '’’')");
    }

    #[test]
    fn ps_word_is_bare_only_for_plain_words() {
        assert_eq!(ps_word("site.pfx"), "site.pfx");
        assert_eq!(ps_word("certs/new-2027.pfx"), "certs/new-2027.pfx");
        assert_eq!(ps_word("/srv/certs/new.pfx"), "/srv/certs/new.pfx");
        // A POSIX shell would eat the backslashes of a bare Windows path.
        assert_eq!(ps_word("C:\\certs\\new.pfx"), "'C:\\certs\\new.pfx'");
        for risky in [
            "", "1e3.pfx", "-x.pfx", "a,b.pfx", "@x", "a b", "x’;y", "a=b", "$x",
        ] {
            assert_eq!(ps_word(risky), ps_quote(risky), "{risky}");
        }
    }

    #[test]
    fn comment_text_cannot_end_the_line() {
        let c = comment_text("a\r\nRemove-Item x\u{2028}y");
        assert!(!c.contains('\n') && !c.contains('\r') && !c.contains('\u{2028}'));
        assert_eq!(c, "a\\u{D}\\u{A}Remove-Item x\\u{2028}y");
    }

    #[test]
    fn connector_lines_with_identities() {
        let t = ConnectorTargets {
            send: vec!["Outbound to Office 365".into()],
            receive: vec!["EX01\\Default Frontend EX01".into()],
            old_name: Some("<I>O=old<S>CN=x".into()),
            hybrid: true,
        };
        assert_eq!(
            connector_lines("<I>O=a'b<S>CN=x", &t),
            [
                "Set-SendConnector -Identity 'Outbound to Office 365' -TlsCertificateName '<I>O=a''b<S>CN=x'",
                "Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -TlsCertificateName '<I>O=a''b<S>CN=x'",
                "Set-HybridConfiguration -TlsCertificateName '<I>O=a''b<S>CN=x'",
            ]
        );
    }

    #[test]
    fn issue_15_connector_lines_filter_on_the_old_name() {
        // See: issue 15 — only the connectors naming the replaced certificate may change.
        let t = ConnectorTargets {
            old_name: Some("<I>O=o’ld<S>CN=x".into()),
            ..ConnectorTargets::default()
        };
        assert_eq!(
            connector_lines("<I>O=new<S>CN=x", &t),
            [
                "Get-SendConnector | Where-Object { [string]$_.TlsCertificateName -eq '<I>O=o’’ld<S>CN=x' } | Set-SendConnector -TlsCertificateName '<I>O=new<S>CN=x'",
                "Get-ReceiveConnector | Where-Object { [string]$_.TlsCertificateName -eq '<I>O=o’’ld<S>CN=x' } | Set-ReceiveConnector -TlsCertificateName '<I>O=new<S>CN=x'",
            ]
        );
    }

    #[test]
    fn issue_15_connector_lines_never_set_every_connector() {
        // See: issue 15 — without the old name or identities, nothing is piped into a Set-.
        let lines = connector_lines("<I>x<S>y", &ConnectorTargets::default());
        for l in &lines {
            assert!(
                l.starts_with('#') || !l.contains("Set-"),
                "a line that sets connectors: {l}"
            );
        }
        assert!(lines.iter().any(|l| l.starts_with("Get-SendConnector")));
        assert!(!lines.iter().any(|l| l.contains("HybridConfiguration")));
    }

    /// A reader of one PowerShell single-quoted string literal, written from the language
    /// specification (§2.3.5.2): any single-quote character opens and closes it, and two
    /// consecutive single-quote characters inside stand for one (the second is kept).
    /// Returns the value when the literal ends exactly at the end of the input.
    fn parse_single_quoted(lit: &str) -> Option<String> {
        let mut chars = lit.chars().peekable();
        let open = chars.next()?;
        if !SINGLE_QUOTES.contains(&open) {
            return None;
        }
        let mut value = String::new();
        loop {
            let c = chars.next()?; // unterminated literal
            if SINGLE_QUOTES.contains(&c) {
                match chars.peek() {
                    Some(&n) if SINGLE_QUOTES.contains(&n) => {
                        value.push(n);
                        chars.next();
                    }
                    _ => break,
                }
            } else {
                value.push(c);
            }
        }
        chars.next().is_none().then_some(value)
    }

    #[test]
    fn parser_rejects_an_unescaped_typographic_quote() {
        // What a quoter that only doubles ASCII ' would produce: PowerShell ends the string early.
        assert_eq!(parse_single_quoted("'O\u{2019}Brien'"), None);
        assert_eq!(
            parse_single_quoted("'O''Brien'").as_deref(),
            Some("O'Brien")
        );
    }

    proptest::proptest! {
        #[test]
        fn ps_quote_round_trips_through_a_powershell_reader(s in "[^\\p{Cc}\u{2028}\u{2029}]{0,40}|[a-z'\u{2018}\u{2019}\u{201A}\u{201B}\"$` ]{0,20}") {
            let quoted = ps_quote(&s);
            proptest::prop_assert_eq!(parse_single_quoted(&quoted), Some(s));
        }
    }
}
