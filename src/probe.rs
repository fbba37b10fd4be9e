//! Which certificate a server actually presents: the one networked operation in certprep.
//!
//! A probe speaks just enough of SMTP (EHLO, STARTTLS — RFC 3207), IMAP (STARTTLS — RFC 3501
//! §6.2.1) or POP3 (STLS — RFC 2595 §4) to start TLS, or starts TLS at once for the implicit-TLS
//! schemes, and records the certificate chain the server sends. Nothing is trusted: the
//! verifier accepts any chain and any name (it still checks the handshake signature, which
//! proves the server holds the presented certificate's key). The dialogues run over any
//! `Read + Write` stream ([`probe_stream`]), so they are tested over in-memory streams;
//! [`probe`] opens the TCP connection with an overall deadline. Every loop is bounded in count
//! (lines per reply, bytes per line, handshake rounds) and, over TCP, in time.
//!
//! rustls speaks TLS 1.2 and 1.3 only, with ECDHE key exchange and AEAD ciphers: a server
//! that offers only TLS 1.0/1.1 or only RSA key exchange fails the handshake, which is itself
//! worth knowing before clients do.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};

/// Longest protocol line read before TLS (SMTP allows 512 octets, RFC 5321 §4.5.3.1.5).
const MAX_LINE: usize = 4096;
/// Most lines in one reply (an EHLO reply lists one extension per line).
const MAX_LINES: usize = 100;
/// Most `complete_io` rounds for a handshake.
const MAX_HANDSHAKE_ROUNDS: usize = 64;
/// The name the probe gives in EHLO: RFC 2606 reserves `.invalid`, so it can never be taken
/// for a real host.
const EHLO_NAME: &str = "certprep.invalid";

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

/// What the server presented.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presented {
    /// The certificates exactly as sent, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// The TLS version negotiated (`TLSv1_3`).
    pub protocol: String,
    /// The cipher suite negotiated.
    pub cipher_suite: String,
}

/// The step a probe was at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Connecting.
    Connect,
    /// Waiting for the server's greeting.
    Greeting,
    /// Sending EHLO and reading the reply.
    Ehlo,
    /// Asking to start TLS.
    StartTls,
    /// The TLS handshake.
    Handshake,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Connect => "connecting",
            Stage::Greeting => "waiting for the greeting",
            Stage::Ehlo => "after EHLO",
            Stage::StartTls => "asking to start TLS",
            Stage::Handshake => "during the TLS handshake",
        })
    }
}

fn last(reply: &Option<String>) -> String {
    match reply {
        Some(r) => format!("; the server's last reply was \"{r}\""),
        None => "; the server sent nothing".to_owned(),
    }
}

/// Why a probe failed.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The URL is not one `probe` understands.
    #[error("{url}: {reason}")]
    BadUrl {
        /// The URL as given.
        url: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The host name did not resolve, or the connection failed.
    #[error("{target}: cannot connect")]
    Connect {
        /// The server.
        target: Target,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// No answer within the timeout.
    #[error("{target}: timed out {stage}{}", last(.last_reply))]
    TimedOut {
        /// The server.
        target: Target,
        /// Where.
        stage: Stage,
        /// The last thing the server said.
        last_reply: Option<String>,
    },
    /// The server closed the connection.
    #[error("{target}: the server closed the connection {stage}{}", last(.last_reply))]
    Closed {
        /// The server.
        target: Target,
        /// Where.
        stage: Stage,
        /// The last thing the server said.
        last_reply: Option<String>,
    },
    /// Reading or writing failed.
    #[error("{target}: network error {stage}{}", last(.last_reply))]
    Io {
        /// The server.
        target: Target,
        /// Where.
        stage: Stage,
        /// The last thing the server said.
        last_reply: Option<String>,
        /// The error.
        #[source]
        source: io::Error,
    },
    /// The server's reply was not what the protocol expects at this point.
    #[error("{target}: unexpected reply {stage}: \"{reply}\"")]
    Unexpected {
        /// The server.
        target: Target,
        /// Where.
        stage: Stage,
        /// The reply.
        reply: String,
    },
    /// The EHLO reply does not offer STARTTLS.
    #[error("{target}: the server does not offer STARTTLS; its EHLO reply was \"{reply}\"")]
    NoStartTls {
        /// The server.
        target: Target,
        /// The EHLO reply.
        reply: String,
    },
    /// The server refused to start TLS.
    #[error("{target}: the server refused {command}: \"{reply}\"")]
    StartTlsRefused {
        /// The server.
        target: Target,
        /// STARTTLS or STLS.
        command: &'static str,
        /// Its reply.
        reply: String,
    },
    /// The TLS handshake failed.
    #[error("{target}: TLS handshake failed{}", last(.last_reply))]
    Tls {
        /// The server.
        target: Target,
        /// The last protocol reply before TLS.
        last_reply: Option<String>,
        /// Certificates the server sent before the failure, if any (leaf first).
        presented: Vec<Vec<u8>>,
        /// rustls' error (boxed: it is large, and failures are rare).
        #[source]
        source: Box<rustls::Error>,
    },
}

impl ProbeError {
    /// Certificates the server sent before the failure (only for handshake failures).
    pub fn presented(&self) -> &[Vec<u8>] {
        match self {
            ProbeError::Tls { presented, .. } => presented,
            _ => &[],
        }
    }
}

/// Accepts whatever the server presents and keeps a copy. Certificate trust and host names
/// are deliberately not checked (probe reports, it does not trust); handshake signatures are,
/// with the provider's algorithms.
#[derive(Debug)]
struct RecordingVerifier {
    seen: Mutex<Vec<Vec<u8>>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = vec![end_entity.as_ref().to_vec()];
        chain.extend(intermediates.iter().map(|c| c.as_ref().to_vec()));
        if let Ok(mut seen) = self.seen.lock() {
            *seen = chain;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Reads lines before TLS, one byte at a time so nothing of the TLS stream is consumed.
struct Dialogue<'a, S: Read + Write> {
    stream: &'a mut S,
    target: &'a Target,
    last_reply: Option<String>,
}

impl<S: Read + Write> Dialogue<'_, S> {
    fn io_error(&self, stage: Stage, e: io::Error) -> ProbeError {
        let target = self.target.clone();
        let last_reply = self.last_reply.clone();
        match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ProbeError::TimedOut {
                target,
                stage,
                last_reply,
            },
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => ProbeError::Closed {
                target,
                stage,
                last_reply,
            },
            _ => ProbeError::Io {
                target,
                stage,
                last_reply,
                source: e,
            },
        }
    }

    fn send(&mut self, stage: Stage, line: &str) -> Result<(), ProbeError> {
        let r = self
            .stream
            .write_all(format!("{line}\r\n").as_bytes())
            .and_then(|()| self.stream.flush());
        r.map_err(|e| self.io_error(stage, e))
    }

    fn read_line(&mut self, stage: Stage) -> Result<String, ProbeError> {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        loop {
            match self.stream.read(&mut byte) {
                Ok(0) => {
                    return Err(self.io_error(stage, io::ErrorKind::UnexpectedEof.into()));
                }
                Ok(_) => {
                    if byte[0] == b'\n' {
                        break;
                    }
                    if buf.len() >= MAX_LINE {
                        let reply = String::from_utf8_lossy(&buf).into_owned();
                        return Err(ProbeError::Unexpected {
                            target: self.target.clone(),
                            stage,
                            reply: format!("{reply}… (line longer than {MAX_LINE} bytes)"),
                        });
                    }
                    buf.push(byte[0]);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_error(stage, e)),
            }
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        let line = String::from_utf8_lossy(&buf).into_owned();
        Ok(line)
    }

    /// An SMTP reply: lines `NNN-text` continue, `NNN text` ends (RFC 5321 §4.2.1).
    fn smtp_reply(&mut self, stage: Stage) -> Result<(String, Vec<String>), ProbeError> {
        let mut lines = Vec::new();
        for _ in 0..MAX_LINES {
            let line = self.read_line(stage)?;
            let more = line.as_bytes().get(3) == Some(&b'-');
            lines.push(line);
            self.last_reply = Some(lines.join(" / "));
            if !more {
                let code = lines[0].get(..3).unwrap_or("").to_owned();
                return Ok((code, lines));
            }
        }
        Err(ProbeError::Unexpected {
            target: self.target.clone(),
            stage,
            reply: format!("more than {MAX_LINES} reply lines"),
        })
    }

    fn one_line(&mut self, stage: Stage) -> Result<String, ProbeError> {
        let line = self.read_line(stage)?;
        self.last_reply = Some(line.clone());
        Ok(line)
    }

    fn smtp(&mut self) -> Result<(), ProbeError> {
        let (code, lines) = self.smtp_reply(Stage::Greeting)?;
        if code != "220" {
            return Err(ProbeError::Unexpected {
                target: self.target.clone(),
                stage: Stage::Greeting,
                reply: lines.join(" / "),
            });
        }
        self.send(Stage::Ehlo, &format!("EHLO {EHLO_NAME}"))?;
        let (code, lines) = self.smtp_reply(Stage::Ehlo)?;
        if code != "250" {
            return Err(ProbeError::Unexpected {
                target: self.target.clone(),
                stage: Stage::Ehlo,
                reply: lines.join(" / "),
            });
        }
        let offers = lines.iter().skip(1).any(|l| {
            l.get(4..)
                .and_then(|k| k.split_whitespace().next())
                .is_some_and(|k| k.eq_ignore_ascii_case("STARTTLS"))
        });
        if !offers {
            return Err(ProbeError::NoStartTls {
                target: self.target.clone(),
                reply: lines.join(" / "),
            });
        }
        self.send(Stage::StartTls, "STARTTLS")?;
        let (code, lines) = self.smtp_reply(Stage::StartTls)?;
        if code != "220" {
            return Err(ProbeError::StartTlsRefused {
                target: self.target.clone(),
                command: "STARTTLS",
                reply: lines.join(" / "),
            });
        }
        Ok(())
    }

    fn imap(&mut self) -> Result<(), ProbeError> {
        let greeting = self.one_line(Stage::Greeting)?;
        if !starts_with_ci(&greeting, "* OK") {
            return Err(ProbeError::Unexpected {
                target: self.target.clone(),
                stage: Stage::Greeting,
                reply: greeting,
            });
        }
        self.send(Stage::StartTls, "a1 STARTTLS")?;
        for _ in 0..MAX_LINES {
            let line = self.one_line(Stage::StartTls)?;
            if line.starts_with('*') {
                continue; // untagged data before the tagged completion (RFC 3501 §7)
            }
            if starts_with_ci(&line, "a1 OK") {
                return Ok(());
            }
            return Err(ProbeError::StartTlsRefused {
                target: self.target.clone(),
                command: "STARTTLS",
                reply: line,
            });
        }
        Err(ProbeError::Unexpected {
            target: self.target.clone(),
            stage: Stage::StartTls,
            reply: format!("more than {MAX_LINES} untagged lines"),
        })
    }

    fn pop3(&mut self) -> Result<(), ProbeError> {
        let greeting = self.one_line(Stage::Greeting)?;
        if !greeting.starts_with("+OK") {
            return Err(ProbeError::Unexpected {
                target: self.target.clone(),
                stage: Stage::Greeting,
                reply: greeting,
            });
        }
        self.send(Stage::StartTls, "STLS")?;
        let reply = self.one_line(Stage::StartTls)?;
        if !reply.starts_with("+OK") {
            return Err(ProbeError::StartTlsRefused {
                target: self.target.clone(),
                command: "STLS",
                reply,
            });
        }
        Ok(())
    }
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// Run the protocol dialogue (if any) and the TLS handshake over `stream`; return the chain
/// the server presented. The stream's own timeouts bound the time.
pub fn probe_stream<S: Read + Write>(
    target: &Target,
    mut stream: S,
) -> Result<Presented, ProbeError> {
    let mut d = Dialogue {
        stream: &mut stream,
        target,
        last_reply: None,
    };
    match target.scheme {
        Scheme::Smtp => d.smtp()?,
        Scheme::Imap => d.imap()?,
        Scheme::Pop3 => d.pop3()?,
        Scheme::Smtps | Scheme::Imaps | Scheme::Pop3s | Scheme::Https => {}
    }
    let last_reply = d.last_reply.take();
    handshake(target, &mut stream, last_reply)
}

fn handshake<S: Read + Write>(
    target: &Target,
    stream: &mut S,
    last_reply: Option<String>,
) -> Result<Presented, ProbeError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(RecordingVerifier {
        seen: Mutex::new(Vec::new()),
        provider: provider.clone(),
    });
    let tls_error = |source: rustls::Error, last_reply: &Option<String>| ProbeError::Tls {
        target: target.clone(),
        last_reply: last_reply.clone(),
        presented: verifier.seen.lock().map(|s| s.clone()).unwrap_or_default(),
        source: Box::new(source),
    };
    let config = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error(e, &last_reply))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    // Validated in Target::parse; a failure here is reported rather than trusted away.
    let name = ServerName::try_from(target.host.clone()).map_err(|_| ProbeError::BadUrl {
        url: target.to_string(),
        reason: "the host is neither a DNS name nor an IP address",
    })?;
    let mut conn =
        ClientConnection::new(Arc::new(config), name).map_err(|e| tls_error(e, &last_reply))?;
    let mut rounds = 0;
    while conn.is_handshaking() {
        rounds += 1;
        if rounds > MAX_HANDSHAKE_ROUNDS {
            return Err(tls_error(
                rustls::Error::General("handshake did not finish".into()),
                &last_reply,
            ));
        }
        if let Err(e) = conn.complete_io(stream) {
            if let Some(source) = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                return Err(tls_error(source.clone(), &last_reply));
            }
            let d = Dialogue {
                stream,
                target,
                last_reply,
            };
            return Err(d.io_error(Stage::Handshake, e));
        }
    }
    let chain: Vec<Vec<u8>> = conn
        .peer_certificates()
        .map(|c| c.iter().map(|c| c.as_ref().to_vec()).collect())
        .unwrap_or_default();
    if chain.is_empty() {
        return Err(tls_error(
            rustls::Error::NoCertificatesPresented,
            &last_reply,
        ));
    }
    let protocol = conn
        .protocol_version()
        .map(|v| format!("{v:?}"))
        .unwrap_or_default();
    let cipher_suite = conn
        .negotiated_cipher_suite()
        .map(|c| format!("{:?}", c.suite()))
        .unwrap_or_default();
    // Polite close; the result is in hand whatever happens now.
    conn.send_close_notify();
    let _ = conn.complete_io(stream);
    Ok(Presented {
        chain,
        protocol,
        cipher_suite,
    })
}

/// A TCP stream whose reads and writes fail with `TimedOut` once `deadline` has passed, so
/// the whole probe — not just each read — is bounded by the timeout.
struct DeadlineStream {
    inner: TcpStream,
    deadline: Instant,
}

impl DeadlineStream {
    fn remaining(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(io::ErrorKind::TimedOut.into())
        } else {
            Ok(left)
        }
    }
}

impl Read for DeadlineStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.remaining()?;
        self.inner.set_read_timeout(Some(left))?;
        self.inner.read(buf)
    }
}

impl Write for DeadlineStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let left = self.remaining()?;
        self.inner.set_write_timeout(Some(left))?;
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Connect to `target` and probe it; the whole probe (connect, dialogue, handshake) gets at
/// most `timeout`. Name resolution uses the system resolver, which has its own timeout.
pub fn probe(target: &Target, timeout: Duration) -> Result<Presented, ProbeError> {
    // Network timeouts need a clock; this is the only place the library reads one, and it
    // never affects a result, only when to give up.
    let deadline = Instant::now() + timeout;
    let addrs: Vec<_> = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|source| ProbeError::Connect {
            target: target.clone(),
            source,
        })?
        .collect();
    let mut last_err = io::Error::new(io::ErrorKind::NotFound, "the name has no address");
    for addr in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ProbeError::TimedOut {
                target: target.clone(),
                stage: Stage::Connect,
                last_reply: None,
            });
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(inner) => {
                let _ = inner.set_nodelay(true);
                return probe_stream(target, DeadlineStream { inner, deadline });
            }
            Err(e) => last_err = e,
        }
    }
    if matches!(
        last_err.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    ) {
        return Err(ProbeError::TimedOut {
            target: target.clone(),
            stage: Stage::Connect,
            last_reply: None,
        });
    }
    Err(ProbeError::Connect {
        target: target.clone(),
        source: last_err,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scripted peer: returns `input` to reads (then EOF), records writes.
    struct Script {
        input: io::Cursor<Vec<u8>>,
        written: Vec<u8>,
    }

    impl Script {
        fn new(input: &str) -> Self {
            Script {
                input: io::Cursor::new(input.as_bytes().to_vec()),
                written: Vec::new(),
            }
        }
    }

    impl Read for Script {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.input.read(buf)
        }
    }

    impl Write for Script {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

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

    #[test]
    fn smtp_dialogue_sends_ehlo_then_starttls_and_reaches_tls() {
        let mut s = Script::new(
            "220-first\r\n220 mx ready\r\n250-mx\r\n250-SIZE 1000\r\n250 STARTTLS\r\n220 go ahead\r\n",
        );
        let err = probe_stream(&target("smtp://mx.contoso.com"), &mut s).unwrap_err();
        let commands = b"EHLO certprep.invalid\r\nSTARTTLS\r\n";
        assert_eq!(&s.written[..commands.len()], commands);
        // The script ends where TLS would start: the server "closes" during the handshake,
        // and the last protocol reply is kept.
        match err {
            ProbeError::Closed {
                stage: Stage::Handshake,
                last_reply,
                ..
            } => assert_eq!(last_reply.as_deref(), Some("220 go ahead")),
            other => panic!("{other:?}"),
        }
        // The ClientHello was sent after STARTTLS.
        assert_eq!(s.written[commands.len()], 0x16, "a TLS handshake record");
    }

    #[test]
    fn smtp_without_starttls_extension_is_reported_with_the_ehlo_reply() {
        let mut s = Script::new("220 mx\r\n250-mx\r\n250 SIZE 10\r\n");
        let err = probe_stream(&target("smtp://mx"), &mut s).unwrap_err();
        assert!(
            matches!(err, ProbeError::NoStartTls { ref reply, .. } if reply == "250-mx / 250 SIZE 10")
        );
    }

    #[test]
    fn smtp_refused_starttls_names_the_reply() {
        let mut s =
            Script::new("220 mx\r\n250-mx\r\n250 STARTTLS\r\n454 4.7.0 TLS not available\r\n");
        let err = probe_stream(&target("smtp://mx"), &mut s).unwrap_err();
        assert_eq!(
            err.to_string(),
            "smtp://mx:25: the server refused STARTTLS: \"454 4.7.0 TLS not available\""
        );
    }

    #[test]
    fn imap_skips_untagged_lines_and_pop3_refusal_is_reported() {
        let mut s = Script::new("* OK IMAP4rev1\r\n* CAPABILITY x\r\na1 OK Begin TLS\r\n");
        let err = probe_stream(&target("imap://h"), &mut s).unwrap_err();
        assert!(matches!(
            err,
            ProbeError::Closed {
                stage: Stage::Handshake,
                ..
            }
        ));
        assert!(s.written.starts_with(b"a1 STARTTLS\r\n"));

        let mut s = Script::new("* OK\r\na1 BAD no\r\n");
        assert!(matches!(
            probe_stream(&target("imap://h"), &mut s).unwrap_err(),
            ProbeError::StartTlsRefused { .. }
        ));

        let mut s = Script::new("+OK POP3\r\n-ERR not now\r\n");
        let err = probe_stream(&target("pop3://h"), &mut s).unwrap_err();
        assert!(
            matches!(err, ProbeError::StartTlsRefused { command: "STLS", ref reply, .. } if reply == "-ERR not now")
        );
    }

    #[test]
    fn silent_or_hostile_servers_end_the_dialogue() {
        let mut s = Script::new("");
        assert!(matches!(
            probe_stream(&target("smtp://h"), &mut s).unwrap_err(),
            ProbeError::Closed {
                stage: Stage::Greeting,
                last_reply: None,
                ..
            }
        ));
        let long = "2".repeat(MAX_LINE + 10);
        let mut s = Script::new(&long);
        assert!(matches!(
            probe_stream(&target("smtp://h"), &mut s).unwrap_err(),
            ProbeError::Unexpected { .. }
        ));
        let many = "220-x\r\n".repeat(MAX_LINES + 1);
        let mut s = Script::new(&many);
        assert!(matches!(
            probe_stream(&target("smtp://h"), &mut s).unwrap_err(),
            ProbeError::Unexpected { .. }
        ));
        let mut s = Script::new("554 go away\r\n");
        assert!(matches!(
            probe_stream(&target("smtp://h"), &mut s).unwrap_err(),
            ProbeError::Unexpected {
                stage: Stage::Greeting,
                ..
            }
        ));
    }
}
