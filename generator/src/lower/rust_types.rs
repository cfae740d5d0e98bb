//! The crate's named types that `x-rust-type` may put in place of a generated one.

use crate::ir::TypeRef;

/// Every name `x-rust-type` accepts.
pub const NAMES: &[&str] = &["adf::Document"];

/// The type an `x-rust-type` name stands for.
pub fn named(name: &str) -> Option<TypeRef> {
    match name {
        // The root of Atlassian's ADF schema (the listing's `x-json-schema` entry `adf`), generated once.
        "adf::Document" => Some(TypeRef::Shared { module: "adf".into(), name: "Document".into() }),
        _ => None,
    }
}
