//! Typed ADF (`atlassian_client::adf`, generated from `specs/adf/full.json`) against real and fixture documents
//! (`tests/adf/`, provenance in its `SOURCES.md`) and against the schema itself, checked by an independent
//! validator (the `jsonschema` crate).
#![cfg(feature = "jira-platform-v3")]

use std::collections::BTreeMap;
use std::path::PathBuf;

use atlassian_client::adf::{Document, Node, PanelType};
use atlassian_client::runtime::Fallbacks;
use serde_json::Value;

/// The two fixtures that `tests/adf/SOURCES.md` lists as invalid under today's schema.
const INVALID: [&str; 2] =
    ["pioug__atlassian-frontend-mirror__card.adf.json", "ttaranov__atlaskit-mk-2__renderer-column-layout.json"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every fixture document by file name.
fn fixtures() -> BTreeMap<String, Value> {
    let dir = root().join("tests/adf");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("tests/adf") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("read fixture");
            let name = path.file_name().expect("name").to_string_lossy().into_owned();
            out.insert(name, serde_json::from_str(&text).expect("fixtures are JSON"));
        }
    }
    out
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("../specs/adf/full.json")).expect("specs/adf/full.json");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::draft4::new(&schema).expect("full.json is a valid draft-04 schema")
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Document, what: &str) {
    let value = serde_json::to_value(doc).expect("serialise");
    let errors: Vec<String> =
        validator.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} is not valid ADF:\n{}\n{value:#}", errors.join("\n"));
}

#[test]
fn every_fixture_decodes_and_re_encodes_to_an_equal_value() {
    let fixtures = fixtures();
    assert_eq!(fixtures.len(), 60);
    for (name, value) in &fixtures {
        let doc: Document = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Equal as JSON values: an integer written back as `1.0` would differ from `1`.
        assert_eq!(&serde_json::to_value(&doc).expect("serialise"), value, "{name}");
    }
}

#[test]
fn the_valid_fixtures_decode_without_any_fallback() {
    let validator = validator();
    let mut valid = 0;
    for (name, value) in fixtures() {
        assert_eq!(
            validator.is_valid(&value),
            !INVALID.contains(&name.as_str()),
            "{name}: validity as SOURCES.md says"
        );
        if INVALID.contains(&name.as_str()) {
            continue;
        }
        let doc: Document = serde_json::from_value(value).expect("decodes");
        assert_eq!(doc.fallbacks(), Vec::<String>::new(), "{name}");
        valid += 1;
    }
    assert_eq!(valid, 58);
}

#[test]
fn the_invalid_fixtures_fall_back_only_where_sources_md_says() {
    let fixtures = fixtures();
    // `card.adf.json`: an `embedCard` with `originalWidth: null` (a number in the schema) is kept whole, as JSON.
    let card: Document = serde_json::from_value(fixtures[INVALID[0]].clone()).expect("decodes");
    assert_eq!(card.fallbacks(), ["/content/14"]);
    assert!(
        matches!(&card.content[14], Node::Unknown(v) if v["type"] == "embedCard" && v["attrs"]["originalWidth"].is_null())
    );
    // `renderer-column-layout.json`: older `layoutSection`s (a `layoutType` attribute today's schema lacks) whose
    // `layoutColumn`s have no `width`: the attribute is kept in the section's map, each column as JSON.
    let layout: Document = serde_json::from_value(fixtures[INVALID[1]].clone()).expect("decodes");
    let fallbacks = layout.fallbacks();
    assert!(!fallbacks.is_empty());
    for pointer in &fallbacks {
        let section: usize = pointer.split('/').nth(2).and_then(|i| i.parse().ok()).expect("under /content/N");
        let Node::LayoutSection(s) = &layout.content[section] else {
            panic!("{pointer} is not inside a layoutSection")
        };
        let column =
            pointer.strip_prefix(&format!("/content/{section}/content/")).and_then(|rest| rest.parse::<usize>().ok());
        match column {
            Some(i) => assert!(
                matches!(&s.content[i], Node::Unknown(v) if v["type"] == "layoutColumn" && v.get("attrs").is_none())
            ),
            None => assert_eq!(pointer, &format!("/content/{section}/attrs/layoutType")),
        }
    }
    let total: usize = fixtures
        .values()
        .map(|v| serde_json::from_value::<Document>(v.clone()).expect("decodes").fallbacks().len())
        .sum();
    assert_eq!(total, 1 + fallbacks.len(), "fallbacks over all 60 fixtures");
}

#[test]
fn documents_made_by_the_builders_are_valid_adf() {
    let validator = validator();
    let text = atlassian_client::adf::Text::from("bold link").strong().link("https://example.com");
    let doc = Document::new()
        .heading(1, "Title")
        .paragraph(vec![
            Node::text("Hello "),
            Node::mention("5b10ac8d82e05b22cc7d4ef5", Some("@Mia")),
            Node::hard_break(),
            text.into(),
        ])
        .bullet_list(["one", "two"])
        .ordered_list(["first"])
        .code_block(Some("rust"), "fn main() {}")
        .panel(PanelType::Warning, "Careful")
        .table([["a", "b"], ["1", "2"]])
        .rule()
        .push(Node::task_list("tasks", [Node::task_item("t1", true, "done"), Node::task_item("t2", false, "todo")]))
        .push(Node::blockquote([Node::paragraph("quoted")]))
        .paragraph(Node::emoji(":smile:"));
    assert_valid(&validator, &doc, "the builders' document");
    assert_valid(&validator, &Document::from("one paragraph"), "Document::from(&str)");
    assert_eq!(doc.fallbacks(), Vec::<String>::new());
}

#[cfg(feature = "markdown")]
#[test]
fn documents_converted_from_markdown_are_valid_adf() {
    let validator = validator();
    let markdown = "# Title\n\nSome **bold**, *em*, ~~gone~~, `code`, **`bold code`** and [a link](https://example.com \"t\").\n\n\
                    - one\n- two\n  1. nested\n  2. more\n\n3. three\n\n* [ ] todo\n* [x] done\n\n| a | b |\n| :-- | --: |\n| 1 | |\n\n\
                    > quoted\n> - in a list\n\n```rust\nfn main() {}\n```\n\n    indented code\n\n---\n\nline  \nbreak ![alt](https://example.com/a.png) <b>html</b>\n";
    let doc = Document::from_markdown(markdown);
    assert_valid(&validator, &doc, "the Markdown conversion");
    assert_valid(
        &validator,
        &Document::from_markdown(&doc.to_markdown()),
        "the Markdown conversion, written and read again",
    );
    let fixtures = fixtures();
    for (name, value) in &fixtures {
        let doc: Document = serde_json::from_value(value.clone()).expect("decodes");
        let again = Document::from_markdown(&doc.to_markdown());
        assert_valid(&validator, &again, &format!("{name} written as Markdown and read back"));
    }
}

#[test]
fn plain_text_of_a_real_issue_description() {
    let fixtures = fixtures();
    let doc: Document =
        serde_json::from_value(fixtures["ctreminiom__go-atlassian__v3-get-issue-1.json"].clone()).expect("decodes");
    let text = doc.to_plain_text();
    assert!(!text.is_empty());
    assert!(!text.contains('{'), "{text}");
}

/// Every ADF document below a JSON value (`{"type": "doc", ...}`), with its JSON pointer.
fn documents_in(value: &Value, at: String, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) if map.get("type") == Some(&Value::from("doc")) && map.contains_key("content") => {
            out.push((at, value.clone()));
        }
        Value::Object(map) => map.iter().for_each(|(k, v)| documents_in(v, format!("{at}/{k}"), out)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| documents_in(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn every_adf_value_in_the_examples_of_the_selected_rest_v3_operations_decodes_typed() {
    let text = std::fs::read_to_string(root().join("../specs/jira-platform.swagger-v3.v3.json")).expect("spec");
    let spec: Value = serde_json::from_str(&text).expect("spec is JSON");
    let selected = ["getIssue", "createIssue", "editIssue", "addComment", "getComments", "getWorklog"];
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let Some(id) = op.get("operationId").and_then(Value::as_str).filter(|id| selected.contains(id)) else {
                continue;
            };
            let mut examples = Vec::new();
            documents_in(op, format!("{path} {method}"), &mut examples);
            // Examples are often JSON text: look inside those too.
            let mut texts = Vec::new();
            collect_strings(op, &mut texts);
            for text in texts {
                if let Ok(value) = serde_json::from_str::<Value>(&text) {
                    documents_in(&value, format!("{id} example"), &mut examples);
                }
            }
            found.extend(examples);
        }
    }
    assert!(found.len() >= 8, "{} documents in the examples", found.len());
    for (at, value) in found {
        let doc: Document = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{at}: {e}"));
        assert_eq!(doc.fallbacks(), Vec::<String>::new(), "{at}");
        assert_eq!(serde_json::to_value(&doc).expect("serialise"), value, "{at}");
    }
}

fn collect_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) if text.trim_start().starts_with('{') => out.push(text.clone()),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}
