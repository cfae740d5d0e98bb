//! Jira's rate-limit headers, read into one typed value.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::points::{self, PointsPolicy, PointsRemaining};
use super::reason::RateLimitReason;
use crate::runtime::retry_after::parse_retry_after;
use crate::runtime::JiraDateTime;

/// What a response says about Jira's rate limits, from its headers (names in any case).
///
/// | field | header |
/// |---|---|
/// | `limit`, `remaining` | `X-RateLimit-Limit`, `X-RateLimit-Remaining` (the request-rate budget) |
/// | `reset` | `X-RateLimit-Reset`, an ISO 8601 time, possibly without seconds (`2026-03-26T16:00Z`) |
/// | `near_limit` | `X-RateLimit-NearLimit: true`: less than a fifth of some budget is left |
/// | `reason` | `RateLimit-Reason`: which limit a `429` is for |
/// | `retry_after` | `Retry-After`, seconds or an HTTP date (more than a day, negative or unparseable: `None`) |
/// | `policies` | `RateLimit-Policy` (now `Beta-RateLimit-Policy`): the points quotas |
/// | `points` | `RateLimit` (now `Beta-RateLimit`): the points left in each quota |
///
/// Jira has also sent `X-Beta-RateLimit-Reason`, `X-Beta-RateLimit-NearLimit` and `X-Beta-RateLimit-Reset`;
/// they are read when the plain names are absent. A header whose value does not parse is left out (`None`, or
/// no entries) and reported as a `tracing` debug event when the client reads the response.
///
/// ```
/// # fn example(response: atlassian_client::runtime::Response) {
/// let limits = response.rate_limit();
/// if limits.is_near_limit() {
///     eprintln!("close to Jira's limits: {:?} requests left, reset at {:?}", limits.remaining, limits.reset);
/// }
/// for quota in &limits.points {
///     eprintln!("{}: {:?} points left", quota.name, quota.remaining);
/// }
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: the most requests in the current window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: the requests left in the current window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: when the limit resets.
    pub reset: Option<SystemTime>,
    /// `X-RateLimit-NearLimit: true`: less than a fifth of some budget is left.
    pub near_limit: bool,
    /// `RateLimit-Reason`: the limit a rate-limited response is for.
    pub reason: Option<RateLimitReason>,
    /// `Retry-After`: how long to wait before sending again.
    pub retry_after: Option<Duration>,
    /// `RateLimit-Policy` / `Beta-RateLimit-Policy`: the points quotas that apply.
    pub policies: Vec<PointsPolicy>,
    /// `RateLimit` / `Beta-RateLimit`: the points left in each quota.
    pub points: Vec<PointsRemaining>,
}

/// A rate-limit header that was present but ignored, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IgnoredHeader {
    pub(crate) name: &'static str,
    pub(crate) why: String,
}

impl RateLimit {
    /// Reads the rate-limit headers of a response; headers that do not parse are left out.
    pub fn from_headers(headers: &HeaderMap) -> RateLimit {
        RateLimit::read(headers).0
    }

    /// Whether Jira says a limit is near: `X-RateLimit-NearLimit: true`, at most a fifth of `X-RateLimit-Limit`
    /// remaining, or at most a fifth of a points quota remaining.
    pub fn is_near_limit(&self) -> bool {
        let low = |remaining: u64, limit: u64| limit > 0 && remaining.saturating_mul(5) <= limit;
        let requests_low =
            matches!((self.remaining, self.limit), (Some(remaining), Some(limit)) if low(remaining, limit));
        let points_low = self.points.iter().any(|state| {
            let quota = self.policies.iter().find(|policy| policy.name == state.name).and_then(|policy| policy.quota);
            matches!((state.remaining, quota), (Some(remaining), Some(quota)) if low(remaining, quota))
        });
        self.near_limit || requests_low || points_low
    }

    /// Whether the response carries any rate-limit information at all.
    pub fn is_empty(&self) -> bool {
        *self == RateLimit::default()
    }

    /// Reads the headers, and lists those that were present but ignored.
    pub(crate) fn read(headers: &HeaderMap) -> (RateLimit, Vec<IgnoredHeader>) {
        let mut ignored = Vec::new();
        // Most responses have none of these headers: one pass over the names (kept lowercase) says so.
        if !headers.keys().any(|name| name.as_str().contains("ratelimit")) {
            let retry_after = headers.get(RETRY_AFTER).and_then(parse_retry_after);
            return (RateLimit { retry_after, ..RateLimit::default() }, ignored);
        }
        let mut field = |names: &[&'static str]| -> Option<(&'static str, String)> {
            let name = *names.iter().find(|name| headers.contains_key(**name))?;
            let values: Result<Vec<&str>, _> = headers.get_all(name).iter().map(|value| value.to_str()).collect();
            match values {
                // Several field lines of one header are one comma-separated value (RFC 9110 section 5.3).
                Ok(values) => Some((name, values.join(", "))),
                Err(_) => {
                    ignored.push(IgnoredHeader { name, why: "not visible ASCII".to_owned() });
                    None
                }
            }
        };
        let limit = field(&["x-ratelimit-limit"]);
        let remaining = field(&["x-ratelimit-remaining"]);
        let reset = field(&["x-ratelimit-reset", "x-beta-ratelimit-reset"]);
        let near_limit = field(&["x-ratelimit-nearlimit", "x-beta-ratelimit-nearlimit"]);
        let reason = field(&["ratelimit-reason", "x-ratelimit-reason", "x-beta-ratelimit-reason"]);
        let policies = field(&["ratelimit-policy", "beta-ratelimit-policy"]);
        let points = field(&["ratelimit", "beta-ratelimit"]);

        let state = RateLimit {
            limit: parsed(limit, count, &mut ignored),
            remaining: parsed(remaining, count, &mut ignored),
            reset: parsed(reset, reset_time, &mut ignored),
            near_limit: parsed(near_limit, boolean, &mut ignored).unwrap_or(false),
            reason: reason.map(|(_, text)| RateLimitReason::parse(&text)),
            retry_after: headers.get(RETRY_AFTER).and_then(parse_retry_after),
            policies: parsed(policies, points::parse_policies, &mut ignored).unwrap_or_default(),
            points: parsed(points, points::parse_remaining, &mut ignored).unwrap_or_default(),
        };
        (state, ignored)
    }
}

/// Parses a header that was present, or notes why it is ignored.
fn parsed<T>(
    field: Option<(&'static str, String)>,
    parse: fn(&str) -> Result<T, String>,
    ignored: &mut Vec<IgnoredHeader>,
) -> Option<T> {
    let (name, text) = field?;
    parse(text.trim()).map_err(|why| ignored.push(IgnoredHeader { name, why })).ok()
}

/// A count such as `X-RateLimit-Remaining: 349`.
fn count(text: &str) -> Result<u64, String> {
    text.parse().map_err(|_| "not a non-negative integer".to_owned())
}

/// `true` or `false`, in any case.
fn boolean(text: &str) -> Result<bool, String> {
    if text.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if text.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err("neither `true` nor `false`".to_owned())
    }
}

/// An ISO 8601 time such as `2026-03-26T16:00Z` (seconds and fractions optional).
fn reset_time(text: &str) -> Result<SystemTime, String> {
    let millis = JiraDateTime::from(text).to_unix_millis().ok_or_else(|| "not an ISO 8601 date-time".to_owned())?;
    let offset = Duration::from_millis(millis.unsigned_abs());
    let time = if millis >= 0 {
        SystemTime::UNIX_EPOCH.checked_add(offset)
    } else {
        SystemTime::UNIX_EPOCH.checked_sub(offset)
    };
    time.ok_or_else(|| "a date-time this system cannot represent".to_owned())
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(HeaderName::from_static(name), HeaderValue::from_str(value).expect("a header value"));
        }
        map
    }

    #[test]
    fn counts_and_booleans_are_strict() {
        assert_eq!(count("349"), Ok(349));
        assert!(count("-1").is_err() && count("1e3").is_err() && count("99999999999999999999").is_err());
        assert_eq!(boolean("TRUE"), Ok(true));
        assert!(boolean("yes").is_err());
    }

    #[test]
    fn reset_times_with_and_without_seconds() {
        let expected = SystemTime::UNIX_EPOCH + Duration::from_secs(1_774_540_800);
        assert_eq!(reset_time("2026-03-26T16:00Z"), Ok(expected));
        assert_eq!(reset_time("2026-03-26T16:00:30.250Z"), Ok(expected + Duration::from_millis(30_250)));
        assert_eq!(reset_time("2026-03-26T17:00+01:00"), Ok(expected));
        assert!(reset_time("tomorrow").is_err());
        assert!(reset_time("2026-13-26T16:00Z").is_err());
        assert!(reset_time("1774540800").is_err());
    }

    #[test]
    fn one_field_line_per_header_or_several() {
        let map = headers(&[("beta-ratelimit", r#""a";r=1"#), ("beta-ratelimit", r#""b";r=2"#)]);
        let (state, ignored) = RateLimit::read(&map);
        assert_eq!(state.points.len(), 2);
        assert!(ignored.is_empty());
    }

    #[test]
    fn the_final_names_win_over_the_beta_names() {
        let map = headers(&[("beta-ratelimit", r#""beta";r=1"#), ("ratelimit", r#""final";r=2"#)]);
        assert_eq!(RateLimit::from_headers(&map).points[0].name, "final");
    }

    #[test]
    fn near_limit_from_counts_and_points() {
        let near = |pairs: &[(&'static str, &str)]| RateLimit::from_headers(&headers(pairs)).is_near_limit();
        assert!(near(&[("x-ratelimit-nearlimit", "true")]));
        assert!(!near(&[("x-ratelimit-nearlimit", "false")]));
        assert!(near(&[("x-ratelimit-limit", "350"), ("x-ratelimit-remaining", "70")]));
        assert!(!near(&[("x-ratelimit-limit", "350"), ("x-ratelimit-remaining", "71")]));
        assert!(!near(&[("x-ratelimit-limit", "0"), ("x-ratelimit-remaining", "0")]));
        let policy = ("beta-ratelimit-policy", r#""tenant-app-quota";q=100100;w=3600"#);
        assert!(near(&[policy, ("beta-ratelimit", r#""tenant-app-quota";r=17842;t=2107"#)]));
        assert!(!near(&[policy, ("beta-ratelimit", r#""tenant-app-quota";r=50000;t=2107"#)]));
        assert!(!near(&[policy, ("beta-ratelimit", r#""other-quota";r=0;t=2107"#)]));
        assert!(!near(&[("x-ratelimit-remaining", "18446744073709551615"), ("x-ratelimit-limit", "1")]));
    }
}
