//! `runbook --state`: plans computed from the state fixtures (goldens of the printed plan and the
//! script), one test per guard and refusal, and property tests over generated states.
//!
//! Goldens live in tests/goldens/plan-*.txt and plan-*.ps1 with every thumbprint replaced by
//! `{T1}`, `{T2}`, … in order of first appearance (the fixtures' certificates are regenerated
//! by fixtures/state/gen.sh). Regenerate with `CERTPREP_BLESS=1 cargo test --test lib
//! runbook_plan` and review the diff.

use certprep::input::{DetectOptions, Origin};
use certprep::model::Cert;
use certprep::runbook::guards::{Protected, Refusal};
use certprep::runbook::plan::SettingKind;
use certprep::runbook::{
    plan_text, render_plan, select_leaf, PfxFacts, Plan, PlanError, PlanOptions,
};
use certprep::state::{self, State};
use certprep::thumbprint::{HashAlg, Thumbprint};
use proptest::prelude::*;

use crate::runbook::powershell::{literal_values, syntax_errors};

const FIXTURES: [&str; 8] = [
    "single-server",
    "dag-four-servers",
    "hybrid",
    "edge-subscribed",
    "first-renewal-self-signed",
    "wildcard-pop-imap",
    "mixed-2016-2019",
    "ecc-unsupported-build",
];

const COMPAT: PfxFacts = PfxFacts {
    aes: false,
    cng: false,
};

fn root() -> String {
    env!("CARGO_MANIFEST_DIR").to_owned()
}

fn state(name: &str) -> State {
    let path = format!("{}/fixtures/state/{name}.json", root());
    state::load(&std::fs::read(&path).unwrap(), &Origin::file(path.as_str())).unwrap()
}

fn cert(rel: &str) -> Cert {
    let path = format!("{}/fixtures/{rel}", root());
    let d = certprep::input::load(&path, &DetectOptions::default());
    let certs: Vec<&Cert> = d.certs().collect();
    select_leaf(&certs, &path).unwrap().clone()
}

fn new_rsa() -> Cert {
    cert("deliverable/mail.contoso.com.crt")
}

fn options() -> PlanOptions {
    PlanOptions {
        pfx_path: "C:\\certs\\mail.pfx".into(),
        generator: "certprep test".into(),
        ..PlanOptions::default()
    }
}

fn plan(name: &str, pfx: PfxFacts, o: PlanOptions) -> Result<Plan, PlanError> {
    Plan::compute(&new_rsa(), Some(pfx), &state(name), o)
}

/// Every 40-digit uppercase hex run replaced by `{Tn}`, numbered by first appearance.
fn mask_thumbprints(text: &str) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::new();
    let b = text.as_bytes();
    let mut i = 0;
    let hex = |c: u8| c.is_ascii_digit() || (b'A'..=b'F').contains(&c);
    while i < b.len() {
        if i + 40 <= b.len()
            && b[i..i + 40].iter().all(|&c| hex(c))
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && (i + 40 == b.len() || !b[i + 40].is_ascii_alphanumeric())
        {
            let t = &text[i..i + 40];
            let n = match seen.iter().position(|s| s == t) {
                Some(n) => n,
                None => {
                    seen.push(t.to_owned());
                    seen.len() - 1
                }
            };
            out.push_str(&format!("{{T{}}}", n + 1));
            i += 40;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn golden(file: &str, actual: &str) {
    let path = format!("{}/tests/goldens/{file}", root());
    if std::env::var_os("CERTPREP_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{path} is missing; run with CERTPREP_BLESS=1"));
    assert!(
        expected == actual,
        "{file} differs from the golden; run with CERTPREP_BLESS=1 and review the diff"
    );
}

fn assert_parses(script: &str) {
    let errors = syntax_errors(script);
    assert!(errors.is_empty(), "syntax errors:\n{}", errors.join("\n"));
}

#[test]
fn runbook_plan_goldens_for_every_state_fixture() {
    for name in FIXTURES {
        // The Edge fixture is planned with a CAPI key (certprep pfx names a CSP); the ECC one
        // with its P-256 certificate, which is refused.
        let result = if name == "ecc-unsupported-build" {
            Plan::compute(
                &cert("state/certs/new-mail-p256.cer"),
                Some(COMPAT),
                &state(name),
                options(),
            )
        } else {
            plan(name, COMPAT, options())
        };
        match result {
            Ok(p) => {
                let script = render_plan(&p);
                assert_parses(&script);
                golden(
                    &format!("plan-{name}.txt"),
                    &mask_thumbprints(&plan_text(&p)),
                );
                golden(&format!("plan-{name}.ps1"), &mask_thumbprints(&script));
            }
            Err(e) => golden(
                &format!("plan-{name}.txt"),
                &mask_thumbprints(&format!("refused: {e}\n")),
            ),
        }
    }
}

fn old_of(p: &Plan) -> Thumbprint {
    p.old.thumbprint
}

#[test]
fn guard_self_signed_internal_transport_and_444_keep_the_old_certificate() {
    let p = plan("first-renewal-self-signed", COMPAT, options()).unwrap();
    let kept = &p.removals[0].kept_because;
    assert!(kept.contains(&Protected::SelfSigned), "{kept:?}");
    assert!(kept.contains(&Protected::InternalTransport), "{kept:?}");
    assert!(kept.contains(&Protected::BackEnd444), "{kept:?}");
    let script = render_plan(&p);
    assert!(!script.contains("Remove-ExchangeCertificate"));
}

#[test]
fn guard_auth_certificate_current_and_next_are_never_removed() {
    let s = state("single-server");
    let auth = s
        .auth_config
        .as_ref()
        .unwrap()
        .current_certificate_thumbprint
        .unwrap();
    let mut o = options();
    o.old = Some(auth);
    let p = Plan::compute(&new_rsa(), Some(COMPAT), &s, o.clone()).unwrap();
    assert!(p
        .removals
        .iter()
        .all(|r| r.kept_because.contains(&Protected::AuthCurrent)));
    assert!(!render_plan(&p).contains("Remove-ExchangeCertificate"));
    // The same certificate staged as the next one.
    let mut s2 = s.clone();
    let a = s2.auth_config.as_mut().unwrap();
    a.next_certificate_thumbprint = a.current_certificate_thumbprint.take();
    let p = Plan::compute(&new_rsa(), Some(COMPAT), &s2, o).unwrap();
    assert!(p
        .removals
        .iter()
        .all(|r| r.kept_because.contains(&Protected::AuthNext)));
}

#[test]
fn guard_a_certificate_still_selected_by_pop_is_kept() {
    // POP picks its certificate by X509CertificateName; pop.contoso.com is covered by the old
    // wildcard certificate but not by the new one, and it is not the old subject: unchanged,
    // so the old certificate stays.
    let mut s = state("wildcard-pop-imap");
    for p in &mut s.pop_settings {
        p.x509_certificate_name = Some("pop.contoso.com".into());
    }
    let p = Plan::compute(&new_rsa(), Some(COMPAT), &s, options()).unwrap();
    for r in &p.removals {
        assert!(
            r.kept_because
                .iter()
                .any(|k| matches!(k, Protected::StillNamed { by } if by.contains("POP"))),
            "{r:?}"
        );
    }
    assert!(p.settings.iter().all(|c| c.kind != SettingKind::Pop));
}

#[test]
fn guard_internal_transport_is_kept_unless_asked() {
    let p = plan("single-server", COMPAT, options()).unwrap();
    let s = &p.servers[0];
    assert!(s.keep_internal_transport);
    let it = s.internal_transport.unwrap().to_string();
    let script = render_plan(&p);
    assert!(script.contains(&format!("-Thumbprint '{it}' -Services 'SMTP' -Force")));
    let mut o = options();
    o.replace_internal_transport = true;
    let p = plan("single-server", COMPAT, o).unwrap();
    assert!(!p.servers[0].keep_internal_transport);
    let script = render_plan(&p);
    let renew = script.split("if ($Rollback) {").nth(1).unwrap();
    let renew = renew.split("return\n}").nth(1).unwrap();
    assert!(!renew.contains(&format!("-Thumbprint '{it}' -Services 'SMTP'")));
}

#[test]
fn guard_old_internal_transport_certificate_is_not_removed() {
    // The old certificate is the internal transport certificate: kept unless replaced.
    let mut s = state("single-server");
    let p0 = Plan::compute(&new_rsa(), Some(COMPAT), &s, options()).unwrap();
    let old = old_of(&p0);
    s.transport_services[0].internal_transport_certificate_thumbprint = Some(old);
    let p = Plan::compute(&new_rsa(), Some(COMPAT), &s, options()).unwrap();
    assert!(p.removals[0]
        .kept_because
        .contains(&Protected::InternalTransport));
    let mut o = options();
    o.replace_internal_transport = true;
    let p = Plan::compute(&new_rsa(), Some(COMPAT), &s, o).unwrap();
    assert!(p.removals[0].kept_because.is_empty(), "{:?}", p.removals);
}

#[test]
fn refusal_aes_pfx_below_server_2019() {
    let aes = PfxFacts {
        aes: true,
        cng: false,
    };
    match plan("mixed-2016-2019", aes, options()) {
        Err(PlanError::Refused(Refusal::AesPfx { server, build })) => {
            assert_eq!((server.as_str(), build), ("EX16", 14393));
        }
        other => panic!("{other:?}"),
    }
    assert!(plan("single-server", aes, options()).is_ok());
    // The certificate alone (no PFX): its encryption is unknown, and EX16 is below 17763.
    assert!(matches!(
        Plan::compute(&new_rsa(), None, &state("mixed-2016-2019"), options()),
        Err(PlanError::Refused(Refusal::PfxUnknown { .. }))
    ));
}

#[test]
fn refusal_ecc_on_an_unsupported_build() {
    let e = Plan::compute(
        &cert("state/certs/new-mail-p256.cer"),
        Some(COMPAT),
        &state("ecc-unsupported-build"),
        options(),
    );
    assert!(
        matches!(e, Err(PlanError::Refused(Refusal::EccBuild { .. }))),
        "{e:?}"
    );
}

#[test]
fn refusal_cng_key_for_edge() {
    let cng = PfxFacts {
        aes: false,
        cng: true,
    };
    assert!(matches!(
        plan("edge-subscribed", cng, options()),
        Err(PlanError::Refused(Refusal::CngEdge { .. }))
    ));
    let p = plan("edge-subscribed", COMPAT, options()).unwrap();
    assert_eq!(p.edge.len(), 1);
    let script = render_plan(&p);
    assert!(script.contains("Remove-EdgeSubscription -Identity 'EDGE01'"));
    assert!(script.contains("New-EdgeSubscription -FileData $edgeData"));
}

#[test]
fn hybrid_plan_updates_the_hcw_connector_and_reminds_to_rerun_the_hcw() {
    let p = plan("hybrid", COMPAT, options()).unwrap();
    assert!(p
        .settings
        .iter()
        .any(|c| c.kind == SettingKind::SendConnector
            && c.identity.starts_with("Outbound to Office 365")));
    assert!(p.settings.iter().any(|c| c.kind == SettingKind::Hybrid));
    assert!(p
        .reminders
        .iter()
        .any(|r| r.contains("Hybrid Configuration Wizard")));
}

#[test]
fn require_ssl_off_gets_do_not_require_ssl_and_on_does_not() {
    let p = plan("single-server", COMPAT, options()).unwrap();
    assert!(p.servers[0].do_not_require_ssl);
    let p = plan("first-renewal-self-signed", COMPAT, options()).unwrap();
    assert!(!p.servers[0].do_not_require_ssl);
}

#[test]
fn old_not_in_state_and_old_is_new_are_refused() {
    let mut o = options();
    o.old = Some(Thumbprint::parse("0123456789ABCDEF0123456789ABCDEF01234567").unwrap());
    assert!(matches!(
        plan("single-server", COMPAT, o.clone()),
        Err(PlanError::OldNotInState { .. })
    ));
    o.old = Some(Thumbprint::of(&new_rsa().der, HashAlg::Sha1));
    assert!(matches!(
        plan("single-server", COMPAT, o),
        Err(PlanError::OldIsNew { .. })
    ));
}

// ---- property tests over generated states ----

/// A state derived from the DAG fixture: each connector names the old certificate, another
/// name, or nothing; the old certificate may be self-signed, the Auth certificate (current or
/// next), a server's internal transport certificate, or bound to 444.
#[derive(Clone, Debug)]
struct Variation {
    connector_names: Vec<u8>,
    self_signed: bool,
    auth: u8,
    internal: Vec<bool>,
    back_end: Vec<bool>,
    hybrid: u8,
    replace_internal_transport: bool,
}

fn variation() -> impl Strategy<Value = Variation> {
    (
        proptest::collection::vec(0u8..3, 24),
        any::<bool>(),
        0u8..3,
        proptest::collection::vec(any::<bool>(), 4),
        proptest::collection::vec(any::<bool>(), 4),
        0u8..3,
        any::<bool>(),
    )
        .prop_map(
            |(connector_names, self_signed, auth, internal, back_end, hybrid, replace)| Variation {
                connector_names,
                self_signed,
                auth,
                internal,
                back_end,
                hybrid,
                replace_internal_transport: replace,
            },
        )
}

const OTHER_NAME: &str = "<I>CN=Other CA, O=O'Brien $(x) `y<S>CN=other.contoso.com";

fn generated(v: &Variation) -> (State, Thumbprint, String) {
    let mut s = state("dag-four-servers");
    let p = Plan::compute(&new_rsa(), Some(COMPAT), &s, options()).unwrap();
    let old = p.old.thumbprint;
    let old_name = p.old.tls_name.clone();
    let pick = |k: u8| match k {
        0 => Some(old_name.clone()),
        1 => Some(OTHER_NAME.to_owned()),
        _ => None,
    };
    // A name that breaks naive quoting, on a connector the plan may change.
    s.send_connectors[0].identity = "Internet 'O\u{2019}Brien' $(calc) `n \"x\"".into();
    let mut k = v.connector_names.iter().cycle();
    for c in &mut s.send_connectors {
        c.tls_certificate_name = pick(*k.next().unwrap());
    }
    for c in &mut s.receive_connectors {
        c.tls_certificate_name = pick(*k.next().unwrap());
    }
    if let Some(h) = &mut s.hybrid_configuration {
        h.tls_certificate_name = pick(v.hybrid);
    }
    for c in &mut s.certificates {
        if c.thumbprint == old {
            c.is_self_signed = v.self_signed;
        }
    }
    if let Some(a) = &mut s.auth_config {
        match v.auth {
            0 => a.current_certificate_thumbprint = Some(old),
            1 => a.next_certificate_thumbprint = Some(old),
            _ => {}
        }
    }
    for (t, on) in s.transport_services.iter_mut().zip(&v.internal) {
        if *on {
            t.internal_transport_certificate_thumbprint = Some(old);
        }
    }
    let servers: Vec<String> = s.servers.iter().map(|x| x.name.clone()).collect();
    for b in &mut s.iis_bindings {
        if b.port() == Some(444) {
            if let Some(i) = servers
                .iter()
                .position(|n| n.eq_ignore_ascii_case(&b.server))
            {
                if v.back_end[i % v.back_end.len()] {
                    b.certificate_hash = Some(old);
                }
            }
        }
    }
    (s, old, old_name)
}

/// The rollback block's settings: (kind, identity, value) from each setter line.
fn rollback_settings(script: &str) -> Vec<(String, String, Option<String>)> {
    let block = script
        .split("if ($Rollback) {")
        .nth(1)
        .unwrap()
        .split("\n    return\n}")
        .next()
        .unwrap();
    let mut out = Vec::new();
    for line in block.lines() {
        for (cmd, id_flag, value_flag) in [
            ("Set-SendConnector", " -Identity ", " -TlsCertificateName "),
            (
                "Set-ReceiveConnector",
                " -Identity ",
                " -TlsCertificateName ",
            ),
            ("Set-HybridConfiguration", "", " -TlsCertificateName "),
            ("Set-PopSettings", " -Server ", " -X509CertificateName "),
            ("Set-ImapSettings", " -Server ", " -X509CertificateName "),
        ] {
            let Some(at) = line.find(&format!("{{ {cmd}")) else {
                continue;
            };
            let rest = &line[at + cmd.len() + 2..];
            let identity = if id_flag.is_empty() {
                String::new()
            } else {
                let r = rest.split_once(id_flag).unwrap().1;
                let lit = r.split(value_flag).next().unwrap();
                one_literal(lit)
            };
            let r = rest.split_once(value_flag).unwrap().1;
            let lit = r.split(" -ErrorAction Stop").next().unwrap();
            let value = (lit != "$null").then(|| one_literal(lit));
            out.push((cmd.to_owned(), identity, value));
        }
    }
    out
}

fn one_literal(lit: &str) -> String {
    let v = literal_values(&format!("$x = {lit}"));
    assert_eq!(v.len(), 1, "{lit}");
    v.into_iter().next().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn generated_states_never_remove_a_protected_certificate(v in variation()) {
        let (s, old, _) = generated(&v);
        let mut o = options();
        o.replace_internal_transport = v.replace_internal_transport;
        let p = Plan::compute(&new_rsa(), Some(COMPAT), &s, o).unwrap();
        let script = render_plan(&p);
        for r in &p.removals {
            let internal_after = s
                .transport_services
                .iter()
                .find(|t| t.name.eq_ignore_ascii_case(&r.server))
                .and_then(|t| t.internal_transport_certificate_thumbprint)
                == Some(old)
                && !v.replace_internal_transport;
            let back_end = s.iis_bindings.iter().any(|b| {
                b.server.eq_ignore_ascii_case(&r.server)
                    && b.port() == Some(444)
                    && b.certificate_hash == Some(old)
            });
            let protected = v.self_signed || v.auth < 2 || internal_after || back_end;
            prop_assert_eq!(protected, !r.kept_because.is_empty(), "{:?}", r);
            let line = format!("Remove-ExchangeCertificate -Server '{}'", r.server);
            prop_assert_eq!(script.contains(&line), !protected);
        }
    }

    #[test]
    fn generated_states_change_exactly_the_connectors_naming_the_old_certificate(v in variation()) {
        let (s, _, old_name) = generated(&v);
        let p = Plan::compute(&new_rsa(), Some(COMPAT), &s, options()).unwrap();
        let mut expected: Vec<(SettingKind, String)> = Vec::new();
        for c in &s.send_connectors {
            if c.tls_certificate_name.as_deref() == Some(old_name.as_str()) {
                expected.push((SettingKind::SendConnector, c.identity.clone()));
            }
        }
        for c in &s.receive_connectors {
            if c.tls_certificate_name.as_deref() == Some(old_name.as_str()) {
                expected.push((SettingKind::ReceiveConnector, c.identity.clone()));
            }
        }
        if s.hybrid_configuration.as_ref().and_then(|h| h.tls_certificate_name.as_deref()) == Some(old_name.as_str()) {
            expected.push((SettingKind::Hybrid, String::new()));
        }
        let mut got: Vec<(SettingKind, String)> = p
            .settings
            .iter()
            .filter(|c| matches!(c.kind, SettingKind::SendConnector | SettingKind::ReceiveConnector | SettingKind::Hybrid))
            .map(|c| (c.kind, c.identity.clone()))
            .collect();
        expected.sort();
        got.sort();
        prop_assert_eq!(&got, &expected);
        for c in &p.settings {
            prop_assert_eq!(c.change.to.as_deref(), Some(p.new.tls_name.as_str()));
        }
    }

    #[test]
    fn generated_states_roll_back_to_the_snapshot_and_parse(v in variation()) {
        let (s, _, _) = generated(&v);
        let p = Plan::compute(&new_rsa(), Some(COMPAT), &s, options()).unwrap();
        let script = render_plan(&p);
        prop_assert!(syntax_errors(&script).is_empty(), "{:?}", syntax_errors(&script));
        // Apply the plan to a model of the settings, then the script's rollback lines.
        let mut model: std::collections::BTreeMap<String, Option<String>> = Default::default();
        let key = |kind: SettingKind, id: &str| format!("{kind:?}|{id}");
        for c in &s.send_connectors {
            model.insert(key(SettingKind::SendConnector, &c.identity), c.tls_certificate_name.clone());
        }
        for c in &s.receive_connectors {
            model.insert(key(SettingKind::ReceiveConnector, &c.identity), c.tls_certificate_name.clone());
        }
        if let Some(h) = &s.hybrid_configuration {
            model.insert(key(SettingKind::Hybrid, ""), h.tls_certificate_name.clone());
        }
        let snapshot = model.clone();
        for c in &p.settings {
            model.insert(key(c.kind, &c.identity), c.change.to.clone());
        }
        let rolled = rollback_settings(&script);
        prop_assert_eq!(rolled.len(), p.settings.len());
        for (cmd, id, value) in rolled {
            let kind = match cmd.as_str() {
                "Set-SendConnector" => SettingKind::SendConnector,
                "Set-ReceiveConnector" => SettingKind::ReceiveConnector,
                "Set-HybridConfiguration" => SettingKind::Hybrid,
                "Set-PopSettings" => SettingKind::Pop,
                _ => SettingKind::Imap,
            };
            model.insert(key(kind, &id), value);
        }
        prop_assert_eq!(model, snapshot);
        // Every identity and name the plan uses is spelled as one literal that reads back.
        let values = literal_values(&script);
        for c in &p.settings {
            if !c.identity.is_empty() {
                prop_assert!(values.iter().any(|x| x == &c.identity), "{}", c.identity);
            }
            for v in [&c.change.from, &c.change.to].into_iter().flatten() {
                prop_assert!(values.iter().any(|x| x == v), "{}", v);
            }
        }
    }
}

#[test]
fn guard_a_certificate_bound_to_444_is_kept() {
    let mut s = state("single-server");
    let old = old_of(&Plan::compute(&new_rsa(), Some(COMPAT), &s, options()).unwrap());
    for b in &mut s.iis_bindings {
        if b.port() == Some(444) {
            b.certificate_hash = Some(old);
        }
    }
    let p = Plan::compute(&new_rsa(), Some(COMPAT), &s, options()).unwrap();
    assert_eq!(p.removals[0].kept_because, vec![Protected::BackEnd444]);
    assert!(!render_plan(&p).contains("Remove-ExchangeCertificate"));
}

#[test]
fn refusal_ecc_where_support_is_off_or_unknown_on_a_supported_build() {
    let ecc = cert("state/certs/new-mail-p256.cer");
    let mut s = state("single-server");
    s.servers[0].ex_setup_version = Some("15.02.1544.011".into());
    for (setting, known) in [(Some(false), true), (None, false)] {
        s.servers[0].ecc_certificate_support = setting;
        let e = Plan::compute(&ecc, Some(COMPAT), &s, options());
        assert!(
            matches!(&e, Err(PlanError::Refused(Refusal::EccSettings { known: k, .. })) if *k == known),
            "{e:?}"
        );
    }
    s.servers[0].ecc_certificate_support = Some(true);
    assert!(Plan::compute(&ecc, Some(COMPAT), &s, options()).is_ok());
}
