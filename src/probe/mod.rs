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
//!
//! The module is arranged by concern: [`Target`] and its URL grammar (`target.rs`), the
//! errors and the stage a probe failed at (`error.rs`), line reading before TLS
//! (`dialogue.rs`), the STARTTLS dialogue of each protocol (`starttls.rs`), the TLS handshake
//! with its recording verifier (`tls.rs`) and the TCP connection with its deadline (`tcp.rs`).

use std::io::{Read, Write};

mod dialogue;
mod error;
mod starttls;
mod target;
mod tcp;
mod tls;

pub use error::{ProbeError, Stage};
pub use target::{Scheme, Target};
pub use tcp::probe;

use dialogue::Dialogue;

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
    tls::handshake(target, &mut stream, last_reply)
}

#[cfg(test)]
mod tests {
    use std::io::{self, Read, Write};

    use super::dialogue::{MAX_LINE, MAX_LINES};
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
