//! Generates `fixtures/names/`: certificates whose subjects exercise every Windows naming rule
//! (design.md §4.2), signed by a fixture CA, with fixed dates and fixed keys.
//!
//! The DER is assembled by hand on purpose: certificate builders (x509-cert, rcgen) sort the
//! values of a multi-valued RDN, refuse non-string values and re-encode string types, and the
//! fixtures must hold exactly the encodings under test (an unsorted SET, a T61String with
//! Latin-1 bytes, an INTEGER value …). Signatures are ECDSA P-256 with RFC 6979 nonces, so the
//! output is byte-for-byte reproducible.
//!
//! Run through `fixtures/names/gen.sh`; `cargo run --example gen_names -- OUTDIR [--force]`.
//! Existing files that differ are kept unless `--force` is given.

use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::EncodePublicKey;
use sha2::Digest;
use std::path::{Path, PathBuf};

// ----- DER ------------------------------------------------------------------------------------

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend([0x81, n as u8]);
    } else {
        out.extend([0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &cat(parts))
}

fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut body = Vec::new();
    let mut push = |mut v: u64| {
        let mut tmp = vec![(v & 0x7F) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7F) as u8);
            v >>= 7;
        }
        tmp.reverse();
        body.extend(tmp);
    };
    push(arcs[0] * 40 + arcs[1]);
    for &a in &arcs[2..] {
        push(a);
    }
    tlv(0x06, &body)
}

fn utf8(s: &str) -> Vec<u8> {
    tlv(0x0C, s.as_bytes())
}
fn printable(s: &str) -> Vec<u8> {
    tlv(0x13, s.as_bytes())
}
fn ia5(s: &str) -> Vec<u8> {
    tlv(0x16, s.as_bytes())
}
fn t61(bytes: &[u8]) -> Vec<u8> {
    tlv(0x14, bytes)
}
fn bmp(s: &str) -> Vec<u8> {
    let b: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
    tlv(0x1E, &b)
}
fn universal(s: &str) -> Vec<u8> {
    let b: Vec<u8> = s.chars().flat_map(|c| (c as u32).to_be_bytes()).collect();
    tlv(0x1C, &b)
}

/// One attribute: (type OID, value TLV).
type Atv = (&'static str, Vec<u8>);

/// A Name from RDNs in encoded (forward) order; each RDN's values are kept in the order given
/// (NOT sorted as DER would require, so that an unsorted multi-valued RDN can be expressed).
fn name(rdns: &[Vec<Atv>]) -> Vec<u8> {
    let sets: Vec<Vec<u8>> = rdns
        .iter()
        .map(|rdn| {
            let atvs: Vec<Vec<u8>> = rdn.iter().map(|(o, v)| seq(&[oid(o), v.clone()])).collect();
            tlv(0x31, &cat(&atvs))
        })
        .collect();
    seq(&sets)
}

fn one(o: &'static str, v: Vec<u8>) -> Vec<Atv> {
    vec![(o, v)]
}

const CN: &str = "2.5.4.3";
const C: &str = "2.5.4.6";
const L: &str = "2.5.4.7";
const ST: &str = "2.5.4.8";
const O: &str = "2.5.4.10";
const OU: &str = "2.5.4.11";
const SERIAL: &str = "2.5.4.5";
const BUSINESS_CATEGORY: &str = "2.5.4.15";
const ORG_ID: &str = "2.5.4.97";
const EMAIL: &str = "1.2.840.113549.1.9.1";
const DC: &str = "0.9.2342.19200300.100.1.25";
const JURISDICTION_ST: &str = "1.3.6.1.4.1.311.60.2.1.2";
const JURISDICTION_C: &str = "1.3.6.1.4.1.311.60.2.1.3";

// ----- certificates ---------------------------------------------------------------------------

struct Issuer {
    name: Vec<u8>,
    key: SigningKey,
    ski: Vec<u8>,
}

fn key(seed: &str) -> SigningKey {
    let scalar = sha2::Sha256::digest(format!("certprep fixtures/names {seed}").as_bytes());
    SigningKey::from_bytes(&scalar).expect("a SHA-256 output is a valid P-256 scalar")
}

fn spki(k: &SigningKey) -> Vec<u8> {
    k.verifying_key()
        .to_public_key_der()
        .expect("encodable")
        .as_bytes()
        .to_vec()
}

fn key_id(k: &SigningKey) -> Vec<u8> {
    // RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value.
    let point = k.verifying_key().to_encoded_point(false);
    sha1::Sha1::digest(point.as_bytes()).to_vec()
}

struct Spec<'a> {
    serial: u32,
    subject: Vec<u8>,
    key: &'a SigningKey,
    ca: bool,
    dns: Option<&'a str>,
}

fn certificate(spec: &Spec<'_>, issuer: &Issuer) -> Vec<u8> {
    let ecdsa_sha256 = seq(&[oid("1.2.840.10045.4.3.2")]);
    // Fixed validity: 2026-01-01 to 2028-01-01 (tests pass --at 2027-01-01).
    let validity = seq(&[tlv(0x17, b"260101000000Z"), tlv(0x17, b"280101000000Z")]);
    let mut exts = Vec::new();
    if spec.ca {
        exts.push(seq(&[
            oid("2.5.29.19"),
            tlv(0x01, &[0xFF]),
            tlv(0x04, &seq(&[tlv(0x01, &[0xFF])])),
        ]));
        // keyUsage: keyCertSign | cRLSign.
        exts.push(seq(&[
            oid("2.5.29.15"),
            tlv(0x01, &[0xFF]),
            tlv(0x04, &tlv(0x03, &[0x01, 0x06])),
        ]));
    } else {
        // keyUsage: digitalSignature; EKU serverAuth.
        exts.push(seq(&[
            oid("2.5.29.15"),
            tlv(0x01, &[0xFF]),
            tlv(0x04, &tlv(0x03, &[0x07, 0x80])),
        ]));
        exts.push(seq(&[
            oid("2.5.29.37"),
            tlv(0x04, &seq(&[oid("1.3.6.1.5.5.7.3.1")])),
        ]));
    }
    if let Some(dns) = spec.dns {
        let san = seq(&[tlv(0x82, dns.as_bytes())]);
        // Critical when the subject is empty (RFC 5280 §4.2.1.6).
        let empty_subject = spec.subject == [0x30, 0x00];
        let mut ext = vec![oid("2.5.29.17")];
        if empty_subject {
            ext.push(tlv(0x01, &[0xFF]));
        }
        ext.push(tlv(0x04, &san));
        exts.push(seq(&ext));
    }
    exts.push(seq(&[
        oid("2.5.29.14"),
        tlv(0x04, &tlv(0x04, &key_id(spec.key))),
    ]));
    exts.push(seq(&[
        oid("2.5.29.35"),
        tlv(0x04, &seq(&[tlv(0x80, &issuer.ski)])),
    ]));
    let mut serial = spec.serial.to_be_bytes().to_vec();
    while serial.len() > 1 && serial[0] == 0 && serial[1] & 0x80 == 0 {
        serial.remove(0);
    }
    let tbs = seq(&[
        tlv(0xA0, &tlv(0x02, &[0x02])),
        tlv(0x02, &serial),
        ecdsa_sha256.clone(),
        issuer.name.clone(),
        validity,
        spec.subject.clone(),
        spki(spec.key),
        tlv(0xA3, &seq(&exts)),
    ]);
    let sig: Signature = issuer.key.sign(&tbs);
    let mut bits = vec![0x00];
    bits.extend_from_slice(sig.to_der().as_bytes());
    seq(&[tbs, ecdsa_sha256, tlv(0x03, &bits)])
}

fn pem(der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        s.push('\n');
    }
    s.push_str("-----END CERTIFICATE-----\n");
    s
}

// ----- the cases --------------------------------------------------------------------------------

/// (folder, what it exercises, subject RDNs in encoded order).
fn cases() -> Vec<(&'static str, Vec<Vec<Atv>>)> {
    vec![
        (
            "comma-in-o",
            vec![
                one(C, printable("US")),
                one(O, utf8("Contoso, Ltd.")),
                one(CN, utf8("mail.contoso.com")),
            ],
        ),
        (
            "embedded-quotes",
            vec![
                one(O, utf8("Acme \"Quoted\" Corp")),
                one(CN, utf8("quotes.example")),
            ],
        ),
        (
            "ev-jurisdiction",
            vec![
                one(JURISDICTION_C, printable("US")),
                one(JURISDICTION_ST, utf8("Delaware")),
                one(BUSINESS_CATEGORY, utf8("Private Organization")),
                one(SERIAL, printable("5157550")),
                one(C, printable("US")),
                one(ST, utf8("California")),
                one(L, utf8("San Francisco")),
                one(O, utf8("Contoso EV Inc")),
                one(CN, utf8("ev.contoso.com")),
            ],
        ),
        (
            "organization-identifier",
            vec![
                one(C, printable("GB")),
                one(O, utf8("Example Bank plc")),
                one(ORG_ID, utf8("PSDGB-FCA-123456")),
                one(CN, utf8("bank.example")),
            ],
        ),
        (
            "email-state",
            vec![
                one(C, printable("US")),
                one(ST, utf8("Washington")),
                one(CN, utf8("Jane Doe")),
                one(EMAIL, ia5("jane.doe@contoso.com")),
            ],
        ),
        (
            "dc-components",
            vec![
                one(DC, ia5("com")),
                one(DC, ia5("contoso")),
                one(OU, utf8("Servers")),
                one(CN, utf8("EX01")),
            ],
        ),
        (
            // OU before CN inside the SET is NOT DER order (the CN attribute's encoding is
            // shorter and sorts first): Windows keeps the encoded order.
            "multi-valued-rdn",
            vec![
                one(C, printable("US")),
                one(O, utf8("Contoso")),
                vec![(OU, utf8("Engineering")), (CN, utf8("Alice"))],
            ],
        ),
        (
            "t61-latin1",
            vec![
                one(O, t61("Zürich AG".as_bytes())), // valid UTF-8: read as UTF-8
                one(CN, t61(b"Cr\xE8me br\xFBl\xE9e")), // not UTF-8: read as Latin-1
            ],
        ),
        (
            "bmpstring",
            vec![one(C, printable("CH")), one(CN, bmp("Größe Ω"))],
        ),
        ("universalstring", vec![one(CN, universal("Ωmega 😀"))]),
        (
            "empty-value",
            vec![one(O, utf8("")), one(CN, utf8("empty.example"))],
        ),
        (
            "leading-trailing-space",
            vec![
                one(O, utf8(" Padded Org")),
                one(OU, utf8("Trailing ")),
                one(CN, utf8("space.example")),
            ],
        ),
        (
            "hash-start",
            vec![one(O, utf8("#1 Widgets")), one(CN, utf8("hash.example"))],
        ),
        (
            "specials",
            vec![
                one(O, utf8("O'Brien\\Sons Ltd")),
                one(OU, utf8("a;b")),
                one(OU, utf8("<x>")),
                one(OU, utf8("a=b")),
                one(OU, utf8("a+b")),
                one(CN, utf8("specials.example")),
            ],
        ),
        (
            "apostrophes",
            vec![
                one(O, utf8("Contoso\u{2019}s Shop")),
                one(OU, utf8("O'Neil's team")),
                one(CN, utf8("apostrophes.example")),
            ],
        ),
        (
            "non-string-values",
            vec![
                one("1.2.3.4", tlv(0x04, &[0xAB, 0xCD, 0xEF])),
                one(SERIAL, tlv(0x02, &[0x01, 0x04])),
                one(CN, utf8("nonstring.example")),
            ],
        ),
        ("empty-subject", vec![]),
    ]
}

// ----- output ---------------------------------------------------------------------------------

fn write(path: &Path, content: &str, force: bool) -> Result<(), String> {
    if let Ok(old) = std::fs::read_to_string(path) {
        if old == content {
            return Ok(());
        }
        if !force {
            return Err(format!(
                "{} exists and differs; use --force to rewrite it",
                path.display()
            ));
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, content).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "fixtures/names".into()));
    let force = args.any(|a| a == "--force");
    if let Err(e) = run(&out, force) {
        eprintln!("gen_names: {e}");
        std::process::exit(2);
    }
}

fn run(out: &Path, force: bool) -> Result<(), String> {
    // The fixture CA: its own name exercises quoting (a comma in O) in every <I>.
    let ca_key = key("ca");
    let ca_name = name(&[
        one(C, printable("US")),
        one(O, utf8("certprep fixtures, names")),
        one(CN, utf8("certprep Names Test CA")),
    ]);
    let ca = Issuer {
        name: ca_name.clone(),
        ski: key_id(&ca_key),
        key: ca_key,
    };
    let ca_cert = certificate(
        &Spec {
            serial: 1,
            subject: ca_name,
            key: &ca.key,
            ca: true,
            dns: None,
        },
        &ca,
    );
    write(&out.join("ca").join("cert.pem"), &pem(&ca_cert), force)?;

    for (i, (folder, rdns)) in cases().into_iter().enumerate() {
        let k = key(folder);
        let dns = format!("{folder}.names.certprep.test");
        let der = certificate(
            &Spec {
                serial: 0x1000 + i as u32,
                subject: name(&rdns),
                key: &k,
                ca: false,
                dns: Some(&dns),
            },
            &ca,
        );
        write(&out.join(folder).join("cert.pem"), &pem(&der), force)?;
    }

    // A chain in one file, out of order: intermediate, leaf, root.
    let int_key = key("intermediate");
    let int_name = name(&[
        one(C, printable("US")),
        one(O, utf8("certprep fixtures")),
        one(CN, utf8("certprep Names Issuing CA 2")),
    ]);
    let int_cert = certificate(
        &Spec {
            serial: 2,
            subject: int_name.clone(),
            key: &int_key,
            ca: true,
            dns: None,
        },
        &ca,
    );
    let intermediate = Issuer {
        name: int_name,
        ski: key_id(&int_key),
        key: int_key,
    };
    let leaf_key = key("chain-leaf");
    let leaf = certificate(
        &Spec {
            serial: 0x2000,
            subject: name(&[
                one(C, printable("US")),
                one(O, utf8("Contoso, Ltd.")),
                one(CN, utf8("mail.contoso.com")),
            ]),
            key: &leaf_key,
            ca: false,
            dns: Some("mail.contoso.com"),
        },
        &intermediate,
    );
    let bundle = format!("{}{}{}", pem(&int_cert), pem(&leaf), pem(&ca_cert));
    write(&out.join("chain").join("bundle.pem"), &bundle, force)?;
    Ok(())
}
