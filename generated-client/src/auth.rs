//! Credentials and the `Authorization` header they produce.
//!
//! Atlassian Cloud accepts HTTP basic authentication with an account email and an API token, and bearer
//! tokens (OAuth 2.0 access tokens, personal access tokens). Secrets are wrapped in [`Secret`], which never
//! prints its contents, and the header values built from them are marked sensitive so that the HTTP stack
//! redacts them as well.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use reqwest::header::HeaderValue;

use crate::error::{Error, Result};

/// The future returned by [`Auth::authorization`].
pub type AuthFuture<'a> = Pin<Box<dyn Future<Output = Result<Option<HeaderValue>>> + Send + 'a>>;

/// A source of the `Authorization` header.
///
/// The method is asynchronous so that implementations can refresh tokens (for example OAuth 2.0 refresh)
/// before answering. It is called once per attempt, so a refreshed token is picked up by retries.
/// Implementations should mark the header value sensitive with [`HeaderValue::set_sensitive`].
pub trait Auth: Send + Sync + fmt::Debug {
    /// Returns the `Authorization` header value to send, or `None` to send no such header.
    fn authorization(&self) -> AuthFuture<'_>;
}

impl<T: Auth + ?Sized> Auth for std::sync::Arc<T> {
    fn authorization(&self) -> AuthFuture<'_> {
        (**self).authorization()
    }
}

/// A string that must not be shown: its `Debug` and `Display` print `Secret([REDACTED])`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret string.
    pub fn new(secret: impl Into<String>) -> Secret {
        Secret(secret.into())
    }

    /// Returns the secret itself. Take care not to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Secret {
        Secret(secret)
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Secret {
        Secret(secret.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
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

/// HTTP basic authentication with an Atlassian account email and an API token.
#[derive(Debug, Clone)]
pub struct BasicAuth {
    email: String,
    token: Secret,
}

impl BasicAuth {
    /// Uses the account `email` with the API `token`.
    pub fn new(email: impl Into<String>, token: impl Into<Secret>) -> BasicAuth {
        BasicAuth { email: email.into(), token: token.into() }
    }

    /// The account email.
    pub fn email(&self) -> &str {
        &self.email
    }
}

impl Auth for BasicAuth {
    fn authorization(&self) -> AuthFuture<'_> {
        let credentials = format!("{}:{}", self.email, self.token.expose());
        let value = sensitive_header(format!("Basic {}", base64(credentials.as_bytes())));
        Box::pin(async move { value.map(Some) })
    }
}

/// A bearer token: an OAuth 2.0 access token or a personal access token.
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

/// Builds a header value marked sensitive, with an error that does not repeat the value.
fn sensitive_header(value: String) -> Result<HeaderValue> {
    let mut header = HeaderValue::try_from(value)
        .map_err(|_| Error::auth("the credentials contain characters that are not allowed in an HTTP header"))?;
    header.set_sensitive(true);
    Ok(header)
}

/// Standard base64 with padding, as basic authentication requires.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut output = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let bytes = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let group = (u32::from(bytes[0]) << 16) | (u32::from(bytes[1]) << 8) | u32::from(bytes[2]);
        for index in 0..4 {
            if index <= chunk.len() {
                let sextet = (group >> (18 - 6 * index)) & 0x3f;
                output.push(char::from(ALPHABET[sextet as usize]));
            } else {
                output.push('=');
            }
        }
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
        assert_eq!(base64(b"me@example.com:tok?>"), "bWVAZXhhbXBsZS5jb206dG9rPz4=");
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "Secret([REDACTED])");
        assert_eq!(secret.to_string(), "Secret([REDACTED])");
        let basic = BasicAuth::new("me@example.com", "hunter2");
        assert!(!format!("{basic:?}").contains("hunter2"));
    }

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
}
