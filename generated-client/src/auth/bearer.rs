//! A fixed bearer token.

use super::{sensitive_header, Auth, AuthFuture, Secret};

/// A fixed bearer token: an OAuth 2.0 access token that something else keeps fresh, or a personal access token.
/// For OAuth 2.0 (3LO) tokens that the client should refresh itself, use [`OAuthToken`](crate::OAuthToken).
#[derive(Debug, Clone)]
pub struct BearerToken {
    token: Secret,
}

impl BearerToken {
    /// Uses `token` as the bearer token.
    pub fn new(token: impl Into<Secret>) -> BearerToken {
        BearerToken { token: token.into() }
    }
}

impl Auth for BearerToken {
    fn authorization(&self) -> AuthFuture<'_> {
        let value = sensitive_header(format!("Bearer {}", self.token.expose()));
        Box::pin(async move { value.map(Some) })
    }
}
