//! What the generated `Serialize` impls share.

use serde::ser::SerializeMap;
use serde::Serialize;

/// Writes `key: value` when the field is set; an unset (`None`) field is left out.
pub fn optional<M: SerializeMap, T: Serialize>(
    map: &mut M,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(value) => map.serialize_entry(key, value),
        None => Ok(()),
    }
}
