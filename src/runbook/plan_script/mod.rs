//! The script and the printed plan for a [`Plan`] (`certprep runbook NEW --state …`).
//!
//! The script's safety properties, and why each is built the way it is:
//! - **Stops at the first failure, whatever the shell.** In the Exchange Management Shell every
//!   Exchange cmdlet is a proxy function of implicit remoting: `-ErrorAction` is applied on the
//!   server, errors arrive in the local session as non-terminating ones, and a script's
//!   `$ErrorActionPreference` is not seen by the proxy module (PowerShell-Docs issue #1583,
//!   "Our Error Handling, Ourselves"; PowerShell issue #4568). So every changing call goes
//!   through `Invoke-CertprepChange`, which stops on an exception, on `$?` false and on any new
//!   record in `$Error`, and then each effect is read back (`Assert-CertprepValue`).
//! - **Re-reads before changing.** Every value the plan was computed from is read again and
//!   compared; any difference stops the script before the first change.
//! - **Snapshot and rollback.** The collected values are the snapshot (proven current by the
//!   re-read); `-Rollback` sets exactly those back, empty ones as `$null`, and reads them back.
//! - **Verifies before removing**: Status Valid on every server, the certificate presented on
//!   HTTPS 443, SMTP 25 and 587 (STARTTLS), POP 995 and IMAP 993 where enabled; removal only
//!   with no problem, and only after typing REMOVE.
//!
//! Every value reaches the script through [`super::quote::ps_literal`] (the `V` token).
//!
//! Arranged by the script's parts: the frame and the token pieces every part uses (this file),
//! the printed plan (`text.rs`), the re-read of the collected values (`drift.rs`), the
//! `-EdgeSubscriptionFile` and `-Rollback` modes (`edge.rs`, `rollback.rs`), the renewal's steps
//! (`renew.rs`) and the PowerShell functions the script defines (`functions.rs`).

mod drift;
mod edge;
mod functions;
mod renew;
mod rollback;
mod text;

pub use text::plan_text;

use super::plan::{Plan, SettingKind};
use super::script::{copy, preamble, Script, Tok, C, V, WHATIF_PARAM};
use super::NoteSeverity;
use drift::drift_check;
use edge::edge_subscription;
use functions::PLAN_HELPERS;
use renew::renew;
use rollback::rollback;

/// Services `Enable-ExchangeCertificate -Services` takes (Federation is managed by the
/// federation trust; Enable-ExchangeCertificate docs).
pub(crate) const ENABLE_SERVICES: [&str; 6] = ["IIS", "SMTP", "POP", "IMAP", "UM", "UMCallRouter"];

/// Render the script for `plan` (text, LF line ends, no BOM; see [`super::UTF8_BOM`]).
pub fn render_plan(plan: &Plan) -> String {
    let mut s = Script {
        out: String::new(),
        indent: 0,
    };
    header(&mut s, plan);
    preamble(
        &mut s,
        &[
            WHATIF_PARAM,
            (
                "# Set every changed value back to the collected snapshot instead of renewing.",
                "[switch]$Rollback,",
            ),
            (
                "# Edge only: the Edge Subscription file made on the Edge server after its certificate changed.",
                "[string]$EdgeSubscriptionFile",
            ),
        ],
        &[PLAN_HELPERS],
    );
    // -EdgeSubscriptionFile and -Rollback run after a renewal changed things, so the drift
    // check guards the renewal only.
    edge_subscription(&mut s, plan);
    rollback(&mut s, plan);
    drift_check(&mut s, plan);
    renew(&mut s, plan);
    s.out
}

/// The header comment: who generated it, the printed plan, how to run it, check findings.
fn header(s: &mut Script, plan: &Plan) {
    s.comment(&format!(
        "Exchange certificate renewal, planned by {} from exchange-state.json. Review it before running it.",
        plan.generator
    ));
    s.comment("");
    for l in plan_text(plan).lines() {
        s.comment(l);
    }
    s.comment("");
    let name = format!(".\\{}", plan.script_name);
    s.comment("Run it in the Exchange Management Shell:");
    s.comment(&format!(
        "  {name} -WhatIf      show every change without making it"
    ));
    s.comment(&format!(
        "  {name}              renew; asks before removing the old certificate"
    ));
    s.comment(&format!(
        "  {name} -Rollback    set every changed value back to the collected snapshot"
    ));
    if !plan.edge.is_empty() {
        s.comment(&format!(
            "  {name} -EdgeSubscriptionFile PATH   re-subscribe the Edge server (after its own step)"
        ));
    }
    for n in &plan.notes {
        let tag = match n.severity {
            NoteSeverity::Error => "ERROR (generated with --ignore-check)",
            NoteSeverity::Warning => "warning",
            NoteSeverity::Info => "info",
        };
        s.comment(&format!("certprep check {tag} {}: {}", n.id, n.message));
    }
}

/// `$null` for an empty value, else its literal.
fn value_or_null<'a>(v: &'a Option<String>) -> Tok<'a> {
    match v {
        Some(v) => V(v),
        None => C("$null"),
    }
}

/// The PowerShell expression that reads a setting's current value.
fn getter<'a>(kind: SettingKind, identity: &'a str) -> Vec<Tok<'a>> {
    match kind {
        SettingKind::SendConnector => vec![
            C("(Get-SendConnector -Identity "),
            V(identity),
            C(").TlsCertificateName"),
        ],
        SettingKind::ReceiveConnector => vec![
            C("(Get-ReceiveConnector -Identity "),
            V(identity),
            C(").TlsCertificateName"),
        ],
        SettingKind::Hybrid => vec![C("(Get-HybridConfiguration).TlsCertificateName")],
        SettingKind::Pop => vec![
            C("(Get-PopSettings -Server "),
            V(identity),
            C(").X509CertificateName"),
        ],
        SettingKind::Imap => vec![
            C("(Get-ImapSettings -Server "),
            V(identity),
            C(").X509CertificateName"),
        ],
    }
}

/// The command that sets a setting to `value` (a literal or `$null`).
fn setter<'a>(kind: SettingKind, identity: &'a str, value: Tok<'a>) -> Vec<Tok<'a>> {
    let mut t = match kind {
        SettingKind::SendConnector => vec![
            C("Set-SendConnector -Identity "),
            V(identity),
            C(" -TlsCertificateName "),
        ],
        SettingKind::ReceiveConnector => vec![
            C("Set-ReceiveConnector -Identity "),
            V(identity),
            C(" -TlsCertificateName "),
        ],
        SettingKind::Hybrid => vec![C("Set-HybridConfiguration -TlsCertificateName ")],
        SettingKind::Pop => vec![
            C("Set-PopSettings -Server "),
            V(identity),
            C(" -X509CertificateName "),
        ],
        SettingKind::Imap => vec![
            C("Set-ImapSettings -Server "),
            V(identity),
            C(" -X509CertificateName "),
        ],
    };
    t.push(value);
    t.push(C(" -ErrorAction Stop -WhatIf:$WhatIf"));
    t
}

/// `Invoke-CertprepChange -What '…' -Change { command }`, then the read-back.
fn change(s: &mut Script, what: &str, command: &[Tok]) {
    let mut t = vec![
        C("$null = Invoke-CertprepChange -What "),
        V(what),
        C(" -Change { "),
    ];
    t.extend(copy(command));
    t.push(C(" }"));
    s.line(&t);
}

/// `Assert-CertprepValue`: the value read back with `get` must be `expected`.
fn read_back(s: &mut Script, what: &str, get: &[Tok], expected: Tok) {
    let mut t = vec![C("Assert-CertprepValue -What "), V(what), C(" -Actual ")];
    t.extend(copy(get));
    t.push(C(" -Expected "));
    t.push(expected);
    s.line(&t);
}

/// How the plan and the script name a setting: its kind, then its identity if it has one.
fn setting_label(kind: SettingKind, identity: &str) -> String {
    if identity.is_empty() {
        kind.label().to_owned()
    } else {
        format!("{} {identity}", kind.label())
    }
}

/// `Enable-ExchangeCertificate` for `services` (comma-separated) on `server`.
fn enable_line<'a>(
    server: &'a str,
    thumbprint: &'a str,
    services: &'a str,
    do_not_require_ssl: bool,
) -> Vec<Tok<'a>> {
    vec![
        C("Enable-ExchangeCertificate -Server "),
        V(server),
        C(" -Thumbprint "),
        V(thumbprint),
        C(" -Services "),
        V(services),
        C(if do_not_require_ssl {
            " -DoNotRequireSsl -Force -ErrorAction Stop -WhatIf:$WhatIf"
        } else {
            " -Force -ErrorAction Stop -WhatIf:$WhatIf"
        }),
    ]
}

/// Restart, on each server, the services that cache the certificate.
fn restarts(s: &mut Script, plan: &Plan) {
    for server in &plan.servers {
        let has = |x: &str| server.services.iter().any(|v| v.eq_ignore_ascii_case(x));
        s.open(&[
            C("Invoke-Command -ComputerName "),
            V(&server.name),
            C(" -ArgumentList $WhatIf.IsPresent -ErrorAction Stop -ScriptBlock {"),
        ]);
        s.code("param([bool]$DryRun)");
        s.code("Restart-Service -Name 'MSExchangeTransport', 'MSExchangeFrontEndTransport' -WhatIf:$DryRun");
        if has("POP") {
            s.code("Get-Service -Name 'MSExchangePOP3', 'MSExchangePOP3BE' | Where-Object { $_.Status -eq 'Running' } | Restart-Service -WhatIf:$DryRun");
        }
        if has("IMAP") {
            s.code("Get-Service -Name 'MSExchangeIMAP4', 'MSExchangeIMAP4BE' | Where-Object { $_.Status -eq 'Running' } | Restart-Service -WhatIf:$DryRun");
        }
        if has("IIS") {
            s.code("if ($DryRun) { 'What if: iisreset /noforce' } else { iisreset /noforce }");
        }
        s.close("}");
    }
}
