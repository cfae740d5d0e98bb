//! The token endpoint's JSON: the grant sent, the tokens or the error answered.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::TokenSet;
use crate::auth::fetch::{bounded, decode, send};
use crate::auth::Secret;
use crate::auth_error::AuthError;
use crate::error::Result;

/// What the token endpoint is asked for.
#[derive(Serialize)]
#[serde(tag = "grant_type", rename_all = "snake_case")]
pub(super) enum Grant<'a> {
    /// The code that the authorisation redirect brought back.
    AuthorizationCode { code: &'a str, redirect_uri: &'a str },
    /// A new access token for a refresh token.
    RefreshToken { refresh_token: &'a str },
}

/// The grant with the app's credentials, as Atlassian's token endpoint takes it (a JSON body).
#[derive(Serialize)]
struct TokenRequest<'a> {
    #[serde(flatten)]
    grant: Grant<'a>,
    client_id: &'a str,
    client_secret: &'a str,
}

/// A successful answer.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: u64,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

/// An error answer (RFC 6749, section 5.2).
#[derive(Deserialize)]
struct ErrorResponse {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Longest access token lifetime believed (a year): a larger `expires_in` would overflow the clock.
const MAX_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// Asks the token endpoint at `url` for tokens.
pub(super) async fn request_tokens(
    http: &reqwest::Client,
    url: &str,
    client_id: &str,
    client_secret: &Secret,
    grant: Grant<'_>,
) -> Result<TokenSet> {
    const WHAT: &str = "the OAuth token endpoint";
    let body = TokenRequest { grant, client_id, client_secret: client_secret.expose() };
    let body = serde_json::to_vec(&body)
        .map_err(|_| AuthError::new("the OAuth token request could not be serialised as JSON"))?;
    let request = http.post(url).header(reqwest::header::CONTENT_TYPE, "application/json").body(body);
    let (status, answer) = send(request, WHAT).await?;
    if (200..300).contains(&status) {
        let tokens: TokenResponse = decode(&answer, WHAT)?;
        let lifetime = Duration::from_secs(tokens.expires_in).min(MAX_LIFETIME);
        return Ok(TokenSet {
            access_token: Secret::new(tokens.access_token),
            refresh_token: tokens.refresh_token.map(Secret::new),
            expires_at: SystemTime::now() + lifetime,
            scope: tokens.scope,
        });
    }
    Err(refusal(status, &answer).into())
}

/// The error for a refused grant: `invalid_grant` means the code or the refresh token chain is dead.
fn refusal(status: u16, answer: &[u8]) -> AuthError {
    let Ok(error) = serde_json::from_slice::<ErrorResponse>(answer) else {
        return AuthError::new(format!("the OAuth token endpoint answered status {status} without an OAuth error"));
    };
    let description = error.error_description.map(|text| format!(": {}", bounded(&text, 200))).unwrap_or_default();
    let code = bounded(&error.error, 60);
    let refused =
        AuthError::new(format!("the OAuth token endpoint refused the grant (status {status}, {code}{description})"));
    if error.error == "invalid_grant" {
        refused.consent_required()
    } else {
        refused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_are_sent_as_atlassian_documents_them() {
        let refresh = TokenRequest {
            grant: Grant::RefreshToken { refresh_token: "r1" },
            client_id: "id",
            client_secret: "secret",
        };
        assert_eq!(
            serde_json::to_value(refresh).unwrap(),
            serde_json::json!({"grant_type": "refresh_token", "refresh_token": "r1", "client_id": "id", "client_secret": "secret"})
        );
        let code = TokenRequest {
            grant: Grant::AuthorizationCode { code: "c", redirect_uri: "https://app.example/callback" },
            client_id: "id",
            client_secret: "secret",
        };
        assert_eq!(serde_json::to_value(code).unwrap()["grant_type"], "authorization_code");
    }

    #[test]
    fn invalid_grant_requires_consent_and_other_refusals_do_not() {
        let dead =
            refusal(403, br#"{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}"#);
        assert!(dead.consent_required);
        assert!(dead.to_string().contains("Unknown or invalid refresh token."), "{dead}");
        let client = refusal(401, br#"{"error":"invalid_client"}"#);
        assert!(!client.consent_required);
        assert!(!refusal(500, b"<html>").consent_required);
    }
}
