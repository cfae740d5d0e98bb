//! Jira's rate limits: what the response headers say ([`RateLimit`]), and one budget per client that holds and
//! paces requests by them ([`RateLimitPolicy`]).
//!
//! Jira Cloud enforces three limits at once, each with its own scope, and names the one a `429` is for in
//! `RateLimit-Reason` ([`RateLimitReason`]): a points-based hourly quota (the whole client waits), a per-second
//! burst limit per endpoint and method (only that operation waits) and a per-issue write limit (only writes to that
//! issue wait).

mod budget;
mod headers;
mod held;
mod points;
mod policy;
mod reason;
mod scope;
mod structured_field;

pub(crate) use budget::Budget;
pub use headers::RateLimit;
pub use held::RateLimitedError;
pub use points::{PointsPolicy, PointsRemaining};
pub use policy::RateLimitPolicy;
pub use reason::RateLimitReason;
