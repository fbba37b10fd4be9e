//! Windows versions Exchange runs on, and whether each can import a given PFX (design.md §4.3).
//!
//! Windows learned PBES2/AES-256 PKCS#12 in Windows 10 1709 / Server 2019 (build 17763), as
//! documented for `PKCS12_PBES2_EXPORT_PARAMS` and relied on by win-acme's `PfxService`. Older
//! versions refuse such files with the misleading "The specified network password is not
//! correct".

use crate::model::pfx::{Encryption, MacDigest, PfxInfo};

/// A Windows Server version certprep knows the PKCS#12 support of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum WindowsVersion {
    /// Windows Server 2012 R2 (Exchange 2016 only).
    Server2012R2,
    /// Windows Server 2016 (Exchange 2016 and 2019).
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
pub fn pfx_import_verdict(info: &PfxInfo, version: WindowsVersion) -> ImportVerdict {
    if version.supports_pbes2() {
        // Unknown schemes are refused everywhere.
        if let Some(b) = info
            .bags
            .iter()
            .find(|b| matches!(b.encryption, Encryption::Other { .. }))
        {
            return ImportVerdict::CannotImport {
                reason: format!("{} in bag {}", b.encryption, b.index),
            };
        }
        return ImportVerdict::Imports;
    }
    for b in &info.bags {
        match &b.encryption {
            Encryption::Pbes2 { .. } | Encryption::Other { .. } => {
                return ImportVerdict::CannotImport {
                    reason: format!("{} {} bag", b.encryption, bag_noun(&b.kind)),
                };
            }
            _ => {}
        }
    }
    match info.mac.as_ref().map(|m| &m.digest) {
        None | Some(MacDigest::Sha1) => ImportVerdict::Imports,
        Some(d) => ImportVerdict::CannotImport {
            reason: format!("{d:?} MAC").to_uppercase().replace("SHA", "SHA-"),
        },
    }
}

fn bag_noun(kind: &crate::model::pfx::BagKind) -> &'static str {
    use crate::model::pfx::BagKind;
    match kind {
        BagKind::Key | BagKind::ShroudedKey => "key",
        BagKind::Cert => "certificate",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Origin;
    use crate::model::pfx::{BagInfo, BagKind, Cipher, MacInfo, PasswordUsed, Prf};

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
        assert!(matches!(
            pfx_import_verdict(&aes, WindowsVersion::Server2016),
            ImportVerdict::CannotImport { .. }
        ));
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
}
