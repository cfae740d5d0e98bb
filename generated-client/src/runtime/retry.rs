//! When to retry a request, and how long to wait first.

use std::time::Duration;

use reqwest::header::HeaderValue;

use super::method::HttpMethod;
use super::retry_after::parse_retry_after;

/// How the client retries rate-limited and temporarily failing requests.
///
/// The client retries:
///
/// - `429 Too Many Requests` for any method,
/// - `502`, `503` and `504` for idempotent methods (`GET`, `PUT`, `DELETE`, `HEAD`, `OPTIONS`),
/// - connection failures for idempotent methods: no connection made, or the connection closed or reset before
///   any response arrived (a request sent on a connection the server was closing),
///
/// and only when the request body can be sent again. Other statuses are never retried.
///
/// The wait honours `Retry-After` (in seconds or as an HTTP date). Without it the wait grows exponentially
/// from `base_delay` with random jitter. Every wait is at least `min_delay`, so `Retry-After: 0` cannot cause
/// a storm. Backoff waits are capped at `max_delay`; a `Retry-After` longer than `max_delay` is not cut short:
/// the response is returned to the caller instead. A `Retry-After` of more than a day, a negative one and one that
/// does not parse count as missing: the backoff applies. While a `429` is waited out, the client's other requests
/// that would meet the same limit wait too (see [`RateLimitPolicy`](crate::RateLimitPolicy)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// The most times one request is sent, the first attempt included (default 4).
    pub max_attempts: u32,
    /// The first backoff wait, doubled for every further retry (default 500 ms).
    pub base_delay: Duration,
    /// The longest wait (default 30 s).
    pub max_delay: Duration,
    /// The shortest wait, also applied to `Retry-After` (default 100 ms).
    pub min_delay: Duration,
    /// Whether retries happen at all (default `true`).
    pub enabled: bool,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            min_delay: Duration::from_millis(100),
            enabled: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn disabled() -> RetryPolicy {
        RetryPolicy { enabled: false, ..RetryPolicy::default() }
    }

    /// Sets the most times one request is sent, the first attempt included.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> RetryPolicy {
        self.max_attempts = max_attempts;
        self
    }

    /// Sets the first backoff wait.
    pub fn with_base_delay(mut self, base_delay: Duration) -> RetryPolicy {
        self.base_delay = base_delay;
        self
    }

    /// Sets the longest wait.
    pub fn with_max_delay(mut self, max_delay: Duration) -> RetryPolicy {
        self.max_delay = max_delay;
        self
    }

    /// Sets the shortest wait.
    pub fn with_min_delay(mut self, min_delay: Duration) -> RetryPolicy {
        self.min_delay = min_delay;
        self
    }

    /// Turns retries on or off.
    pub fn with_enabled(mut self, enabled: bool) -> RetryPolicy {
        self.enabled = enabled;
        self
    }

    /// Whether a request that has been sent `attempts` times may be sent once more.
    pub(crate) fn allows_another(&self, attempts: u32) -> bool {
        self.enabled && attempts < self.max_attempts
    }

    /// How long to wait before sending a request again after `attempts` sends, or `None` when the server asks
    /// for a longer wait than `max_delay`.
    pub(crate) fn delay(&self, attempts: u32, retry_after: Option<&HeaderValue>) -> Option<Duration> {
        match retry_after.and_then(parse_retry_after) {
            Some(wait) if wait > self.max_delay => None,
            Some(wait) => Some(wait.max(self.min_delay)),
            None => Some(self.backoff_delay(attempts)),
        }
    }

    /// The backoff wait after `attempts` sends, for failures that carry no `Retry-After`.
    pub(crate) fn backoff_delay(&self, attempts: u32) -> Duration {
        self.backoff(attempts).max(self.min_delay)
    }

    /// Exponential backoff with "equal jitter": half of the exponential wait, plus a random part of the other half.
    fn backoff(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1));
        let exponential = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let half = exponential / 2;
        let jitter = Duration::try_from_secs_f64(half.as_secs_f64() * fastrand::f64()).unwrap_or(half);
        half.saturating_add(jitter)
    }
}

/// Whether a response with `status` may be retried.
pub(crate) fn is_retryable_status(status: u16, method: HttpMethod) -> bool {
    match status {
        429 => true,
        502..=504 => method.is_idempotent(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;

    #[test]
    fn statuses_are_retried_by_method() {
        assert!(is_retryable_status(429, HttpMethod::Post));
        assert!(is_retryable_status(503, HttpMethod::Get));
        assert!(is_retryable_status(504, HttpMethod::Delete));
        assert!(!is_retryable_status(503, HttpMethod::Post));
        assert!(!is_retryable_status(502, HttpMethod::Patch));
        for status in [400, 401, 403, 404, 409, 500] {
            assert!(!is_retryable_status(status, HttpMethod::Get));
        }
    }

    #[test]
    fn backoff_grows_and_stays_within_bounds() {
        let policy = RetryPolicy::default()
            .with_base_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_millis(1000))
            .with_min_delay(Duration::from_millis(10));
        for _ in 0..100 {
            let first = policy.delay(1, None).unwrap();
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = policy.delay(3, None).unwrap();
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let late = policy.delay(40, None).unwrap();
            assert!(late >= Duration::from_millis(500) && late <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn retry_after_is_honoured_with_a_floor_and_a_cap() {
        let policy = RetryPolicy::default().with_max_delay(Duration::from_secs(10));
        let seconds = HeaderValue::from_static("3");
        assert_eq!(policy.delay(1, Some(&seconds)), Some(Duration::from_secs(3)));
        let zero = HeaderValue::from_static("0");
        assert_eq!(policy.delay(1, Some(&zero)), Some(policy.min_delay));
        let past = HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(policy.delay(1, Some(&past)), Some(policy.min_delay));
        let too_long = HeaderValue::from_static("60");
        assert_eq!(policy.delay(1, Some(&too_long)), None);
        for hostile in ["9223372036854775807", "-5", "later"] {
            let wait = policy.delay(1, Some(&HeaderValue::from_static(hostile))).expect("backoff instead");
            assert!(wait >= policy.min_delay && wait <= policy.base_delay, "{hostile}: {wait:?}");
        }
        let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(5));
        let wait = policy.delay(1, Some(&HeaderValue::try_from(date).unwrap())).unwrap();
        assert!(wait > Duration::from_secs(3) && wait <= Duration::from_secs(5));
    }

    #[test]
    fn attempts_are_limited_and_can_be_switched_off() {
        let policy = RetryPolicy::default().with_max_attempts(3);
        assert!(policy.allows_another(2));
        assert!(!policy.allows_another(3));
        assert!(!RetryPolicy::disabled().allows_another(1));
    }
}
