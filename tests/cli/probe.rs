//! `certprep probe` against loopback servers started inside each test (127.0.0.1, port 0,
//! one thread, one connection). Every server loop is bounded in count and by socket timeouts.

use crate::certprep;
use assert_fs::prelude::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Copy)]
enum Dialogue {
    /// SMTP: greeting, EHLO with STARTTLS, 220, TLS.
    Smtp,
    /// SMTP that answers STARTTLS with 454.
    SmtpRefuses,
    /// IMAP STARTTLS.
    Imap,
    /// POP3 STLS.
    Pop3,
    /// TLS at once.
    Implicit,
    /// Accepts, then says nothing.
    Silent,
}

struct Identity {
    cert_der: Vec<u8>,
    cert_pem: String,
    key_der: Vec<u8>,
}

fn identity(cn: &str) -> Identity {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut p = rcgen::CertificateParams::new(vec![cn.to_owned()]).unwrap();
    p.distinguished_name
        .push(rcgen::DnType::CommonName, cn.to_owned());
    p.distinguished_name
        .push(rcgen::DnType::OrganizationName, "Contoso, Ltd.");
    let cert = p.self_signed(&key).unwrap();
    Identity {
        cert_der: cert.der().to_vec(),
        cert_pem: cert.pem(),
        key_der: key.serialize_der(),
    }
}

fn read_line(s: &mut TcpStream) -> String {
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    while line.len() < 1024 {
        match s.read(&mut b) {
            Ok(1) if b[0] == b'\n' => break,
            Ok(1) => line.push(b[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&line).trim_end().to_owned()
}

fn tls(s: &mut TcpStream, id: &Identity) {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![id.cert_der.clone().into()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(id.key_der.clone().into()),
    )
    .unwrap();
    let mut conn = rustls::ServerConnection::new(Arc::new(config)).unwrap();
    for _ in 0..64 {
        if !conn.is_handshaking() {
            break;
        }
        if conn.complete_io(s).is_err() {
            return;
        }
    }
    // Wait for the client's close (bounded by the read timeout).
    for _ in 0..16 {
        match conn.complete_io(s) {
            Ok((0, 0)) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Start a one-connection server on 127.0.0.1; returns its port.
fn serve(dialogue: Dialogue, id: Identity) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        // Bounded accept: 20 s at most.
        let mut stream = None;
        for _ in 0..2000 {
            match listener.accept() {
                Ok((s, _)) => {
                    stream = Some(s);
                    break;
                }
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        let Some(mut s) = stream else { return };
        s.set_nonblocking(false).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
        let say = |s: &mut TcpStream, text: &str| {
            let _ = s.write_all(text.as_bytes());
        };
        match dialogue {
            Dialogue::Smtp | Dialogue::SmtpRefuses => {
                say(&mut s, "220 mx.contoso.test ESMTP\r\n");
                if !read_line(&mut s).starts_with("EHLO ") {
                    return;
                }
                say(&mut s, "250-mx.contoso.test Hello\r\n250-SIZE 37748736\r\n250-STARTTLS\r\n250 8BITMIME\r\n");
                if read_line(&mut s) != "STARTTLS" {
                    return;
                }
                if matches!(dialogue, Dialogue::SmtpRefuses) {
                    say(
                        &mut s,
                        "454 4.7.0 TLS not available due to temporary reason\r\n",
                    );
                    let _ = read_line(&mut s);
                    return;
                }
                say(&mut s, "220 2.0.0 SMTP server ready\r\n");
            }
            Dialogue::Imap => {
                say(&mut s, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
                let cmd = read_line(&mut s);
                let Some(tag) = cmd.strip_suffix(" STARTTLS") else {
                    return;
                };
                say(&mut s, &format!("{tag} OK Begin TLS negotiation now\r\n"));
            }
            Dialogue::Pop3 => {
                say(&mut s, "+OK POP3 ready\r\n");
                if read_line(&mut s) != "STLS" {
                    return;
                }
                say(&mut s, "+OK Begin TLS negotiation\r\n");
            }
            Dialogue::Implicit => {}
            Dialogue::Silent => {
                let mut buf = [0u8; 64];
                for _ in 0..16 {
                    if matches!(s.read(&mut buf), Ok(0) | Err(_)) {
                        break;
                    }
                }
                return;
            }
        }
        tls(&mut s, &id);
    });
    port
}

fn sha1_hex(der: &[u8]) -> String {
    let x = openssl::x509::X509::from_der(der).unwrap();
    hex::encode_upper(x.digest(openssl::hash::MessageDigest::sha1()).unwrap())
}

fn expect_file(dir: &assert_fs::TempDir, id: &Identity) -> String {
    let f = dir.child("expected.crt");
    f.write_str(&id.cert_pem).unwrap();
    f.path().to_string_lossy().into_owned()
}

fn stdout_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

#[test]
fn probe_smtp_starttls_shows_the_presented_certificate_and_matches_expect() {
    let id = identity("mail.contoso.test");
    let thumb = sha1_hex(&id.cert_der);
    let dir = assert_fs::TempDir::new().unwrap();
    let expect = expect_file(&dir, &id);
    let port = serve(Dialogue::Smtp, id);
    let a = certprep()
        .args([
            "probe",
            &format!("smtp://127.0.0.1:{port}"),
            "--expect",
            &expect,
        ])
        .assert()
        .success();
    let out = stdout_of(&a);
    assert!(
        out.starts_with(&format!("smtp://127.0.0.1:{port}\n")),
        "{out}"
    );
    assert!(out.contains(&format!("  thumbprint:  {thumb}\n")), "{out}");
    // Windows order: RDNs reversed (rcgen encodes CN, then O); self-signed, so issuer = subject.
    assert!(
        out.contains("  subject:     O=\"Contoso, Ltd.\", CN=mail.contoso.test\n"),
        "{out}"
    );
    assert!(
        out.contains("  issuer:      O=\"Contoso, Ltd.\", CN=mail.contoso.test\n"),
        "{out}"
    );
    assert!(out.contains(&format!(
        "  expected:    yes, the --expect certificate ({thumb})"
    )));
}

#[test]
fn probe_imap_starttls_pop3_stls_and_implicit_tls_each_reach_the_certificate() {
    for (dialogue, scheme) in [
        (Dialogue::Imap, "imap"),
        (Dialogue::Pop3, "pop3"),
        (Dialogue::Implicit, "imaps"),
        (Dialogue::Implicit, "https"),
        (Dialogue::Implicit, "smtps"),
        (Dialogue::Implicit, "pop3s"),
    ] {
        let id = identity("mail.contoso.test");
        let thumb = sha1_hex(&id.cert_der);
        let port = serve(dialogue, id);
        let a = certprep()
            .args(["probe", &format!("{scheme}://127.0.0.1:{port}")])
            .assert()
            .success();
        let out = stdout_of(&a);
        assert!(
            out.contains(&format!("  thumbprint:  {thumb}\n")),
            "{scheme}: {out}"
        );
        assert!(
            out.contains("  presented:   1 certificate over TLSv1_3"),
            "{scheme}: {out}"
        );
    }
}

#[test]
fn probe_wrong_certificate_exits_1_naming_both() {
    let presented = identity("old.contoso.test");
    let expected = identity("mail.contoso.test");
    let dir = assert_fs::TempDir::new().unwrap();
    let expect = expect_file(&dir, &expected);
    let want = sha1_hex(&expected.cert_der);
    let got = sha1_hex(&presented.cert_der);
    let port = serve(Dialogue::Smtp, presented);
    let a = certprep()
        .args([
            "probe",
            &format!("smtp://127.0.0.1:{port}"),
            "--expect",
            &expect,
        ])
        .assert()
        .code(1);
    let out = stdout_of(&a);
    assert!(out.contains(&format!("  thumbprint:  {got}\n")), "{out}");
    assert!(
        out.contains(&format!("  expected:    NO, --expect is {want}")),
        "{out}"
    );
}

#[test]
fn probe_silent_server_times_out_with_exit_1() {
    let port = serve(Dialogue::Silent, identity("x.test"));
    let a = certprep()
        .args([
            "probe",
            &format!("smtp://127.0.0.1:{port}"),
            "--timeout",
            "1",
        ])
        .assert()
        .code(1);
    let out = stdout_of(&a);
    assert!(
        out.contains("failed:      smtp://127.0.0.1:")
            && out.contains("timed out waiting for the greeting; the server sent nothing"),
        "{out}"
    );
}

#[test]
fn probe_refused_starttls_exits_1_with_the_server_reply() {
    let port = serve(Dialogue::SmtpRefuses, identity("x.test"));
    let a = certprep()
        .args(["probe", &format!("smtp://127.0.0.1:{port}")])
        .assert()
        .code(1);
    let out = stdout_of(&a);
    assert!(
        out.contains(
            "the server refused STARTTLS: \"454 4.7.0 TLS not available due to temporary reason\""
        ),
        "{out}"
    );
}

#[test]
fn probe_closed_port_fails_and_bad_urls_are_usage_errors() {
    // A port that was just free: bind, read the number, close.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    certprep()
        .args([
            "probe",
            &format!("pop3s://127.0.0.1:{port}"),
            "--timeout",
            "2",
        ])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("failed:"));
    certprep()
        .args(["probe", "ftp://127.0.0.1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown scheme"));
    certprep()
        .args(["probe", "smtp://127.0.0.1", "--timeout", "0"])
        .assert()
        .code(2);
}
