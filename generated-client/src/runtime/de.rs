//! What the generated `Deserialize` impls share: object keys and enum values read without copying where the input
//! allows, and the rule for a required field that is missing.
//!
//! The generated impls are written out rather than derived: a struct's is one `match` on its keys, an enum's one
//! `match` on its value. They decode exactly what `#[derive(Deserialize)]` with the same attributes decoded (unknown
//! keys skipped or kept, `null` for an optional field as `None`, a missing required field an error naming it), in
//! a fraction of the code the derive expands to, which is most of what the crate costs to compile.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// An object key, or the value of a string enum: borrowed from the input when it has no escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(value)))
    }
}

/// A required field's value, or what its type makes of a missing field: `None` for an `Option`, otherwise the
/// error `missing field `name`` (what `#[derive(Deserialize)]` does).
pub fn required<'de, T: Deserialize<'de>, E: de::Error>(value: Option<T>, field: &'static str) -> Result<T, E> {
    match value {
        Some(value) => Ok(value),
        None => T::deserialize(Missing { field, error: PhantomData }),
    }
}

/// The input of a field that is not there.
struct Missing<E> {
    field: &'static str,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.field))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_without_escapes_is_borrowed_from_the_input() {
        let key: Key<'_> = serde_json::from_str(r#""name""#).unwrap();
        assert!(matches!(key.0, Cow::Borrowed("name")));
        let escaped: Key<'_> = serde_json::from_str(r#""na\u006de""#).unwrap();
        assert_eq!(escaped.as_str(), "name");
        assert!(matches!(escaped.0, Cow::Owned(_)));
    }

    #[test]
    fn a_missing_required_field_is_an_error_naming_it_and_a_missing_option_is_none() {
        let missing: Result<String, serde_json::Error> = required(None, "summary");
        assert_eq!(missing.unwrap_err().to_string(), "missing field `summary`");
        let option: Result<Option<String>, serde_json::Error> = required(None, "summary");
        assert_eq!(option.unwrap(), None);
        let present: Result<String, serde_json::Error> = required(Some("x".to_owned()), "summary");
        assert_eq!(present.unwrap(), "x");
    }
}
