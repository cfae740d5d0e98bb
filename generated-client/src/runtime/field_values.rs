//! The `fields` of an issue to create or edit (`createIssue`, `editIssue`: `IssueUpdateDetails.fields`).
//!
//! Jira's create and edit bodies take an open map of field id to value, in the shape each field wants
//! (`{"project": {"key": "PROJ"}, "issuetype": {"name": "Bug"}}`). [`FieldValues`] writes the common fields with
//! typed setters and any other field by id with any [`Serialize`] value; [`FieldValues::build`] gives the map:
//!
//! ```
//! use atlassian_client::FieldValues;
//!
//! let fields = FieldValues::new()
//!     .project_key("PROJ")
//!     .issue_type_name("Bug")
//!     .summary("Checkout fails")
//!     .labels(["checkout", "regression"])
//!     .field("customfield_10016", 5.0)
//!     .build()?;
//! assert_eq!(serde_json::to_value(&fields)?, serde_json::json!({
//!     "project": {"key": "PROJ"},
//!     "issuetype": {"name": "Bug"},
//!     "summary": "Checkout fails",
//!     "labels": ["checkout", "regression"],
//!     "customfield_10016": 5.0
//! }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::runtime::FieldIds;

/// The fields of an issue to create or edit: a builder of the `fields` map of `IssueUpdateDetails`.
///
/// Each setter replaces what an earlier one set for the same field. A value that cannot be used (one that does
/// not serialise to JSON, a due date that is not `YYYY-MM-DD`, a field name [`FieldIds`] does not know) is
/// reported by [`build`](Self::build), naming the field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldValues {
    fields: BTreeMap<String, Value>,
    /// The first problem met, reported by `build`.
    problem: Option<(String, String)>,
}

impl FieldValues {
    /// No fields set.
    pub fn new() -> FieldValues {
        FieldValues::default()
    }

    /// `summary`: the issue's one-line title.
    pub fn summary(self, summary: impl Into<String>) -> FieldValues {
        self.set("summary", Value::String(summary.into()))
    }

    /// `project` by key (`PROJ`).
    pub fn project_key(self, key: impl Into<String>) -> FieldValues {
        self.set("project", json!({ "key": key.into() }))
    }

    /// `project` by id (`10000`).
    pub fn project_id(self, id: impl Into<String>) -> FieldValues {
        self.set("project", json!({ "id": id.into() }))
    }

    /// `issuetype` by id (`10001`).
    pub fn issue_type_id(self, id: impl Into<String>) -> FieldValues {
        self.set("issuetype", json!({ "id": id.into() }))
    }

    /// `issuetype` by name (`Bug`, `Story`, `Task`).
    pub fn issue_type_name(self, name: impl Into<String>) -> FieldValues {
        self.set("issuetype", json!({ "name": name.into() }))
    }

    /// `description`: a string (wiki markup) in REST v2, an Atlassian Document Format document in REST v3.
    pub fn description(self, description: impl Serialize) -> FieldValues {
        self.field("description", description)
    }

    /// `assignee` by Atlassian account id.
    pub fn assignee(self, account_id: impl Into<String>) -> FieldValues {
        self.set("assignee", json!({ "accountId": account_id.into() }))
    }

    /// `assignee` cleared (`null`): the issue becomes unassigned.
    pub fn unassigned(self) -> FieldValues {
        self.set("assignee", Value::Null)
    }

    /// `labels`: the whole list (an edit replaces the issue's labels with it).
    pub fn labels<I, S>(self, labels: I) -> FieldValues
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let labels = labels.into_iter().map(|label| Value::String(label.into())).collect();
        self.set("labels", Value::Array(labels))
    }

    /// `priority` by id (`3`).
    pub fn priority_id(self, id: impl Into<String>) -> FieldValues {
        self.set("priority", json!({ "id": id.into() }))
    }

    /// `priority` by name (`High`).
    pub fn priority_name(self, name: impl Into<String>) -> FieldValues {
        self.set("priority", json!({ "name": name.into() }))
    }

    /// `parent` by key (`PROJ-1`): the parent of a sub-task, or the epic of a story.
    pub fn parent_key(self, key: impl Into<String>) -> FieldValues {
        self.set("parent", json!({ "key": key.into() }))
    }

    /// `parent` by id (`10042`).
    pub fn parent_id(self, id: impl Into<String>) -> FieldValues {
        self.set("parent", json!({ "id": id.into() }))
    }

    /// `components` by id: the whole list.
    pub fn component_ids<I, S>(self, ids: I) -> FieldValues
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.set("components", Value::Array(ids.into_iter().map(|id| json!({ "id": id.into() })).collect()))
    }

    /// `components` by name: the whole list.
    pub fn component_names<I, S>(self, names: I) -> FieldValues
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.set("components", Value::Array(names.into_iter().map(|name| json!({ "name": name.into() })).collect()))
    }

    /// `duedate` as Jira writes dates: `YYYY-MM-DD` (`2026-12-24`).
    pub fn due_date(self, date: impl Into<String>) -> FieldValues {
        let date = date.into();
        if !is_date(&date) {
            return self.fail("duedate", format!("`{date}` is not a date of the form YYYY-MM-DD"));
        }
        self.set("duedate", Value::String(date))
    }

    /// Any field by id (`customfield_10016`, `environment`, an app's field) with any value that serialises to the
    /// JSON the field expects: a number for Story Points, `{"value": "Red"}` for a select list, and so on.
    pub fn field(self, id: impl Into<String>, value: impl Serialize) -> FieldValues {
        let id = id.into();
        match serde_json::to_value(value) {
            Ok(value) => self.set(id, value),
            Err(error) => self.fail(id, format!("the value does not serialise to JSON: {error}")),
        }
    }

    /// A field by its name on this site (`Story Points`), resolved to its id with `ids` (see [`FieldIds`]).
    pub fn field_named(self, ids: &FieldIds, name: &str, value: impl Serialize) -> FieldValues {
        match ids.id(name) {
            Ok(id) => {
                let id = id.to_owned();
                self.field(id, value)
            }
            Err(error) => self.fail(name, error.to_string()),
        }
    }

    /// The `fields` map, or the first problem met by a setter, naming the field.
    pub fn build(self) -> Result<BTreeMap<String, Value>> {
        match self.problem {
            Some((field, message)) => Err(Error::field(field, message)),
            None => Ok(self.fields),
        }
    }

    fn set(mut self, id: impl Into<String>, value: Value) -> FieldValues {
        self.fields.insert(id.into(), value);
        self
    }

    fn fail(mut self, field: impl Into<String>, message: String) -> FieldValues {
        self.problem.get_or_insert((field.into(), message));
        self
    }
}

/// `YYYY-MM-DD` with a month from 01 to 12 and a day from 01 to 31.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |part: &str, len: usize| {
        (part.len() == len && part.bytes().all(|b| b.is_ascii_digit())).then(|| part.parse::<u32>().ok()).flatten()
    };
    match parts.as_slice() {
        [year, month, day] => {
            number(year, 4).is_some()
                && number(month, 2).is_some_and(|m| (1..=12).contains(&m))
                && number(day, 2).is_some_and(|d| (1..=31).contains(&d))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde::ser::Error as _;
    use serde::Serializer;

    use super::*;
    use crate::ErrorKind;

    #[test]
    fn each_common_setter_writes_the_shape_jira_expects() {
        let fields = FieldValues::new()
            .summary("Checkout fails")
            .project_id("10000")
            .issue_type_id("10001")
            .description("h1. Steps\n# open the cart")
            .assignee("5b10a2844c20165700ede21g")
            .labels(["checkout"])
            .priority_id("2")
            .parent_id("10042")
            .component_ids(["10100", "10101"])
            .due_date("2026-12-24")
            .build()
            .expect("all values are valid");
        assert_eq!(
            Value::Object(fields.into_iter().collect()),
            json!({
                "summary": "Checkout fails",
                "project": {"id": "10000"},
                "issuetype": {"id": "10001"},
                "description": "h1. Steps\n# open the cart",
                "assignee": {"accountId": "5b10a2844c20165700ede21g"},
                "labels": ["checkout"],
                "priority": {"id": "2"},
                "parent": {"id": "10042"},
                "components": [{"id": "10100"}, {"id": "10101"}],
                "duedate": "2026-12-24"
            })
        );
    }

    #[test]
    fn the_by_name_setters_and_a_later_setter_replace_the_earlier_value() {
        let fields = FieldValues::new()
            .project_id("10000")
            .project_key("PROJ")
            .issue_type_name("Story")
            .priority_name("High")
            .parent_key("PROJ-1")
            .component_names(["Backend"])
            .assignee("someone")
            .unassigned()
            .build()
            .expect("all values are valid");
        assert_eq!(
            Value::Object(fields.into_iter().collect()),
            json!({
                "project": {"key": "PROJ"},
                "issuetype": {"name": "Story"},
                "priority": {"name": "High"},
                "parent": {"key": "PROJ-1"},
                "components": [{"name": "Backend"}],
                "assignee": null
            })
        );
    }

    #[test]
    fn any_field_takes_any_serializable_value() {
        #[derive(Serialize)]
        struct Choice {
            value: &'static str,
        }
        let fields = FieldValues::new()
            .field("customfield_10016", 8)
            .field("customfield_10020", Choice { value: "Red" })
            .field("customfield_10030", vec!["a", "b"])
            .field("environment", Option::<String>::None)
            .build()
            .expect("all values serialise");
        assert_eq!(fields["customfield_10016"], json!(8));
        assert_eq!(fields["customfield_10020"], json!({"value": "Red"}));
        assert_eq!(fields["customfield_10030"], json!(["a", "b"]));
        assert_eq!(fields["environment"], Value::Null);
    }

    #[test]
    fn a_value_that_does_not_serialise_is_an_error_naming_the_field() {
        struct Broken;
        impl Serialize for Broken {
            fn serialize<S: Serializer>(&self, _: S) -> std::result::Result<S::Ok, S::Error> {
                Err(S::Error::custom("no JSON for this"))
            }
        }
        let error = FieldValues::new().summary("ok").field("customfield_10040", Broken).build().unwrap_err();
        let ErrorKind::Field { field, message } = error.kind() else {
            panic!("not a field error: {error:?}");
        };
        assert_eq!(field, "customfield_10040");
        assert!(message.contains("no JSON for this"), "{message}");
        assert!(error.to_string().starts_with("field `customfield_10040`: "), "{error}");
    }

    #[test]
    fn a_due_date_not_of_the_form_yyyy_mm_dd_is_an_error() {
        for bad in ["24.12.2026", "2026-12-24T00:00", "2026-13-01", "2026-1-01", "2026-12-00", "", "２０２６-12-24"]
        {
            let error = FieldValues::new().due_date(bad).build().unwrap_err();
            assert!(error.to_string().contains("duedate"), "{bad}: {error}");
        }
        assert!(FieldValues::new().due_date("2026-02-28").build().is_ok());
    }

    #[test]
    fn the_first_problem_is_the_one_reported() {
        let error = FieldValues::new().due_date("soon").due_date("later").build().unwrap_err();
        assert!(error.to_string().contains("`soon`"), "{error}");
    }
}
