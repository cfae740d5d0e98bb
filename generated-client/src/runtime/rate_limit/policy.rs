//! How a client shares one rate-limit budget between its requests.

use std::time::Duration;

/// How one client (all its clones and tasks) shares Jira's rate limits, beside its
/// [`RetryPolicy`](crate::RetryPolicy).
///
/// Defaults:
///
/// - **shared hold, on**: a `429` holds back the requests that would meet the same limit until its wait is over,
///   instead of each task finding out with a `429` of its own: every request of the client for the quota (a
///   `RateLimit-Reason` of `jira-quota-tenant-based`, another reason, or none), the requests of that operation for
///   `jira-burst-based`, and the writes to that issue for `jira-per-issue-on-write`. The wait is the one the
///   retry policy takes for that `429` (`Retry-After` or backoff). A `429` whose `Retry-After` is longer than the
///   policy's `max_delay` is returned to its caller, and the requests it holds fail at once without being sent
///   ([`ErrorKind::RateLimited`](crate::ErrorKind::RateLimited)) until it is over;
/// - **slow-down, on**: once a response says a limit is near (`X-RateLimit-NearLimit: true`, or at most a fifth
///   of `X-RateLimit-Limit` or of a points quota left), requests of the client are sent at most one per
///   `slow_down_interval` (200 ms), for `slow_down_window` (60 s) after the last such response;
/// - **requests in flight, unlimited**: `with_max_in_flight(Some(n))` lets at most `n` requests of the client wait
///   for a response at once.
///
/// ```
/// use std::time::Duration;
/// use atlassian_client::{Client, RateLimitPolicy};
///
/// # fn run() -> atlassian_client::Result<()> {
/// let site = "https://your-domain.atlassian.net";
/// let policy = RateLimitPolicy::default().with_max_in_flight(Some(8)).with_slow_down_interval(Duration::from_secs(1));
/// let client = Client::builder(site).rate_limit(policy).build()?;
/// let on_its_own = Client::builder(site).rate_limit(RateLimitPolicy::disabled()).build()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitPolicy {
    /// Whether a `429` holds back the client's other requests that would meet the same limit (default `true`).
    pub shared_hold: bool,
    /// Whether requests are spaced out while a limit is near (default `true`).
    pub slow_down: bool,
    /// The least time between two requests of the client while slowed down (default 200 ms).
    pub slow_down_interval: Duration,
    /// How long the slow-down lasts after the last response that said a limit is near (default 60 s).
    pub slow_down_window: Duration,
    /// The most requests of the client waiting for a response at once (default `None`: no maximum).
    pub max_in_flight: Option<usize>,
}

impl Default for RateLimitPolicy {
    fn default() -> RateLimitPolicy {
        RateLimitPolicy {
            shared_hold: true,
            slow_down: true,
            slow_down_interval: Duration::from_millis(200),
            slow_down_window: Duration::from_secs(60),
            max_in_flight: None,
        }
    }
}

impl RateLimitPolicy {
    /// A policy that leaves each request to itself: no shared hold, no slow-down, no maximum in flight.
    pub fn disabled() -> RateLimitPolicy {
        RateLimitPolicy { shared_hold: false, slow_down: false, ..RateLimitPolicy::default() }
    }

    /// Turns the shared hold after a `429` on or off.
    pub fn with_shared_hold(mut self, shared_hold: bool) -> RateLimitPolicy {
        self.shared_hold = shared_hold;
        self
    }

    /// Turns the slow-down near a limit on or off.
    pub fn with_slow_down(mut self, slow_down: bool) -> RateLimitPolicy {
        self.slow_down = slow_down;
        self
    }

    /// Sets the least time between two requests while slowed down.
    pub fn with_slow_down_interval(mut self, interval: Duration) -> RateLimitPolicy {
        self.slow_down_interval = interval;
        self
    }

    /// Sets how long the slow-down lasts after the last response that said a limit is near.
    pub fn with_slow_down_window(mut self, window: Duration) -> RateLimitPolicy {
        self.slow_down_window = window;
        self
    }

    /// Sets the most requests waiting for a response at once (`None`: no maximum; `Some(0)` counts as 1).
    pub fn with_max_in_flight(mut self, max_in_flight: Option<usize>) -> RateLimitPolicy {
        self.max_in_flight = max_in_flight;
        self
    }
}
