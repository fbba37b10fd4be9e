//! Reading a PKCS#12 file (RFC 7292): structure, MAC, password, bags and their attributes.
//!
//! Order of work, so that a hostile file costs nothing: parse every visible structure, check
//! every visible iteration count against the cap and the visible derivations' total against
//! the key-derivation budget left, and only then derive keys, charging each derivation (every
//! password tried counts) before it runs. Passwords are
//! tried in a fixed order: null (Windows' "no password" export), the empty string, then the
//! caller's passwords.

use super::alg::{self, seq, MacAlg, Scheme};
use super::kdf::Password;
use crate::der_reader::{oid_to_string, Reader, Tlv, TAG_SET};
use crate::error::{InputError, ObjectKind};
use crate::input::budget::{BudgetScope, Spent};
use crate::input::{DetectOptions, Detected, Item, Origin, Part};
use crate::model::pfx::{BagInfo, BagKind, Encryption, MacInfo, PasswordUsed, PfxInfo};
use crate::model::{Cert, KeyFormat, PrivateKey};
use crate::oid;
use std::borrow::Cow;
use zeroize::Zeroizing;

const TAG_INTEGER: u8 = 0x02;
const TAG_OCTET_STRING: u8 = 0x04;
const TAG_OCTET_STRING_CONSTRUCTED: u8 = 0x24;
const TAG_CTX0_CONSTRUCTED: u8 = 0xA0;
const TAG_CTX0_PRIMITIVE: u8 = 0x80;
const TAG_BMP_STRING: u8 = 0x1E;
/// Nested safeContentsBag depth certprep follows.
const MAX_DEPTH: usize = 4;

/// What was wrong with the structure; the `#[source]` of [`InputError::Malformed`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Damage(pub(crate) &'static str);

/// Whether `bytes` start like a PFX: SEQUENCE { INTEGER 3, … }. Cheap; for detection.
pub fn looks_like_pfx(bytes: &[u8]) -> bool {
    let Ok(outer) = Reader::new(bytes).read() else {
        return false;
    };
    if outer.tag != crate::der_reader::TAG_SEQUENCE {
        return false;
    }
    matches!(Reader::new(outer.content).read(), Ok(v) if v.tag == TAG_INTEGER && v.content == [3])
}

struct Mac<'a> {
    alg: MacAlg,
    value: &'a [u8],
    salt: &'a [u8],
    iterations: u64,
}

enum Safe<'a> {
    Plain(Cow<'a, [u8]>),
    Encrypted { scheme: Scheme, data: Cow<'a, [u8]> },
    Unreadable { what: String },
}

struct Layout<'a> {
    auth_data: Cow<'a, [u8]>,
    mac: Option<Mac<'a>>,
    safes: Vec<Safe<'a>>,
}

#[derive(Default, Clone)]
struct Attrs {
    friendly_name: Option<String>,
    local_key_id: Option<Vec<u8>>,
    csp_name: Option<String>,
}

/// One bag, before interpretation.
struct RawBag {
    kind: BagKind,
    /// The bag value (inside the [0] EXPLICIT wrapper), as its whole TLV.
    value: Vec<u8>,
    attrs: Attrs,
    /// Encryption of the safe holding it.
    safe_encryption: Encryption,
    safe_iterations: Option<u64>,
}

/// The key-derivation budget of the input being read, charged before each derivation.
#[derive(Clone, Copy)]
struct Work<'a> {
    spent: &'a Spent,
    opts: &'a DetectOptions,
}

impl Work<'_> {
    fn charge(&self, cost: u64) -> Result<(), BudgetScope> {
        self.spent.charge_kdf(self.opts, cost)
    }

    fn refusal(&self, origin: &Origin, kind: ObjectKind, scope: BudgetScope) -> InputError {
        InputError::KdfBudget {
            origin: origin.clone(),
            kind,
            scope,
            budget: match scope {
                BudgetScope::File => self.opts.kdf.per_file,
                BudgetScope::Run => self.opts.kdf.per_run,
            },
        }
    }
}

/// Read a PKCS#12 file, as an input tree of its own (a fresh per-file key-derivation budget).
pub fn read(bytes: &[u8], origin: &Origin, opts: &DetectOptions) -> Detected {
    read_in(bytes, origin, opts, &Spent::default())
}

/// [`read`] inside an input tree that has already spent `spent`.
pub(crate) fn read_in(
    bytes: &[u8],
    origin: &Origin,
    opts: &DetectOptions,
    spent: &Spent,
) -> Detected {
    let work = Work { spent, opts };
    let malformed = |d: &'static str| Detected {
        items: Vec::new(),
        problems: vec![InputError::Malformed {
            origin: origin.clone(),
            kind: ObjectKind::Pkcs12,
            source: Box::new(Damage(d)),
        }],
    };
    let layout = match parse_layout(bytes) {
        Ok(l) => l,
        Err(d) => return malformed(d),
    };
    let too_many = |count: u64| Detected {
        items: Vec::new(),
        problems: vec![InputError::IterationsTooHigh {
            origin: origin.clone(),
            kind: ObjectKind::Pkcs12,
            count,
            cap: opts.max_iterations,
        }],
    };
    let cap = u64::from(opts.max_iterations);

    // Everything visible without a password: plain safes' bags and encrypted safes' schemes.
    let mut visible: Vec<RawBag> = Vec::new();
    for safe in &layout.safes {
        match safe {
            Safe::Plain(data) => {
                if let Err(d) = parse_bags(data, &Encryption::None, None, &mut visible, 0) {
                    return malformed(d);
                }
            }
            Safe::Encrypted { scheme, .. } => {
                if let Some(n) = scheme.iterations().filter(|&n| n > cap) {
                    return too_many(n);
                }
            }
            Safe::Unreadable { .. } => {}
        }
    }
    let mut key_schemes: Vec<Option<Scheme>> = Vec::with_capacity(visible.len());
    for b in &visible {
        let s = shrouded_scheme(b);
        if let Some(n) = s.as_ref().and_then(|s| s.iterations()).filter(|&n| n > cap) {
            return too_many(n);
        }
        key_schemes.push(s);
    }
    if let Some(m) = &layout.mac {
        let kdf_iterations = match &m.alg {
            MacAlg::Pbmac1 { kdf, .. } => kdf.iterations,
            MacAlg::Pkcs12(_) => m.iterations,
        };
        if kdf_iterations > cap {
            return too_many(kdf_iterations);
        }
    }
    // The least any password costs: one MAC, every encrypted safe and every visible key.
    // Refused here when over what is left, so a hostile file is turned away without work.
    let least = layout
        .mac
        .iter()
        .filter(|m| m.alg.is_supported())
        .map(|m| m.alg.cost(m.iterations))
        .chain(layout.safes.iter().map(|s| match s {
            Safe::Encrypted { scheme, .. } => scheme.cost(),
            _ => 0,
        }))
        .chain(key_schemes.iter().flatten().map(Scheme::cost))
        .fold(0u64, u64::saturating_add);
    if let Err(scope) = spent.affordable(opts, least) {
        return Detected {
            items: Vec::new(),
            problems: vec![work.refusal(origin, ObjectKind::Pkcs12, scope)],
        };
    }

    let mut problems = Vec::new();
    let mac_info = layout.mac.as_ref().map(|m| MacInfo {
        digest: m.alg.digest(),
        iterations: match &m.alg {
            MacAlg::Pbmac1 { kdf, .. } => kdf.iterations,
            MacAlg::Pkcs12(_) => m.iterations,
        },
    });

    // Find the password.
    let mut candidates: Vec<(Password<'_>, PasswordUsed)> = vec![
        (Password::Null, PasswordUsed::Null),
        (Password::Text(""), PasswordUsed::Empty),
    ];
    for p in &opts.passwords {
        candidates.push((Password::Text(p.expose()), PasswordUsed::Supplied));
    }
    let chosen = match layout.mac.as_ref().filter(|m| m.alg.is_supported()) {
        Some(m) => {
            let mut found = Ok(None);
            for &(pw, used) in &candidates {
                if let Err(scope) = work.charge(m.alg.cost(m.iterations)) {
                    found = Err(scope);
                    break;
                }
                // The cap was checked above; it fits in u32.
                let it = u32::try_from(m.iterations).unwrap_or(u32::MAX);
                if m.alg
                    .compute(pw, m.salt, it, &layout.auth_data)
                    .is_some_and(|v| constant_time_eq(&v, m.value))
                {
                    found = Ok(Some((pw, used)));
                    break;
                }
            }
            found
        }
        None => {
            if let Some(m) = &layout.mac {
                problems.push(InputError::UnsupportedAlgorithm {
                    origin: origin.clone(),
                    kind: ObjectKind::Pkcs12,
                    algorithm: format!("{} MAC (integrity not verified)", digest_text(&m.alg)),
                });
            }
            find_password_by_decryption(&layout, &visible, &key_schemes, &candidates, work)
        }
    };
    let chosen = match chosen {
        Ok(c) => c,
        Err(scope) => {
            problems.insert(0, work.refusal(origin, ObjectKind::Pkcs12, scope));
            return Detected {
                items: Vec::new(),
                problems,
            };
        }
    };

    let Some((password, used)) = chosen else {
        // Not opened: describe what is visible, in file order, and say a password is needed.
        let mut bags = Vec::new();
        for safe in &layout.safes {
            match safe {
                Safe::Plain(data) => {
                    let mut here = Vec::new();
                    let _ = parse_bags(data, &Encryption::None, None, &mut here, 0);
                    for b in &here {
                        bags.push(bag_info(bags.len() + 1, b, shrouded_scheme(b).as_ref()));
                    }
                }
                Safe::Encrypted { scheme, .. } => bags.push(BagInfo {
                    index: bags.len() + 1,
                    kind: BagKind::Other(oid::CMS_ENCRYPTED_DATA.into()),
                    encryption: scheme.encryption(),
                    iterations: scheme.iterations(),
                    friendly_name: None,
                    local_key_id: None,
                    csp_name: None,
                }),
                Safe::Unreadable { .. } => {}
            }
        }
        problems.insert(
            0,
            InputError::PasswordNeeded {
                origin: origin.clone(),
                kind: ObjectKind::Pkcs12,
                tried_given: !opts.passwords.is_empty(),
            },
        );
        return Detected {
            items: vec![Item::Pfx(PfxInfo {
                origin: origin.clone(),
                mac: mac_info,
                bags,
                password: PasswordUsed::NotOpened,
            })],
            problems,
        };
    };

    // Open every safe, in file order. Once a budget runs out, nothing more is derived.
    let mut exhausted = false;
    let mut all: Vec<RawBag> = Vec::new();
    for (i, safe) in layout.safes.iter().enumerate() {
        match safe {
            Safe::Plain(data) => {
                // Already parsed into `visible`; re-parse to keep file order (cheap).
                let _ = parse_bags(data, &Encryption::None, None, &mut all, 0);
            }
            Safe::Encrypted { scheme, data } => {
                if let Scheme::Unsupported { encryption, .. } = scheme {
                    problems.push(InputError::UnsupportedAlgorithm {
                        origin: origin.clone(),
                        kind: ObjectKind::Pkcs12,
                        algorithm: encryption.to_string(),
                    });
                    continue;
                }
                if exhausted {
                    continue;
                }
                match decrypt_with_fallback(scheme, password, data, work) {
                    Err(scope) => {
                        problems.push(work.refusal(origin, ObjectKind::Pkcs12, scope));
                        exhausted = true;
                    }
                    Ok(Some(plain)) => {
                        let enc = scheme.encryption();
                        if let Err(d) =
                            parse_bags(&plain, &enc, scheme.iterations(), &mut all, 0)
                        {
                            problems.push(damaged(origin, d));
                        }
                    }
                    Ok(None) => problems.push(damaged(
                        origin,
                        if i == 0 {
                            "the first encrypted safe does not decrypt with the password that opens the file"
                        } else {
                            "an encrypted safe does not decrypt with the password that opens the file"
                        },
                    )),
                }
            }
            Safe::Unreadable { what } => problems.push(InputError::UnsupportedAlgorithm {
                origin: origin.clone(),
                kind: ObjectKind::Pkcs12,
                algorithm: what.clone(),
            }),
        }
    }

    let mut info = PfxInfo {
        origin: origin.clone(),
        mac: mac_info,
        bags: Vec::new(),
        password: used,
    };
    let mut items = Vec::new();
    for (i, b) in all.iter().enumerate() {
        let n = i + 1;
        let here = origin.with(Part::Bag(n));
        let scheme = shrouded_scheme(b);
        if let Some(c) = scheme
            .as_ref()
            .and_then(|s| s.iterations())
            .filter(|&c| c > cap)
        {
            problems.push(InputError::IterationsTooHigh {
                origin: here,
                kind: ObjectKind::PrivateKey,
                count: c,
                cap: opts.max_iterations,
            });
            info.bags.push(bag_info(n, b, scheme.as_ref()));
            continue;
        }
        info.bags.push(bag_info(n, b, scheme.as_ref()));
        match &b.kind {
            BagKind::Cert => match cert_der(&b.value) {
                Ok(Some(der)) => match Cert::from_der(der, here) {
                    Ok(mut c) => {
                        c.friendly_name = b.attrs.friendly_name.clone();
                        c.local_key_id = b.attrs.local_key_id.clone();
                        items.push(Item::Cert(c));
                    }
                    Err(e) => problems.push(e),
                },
                Ok(None) => problems.push(InputError::UnsupportedAlgorithm {
                    origin: here,
                    kind: ObjectKind::Certificate,
                    algorithm: "a non-X.509 certificate bag".into(),
                }),
                Err(d) => problems.push(damaged(&here, d)),
            },
            BagKind::Key | BagKind::ShroudedKey => {
                let pkcs8 = match (&b.kind, &scheme) {
                    (BagKind::Key, _) => Some(Zeroizing::new(b.value.clone())),
                    (_, Some(Scheme::Unsupported { encryption, .. })) => {
                        problems.push(InputError::UnsupportedAlgorithm {
                            origin: here.clone(),
                            kind: ObjectKind::PrivateKey,
                            algorithm: encryption.to_string(),
                        });
                        None
                    }
                    (_, Some(_)) if exhausted => None,
                    (_, Some(s)) => match shrouded_data(&b.value) {
                        Ok(ct) => match decrypt_with_fallback(s, password, &ct, work) {
                            Err(scope) => {
                                problems.push(work.refusal(&here, ObjectKind::PrivateKey, scope));
                                exhausted = true;
                                None
                            }
                            Ok(None) => {
                                problems.push(damaged(
                                    &here,
                                    "the key bag does not decrypt with the password that opens the file",
                                ));
                                None
                            }
                            Ok(r) => r,
                        },
                        Err(d) => {
                            problems.push(damaged(&here, d));
                            None
                        }
                    },
                    (_, None) => {
                        problems.push(damaged(&here, "malformed shrouded key bag"));
                        None
                    }
                };
                if let Some(der) = pkcs8 {
                    match PrivateKey::from_pkcs8_der(&der, here.clone(), KeyFormat::Pkcs12) {
                        Ok(mut k) => {
                            k.local_key_id = b.attrs.local_key_id.clone();
                            k.friendly_name = b.attrs.friendly_name.clone();
                            k.csp_name = b.attrs.csp_name.clone();
                            items.push(Item::Key(k));
                        }
                        Err(e) => problems.push(InputError::Malformed {
                            origin: here,
                            kind: ObjectKind::PrivateKey,
                            source: Box::new(e),
                        }),
                    }
                }
            }
            _ => {}
        }
    }
    items.insert(0, Item::Pfx(info));
    Detected { items, problems }
}

fn damaged(origin: &Origin, d: &'static str) -> InputError {
    InputError::Malformed {
        origin: origin.clone(),
        kind: ObjectKind::Pkcs12,
        source: Box::new(Damage(d)),
    }
}

fn digest_text(m: &MacAlg) -> String {
    match m.digest() {
        crate::model::pfx::MacDigest::Other(o) => o,
        d => format!("{d:?}"),
    }
}

/// Decrypt with `pw`; for the two "no password" forms, also try the other one (some writers
/// compute the MAC with one and encrypt with the other). Each try is charged to `work` first.
fn decrypt_with_fallback(
    scheme: &Scheme,
    pw: Password<'_>,
    data: &[u8],
    work: Work<'_>,
) -> Result<Option<Zeroizing<Vec<u8>>>, BudgetScope> {
    work.charge(scheme.cost())?;
    let plain = scheme.decrypt(pw, data).filter(|p| starts_sequence(p));
    if plain.is_some() {
        return Ok(plain);
    }
    let other = match pw {
        Password::Null => Password::Text(""),
        Password::Text("") => Password::Null,
        Password::Text(_) => return Ok(None),
    };
    work.charge(scheme.cost())?;
    Ok(scheme.decrypt(other, data).filter(|p| starts_sequence(p)))
}

/// Plaintext sanity check: decrypted safes and keys are DER SEQUENCEs spanning all bytes.
fn starts_sequence(p: &[u8]) -> bool {
    let mut r = Reader::new(p);
    matches!(r.read(), Ok(t) if t.tag == crate::der_reader::TAG_SEQUENCE) && r.is_empty()
}

/// Without a usable MAC: the first candidate that decrypts something encrypted.
fn find_password_by_decryption<'p>(
    layout: &Layout<'_>,
    visible: &[RawBag],
    key_schemes: &[Option<Scheme>],
    candidates: &[(Password<'p>, PasswordUsed)],
    work: Work<'_>,
) -> Result<Option<(Password<'p>, PasswordUsed)>, BudgetScope> {
    let probe: Option<(Scheme, Cow<'_, [u8]>)> = layout
        .safes
        .iter()
        .find_map(|s| match s {
            Safe::Encrypted { scheme, data } if !matches!(scheme, Scheme::Unsupported { .. }) => {
                Some((scheme.clone(), Cow::Borrowed(&data[..])))
            }
            _ => None,
        })
        .or_else(|| {
            visible.iter().zip(key_schemes).find_map(|(b, s)| match s {
                Some(s) if !matches!(s, Scheme::Unsupported { .. }) => shrouded_data(&b.value)
                    .ok()
                    .map(|d| (s.clone(), Cow::Owned(d.into_owned()))),
                _ => None,
            })
        });
    let Some((scheme, data)) = probe else {
        return Ok(Some(candidates[0]));
    };
    for &(pw, used) in candidates {
        work.charge(scheme.cost())?;
        if scheme
            .decrypt(pw, &data)
            .is_some_and(|p| starts_sequence(&p))
        {
            return Ok(Some((pw, used)));
        }
    }
    Ok(None)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn bag_info(index: usize, b: &RawBag, key_scheme: Option<&Scheme>) -> BagInfo {
    let (encryption, iterations) = match (&b.kind, key_scheme) {
        (BagKind::ShroudedKey, Some(s)) => (s.encryption(), s.iterations()),
        _ => (b.safe_encryption.clone(), b.safe_iterations),
    };
    BagInfo {
        index,
        kind: b.kind.clone(),
        encryption,
        iterations,
        friendly_name: b.attrs.friendly_name.clone(),
        local_key_id: b.attrs.local_key_id.as_ref().map(hex::encode_upper),
        csp_name: b.attrs.csp_name.clone(),
    }
}

/// The encryption scheme of a pkcs8ShroudedKeyBag (EncryptedPrivateKeyInfo.algorithm).
fn shrouded_scheme(b: &RawBag) -> Option<Scheme> {
    if b.kind != BagKind::ShroudedKey {
        return None;
    }
    let t = Reader::new(&b.value).read().ok()?;
    let alg_tlv = seq(&t).ok()?.read().ok()?;
    alg::parse_scheme(&alg_tlv).ok()
}

/// EncryptedPrivateKeyInfo.encryptedData.
fn shrouded_data(value: &[u8]) -> Result<Cow<'_, [u8]>, &'static str> {
    let t = Reader::new(value).read()?;
    let mut r = seq(&t)?;
    let _alg = r.read()?;
    octets(&r.read()?, 0)
}

/// CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT OCTET STRING }. `None` for
/// certificate types other than X.509.
fn cert_der(value: &[u8]) -> Result<Option<Vec<u8>>, &'static str> {
    let t = Reader::new(value).read()?;
    let mut r = seq(&t)?;
    let id = r.read()?;
    let id = oid_to_string(id.content).ok_or("malformed certificate type")?;
    if id != oid::CERT_TYPE_X509 {
        return Ok(None);
    }
    let wrapper = r.read()?;
    if wrapper.tag != TAG_CTX0_CONSTRUCTED {
        return Err("certificate bag without its [0] value");
    }
    let inner = Reader::new(wrapper.content).read()?;
    Ok(Some(octets(&inner, 0)?.into_owned()))
}

/// The content octets of an OCTET STRING (or an IMPLICIT [0] one), primitive or constructed.
fn octets<'a>(t: &Tlv<'a>, depth: usize) -> Result<Cow<'a, [u8]>, &'static str> {
    match t.tag {
        TAG_OCTET_STRING | TAG_CTX0_PRIMITIVE => Ok(Cow::Borrowed(t.content)),
        TAG_OCTET_STRING_CONSTRUCTED | TAG_CTX0_CONSTRUCTED if depth < MAX_DEPTH => {
            let mut out = Vec::new();
            let mut r = Reader::new(t.content);
            while !r.is_empty() {
                out.extend_from_slice(&octets(&r.read()?, depth + 1)?);
            }
            Ok(Cow::Owned(out))
        }
        _ => Err("expected an OCTET STRING"),
    }
}

fn parse_layout(bytes: &[u8]) -> Result<Layout<'_>, &'static str> {
    let mut top = Reader::new(bytes);
    let pfx = top.read()?;
    let mut r = seq(&pfx)?;
    let version = r.read()?;
    if version.tag != TAG_INTEGER || version.content != [3] {
        return Err("not a version 3 PKCS#12 file");
    }
    // authSafe ContentInfo.
    let ci = r.read()?;
    let mut cr = seq(&ci)?;
    let ct = cr.read()?;
    let ct = oid_to_string(ct.content).ok_or("malformed content type")?;
    if ct == oid::PKCS7_SIGNED_DATA {
        return Err("public-key integrity mode (signedData) is not supported");
    }
    if ct != oid::PKCS7_DATA {
        return Err("the authenticated safe is not of type data");
    }
    let wrapper = cr.read()?;
    if wrapper.tag != TAG_CTX0_CONSTRUCTED {
        return Err("authenticated safe content missing");
    }
    let auth_data = octets(&Reader::new(wrapper.content).read()?, 0)?;
    let mac = if r.is_empty() {
        None
    } else {
        Some(parse_mac(&r.read()?)?)
    };
    let safes = parse_safes(&auth_data)?;
    // `safes` borrows from `auth_data`, which may be owned; re-own where needed.
    let safes = safes
        .into_iter()
        .map(|s| match s {
            Safe::Plain(d) => Safe::Plain(Cow::Owned(d.into_owned())),
            Safe::Encrypted { scheme, data } => Safe::Encrypted {
                scheme,
                data: Cow::Owned(data.into_owned()),
            },
            Safe::Unreadable { what } => Safe::Unreadable { what },
        })
        .collect();
    Ok(Layout {
        auth_data,
        mac,
        safes,
    })
}

fn parse_mac<'a>(t: &Tlv<'a>) -> Result<Mac<'a>, &'static str> {
    // MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
    let mut r = seq(t)?;
    let digest_info = r.read()?;
    let mut dr = seq(&digest_info)?;
    let alg = alg::parse_mac_alg(&dr.read()?)?;
    let value = dr.read()?;
    if value.tag != TAG_OCTET_STRING {
        return Err("MAC value is not an OCTET STRING");
    }
    let salt = r.read()?;
    if salt.tag != TAG_OCTET_STRING {
        return Err("MAC salt is not an OCTET STRING");
    }
    let iterations = if r.is_empty() {
        1
    } else {
        alg::uint(&r.read()?)?
    };
    Ok(Mac {
        alg,
        value: value.content,
        salt: salt.content,
        iterations,
    })
}

fn parse_safes(auth: &[u8]) -> Result<Vec<Safe<'_>>, &'static str> {
    let t = Reader::new(auth).read()?;
    let mut r = seq(&t)?;
    let mut out = Vec::new();
    while !r.is_empty() {
        let ci = r.read()?;
        let mut cr = seq(&ci)?;
        let ct = oid_to_string(cr.read()?.content).ok_or("malformed content type")?;
        let content = if cr.is_empty() {
            None
        } else {
            let w = cr.read()?;
            if w.tag != TAG_CTX0_CONSTRUCTED {
                return Err("content without its [0] wrapper");
            }
            Some(Reader::new(w.content).read()?)
        };
        let safe = match (ct.as_str(), content) {
            (oid::PKCS7_DATA, Some(c)) => Safe::Plain(octets(&c, 0)?),
            (oid::PKCS7_DATA, None) => Safe::Plain(Cow::Borrowed(&[])),
            (oid::CMS_ENCRYPTED_DATA, Some(c)) => {
                // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo }
                let mut er = seq(&c)?;
                let _version = er.read()?;
                let eci = er.read()?;
                let mut ir = seq(&eci)?;
                let _ct = ir.read()?;
                let alg_tlv = ir.read()?;
                let scheme = alg::parse_scheme(&alg_tlv)?;
                let data = if ir.is_empty() {
                    Cow::Borrowed(&[][..])
                } else {
                    octets(&ir.read()?, 0)?
                };
                Safe::Encrypted { scheme, data }
            }
            (oid::CMS_ENVELOPED_DATA, _) => Safe::Unreadable {
                what: "public-key privacy mode (envelopedData)".into(),
            },
            (other, _) => Safe::Unreadable {
                what: format!("a safe of content type {other}"),
            },
        };
        out.push(safe);
    }
    Ok(out)
}

/// SafeContents ::= SEQUENCE OF SafeBag; appends to `out` in order.
fn parse_bags(
    data: &[u8],
    enc: &Encryption,
    iterations: Option<u64>,
    out: &mut Vec<RawBag>,
    depth: usize,
) -> Result<(), &'static str> {
    if data.is_empty() {
        return Ok(());
    }
    let t = Reader::new(data).read()?;
    let mut r = seq(&t)?;
    while !r.is_empty() {
        let bag = r.read()?;
        let mut br = seq(&bag)?;
        let id = oid_to_string(br.read()?.content).ok_or("malformed bag type")?;
        let w = br.read()?;
        if w.tag != TAG_CTX0_CONSTRUCTED {
            return Err("bag without its [0] value");
        }
        let value = Reader::new(w.content).read()?;
        let attrs = if br.is_empty() {
            Attrs::default()
        } else {
            parse_attrs(&br.read()?)?
        };
        let kind = match id.as_str() {
            oid::BAG_KEY => BagKind::Key,
            oid::BAG_SHROUDED_KEY => BagKind::ShroudedKey,
            oid::BAG_CERT => BagKind::Cert,
            oid::BAG_CRL => BagKind::Crl,
            oid::BAG_SECRET => BagKind::Secret,
            oid::BAG_SAFE_CONTENTS => BagKind::SafeContents,
            other => BagKind::Other(other.into()),
        };
        if kind == BagKind::SafeContents && depth < MAX_DEPTH {
            parse_bags(value.raw, enc, iterations, out, depth + 1)?;
            continue;
        }
        out.push(RawBag {
            kind,
            value: value.raw.to_vec(),
            attrs,
            safe_encryption: enc.clone(),
            safe_iterations: iterations,
        });
    }
    Ok(())
}

/// bagAttributes: SET OF SEQUENCE { attrId OID, attrValues SET OF ANY }.
fn parse_attrs(t: &Tlv<'_>) -> Result<Attrs, &'static str> {
    if t.tag != TAG_SET {
        return Err("bag attributes are not a SET");
    }
    let mut a = Attrs::default();
    let mut r = Reader::new(t.content);
    while !r.is_empty() {
        let attr = r.read()?;
        let mut ar = seq(&attr)?;
        let id = oid_to_string(ar.read()?.content).ok_or("malformed attribute type")?;
        let values = ar.read()?;
        if values.tag != TAG_SET {
            return Err("attribute values are not a SET");
        }
        let Ok(first) = Reader::new(values.content).read() else {
            continue;
        };
        match id.as_str() {
            oid::PKCS9_FRIENDLY_NAME if first.tag == TAG_BMP_STRING => {
                a.friendly_name = Some(bmp_text(first.content));
            }
            oid::PKCS9_LOCAL_KEY_ID if first.tag == TAG_OCTET_STRING => {
                a.local_key_id = Some(first.content.to_vec());
            }
            oid::MS_CSP_NAME if first.tag == TAG_BMP_STRING => {
                a.csp_name = Some(bmp_text(first.content));
            }
            _ => {}
        }
    }
    Ok(a)
}

/// BMPString content (UTF-16BE) as text; a trailing NUL some writers add is dropped.
fn bmp_text(content: &[u8]) -> String {
    let units = content
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
    let s: String = char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    s.trim_end_matches('\0').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bmp_text_decodes_and_drops_terminator() {
        assert_eq!(bmp_text(&[0, b'a', 0, 0xFC, 0, 0]), "aü");
        assert_eq!(bmp_text(&[0, b'a', 0]), "a\u{0}".trim_end_matches('\0'));
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let o = Origin::file("x.pfx");
        for bytes in [
            &b""[..],
            &[0x30, 0x03, 0x02, 0x01, 0x03],
            &[0x30, 0x80, 0, 0],
        ] {
            let d = read(bytes, &o, &DetectOptions::default());
            assert!(d.items.is_empty());
            assert_eq!(d.problems.len(), 1);
        }
    }
}
