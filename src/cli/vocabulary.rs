//! One flag vocabulary across commands (ripgrep/fd conventions), enforced by walking the clap
//! command tree: a flag name means the same thing, with the same values, wherever it appears.
//!
//! The vocabulary (docs/cli.md has the table):
//! - `-o/--output FILE`: the file a command writes (`--out` is an old, hidden spelling).
//! - `--format FMT`: the format of the report on standard output (text, json, jsonl, csv,
//!   table, junit, sarif, markdown, prometheus). `--json` is an old, hidden spelling.
//! - `--output-format FMT`: the file format of what `-o` writes (chain: pem|p7b; selfsigned:
//!   pem|pfx): a file format is not a report format, so it gets its own name.
//! - `--windows VERSION`: one parser and one value list everywhere.
//! - `--at`: only on the commands whose result depends on the time.

use super::args::{Cli, WINDOWS_VERSIONS};
use clap::{Arg, ArgAction, CommandFactory, Parser};
use std::collections::BTreeMap;

/// Every value `--format` may take on any command: report formats only.
const REPORT_FORMATS: &[&str] = &[
    "text",
    "json",
    "jsonl",
    "csv",
    "table",
    "junit",
    "sarif",
    "markdown",
    "prometheus",
];

/// The commands that evaluate validity, expiry or notBefore at an instant (they read
/// `Global::at`), and so offer `--at`.
const TIME_COMMANDS: &[&str] = &[
    "inspect",
    "chain",
    "pfx",
    "pem",
    "check",
    "scan",
    "selfsigned",
    "runbook",
];

/// Flags that share a name but, deliberately, not every value. Each with its reason.
const EXCEPTIONS: &[(&str, &str, &str)] = &[
    (
        "runbook",
        "services",
        "the runbook enables services with Enable-ExchangeCertificate; AUTH (the Auth \
         certificate, Set-AuthConfig) is a check-only service it never changes",
    ),
    (
        "check",
        "format",
        "check's --format also offers markdown, for --list-rules",
    ),
    (
        "scan",
        "format",
        "scan's report formats include table, jsonl and csv",
    ),
    (
        "selfsigned",
        "output-format",
        "selfsigned writes a certificate and key (pem|pfx), chain a chain (pem|p7b)",
    ),
];

/// What a flag must agree on across commands. (Not the value name: `-o OUT.pfx` and
/// `-o OUT.ps1` name the same kind of value for the reader.)
#[derive(Debug, PartialEq, Eq)]
struct Signature {
    short: Option<char>,
    takes_value: bool,
    repeatable: bool,
    values: Vec<String>,
}

fn signature(arg: &Arg) -> Signature {
    let mut values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .collect();
    values.sort();
    Signature {
        short: arg.get_short(),
        takes_value: arg.get_action().takes_values(),
        repeatable: matches!(arg.get_action(), ArgAction::Append | ArgAction::Count),
        values,
    }
}

/// (command, long flag, arg) for every visible flag of every command.
fn flags() -> Vec<(String, String, Arg)> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = Vec::new();
    for sub in cmd.get_subcommands() {
        for arg in sub.get_arguments() {
            if arg.is_hide_set() || arg.is_positional() {
                continue;
            }
            if let Some(long) = arg.get_long() {
                if long == "help" || long == "version" {
                    continue;
                }
                out.push((sub.get_name().to_owned(), long.to_owned(), arg.clone()));
            }
        }
    }
    out
}

fn excepted(command: &str, long: &str) -> bool {
    EXCEPTIONS
        .iter()
        .any(|(c, l, _)| *c == command && *l == long)
}

#[test]
fn same_flag_name_means_the_same_on_every_command() {
    let mut first: BTreeMap<String, (String, Signature)> = BTreeMap::new();
    let mut problems = Vec::new();
    for (command, long, arg) in flags() {
        let sig = signature(&arg);
        if excepted(&command, &long) {
            continue;
        }
        match first.get(&long) {
            None => {
                first.insert(long, (command, sig));
            }
            Some((seen_in, seen)) if *seen != sig => problems.push(format!(
                "--{long}: `{command}` has {sig:?}, `{seen_in}` has {seen:?}"
            )),
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn output_format_and_windows_follow_the_vocabulary() {
    let mut problems = Vec::new();
    for (command, long, arg) in flags() {
        let sig = signature(&arg);
        if sig.short == Some('o') && long != "output" {
            problems.push(format!("{command}: -o is --{long}, not --output"));
        }
        if long == "output" && sig.short != Some('o') {
            problems.push(format!("{command}: --output has no -o"));
        }
        if long == "out" || long == "json" {
            problems.push(format!(
                "{command}: --{long} is visible; it is an old spelling"
            ));
        }
        if long == "format" {
            for v in &sig.values {
                if !REPORT_FORMATS.contains(&v.as_str()) {
                    problems.push(format!(
                        "{command}: --format {v} is not a report format (a file format is --output-format)"
                    ));
                }
            }
        }
        if long == "windows" && sig.values != WINDOWS_VERSIONS {
            problems.push(format!("{command}: --windows takes {:?}", sig.values));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn at_is_offered_exactly_where_time_matters() {
    let mut with_at: Vec<String> = flags()
        .into_iter()
        .filter(|(_, long, _)| long == "at")
        .map(|(command, _, _)| command)
        .collect();
    with_at.sort();
    let mut expected: Vec<String> = TIME_COMMANDS.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(with_at, expected);
    // And where it is offered, it reaches the command (Command::at reads it).
    let minimal: [&[&str]; 8] = [
        &["inspect", "a.crt"],
        &["chain", "a.crt"],
        &["pfx", "a.crt", "-o", "a.pfx"],
        &["pem", "a.pfx", "--out-dir", "d"],
        &["check", "a.crt"],
        &["scan", "d"],
        &["selfsigned", "--name", "a.example", "-o", "a.pem"],
        &["runbook", "a.pfx", "--server", "EX01", "-o", "r.ps1"],
    ];
    for args in minimal {
        let mut full = vec!["certprep"];
        full.extend_from_slice(args);
        full.extend_from_slice(&["--at", "2027-01-01T00:00:00Z"]);
        let cli = Cli::try_parse_from(&full).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert!(cli.command.at().is_some(), "{args:?}");
    }
    assert!(TIME_COMMANDS.len() == minimal.len());
    assert!(Cli::try_parse_from([
        "certprep",
        "thumbprint",
        "a.crt",
        "--at",
        "2027-01-01T00:00:00Z"
    ])
    .is_err());
}

#[test]
fn old_spellings_still_parse() {
    let ok = |args: &[&str]| {
        let mut full = vec!["certprep"];
        full.extend_from_slice(args);
        if let Err(e) = Cli::try_parse_from(&full) {
            panic!("{args:?}: {e}");
        }
    };
    ok(&["inspect", "a.crt", "--json"]);
    ok(&[
        "chain", "a.crt", "--json", "--out", "f.pem", "--format", "p7b",
    ]);
    ok(&["pfx", "a.crt", "--out", "a.pfx"]);
    ok(&[
        "csr",
        "--name",
        "a.example",
        "--out",
        "a.req",
        "--key-out",
        "a.key",
    ]);
    ok(&[
        "selfsigned",
        "--name",
        "a.example",
        "--out",
        "a.pem",
        "--format",
        "pem",
    ]);
    ok(&["runbook", "a.pfx", "--server", "EX01", "--out", "r.ps1"]);
    // --at before the command name (it used to be global).
    ok(&["--at", "2027-01-01T00:00:00Z", "thumbprint", "a.crt"]);
    let cli =
        Cli::try_parse_from(["certprep", "--at", "2027-01-01T00:00:00Z", "check", "a"]).unwrap();
    assert!(cli.global.at.is_some());
}

#[test]
fn windows_accepts_the_same_spellings_on_check_and_pfx() {
    for v in ["2012r2", "2012R2", "2012 R2", "2016", "2025"] {
        for args in [
            vec!["certprep", "check", "a.crt", "--windows", v],
            vec!["certprep", "scan", "dir", "--windows", v],
            vec!["certprep", "pfx", "a.crt", "-o", "a.pfx", "--windows", v],
        ] {
            if let Err(e) = Cli::try_parse_from(&args) {
                panic!("{args:?}: {e}");
            }
        }
    }
    for args in [
        vec!["certprep", "check", "a.crt", "--windows", "2008"],
        vec![
            "certprep",
            "pfx",
            "a.crt",
            "-o",
            "a.pfx",
            "--windows",
            "2008",
        ],
    ] {
        assert!(Cli::try_parse_from(&args).is_err(), "{args:?}");
    }
}
