//! Custom fields by name: names resolved to the ids of one site, from what `getFields` returns.
//!
//! A custom field's id (`customfield_10016`) differs from site to site; its name (`Story Points`) is what users
//! know. [`FieldIds`] reads the fields a site has (`GET /rest/api/2/field` or `/rest/api/3/field`, the `getFields`
//! operation) and answers name -> id, refusing names that match no field or more than one.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// The ids of a site's fields by name, as `getFields` lists them.
///
/// ```
/// use atlassian_client::FieldIds;
///
/// let ids = FieldIds::new([("summary", "Summary"), ("customfield_10016", "Story Points")]);
/// assert_eq!(ids.id("Story Points")?, "customfield_10016");
/// assert!(ids.id("Story points").is_err()); // names are matched exactly; the error suggests `Story Points`
/// # Ok::<(), atlassian_client::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldIds {
    /// Every id with a given name, in the order `getFields` listed them.
    by_name: BTreeMap<String, Vec<String>>,
}

impl FieldIds {
    /// From `(id, name)` pairs.
    pub fn new<I, A, B>(fields: I) -> FieldIds
    where
        I: IntoIterator<Item = (A, B)>,
        A: Into<String>,
        B: Into<String>,
    {
        let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (id, name) in fields {
            let ids = by_name.entry(name.into()).or_default();
            let id = id.into();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        FieldIds { by_name }
    }

    /// From the answer of `getFields` (a list of `FieldDetails` of REST v2 or v3, or any list whose items
    /// serialise to objects with string `id` and `name`); items without both are left out.
    ///
    /// ```ignore
    /// let ids = FieldIds::from_fields(&jira.get_fields().send().await?)?;
    /// ```
    pub fn from_fields<T: Serialize + ?Sized>(fields: &T) -> Result<FieldIds> {
        let value = serde_json::to_value(fields)
            .map_err(|error| Error::field("getFields", format!("the field list does not serialise: {error}")))?;
        let Value::Array(items) = value else {
            return Err(Error::field("getFields", "the field list is not a JSON array"));
        };
        let pairs = items.iter().filter_map(|item| {
            let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
            Some((text("id")?, text("name")?))
        });
        Ok(FieldIds::new(pairs))
    }

    /// The id of the field called `name`.
    ///
    /// A name no field has is an error that lists the names differing only in case, if any; a name that several
    /// fields share (two apps may both add `Team`) is an error naming every id, so the caller can pick one.
    pub fn id(&self, name: &str) -> Result<&str> {
        match self.by_name.get(name).map(Vec::as_slice) {
            Some([id]) => Ok(id),
            Some(ids) => {
                let ids: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
                Err(Error::field(name, format!("{} fields have this name: {}; use an id", ids.len(), ids.join(", "))))
            }
            None => {
                let lower = name.to_lowercase();
                let close: Vec<String> = self
                    .by_name
                    .keys()
                    .filter(|known| known.to_lowercase() == lower)
                    .map(|k| format!("`{k}`"))
                    .collect();
                let hint =
                    if close.is_empty() { String::new() } else { format!(" (did you mean {}?)", close.join(", ")) };
                Err(Error::field(name, format!("no field has this name{hint}")))
            }
        }
    }

    /// Every name, with its ids (more than one where fields share the name).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.by_name.iter().map(|(name, ids)| (name.as_str(), ids.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ErrorKind;

    #[test]
    fn a_unique_name_resolves_to_its_id() {
        let ids = FieldIds::new([("customfield_10016", "Story Points"), ("summary", "Summary")]);
        assert_eq!(ids.id("Story Points").unwrap(), "customfield_10016");
        assert_eq!(ids.id("Summary").unwrap(), "summary");
    }

    #[test]
    fn a_shared_name_is_an_error_naming_both_ids() {
        let ids = FieldIds::new([("customfield_10001", "Team"), ("summary", "Summary"), ("customfield_10200", "Team")]);
        let error = ids.id("Team").unwrap_err();
        let ErrorKind::Field { field, message } = error.kind() else {
            panic!("not a field error: {error:?}");
        };
        assert_eq!(field, "Team");
        assert!(message.contains("`customfield_10001`") && message.contains("`customfield_10200`"), "{message}");
        assert_eq!(
            error.to_string(),
            "field `Team`: 2 fields have this name: `customfield_10001`, `customfield_10200`; use an id"
        );
    }

    #[test]
    fn an_unknown_name_is_an_error_suggesting_other_cases() {
        let ids = FieldIds::new([("customfield_10016", "Story Points")]);
        assert_eq!(
            ids.id("story points").unwrap_err().to_string(),
            "field `story points`: no field has this name (did you mean `Story Points`?)"
        );
        assert_eq!(ids.id("Sprint").unwrap_err().to_string(), "field `Sprint`: no field has this name");
    }

    #[test]
    fn from_fields_reads_id_and_name_and_skips_items_without_them() {
        let listed = json!([
            {"id": "customfield_10016", "name": "Story Points", "custom": true},
            {"id": "customfield_10016", "name": "Story Points"},
            {"name": "no id"},
            {"id": "no-name"}
        ]);
        let ids = FieldIds::from_fields(&listed).unwrap();
        assert_eq!(ids.iter().collect::<Vec<_>>(), [("Story Points", &["customfield_10016".to_owned()][..])]);
        assert!(FieldIds::from_fields(&json!({"id": "x"})).unwrap_err().to_string().contains("not a JSON array"));
    }
}
