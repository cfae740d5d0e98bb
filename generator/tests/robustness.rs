//! Property test: the generator fed mutated real specs and random listings returns output or an error, never
//! panics. Fixed seed and case count, so CI runs the same cases every time (on stable Rust, no fuzzer needed).

use std::path::Path;

use generator::load::{parse_spec, Listing, LoadedSpec, SpecSource};
use generator::Options;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;

/// What to do at one place in the document.
#[derive(Debug, Clone)]
enum Mutation {
    Remove,
    Replace(Value),
    /// A `$ref` to a schema that may or may not exist.
    Reference(String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let scalar = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z{}/#~ ]{0,12}".prop_map(Value::from),
        Just(serde_json::json!({})),
        Just(serde_json::json!([])),
        Just(serde_json::json!({"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Nope"}}})),
        Just(serde_json::json!({"allOf": [{"$ref": "#/components/schemas/Nope"}, {}]})),
        Just(serde_json::json!({"oneOf": [{}], "discriminator": {"propertyName": "type", "mapping": {"a": "#/x"}}})),
    ];
    prop_oneof![
        Just(Mutation::Remove),
        scalar.prop_map(Mutation::Replace),
        "[A-Za-z]{1,10}".prop_map(|name| Mutation::Reference(format!("#/components/schemas/{name}"))),
    ]
}

/// Every JSON pointer into the document, as paths of keys and indices.
fn paths(value: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(key.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(i.to_string());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn apply(document: &mut Value, path: &[String], mutation: &Mutation) {
    let Some((last, parent_path)) = path.split_last() else { return };
    let mut parent = &mut *document;
    for key in parent_path {
        parent = match parent {
            Value::Object(map) => match map.get_mut(key) {
                Some(child) => child,
                None => return,
            },
            Value::Array(items) => match key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(child) => child,
                None => return,
            },
            _ => return,
        };
    }
    let replacement = match mutation {
        Mutation::Remove => None,
        Mutation::Replace(value) => Some(value.clone()),
        Mutation::Reference(target) => Some(serde_json::json!({ "$ref": target })),
    };
    match (parent, replacement) {
        (Value::Object(map), None) => {
            map.remove(last);
        }
        (Value::Object(map), Some(value)) => {
            map.insert(last.clone(), value);
        }
        (Value::Array(items), replacement) => {
            if let Some(i) = last.parse::<usize>().ok().filter(|i| *i < items.len()) {
                match replacement {
                    None => {
                        items.remove(i);
                    }
                    Some(value) => items[i] = value,
                }
            }
        }
        _ => {}
    }
}

fn listing_text(entries: &[String]) -> String {
    let mut text = String::from("apis:\n");
    for entry in entries {
        text.push_str(&format!("- x-api-slug: \"{entry}\"\n"));
    }
    text.push_str("x-common:\n- type: x-openapi\n  url: https://example.com/s.json\n  x-file: s.json\n  x-spec: s\n");
    text
}

/// Runs the whole pipeline in memory; a panic anywhere fails the property.
fn run_pipeline(bytes: &[u8], entries: &[String], all: bool) {
    let path = Path::new("mutated.json");
    let Ok(document) = parse_spec(path, bytes) else { return };
    let Ok(listing) = Listing::parse(Path::new("listing.yaml"), &listing_text(entries)) else { return };
    let source = SpecSource {
        name: "s".into(),
        url: "https://example.com/s.json".into(),
        file: "s.json".into(),
        overlays: Vec::new(),
    };
    let spec = LoadedSpec { source, path: path.to_owned(), document, corrections: Default::default() };
    let options = Options { all, ..Options::default() };
    let Ok(selection) = generator::select::select_from(&listing, vec![spec], &options) else { return };
    if let Ok(api) = generator::lower::lower(&selection, &[]) {
        let _ = generator::emit::emit(&api);
    }
}

#[test]
fn mutated_specs_and_random_listings_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/jira-service-desk.swagger.v3.json");
    let original: Value = serde_json::from_slice(&std::fs::read(root).expect("spec")).expect("JSON");
    let mut all_paths = Vec::new();
    paths(&original, &mut Vec::new(), &mut all_paths);
    let slugs: Vec<String> = original["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object().into_iter().flatten().map(move |(method, _)| generator::select::slug(path, method))
        })
        .collect();

    let config = Config { cases: 48, failure_persistence: None, ..Config::default() };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let count = all_paths.len();
    let strategy = (
        proptest::collection::vec((0..count, mutation()), 1..6),
        proptest::collection::vec(
            prop_oneof![(0..slugs.len()).prop_map(|i| slugs[i].clone()), "[a-z0-9-]{1,20}"],
            0..4,
        ),
        any::<bool>(),
    );
    runner
        .run(&strategy, |(mutations, entries, all)| {
            let mut document = original.clone();
            for (index, mutation) in &mutations {
                apply(&mut document, &all_paths[*index], mutation);
            }
            let bytes = serde_json::to_vec(&document).expect("serialize");
            run_pipeline(&bytes, &entries, all);
            Ok(())
        })
        .expect("the generator never panics");
}

#[test]
fn arbitrary_bytes_as_a_listing_or_spec_never_panic() {
    let config = Config { cases: 256, failure_persistence: None, ..Config::default() };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[9; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    runner
        .run(&(".{0,200}", proptest::collection::vec(any::<u8>(), 0..200)), |(text, bytes)| {
            let _ = Listing::parse(Path::new("listing.yaml"), &text);
            let _ = parse_spec(Path::new("spec.json"), &bytes);
            Ok(())
        })
        .expect("parsing never panics");
}
