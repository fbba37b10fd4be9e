//! `certprep collect`: the read-only state collector script.

use crate::certprep;
use predicates::prelude::*;

fn script() -> String {
    let out = certprep()
        .args(["collect", "-o", "-"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

/// Every command the script runs, by name, as the PowerShell grammar reads it, and every
/// syntax error (ERROR or MISSING node) with its line.
fn parse(script: &str) -> (Vec<String>, Vec<String>) {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .unwrap();
    let tree = parser.parse(script, None).unwrap();
    let mut names = Vec::new();
    let mut errors = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            errors.push(format!(
                "{} at line {}",
                node.kind(),
                node.start_position().row + 1
            ));
        }
        if node.kind() == "command_name" {
            names.push(node.utf8_text(script.as_bytes()).unwrap().to_owned());
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            stack.push(child);
        }
    }
    (names, errors)
}

#[test]
fn collect_script_parses_and_runs_only_reading_commands() {
    let text = script();
    let (names, errors) = parse(&text);
    assert_eq!(errors, Vec::<String>::new());
    assert!(names.len() > 30, "{names:?}");
    // Reading verbs only (Get-, Select-, Where-, ForEach-, ConvertTo-, Format-, Test-, Write-
    // for messages) and Invoke-Command to run them on each server.
    let allowed_verbs = [
        "Get",
        "Select",
        "Where",
        "ForEach",
        "ConvertTo",
        "Format",
        "Test",
        "Write",
    ];
    for name in &names {
        let verb = name.split('-').next().unwrap();
        let ok = allowed_verbs.iter().any(|v| v.eq_ignore_ascii_case(verb))
            || name.eq_ignore_ascii_case("Invoke-Command");
        assert!(
            ok,
            "collect.ps1 runs {name}, which is not a reading command"
        );
    }
    for cmd in [
        "Get-ExchangeCertificate",
        "Get-SendConnector",
        "Get-ReceiveConnector",
        "Get-TransportService",
        "Get-AuthConfig",
        "Get-HybridConfiguration",
        "Get-PopSettings",
        "Get-ImapSettings",
        "Get-WebBinding",
        "Get-WebConfigurationProperty",
        "Get-EdgeSubscription",
        "Get-ClientAccessService",
        "Invoke-Command",
    ] {
        assert!(names.iter().any(|n| n == cmd), "{cmd} missing");
    }
    // The only file it writes is the JSON; it never names a changing Exchange cmdlet anywhere.
    for verb in [
        "Set-", "New-", "Remove-", "Enable-", "Disable-", "Import-", "Export-", "Add-", "Clear-",
        "Restart-", "Stop-", "Start-",
    ] {
        assert!(!text.contains(verb), "collect.ps1 contains {verb}");
    }
}

#[test]
fn collect_script_says_it_is_read_only_and_is_ascii() {
    let text = script();
    let head: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
    assert!(head.contains("READ-ONLY"), "{head}");
    assert!(head.contains("CHANGES NOTHING"), "{head}");
    assert!(
        text.is_ascii(),
        "Windows PowerShell 5.1 reads a BOM-less script as ANSI"
    );
    assert!(text.contains(concat!("certprep ", env!("CARGO_PKG_VERSION"), " collect")));
    // The schema version it writes is the one the loader reads.
    assert!(text.contains(&format!(
        "SchemaVersion       = {}",
        ::certprep::state::SCHEMA_VERSION
    )));
}

#[test]
fn collect_writes_a_file_and_never_overwrites_without_force() {
    let dir = assert_fs::TempDir::new().unwrap();
    let path = dir.path().join("collect.ps1");
    certprep()
        .args(["collect", "-o"])
        .arg(&path)
        .assert()
        .success()
        .stderr(predicate::str::contains("read-only"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), script());
    std::fs::write(&path, "keep").unwrap();
    certprep()
        .args(["collect", "-o"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep");
    certprep()
        .args(["collect", "--force", "-o"])
        .arg(&path)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), script());
}
