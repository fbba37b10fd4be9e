//! Issue 15, "Advice that is safe to paste": every line certprep prints for the Exchange
//! Management Shell is lexed the way PowerShell lexes it, and every value from a certificate,
//! a file name or an option is one literal token equal to the value — whatever quote, escape or
//! control characters it holds. Plus: one quoter in the crate, and the Exchange-correctness
//! points of the issue (connector lines never org-wide, --server-fqdn, SHA-1 by root kind, the
//! Auth certificate, the ECC mechanisms, CNG keys, the assumed Windows version).
//!
//! How a line is read: tree-sitter-powershell (an independent PowerShell grammar) gives the
//! syntax — no error, which tokens are commands, where each single-quoted string ends — and
//! PowerShell's documented verbatim-string rule (language specification §2.3.5.2: any of
//! `' ‘ ’ ‚ ‛` ends the string unless doubled) reads each string back. The grammar only knows
//! the ASCII `'`; where it disagrees with PowerShell about a typographic quote, the
//! specification-based reader fails the test (tests/support/powershell.rs).
// See: issue 15

use certprep::check::{self, Options, RootStores, Service, Severity};
use certprep::input::{self, DetectOptions, Detected, Origin};
use certprep::model::Cert;
use certprep::powershell::{connector_lines, ps_quote, ConnectorTargets};
use certprep::secret::Secret;
use proptest::prelude::*;
use std::path::Path;

use super::runbook::powershell;

const AS_OF: time::OffsetDateTime = time::macros::datetime!(2027-01-01 00:00 UTC);
const PASSWORD: &str = "paste-safety";

/// The commands certprep's advice may run. Anything else in a parsed line is an injection.
const COMMANDS: &[&str] = &[
    "certprep",
    "Get-SendConnector",
    "Get-ReceiveConnector",
    "Set-SendConnector",
    "Set-ReceiveConnector",
    "Set-HybridConfiguration",
    "Where-Object",
    "Format-Table",
    "Set-POPSettings",
    "Set-IMAPSettings",
    "New-EdgeSubscription",
    "New-SettingOverride",
    "Get-ExchangeDiagnosticInfo",
    "New-ItemProperty",
];

/// What tree-sitter-powershell says about one line: syntax errors and command names.
fn commands_and_errors(line: &str) -> (Vec<String>, Vec<String>) {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .unwrap();
    let tree = parser.parse(line, None).unwrap();
    let mut commands = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.kind() == "command_name" {
            commands.push(line[n.byte_range()].to_owned());
        }
        for i in 0..n.child_count() {
            stack.push(n.child(i).unwrap());
        }
    }
    (commands, powershell::syntax_errors(line))
}

/// Assert that `line` is one safe line of PowerShell and return the values of its literals.
fn read_line(line: &str) -> Vec<String> {
    assert!(
        !line.chars().any(|c| c.is_control()),
        "raw control character in {line:?}"
    );
    if line.starts_with('#') {
        // A single-line comment runs to the end of the line (language specification §2.2.3);
        // with no control character in it, nothing follows. (tree-sitter-powershell reports a
        // lone comment as an error, so it is not asked.)
        return Vec::new();
    }
    // A line as pasted ends with Enter.
    let (commands, errors) = commands_and_errors(&format!("{line}\n"));
    assert!(errors.is_empty(), "{line:?}: {errors:?}");
    for c in &commands {
        assert!(
            COMMANDS.iter().any(|k| k.eq_ignore_ascii_case(c)),
            "{line:?} runs {c:?}"
        );
    }
    // Panics when PowerShell would end a string before the grammar does.
    powershell::literal_values(line)
}

/// Every line of a remediation, commented templates (`# Set-…`) read as the code they become.
fn code_lines(fix: &str) -> Vec<String> {
    fix.lines()
        .map(|l| match l.strip_prefix("# Set-") {
            Some(rest) => format!("Set-{rest}"),
            None => l.to_owned(),
        })
        .collect()
}

/// A leaf for `o` and `cn`, with its issuer (given to `check` only as a stray so the chain
/// is incomplete and chain-incomplete prints its fix), and the PKCS#12 file holding it: AES
/// (so Windows Server 2016 cannot import it), no friendlyName, ECDSA key.
fn leaf_and_pfx(o: &str, cn: &str, sans: &[String]) -> (Cert, Vec<u8>) {
    use rcgen::{CertificateParams, DistinguishedName, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, o);
    dn.push(DnType::CommonName, "Paste Safety CA");
    ca.distinguished_name = dn;
    ca.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut p = CertificateParams::new(sans.to_vec()).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, o);
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.not_before = time::macros::datetime!(2026-11-01 00:00 UTC);
    p.not_after = time::macros::datetime!(2027-05-19 12:00 UTC);
    let cert = p.signed_by(&key, &issuer).unwrap();
    let der = cert.der().to_vec();
    let password = Secret::new(PASSWORD.to_owned());
    let pkcs8 = key.serialize_der();
    let pfx = certprep::pkcs12::build(&certprep::pkcs12::PfxSpec {
        profile: certprep::pkcs12::Profile::Modern,
        password: &password,
        key: Some(&pkcs8),
        leaf: &der,
        chain: vec![],
        friendly_name: None,
        csp_name: None,
    })
    .unwrap();
    let leaf = Cert::from_der(der, Origin::file("leaf")).unwrap();
    (leaf, pfx)
}

fn detect(bytes: &[u8], path: &str) -> Detected {
    let opts = DetectOptions {
        passwords: vec![Secret::new(PASSWORD.to_owned())],
        ..DetectOptions::default()
    };
    input::detect(bytes, &Origin::file(path), &opts)
}

fn stores() -> RootStores<'static> {
    RootStores {
        public: certprep::roots::RootStore::empty(),
        trusted: Vec::new(),
        pool: Vec::new(),
    }
}

/// Characters that end, escape or chain PowerShell text (issue 15's list), plus letters.
fn nasty() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just('\''),
            Just('\u{2018}'),
            Just('\u{2019}'),
            Just('\u{201A}'),
            Just('\u{201B}'),
            Just('"'),
            Just('\u{201C}'),
            Just('\u{201D}'),
            Just('\u{201E}'),
            Just('$'),
            Just('`'),
            Just(';'),
            Just('|'),
            Just('&'),
            Just('\n'),
            Just('\0'),
            Just(' '),
            proptest::char::range('a', 'z'),
        ],
        0..16,
    )
    // Always at least one quote character, and a payload that would run if it escaped.
    .prop_map(|v| {
        format!(
            "x\u{2019}; Write-Host pwned; {}",
            v.into_iter().collect::<String>()
        )
    })
}

/// Every rule that prints a command, made to fire on a certificate, a file name and options
/// holding `value`; every line is read back and every value found where it belongs.
fn check_all_fixes(value: &str, with_old: bool) {
    let cn = format!("ex01 {value}"); // not an FQDN: subject-not-fqdn fires
    let (leaf, pfx) = leaf_and_pfx(value, &cn, &[]);
    let pfx_path = format!("{value}.pfx");
    let d = detect(&pfx, &pfx_path);
    let new_name = certprep::dn::tls_name(&leaf);
    let old_name = format!("<I>O={value}<S>CN=old");
    let server_fqdn = format!("pop.{value}");
    let wanted = format!("mail.{value}");
    let options = Options {
        names: vec![wanted.clone()],
        services: vec![Service::Iis, Service::Pop, Service::Imap],
        server_fqdn: Some(server_fqdn.clone()),
        old_tls_name: with_old.then(|| old_name.clone()),
        hybrid: true,
        edge: true,
        ..Options::default()
    };
    let report = check::run(&d, None, &stores(), &options, AS_OF);
    let mut fired = Vec::new();
    for f in report.findings() {
        let Some(fix) = f.remediation_text() else {
            continue;
        };
        fired.push(f.rule);
        for line in code_lines(&fix) {
            let first = line.split_whitespace().next().unwrap_or("");
            if !line.starts_with('#') && !COMMANDS.iter().any(|c| c.eq_ignore_ascii_case(first)) {
                // General advice in words (a rule's static remediation): never holds a value.
                assert!(
                    !line.contains("pwned"),
                    "{}: a value in prose {line:?}",
                    f.rule
                );
                continue;
            }
            let values = read_line(&line);
            let has = |v: &str| values.iter().any(|x| x == v);
            if ["certprep pfx ", "certprep chain ", "certprep check "]
                .iter()
                .any(|c| line.starts_with(c))
                || line.contains("--from")
            {
                assert!(
                    has(&pfx_path),
                    "{}: file not one literal in {line:?}",
                    f.rule
                );
            }
            if line.contains("-TlsCertificateName") {
                assert!(
                    has(&new_name),
                    "{}: TLS name not one literal in {line:?}",
                    f.rule
                );
            }
            if line.contains("Where-Object { [string]") {
                assert!(
                    has(&old_name),
                    "{}: old name not one literal in {line:?}",
                    f.rule
                );
            }
            if line.contains("-X509CertificateName") && f.rule != "subject-not-fqdn" {
                assert!(has(&server_fqdn), "{line:?}");
            }
            if line.contains("--name") {
                assert!(
                    has(&wanted),
                    "{}: --name not one literal in {line:?}",
                    f.rule
                );
            }
        }
    }
    for rule in [
        "tls-name-update",
        "friendly-name-missing",
        "pfx-windows-compat",
        "pfx-cng-key",
        "name-not-covered",
        "subject-not-fqdn",
        "ecdsa-exchange-support",
    ] {
        assert!(fired.contains(&rule), "{rule} printed no fix: {fired:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn issue_15_every_printed_fix_keeps_each_value_one_literal(value in nasty(), with_old in any::<bool>()) {
        check_all_fixes(&value, with_old);
    }

    #[test]
    fn issue_15_connector_lines_keep_each_value_one_literal(new in nasty(), old in nasty(), ident in nasty(), hybrid in any::<bool>()) {
        for targets in [
            ConnectorTargets { old_name: Some(old.clone()), hybrid, ..ConnectorTargets::default() },
            ConnectorTargets { hybrid, ..ConnectorTargets::default() },
            ConnectorTargets { send: vec![ident.clone()], receive: vec![ident.clone()], hybrid, ..ConnectorTargets::default() },
        ] {
            for line in code_lines(&connector_lines(&new, &targets).join("\n")) {
                let values = read_line(&line);
                if line.contains("-TlsCertificateName") {
                    prop_assert!(values.contains(&new), "{}", line);
                }
                if line.contains("-Identity") && !line.contains("'CONNECTOR'") && !line.contains("CONNECTOR'") {
                    prop_assert!(values.contains(&ident), "{}", line);
                }
                if line.contains("-eq ") {
                    prop_assert!(values.contains(&old), "{}", line);
                }
            }
        }
    }

    #[test]
    fn issue_15_ps_quote_is_one_literal_equal_to_the_value(value in nasty()) {
        let line = format!("Set-HybridConfiguration -TlsCertificateName {}", ps_quote(&value));
        let values = read_line(&line);
        prop_assert!(values.contains(&value), "{:?} in {:?}", value, values);
    }
}

#[test]
fn issue_15_the_reader_catches_the_old_quoter() {
    // What check/rules/mod.rs printed before: only ASCII ' doubled. PowerShell ends the string
    // at the typographic quote and runs Write-Host; the reader must say so.
    let value = "x\u{2019}; Write-Host pwned; \u{2019}";
    let old = format!(
        "Set-HybridConfiguration -TlsCertificateName '{}'",
        value.replace('\'', "''")
    );
    let caught = std::panic::catch_unwind(|| read_line(&old));
    assert!(
        caught.is_err(),
        "the ASCII-only quoter's output was accepted"
    );
}

/// Patterns that only a PowerShell quoter writes. Allowed in src/powershell.rs alone.
const QUOTER_SIGNS: &[&str] = &[
    "replace('\\'', \"''\")",
    "replace(\"'\", \"''\")",
    "fn ps_quote",
    "fn ps_literal",
    "fn shell_word",
    "fn verbatim",
    "\"''\"",
    "format!(\"'{}'\"",
];

#[test]
fn issue_15_there_is_one_powershell_quoter_in_the_crate() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path == src.join("powershell.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for sign in QUOTER_SIGNS {
                if text.contains(sign) {
                    found.push(format!("{}: {sign}", path.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "PowerShell quoting outside src/powershell.rs (use certprep::powershell::ps_quote):\n{}",
        found.join("\n")
    );
    let one = std::fs::read_to_string(src.join("powershell.rs")).unwrap();
    assert!(one.contains("pub fn ps_quote"));
}

// ----- the Exchange points of the issue ---------------------------------------------------

fn fixture(rel: &str) -> Detected {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/check");
    let path = root.join(rel);
    let opts = DetectOptions {
        passwords: vec![Secret::new(
            std::fs::read_to_string(root.join("pfx-password.txt")).unwrap(),
        )],
        ..DetectOptions::default()
    };
    input::detect(
        &std::fs::read(&path).unwrap(),
        &Origin::file(path.to_string_lossy()),
        &opts,
    )
}

fn public_stores() -> RootStores<'static> {
    static PUBLIC: std::sync::OnceLock<certprep::roots::RootStore> = std::sync::OnceLock::new();
    RootStores {
        public: PUBLIC.get_or_init(|| {
            certprep::roots::RootStore::new(
                fixture("ca/public-root.pem").certs().cloned().collect(),
            )
        }),
        trusted: fixture("ca/enterprise-root.pem").certs().cloned().collect(),
        pool: Vec::new(),
    }
}

fn finding(d: &Detected, options: &Options, rule: &str) -> Option<check::Finding> {
    check::run(d, None, &public_stores(), options, AS_OF)
        .findings()
        .find(|f| f.rule == rule)
        .cloned()
}

#[test]
fn issue_15_tls_name_update_changes_only_the_old_certificates_connectors() {
    let d = fixture("tls-name-update/fail-hybrid.pem");
    let leaf = d.certs().next().unwrap().clone();
    let new = certprep::dn::tls_name(&leaf);
    let hybrid = Options {
        hybrid: true,
        ..Options::default()
    };
    let fix = finding(&d, &hybrid, "tls-name-update")
        .unwrap()
        .remediation_text()
        .unwrap();
    for line in fix.lines() {
        assert!(
            line.starts_with('#')
                || !line.contains("Set-SendConnector") && !line.contains("Set-ReceiveConnector"),
            "an org-wide change without the old certificate: {line}"
        );
    }
    assert!(fix.lines().any(|l| l
        == format!(
            "Set-HybridConfiguration -TlsCertificateName {}",
            ps_quote(&new)
        )));

    let old = "<I>CN=R3, O=Let's Encrypt, C=US<S>CN=mail.contoso.com";
    let with_old = Options {
        old_tls_name: Some(old.into()),
        ..hybrid.clone()
    };
    let fix = finding(&d, &with_old, "tls-name-update")
        .unwrap()
        .remediation_text()
        .unwrap();
    let filter = format!(
        "Where-Object {{ [string]$_.TlsCertificateName -eq {} }}",
        ps_quote(old)
    );
    let sets: Vec<&str> = fix
        .lines()
        .filter(|l| l.contains("Connector -TlsCertificateName"))
        .collect();
    assert_eq!(sets.len(), 2, "{fix}");
    assert!(sets.iter().all(|l| l.contains(&filter)), "{fix}");

    // Edge only: no Set-HybridConfiguration.
    let edge = Options {
        edge: true,
        old_tls_name: Some(old.into()),
        ..Options::default()
    };
    let fix = finding(&d, &edge, "tls-name-update")
        .unwrap()
        .remediation_text()
        .unwrap();
    assert!(!fix.contains("Set-HybridConfiguration"), "{fix}");
    assert!(fix.contains("New-EdgeSubscription"), "{fix}");
}

#[test]
fn issue_15_wildcard_pop_imap_passes_with_a_covered_server_fqdn_and_never_guesses_the_apex() {
    let d = fixture("wildcard-pop-imap/pass-wildcard-with-fqdn.pem");
    let pop = |fqdn: Option<&str>| Options {
        services: vec![Service::Pop, Service::Imap],
        server_fqdn: fqdn.map(str::to_owned),
        ..Options::default()
    };
    assert_eq!(
        finding(&d, &pop(Some("mail.contoso.com")), "wildcard-pop-imap"),
        None
    );
    let f = finding(&d, &pop(None), "wildcard-pop-imap").unwrap();
    assert!(f.detail.contains("--server-fqdn"), "{}", f.detail);
    // A certificate listing the apex as well: the fix names only the given FQDN.
    let sans = ["*.contoso.com".to_owned(), "contoso.com".to_owned()];
    let (leaf, _) = leaf_and_pfx("Contoso", "*.contoso.com", &sans);
    let pem = pem_of(&leaf);
    let d = detect(pem.as_bytes(), "wild.pem");
    let f = finding(&d, &pop(Some("pop.fabrikam.com")), "wildcard-pop-imap").unwrap();
    let fix = f.remediation_text().unwrap();
    assert!(
        fix.contains("-X509CertificateName 'pop.fabrikam.com'"),
        "{fix}"
    );
    assert!(!fix.contains("contoso.com"), "{fix}");
    let f = finding(&d, &pop(None), "wildcard-pop-imap").unwrap();
    assert!(!f
        .remediation_text()
        .unwrap_or_default()
        .contains("contoso.com"));
}

fn pem_of(cert: &Cert) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&cert.der);
    format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n")
}

#[test]
fn issue_15_subject_not_fqdn_fix_is_x509certificatename() {
    let d = fixture("subject-not-fqdn/fail-single-label.pem");
    let o = |fqdn: Option<&str>| Options {
        services: vec![Service::Pop],
        server_fqdn: fqdn.map(str::to_owned),
        ..Options::default()
    };
    let f = finding(&d, &o(None), "subject-not-fqdn").unwrap();
    let fix = f.remediation_text().unwrap();
    // Without --server-fqdn: a placeholder PowerShell refuses to parse (`<` is reserved), so a
    // pasted template cannot set a wrong name on a live server.
    assert!(
        fix.starts_with("Set-POPSettings -X509CertificateName <FQDN>"),
        "{fix}"
    );
    assert!(
        !fix.contains("reissue") && !fix.contains("certprep csr"),
        "{fix}"
    );
    assert_eq!(
        finding(&d, &o(Some("mail.contoso.com")), "subject-not-fqdn"),
        None
    );
    let f = finding(&d, &o(Some("pop.fabrikam.com")), "subject-not-fqdn").unwrap();
    assert_eq!(
        f.remediation_text().as_deref(),
        Some("Set-POPSettings -X509CertificateName 'pop.fabrikam.com'")
    );
}

/// A SHA-1 leaf under a root that is either public or enterprise (the same bytes).
fn sha1_leaf_and_root() -> (Vec<u8>, Cert) {
    use openssl::asn1::Asn1Time;
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    use openssl::x509::extension::{BasicConstraints, SubjectAlternativeName};
    use openssl::x509::{X509Builder, X509NameBuilder};
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let name = |cn: &str| {
        let mut b = X509NameBuilder::new().unwrap();
        b.append_entry_by_text("CN", cn).unwrap();
        b.build()
    };
    let build = |subject: &str, ca: bool, digest: MessageDigest, serial: u32| {
        let mut b = X509Builder::new().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(
            &openssl::bn::BigNum::from_u32(serial)
                .unwrap()
                .to_asn1_integer()
                .unwrap(),
        )
        .unwrap();
        b.set_subject_name(&name(subject)).unwrap();
        b.set_issuer_name(&name("SHA1 Test Root")).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::from_str("20261101000000Z").unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::from_str("20270519000000Z").unwrap())
            .unwrap();
        if ca {
            b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
                .unwrap();
        } else {
            let san = SubjectAlternativeName::new()
                .dns("mail.contoso.com")
                .build(&b.x509v3_context(None, None))
                .unwrap();
            b.append_extension(san).unwrap();
        }
        b.sign(&key, digest).unwrap();
        b.build().to_pem().unwrap()
    };
    let root = build("SHA1 Test Root", true, MessageDigest::sha256(), 1);
    let leaf = build("mail.contoso.com", false, MessageDigest::sha1(), 2);
    let root = detect(&root, "root.pem").certs().next().unwrap().clone();
    (leaf, root)
}

#[test]
fn issue_15_sha1_is_an_error_under_a_public_root_and_a_warning_under_an_enterprise_one() {
    let (leaf, root) = sha1_leaf_and_root();
    let d = detect(&leaf, "sha1.pem");
    let roots = vec![root];
    let store = certprep::roots::RootStore::new(roots.clone());
    let public = RootStores {
        public: &store,
        trusted: Vec::new(),
        pool: Vec::new(),
    };
    let enterprise = RootStores {
        public: certprep::roots::RootStore::empty(),
        trusted: roots.clone(),
        pool: Vec::new(),
    };
    let judge = |stores: &RootStores<'_>| {
        let r = check::run(&d, None, stores, &Options::default(), AS_OF);
        let severity = r
            .findings()
            .find(|f| f.rule == "weak-signature")
            .map(|f| f.severity);
        severity
    };
    assert_eq!(judge(&public), Some(Severity::Error));
    assert_eq!(judge(&enterprise), Some(Severity::Warning));
}

#[test]
fn issue_15_cn_not_in_san_does_not_apply_to_the_auth_certificate() {
    let d = fixture("cn-not-in-san/na-auth-certificate.pem");
    let r = check::run(&d, None, &public_stores(), &Options::default(), AS_OF);
    let c = &r.files[0].certificates[0];
    let outcome = c
        .results
        .iter()
        .find(|x| x.rule == "cn-not-in-san")
        .unwrap()
        .outcome;
    assert_eq!(outcome, check::Outcome::NotApplicable);
}

#[test]
fn issue_15_ecc_fix_names_both_mechanisms_and_the_build_that_decides() {
    let fix = certprep::check::rules::ecdsa_exchange_support::FIX;
    // HealthChecker: component Global, section ECCCertificateSupport (not "Security").
    assert!(
        fix.contains("-Component Global -Section ECCCertificateSupport"),
        "{fix}"
    );
    assert!(!fix.contains("-Component Security"), "{fix}");
    assert!(
        fix.contains("'EnableEccCertificateSupport' -Value '1' -PropertyType String"),
        "{fix}"
    );
    assert!(fix.contains("November 2024 SU"), "{fix}");
    for build in ["15.2.1544.13", "15.2.1258.38", "15.1.2507.43"] {
        assert!(fix.contains(build), "{build}: {fix}");
    }
    for line in fix.lines() {
        read_line(line);
    }
}

#[test]
fn issue_15_a_cng_key_in_a_pfx_is_an_error_with_edge_and_a_warning_otherwise() {
    let ksp = fixture("pfx-cng-key/fail-ksp.pfx");
    let f = finding(&ksp, &Options::default(), "pfx-cng-key").unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.detail.contains("Microsoft Software Key Storage Provider"),
        "{}",
        f.detail
    );
    assert!(f
        .remediation_text()
        .unwrap()
        .contains("--csp 'Microsoft Enhanced RSA and AES Cryptographic Provider'"));
    let edge = Options {
        edge: true,
        ..Options::default()
    };
    assert_eq!(
        finding(&ksp, &edge, "pfx-cng-key").unwrap().severity,
        Severity::Error
    );
    let ec = fixture("pfx-cng-key/fail-ecdsa-edge.pfx");
    assert_eq!(
        finding(&ec, &edge, "pfx-cng-key").unwrap().severity,
        Severity::Error
    );
    assert_eq!(
        finding(&fixture("pfx-cng-key/pass-capi.pfx"), &edge, "pfx-cng-key"),
        None
    );
}

#[test]
fn issue_15_without_windows_an_aes_pfx_is_judged_for_server_2016_and_says_so() {
    let d = fixture("pfx-windows-compat/fail-aes-2016.pfx");
    let f = finding(&d, &Options::default(), "pfx-windows-compat").unwrap();
    assert!(f.detail.contains("Windows Server 2016"), "{}", f.detail);
    assert!(
        f.detail.contains("no --windows given: assumed"),
        "{}",
        f.detail
    );
    let newer = Options {
        windows: Some(certprep::windows::WindowsVersion::Server2019),
        ..Options::default()
    };
    assert_eq!(finding(&d, &newer, "pfx-windows-compat"), None);
}
