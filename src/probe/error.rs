//! Why a probe failed ([`ProbeError`]) and the step it was at ([`Stage`]); every message names
//! the server and, where there was one, the server's last reply before TLS.

use std::fmt;
use std::io;

use super::Target;

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
