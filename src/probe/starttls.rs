//! The STARTTLS dialogue of each protocol, up to the point where TLS starts: SMTP (EHLO,
//! STARTTLS — RFC 3207), IMAP (STARTTLS — RFC 3501 §6.2.1) and POP3 (STLS — RFC 2595 §4).
//! Each accepts only the replies its RFC allows and otherwise fails with the reply it got.

use std::io::{Read, Write};

use super::dialogue::{Dialogue, MAX_LINES};
use super::{ProbeError, Stage};

/// The name the probe gives in EHLO: RFC 2606 reserves `.invalid`, so it can never be taken
/// for a real host.
const EHLO_NAME: &str = "certprep.invalid";

impl<S: Read + Write> Dialogue<'_, S> {
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

    pub(super) fn smtp(&mut self) -> Result<(), ProbeError> {
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

    pub(super) fn imap(&mut self) -> Result<(), ProbeError> {
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

    pub(super) fn pop3(&mut self) -> Result<(), ProbeError> {
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
