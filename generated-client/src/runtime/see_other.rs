//! `303 See Other` answers, which some operations give instead of or beside a 2xx: Jira's long-running tasks
//! (deleting a custom field, bulk-setting issue properties) answer 303 with the task's progress and a `Location`
//! to poll.

/// A `303 See Other` response: where to look next, and the body the spec documents for it (`()` for none).
///
/// The runtime does not follow it: the caller decides whether and when to fetch the location.
#[derive(Debug, Clone, PartialEq)]
pub struct SeeOther<T = ()> {
    /// The `Location` header, when the server sent one.
    pub location: Option<String>,
    /// The decoded body, e.g. Jira's `TaskProgressBeanObject`.
    pub body: T,
}
