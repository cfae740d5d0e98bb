//! The TLS setup that the crate's features choose (see the README's "TLS" section).
//!
//! With the `rustls` feature (the default), reqwest is built without a crypto provider of its own, so that users do
//! not compile aws-lc's C code: every HTTP client this crate builds first makes sure that rustls has a process-wide
//! default provider, installing ring's unless the program installed one (for example aws-lc's) before.

/// Installs ring as rustls's process-wide crypto provider if none is installed yet.
#[cfg(feature = "rustls")]
pub(crate) fn ensure_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one between the check and here; either provider is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// Without rustls there is no provider to install (native TLS or plain HTTP only).
#[cfg(not(feature = "rustls"))]
pub(crate) fn ensure_crypto_provider() {}

#[cfg(all(test, feature = "rustls"))]
mod tests {
    #[test]
    fn a_built_client_leaves_ring_installed() {
        crate::Client::new("https://example.atlassian.net").expect("a client with rustls");
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }
}
