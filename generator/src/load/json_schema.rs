//! JSON Schema documents named by the listing (`type: x-json-schema`), such as Atlassian's ADF schema: read and
//! checked here, lowered by [`crate::lower::json_schema`] into the same IR as the OpenAPI documents.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};

/// The `$schema` this generator reads: draft-04, the dialect of Atlassian's published ADF schema.
pub const DRAFT_04: &str = "http://json-schema.org/draft-04/schema#";

/// One JSON Schema document named by the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaSource {
    /// Its short name (`x-spec`), e.g. `adf`: the module name (`atlassian_client::adf`).
    pub name: String,
    /// Where it is published (for ADF the npm package `@atlaskit/adf-schema`).
    pub url: String,
    /// Its file, relative to the listing's folder (`adf/full.json`).
    pub file: String,
}

/// A parsed JSON Schema document.
#[derive(Debug, Clone)]
pub struct LoadedSchema {
    pub source: SchemaSource,
    /// The file it was read from.
    pub path: PathBuf,
    pub document: Value,
}

/// Checks an `x-json-schema` entry's file name: a relative path below the listing's folder.
pub(crate) fn check_file(file: &str) -> std::result::Result<(), String> {
    let escapes = file.split(['/', '\\']).any(|part| part.is_empty() || part == "." || part == "..");
    if escapes || file.starts_with('.') {
        return Err(format!("`{file}` must be a relative path inside the listing's folder"));
    }
    Ok(())
}

/// Reads and checks one JSON Schema document.
pub fn load_schema(source: &SchemaSource, path: &Path) -> Result<LoadedSchema> {
    let bytes = std::fs::read(path).map_err(|error| Error::Io { path: path.to_owned(), source: error })?;
    let document = parse_schema(path, &bytes)?;
    Ok(LoadedSchema { source: source.clone(), path: path.to_owned(), document })
}

/// Parses a draft-04 JSON Schema whose root is a `$ref` into its `definitions`; `path` is used for messages.
pub fn parse_schema(path: &Path, bytes: &[u8]) -> Result<Value> {
    let fail =
        |pointer: &str, message: String| Error::Schema { path: path.to_owned(), pointer: pointer.into(), message };
    let document: Value = serde_json::from_slice(bytes).map_err(|e| fail("", format!("not JSON: {e}")))?;
    match document.get("$schema").and_then(Value::as_str) {
        Some(DRAFT_04) => {}
        Some(other) => return Err(fail("/$schema", format!("`{other}` is not supported; expected `{DRAFT_04}`"))),
        None => return Err(fail("", "no `$schema`: not a JSON Schema document".into())),
    }
    let Some(definitions) = document.get("definitions").and_then(Value::as_object) else {
        return Err(fail("/definitions", "expected an object of definitions".into()));
    };
    let root = document.get("$ref").and_then(Value::as_str).unwrap_or_default();
    match root.strip_prefix("#/definitions/") {
        Some(name) if definitions.contains_key(name) => Ok(document),
        _ => Err(fail("/$ref", format!("the root must be a `$ref` to one of `definitions`, not `{root}`"))),
    }
}
