//! Reading a PKCS#12 file (RFC 7292): structure, MAC, password, bags and their attributes.
//!
//! Order of work, so that a hostile file costs nothing: parse every visible structure
//! ([`super::layout`]), check every visible iteration count against the cap and the visible
//! derivations' total against the key-derivation budget left ([`Reading::check_before_work`]),
//! and only then derive keys, charging each derivation (every password tried counts) before it
//! runs. Passwords are tried in a fixed order: null (Windows' "no password" export), the empty
//! string, then the caller's passwords ([`Reading::find_password`]). Then every safe is opened
//! ([`Reading::open_safes`]) and every bag becomes a certificate or key ([`Reading::interpret`]).
//!
//! The reader returns its own [`Contents`]; [`crate::input`] turns them into detected items.

use super::alg::{MacAlg, Scheme};
use super::kdf::Password;
use super::layout::{
    bag_info, cert_der, parse_bags, parse_layout, shrouded_data, shrouded_scheme, starts_sequence,
    Damage, Layout, RawBag, Safe,
};
use crate::budget::{Account, BudgetScope, KdfBudget, Spent, WorkMeter};
use crate::input_error::{InputError, ObjectKind};
use crate::model::pfx::{BagInfo, BagKind, Encryption, MacInfo, PasswordUsed, PfxInfo};
use crate::model::{Cert, KeyFormat, PrivateKey};
use crate::oid;
use crate::origin::{Origin, Part};
use crate::secret::Secret;
use std::borrow::Cow;
use zeroize::Zeroizing;

/// What reading a PKCS#12 file may use: passwords and limits against hostile input.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions<'a> {
    /// Passwords to try, in order, after null and empty.
    pub passwords: &'a [Secret],
    /// Refuse key derivations asking for more iterations than this.
    pub max_iterations: u32,
    /// The key-derivation budgets per input tree and per run ([`crate::budget`]).
    pub kdf: KdfBudget,
    /// The run's work counters, which the run budget is checked against.
    pub meter: &'a WorkMeter,
}

/// What a PKCS#12 file holds, as far as it could be read.
#[derive(Debug, Default)]
pub struct Contents {
    /// The file's structure (MAC, bags, which password opened it); `None` when the file was
    /// refused before its contents were looked at (damaged, over the iteration cap or the
    /// key-derivation budget).
    pub info: Option<PfxInfo>,
    /// The certificates and keys, in bag order.
    pub objects: Vec<Object>,
    /// What could not be read; the good parts are still in `info` and `objects`.
    pub problems: Vec<InputError>,
}

/// A certificate or key from a bag.
// Built once per bag and moved on; boxing the certificate would only add an indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Object {
    /// A certificate, with its friendlyName and localKeyId.
    Cert(Cert),
    /// A private key, with its friendlyName, localKeyId and CSP name.
    Key(PrivateKey),
}

impl Contents {
    /// Refused whole: one problem, nothing read.
    fn refused(problem: InputError) -> Contents {
        Contents {
            problems: vec![problem],
            ..Contents::default()
        }
    }
}

/// Read a PKCS#12 file, as an input tree of its own (a fresh per-file key-derivation budget).
pub fn read(bytes: &[u8], origin: &Origin, opts: &ReadOptions<'_>) -> Contents {
    read_in(bytes, origin, opts, &Spent::default())
}

/// [`read`] inside an input tree that has already spent `spent`.
pub(crate) fn read_in(
    bytes: &[u8],
    origin: &Origin,
    opts: &ReadOptions<'_>,
    spent: &Spent,
) -> Contents {
    let reading = Reading {
        origin,
        opts,
        account: Account {
            spent,
            limits: opts.kdf,
            meter: opts.meter,
        },
    };
    let layout = match parse_layout(bytes) {
        Ok(l) => l,
        Err(d) => return Contents::refused(damaged(origin, d)),
    };
    let (visible, key_schemes) = match reading.check_before_work(&layout) {
        Ok(v) => v,
        Err(e) => return Contents::refused(e),
    };
    let mac_info = layout.mac.as_ref().map(|m| MacInfo {
        digest: m.alg.digest(),
        iterations: kdf_iterations(m),
    });
    let candidates = candidates(opts);
    let mut problems = Vec::new();
    let chosen =
        match reading.find_password(&layout, &visible, &key_schemes, &candidates, &mut problems) {
            Ok(c) => c,
            Err(scope) => {
                problems.insert(0, reading.refusal(origin, ObjectKind::Pkcs12, scope));
                return Contents {
                    problems,
                    ..Contents::default()
                };
            }
        };
    let Some((password, used)) = chosen else {
        return reading.unopened(&layout, mac_info, problems);
    };
    let mut exhausted = false;
    let bags = reading.open_safes(&layout, password, &mut problems, &mut exhausted);
    let info = PfxInfo {
        origin: origin.clone(),
        mac: mac_info,
        bags: Vec::new(),
        password: used,
    };
    reading.interpret(&bags, password, info, problems, exhausted)
}

/// One file being read: where it is, the options, and its key-derivation account.
struct Reading<'a> {
    origin: &'a Origin,
    opts: &'a ReadOptions<'a>,
    account: Account<'a>,
}

/// A password to try, and how the report names it.
type Candidate<'p> = (Password<'p>, PasswordUsed);

/// Null, empty, then the caller's passwords.
fn candidates<'p>(opts: &ReadOptions<'p>) -> Vec<Candidate<'p>> {
    let mut candidates = vec![
        (Password::Null, PasswordUsed::Null),
        (Password::Text(""), PasswordUsed::Empty),
    ];
    for p in opts.passwords {
        candidates.push((Password::Text(p.expose()), PasswordUsed::Supplied));
    }
    candidates
}

/// The iteration count of the MAC's key derivation (PBMAC1 keeps it in its KDF parameters).
fn kdf_iterations(m: &super::layout::Mac<'_>) -> u64 {
    match &m.alg {
        MacAlg::Pbmac1 { kdf, .. } => kdf.iterations,
        MacAlg::Pkcs12(_) => m.iterations,
    }
}

impl Reading<'_> {
    fn cap(&self) -> u64 {
        u64::from(self.opts.max_iterations)
    }

    fn refusal(&self, origin: &Origin, kind: ObjectKind, scope: BudgetScope) -> InputError {
        InputError::over_budget(origin, kind, scope, &self.account)
    }

    fn too_many(&self, count: u64) -> InputError {
        InputError::IterationsTooHigh {
            origin: self.origin.clone(),
            kind: ObjectKind::Pkcs12,
            count,
            cap: self.opts.max_iterations,
        }
    }

    /// Everything visible without a password (plain safes' bags, and the schemes of their
    /// shrouded keys), after refusing the file when a visible iteration count is over the cap
    /// or the least any password costs (one MAC, every encrypted safe, every visible key) is
    /// over what the budget has left: a hostile file is turned away without work.
    fn check_before_work(
        &self,
        layout: &Layout<'_>,
    ) -> Result<(Vec<RawBag>, Vec<Option<Scheme>>), InputError> {
        let cap = self.cap();
        let mut visible: Vec<RawBag> = Vec::new();
        for safe in &layout.safes {
            match safe {
                Safe::Plain(data) => {
                    parse_bags(data, &Encryption::None, None, &mut visible, 0)
                        .map_err(|d| damaged(self.origin, d))?;
                }
                Safe::Encrypted { scheme, .. } => {
                    if let Some(n) = scheme.iterations().filter(|&n| n > cap) {
                        return Err(self.too_many(n));
                    }
                }
                Safe::Unreadable { .. } => {}
            }
        }
        let mut key_schemes: Vec<Option<Scheme>> = Vec::with_capacity(visible.len());
        for b in &visible {
            let s = shrouded_scheme(b);
            if let Some(n) = s.as_ref().and_then(|s| s.iterations()).filter(|&n| n > cap) {
                return Err(self.too_many(n));
            }
            key_schemes.push(s);
        }
        if let Some(n) = layout.mac.as_ref().map(kdf_iterations).filter(|&n| n > cap) {
            return Err(self.too_many(n));
        }
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
        self.account
            .affordable(least)
            .map_err(|scope| self.refusal(self.origin, ObjectKind::Pkcs12, scope))?;
        Ok((visible, key_schemes))
    }

    /// The candidate that opens the file: the one the MAC verifies with, or without a usable
    /// MAC (noted in `problems` when there is one certprep cannot compute) the first that
    /// decrypts something encrypted. `None` when none does; the scope whose budget ran out
    /// when one did first.
    fn find_password<'p>(
        &self,
        layout: &Layout<'_>,
        visible: &[RawBag],
        key_schemes: &[Option<Scheme>],
        candidates: &[Candidate<'p>],
        problems: &mut Vec<InputError>,
    ) -> Result<Option<Candidate<'p>>, BudgetScope> {
        let Some(m) = layout.mac.as_ref().filter(|m| m.alg.is_supported()) else {
            if let Some(m) = &layout.mac {
                problems.push(InputError::UnsupportedAlgorithm {
                    origin: self.origin.clone(),
                    kind: ObjectKind::Pkcs12,
                    algorithm: format!("{} MAC (integrity not verified)", digest_text(&m.alg)),
                });
            }
            return self.find_password_by_decryption(layout, visible, key_schemes, candidates);
        };
        // The cap was checked before any work; it fits in u32.
        let it = u32::try_from(m.iterations).unwrap_or(u32::MAX);
        for &(pw, used) in candidates {
            self.account.charge(m.alg.cost(m.iterations))?;
            if m.alg
                .compute(pw, m.salt, it, &layout.auth_data)
                .is_some_and(|v| constant_time_eq(&v, m.value))
            {
                return Ok(Some((pw, used)));
            }
        }
        Ok(None)
    }

    /// Without a usable MAC: the first candidate that decrypts something encrypted.
    fn find_password_by_decryption<'p>(
        &self,
        layout: &Layout<'_>,
        visible: &[RawBag],
        key_schemes: &[Option<Scheme>],
        candidates: &[Candidate<'p>],
    ) -> Result<Option<Candidate<'p>>, BudgetScope> {
        let probe: Option<(Scheme, Cow<'_, [u8]>)> = layout
            .safes
            .iter()
            .find_map(|s| match s {
                Safe::Encrypted { scheme, data }
                    if !matches!(scheme, Scheme::Unsupported { .. }) =>
                {
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
            self.account.charge(scheme.cost())?;
            if scheme
                .decrypt(pw, &data)
                .is_some_and(|p| starts_sequence(&p))
            {
                return Ok(Some((pw, used)));
            }
        }
        Ok(None)
    }

    /// Not opened: describe what is visible, in file order, and say a password is needed.
    fn unopened(
        &self,
        layout: &Layout<'_>,
        mac: Option<MacInfo>,
        mut problems: Vec<InputError>,
    ) -> Contents {
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
                origin: self.origin.clone(),
                kind: ObjectKind::Pkcs12,
                tried_given: !self.opts.passwords.is_empty(),
            },
        );
        Contents {
            info: Some(PfxInfo {
                origin: self.origin.clone(),
                mac,
                bags,
                password: PasswordUsed::NotOpened,
            }),
            objects: Vec::new(),
            problems,
        }
    }

    /// Every safe's bags, in file order, the encrypted ones decrypted with `password`. Once a
    /// budget runs out (`exhausted`), nothing more is derived.
    fn open_safes(
        &self,
        layout: &Layout<'_>,
        password: Password<'_>,
        problems: &mut Vec<InputError>,
        exhausted: &mut bool,
    ) -> Vec<RawBag> {
        let origin = self.origin;
        let mut all: Vec<RawBag> = Vec::new();
        for (i, safe) in layout.safes.iter().enumerate() {
            match safe {
                Safe::Plain(data) => {
                    // Parsed before into the visible bags; parsed again to keep file order.
                    let _ = parse_bags(data, &Encryption::None, None, &mut all, 0);
                }
                Safe::Encrypted {
                    scheme: Scheme::Unsupported { encryption, .. },
                    ..
                } => problems.push(InputError::UnsupportedAlgorithm {
                    origin: origin.clone(),
                    kind: ObjectKind::Pkcs12,
                    algorithm: encryption.to_string(),
                }),
                Safe::Encrypted { .. } if *exhausted => {}
                Safe::Encrypted { scheme, data } => {
                    match self.decrypt_with_fallback(scheme, password, data) {
                        Err(scope) => {
                            problems.push(self.refusal(origin, ObjectKind::Pkcs12, scope));
                            *exhausted = true;
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
        all
    }

    /// Each bag described in `info` and, where it is one, read as a certificate or key (a
    /// shrouded key decrypted with `password` unless a budget is already `exhausted`).
    fn interpret(
        &self,
        bags: &[RawBag],
        password: Password<'_>,
        mut info: PfxInfo,
        mut problems: Vec<InputError>,
        mut exhausted: bool,
    ) -> Contents {
        let cap = self.cap();
        let mut objects = Vec::new();
        for (i, b) in bags.iter().enumerate() {
            let n = i + 1;
            let here = self.origin.with(Part::Bag(n));
            let scheme = shrouded_scheme(b);
            info.bags.push(bag_info(n, b, scheme.as_ref()));
            if let Some(c) = scheme
                .as_ref()
                .and_then(|s| s.iterations())
                .filter(|&c| c > cap)
            {
                problems.push(InputError::IterationsTooHigh {
                    origin: here,
                    kind: ObjectKind::PrivateKey,
                    count: c,
                    cap: self.opts.max_iterations,
                });
                continue;
            }
            let read = match &b.kind {
                BagKind::Cert => cert_from_bag(b, here).map(|c| c.map(Object::Cert)),
                BagKind::Key | BagKind::ShroudedKey => self
                    .key_from_bag(b, scheme.as_ref(), password, here, &mut exhausted)
                    .map(|k| k.map(Object::Key)),
                _ => Ok(None),
            };
            match read {
                Ok(Some(object)) => objects.push(object),
                Ok(None) => {}
                Err(e) => problems.push(e),
            }
        }
        Contents {
            info: Some(info),
            objects,
            problems,
        }
    }

    /// A key bag's key, or a shrouded one's decrypted. `None` when a budget ran out before.
    fn key_from_bag(
        &self,
        b: &RawBag,
        scheme: Option<&Scheme>,
        password: Password<'_>,
        here: Origin,
        exhausted: &mut bool,
    ) -> Result<Option<PrivateKey>, InputError> {
        let pkcs8 =
            match (&b.kind, scheme) {
                (BagKind::Key, _) => Zeroizing::new(b.value.clone()),
                (_, Some(Scheme::Unsupported { encryption, .. })) => {
                    return Err(InputError::UnsupportedAlgorithm {
                        origin: here,
                        kind: ObjectKind::PrivateKey,
                        algorithm: encryption.to_string(),
                    });
                }
                (_, Some(_)) if *exhausted => return Ok(None),
                (_, Some(s)) => {
                    let ct = shrouded_data(&b.value).map_err(|d| damaged(&here, d))?;
                    match self.decrypt_with_fallback(s, password, &ct) {
                        Err(scope) => {
                            *exhausted = true;
                            return Err(self.refusal(&here, ObjectKind::PrivateKey, scope));
                        }
                        Ok(None) => return Err(damaged(
                            &here,
                            "the key bag does not decrypt with the password that opens the file",
                        )),
                        Ok(Some(der)) => der,
                    }
                }
                (_, None) => return Err(damaged(&here, "malformed shrouded key bag")),
            };
        match PrivateKey::from_pkcs8_der(&pkcs8, here.clone(), KeyFormat::Pkcs12) {
            Ok(mut k) => {
                k.local_key_id = b.attrs.local_key_id.clone();
                k.friendly_name = b.attrs.friendly_name.clone();
                k.csp_name = b.attrs.csp_name.clone();
                Ok(Some(k))
            }
            Err(e) => Err(InputError::Malformed {
                origin: here,
                kind: ObjectKind::PrivateKey,
                source: Box::new(e),
            }),
        }
    }

    /// Decrypt with `pw`; for the two "no password" forms, also try the other one (some
    /// writers compute the MAC with one and encrypt with the other). Each try is charged first.
    fn decrypt_with_fallback(
        &self,
        scheme: &Scheme,
        pw: Password<'_>,
        data: &[u8],
    ) -> Result<Option<Zeroizing<Vec<u8>>>, BudgetScope> {
        self.account.charge(scheme.cost())?;
        let plain = scheme.decrypt(pw, data).filter(|p| starts_sequence(p));
        if plain.is_some() {
            return Ok(plain);
        }
        let other = match pw {
            Password::Null => Password::Text(""),
            Password::Text("") => Password::Null,
            Password::Text(_) => return Ok(None),
        };
        self.account.charge(scheme.cost())?;
        Ok(scheme.decrypt(other, data).filter(|p| starts_sequence(p)))
    }
}

/// A certificate bag's X.509 certificate, with the bag's friendlyName and localKeyId.
fn cert_from_bag(b: &RawBag, here: Origin) -> Result<Option<Cert>, InputError> {
    match cert_der(&b.value) {
        Ok(Some(der)) => {
            let mut c = Cert::from_der(der, here)?;
            c.friendly_name = b.attrs.friendly_name.clone();
            c.local_key_id = b.attrs.local_key_id.clone();
            Ok(Some(c))
        }
        Ok(None) => Err(InputError::UnsupportedAlgorithm {
            origin: here,
            kind: ObjectKind::Certificate,
            algorithm: "a non-X.509 certificate bag".into(),
        }),
        Err(d) => Err(damaged(&here, d)),
    }
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

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let o = Origin::file("x.pfx");
        let meter = WorkMeter::default();
        let opts = ReadOptions {
            passwords: &[],
            max_iterations: crate::input::DEFAULT_MAX_ITERATIONS,
            kdf: KdfBudget::default(),
            meter: &meter,
        };
        for bytes in [
            &b""[..],
            &[0x30, 0x03, 0x02, 0x01, 0x03],
            &[0x30, 0x80, 0, 0],
        ] {
            let d = read(bytes, &o, &opts);
            assert!(d.info.is_none() && d.objects.is_empty());
            assert_eq!(d.problems.len(), 1);
        }
    }
}
