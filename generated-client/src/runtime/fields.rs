//! Typed access to Jira's open `fields` maps.
//!
//! An issue's `fields` is a JSON object whose members depend on the site's configuration (custom fields such as
//! `customfield_10010`). The generated `IssueFields` types its system fields and keeps the others in a map of
//! [`serde_json::Value`]; its generated `field::<T>(id)` (and `IssueBean::field`) reads either kind by id, through
//! [`field`] and [`declared`]. [`FieldsExt::field`] decodes one member of any such map into the type you expect:
//!
//! ```
//! use std::collections::BTreeMap;
//! use atlassian_client::FieldsExt;
//!
//! let fields: BTreeMap<String, serde_json::Value> =
//!     serde_json::from_str(r#"{"summary": "Broken", "customfield_10010": 8.0, "customfield_10011": null}"#)?;
//! assert_eq!(fields.field::<String>("summary")?, Some("Broken".to_owned()));
//! assert_eq!(fields.field::<f64>("customfield_10010")?, Some(8.0));
//! assert_eq!(fields.field::<f64>("customfield_10011")?, None); // null
//! assert_eq!(fields.field::<f64>("customfield_99999")?, None); // absent
//! assert!(fields.field::<f64>("summary").unwrap_err().is_decode()); // wrong shape
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::{snippet, Error, ErrorKind, FieldDecodeError, Result};

/// Typed access to the members of an open `fields` map, such as the custom fields of an issue
/// (`IssueFields::additional_properties`) or the `fields` of a create or edit (`IssueUpdateDetails::fields`).
pub trait FieldsExt {
    /// Decodes the field `name` into `T`.
    ///
    /// Returns `Ok(None)` when the field is absent or `null`, and a decode error naming the field (see
    /// [`Error::json_path`]) when its value does not have the shape of `T`.
    fn field<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>>;
}

impl FieldsExt for BTreeMap<String, Value> {
    fn field<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        field(Some(self), name)
    }
}

/// Decodes the field `name` of an optional `fields` map into `T`: what generated `field::<T>(name)` methods call.
///
/// A missing map, a missing field and a `null` field all give `Ok(None)`; a value of another shape gives a
/// decode error whose [`json_path`](Error::json_path) starts with the field's name.
pub fn field<T: DeserializeOwned>(map: Option<&BTreeMap<String, Value>>, name: &str) -> Result<Option<T>> {
    match map.and_then(|map| map.get(name)) {
        Some(value) => decode(name, value),
        None => Ok(None),
    }
}

/// Decodes a field that the generated type declares (`summary` of `IssueFields`) into `T`, as [`field`] does for
/// the members of the map: generated `field::<T>(name)` methods call it for the names of their typed fields, so
/// `field("summary")` reads the typed field instead of finding nothing in the map.
pub fn declared<S: Serialize, T: DeserializeOwned>(value: Option<&S>, name: &str) -> Result<Option<T>> {
    let Some(value) = value else {
        return Ok(None);
    };
    let value = serde_json::to_value(value).map_err(|source| {
        Error::new(ErrorKind::FieldDecode(FieldDecodeError {
            field: name.to_owned(),
            json_path: name.to_owned(),
            snippet: String::new(),
            source,
        }))
    })?;
    decode(name, &value)
}

fn decode<T: DeserializeOwned>(name: &str, value: &Value) -> Result<Option<T>> {
    if value.is_null() {
        return Ok(None);
    }
    serde_path_to_error::deserialize(value).map(Some).map_err(|error| {
        let inner = error.path().to_string();
        let json_path = if inner == "." { name.to_owned() } else { format!("{name}.{inner}") };
        Error::new(ErrorKind::FieldDecode(FieldDecodeError {
            field: name.to_owned(),
            json_path,
            snippet: snippet(value.to_string().as_bytes()),
            source: error.into_inner(),
        }))
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    fn fields(value: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(value).expect("an object")
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Status {
        name: String,
        #[serde(rename = "statusCategory")]
        category: Category,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Category {
        key: String,
    }

    #[test]
    fn fields_decode_into_the_requested_type() {
        let map = fields(json!({
            "summary": "Main order flow broken",
            "customfield_10010": 8.5,
            "labels": ["checkout", "regression"],
            "status": {"name": "To Do", "statusCategory": {"key": "new", "colorName": "blue-gray"}}
        }));
        assert_eq!(map.field::<String>("summary").unwrap().as_deref(), Some("Main order flow broken"));
        assert_eq!(map.field::<f64>("customfield_10010").unwrap(), Some(8.5));
        assert_eq!(map.field::<Vec<String>>("labels").unwrap().unwrap(), ["checkout", "regression"]);
        let status: Status = map.field("status").unwrap().unwrap();
        assert_eq!(status, Status { name: "To Do".to_owned(), category: Category { key: "new".to_owned() } });
        assert_eq!(map.field::<Value>("status").unwrap().unwrap()["statusCategory"]["colorName"], "blue-gray");
    }

    #[test]
    fn absent_and_null_fields_are_none() {
        let map = fields(json!({"customfield_10011": null}));
        assert_eq!(map.field::<f64>("customfield_10011").unwrap(), None);
        assert_eq!(map.field::<f64>("customfield_99999").unwrap(), None);
        assert_eq!(field::<f64>(None, "customfield_10011").unwrap(), None);
        assert_eq!(field::<String>(Some(&fields(json!({"a": "b"}))), "a").unwrap().as_deref(), Some("b"));
    }

    #[test]
    fn a_field_of_the_wrong_shape_is_a_decode_error_naming_the_field() {
        let map = fields(json!({
            "customfield_10010": "eight",
            "status": {"name": "To Do", "statusCategory": {"key": 2}}
        }));

        let error = map.field::<f64>("customfield_10010").unwrap_err();
        assert!(error.is_decode(), "{error:?}");
        assert_eq!(error.json_path(), Some("customfield_10010"));
        assert!(error.to_string().contains("customfield_10010"), "{error}");
        assert!(error.to_string().contains("\"eight\""), "{error}");

        let error = map.field::<Status>("status").unwrap_err();
        assert_eq!(error.json_path(), Some("status.statusCategory.key"));
        let ErrorKind::FieldDecode(decode) = error.kind() else {
            panic!("not a field decode error: {error:?}");
        };
        assert_eq!(decode.field, "status");
        assert!(std::error::Error::source(&error).is_some());
    }

    #[test]
    fn declared_fields_decode_like_map_members() {
        let status = json!({"name": "To Do", "statusCategory": {"key": "new"}});
        let decoded: Option<Status> = declared(Some(&status), "status").unwrap();
        assert_eq!(decoded.unwrap().category.key, "new");
        assert_eq!(declared::<Value, String>(None, "summary").unwrap(), None);
        assert_eq!(declared::<Value, String>(Some(&Value::Null), "summary").unwrap(), None);
        let error = declared::<_, f64>(Some(&"eight"), "summary").unwrap_err();
        assert_eq!(error.json_path(), Some("summary"));
    }
}
