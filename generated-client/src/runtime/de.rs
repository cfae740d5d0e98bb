//! What the generated `Deserialize` impls share: object keys and enum values read without copying where the input
//! allows, and the rule for a required field that is missing.
//!
//! The generated impls are written out rather than derived: a struct's is one `match` on its keys, an enum's one
//! `match` on its value. They decode exactly what `#[derive(Deserialize)]` with the same attributes decoded (unknown
//! keys skipped or kept, `null` for an optional field as `None`, a missing required field an error naming it), in
//! a fraction of the code the derive expands to, which is most of what the crate costs to compile.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use super::nullable::drop_null_items;
use super::Nullable;

/// A generated struct, read from a JSON object one entry at a time (its `Deserialize` impl calls [`object`]).
pub trait FromObject: Sized {
    /// What a value of another kind is reported against (`struct Dashboard`).
    const EXPECTING: &'static str;

    /// Reads the object's entries.
    fn from_object<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Deserialises a [`FromObject`] type: the one visitor every generated struct shares.
pub fn object<'de, T: FromObject, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: FromObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_object(map)
    }
}

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

/// Reads the current entry's value into `slot`.
///
/// Generated `from_object` bodies read each field through one of these functions, so that an error leaves the
/// loop at one place instead of returning from every arm (each such return would drop every field read so far,
/// and the compiler would check all those paths).
pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut T) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// Reads a value that must be there (a required field, or one that refuses `null`) into `slot`.
pub fn read_some<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads a nullable field: `null` reads as an absent field (`Some(Nullable::Null)` is only ever written).
pub fn read_nullable<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<Nullable<T>>,
) -> Result<(), A::Error> {
    *slot = map.next_value::<Option<T>>()?.map(Nullable::Value);
    Ok(())
}

/// Reads a list whose `null` items are left out, into a required field.
pub fn read_list_some<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<Vec<T>>,
) -> Result<(), A::Error> {
    *slot = Some(drop_null_items(map.next_value()?));
    Ok(())
}

/// Reads a list whose `null` items are left out, into an optional field (absent or `null` is `None`).
pub fn read_list<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<Vec<T>>,
) -> Result<(), A::Error> {
    *slot = map.next_value::<Option<Vec<Option<T>>>>()?.map(drop_null_items);
    Ok(())
}

/// Skips the value of a key the type does not declare.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(drop)
}

/// Keeps the value of a key the type does not declare in its catch-all map.
pub fn keep<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    kept: &mut BTreeMap<String, T>,
    key: Key<'de>,
) -> Result<(), A::Error> {
    kept.insert(key.into_string(), map.next_value()?);
    Ok(())
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
