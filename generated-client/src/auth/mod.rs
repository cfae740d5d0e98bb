//! Credentials and the `Authorization` header they produce.
//!
//! Atlassian Cloud accepts HTTP basic authentication with an account email and an API token (classic tokens on
//! the site URL, scoped tokens through the gateway: [`ScopedToken`]), and bearer tokens: OAuth 2.0 (3LO) access
//! tokens, which [`OAuthToken`] refreshes by itself, and fixed ones ([`BearerToken`]). Secrets are wrapped in
//! [`Secret`], which never prints its contents, and the header values built from them are marked sensitive so
//! that the HTTP stack redacts them as well.

mod basic;
mod bearer;
mod fetch;
pub(crate) mod oauth;
mod scoped;
mod secret;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use reqwest::header::HeaderValue;

use crate::auth_error::AuthError;
use crate::error::Result;

pub use basic::BasicAuth;
pub use bearer::BearerToken;
pub use oauth::{
    AccessibleResource, MemoryTokenStore, OAuthApp, OAuthAppBuilder, OAuthToken, StoreFuture, TokenSet, TokenStore,
};
pub use scoped::ScopedToken;
pub use secret::Secret;

/// Atlassian's API gateway, through which OAuth 2.0 apps and scoped API tokens reach a site by its cloud id
/// (`{gateway}/jira/{cloudId}`).
pub(crate) const ATLASSIAN_GATEWAY: &str = "https://api.atlassian.com/ex";

/// The future returned by [`Auth::authorization`].
pub type AuthFuture<'a> = Pin<Box<dyn Future<Output = Result<Option<HeaderValue>>> + Send + 'a>>;

/// The future returned by [`Auth::unauthorized`]: whether the credentials changed, so that sending the request
/// again is worth it.
pub type RenewFuture<'a> = Pin<Box<dyn Future<Output = Result<bool>> + Send + 'a>>;

/// A source of the `Authorization` header.
///
/// The methods are asynchronous so that implementations can refresh tokens (for example OAuth 2.0 refresh)
/// before answering. [`authorization`](Auth::authorization) is called once per attempt, so a refreshed token is
/// picked up by retries. Implementations should mark the header value sensitive with
/// [`HeaderValue::set_sensitive`].
pub trait Auth: Send + Sync + fmt::Debug {
    /// Returns the `Authorization` header value to send, or `None` to send no such header.
    fn authorization(&self) -> AuthFuture<'_>;

    /// Learns that the server answered `401 Unauthorized` to a request sent with `rejected` (the header
    /// [`authorization`](Auth::authorization) gave for it). Returns `true` if the credentials have changed since,
    /// so that the client sends the request once more (if its body can be sent again).
    ///
    /// The default does nothing and returns `false`: the 401 goes back to the caller.
    fn unauthorized<'a>(&'a self, rejected: Option<&'a HeaderValue>) -> RenewFuture<'a> {
        let _ = rejected;
        Box::pin(async { Ok(false) })
    }
}

impl<T: Auth + ?Sized> Auth for std::sync::Arc<T> {
    fn authorization(&self) -> AuthFuture<'_> {
        (**self).authorization()
    }

    fn unauthorized<'a>(&'a self, rejected: Option<&'a HeaderValue>) -> RenewFuture<'a> {
        (**self).unauthorized(rejected)
    }
}

/// Sends no `Authorization` header: for anonymous access and for mock servers.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAuth;

impl Auth for NoAuth {
    fn authorization(&self) -> AuthFuture<'_> {
        Box::pin(async { Ok(None) })
    }
}

/// Builds a header value marked sensitive, with an error that does not repeat the value.
fn sensitive_header(value: String) -> Result<HeaderValue> {
    let mut header = HeaderValue::try_from(value)
        .map_err(|_| AuthError::new("the credentials contain characters that are not allowed in an HTTP header"))?;
    header.set_sensitive(true);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn header_values_are_sensitive() {
        let header = BearerToken::new("abc").authorization().await.unwrap().unwrap();
        assert!(header.is_sensitive());
        assert_eq!(header, "Bearer abc");
        let header = BasicAuth::new("a", "b").authorization().await.unwrap().unwrap();
        assert!(header.is_sensitive());
        assert_eq!(header, "Basic YTpi");
        assert!(NoAuth.authorization().await.unwrap().is_none());
    }

    #[tokio::test]
    async fn the_default_401_hook_asks_for_no_resend() {
        assert!(!BearerToken::new("abc").unauthorized(None).await.unwrap());
    }
}
