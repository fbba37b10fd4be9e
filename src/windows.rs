//! Windows versions Exchange runs on, and whether each can import a given PFX (design.md §4.3).
//!
//! Windows learned PBES2/AES-256 PKCS#12 in Windows 10 1709 / Server 2019 (build 17763), as
//! documented for `PKCS12_PBES2_EXPORT_PARAMS` and relied on by win-acme's `PfxService`. Older
//! versions refuse such files with the misleading "The specified network password is not
//! correct".

use crate::model::pfx::{BagKind, Cipher, Encryption, MacDigest, PfxInfo, Prf};

/// The version assumed when none is given (`--windows`, `windows =` in certprep.toml): Windows
/// Server 2016, the oldest Windows that runs an Exchange version Microsoft still lists —
/// Exchange Server 2016 CU23 runs on Windows Server 2012 R2 and 2016, Exchange Server 2019 and
/// Subscription Edition on Windows Server 2019 and later (Exchange Server supportability
/// matrix, <https://learn.microsoft.com/en-us/exchange/plan-and-deploy/supportability-matrix>).
/// Server 2012 R2 is left out: it left extended support in October 2023.
pub const ASSUMED: WindowsVersion = WindowsVersion::Server2016;

/// A Windows Server version certprep knows the PKCS#12 support of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum WindowsVersion {
    /// Windows Server 2012 R2 (Exchange 2016 only).
    Server2012R2,
    /// Windows Server 2016 (Exchange 2016 only: Exchange 2019 needs Windows Server 2019 or
    /// later, Exchange Server supportability matrix).
    Server2016,
    /// Windows Server 2019, build 17763: first with PBES2/AES PFX import.
    Server2019,
    /// Windows Server 2022.
    Server2022,
    /// Windows Server 2025.
    Server2025,
}

impl WindowsVersion {
    /// Every version, oldest first.
    pub const ALL: [WindowsVersion; 5] = [
        WindowsVersion::Server2012R2,
        WindowsVersion::Server2016,
        WindowsVersion::Server2019,
        WindowsVersion::Server2022,
        WindowsVersion::Server2025,
    ];

    /// Whether this version imports PBES2 (AES) PKCS#12 files and SHA-2 MACs.
    pub fn supports_pbes2(self) -> bool {
        self >= WindowsVersion::Server2019
    }
}

impl std::fmt::Display for WindowsVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WindowsVersion::Server2012R2 => "Windows Server 2012 R2",
            WindowsVersion::Server2016 => "Windows Server 2016",
            WindowsVersion::Server2019 => "Windows Server 2019",
            WindowsVersion::Server2022 => "Windows Server 2022",
            WindowsVersion::Server2025 => "Windows Server 2025",
        })
    }
}

/// Whether a version can import a PFX, and why not.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum ImportVerdict {
    /// Imports.
    Imports,
    /// Refuses it.
    CannotImport {
        /// What in the file it refuses, e.g. `AES-256 PBES2 key bag`.
        reason: String,
    },
}

/// Whether `version` can import the PFX described by `info`.
///
/// Judged from what is visible: every bag (or, for a file no password opened, every visible
/// bag and encrypted safe) and the MAC. Before Server 2019 any PBES2 bag or SHA-2 MAC is
/// refused; every version refuses algorithms Windows never implemented (RC4 aside, which old
/// CryptoAPI reads) and MACs other than the PKCS#12 HMAC ones (e.g. PBMAC1, RFC 9579).
pub fn pfx_import_verdict(info: &PfxInfo, version: WindowsVersion) -> ImportVerdict {
    for b in &info.bags {
        let refused = match &b.encryption {
            Encryption::Other { .. } => true,
            Encryption::Pbes2 { prf, cipher } => {
                !version.supports_pbes2()
                    || matches!(prf, Prf::Other(_))
                    || matches!(cipher, Cipher::Other(_) | Cipher::DesCbc)
            }
            _ => false,
        };
        if refused {
            return ImportVerdict::CannotImport {
                reason: format!("{} {}", short_name(&b.encryption), bag_noun(&b.kind)),
            };
        }
    }
    match info.mac.as_ref().map(|m| &m.digest) {
        None | Some(MacDigest::Sha1) => ImportVerdict::Imports,
        Some(MacDigest::Other(name)) => ImportVerdict::CannotImport {
            reason: format!("{name} MAC"),
        },
        Some(_) if version.supports_pbes2() => ImportVerdict::Imports,
        Some(d) => ImportVerdict::CannotImport {
            reason: format!("{d:?} MAC").to_uppercase().replace("SHA", "SHA-"),
        },
    }
}

/// The verdict for every version, oldest first.
pub fn pfx_import_verdicts(info: &PfxInfo) -> Vec<(WindowsVersion, ImportVerdict)> {
    WindowsVersion::ALL
        .iter()
        .map(|&v| (v, pfx_import_verdict(info, v)))
        .collect()
}

/// A short name for an encryption, as an administrator would say it: `AES-256 PBES2`.
fn short_name(e: &Encryption) -> String {
    match e {
        Encryption::Pbes2 { cipher, prf } => {
            let c = match cipher {
                Cipher::Aes128Cbc => "AES-128",
                Cipher::Aes192Cbc => "AES-192",
                Cipher::Aes256Cbc => "AES-256",
                Cipher::DesEde3Cbc => "3DES",
                Cipher::DesCbc => "DES",
                Cipher::Other(o) => return format!("PBES2 with cipher {o}"),
            };
            match prf {
                Prf::Other(o) => format!("{c} PBES2 with key derivation {o}"),
                _ => format!("{c} PBES2"),
            }
        }
        other => other.to_string(),
    }
}

fn bag_noun(kind: &BagKind) -> &'static str {
    match kind {
        BagKind::Key | BagKind::ShroudedKey => "key bag",
        BagKind::Cert => "certificate bag",
        // A safe no password opened yet (PfxInfo lists it by its content type).
        BagKind::Other(o) if o == crate::oid::CMS_ENCRYPTED_DATA => "encrypted safe",
        _ => "bag",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pfx::{BagInfo, BagKind, Cipher, MacInfo, PasswordUsed, Prf};
    use crate::origin::Origin;

    fn info(enc: Encryption, mac: MacDigest) -> PfxInfo {
        PfxInfo {
            origin: Origin::file("x.pfx"),
            mac: Some(MacInfo {
                digest: mac,
                iterations: 2000,
            }),
            bags: vec![BagInfo {
                index: 1,
                kind: BagKind::ShroudedKey,
                encryption: enc,
                iterations: Some(2000),
                friendly_name: None,
                local_key_id: None,
                csp_name: None,
            }],
            password: PasswordUsed::Supplied,
        }
    }

    #[test]
    fn aes_pfx_is_refused_before_2019_only() {
        let aes = info(
            Encryption::Pbes2 {
                prf: Prf::HmacSha256,
                cipher: Cipher::Aes256Cbc,
            },
            MacDigest::Sha256,
        );
        assert_eq!(
            pfx_import_verdict(&aes, WindowsVersion::Server2016),
            ImportVerdict::CannotImport {
                reason: "AES-256 PBES2 key bag".into()
            }
        );
        assert_eq!(
            pfx_import_verdict(&aes, WindowsVersion::Server2019),
            ImportVerdict::Imports
        );
        let tdes = info(Encryption::PbeSha1TripleDes, MacDigest::Sha1);
        for v in WindowsVersion::ALL {
            assert_eq!(pfx_import_verdict(&tdes, v), ImportVerdict::Imports, "{v}");
        }
        let sha256_mac = info(Encryption::PbeSha1TripleDes, MacDigest::Sha256);
        assert_eq!(
            pfx_import_verdict(&sha256_mac, WindowsVersion::Server2012R2),
            ImportVerdict::CannotImport {
                reason: "SHA-256 MAC".into()
            }
        );
    }

    #[test]
    fn pbmac1_is_refused_everywhere_and_sha256_mac_only_before_2019() {
        let p = info(
            Encryption::PbeSha1TripleDes,
            MacDigest::Other("PBMAC1 (PBKDF2-HMAC-SHA256, HMAC-SHA256)".into()),
        );
        for v in WindowsVersion::ALL {
            assert!(matches!(
                pfx_import_verdict(&p, v),
                ImportVerdict::CannotImport { .. }
            ));
        }
        let m = info(Encryption::PbeSha1TripleDes, MacDigest::Sha256);
        let v = pfx_import_verdicts(&m);
        assert_eq!(v.len(), 5);
        assert!(matches!(v[1].1, ImportVerdict::CannotImport { .. }));
        assert_eq!(v[2].1, ImportVerdict::Imports);
    }
}
