//! Reporters: presentation of report structs. Only this module knows layout.

pub mod chain;
pub mod check;
pub mod inspect;
pub mod scan;

/// The Prometheus printer's old path.
pub use scan::prometheus as scan_prometheus;

/// Make a value safe to print on one terminal line: control characters (CR, LF, TAB, ESC …)
/// become visible escapes so a hostile subject cannot rewrite the screen or forge lines.
/// JSON and file outputs stay byte-exact and do not use this.
pub fn sanitize_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:04X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// An error and its causes on one line, as `{:#}` prints them (for per-file problems that
/// are reported without stopping the run).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn sanitize_line_escapes_controls() {
        assert_eq!(
            super::sanitize_line("a\r\nb\x1b[2Jc"),
            "a\\r\\nb\\u{001B}[2Jc"
        );
        assert_eq!(super::sanitize_line("Zürich"), "Zürich");
    }
}
