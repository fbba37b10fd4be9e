//! The script builder both runbooks write with: lines of [`Tok`]s, indentation, comments, numbered
//! steps, and the preamble and PowerShell functions every script shares.
//!
//! Quoting is correct by construction: a line is a list of [`Tok`]s, where code is
//! `Tok::C(&'static str)` — text written in the runbook's source, never a runtime value — and
//! every runtime value is `Tok::V`, which always goes through [`ps_literal`]. Comments that
//! mention values go through [`comment_text`]. There is no other way to put text into the
//! script.

use super::quote::{comment_text, ps_literal};

/// The UTF-8 byte order mark. Windows PowerShell 5.1 (the Exchange Management Shell) reads a
/// `.ps1` file without a BOM in the ANSI code page, which would garble non-ASCII names; with
/// the BOM it reads UTF-8 (about_Character_Encoding). Prepend it when writing the script to a
/// file.
pub const UTF8_BOM: &str = "\u{FEFF}";

/// A piece of a script line.
pub(super) enum Tok<'a> {
    /// Code written in the runbook's source.
    C(&'static str),
    /// A value: emitted as a PowerShell literal that evaluates to exactly this text.
    V(&'a str),
}
pub(super) use Tok::{C, V};

pub(super) struct Script {
    pub(super) out: String,
    pub(super) indent: usize,
}

impl Script {
    pub(super) fn line(&mut self, toks: &[Tok]) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        for t in toks {
            match t {
                C(code) => self.out.push_str(code),
                V(value) => self.out.push_str(&ps_literal(value)),
            }
        }
        self.out.push('\n');
    }

    pub(super) fn code(&mut self, code: &'static str) {
        self.line(&[C(code)]);
    }

    pub(super) fn open(&mut self, toks: &[Tok]) {
        self.line(toks);
        self.indent += 1;
    }

    pub(super) fn close(&mut self, code: &'static str) {
        self.indent = self.indent.saturating_sub(1);
        self.code(code);
    }

    pub(super) fn comment(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        if text.is_empty() {
            self.out.push('#');
        } else {
            self.out.push_str("# ");
            self.out.push_str(&comment_text(text));
        }
        self.out.push('\n');
    }

    pub(super) fn blank(&mut self) {
        self.out.push('\n');
    }

    pub(super) fn step(&mut self, n: &mut u32, title: &str) {
        *n += 1;
        let text = format!("Step {n}: {title}");
        self.blank();
        self.comment(&format!("---- {text} ----"));
        self.line(&[C("Write-Host "), V(&text)]);
    }
}

/// The `-WhatIf` parameter both scripts take: its comment line and its declaration.
pub(super) const WHATIF_PARAM: (&str, &str) = (
    "# Show every change without making it; passed to every cmdlet that changes something.",
    "[switch]$WhatIf,",
);

/// What every script starts with after its header comment: the `param(…)` block (each
/// parameter as its comment line and its declaration, commas included), strict mode, the
/// shared helpers then `helpers`, and the refusal to run outside the Exchange Management Shell.
pub(super) fn preamble(s: &mut Script, params: &[(&'static str, &'static str)], helpers: &[&str]) {
    s.code("param(");
    s.indent += 1;
    for (comment, declaration) in params {
        s.code(comment);
        s.code(declaration);
    }
    s.close(")");
    s.blank();
    s.code("Set-StrictMode -Version Latest");
    s.code("$ErrorActionPreference = 'Stop'");
    s.blank();
    s.out.push_str(HELPERS);
    s.blank();
    for h in helpers {
        s.out.push_str(h);
        s.blank();
    }
    s.open(&[C(
        "if (-not (Get-Command -Name 'Enable-ExchangeCertificate' -ErrorAction SilentlyContinue)) {",
    )]);
    s.code("throw 'Run this script in the Exchange Management Shell: Enable-ExchangeCertificate is not available here.'");
    s.close("}");
}

/// A copy of `toks`, to splice one token list into another line.
pub(super) fn copy<'a>(toks: &[Tok<'a>]) -> Vec<Tok<'a>> {
    toks.iter()
        .map(|t| match t {
            C(c) => C(c),
            V(v) => V(v),
        })
        .collect()
}

/// Helper functions the script defines: fixed text, no values.
pub(super) const HELPERS: &str = r#"function Read-CertprepSmtpReply {
    # One SMTP reply (all its continuation lines), at most 100 lines.
    param([System.IO.StreamReader]$Reader)
    $lines = @()
    for ($i = 0; $i -lt 100; $i++) {
        $line = $Reader.ReadLine()
        if ($null -eq $line) { break }
        $lines += $line
        if ($line.Length -lt 4 -or $line[3] -ne '-') { break }
    }
    return ($lines -join ' | ')
}

function Test-CertprepStartTls {
    # Port 25: EHLO, STARTTLS, TLS handshake; returns the certificate the server presents.
    # Validation is off on purpose: this reports what is presented, it trusts nothing.
    param([string]$ComputerName)
    $client = New-Object -TypeName System.Net.Sockets.TcpClient
    try {
        $client.ReceiveTimeout = 15000
        $client.SendTimeout = 15000
        $client.Connect($ComputerName, 25)
        $stream = $client.GetStream()
        $reader = New-Object -TypeName System.IO.StreamReader -ArgumentList $stream, ([System.Text.Encoding]::ASCII)
        $writer = New-Object -TypeName System.IO.StreamWriter -ArgumentList $stream, ([System.Text.Encoding]::ASCII)
        $writer.NewLine = "`r`n"
        $writer.AutoFlush = $true
        $reply = Read-CertprepSmtpReply -Reader $reader
        if (-not $reply.StartsWith('220')) { throw ('no SMTP greeting: ' + $reply) }
        $writer.WriteLine('EHLO certprep.invalid')
        $reply = Read-CertprepSmtpReply -Reader $reader
        if ($reply -notmatch '250[ -]STARTTLS') { throw ('STARTTLS is not offered: ' + $reply) }
        $writer.WriteLine('STARTTLS')
        $reply = Read-CertprepSmtpReply -Reader $reader
        if (-not $reply.StartsWith('220')) { throw ('STARTTLS refused: ' + $reply) }
        $accept = [System.Net.Security.RemoteCertificateValidationCallback] { $true }
        $tls = New-Object -TypeName System.Net.Security.SslStream -ArgumentList $stream, $false, $accept
        $tls.AuthenticateAsClient($ComputerName)
        $presented = New-Object -TypeName System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $tls.RemoteCertificate
        $tls.Dispose()
        return $presented
    } finally {
        $client.Close()
    }
}
"#;
