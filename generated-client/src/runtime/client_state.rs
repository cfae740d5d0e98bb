//! What every clone of a [`Client`](crate::Client) shares: the configuration that sending a request reads.
//!
//! It lives in the runtime, beside the code that reads it, so that sending does not depend on the client module.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use super::rate_limit::Budget;
use super::retry::RetryPolicy;
use super::url::BaseUrl;
use crate::auth::Auth;

/// A function called on every fully built HTTP request just before it is sent (each retry and redirect
/// included). Conformance tests use it to alter requests on purpose.
pub type RequestHook = Arc<dyn Fn(&mut reqwest::Request) + Send + Sync>;

/// The shared state of a [`Client`](crate::Client).
pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    pub(crate) base: BaseUrl,
    pub(crate) auth: Arc<dyn Auth>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) rate_limit: Budget,
    pub(crate) user_agent: HeaderValue,
    pub(crate) apply_server_prefix: bool,
    pub(crate) request_hook: Option<RequestHook>,
}
