//! HTTPS for the fixture API: a test CA made for each server, and a certificate it signs for
//! `localhost` and `127.0.0.1`, so a client is tested the way it meets an API behind a private
//! CA (verify-full: the chain and the host name are both checked).

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

pub struct Tls {
    pub config: Arc<ServerConfig>,
    /// The CA's certificate, PEM: what a client must trust.
    pub ca_pem: String,
}

pub fn make() -> Tls {
    let ca_key = KeyPair::generate().expect("a CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.distinguished_name
        .push(DnType::CommonName, "Agent Factory Console test CA");
    let ca = ca.self_signed(&ca_key).expect("the CA certificate");

    let key = KeyPair::generate().expect("a server key");
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let server = CertificateParams::new(names)
        .expect("server parameters")
        .signed_by(&key, &ca, &ca_key)
        .expect("the server certificate");

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![server.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("a server configuration");
    Tls {
        config: Arc::new(config),
        ca_pem: ca.pem(),
    }
}
