//! The printed plan (`certprep runbook --state … --plan`, and the script's header): every change
//! per server and why, the settings changed and left, Edge, the old certificate's fate and the
//! Exchange Online reminders.

use super::setting_label;
use super::Plan;

/// The human-readable plan: every change per server and why, and what is kept and why.
pub fn plan_text(plan: &Plan) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!(
        "Plan: replace {} ({}) with {} ({})",
        plan.old.thumbprint, plan.old.subject, plan.new.thumbprint, plan.new.subject
    ));
    line(format!("  old certificate: {}", plan.old.chosen));
    line(format!("  new TLS name:    {}", plan.new.tls_name));
    for s in &plan.servers {
        line(String::new());
        line(format!("Server {}", s.name));
        if s.import {
            line(format!(
                "  import {} as {:?}",
                plan.new.pfx_path, plan.new.friendly_name
            ));
        } else {
            line("  import: already there (the state lists it)".to_owned());
        }
        if !s.services.is_empty() {
            line(format!(
                "  enable for {}{}",
                s.services.join(", "),
                if s.do_not_require_ssl {
                    " with -DoNotRequireSsl"
                } else {
                    ""
                }
            ));
        }
        for w in &s.why {
            line(format!("    why: {w}"));
        }
    }
    if !plan.settings.is_empty() {
        line(String::new());
        line("Settings".to_owned());
        for c in &plan.settings {
            line(format!(
                "  {}: {} -> {}",
                setting_label(c.kind, &c.identity),
                c.change.from.as_deref().unwrap_or("(empty)"),
                c.change.to.as_deref().unwrap_or("(empty)")
            ));
            line(format!("    why: {}", c.why));
        }
    }
    for u in &plan.unchanged {
        line(format!("  unchanged: {u}"));
    }
    if !plan.edge.is_empty() {
        line(String::new());
        line("Edge Transport (run on each Edge server, then on a Mailbox server; see the script's -EdgeSubscriptionFile)".to_owned());
        for e in &plan.edge {
            line(format!(
                "  {}: import and enable for SMTP on the Edge server, New-EdgeSubscription -FileName there, then within 24 hours Remove-EdgeSubscription {} and New-EdgeSubscription -FileData … -Site {} on a Mailbox server",
                e.name,
                e.name,
                e.site.as_deref().unwrap_or("(the Mailbox servers' site)")
            ));
        }
    }
    line(String::new());
    line("Old certificate".to_owned());
    for r in &plan.removals {
        if r.kept_because.is_empty() {
            line(format!(
                "  {}: removed after verification, if you type REMOVE",
                r.server
            ));
        } else {
            let why: Vec<String> = r.kept_because.iter().map(|p| p.to_string()).collect();
            line(format!("  {}: kept, because {}", r.server, why.join("; ")));
        }
    }
    if !plan.reminders.is_empty() {
        line(String::new());
        line("Exchange Online".to_owned());
        for r in &plan.reminders {
            line(format!("  {r}"));
        }
    }
    for n in &plan.notes {
        line(format!("check {:?} {}: {}", n.severity, n.id, n.message));
    }
    out
}
