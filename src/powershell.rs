//! PowerShell text: single-quoted string literals and the Exchange cmdlet lines that apply a
//! connector TLS certificate name.
//!
//! Only text is produced here; nothing is run. Values always go into single-quoted strings,
//! because double-quoted ones expand `$name` and `` ` `` escapes (design.md §4.2).

/// Characters PowerShell's tokenizer treats as a single quote: `'` and the typographic
/// U+2018 (‘), U+2019 (’), U+201A (‚) and U+201B (‛). Any of them ends a single-quoted string,
/// so inside one each must be doubled (PowerShell language specification §2.3.5.2,
/// "single-quote-character"; `CharExtensions.IsSingleQuote` in PowerShell's tokenizer).
pub const SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// `value` as a PowerShell single-quoted string literal: wrapped in `'…'`, with every
/// single-quote character (ASCII and typographic, see [`SINGLE_QUOTES`]) doubled.
///
/// ```
/// assert_eq!(certprep::powershell::ps_quote("Let's"), "'Let''s'");
/// assert_eq!(certprep::powershell::ps_quote("$x"), "'$x'");
/// ```
pub fn ps_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if SINGLE_QUOTES.contains(&c) {
            // Doubling the character itself: the tokenizer keeps the second of the pair.
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Which connectors the generated lines update.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectorTargets {
    /// Send connector identities (`Set-SendConnector -Identity`). Empty: every send connector
    /// that already has a TlsCertificateName.
    pub send: Vec<String>,
    /// Receive connector identities (`SERVER\Name` or name). Empty: every receive connector
    /// that already has a TlsCertificateName.
    pub receive: Vec<String>,
}

/// The Exchange Management Shell lines that set `tls_name` on the send connectors, the receive
/// connectors and the hybrid configuration, every value single-quoted with [`ps_quote`].
///
/// Without explicit connector names the lines select the connectors that already carry a
/// TlsCertificateName: on renewal those are the ones pointing at the old certificate
/// (Exchange docs: Set-SendConnector / Set-ReceiveConnector / Set-HybridConfiguration
/// `-TlsCertificateName`).
pub fn connector_lines(tls_name: &str, targets: &ConnectorTargets) -> Vec<String> {
    let value = ps_quote(tls_name);
    let mut lines = Vec::new();
    if targets.send.is_empty() {
        lines.push(format!(
            "Get-SendConnector | Where-Object {{ $_.TlsCertificateName }} | Set-SendConnector -TlsCertificateName {value}"
        ));
    } else {
        for name in &targets.send {
            lines.push(format!(
                "Set-SendConnector -Identity {} -TlsCertificateName {value}",
                ps_quote(name)
            ));
        }
    }
    if targets.receive.is_empty() {
        lines.push(format!(
            "Get-ReceiveConnector | Where-Object {{ $_.TlsCertificateName }} | Set-ReceiveConnector -TlsCertificateName {value}"
        ));
    } else {
        for name in &targets.receive {
            lines.push(format!(
                "Set-ReceiveConnector -Identity {} -TlsCertificateName {value}",
                ps_quote(name)
            ));
        }
    }
    lines.push(format!(
        "Set-HybridConfiguration -TlsCertificateName {value}"
    ));
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
        assert_eq!(ps_quote("$env:x `n \"q\""), "'$env:x `n \"q\"'");
        assert_eq!(ps_quote(""), "''");
    }

    #[test]
    fn connector_lines_with_names_and_defaults() {
        let t = ConnectorTargets {
            send: vec!["Outbound to Office 365".into()],
            receive: vec!["EX01\\Default Frontend EX01".into()],
        };
        let lines = connector_lines("<I>O=a'b<S>CN=x", &t);
        assert_eq!(
            lines,
            [
                "Set-SendConnector -Identity 'Outbound to Office 365' -TlsCertificateName '<I>O=a''b<S>CN=x'",
                "Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -TlsCertificateName '<I>O=a''b<S>CN=x'",
                "Set-HybridConfiguration -TlsCertificateName '<I>O=a''b<S>CN=x'",
            ]
        );
        let lines = connector_lines("<I>x<S>y", &ConnectorTargets::default());
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("Get-SendConnector | Where-Object"));
        assert!(lines[1].starts_with("Get-ReceiveConnector | Where-Object"));
    }

    /// A tiny reader of one PowerShell single-quoted string literal, written from the language
    /// specification (§2.3.5.2): any single-quote character opens and closes it, and two
    /// consecutive single-quote characters inside stand for one (the second is kept).
    /// Returns the value and whether the literal ended exactly at the end of the input.
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
        fn ps_quote_round_trips_through_a_powershell_reader(s in "(?s).{0,40}|[a-z'\u{2018}\u{2019}\u{201A}\u{201B}\"$` ]{0,20}") {
            let quoted = ps_quote(&s);
            proptest::prop_assert_eq!(parse_single_quoted(&quoted), Some(s));
        }
    }
}
