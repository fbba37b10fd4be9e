//! Text rendering of [`InspectReport`]: `Format-List`-style blocks per object.

use crate::inspect::{CertReport, InspectReport};
use crate::report::sanitize_line;
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
        writeln!(out, "{}", sanitize_line(&p.origin.to_string()))?;
        field(out, "Type", "PKCS#12 (PFX)")?;
        match &p.mac {
            Some(m) => field(
                out,
                "MAC",
                &format!("{:?}, {} iterations", m.digest, m.iterations),
            )?,
            None => field(out, "MAC", "none")?,
        }
        for b in &p.bags {
            let it = b
                .iterations
                .map(|i| format!(", {i} iterations"))
                .unwrap_or_default();
            field(
                out,
                &format!("Bag {}", b.index),
                &format!("{:?}: {}{}", b.kind, b.encryption, it),
            )?;
        }
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
    field(out, "IsSelfSigned", &c.is_self_signed.to_string())?;
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
    field(out, "IsCA", &c.is_ca.to_string())?;
    field(out, "TlsCertificateName", &c.tls_certificate_name)?;
    Ok(())
}
