//! An OAuth 2.0 (3LO) app registered in Atlassian's developer console, and the steps of the flow.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use super::endpoint::{request_tokens, Grant};
use super::{AccessibleResource, TokenSet};
use crate::auth::fetch::{decode, http_client, send};
use crate::auth::{Secret, ATLASSIAN_GATEWAY};
use crate::auth_error::AuthError;
use crate::error::Result;

const AUTHORIZE_URL: &str = "https://auth.atlassian.com/authorize";
const TOKEN_URL: &str = "https://auth.atlassian.com/oauth/token";
const ACCESSIBLE_RESOURCES_URL: &str = "https://api.atlassian.com/oauth/token/accessible-resources";
const AUDIENCE: &str = "api.atlassian.com";
/// How long before expiry an access token is refreshed by default. Atlassian's gateway answers some requests
/// with an expired token with 403 or 404 instead of 401, so waiting for a 401 is not enough.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// An OAuth 2.0 (3LO) app: its credentials, its redirect URL and the endpoints it talks to. Cloning is cheap.
///
/// ```no_run
/// # async fn run() -> atlassian_client::Result<()> {
/// use atlassian_client::OAuthApp;
///
/// let app = OAuthApp::builder("client-id", "client-secret", "https://app.example/callback").build()?;
/// // 1. Send the user here; Atlassian redirects back with `?code=...&state=...`.
/// let url = app.authorization_url(&["read:jira-work", "offline_access"], "state-you-check")?;
/// // 2. Exchange the code for tokens.
/// let tokens = app.exchange_code("code-from-the-redirect").await?;
/// # let _ = (url, tokens);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct OAuthApp {
    inner: Arc<AppConfig>,
}

struct AppConfig {
    settings: Settings,
    http: reqwest::Client,
}

/// What the builder sets.
#[derive(Debug)]
struct Settings {
    client_id: String,
    client_secret: Secret,
    redirect_uri: String,
    authorize_url: String,
    token_url: String,
    accessible_resources_url: String,
    gateway_url: String,
    audience: String,
    refresh_margin: Duration,
}

impl OAuthApp {
    /// Starts configuring the app with the client id and secret from the developer console and the callback URL
    /// registered there.
    pub fn builder(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        redirect_uri: impl Into<String>,
    ) -> OAuthAppBuilder {
        let settings = Settings {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uri: redirect_uri.into(),
            authorize_url: AUTHORIZE_URL.to_owned(),
            token_url: TOKEN_URL.to_owned(),
            accessible_resources_url: ACCESSIBLE_RESOURCES_URL.to_owned(),
            gateway_url: ATLASSIAN_GATEWAY.to_owned(),
            audience: AUDIENCE.to_owned(),
            refresh_margin: REFRESH_MARGIN,
        };
        OAuthAppBuilder { settings, http: None }
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.inner.settings.client_id
    }

    /// The gateway URL, without the product and cloud id (`https://api.atlassian.com/ex`).
    pub fn gateway_url(&self) -> &str {
        &self.inner.settings.gateway_url
    }

    /// How long before expiry [`OAuthToken`](crate::OAuthToken) refreshes.
    pub fn refresh_margin(&self) -> Duration {
        self.inner.settings.refresh_margin
    }

    /// The URL to send the user to: it asks for `scopes` (add `offline_access` for a refresh token) with
    /// `prompt=consent`, and brings `state` back with the code, for the program to check that the redirect
    /// answers its own request.
    pub fn authorization_url(&self, scopes: &[&str], state: &str) -> Result<String> {
        let config = &self.inner.settings;
        let mut url = Url::parse(&config.authorize_url)
            .map_err(|_| AuthError::new("the OAuth authorization URL is not a valid URL"))?;
        url.query_pairs_mut()
            .append_pair("audience", &config.audience)
            .append_pair("client_id", &config.client_id)
            .append_pair("scope", &scopes.join(" "))
            .append_pair("redirect_uri", &config.redirect_uri)
            .append_pair("state", state)
            .append_pair("response_type", "code")
            .append_pair("prompt", "consent");
        Ok(url.into())
    }

    /// Exchanges the `code` that the authorisation redirect brought back for tokens.
    pub async fn exchange_code(&self, code: &str) -> Result<TokenSet> {
        let grant = Grant::AuthorizationCode { code, redirect_uri: &self.inner.settings.redirect_uri };
        self.request_tokens(grant).await
    }

    /// Trades `refresh_token` for new tokens, once, as it is. Atlassian's refresh tokens rotate: keep the new one
    /// from the answer, as the old one is dead. [`OAuthToken`](crate::OAuthToken) does all this itself.
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<TokenSet> {
        self.request_tokens(Grant::RefreshToken { refresh_token: refresh_token.expose() }).await
    }

    /// The sites that `access_token` may call.
    pub async fn accessible_resources(&self, access_token: &Secret) -> Result<Vec<AccessibleResource>> {
        const WHAT: &str = "the accessible-resources endpoint";
        let request =
            self.inner.http.get(&self.inner.settings.accessible_resources_url).bearer_auth(access_token.expose());
        let (status, answer) = send(request, WHAT).await?;
        if !(200..300).contains(&status) {
            return Err(AuthError::new(format!("{WHAT} answered status {status}")).into());
        }
        decode(&answer, WHAT)
    }

    async fn request_tokens(&self, grant: Grant<'_>) -> Result<TokenSet> {
        let Settings { token_url, client_id, client_secret, .. } = &self.inner.settings;
        request_tokens(&self.inner.http, token_url, client_id, client_secret, grant).await
    }
}

impl fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &self.inner.settings;
        f.debug_struct("OAuthApp")
            .field("client_id", &config.client_id)
            .field("client_secret", &config.client_secret)
            .field("redirect_uri", &config.redirect_uri)
            .field("token_url", &config.token_url)
            .field("refresh_margin", &config.refresh_margin)
            .finish_non_exhaustive()
    }
}

/// Configures and builds an [`OAuthApp`]. The endpoints default to Atlassian's; tests point them at a mock.
#[derive(Debug)]
pub struct OAuthAppBuilder {
    settings: Settings,
    http: Option<reqwest::Client>,
}

impl OAuthAppBuilder {
    /// The authorisation page (default `https://auth.atlassian.com/authorize`).
    pub fn authorize_url(mut self, url: impl Into<String>) -> OAuthAppBuilder {
        self.settings.authorize_url = url.into();
        self
    }

    /// The token endpoint (default `https://auth.atlassian.com/oauth/token`).
    pub fn token_url(mut self, url: impl Into<String>) -> OAuthAppBuilder {
        self.settings.token_url = url.into();
        self
    }

    /// The list of sites a token may call (default
    /// `https://api.atlassian.com/oauth/token/accessible-resources`).
    pub fn accessible_resources_url(mut self, url: impl Into<String>) -> OAuthAppBuilder {
        self.settings.accessible_resources_url = url.into();
        self
    }

    /// The gateway that sites are reached through (default `https://api.atlassian.com/ex`; a site is then
    /// `{gateway}/jira/{cloudId}`).
    pub fn gateway_url(mut self, url: impl Into<String>) -> OAuthAppBuilder {
        self.settings.gateway_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// The `audience` of the authorisation URL (default `api.atlassian.com`).
    pub fn audience(mut self, audience: impl Into<String>) -> OAuthAppBuilder {
        self.settings.audience = audience.into();
        self
    }

    /// How long before expiry access tokens are refreshed (default 5 minutes; never earlier than halfway
    /// through a token's life).
    pub fn refresh_margin(mut self, margin: Duration) -> OAuthAppBuilder {
        self.settings.refresh_margin = margin;
        self
    }

    /// The HTTP client for the token and accessible-resources endpoints (proxies, TLS roots). It should not
    /// follow redirects. By default one with a 10 s connect and a 30 s request timeout.
    pub fn http_client(mut self, http: reqwest::Client) -> OAuthAppBuilder {
        self.http = Some(http);
        self
    }

    /// Builds the app.
    pub fn build(self) -> Result<OAuthApp> {
        let http = match self.http {
            Some(http) => http,
            None => http_client()?,
        };
        Ok(OAuthApp { inner: Arc::new(AppConfig { settings: self.settings, http }) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorization_url_carries_scopes_state_consent_and_audience() {
        let app = OAuthApp::builder("my-id", "secret", "https://app.example/callback?x=1").build().unwrap();
        let url = app.authorization_url(&["read:jira-work", "offline_access"], "st&te").unwrap();
        let url = Url::parse(&url).unwrap();
        assert_eq!(url.as_str().split('?').next(), Some(AUTHORIZE_URL));
        let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let expected = [
            ("audience", "api.atlassian.com"),
            ("client_id", "my-id"),
            ("scope", "read:jira-work offline_access"),
            ("redirect_uri", "https://app.example/callback?x=1"),
            ("state", "st&te"),
            ("response_type", "code"),
            ("prompt", "consent"),
        ];
        let expected: Vec<(String, String)> =
            expected.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        assert_eq!(pairs, expected);
        assert!(!url.as_str().contains("secret"));
    }

    #[test]
    fn the_client_secret_never_prints() {
        let app = OAuthApp::builder("my-id", "SENTINEL-secret", "https://app.example/cb").build().unwrap();
        assert!(!format!("{app:?}").contains("SENTINEL"));
    }
}
