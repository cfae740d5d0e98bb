//! The overlay mechanism on small documents: what each kind of action does, in which order, and what it records.

use generator::overlay::{apply_all, Corrections};
use serde_json::{json, Value};

/// Writes the overlay documents into a temporary folder and applies them, in order, to `document`.
fn overlaid(mut document: Value, overlays: &[(&str, &str)]) -> (Value, Corrections) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in overlays {
        std::fs::write(dir.path().join(name), text).expect("write overlay");
    }
    let names: Vec<String> = overlays.iter().map(|(name, _)| name.to_string()).collect();
    let corrections = apply_all(&mut document, dir.path(), &names).unwrap_or_else(|e| panic!("{e}"));
    (document, corrections)
}

fn overlay(actions: &str) -> String {
    format!("overlay: 1.0.0\ninfo:\n  title: Test\n  version: 1.0.0\nactions:\n{actions}")
}

fn gadget() -> Value {
    json!({
        "openapi": "3.0.1",
        "components": {"schemas": {
            "Position": {
                "type": "object",
                "required": ["The column position of the gadget.", "The row position of the gadget."],
                "properties": {
                    "The column position of the gadget.": {"type": "integer"},
                    "The row position of the gadget.": {"type": "integer"},
                    "owner": {"$ref": "#/components/schemas/User"}
                }
            },
            "User": {"type": "object"},
            "Account": {"type": "object"}
        }}
    })
}

#[test]
fn update_merges_objects_recursively_and_appends_to_arrays_inside() {
    let text = overlay(
        "- target: $.components.schemas.Position\n  update:\n    description: Where a gadget is.\n    required: [owner]\n    properties:\n      owner:\n        description: Who placed it.\n",
    );
    let (document, _) = overlaid(gadget(), &[("fix.yaml", &text)]);
    let position = &document["components"]["schemas"]["Position"];
    assert_eq!(position["description"], "Where a gadget is.");
    assert_eq!(
        position["required"],
        json!(["The column position of the gadget.", "The row position of the gadget.", "owner"])
    );
    assert_eq!(
        position["properties"]["owner"],
        json!({"$ref": "#/components/schemas/User", "description": "Who placed it."})
    );
    assert_eq!(position["properties"]["The row position of the gadget."], json!({"type": "integer"}));
}

#[test]
fn update_of_an_array_target_appends_the_value_as_one_entry() {
    let text = overlay("- target: $.components.schemas.Position.required\n  update: owner\n");
    let (document, corrections) = overlaid(gadget(), &[("fix.yaml", &text)]);
    assert_eq!(document["components"]["schemas"]["Position"]["required"][2], "owner");
    assert_eq!(corrections.touches[0].pointer, "/components/schemas/Position/required/2");
}

#[test]
fn remove_takes_every_selected_node_out_of_its_object_or_array() {
    let text = overlay(
        "- target: $.components.schemas[?@.type == 'object' && !@.properties]\n  remove: true\n- target: $.components.schemas.Position.properties[?@.type == 'integer']\n  remove: true\n",
    );
    let (document, corrections) = overlaid(gadget(), &[("fix.yaml", &text)]);
    let schemas = document["components"]["schemas"].as_object().expect("schemas");
    assert_eq!(schemas.keys().collect::<Vec<_>>(), ["Position"]);
    assert_eq!(schemas["Position"]["properties"].as_object().expect("properties").len(), 1);
    assert_eq!(corrections.touches.len(), 4);
}

#[test]
fn remove_with_update_on_one_action_only_removes_as_the_specification_says() {
    let text = overlay("- target: $.components.schemas.User\n  remove: true\n  update:\n    description: ignored\n");
    let (document, _) = overlaid(gadget(), &[("fix.yaml", &text)]);
    assert!(document["components"]["schemas"].get("User").is_none());
}

#[test]
fn remove_then_update_replaces_a_required_array_and_a_ref() {
    let text = overlay(
        "- target: $.components.schemas.Position.required\n  remove: true\n- target: $.components.schemas.Position.properties.owner\n  remove: true\n- target: $.components.schemas.Position\n  description: Jira sends column and row\n  update:\n    required: [column, row]\n    properties:\n      owner:\n        $ref: '#/components/schemas/Account'\n",
    );
    let (document, corrections) = overlaid(gadget(), &[("fix.yaml", &text)]);
    let position = &document["components"]["schemas"]["Position"];
    assert_eq!(position["required"], json!(["column", "row"]));
    assert_eq!(position["properties"]["owner"], json!({"$ref": "#/components/schemas/Account"}));
    let (_, action) = corrections.provenance("/components/schemas/Position/required/0").expect("provenance");
    assert_eq!(action.index, 2);
    assert_eq!(action.description.as_deref(), Some("Jira sends column and row"));
}

#[test]
fn several_documents_apply_in_listing_order_each_to_the_result_of_the_previous() {
    let first = overlay(
        "- target: $.components.schemas.User\n  update:\n    x-note: first\n- target: $.components.schemas.User\n  update:\n    x-note: second\n",
    );
    let second =
        overlay("- target: $.components.schemas[?@['x-note'] == 'second']\n  update:\n    x-seen-by: later.json\n");
    let second_json = serde_json::to_string(&serde_norway::from_str::<Value>(&second).expect("yaml")).expect("json");
    let (document, corrections) = overlaid(gadget(), &[("fix.yaml", &first), ("later.json", &second_json)]);
    assert_eq!(
        document["components"]["schemas"]["User"],
        json!({"type": "object", "x-note": "second", "x-seen-by": "later.json"})
    );
    assert_eq!(corrections.names(), ["fix.yaml", "later.json"]);
    let (document, action) = corrections.provenance("/components/schemas/User/x-seen-by").expect("provenance");
    assert_eq!((document.name.as_str(), action.index), ("later.json", 0));
    let (document, action) = corrections.provenance("/components/schemas/User/x-note").expect("provenance");
    assert_eq!((document.name.as_str(), action.index), ("fix.yaml", 1));
}

#[test]
fn an_action_that_matches_nothing_names_the_file_index_description_and_target() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = overlay("- target: $.components.schemas.Gone\n  description: was fixed upstream\n  update: {x-a: 1}\n");
    std::fs::write(dir.path().join("fix.yaml"), text).expect("write");
    let mut document = gadget();
    let error = apply_all(&mut document, dir.path(), &["fix.yaml".into()]).expect_err("must fail").to_string();
    assert!(
        error.contains(
            "fix.yaml: overlay action 0 (\"was fixed upstream\", target `$.components.schemas.Gone`): matches no node"
        ),
        "{error}"
    );
    assert_eq!(document, gadget(), "the failing action changed nothing");
}

#[test]
fn a_listing_with_overlays_generates_from_the_corrected_document() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = json!({
        "openapi": "3.0.1",
        "info": {"title": "Mini", "version": "1"},
        "paths": {"/rest/api/2/position": {"get": {"operationId": "getPosition", "responses": {"200": {
            "description": "OK",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Position"}}}
        }}}}},
        "components": gadget()["components"].clone()
    });
    std::fs::write(dir.path().join("mini.json"), spec.to_string()).expect("write spec");
    std::fs::create_dir(dir.path().join("overlays")).expect("mkdir");
    let fix = overlay(
        "- target: $.components.schemas.Position\n  remove: true\n- target: $.components.schemas\n  update:\n    Position:\n      type: object\n      required: [column, row]\n      properties:\n        column: {type: integer}\n        row: {type: integer}\n",
    );
    std::fs::write(dir.path().join("overlays/mini.yaml"), fix).expect("write overlay");
    let listing = "apis:\n- x-operation-id: getPosition\nx-common:\n- type: x-openapi\n  url: https://example.com/mini.json\n  x-file: mini.json\n  x-spec: mini\n  x-overlays: [overlays/mini.yaml]\n";
    std::fs::write(dir.path().join("listing.yaml"), listing).expect("write listing");
    let listing = generator::load::Listing::load(&dir.path().join("listing.yaml")).expect("listing");
    let output = generator::generate(&listing, &generator::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let types = &output.files["src/generated/mini/types.rs"];
    assert!(types.contains("pub column: i64"), "{types}");
    assert!(!types.contains("the_column_position"), "{types}");
}
