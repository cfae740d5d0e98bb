//! Emitted size: Rust files, lines and types of each generator's output.
//!
//! - ours: the files under `src/generated/` (the runtime is hand-written, not emitted); types are the `pub struct`,
//!   `pub enum` and `pub type` items of the `types.rs` files plus the `pub enum`s elsewhere (response enums: the
//!   other `pub struct`s there are request builders);
//! - openapi-generator: every `.rs` file; types are the `pub struct`s and `pub enum`s of `src/models/`;
//! - progenitor: every `.rs` file; types are the top-level `pub struct`s and `pub enum`s of `mod types` (not
//!   `types::builder`).

use std::path::{Path, PathBuf};

use super::Tool;
use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Size {
    pub files: u64,
    pub lines: u64,
    pub types: u64,
    /// The type names (ours only; used to check the seed crate against the schema closure).
    pub type_names: Vec<String>,
}

pub fn measure(tool: Tool, out: &Path) -> Result<Size> {
    let base = match tool {
        Tool::Ours => out.join("src").join("generated"),
        Tool::Oag | Tool::Progenitor => out.to_owned(),
    };
    let files = rust_files(&base)?;
    if files.is_empty() {
        return Err(format!("no .rs files under {}", base.display()).into());
    }
    let mut size = Size { files: files.len() as u64, lines: 0, types: 0, type_names: Vec::new() };
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        size.lines += text.lines().count() as u64;
        let relative = file.strip_prefix(&base).unwrap_or(file);
        let names = match tool {
            Tool::Ours if relative.file_name().is_some_and(|name| name == "types.rs") => {
                item_names(&text, &["pub struct ", "pub enum ", "pub type "], None)
            }
            Tool::Ours => item_names(&text, &["pub enum "], None),
            Tool::Oag if relative.starts_with("src/models") => item_names(&text, &["pub struct ", "pub enum "], None),
            Tool::Oag => Vec::new(),
            Tool::Progenitor => progenitor_types(&text),
        };
        size.types += names.len() as u64;
        if tool == Tool::Ours {
            size.type_names.extend(names);
        }
    }
    size.type_names.sort();
    Ok(size)
}

/// The names of the items starting a line (after `indent` spaces exactly, if given) with one of `prefixes`.
pub fn item_names(text: &str, prefixes: &[&str], indent: Option<usize>) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let trimmed = line.trim_start();
            if indent.is_some_and(|indent| line.len() - trimmed.len() != indent) {
                return None;
            }
            let rest = prefixes.iter().find_map(|prefix| trimmed.strip_prefix(prefix))?;
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

/// The top-level items of progenitor's `pub mod types { ... }`: one indentation level in, before `pub mod builder`.
fn progenitor_types(text: &str) -> Vec<String> {
    let Some(start) = text.find("pub mod types {") else { return Vec::new() };
    let body = &text[start..];
    let end = body.find("\n    pub mod builder").unwrap_or(body.len());
    item_names(&body[..end], &["pub struct ", "pub enum "], Some(4))
}

/// Every `.rs` file below `dir`, sorted.
pub fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name == "target") {
                    continue;
                }
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_our_types_and_response_enums() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let module = dir.path().join("src/generated/jira_platform_v2");
        std::fs::create_dir_all(module.join("requests")).expect("dirs");
        std::fs::write(
            module.join("types.rs"),
            "pub struct User {\n}\npub enum UserType {\n}\npub type Raw = ::serde_json::Value;\n// pub struct No\n",
        )
        .expect("write");
        std::fs::write(
            module.join("requests/issues.rs"),
            "pub struct GetIssue<'a> {}\npub enum GetIssueResponse {\n    Ok,\n}\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("src/lib.rs"), "pub struct Runtime;\n").expect("write");
        let size = measure(Tool::Ours, dir.path()).expect("counts");
        assert_eq!((size.files, size.lines, size.types), (2, 10, 4));
        assert_eq!(size.type_names, ["GetIssueResponse", "Raw", "User", "UserType"]);
    }

    #[test]
    fn counts_progenitor_top_level_types_only() {
        let text = "pub mod types {\n    pub struct A {\n        pub x: i32,\n    }\n    pub enum B {}\n    \
                    pub mod builder {\n        pub struct A {}\n    }\n}\npub struct Client {}\n";
        assert_eq!(progenitor_types(text), ["A", "B"]);
    }
}
