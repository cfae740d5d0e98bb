//! Where the specs' relative doc links lead.
//!
//! Atlassian writes the descriptions for its REST reference, so their links are relative to its pages:
//!
//! - `#api-rest-api-2-role-get` names an operation (`GET /rest/api/2/role`): the generated method when the listing
//!   selects it (an intra-doc link), else its section of the reference's group page, which is named after the
//!   operation's first tag (`<reference>api-group-issue-worklogs/#api-rest-api-2-...`);
//! - `#api-group-Issue-worklogs` names that group page;
//! - `#permissions`, `#pagination`, `#expansion`, `#async`, ... are sections of the reference's intro page, and
//!   `../api-group-x/#y` is relative to a group page;
//! - `/cloud/...` is on Atlassian's developer site.
//!
//! The reference's base URL is the spec's `x-reference` in the listing. Anything else (a typo upstream, an
//! operation of another spec) is [`Target::Plain`]: the link text is kept without a link.

use std::collections::{BTreeMap, BTreeSet};

/// The site that Atlassian's site-relative links (`/cloud/jira/platform/...`) point into.
pub const SITE: &str = "https://developer.atlassian.com";

/// What a link target becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An absolute URL.
    Url(String),
    /// A Rust path for an intra-doc link (`crate::jira_platform_v2::Api::get_issue`).
    Item(String),
    /// Nothing known: keep the text, drop the link.
    Plain,
}

/// How one spec's links resolve.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// The spec's Rust module (`jira_platform_v2`).
    module: String,
    /// `x-reference`, ending in `/`.
    reference: Option<String>,
    /// Operation anchor (`api-rest-api-2-role-get`) -> its group page (`api-group-issue-worklogs`) and the
    /// generated method, when the operation is selected.
    operations: BTreeMap<String, (String, Option<String>)>,
    /// The group pages of the spec's tags.
    groups: BTreeSet<String>,
}

/// The reference's anchor of an operation: `api` and the path with braces dropped and every other character that is
/// not a letter or digit turned into `-`, lowercase, then `-` and the method. `GET /rest/api/3/task/{taskId}` ->
/// `api-rest-api-3-task-taskid-get`.
pub fn operation_anchor(path: &str, method: &str) -> String {
    format!("api{}-{}", anchor_text(path), method.to_ascii_lowercase())
}

/// The reference's page of a tag: `Issue custom field options (apps)` -> `api-group-issue-custom-field-options--apps-`.
pub fn group_page(tag: &str) -> String {
    format!("api-group-{}", anchor_text(tag))
}

fn anchor_text(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '{' | '}'))
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect()
}

impl Links {
    /// The links of a spec: `selected` maps (path, method) of the selected operations to their Rust method names.
    pub fn new(
        document: &openapiv3::OpenAPI,
        module: &str,
        reference: Option<&str>,
        selected: &BTreeMap<(String, String), String>,
    ) -> Links {
        let mut links =
            Links { module: module.to_owned(), reference: reference.map(str::to_owned), ..Links::default() };
        links.groups.extend(document.tags.iter().map(|tag| group_page(&tag.name)));
        for (path, method, operation) in crate::select::operations(document) {
            let group = operation.tags.first().map(|tag| group_page(tag));
            links.groups.extend(group.clone());
            let method_name = selected.get(&(path.to_owned(), method.to_owned())).cloned();
            links.operations.insert(operation_anchor(path, method), (group.unwrap_or_default(), method_name));
        }
        links
    }

    /// Where a Markdown link target of the spec's prose leads.
    pub fn resolve(&self, target: &str) -> Target {
        let target = target.trim().replace(' ', "%20");
        if target.starts_with("http://") || target.starts_with("https://") || target.starts_with("mailto:") {
            return Target::Url(target);
        }
        if let Some(path) = target.strip_prefix('/').filter(|p| !p.starts_with('/')) {
            return Target::Url(format!("{SITE}/{path}"));
        }
        // `./#anchor` and `\#anchor` (Markdown escapes) are the page's own anchors.
        let local = target.strip_prefix("./").unwrap_or(&target);
        let local = local.strip_prefix('\\').unwrap_or(local);
        if let Some(anchor) = local.strip_prefix('#') {
            return self.anchor(anchor);
        }
        // `../api-group-x/#y`: from a group page up to the reference, then to another group page.
        if let (Some(rest), Some(reference)) = (local.strip_prefix("../"), &self.reference) {
            let (page, anchor) = rest.split_once("/#").unwrap_or((rest.trim_end_matches('/'), ""));
            if page.starts_with("api-group-") && is_anchor(page) && (anchor.is_empty() || is_anchor(anchor)) {
                return Target::Url(format!("{reference}{rest}"));
            }
        }
        Target::Plain
    }

    fn anchor(&self, anchor: &str) -> Target {
        if !is_anchor(anchor) {
            return Target::Plain;
        }
        let lower = anchor.to_ascii_lowercase();
        let reference = self.reference.as_deref();
        if let Some(group) = lower.strip_prefix("api-group-") {
            let page = format!("api-group-{group}");
            return match (self.groups.contains(&page), reference) {
                (true, Some(reference)) => Target::Url(format!("{reference}{page}/")),
                _ => Target::Plain,
            };
        }
        if lower.starts_with("api-") {
            return match self.operation(&lower) {
                Some((_, (_, Some(method)))) => Target::Item(format!("crate::{}::Api::{method}", self.module)),
                Some((anchor, (group, None))) if !group.is_empty() => match reference {
                    Some(reference) => Target::Url(format!("{reference}{group}/#{anchor}")),
                    None => Target::Plain,
                },
                _ => Target::Plain,
            };
        }
        match reference {
            Some(reference) => Target::Url(format!("{reference}intro/#{lower}")),
            None => Target::Plain,
        }
    }

    /// The operation an anchor names: exactly, or (older anchors, written without a path prefix such as
    /// Confluence's `/wiki/rest/api` or Service Management's `/rest/servicedeskapi`) the one operation whose anchor
    /// ends with it.
    fn operation(&self, anchor: &str) -> Option<(&str, &(String, Option<String>))> {
        if let Some((key, value)) = self.operations.get_key_value(anchor) {
            return Some((key, value));
        }
        let suffix = format!("-{}", anchor.strip_prefix("api-")?);
        let mut found = self.operations.iter().filter(|(key, _)| key.ends_with(&suffix));
        match (found.next(), found.next()) {
            (Some((key, value)), None) => Some((key, value)),
            _ => None,
        }
    }
}

/// An HTML anchor as Atlassian writes them: letters, digits, `-`, `_`, `.`.
fn is_anchor(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        let document: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.1",
            "info": {"title": "t", "version": "1"},
            "tags": [{"name": "Issue custom field options (apps)"}],
            "paths": {
                "/rest/api/2/role": {"get": {"tags": ["Project roles"], "responses": {}}},
                "/rest/api/2/task/{taskId}": {"get": {"tags": ["Tasks"], "responses": {}}},
                "/wiki/rest/api/content/{id}/child": {"get": {"tags": ["Content - children"], "responses": {}}}
            }
        }))
        .expect("document");
        let selected =
            BTreeMap::from([(("/rest/api/2/role".to_owned(), "get".to_owned()), "get_all_project_roles".to_owned())]);
        Links::new(&document, "jira_platform_v2", Some("https://example.com/rest/v2/"), &selected)
    }

    #[test]
    fn an_operation_anchor_links_to_the_method_when_selected_else_to_its_group_page() {
        let links = links();
        assert_eq!(
            links.resolve("#api-rest-api-2-role-get"),
            Target::Item("crate::jira_platform_v2::Api::get_all_project_roles".into())
        );
        assert_eq!(
            links.resolve("#api-rest-api-2-task-taskId-get"),
            Target::Url("https://example.com/rest/v2/api-group-tasks/#api-rest-api-2-task-taskid-get".into())
        );
        assert_eq!(
            links.resolve("#api-content-id-child-get"),
            Target::Url(
                "https://example.com/rest/v2/api-group-content---children/#api-wiki-rest-api-content-id-child-get"
                    .into()
            )
        );
        assert_eq!(links.resolve("#api-rest-api-3-role-get"), Target::Plain, "an operation of another spec");
    }

    #[test]
    fn section_and_group_anchors_go_to_the_reference() {
        let links = links();
        assert_eq!(links.resolve("#permissions"), Target::Url("https://example.com/rest/v2/intro/#permissions".into()));
        assert_eq!(links.resolve("./#Pagination"), Target::Url("https://example.com/rest/v2/intro/#pagination".into()));
        assert_eq!(
            links.resolve("#api-group-Issue-custom-field-options--apps-"),
            Target::Url("https://example.com/rest/v2/api-group-issue-custom-field-options--apps-/".into())
        );
        assert_eq!(
            links.resolve("../api-group-permission-schemes/#holder-object"),
            Target::Url("https://example.com/rest/v2/api-group-permission-schemes/#holder-object".into())
        );
        assert_eq!(
            links.resolve("/cloud/jira/platform/jira-expressions/"),
            Target::Url(format!("{SITE}/cloud/jira/platform/jira-expressions/"))
        );
    }

    #[test]
    fn broken_targets_stay_plain() {
        let links = links();
        for target in [
            "em>#expansion",
            "#agile/1.0/board-getConfiguration",
            "#api-rest-api-<ver>-field-get",
            "href=",
            "#api-group-Nothing",
        ] {
            assert_eq!(links.resolve(target), Target::Plain, "{target}");
        }
        let unlisted = Links::default();
        assert_eq!(unlisted.resolve("#permissions"), Target::Plain, "no x-reference");
    }
}
