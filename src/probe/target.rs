//! The server to probe: a [`Target`] parsed from `scheme://host[:port]`, and the [`Scheme`]s
//! `probe` understands with their IANA ports.

use std::fmt;

use rustls::pki_types::ServerName;

use super::ProbeError;

/// The URL schemes `probe` understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// SMTP with STARTTLS (port 25).
    Smtp,
    /// SMTP over implicit TLS (port 465).
    Smtps,
    /// IMAP with STARTTLS (port 143).
    Imap,
    /// IMAP over implicit TLS (port 993).
    Imaps,
    /// POP3 with STLS (port 110).
    Pop3,
    /// POP3 over implicit TLS (port 995).
    Pop3s,
    /// HTTPS (port 443).
    Https,
}

impl Scheme {
    fn from_name(name: &str) -> Option<Scheme> {
        Some(match name.to_ascii_lowercase().as_str() {
            "smtp" => Scheme::Smtp,
            "smtps" => Scheme::Smtps,
            "imap" => Scheme::Imap,
            "imaps" => Scheme::Imaps,
            "pop3" => Scheme::Pop3,
            "pop3s" => Scheme::Pop3s,
            "https" => Scheme::Https,
            _ => return None,
        })
    }

    /// The scheme as written in a URL.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Smtp => "smtp",
            Scheme::Smtps => "smtps",
            Scheme::Imap => "imap",
            Scheme::Imaps => "imaps",
            Scheme::Pop3 => "pop3",
            Scheme::Pop3s => "pop3s",
            Scheme::Https => "https",
        }
    }

    /// The IANA port for the scheme.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Smtp => 25,
            Scheme::Smtps => 465,
            Scheme::Imap => 143,
            Scheme::Imaps => 993,
            Scheme::Pop3 => 110,
            Scheme::Pop3s => 995,
            Scheme::Https => 443,
        }
    }
}

/// A server to probe: `scheme://host[:port]`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Target {
    /// Protocol.
    pub scheme: Scheme,
    /// Host name or IP address (without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "{}://[{}]:{}", self.scheme.name(), self.host, self.port)
        } else {
            write!(f, "{}://{}:{}", self.scheme.name(), self.host, self.port)
        }
    }
}

impl Target {
    /// Parse `scheme://host[:port][/…]`; IPv6 addresses in brackets. Written by hand: the
    /// grammar needed is this small, and a URL crate would accept forms (user info, query)
    /// that mean nothing here.
    pub fn parse(url: &str) -> Result<Target, ProbeError> {
        let bad = |reason: &'static str| ProbeError::BadUrl {
            url: url.to_owned(),
            reason,
        };
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("it has no scheme; write e.g. smtp://mail.contoso.com"))?;
        let scheme = Scheme::from_name(scheme).ok_or_else(|| {
            bad("unknown scheme; use smtp, smtps, imap, imaps, pop3, pop3s or https")
        })?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.contains('@') {
            return Err(bad("user names are not supported"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("an IPv6 address lacks its closing ]"))?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or_else(|| bad("junk after ]"))?),
            };
            (h, port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err(bad("it names no host"));
        }
        let port = match port {
            None => scheme.default_port(),
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => return Err(bad("the port is not a number from 1 to 65535")),
            },
        };
        ServerName::try_from(host.to_owned())
            .map_err(|_| bad("the host is neither a DNS name nor an IP address"))?;
        Ok(Target {
            scheme,
            host: host.to_owned(),
            port,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> Target {
        Target::parse(url).unwrap()
    }

    #[test]
    fn target_parse_defaults_ports_and_reads_brackets() {
        assert_eq!(target("smtp://mail.contoso.com").port, 25);
        assert_eq!(target("IMAPS://mail.contoso.com").port, 993);
        assert_eq!(target("pop3://h:1110/x").port, 1110);
        let t = target("https://[::1]:8443");
        assert_eq!((t.host.as_str(), t.port), ("::1", 8443));
        assert_eq!(t.to_string(), "https://[::1]:8443");
        for bad in [
            "mail.contoso.com",
            "ftp://h",
            "smtp://",
            "smtp://h:0",
            "smtp://h:99999",
            "smtp://u@h",
            "smtp://[::1",
            "smtp://bad host",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }
}
