//! `certprep tls-name`: output against hand-derived expectations, leaf choice in a chain,
//! `--compare` for every kind of difference, `--powershell` lines.

use super::runbook::powershell;
use super::{certprep, fixture};
use std::path::PathBuf;

fn names_dir() -> PathBuf {
    PathBuf::from(fixture("names"))
}

fn expected(case: &str) -> String {
    std::fs::read_to_string(names_dir().join(case).join("expected.txt")).unwrap()
}

/// The expected TLS name of a fixture, without the final newline.
fn name_of(case: &str) -> String {
    expected(case).trim_end_matches('\n').to_owned()
}

fn stdout_of(args: &[&str]) -> (i32, String, String) {
    let out = certprep().arg("tls-name").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn tls_name_of_every_names_fixture_equals_its_expected_txt() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(names_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("cert.pem").is_file())
        .collect();
    cases.sort();
    // Every rule listed in design.md §4.2 has a fixture; an empty list must not pass.
    assert!(cases.len() >= 18, "only {} fixtures found", cases.len());
    for case in cases {
        let want = std::fs::read_to_string(case.join("expected.txt")).unwrap();
        let cert = case.join("cert.pem");
        let cert = cert.to_str().unwrap();
        // The CA fixture's name is only printed when asked for (issue 17: a CA's name in a
        // connector is a mistake); without --allow-ca it is refused.
        let is_ca = case.ends_with("ca");
        if is_ca {
            let (code, out, err) = stdout_of(&[cert]);
            assert_eq!((code, out.as_str()), (2, ""), "{err}");
            assert!(
                err.contains("is a CA certificate") && err.contains("--allow-ca"),
                "{err}"
            );
        }
        let args: &[&str] = if is_ca {
            &[cert, "--allow-ca"]
        } else {
            &[cert]
        };
        let (code, out, err) = stdout_of(args);
        assert_eq!(code, 0, "{}: {err}", case.display());
        assert_eq!(out, want, "{}", case.display());
        assert_eq!(
            err,
            "",
            "{}: a single certificate needs no leaf note",
            case.display()
        );
    }
}

#[test]
fn tls_name_of_a_chain_uses_the_leaf_and_says_which() {
    let (code, out, err) = stdout_of(&[&fixture("names/chain/bundle.pem")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, expected("chain"));
    assert!(err.contains("holds 3 certificates"), "{err}");
    // The leaf is the second PEM block of the file.
    assert!(err.contains("PEM block 2"), "{err}");
    assert!(err.contains("CN=mail.contoso.com"), "{err}");
}

#[test]
fn tls_name_quiet_chain_note_is_suppressed() {
    let out = certprep()
        .args(["-q", "tls-name", &fixture("names/chain/bundle.pem")])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stderr.is_empty());
}

#[test]
fn tls_name_of_unrelated_certificates_is_an_error() {
    let dir = assert_fs::TempDir::new().unwrap();
    let both = dir.path().join("two.pem");
    let mut text = std::fs::read_to_string(fixture("names/comma-in-o/cert.pem")).unwrap();
    text.push_str(&std::fs::read_to_string(fixture("names/bmpstring/cert.pem")).unwrap());
    std::fs::write(&both, text).unwrap();
    let (code, out, err) = stdout_of(&[both.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.contains("ambiguous"), "{err}");
}

#[test]
fn tls_name_of_a_non_certificate_is_an_error() {
    let (code, _, err) = stdout_of(&[&fixture("names/comma-in-o/expected.txt")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("certprep: "), "{err}");
}

// ----- --compare ----------------------------------------------------------------------------

fn compare(case_file: &str, pasted: &str) -> (i32, String) {
    let (code, out, err) = stdout_of(&[&fixture(case_file), "--compare", pasted]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    (code, out)
}

#[test]
fn compare_identical_exits_0() {
    let (code, out) = compare("names/comma-in-o/cert.pem", &name_of("comma-in-o"));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("identical"), "{out}");
    assert!(!out.contains("different"), "{out}");
}

#[test]
fn compare_tolerates_format_list_label_quotes_and_trailing_spaces() {
    let n = name_of("apostrophes");
    let pasted = format!(
        "TlsCertificateName : {}   \r\n",
        certprep::powershell::ps_quote(&n)
    );
    let (code, out) = compare("names/apostrophes/cert.pem", &pasted);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("single quotes"), "{out}");
}

#[test]
fn compare_reads_the_value_from_stdin() {
    let out = certprep()
        .args([
            "tls-name",
            &fixture("names/chain/bundle.pem"),
            "--compare",
            "-",
        ])
        .write_stdin(format!("{}\n", name_of("chain")))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn compare_new_intermediate_reports_issuer_differs() {
    let pasted = name_of("chain").replace("Issuing CA 2", "Issuing CA 1");
    let (code, out) = compare("names/chain/bundle.pem", &pasted);
    assert_eq!(code, 1);
    assert!(out.contains("the issuer differs"), "{out}");
    assert!(out.contains("new intermediate"), "{out}");
    assert!(out.contains("subject is unchanged"), "{out}");
    assert!(out.contains("1 difference"), "{out}");
}

#[test]
fn compare_other_subject_reports_subject_differs() {
    let pasted = name_of("comma-in-o").replace("mail.contoso.com", "owa.contoso.com");
    let (code, out) = compare("names/comma-in-o/cert.pem", &pasted);
    assert_eq!(code, 1);
    assert!(out.contains("the subject differs"), "{out}");
    assert!(!out.contains("issuer differs"), "{out}");
}

#[test]
fn compare_extra_spaces_reports_whitespace() {
    let n = name_of("comma-in-o");
    for pasted in [
        n.replace("<S>", "<S> "),
        n.replace(", C=US<S>", ",  C=US<S>"),
        n.replace("O=\"Contoso", "O= \"Contoso"),
        n.replace("names\", C=US", "names\",C=US"),
        // A space lost where Format-List wrapped the line, or one too many inside a value.
        n.replace("certprep Names Test CA", "certprepNames Test CA"),
        n.replace("Contoso, Ltd.", "Contoso,  Ltd."),
    ] {
        let (code, out) = compare("names/comma-in-o/cert.pem", &pasted);
        assert_eq!(code, 1, "{pasted}: {out}");
        assert!(out.contains("different spacing"), "{pasted}: {out}");
        assert!(!out.contains("differs:"), "{pasted}: {out}");
    }
}

#[test]
fn compare_closing_tags_are_explained() {
    let n = name_of("comma-in-o");
    let pasted = format!("{}</S>", n.replace("<S>", "</I><S>"));
    let (code, out) = compare("names/comma-in-o/cert.pem", &pasted);
    assert_eq!(code, 1);
    assert!(out.contains("closing tags (</I>, </S>)"), "{out}");
    assert!(out.contains("1 difference"), "{out}");
}

#[test]
fn compare_openssl_keys_are_explained() {
    let pasted = name_of("email-state")
        .replace("E=jane", "emailAddress=jane")
        .replace("S=Washington", "ST=Washington");
    let (code, out) = compare("names/email-state/cert.pem", &pasted);
    assert_eq!(code, 1);
    assert!(out.contains("emailAddress= should be E="), "{out}");
    assert!(out.contains("ST= should be S="), "{out}");
}

#[test]
fn compare_forward_order_is_explained() {
    let pasted = "<I>C=US, O=\"certprep fixtures, names\", CN=certprep Names Test CA<S>CN=mail.contoso.com, O=\"Contoso, Ltd.\", C=US";
    let (code, out) = compare("names/comma-in-o/cert.pem", pasted);
    assert_eq!(code, 1);
    assert!(out.contains("the issuer is in forward order"), "{out}");
    assert!(!out.contains("differs"), "{out}");
}

#[test]
fn compare_openssl_subject_line_is_explained() {
    // `openssl x509 -subject -nameopt RFC2253` / legacy `/C=…` forms pasted as the subject.
    let i = "<I>CN=certprep Names Test CA, O=\"certprep fixtures, names\", C=US";
    let rfc2253 = format!("{i}<S>emailAddress=jane.doe@contoso.com,CN=Jane Doe,ST=Washington,C=US");
    let (code, out) = compare("names/email-state/cert.pem", &rfc2253);
    assert_eq!(code, 1);
    assert!(out.contains("OpenSSL/LDAP key names"), "{out}");
    assert!(out.contains("different spacing"), "{out}");
    let slash = format!("{i}<S>/C=US/ST=Washington/CN=Jane Doe/emailAddress=jane.doe@contoso.com");
    let (code, out) = compare("names/email-state/cert.pem", &slash);
    assert_eq!(code, 1);
    assert!(out.contains("/C=…/O=…/CN=…"), "{out}");
    assert!(out.contains("ST= should be S="), "{out}");
}

#[test]
fn compare_backslash_escapes_are_explained() {
    let pasted = name_of("comma-in-o").replace("O=\"Contoso, Ltd.\"", "O=Contoso\\, Ltd.");
    let (code, out) = compare("names/comma-in-o/cert.pem", &pasted);
    assert_eq!(code, 1);
    assert!(out.contains("backslash escapes"), "{out}");
    assert!(!out.contains("differs"), "{out}");
}

#[test]
fn compare_missing_quotes_are_explained() {
    let pasted = name_of("comma-in-o").replace("O=\"Contoso, Ltd.\"", "O=Contoso, Ltd.");
    let (code, out) = compare("names/comma-in-o/cert.pem", &pasted);
    assert_eq!(code, 1);
    assert!(out.contains("quotes values differently"), "{out}");
    assert!(out.contains("O=\"Contoso, Ltd.\""), "{out}");
    assert!(!out.contains("differs"), "{out}");
}

#[test]
fn compare_subject_alone_reports_missing_tags() {
    let n = name_of("comma-in-o");
    let subject = n.split("<S>").nth(1).unwrap();
    let (code, out) = compare("names/comma-in-o/cert.pem", subject);
    assert_eq!(code, 1);
    assert!(out.contains("no <I> and no <S>"), "{out}");
    assert!(out.contains("1 difference"), "{out}");
}

#[test]
fn compare_swapped_and_lowercase_tags_are_explained() {
    let n = name_of("comma-in-o");
    let (issuer, subject) = n.trim_start_matches("<I>").split_once("<S>").unwrap();
    let (code, out) = compare(
        "names/comma-in-o/cert.pem",
        &format!("<S>{subject}<I>{issuer}"),
    );
    assert_eq!(code, 1);
    assert!(out.contains("<S> comes before <I>"), "{out}");
    let (code, out) = compare(
        "names/comma-in-o/cert.pem",
        &format!("<i>{issuer}<s>{subject}"),
    );
    assert_eq!(code, 1);
    assert!(out.contains("lower case"), "{out}");
}

// ----- --powershell ---------------------------------------------------------------------------

/// Each `Set-…` line parsed with tree-sitter-powershell (an independent PowerShell grammar):
/// no syntax error, and the last verbatim string is the TLS name once unquoted.
fn assert_ps_line_carries(line: &str, value: &str) {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .unwrap();
    let tree = parser.parse(line, None).unwrap();
    assert!(!tree.root_node().has_error(), "syntax error in {line}");
    let mut strings = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.kind() == "verbatim_string_characters" {
            strings.push((n.start_byte(), &line[n.byte_range()]));
        }
        for i in 0..n.child_count() {
            stack.push(n.child(i).unwrap());
        }
    }
    strings.sort();
    let last = strings.last().expect("a single-quoted string").1;
    let inner = &last[1..last.len() - 1];
    assert_eq!(inner.replace("''", "'"), value, "{line}");
}

#[test]
fn powershell_lines_quote_the_value_for_every_cmdlet() {
    let n = name_of("apostrophes");
    let old = "<I>CN=R3, O=Let\u{2019}s Encrypt, C=US<S>CN=mail.contoso.com";
    let (code, out, err) = stdout_of(&[
        &fixture("names/apostrophes/cert.pem"),
        "--powershell",
        "--old-name",
        old,
        "--hybrid",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].starts_with("# "), "{out}");
    let q = certprep::powershell::ps_quote(&n);
    let old_q = certprep::powershell::ps_quote(old);
    assert_eq!(lines[1], format!("Get-SendConnector | Where-Object {{ [string]$_.TlsCertificateName -eq {old_q} }} | Set-SendConnector -TlsCertificateName {q}"));
    assert_eq!(lines[2], format!("Get-ReceiveConnector | Where-Object {{ [string]$_.TlsCertificateName -eq {old_q} }} | Set-ReceiveConnector -TlsCertificateName {q}"));
    assert_eq!(
        lines[3],
        format!("Set-HybridConfiguration -TlsCertificateName {q}")
    );
    for line in &lines[1..] {
        // Both the ASCII apostrophes and the typographic U+2019 are doubled.
        assert!(line.contains("OU=O''Neil''s team"), "{line}");
        assert!(line.contains("O=Contoso\u{2019}\u{2019}s Shop"), "{line}");
        let values = powershell::literal_values(line);
        assert!(values.contains(&n), "{line}: {values:?}");
        assert!(powershell::syntax_errors(line).is_empty(), "{line}");
    }
    assert!(powershell::literal_values(lines[1])
        .iter()
        .any(|v| v == old));
}

#[test]
fn issue_15_powershell_without_the_old_certificate_changes_no_connector() {
    // See: issue 15 — no `Where-Object { $_.TlsCertificateName } | Set-…Connector` pipeline
    // that rewrites every connector of the organisation; no Set-HybridConfiguration without
    // --hybrid.
    let (code, out, err) = stdout_of(&[&fixture("names/chain/bundle.pem"), "--powershell"]);
    assert_eq!(code, 0, "{err}");
    for line in out.lines() {
        assert!(
            line.starts_with('#') || !line.contains("Set-"),
            "a line that changes connectors: {line}"
        );
    }
    assert!(
        out.contains("Get-SendConnector | Where-Object { $_.TlsCertificateName } | Format-Table"),
        "{out}"
    );
    assert!(
        out.contains("# Set-SendConnector -Identity 'CONNECTOR' -TlsCertificateName '"),
        "{out}"
    );
    assert!(!out.contains("HybridConfiguration"), "{out}");
}

#[test]
fn issue_15_powershell_old_file_filters_on_its_exact_tls_name() {
    let old = fixture("names/comma-in-o/cert.pem");
    let (code, out, err) = stdout_of(&[
        &fixture("names/chain/bundle.pem"),
        "--powershell",
        "--old",
        &old,
    ]);
    assert_eq!(code, 0, "{err}");
    let filter = format!(
        "-eq {} }}",
        certprep::powershell::ps_quote(&name_of("comma-in-o"))
    );
    let sets: Vec<&str> = out.lines().filter(|l| l.contains("Set-")).collect();
    assert_eq!(sets.len(), 2, "{out}");
    assert!(sets.iter().all(|l| l.contains(&filter)), "{out}");
    // Not a TLS name, and --old without --powershell: refused.
    let (code, _, err) = stdout_of(&[
        &fixture("names/chain/bundle.pem"),
        "--powershell",
        "--old-name",
        "CN=x",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a TLS certificate name"), "{err}");
    let (code, _, _) = stdout_of(&[&fixture("names/chain/bundle.pem"), "--old", &old]);
    assert_eq!(code, 2);
}

#[test]
fn issue_15_powershell_lines_keep_hostile_subjects_one_literal() {
    // Certificates whose subject holds every PowerShell quote and escape character, written to
    // a file and run through the binary: every printed line parses and carries the name as
    // one literal (tests/support/powershell.rs reads strings by PowerShell's own rules).
    let dir = assert_fs::TempDir::new().unwrap();
    for (i, o) in [
        "x\u{2019}; Write-Host pwned; \u{2019}",
        "a'b\u{2018}c\u{201A}d\u{201B}e\"f\u{201C}g\u{201D}h\u{201E}",
        "$(Write-Host pwned) `n ; | &",
        "line\nbreak and nul\0 end",
    ]
    .iter()
    .enumerate()
    {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut p = rcgen::CertificateParams::new(vec!["mail.contoso.com".to_owned()]).unwrap();
        p.distinguished_name
            .push(rcgen::DnType::OrganizationName, *o);
        p.distinguished_name
            .push(rcgen::DnType::CommonName, "mail.contoso.com");
        let cert = p.self_signed(&key).unwrap();
        let path = dir.path().join(format!("c{i}.pem"));
        std::fs::write(&path, cert.pem()).unwrap();
        let parsed = certprep::model::Cert::from_der(
            cert.der().to_vec(),
            certprep::input::Origin::file("x"),
        )
        .unwrap();
        let name = certprep::dn::tls_name(&parsed);
        // An argument cannot hold NUL; the certificate can.
        let old = format!("<I>O={}<S>CN=old", o.replace('\0', ""));
        let (code, out, err) = stdout_of(&[
            path.to_str().unwrap(),
            "--powershell",
            "--hybrid",
            "--old-name",
            &old,
        ]);
        assert_eq!(code, 0, "{err}");
        for line in out.lines().skip(1) {
            assert!(!line.chars().any(char::is_control), "{line:?}");
            assert!(powershell::syntax_errors(line).is_empty(), "{line}");
            let values = powershell::literal_values(line);
            assert!(values.contains(&name), "{line}: {values:?}");
        }
    }
}

#[test]
fn powershell_lines_name_the_given_connectors() {
    let (code, out, err) = stdout_of(&[
        &fixture("names/chain/bundle.pem"),
        "--powershell",
        "--send-connector",
        "Outbound to Office 365",
        "--receive-connector",
        "EX01\\Default Frontend EX01",
        "--receive-connector",
        "EX02\\Default Frontend EX02",
        "--hybrid",
    ]);
    assert_eq!(code, 0, "{err}");
    let n = name_of("chain");
    let q = certprep::powershell::ps_quote(&n);
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(
        lines,
        [
            format!("Set-SendConnector -Identity 'Outbound to Office 365' -TlsCertificateName {q}"),
            format!("Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -TlsCertificateName {q}"),
            format!("Set-ReceiveConnector -Identity 'EX02\\Default Frontend EX02' -TlsCertificateName {q}"),
            format!("Set-HybridConfiguration -TlsCertificateName {q}"),
        ]
    );
    for line in lines {
        assert_ps_line_carries(line, &n);
    }
}

#[test]
fn connector_names_require_powershell() {
    let out = certprep()
        .args([
            "tls-name",
            &fixture("names/chain/bundle.pem"),
            "--send-connector",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
