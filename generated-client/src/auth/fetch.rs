//! The requests that credentials make themselves: the OAuth 2.0 token endpoint, accessible resources, a site's
//! tenant info. They go through a small HTTP client of their own, without the API client's retries.

use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::auth_error::AuthError;
use crate::error::Result;

/// The HTTP client for these requests: no redirects (a token endpoint that redirects is misconfigured), bounded
/// waits, and the TLS setup of the crate's features.
pub(crate) fn http_client() -> Result<reqwest::Client> {
    crate::tls::ensure_crypto_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|source| {
            AuthError::new("the HTTP client for the credentials could not be built").with_source(source).into()
        })
}

/// Sends `request` and reads the whole answer; `what` names the endpoint in errors (`"the token endpoint"`).
pub(crate) async fn send(request: reqwest::RequestBuilder, what: &str) -> Result<(u16, Bytes)> {
    let response =
        request.header(reqwest::header::ACCEPT, "application/json").send().await.map_err(|source| {
            AuthError::new(format!("{what} could not be reached")).with_source(without_url(source))
        })?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|source| {
        AuthError::new(format!("{what}'s answer could not be read")).with_source(without_url(source))
    })?;
    Ok((status, body))
}

/// Decodes a JSON answer. The error names the JSON path and the kind of mismatch but never repeats a value, as
/// a value in a token answer may be a token.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let category = match error.inner().classify() {
            serde_json::error::Category::Io | serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "a member is missing or has another type",
            serde_json::error::Category::Eof => "the JSON ends early",
        };
        AuthError::new(format!("{what}'s answer is not what was expected at `{}`: {category}", error.path())).into()
    })
}

/// The first `limit` characters of a server's message, for error text.
pub(crate) fn bounded(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

/// reqwest's errors print the URL; the URLs here hold no secrets, but a user-configured one might hold a user
/// name and password, so they go.
fn without_url(error: reqwest::Error) -> reqwest::Error {
    error.without_url()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Token {
        #[allow(dead_code)]
        expires_in: u64,
    }

    #[test]
    fn decode_errors_never_repeat_values() {
        let error = decode::<Token>(br#"{"expires_in": "SENTINEL-value"}"#, "the token endpoint").unwrap_err();
        let text = error.to_string();
        assert!(!text.contains("SENTINEL"), "{text}");
        assert!(text.contains("`expires_in`"), "{text}");
    }

    #[test]
    fn long_messages_are_bounded_at_a_character_boundary() {
        assert_eq!(bounded("ééééé", 3), "ééé...");
        assert_eq!(bounded("short", 10), "short");
    }
}
