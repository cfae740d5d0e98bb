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
    /// Another type of the crate, by its absolute path.
    Path(&'static str),
    /// A type of a module generated from a JSON Schema document of the listing (`type: x-json-schema`), by the
    /// module's `x-spec` and the type's absolute path: the module is generated once when a selected spec uses it.
    Shared { module: &'static str, path: &'static str },
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
    KnownType {
        name: "adf::Document",
        kind: KnownKind::Shared { module: "adf", path: "crate::adf::Document" },
        about: "an Atlassian Document Format document (`atlassian_client::adf::Document`, generated from `specs/adf/full.json`)",
    },
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
            KnownKind::Path(path) | KnownKind::Shared { path, .. } => TypeRef::External(path.to_owned()),
        }
    }
}

/// The shared module (`adf`) whose type an [`TypeRef::External`] path names, if it names one.
pub fn shared_module(path: &str) -> Option<String> {
    KNOWN_TYPES.iter().find_map(|known| match known.kind {
        KnownKind::Shared { module, path: known_path } if known_path == path => Some(module.to_owned()),
        _ => None,
    })
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
            if let KnownKind::Path(path) | KnownKind::Shared { path, .. } = known.kind {
                assert!(syn::parse_str::<syn::Path>(path).is_ok(), "{}: {path}", known.name);
            }
        }
    }
}
