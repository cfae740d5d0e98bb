//! The client and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::auth::{AccessibleResource, Auth, NoAuth, OAuthToken, ScopedToken, ATLASSIAN_GATEWAY};
use crate::error::{Error, ErrorKind, Result};
use crate::runtime::client_state::ClientInner;
pub use crate::runtime::client_state::RequestHook;
use crate::runtime::rate_limit::Budget;
use crate::runtime::url::BaseUrl;
use crate::runtime::{encode_path_segment, RateLimitPolicy, Request, Response, RetryPolicy};

/// The default time allowed to establish a connection.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time allowed for one attempt of a request, from sending it to reading the whole body.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// An Atlassian REST API client.
///
/// Cloning is cheap: clones share one connection pool and configuration. The client is `Send + Sync`, so one
/// instance can serve many tasks at once.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

impl Client {
    /// Starts configuring a client for `base_url`.
    ///
    /// The base URL is a site (`https://your-domain.atlassian.net`), the OAuth 2.0 gateway for a site (see
    /// [`Client::builder_for_cloud_id`]), or any `http(s)` URL, whose path is kept in front of every request
    /// path. Trailing slashes do not matter.
    pub fn builder(base_url: impl AsRef<str>) -> ClientBuilder {
        ClientBuilder::new(base_url.as_ref())
    }

    /// Starts configuring a client that reaches a Jira site through the OAuth 2.0 (3LO) gateway:
    /// `https://api.atlassian.com/ex/jira/{cloudId}`.
    pub fn builder_for_cloud_id(cloud_id: impl AsRef<str>) -> ClientBuilder {
        Client::builder(gateway_url(ATLASSIAN_GATEWAY, "jira", cloud_id.as_ref()))
    }

    /// Starts configuring a client that reaches a Confluence site through the OAuth 2.0 (3LO) gateway:
    /// `https://api.atlassian.com/ex/confluence/{cloudId}`.
    pub fn builder_for_confluence_cloud_id(cloud_id: impl AsRef<str>) -> ClientBuilder {
        Client::builder(gateway_url(ATLASSIAN_GATEWAY, "confluence", cloud_id.as_ref()))
    }

    /// Starts configuring a client for the Jira site `site` (one of [`OAuthToken::accessible_resources`])
    /// through the app's gateway, authenticated with `token`.
    pub fn builder_for_oauth_site(token: &OAuthToken, site: &AccessibleResource) -> ClientBuilder {
        Client::builder(gateway_url(token.app().gateway_url(), "jira", &site.id)).auth(token.clone())
    }

    /// Starts configuring a client for a scoped API token: reads the site's cloud id from its
    /// `_edge/tenant_info` (one request, without credentials), then talks to the site through the gateway
    /// (`https://api.atlassian.com/ex/jira/{cloudId}`) with basic authentication.
    ///
    /// ```no_run
    /// # async fn run() -> atlassian_client::Result<()> {
    /// use atlassian_client::{Client, ScopedToken};
    ///
    /// let token = ScopedToken::new("https://your-domain.atlassian.net", "me@example.com", "scoped-api-token");
    /// let client = Client::builder_for_scoped_token(&token).await?.build()?;
    /// # let _ = client;
    /// # Ok(()) }
    /// ```
    pub async fn builder_for_scoped_token(token: &ScopedToken) -> Result<ClientBuilder> {
        let cloud_id = token.cloud_id().await?;
        Ok(Client::builder(gateway_url(token.gateway(), "jira", &cloud_id)).auth(token.basic_auth()))
    }

    /// A client for `base_url` with the default configuration and no authentication.
    pub fn new(base_url: impl AsRef<str>) -> Result<Client> {
        Client::builder(base_url).build()
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// The retry policy in use.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The rate-limit policy in use.
    pub fn rate_limit_policy(&self) -> &RateLimitPolicy {
        self.inner.rate_limit.policy()
    }

    /// How long `request` would be held back if it were sent now, because a `429` of this client (or a clone)
    /// holds the requests it belongs to (see [`RateLimitPolicy`]); `None` when it would go at once.
    pub fn rate_limit_hold(&self, request: &Request) -> Option<Duration> {
        self.inner.rate_limit.hold(request, request.meta().method)
    }

    /// Sends `request` and reads the whole response.
    ///
    /// The URL is the base URL, then the operation's server prefix (unless turned off with
    /// [`ClientBuilder::apply_server_prefix`]), then the request's path and query. The client adds the
    /// credentials, `User-Agent` and `Accept: application/json` (unless the request sets its own `Accept`),
    /// retries according to its [`RetryPolicy`], shares Jira's rate limits with the client's other requests
    /// according to its [`RateLimitPolicy`], and follows redirects within the base URL's site.
    ///
    /// Any HTTP status is returned as `Ok`; errors are transport failures, refused redirects, and requests
    /// that cannot be built.
    pub async fn execute(&self, request: Request) -> Result<Response> {
        crate::runtime::execute::execute(&self.inner, request).await
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base.as_str())
            .field("auth", &inner.auth)
            .field("timeout", &inner.timeout)
            .field("connect_timeout", &inner.connect_timeout)
            .field("retry", &inner.retry)
            .field("rate_limit", inner.rate_limit.policy())
            .field("user_agent", &inner.user_agent)
            .field("apply_server_prefix", &inner.apply_server_prefix)
            .field("request_hook", &inner.request_hook.is_some())
            .finish_non_exhaustive()
    }
}

/// Configures and builds a [`Client`].
///
/// Defaults: no authentication, a 10 s connect timeout, a 60 s request timeout, [`RetryPolicy::default`],
/// [`RateLimitPolicy::default`],
/// `User-Agent: atlassian-client/<version>`, gzip on, and the spec's server prefix applied.
pub struct ClientBuilder {
    base_url: String,
    auth: Arc<dyn Auth>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    rate_limit: RateLimitPolicy,
    user_agent: String,
    http: Option<reqwest::ClientBuilder>,
    apply_server_prefix: bool,
    request_hook: Option<RequestHook>,
}

impl ClientBuilder {
    fn new(base_url: &str) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.to_owned(),
            auth: Arc::new(NoAuth),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            rate_limit: RateLimitPolicy::default(),
            user_agent: concat!("atlassian-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
            apply_server_prefix: true,
            request_hook: None,
        }
    }

    /// Sets the credentials, e.g. [`BasicAuth`](crate::BasicAuth) or [`BearerToken`](crate::BearerToken).
    pub fn auth(mut self, auth: impl Auth + 'static) -> ClientBuilder {
        self.auth = Arc::new(auth);
        self
    }

    /// Sets the time allowed for one attempt of a request, from sending it to reading the whole body.
    /// Waits between retries do not count.
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = timeout;
        self
    }

    /// Sets the time allowed to establish a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> ClientBuilder {
        self.retry = retry;
        self
    }

    /// Turns retries off.
    pub fn no_retries(mut self) -> ClientBuilder {
        self.retry.enabled = false;
        self
    }

    /// Sets how the client's requests share Jira's rate limits (see [`RateLimitPolicy`]; on by default, off with
    /// [`RateLimitPolicy::disabled`]).
    pub fn rate_limit(mut self, rate_limit: RateLimitPolicy) -> ClientBuilder {
        self.rate_limit = rate_limit;
        self
    }

    /// Sets the `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> ClientBuilder {
        self.user_agent = user_agent.into();
        self
    }

    /// Starts from a user-configured HTTP client builder (proxies, TLS roots, pool settings, ...).
    ///
    /// The client still turns automatic redirects off on it (it follows redirects itself, see
    /// [`Client::execute`]) and applies its own connect timeout and gzip setting.
    pub fn http_client_builder(mut self, builder: reqwest::ClientBuilder) -> ClientBuilder {
        self.http = Some(builder);
        self
    }

    /// Whether to put the spec's server path (such as `/wiki/api/v2` for Confluence v2) between the base URL
    /// and each operation's path. On by default; turn it off for mock servers that serve the routes without it.
    pub fn apply_server_prefix(mut self, apply: bool) -> ClientBuilder {
        self.apply_server_prefix = apply;
        self
    }

    /// Sets a function called on every fully built HTTP request just before it is sent.
    pub fn request_hook(mut self, hook: RequestHook) -> ClientBuilder {
        self.request_hook = Some(hook);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let base = BaseUrl::parse(&self.base_url)?;
        let user_agent = HeaderValue::try_from(self.user_agent).map_err(|_| {
            Error::new(ErrorKind::Builder {
                message: "the user agent contains characters that are not allowed in an HTTP header".to_owned(),
                source: None,
            })
        })?;
        crate::tls::ensure_crypto_provider();
        let http = self
            .http
            .unwrap_or_else(reqwest::Client::builder)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            .gzip(true)
            .build()
            .map_err(|source| {
                Error::new(ErrorKind::Builder {
                    message: "the HTTP client could not be built".to_owned(),
                    source: Some(source),
                })
            })?;
        Ok(Client {
            inner: Arc::new(ClientInner {
                http,
                base,
                auth: self.auth,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                retry: self.retry,
                rate_limit: Budget::new(self.rate_limit),
                user_agent,
                apply_server_prefix: self.apply_server_prefix,
                request_hook: self.request_hook,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &without_credentials(&self.base_url))
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("user_agent", &self.user_agent)
            .field("http", &self.http)
            .field("apply_server_prefix", &self.apply_server_prefix)
            .field("request_hook", &self.request_hook.is_some())
            .finish()
    }
}

/// The base URL of a site behind the gateway: `{gateway}/{product}/{cloudId}`.
fn gateway_url(gateway: &str, product: &str, cloud_id: &str) -> String {
    format!("{gateway}/{product}/{}", encode_path_segment(cloud_id))
}

/// Removes any user name and password from a base URL that is about to be printed.
fn without_credentials(base_url: &str) -> String {
    match reqwest::Url::parse(base_url) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            // Clearing credentials only fails for URLs that cannot have them.
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        Ok(_) => base_url.to_owned(),
        Err(_) => "(unparseable)".to_owned(),
    }
}
