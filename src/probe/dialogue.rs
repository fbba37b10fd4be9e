//! The line-oriented part of a probe before TLS: sending a command and reading a reply line,
//! bounded in bytes per line, and mapping I/O errors to a [`ProbeError`] that keeps the
//! server's last reply. Reads take one byte at a time so nothing of the TLS stream that follows
//! is consumed.

use std::io::{self, Read, Write};

use super::{ProbeError, Stage, Target};

/// Longest protocol line read before TLS (SMTP allows 512 octets, RFC 5321 §4.5.3.1.5).
pub(super) const MAX_LINE: usize = 4096;
/// Most lines in one reply (an EHLO reply lists one extension per line).
pub(super) const MAX_LINES: usize = 100;

/// Reads lines before TLS, one byte at a time so nothing of the TLS stream is consumed.
pub(super) struct Dialogue<'a, S: Read + Write> {
    pub(super) stream: &'a mut S,
    pub(super) target: &'a Target,
    /// The server's last reply, kept for the error messages.
    pub(super) last_reply: Option<String>,
}

impl<S: Read + Write> Dialogue<'_, S> {
    pub(super) fn io_error(&self, stage: Stage, e: io::Error) -> ProbeError {
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

    pub(super) fn send(&mut self, stage: Stage, line: &str) -> Result<(), ProbeError> {
        let r = self
            .stream
            .write_all(format!("{line}\r\n").as_bytes())
            .and_then(|()| self.stream.flush());
        r.map_err(|e| self.io_error(stage, e))
    }

    pub(super) fn read_line(&mut self, stage: Stage) -> Result<String, ProbeError> {
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

    pub(super) fn one_line(&mut self, stage: Stage) -> Result<String, ProbeError> {
        let line = self.read_line(stage)?;
        self.last_reply = Some(line.clone());
        Ok(line)
    }
}
