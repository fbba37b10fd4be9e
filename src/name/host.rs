//! Host-name facts the name rules share: wildcard coverage (RFC 6125 §6.4.3, one label),
//! FQDN shape, and internal names that public CAs may not certify (CA/B Forum BR §7.1.2.7.12,
//! §4.2.2). Pure string logic; no DNS.

use std::net::IpAddr;

/// Lowercase, without a trailing dot (borrowed when `name` already is: nearly always).
pub fn normalize(name: &str) -> std::borrow::Cow<'_, str> {
    let n = name.trim().trim_end_matches('.');
    if n.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(n.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(n)
    }
}

/// Whether the certificate name `pattern` (a DNS SAN, maybe `*.domain`) covers `name`. A
/// wildcard stands for exactly one whole left-most label: `*.contoso.com` covers
/// `mail.contoso.com`, not `contoso.com`, not `a.mail.contoso.com`, and not another wildcard
/// such as `*.contoso.com` — except that every name covers itself. Case and a trailing dot are
/// ignored. The one definition of coverage for `check`, `csr_match` and `runbook`.
pub fn covers(pattern: &str, name: &str) -> bool {
    let p = normalize(pattern);
    let n = normalize(name);
    if p.is_empty() || n.is_empty() {
        return false;
    }
    if p == n {
        return true;
    }
    match p.strip_prefix("*.") {
        Some(base) if !base.is_empty() => match n.split_once('.') {
            Some((first, rest)) => !first.is_empty() && !first.contains('*') && rest == base,
            None => false,
        },
        _ => false,
    }
}

/// Whether any of `patterns` covers `name`.
pub fn any_covers<'a>(patterns: impl IntoIterator<Item = &'a String>, name: &str) -> bool {
    patterns.into_iter().any(|p| covers(p, name))
}

/// Whether `name` is a wildcard (`*.` prefix).
pub fn is_wildcard(name: &str) -> bool {
    name.trim().starts_with("*.")
}

/// Whether `name` is a fully qualified host name: at least two labels of letters, digits and
/// hyphens (1–63 characters, no leading or trailing hyphen), not all-numeric at the top, no
/// wildcard, at most 253 characters.
pub fn is_fqdn(name: &str) -> bool {
    let n = normalize(name);
    if n.is_empty() || n.len() > 253 || n.parse::<IpAddr>().is_ok() {
        return false;
    }
    let labels: Vec<&str> = n.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    labels.iter().all(|l| label_ok(l))
        && labels
            .last()
            .is_some_and(|t| !t.bytes().all(|b| b.is_ascii_digit()))
}

/// Top-level names that are not in the public DNS and that administrators use internally.
pub const INTERNAL_SUFFIXES: [&str; 4] = [".local", ".lan", ".internal", ".corp"];

/// Why `name` (a DNS name or an IP address as text) is internal, or `None` when it is not:
/// a reserved internal suffix, a single label, or an RFC 1918 private address.
pub fn internal_reason(name: &str) -> Option<String> {
    let n = normalize(name);
    if n.is_empty() {
        return None;
    }
    if let Ok(ip) = n.parse::<IpAddr>() {
        return match ip {
            IpAddr::V4(v4) if v4.is_private() => Some("an RFC 1918 private address".into()),
            _ => None,
        };
    }
    let host = n.strip_prefix("*.").unwrap_or(&n);
    if let Some(s) = INTERNAL_SUFFIXES.iter().find(|s| host.ends_with(*s)) {
        return Some(format!("an internal name (ends in {s})"));
    }
    if !host.contains('.') {
        return Some("a single-label name".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_covers_exactly_one_label() {
        assert!(covers("*.contoso.com", "mail.contoso.com"));
        assert!(covers("*.Contoso.com.", "MAIL.contoso.com"));
        assert!(!covers("*.contoso.com", "contoso.com"));
        assert!(!covers("*.contoso.com", "a.mail.contoso.com"));
        assert!(covers("mail.contoso.com", "mail.contoso.com."));
        assert!(!covers("mail.contoso.com", "autodiscover.contoso.com"));
        assert!(!covers("", ""));
        assert!(covers("*.contoso.com", "*.contoso.com"));
        assert!(!covers("*.contoso.com", "*.mail.contoso.com"));
        assert!(!covers("*.contoso.com", "w*.contoso.com"));
    }

    #[test]
    fn fqdn_shape() {
        assert!(is_fqdn("mail.contoso.com"));
        assert!(!is_fqdn("mail"));
        assert!(!is_fqdn("*.contoso.com"));
        assert!(!is_fqdn("10.0.0.1"));
        assert!(!is_fqdn("-a.contoso.com"));
        assert!(!is_fqdn("a..com"));
    }

    #[test]
    fn internal_names() {
        assert!(internal_reason("ex01.contoso.local").is_some());
        assert!(internal_reason("ex01").is_some());
        assert!(internal_reason("192.168.1.5").is_some());
        assert!(internal_reason("172.16.0.1").is_some());
        assert!(internal_reason("172.32.0.1").is_none());
        assert!(internal_reason("8.8.8.8").is_none());
        assert!(internal_reason("mail.contoso.com").is_none());
    }
}
