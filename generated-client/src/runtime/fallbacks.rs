//! What a decoded value kept without knowing it.
//!
//! The types of a shared module (ADF) keep what their schema does not describe, so that a document read and
//! written back loses nothing: an unknown node or mark as JSON, an undeclared property in a map, an unknown enum
//! value as a string. [`Fallbacks`] lists where, as JSON pointers (`/content/3/attrs/layoutType`).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

/// Lists the places where a value holds something its schema does not describe.
pub trait Fallbacks {
    /// Adds to `out` the JSON pointer, below `at`, of every value kept as a fallback.
    fn fallbacks_at(&self, at: &str, out: &mut Vec<String>);

    /// The JSON pointers of every value kept as a fallback; empty when the schema describes everything.
    fn fallbacks(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.fallbacks_at("", &mut out);
        out
    }
}

/// `at` followed by one escaped JSON-pointer token (RFC 6901).
pub fn pointer(at: &str, token: &str) -> String {
    format!("{at}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// Decodes an optional field that must not be `null`: `null` is an error, so the value that holds it is kept whole
/// (as a fallback) instead of silently losing the `null` when written back.
pub fn not_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

macro_rules! nothing_kept {
    ($($ty:ty),*) => {$(
        impl Fallbacks for $ty {
            fn fallbacks_at(&self, _: &str, _: &mut Vec<String>) {}
        }
    )*};
}

// A `serde_json::Value` is a fallback only where the schema names no type; where it says "any JSON" it is not.
nothing_kept!(String, bool, i32, i64, f64, serde_json::Number, serde_json::Value);

impl<T: Fallbacks> Fallbacks for Option<T> {
    fn fallbacks_at(&self, at: &str, out: &mut Vec<String>) {
        if let Some(value) = self {
            value.fallbacks_at(at, out);
        }
    }
}

impl<T: Fallbacks> Fallbacks for Vec<T> {
    fn fallbacks_at(&self, at: &str, out: &mut Vec<String>) {
        for (i, item) in self.iter().enumerate() {
            item.fallbacks_at(&format!("{at}/{i}"), out);
        }
    }
}

impl<T: Fallbacks> Fallbacks for Box<T> {
    fn fallbacks_at(&self, at: &str, out: &mut Vec<String>) {
        (**self).fallbacks_at(at, out);
    }
}

impl<T: Fallbacks> Fallbacks for BTreeMap<String, T> {
    fn fallbacks_at(&self, at: &str, out: &mut Vec<String>) {
        for (key, value) in self {
            value.fallbacks_at(&pointer(at, key), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_tilde_and_slash() {
        assert_eq!(pointer("/attrs", "a/b~c"), "/attrs/a~1b~0c");
    }

    #[test]
    fn lists_report_the_index_of_each_item() {
        struct Kept;
        impl Fallbacks for Kept {
            fn fallbacks_at(&self, at: &str, out: &mut Vec<String>) {
                out.push(at.to_owned());
            }
        }
        assert_eq!(vec![Kept, Kept].fallbacks(), ["/0", "/1"]);
        assert!(Some(String::from("x")).fallbacks().is_empty());
    }

    #[test]
    fn not_null_refuses_null() {
        #[derive(serde::Deserialize)]
        struct S {
            #[serde(default, deserialize_with = "not_null")]
            #[allow(dead_code)]
            a: Option<String>,
        }
        assert!(serde_json::from_str::<S>(r#"{"a":null}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{}"#).is_ok());
    }
}
