//! What our generated crate holds, checked before it is timed, so that a compile time always belongs to the whole
//! input: one `crate::runtime::OperationMeta { ... }` initialiser per operation in `src/generated/**.rs` (the
//! emitter writes exactly one for each), as many as the input selects; and a build with the default features,
//! among them every feature the generated modules are gated on (`#[cfg(feature = "...")]`), read from the `features`
//! cargo reports for the crate's library in its JSON messages.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use super::size::rust_files;
use crate::Result;

/// What each operation's request code initialises once, written without whitespace.
const OPERATION_META: &str = "crate::runtime::OperationMeta{";

/// The `OperationMeta` initialisers of one file, however the formatter broke its lines.
pub fn operation_metas(text: &str) -> usize {
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed.matches(OPERATION_META).count()
}

/// The operations of the crate in `crate_dir` and the features its generated code is gated on.
pub struct Contents {
    pub operations: usize,
    pub gates: BTreeSet<String>,
}

pub fn read(crate_dir: &Path) -> Result<Contents> {
    let generated = crate_dir.join("src").join("generated");
    let mut contents = Contents { operations: 0, gates: BTreeSet::new() };
    for file in rust_files(&generated)? {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        contents.operations += operation_metas(&text);
        contents.gates.extend(feature_gates(&text));
    }
    Ok(contents)
}

/// Every `feature = "..."` named in a `#[cfg(...)]` attribute, also one the formatter broke over several lines.
pub fn feature_gates(text: &str) -> BTreeSet<String> {
    let mut gates = BTreeSet::new();
    for (at, _) in text.match_indices("#[cfg(") {
        let body = &text[at + "#[cfg(".len()..];
        // The attribute ends where its parenthesis closes.
        let mut depth = 1usize;
        let end = body
            .char_indices()
            .find(|(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(body.len(), |(end, _)| end);
        let mut rest = &body[..end];
        while let Some(found) = rest.find("feature") {
            rest = rest[found + "feature".len()..].trim_start();
            let Some(quoted) = rest.strip_prefix('=').map(str::trim_start).and_then(|r| r.strip_prefix('"')) else {
                continue;
            };
            if let Some(close) = quoted.find('"') {
                gates.insert(quoted[..close].to_owned());
                rest = &quoted[close..];
            }
        }
    }
    gates
}

/// The count against the input's: an error that says both, so the crate is not timed.
pub fn check_operations(found: usize, expected: usize) -> std::result::Result<usize, String> {
    if found == expected {
        Ok(found)
    } else {
        Err(format!(
            "the generated crate holds {found} operations (`crate::runtime::OperationMeta` initialisers in \
             src/generated), its input {expected}: not timed"
        ))
    }
}

/// The features cargo built the library of the package at `manifest` with, from the JSON messages of a build
/// (`--message-format=json`; fresh units are reported too).
pub fn built_features(log: &str, manifest: &Path) -> Option<Vec<String>> {
    let same = |reported: &str| {
        let reported = Path::new(reported);
        reported == manifest || matches!((reported.canonicalize(), manifest.canonicalize()), (Ok(a), Ok(b)) if a == b)
    };
    log.lines().filter(|line| line.starts_with('{')).find_map(|line| {
        let message = serde_json::from_str::<Value>(line).ok()?;
        let artifact = message.get("reason").and_then(Value::as_str) == Some("compiler-artifact");
        let ours = message.get("manifest_path").and_then(Value::as_str).is_some_and(same);
        let kinds = message.pointer("/target/kind").and_then(Value::as_array)?;
        let lib = kinds.iter().any(|kind| kind.as_str().is_some_and(|kind| kind.ends_with("lib")));
        if !(artifact && ours && lib) {
            return None;
        }
        let features = message.get("features").and_then(Value::as_array)?;
        Some(features.iter().filter_map(Value::as_str).map(str::to_owned).collect())
    })
}

/// A build with the default features and every gate on, or which are missing.
pub fn check_features(built: &[String], gates: &BTreeSet<String>) -> std::result::Result<(), String> {
    let mut missing: Vec<&str> = Vec::new();
    if !built.iter().any(|feature| feature == "default") {
        missing.push("default");
    }
    missing.extend(gates.iter().map(String::as_str).filter(|gate| !built.iter().any(|feature| feature == gate)));
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the build did not enable the feature(s) {} (built with: {}), so not every generated operation was \
             compiled: not timed",
            missing.join(", "),
            if built.is_empty() { "none".to_owned() } else { built.join(", ") }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_metas_are_counted_however_the_lines_break() {
        let text =
            "static OPERATION: crate::runtime::OperationMeta = crate::runtime::OperationMeta {\n    id: \"a\",\n};\n\
                    static OPERATION: crate::runtime::OperationMeta =\n    crate::runtime::OperationMeta\n    {\n};\n\
                    let meta: &crate::runtime::OperationMeta = &OPERATION;\n";
        assert_eq!(operation_metas(text), 2, "the type annotations are not initialisers");
    }

    #[test]
    fn reads_the_operations_and_gates_of_a_crate() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let generated = dir.path().join("src/generated");
        std::fs::create_dir_all(generated.join("jira_platform_v2/requests")).expect("dirs");
        std::fs::write(
            generated.join("mod.rs"),
            "#[cfg(feature = \"jira-platform-v2\")]\npub mod jira_platform_v2;\n\
             #[cfg(any(feature = \"jira-platform-v3\", feature=\"confluence-v2\"))]\npub mod adf;\n#[cfg(test)]\nmod t;\n\
             #[cfg(\n    any(\n        feature = \"jira-software\",\n        feature = \"confluence-v1\"\n    )\n)]\npub mod wrapped;\n",
        )
        .expect("write");
        let meta = "static OPERATION: crate::runtime::OperationMeta = crate::runtime::OperationMeta {};\n";
        std::fs::write(generated.join("jira_platform_v2/requests/issues.rs"), meta.repeat(3)).expect("write");
        std::fs::write(generated.join("jira_platform_v2/requests/users.rs"), meta).expect("write");
        // The hand-written runtime is not generated: its files are not counted.
        std::fs::write(dir.path().join("src/lib.rs"), meta).expect("write");
        let contents = read(dir.path()).expect("reads");
        assert_eq!(contents.operations, 4);
        let gates: Vec<&str> = contents.gates.iter().map(String::as_str).collect();
        assert_eq!(gates, ["confluence-v1", "confluence-v2", "jira-platform-v2", "jira-platform-v3", "jira-software"]);
    }

    #[test]
    fn the_committed_crate_holds_one_operation_meta_per_listed_operation() {
        let root = crate::project_root();
        let listing = generator::load::Listing::load(&root.join("specs").join("atlassian.apis.yaml")).expect("loads");
        let contents = read(&root.join("generated-client")).expect("reads");
        assert_eq!(contents.operations, listing.entries.len());
        let gates: Vec<&str> = contents.gates.iter().map(String::as_str).collect();
        assert_eq!(gates, ["confluence-v2", "jira-platform-v2", "jira-platform-v3"], "one feature per spec listed");
    }

    #[test]
    fn a_crate_missing_an_operation_is_not_timed_and_says_both_counts() {
        assert_eq!(check_operations(588, 588), Ok(588));
        let error = check_operations(587, 588).expect_err("one short");
        assert!(error.starts_with("the generated crate holds 587 operations"), "{error}");
        assert!(error.contains("its input 588: not timed"), "{error}");
    }

    fn artifact(manifest: &str, kind: &str, features: &[&str]) -> String {
        serde_json::json!({
            "reason": "compiler-artifact",
            "manifest_path": manifest,
            "target": {"kind": [kind], "name": "x"},
            "features": features,
        })
        .to_string()
    }

    #[test]
    fn reads_the_features_of_the_crates_own_library() {
        let log = [
            artifact("/deps/serde/Cargo.toml", "lib", &["default", "derive"]),
            "   Compiling atlassian-client v0.1.0".to_owned(),
            artifact("/bench/crate/Cargo.toml", "custom-build", &[]),
            artifact("/bench/crate/Cargo.toml", "lib", &["default", "jira-platform-v2", "rustls"]),
            r#"{"reason":"build-finished","success":true}"#.to_owned(),
        ]
        .join("\n");
        assert_eq!(
            built_features(&log, Path::new("/bench/crate/Cargo.toml")),
            Some(vec!["default".to_owned(), "jira-platform-v2".to_owned(), "rustls".to_owned()])
        );
        assert_eq!(built_features(&log, Path::new("/elsewhere/Cargo.toml")), None);
    }

    #[test]
    fn a_build_without_the_default_or_a_gated_feature_is_not_timed() {
        let gates: BTreeSet<String> = ["jira-platform-v2".to_owned()].into();
        let built = |features: &[&str]| features.iter().map(|f| (*f).to_owned()).collect::<Vec<_>>();
        assert_eq!(check_features(&built(&["default", "jira-platform-v2", "rustls"]), &gates), Ok(()));
        let error = check_features(&built(&["rustls"]), &gates).expect_err("no default features");
        assert!(
            error.starts_with("the build did not enable the feature(s) default, jira-platform-v2 (built with: rustls)"),
            "{error}"
        );
        let error = check_features(&built(&["default"]), &gates).expect_err("the spec's feature is off");
        assert!(error.contains("feature(s) jira-platform-v2 "), "{error}");
    }
}
