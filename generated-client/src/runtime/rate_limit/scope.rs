//! Which requests a `429` is about: the whole client, one operation, or the writes to one issue.

use super::reason::RateLimitReason;
use crate::runtime::{HttpMethod, Request};

/// The requests that a rate-limited response holds back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every request of the client: the quota, an unknown reason, or no reason at all.
    Client,
    /// The requests of one operation (one endpoint and method): the burst limit.
    Operation(&'static str),
    /// The writes to one issue (its key or id, as in the path): the per-issue write limit.
    IssueWrites(String),
}

impl Scope {
    /// The scope of a `429` with `reason` that answered `request`. A per-issue limit on a request whose path names
    /// no issue holds its operation.
    pub(crate) fn of(reason: Option<&RateLimitReason>, request: &Request) -> Scope {
        match reason {
            Some(RateLimitReason::Burst) => Scope::Operation(request.meta.id),
            Some(RateLimitReason::PerIssueWrite) => match issue_of(request) {
                Some(issue) => Scope::IssueWrites(issue.to_owned()),
                None => Scope::Operation(request.meta.id),
            },
            _ => Scope::Client,
        }
    }

    /// What the scope is, for traces: never the issue key, which traces do not hold.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Scope::Client => "client",
            Scope::Operation(_) => "operation",
            Scope::IssueWrites(_) => "issue writes",
        }
    }

    /// Whether this scope holds `request`, sent with `method`.
    pub(crate) fn covers(&self, request: &Request, method: HttpMethod) -> bool {
        match self {
            Scope::Client => true,
            Scope::Operation(id) => *id == request.meta.id,
            Scope::IssueWrites(issue) => method.is_write() && issue_of(request) == Some(issue.as_str()),
        }
    }
}

/// The issue a request addresses: its `{issueIdOrKey}` or `{issueId}` path parameter, as sent (percent-encoded).
///
/// Substituted parameters are encoded as one segment each (no `/`), so the template's segments line up with the
/// path's.
pub(crate) fn issue_of(request: &Request) -> Option<&str> {
    let template = request.meta.path.split('/');
    let path = request.path.split('/');
    if template.clone().count() != path.clone().count() {
        return None;
    }
    template
        .zip(path)
        .find(|(parameter, _)| matches!(*parameter, "{issueIdOrKey}" | "{issueId}"))
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::OperationMeta;

    fn request(method: HttpMethod, template: &'static str, path: &str) -> Request {
        let meta = Box::leak(Box::new(OperationMeta {
            id: template,
            method,
            path: template,
            server_prefix: "",
            see_other_documented: false,
        }));
        Request::new(meta, path.to_owned())
    }

    #[test]
    fn the_issue_is_the_path_parameter_named_for_it() {
        let worklog = request(
            HttpMethod::Put,
            "/rest/api/2/issue/{issueIdOrKey}/worklog/{id}",
            "/rest/api/2/issue/PROJ-1/worklog/7",
        );
        assert_eq!(issue_of(&worklog), Some("PROJ-1"));
        let by_id =
            request(HttpMethod::Post, "/rest/agile/1.0/issue/{issueId}/rank", "/rest/agile/1.0/issue/10001/rank");
        assert_eq!(issue_of(&by_id), Some("10001"));
        let project = request(HttpMethod::Get, "/rest/api/2/project/{projectIdOrKey}", "/rest/api/2/project/PROJ");
        assert_eq!(issue_of(&project), None);
    }

    #[test]
    fn each_reason_holds_its_own_scope() {
        let write = request(HttpMethod::Put, "/rest/api/2/issue/{issueIdOrKey}", "/rest/api/2/issue/PROJ-1");
        assert_eq!(Scope::of(None, &write), Scope::Client);
        assert_eq!(Scope::of(Some(&RateLimitReason::TenantQuota), &write), Scope::Client);
        assert_eq!(Scope::of(Some(&RateLimitReason::Other("new".to_owned())), &write), Scope::Client);
        assert_eq!(Scope::of(Some(&RateLimitReason::Burst), &write), Scope::Operation(write.meta.id));
        let issue = Scope::of(Some(&RateLimitReason::PerIssueWrite), &write);
        assert_eq!(issue, Scope::IssueWrites("PROJ-1".to_owned()));
        assert!(issue.covers(&write, HttpMethod::Put));
        assert!(!issue.covers(&write, HttpMethod::Get));
        let other = request(HttpMethod::Put, "/rest/api/2/issue/{issueIdOrKey}", "/rest/api/2/issue/PROJ-2");
        assert!(!issue.covers(&other, HttpMethod::Put));
        let no_issue = request(HttpMethod::Post, "/rest/api/2/issue", "/rest/api/2/issue");
        assert_eq!(Scope::of(Some(&RateLimitReason::PerIssueWrite), &no_issue), Scope::Operation(no_issue.meta.id));
    }
}
