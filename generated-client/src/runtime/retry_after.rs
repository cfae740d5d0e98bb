//! The `Retry-After` header, read defensively.
//!
//! Servers send odd values here: Confluence has answered `Retry-After: 9223372036854775807`. A wait longer than a
//! day, a negative number or anything unparseable is treated as if the header were missing, so the retry policy's
//! backoff applies instead of a wait that would never end (or overflow a clock).

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;

/// The longest `Retry-After` taken at its word: a day.
pub(crate) const MAX_PLAUSIBLE_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// Reads `Retry-After` as a number of seconds or as an HTTP date; a date in the past means no wait. A wait over
/// [`MAX_PLAUSIBLE_WAIT`], a negative number and an unparseable value are `None`.
pub(crate) fn parse_retry_after(value: &HeaderValue) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    let wait = if text.bytes().all(|byte| byte.is_ascii_digit()) {
        // Too many digits for a u64 is far too long anyway.
        Duration::from_secs(text.parse::<u64>().ok()?)
    } else {
        let date = httpdate::parse_http_date(text).ok()?;
        date.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO)
    };
    (wait <= MAX_PLAUSIBLE_WAIT).then_some(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<Duration> {
        parse_retry_after(&HeaderValue::from_str(text).expect("a header value"))
    }

    #[test]
    fn seconds_and_dates_are_read() {
        assert_eq!(parse("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse(" 120 "), Some(Duration::from_secs(120)));
        assert_eq!(parse("86400"), Some(MAX_PLAUSIBLE_WAIT));
        assert_eq!(parse("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(5));
        let wait = parse(&soon).expect("a date five seconds ahead");
        assert!(wait > Duration::from_secs(3) && wait <= Duration::from_secs(5));
    }

    #[test]
    fn hostile_values_count_as_missing() {
        for text in ["9223372036854775807", "18446744073709551616", "99999999999999999999999", "86401", "-1", "-0"] {
            assert_eq!(parse(text), None, "{text}");
        }
        for text in ["", "soon", "1.5", "2e3", "0x10", "+5", "Sun, 06 Nov 1994 08:49:37"] {
            assert_eq!(parse(text), None, "{text}");
        }
        let next_year = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(400 * 24 * 60 * 60));
        assert_eq!(parse(&next_year), None);
    }
}
