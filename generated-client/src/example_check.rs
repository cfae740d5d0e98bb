//! The check behind the generated example tests: a spec example must decode into the generated type and encode
//! back to the same JSON, except for exactly the fields the generator found undeclared in the schema.
//!
//! `null` and absent count as equal (Jira uses both for "no value"), and numbers compare by value (`1` = `1.0`).

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Panics (it is a test) with a message naming `what` when the example does not round-trip as expected.
pub(crate) fn check<T: DeserializeOwned + Serialize>(what: &str, json: &str, expected_undeclared: &[&str]) {
    let original: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{what}: the example is not JSON: {e}"));
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let decoded: T = serde_path_to_error::deserialize(&mut deserializer)
        .unwrap_or_else(|e| panic!("{what}: the example does not decode at `{}`: {}", e.path(), e.inner()));
    let encoded = serde_json::to_value(&decoded).unwrap_or_else(|e| panic!("{what}: cannot encode: {e}"));

    let mut diff = Diff::default();
    diff.compare(&original, &encoded, String::new());
    assert!(diff.changed.is_empty(), "{what}: values changed in a decode/encode round trip: {:#?}", diff.changed);
    let expected: BTreeSet<String> = expected_undeclared.iter().map(|s| s.to_string()).collect();
    assert_eq!(diff.lost, expected, "{what}: the fields lost in a round trip are not the undeclared ones");
}

/// Panics (it is a test) with a message naming `what` and the JSON path when the body does not decode.
pub(crate) fn decodes<T: DeserializeOwned>(what: &str, json: &str) {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    if let Err(e) = serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        panic!("{what}: does not decode at `{}`: {}", e.path(), e.inner());
    }
}

/// Panics unless the body fails to decode with `error` in the message: for examples known to contradict their
/// schema, so that a fixed example is noticed.
pub(crate) fn fails<T: DeserializeOwned>(what: &str, json: &str, error: &str) {
    match serde_json::from_str::<T>(json) {
        Ok(_) => panic!("{what}: now decodes; remove it from example-exceptions.json"),
        Err(e) => assert!(e.to_string().contains(error), "{what}: fails differently than recorded: {e}"),
    }
}

/// What a round trip did to a document.
#[derive(Default)]
pub(crate) struct Diff {
    /// Paths (array indices as `*`) of non-null values that disappeared.
    pub lost: BTreeSet<String>,
    /// Paths whose values changed or appeared, with both values.
    pub changed: Vec<(String, String)>,
}

impl Diff {
    pub(crate) fn compare(&mut self, before: &Value, after: &Value, path: String) {
        match (before, after) {
            (Value::Object(a), Value::Object(b)) => {
                for (key, value) in a {
                    let at = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                    match b.get(key) {
                        Some(other) => self.compare(value, other, at),
                        None if value.is_null() => {}
                        None => {
                            self.lost.insert(at);
                        }
                    }
                }
                for (key, value) in b {
                    if !a.contains_key(key) && !value.is_null() {
                        self.changed.push((format!("{path}/{key}"), format!("absent -> {value}")));
                    }
                }
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                for (x, y) in a.iter().zip(b) {
                    self.compare(x, y, format!("{path}/*"));
                }
            }
            (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
            (a, b) if a == b => {}
            (a, b) => self.changed.push((path, format!("{a} -> {b}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_absent_are_equal_and_lost_fields_are_listed() {
        let mut diff = Diff::default();
        let before = serde_json::json!({"a": 1, "b": null, "c": [{"d": 1, "e": 2}, {"d": 3}]});
        let after = serde_json::json!({"a": 1.0, "c": [{"d": 1}, {"d": 3}]});
        diff.compare(&before, &after, String::new());
        assert!(diff.changed.is_empty());
        assert_eq!(diff.lost.into_iter().collect::<Vec<_>>(), ["/c/*/e"]);
    }

    #[test]
    fn a_known_contradiction_must_keep_failing_with_its_error() {
        fails::<Vec<u32>>("contradiction", r#"{"a": 1}"#, "expected a sequence");
        let fixed = std::panic::catch_unwind(|| fails::<Vec<u32>>("fixed", "[1]", "expected a sequence"));
        assert!(fixed.is_err(), "an example that decodes now must fail the check");
    }

    #[test]
    fn changed_values_are_reported() {
        let mut diff = Diff::default();
        diff.compare(&serde_json::json!({"a": "x"}), &serde_json::json!({"a": "y", "z": 1}), String::new());
        assert_eq!(diff.changed.len(), 2);
    }
}
