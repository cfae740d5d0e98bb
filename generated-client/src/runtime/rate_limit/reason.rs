//! `RateLimit-Reason`: which of Jira's limits a response is about.

use std::fmt;

/// The limit a rate-limited response names in its `RateLimit-Reason` header.
///
/// ```
/// use atlassian_client::runtime::RateLimitReason;
///
/// assert_eq!(RateLimitReason::parse("jira-burst-based"), RateLimitReason::Burst);
/// assert_eq!(RateLimitReason::parse("jira-new-limit").as_str(), "jira-new-limit");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RateLimitReason {
    /// `jira-quota-tenant-based`: the app's points-based hourly quota on this site. The whole client waits.
    TenantQuota,
    /// `jira-burst-based`: the per-second limit of one endpoint and method. Only that operation waits.
    Burst,
    /// `jira-per-issue-on-write`: too many writes to one issue. Only writes to that issue wait.
    PerIssueWrite,
    /// Any other reason, kept as sent (trimmed). The client treats it like the quota: the whole client waits.
    Other(String),
}

impl RateLimitReason {
    /// Reads a `RateLimit-Reason` value, ignoring case and surrounding spaces.
    pub fn parse(text: &str) -> RateLimitReason {
        let text = text.trim();
        if text.eq_ignore_ascii_case("jira-quota-tenant-based") {
            RateLimitReason::TenantQuota
        } else if text.eq_ignore_ascii_case("jira-burst-based") {
            RateLimitReason::Burst
        } else if text.eq_ignore_ascii_case("jira-per-issue-on-write") {
            RateLimitReason::PerIssueWrite
        } else {
            RateLimitReason::Other(text.to_owned())
        }
    }

    /// The reason as Jira writes it.
    pub fn as_str(&self) -> &str {
        match self {
            RateLimitReason::TenantQuota => "jira-quota-tenant-based",
            RateLimitReason::Burst => "jira-burst-based",
            RateLimitReason::PerIssueWrite => "jira-per-issue-on-write",
            RateLimitReason::Other(text) => text,
        }
    }
}

impl fmt::Display for RateLimitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_reasons_are_recognised_in_any_case_and_unknown_ones_kept() {
        assert_eq!(RateLimitReason::parse("jira-quota-tenant-based"), RateLimitReason::TenantQuota);
        assert_eq!(RateLimitReason::parse(" JIRA-Burst-Based "), RateLimitReason::Burst);
        assert_eq!(RateLimitReason::parse("jira-per-issue-on-write"), RateLimitReason::PerIssueWrite);
        let unknown = RateLimitReason::parse("jira-quota-global-based");
        assert_eq!(unknown, RateLimitReason::Other("jira-quota-global-based".to_owned()));
        assert_eq!(unknown.to_string(), "jira-quota-global-based");
    }
}
