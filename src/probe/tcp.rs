//! The TCP connection of a probe: name resolution, connect, and a stream whose every read and
//! write is bounded by one overall deadline.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::{probe_stream, Presented, ProbeError, Stage, Target};

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
