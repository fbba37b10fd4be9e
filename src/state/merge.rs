//! Adding a second collection of the same organisation (an Edge server's own file).

use super::State;

impl State {
    /// Add a second collection of the same organisation — typically the file `collect.ps1`
    /// wrote on an Edge Transport server, which the organisation's run cannot reach. Entries
    /// already present (a server by name, a certificate by server and thumbprint, a connector
    /// by identity, a transport service or subscription by name, a setting or directory by
    /// server) are kept; a server entry without a Windows build is replaced by one with it, and
    /// the organisation's "not reached" error for a server `other` covers is dropped.
    pub fn merge(&mut self, other: State) {
        for s in other.servers {
            match self
                .servers
                .iter_mut()
                .find(|x| x.name.eq_ignore_ascii_case(&s.name))
            {
                Some(x) if x.os_build.is_none() && s.os_build.is_some() => *x = s,
                Some(_) => {}
                None => self.servers.push(s),
            }
        }
        let covered: Vec<String> = other
            .certificates
            .iter()
            .map(|c| c.server.to_ascii_lowercase())
            .collect();
        self.collection_errors.retain(|e| {
            !(e.step == "Edge Transport server"
                && e.server
                    .as_deref()
                    .is_some_and(|s| covered.contains(&s.to_ascii_lowercase())))
        });
        for c in other.certificates {
            if !self
                .certificates
                .iter()
                .any(|x| x.thumbprint == c.thumbprint && x.server.eq_ignore_ascii_case(&c.server))
            {
                self.certificates.push(c);
            }
        }
        for t in other.transport_services {
            if !self
                .transport_services
                .iter()
                .any(|x| x.name.eq_ignore_ascii_case(&t.name))
            {
                self.transport_services.push(t);
            }
        }
        if self.auth_config.is_none() {
            self.auth_config = other.auth_config;
        }
        for c in other.send_connectors {
            if !self
                .send_connectors
                .iter()
                .any(|x| x.identity == c.identity)
            {
                self.send_connectors.push(c);
            }
        }
        for c in other.receive_connectors {
            if !self
                .receive_connectors
                .iter()
                .any(|x| x.identity == c.identity)
            {
                self.receive_connectors.push(c);
            }
        }
        if self.hybrid_configuration.is_none() {
            self.hybrid_configuration = other.hybrid_configuration;
        }
        for (mine, theirs) in [
            (&mut self.pop_settings, other.pop_settings),
            (&mut self.imap_settings, other.imap_settings),
        ] {
            for p in theirs {
                if !mine
                    .iter()
                    .any(|x| x.server.eq_ignore_ascii_case(&p.server))
                {
                    mine.push(p);
                }
            }
        }
        let known: Vec<String> = self
            .virtual_directories
            .iter()
            .map(|v| v.server.to_ascii_lowercase())
            .collect();
        self.virtual_directories.extend(
            other
                .virtual_directories
                .into_iter()
                .filter(|v| !known.contains(&v.server.to_ascii_lowercase())),
        );
        let bound: Vec<String> = self
            .iis_bindings
            .iter()
            .map(|b| b.server.to_ascii_lowercase())
            .collect();
        self.iis_bindings.extend(
            other
                .iis_bindings
                .into_iter()
                .filter(|b| !bound.contains(&b.server.to_ascii_lowercase())),
        );
        for e in other.edge_subscriptions {
            if !self
                .edge_subscriptions
                .iter()
                .any(|x| x.name.eq_ignore_ascii_case(&e.name))
            {
                self.edge_subscriptions.push(e);
            }
        }
        self.collection_errors.extend(other.collection_errors);
    }
}
