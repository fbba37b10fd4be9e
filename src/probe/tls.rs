//! The TLS handshake over a stream the dialogue has prepared, recording the chain the server
//! presents. Nothing is trusted: [`RecordingVerifier`] accepts any chain and any name and still
//! checks the handshake signature, which proves the server holds the presented certificate's
//! key.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};

use super::dialogue::Dialogue;
use super::{Presented, ProbeError, Stage, Target};

/// Most `complete_io` rounds for a handshake.
const MAX_HANDSHAKE_ROUNDS: usize = 64;

/// Accepts whatever the server presents and keeps a copy. Certificate trust and host names
/// are deliberately not checked (probe reports, it does not trust); handshake signatures are,
/// with the provider's algorithms.
#[derive(Debug)]
struct RecordingVerifier {
    seen: Mutex<Vec<Vec<u8>>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = vec![end_entity.as_ref().to_vec()];
        chain.extend(intermediates.iter().map(|c| c.as_ref().to_vec()));
        if let Ok(mut seen) = self.seen.lock() {
            *seen = chain;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The TLS handshake over `stream`; `last_reply` is the protocol's last reply before TLS, for
/// the error messages.
pub(super) fn handshake<S: Read + Write>(
    target: &Target,
    stream: &mut S,
    last_reply: Option<String>,
) -> Result<Presented, ProbeError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(RecordingVerifier {
        seen: Mutex::new(Vec::new()),
        provider: provider.clone(),
    });
    let tls_error = |source: rustls::Error, last_reply: &Option<String>| ProbeError::Tls {
        target: target.clone(),
        last_reply: last_reply.clone(),
        presented: verifier.seen.lock().map(|s| s.clone()).unwrap_or_default(),
        source: Box::new(source),
    };
    let config = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error(e, &last_reply))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    // Validated in Target::parse; a failure here is reported rather than trusted away.
    let name = ServerName::try_from(target.host.clone()).map_err(|_| ProbeError::BadUrl {
        url: target.to_string(),
        reason: "the host is neither a DNS name nor an IP address",
    })?;
    let mut conn =
        ClientConnection::new(Arc::new(config), name).map_err(|e| tls_error(e, &last_reply))?;
    let mut rounds = 0;
    while conn.is_handshaking() {
        rounds += 1;
        if rounds > MAX_HANDSHAKE_ROUNDS {
            return Err(tls_error(
                rustls::Error::General("handshake did not finish".into()),
                &last_reply,
            ));
        }
        if let Err(e) = conn.complete_io(stream) {
            if let Some(source) = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                return Err(tls_error(source.clone(), &last_reply));
            }
            let d = Dialogue {
                stream,
                target,
                last_reply,
            };
            return Err(d.io_error(Stage::Handshake, e));
        }
    }
    let chain: Vec<Vec<u8>> = conn
        .peer_certificates()
        .map(|c| c.iter().map(|c| c.as_ref().to_vec()).collect())
        .unwrap_or_default();
    if chain.is_empty() {
        return Err(tls_error(
            rustls::Error::NoCertificatesPresented,
            &last_reply,
        ));
    }
    let protocol = conn
        .protocol_version()
        .map(|v| format!("{v:?}"))
        .unwrap_or_default();
    let cipher_suite = conn
        .negotiated_cipher_suite()
        .map(|c| format!("{:?}", c.suite()))
        .unwrap_or_default();
    // Polite close; the result is in hand whatever happens now.
    conn.send_close_notify();
    let _ = conn.complete_io(stream);
    Ok(Presented {
        chain,
        protocol,
        cipher_suite,
    })
}
