//! The error of a request that the client did not send, because a `429` holds it for longer than the retry policy
//! waits.

use std::fmt;
use std::time::Duration;

use super::reason::RateLimitReason;
use crate::runtime::HttpMethod;

/// A request not sent: an earlier `429` of the same client holds it (see
/// [`RateLimitPolicy`](crate::RateLimitPolicy)) for longer than the retry policy's `max_delay`, and sending it
/// before then would only meet another `429` (and, Atlassian warns, a longer wait).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitedError {
    /// The operation that was not called.
    pub operation_id: &'static str,
    /// The HTTP method it would have used.
    pub method: HttpMethod,
    /// The operation's path template.
    pub path: &'static str,
    /// The `RateLimit-Reason` of the `429` that holds it, if it had one.
    pub reason: Option<RateLimitReason>,
    /// How much longer the hold lasted when the request was refused.
    pub retry_after: Duration,
}

impl fmt::Display for RateLimitedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ({}): not sent: an earlier 429 holds it for another {} s",
            self.method,
            self.path,
            self.operation_id,
            self.retry_after.as_secs()
        )?;
        match &self.reason {
            Some(reason) => write!(f, " ({reason})"),
            None => Ok(()),
        }
    }
}
