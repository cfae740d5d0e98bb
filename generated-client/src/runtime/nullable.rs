//! Request fields that can be sent as an explicit JSON `null`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that may be an explicit JSON `null`, for request fields the spec marks nullable.
///
/// Generated types declare such fields as `Option<Nullable<T>>`: `None` leaves the field out, while
/// `Some(Nullable::Null)` sends `null`, which Jira reads as "clear this field".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// An explicit JSON `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether this is an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if this is not `null`.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(value) => Some(value),
        }
    }

    /// Converts into an `Option`, with `null` as `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(value) => Some(value),
        }
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Nullable<T> {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Null => serializer.serialize_none(),
            Nullable::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Nullable<T>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}

/// Deserialises an `Option<Nullable<T>>` field, reading JSON `null` as `None` (the field is absent).
///
/// Use with `#[serde(default, skip_serializing_if = "Option::is_none", deserialize_with =
/// "crate::runtime::nullable::deserialize")]`.
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<Nullable<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(|value| value.map(Nullable::Value))
}

/// Deserialises a list, leaving out `null` items: for lists of components that a spec marks `nullable` wholesale
/// (Confluence v1 does so for most of its components), where one `null` should not fail the whole response.
pub fn without_null_items<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Vec::<Option<T>>::deserialize(deserializer).map(drop_null_items)
}

/// [`without_null_items`] for an optional list: absent or `null` is `None`.
///
/// Use with `#[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = ...)]`.
pub fn without_null_items_optional<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<Vec<Option<T>>>::deserialize(deserializer).map(|list| list.map(drop_null_items))
}

/// A list without its `null` items (what generated decoders make of a list that [`without_null_items`] reads).
pub fn drop_null_items<T>(items: Vec<Option<T>>) -> Vec<T> {
    items.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Update {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "crate::runtime::nullable::deserialize"
        )]
        assignee: Option<Nullable<String>>,
    }

    #[test]
    fn absent_null_and_value_serialise_distinctly() {
        let absent = Update { assignee: None };
        let null = Update { assignee: Some(Nullable::Null) };
        let value = Update { assignee: Some(Nullable::Value("me".to_owned())) };
        assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");
        assert_eq!(serde_json::to_string(&null).unwrap(), r#"{"assignee":null}"#);
        assert_eq!(serde_json::to_string(&value).unwrap(), r#"{"assignee":"me"}"#);
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Page {
        #[serde(deserialize_with = "crate::runtime::nullable::without_null_items")]
        results: Vec<String>,
        #[serde(default, deserialize_with = "crate::runtime::nullable::without_null_items_optional")]
        more: Option<Vec<String>>,
    }

    #[test]
    fn null_items_are_left_out_of_lists_of_nullable_components() {
        let page: Page = serde_json::from_str(r#"{"results":["a",null,"b"],"more":[null]}"#).unwrap();
        assert_eq!(page, Page { results: vec!["a".into(), "b".into()], more: Some(Vec::new()) });
        let page: Page = serde_json::from_str(r#"{"results":[],"more":null}"#).unwrap();
        assert_eq!(page, Page { results: Vec::new(), more: None });
        assert!(serde_json::from_str::<Page>(r#"{"results":[1]}"#).is_err(), "items keep their type");
        assert!(serde_json::from_str::<Page>(r#"{"more":[]}"#).is_err(), "a required list stays required");
    }

    #[test]
    fn null_decodes_as_absent() {
        let decode = |json| serde_json::from_str::<Update>(json).unwrap();
        assert_eq!(decode("{}"), Update { assignee: None });
        assert_eq!(decode(r#"{"assignee":null}"#), Update { assignee: None });
        assert_eq!(decode(r#"{"assignee":"me"}"#), Update { assignee: Some(Nullable::Value("me".to_owned())) });
    }
}
