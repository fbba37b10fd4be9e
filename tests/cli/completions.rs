//! `certprep completions SHELL` and `certprep man` (issue 17 point 9): generated from the clap
//! definitions, non-empty, and naming every command `certprep --help` lists.

use crate::certprep;

/// The commands `certprep --help` lists (without `help`).
fn commands() -> Vec<String> {
    let out = certprep().arg("--help").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let list: Vec<String> = text
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A wrapped description continues further indented.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect();
    assert!(list.len() >= 14, "{list:?}");
    list
}

#[test]
fn completions_for_every_shell_name_every_command() {
    let commands = commands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = certprep().args(["completions", shell]).assert().success();
        let script = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(script.len() > 1000, "{shell}: {} bytes", script.len());
        for c in &commands {
            assert!(script.contains(c.as_str()), "{shell} completion lacks {c}");
        }
        // The vocabulary's names are offered.
        assert!(
            script.contains("output-format"),
            "{shell} lacks --output-format"
        );
    }
    certprep().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_page_documents_every_command_and_its_options() {
    let out = certprep().arg("man").assert().success();
    let page = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        page.starts_with(".ie") || page.starts_with(".TH"),
        "not roff"
    );
    assert!(page.contains(".TH certprep 1"));
    for c in commands() {
        let heading = format!(".SH \"CERTPREP {}\"", c.to_uppercase());
        assert!(page.contains(&heading), "man page lacks {heading}");
    }
    // Options of a command appear under it (roff escapes the dashes).
    assert!(page.contains("\\-\\-output\\-format"));
    assert!(page.contains("\\-\\-expiring\\-within"));
}
