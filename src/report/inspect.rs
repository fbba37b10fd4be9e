//! Text rendering of [`InspectReport`]: `Format-List`-style blocks per object.

use crate::inspect::{CertReport, InspectReport, PfxReport};
use crate::model::pfx::{BagKind, MacDigest, PasswordUsed};
use crate::report::sanitize_line;
use crate::windows::ImportVerdict;
use std::io::{self, Write};

/// Write the report as text.
pub fn write_text(report: &InspectReport, out: &mut dyn Write) -> io::Result<()> {
    let mut first = true;
    for c in &report.certificates {
        sep(out, &mut first)?;
        write_cert(c, out)?;
    }
    for r in &report.requests {
        sep(out, &mut first)?;
        writeln!(out, "{}", sanitize_line(&r.origin.to_string()))?;
        field(out, "Type", "certificate request (PendingRequest)")?;
        field(out, "Subject", &r.subject)?;
        field(
            out,
            "RequestedDomains",
            &format!("{{{}}}", r.requested_names.join(", ")),
        )?;
        field(out, "KeyAlgorithm", &r.key_algorithm)?;
        field(out, "SignatureAlgorithm", &r.signature_algorithm)?;
        field(out, "SignatureValid", &r.signature_valid.to_string())?;
        let issued: Vec<String> = r
            .issued_certificates
            .iter()
            .map(|t| t.to_string())
            .collect();
        field(
            out,
            "IssuedCertificates",
            &if issued.is_empty() {
                "none among the inputs".into()
            } else {
                issued.join(", ")
            },
        )?;
        for c in &r.comparisons {
            let verdict = if c.fulfils_request {
                "fulfils the request"
            } else {
                "does NOT fulfil the request"
            };
            field(out, "Certificate", &format!("{} {verdict}", c.thumbprint))?;
            for d in &c.differences {
                field(out, "  Difference", &d.to_string())?;
            }
        }
    }
    for k in &report.keys {
        sep(out, &mut first)?;
        writeln!(out, "{}", sanitize_line(&k.origin.to_string()))?;
        field(out, "Type", &format!("private key ({})", k.format))?;
        field(out, "KeyAlgorithm", &k.key_algorithm)?;
        let m: Vec<String> = k
            .matches_certificates
            .iter()
            .map(|t| t.to_string())
            .collect();
        field(
            out,
            "MatchesCertificate",
            &if m.is_empty() {
                "none among the inputs".into()
            } else {
                m.join(", ")
            },
        )?;
    }
    for p in &report.pfx_files {
        sep(out, &mut first)?;
        write_pfx(p, out)?;
    }
    Ok(())
}

fn sep(out: &mut dyn Write, first: &mut bool) -> io::Result<()> {
    if !*first {
        writeln!(out)?;
    }
    *first = false;
    Ok(())
}

fn field(out: &mut dyn Write, name: &str, value: &str) -> io::Result<()> {
    writeln!(out, "  {name:<20}: {}", sanitize_line(value))
}

fn write_cert(c: &CertReport, out: &mut dyn Write) -> io::Result<()> {
    let date = |d: time::OffsetDateTime| {
        d.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| d.to_string())
    };
    writeln!(out, "{}", sanitize_line(&c.origin.to_string()))?;
    field(
        out,
        "FriendlyName",
        c.friendly_name.as_deref().unwrap_or(""),
    )?;
    field(out, "Subject", &c.subject)?;
    field(out, "Issuer", &c.issuer)?;
    field(
        out,
        "CertificateDomains",
        &format!("{{{}}}", c.certificate_domains.join(", ")),
    )?;
    field(out, "Thumbprint", &c.thumbprint.to_string())?;
    field(out, "ThumbprintSHA256", &c.thumbprint_sha256.to_string())?;
    field(out, "SerialNumber", &c.serial_number)?;
    field(out, "NotBefore", &date(c.not_before))?;
    field(out, "NotAfter", &date(c.not_after))?;
    field(
        out,
        "Status",
        &format!("{:?} (revocation {})", c.status, c.revocation),
    )?;
    field(out, "RootCAType", c.root_ca_type)?;
    field(out, "IsSelfSigned", ps_bool(c.is_self_signed))?;
    let key = match &c.private_key_origin {
        Some(o) => format!("True ({o})"),
        None => "False".into(),
    };
    field(out, "HasPrivateKey", &key)?;
    field(out, "PublicKeySize", &c.public_key_size.to_string())?;
    field(out, "KeyAlgorithm", &c.key_algorithm)?;
    field(out, "SignatureAlgorithm", &c.signature_algorithm)?;
    field(
        out,
        "EnhancedKeyUsageList",
        &c.enhanced_key_usage
            .as_ref()
            .map(|l| format!("{{{}}}", l.join(", ")))
            .unwrap_or_else(|| "(any)".into()),
    )?;
    field(
        out,
        "KeyUsage",
        &c.key_usage
            .as_ref()
            .map(|l| l.join(", "))
            .unwrap_or_else(|| "(not present)".into()),
    )?;
    field(out, "IsCA", ps_bool(c.is_ca))?;
    field(out, "TlsCertificateName", &c.tls_certificate_name)?;
    Ok(())
}

fn write_pfx(p: &PfxReport, out: &mut dyn Write) -> io::Result<()> {
    let info = &p.info;
    writeln!(out, "{}", sanitize_line(&info.origin.to_string()))?;
    field(out, "Type", "PKCS#12 (PFX)")?;
    field(
        out,
        "Password",
        match info.password {
            PasswordUsed::Null => "none (null password)",
            PasswordUsed::Empty => "empty",
            PasswordUsed::Supplied => "supplied",
            PasswordUsed::NotOpened => "not opened (only unencrypted parts shown)",
        },
    )?;
    match &info.mac {
        Some(m) => {
            let digest = match &m.digest {
                MacDigest::Sha1 => "HMAC-SHA1".to_owned(),
                MacDigest::Sha256 => "HMAC-SHA256".to_owned(),
                MacDigest::Sha384 => "HMAC-SHA384".to_owned(),
                MacDigest::Sha512 => "HMAC-SHA512".to_owned(),
                MacDigest::Other(o) => o.clone(),
            };
            field(
                out,
                "MAC",
                &format!("{digest}, {} iterations", m.iterations),
            )?
        }
        None => field(out, "MAC", "none")?,
    }
    for b in &info.bags {
        let kind = match &b.kind {
            BagKind::Key => "key".to_owned(),
            BagKind::ShroudedKey => "shrouded key".to_owned(),
            BagKind::Cert => "certificate".to_owned(),
            BagKind::Crl => "CRL".to_owned(),
            BagKind::Secret => "secret".to_owned(),
            BagKind::SafeContents => "nested safe".to_owned(),
            BagKind::Other(o) if o == crate::oid::CMS_ENCRYPTED_DATA => {
                "encrypted safe (contents need the password)".to_owned()
            }
            BagKind::Other(o) => format!("bag type {o}"),
        };
        let mut text = format!("{kind}: {}", b.encryption);
        if let Some(i) = b.iterations {
            text.push_str(&format!(", {i} iterations"));
        }
        if let Some(n) = &b.friendly_name {
            text.push_str(&format!("; friendlyName \"{n}\""));
        }
        if let Some(id) = &b.local_key_id {
            text.push_str(&format!("; localKeyId {id}"));
        }
        if let Some(c) = &b.csp_name {
            text.push_str(&format!("; CSP \"{c}\""));
        }
        field(out, &format!("Bag {}", b.index), &text)?;
    }
    for w in &p.windows {
        match &w.verdict {
            ImportVerdict::Imports => writeln!(out, "  {}: imports", w.name)?,
            ImportVerdict::CannotImport { reason } => writeln!(
                out,
                "  {}: cannot import ({}); convert with: certprep pfx {} --profile compat -o OUT.pfx",
                w.name,
                sanitize_line(reason),
                crate::powershell::ps_word(&info.origin.file_name())
            )?,
        }
    }
    Ok(())
}

/// Booleans as PowerShell prints them (`Format-List` shows `True`/`False`).
fn ps_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}
