//! `certprep.toml`: settings for `check` (and later `scan`) kept in a repository for CI.
//!
//! The library only parses text into [`Config`]; finding the file (the working directory, or
//! `--config`) and reading it is the binary's job. Unknown keys inside `[check]` are errors so
//! a typo cannot silently switch a check off; other top-level tables belong to other commands
//! and are ignored here.
//!
//! ```toml
//! [check]
//! names = ["mail.contoso.com", "autodiscover.contoso.com"]
//! services = ["IIS", "SMTP"]
//! server-fqdn = "ex01.contoso.com"
//! windows = "2016"
//! hybrid = false
//! edge = false
//! min-days = 30
//! fail-on = "warning"
//! suppress = ["friendly-name-missing"]
//! ```

use crate::check::{Service, Severity};
use crate::windows::WindowsVersion;

/// The whole file.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct Config {
    /// The `[check]` table.
    #[serde(default)]
    pub check: CheckConfig,
}

/// The `[check]` table. Every field is optional; command-line flags add to (lists) or override
/// (single values) what is here.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckConfig {
    /// Names the certificate must cover.
    #[serde(default)]
    pub names: Vec<String>,
    /// Services the certificate is for.
    #[serde(default)]
    pub services: Vec<Service>,
    /// The server FQDN for POP/IMAP remediation.
    pub server_fqdn: Option<String>,
    /// The oldest Windows the PFX must import on: `2012r2`, `2016`, `2019`, `2022`, `2025`.
    pub windows: Option<WindowsName>,
    /// Hybrid checks.
    pub hybrid: Option<bool>,
    /// Edge Transport checks.
    pub edge: Option<bool>,
    /// Expiry threshold in days.
    pub min_days: Option<u32>,
    /// Lowest severity that fails the run: `error` or `warning`.
    pub fail_on: Option<Severity>,
    /// Rule ids to suppress.
    #[serde(default)]
    pub suppress: Vec<String>,
}

/// A Windows version as written in `certprep.toml` and `--windows`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowsName(pub WindowsVersion);

impl std::str::FromStr for WindowsName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let v = match s
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "")
            .as_str()
        {
            "2012r2" => WindowsVersion::Server2012R2,
            "2016" => WindowsVersion::Server2016,
            "2019" => WindowsVersion::Server2019,
            "2022" => WindowsVersion::Server2022,
            "2025" => WindowsVersion::Server2025,
            other => {
                return Err(format!(
                    "unknown Windows version {other:?}; use 2012r2, 2016, 2019, 2022 or 2025"
                ))
            }
        };
        Ok(WindowsName(v))
    }
}

impl<'de> serde::Deserialize<'de> for WindowsName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Why a configuration file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Not valid TOML, or a key or value certprep does not know.
    #[error("{path}: invalid configuration; fix the file or pass another with --config")]
    Invalid {
        /// The file.
        path: String,
        /// The TOML parser's error (names the line and key).
        #[source]
        source: toml::de::Error,
    },
    /// A suppressed id that is no rule.
    #[error("{path}: [check] suppress names {id:?}, which is not a rule id; see certprep check --list-rules")]
    UnknownRule {
        /// The file.
        path: String,
        /// The id.
        id: String,
    },
}

impl Config {
    /// Parse the text of a configuration file; `path` is only used in errors.
    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|source| ConfigError::Invalid {
            path: path.to_owned(),
            source,
        })?;
        if let Some(id) = config
            .check
            .suppress
            .iter()
            .find(|id| crate::check::registry::find(id).is_none())
        {
            return Err(ConfigError::UnknownRule {
                path: path.to_owned(),
                id: id.clone(),
            });
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_parses_every_check_key() {
        let c = Config::parse(
            "[check]\nnames=[\"mail.contoso.com\"]\nservices=[\"IIS\",\"POP\"]\nserver-fqdn=\"ex01.contoso.com\"\nwindows=\"2012r2\"\nhybrid=true\nedge=false\nmin-days=45\nfail-on=\"warning\"\nsuppress=[\"self-signed\"]\n[scan]\njobs=2\n",
            "certprep.toml",
        )
        .expect("valid");
        assert_eq!(c.check.services, vec![Service::Iis, Service::Pop]);
        assert_eq!(
            c.check.windows,
            Some(WindowsName(WindowsVersion::Server2012R2))
        );
        assert_eq!(c.check.min_days, Some(45));
        assert_eq!(c.check.fail_on, Some(Severity::Warning));
    }

    #[test]
    fn config_rejects_typos_and_unknown_rules() {
        assert!(Config::parse("[check]\nname=[\"a\"]\n", "x").is_err());
        let e = Config::parse("[check]\nsuppress=[\"no-such-rule\"]\n", "x").unwrap_err();
        assert!(e.to_string().contains("no-such-rule"));
    }
}
