//! The crate's own types that a schema can name with `x-rust-type` (set by the spec or by an overlay) instead of
//! having a type generated for it: the one table of names the generator accepts there.
//!
//! A module shared by every spec (such as the ADF document model) registers its types here too.

use crate::ir::TypeRef;

/// One name `x-rust-type` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownType {
    /// As written in `x-rust-type`.
    pub name: &'static str,
    /// What it stands for.
    pub kind: KnownKind,
    /// For the README and messages.
    pub about: &'static str,
}

/// How a known type reaches the IR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnownKind {
    /// Any JSON value (`serde_json::Value`).
    Any,
    /// The runtime's `JiraDateTime`.
    DateTime,
    /// `String`.
    String,
    /// Another type of the crate, by its absolute path (`crate::adf::Document`).
    Path(&'static str),
}

/// Every name `x-rust-type` accepts.
pub const KNOWN_TYPES: &[KnownType] = &[
    KnownType { name: "serde_json::Value", kind: KnownKind::Any, about: "any JSON value, kept as sent" },
    KnownType {
        name: "JiraDateTime",
        kind: KnownKind::DateTime,
        about: "a Jira date-time string, kept as sent (`atlassian_client::JiraDateTime`)",
    },
    KnownType { name: "String", kind: KnownKind::String, about: "a string" },
];

/// The extension's name.
pub const EXTENSION: &str = "x-rust-type";

/// The known type called `name`.
pub fn find(name: &str) -> Option<&'static KnownType> {
    KNOWN_TYPES.iter().find(|known| known.name == name)
}

/// The accepted names, for messages: `` `serde_json::Value`, `JiraDateTime`, `String` ``.
pub fn names() -> String {
    KNOWN_TYPES.iter().map(|known| format!("`{}`", known.name)).collect::<Vec<_>>().join(", ")
}

impl KnownType {
    /// The type a schema marked with this name lowers to.
    pub fn type_ref(&self) -> TypeRef {
        match self.kind {
            KnownKind::Any => TypeRef::Any,
            KnownKind::DateTime => TypeRef::DateTime,
            KnownKind::String => TypeRef::String,
            KnownKind::Path(path) => TypeRef::External(path.to_owned()),
        }
    }
}

/// Why `value` (the value of an `x-rust-type` key) is not acceptable, if it is not.
pub fn check(value: &serde_json::Value) -> Result<&'static KnownType, String> {
    let Some(name) = value.as_str() else {
        return Err(format!("`{EXTENSION}` must be a type name (a string), not {value}"));
    };
    find(name).ok_or_else(|| format!("`{EXTENSION}: {name}` is not a type the generator knows; known: {}", names()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_crate_path_of_the_table_parses_as_a_rust_path() {
        for known in KNOWN_TYPES {
            if let KnownKind::Path(path) = known.kind {
                assert!(syn::parse_str::<syn::Path>(path).is_ok(), "{}: {path}", known.name);
            }
        }
    }
}
