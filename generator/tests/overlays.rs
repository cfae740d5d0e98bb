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

/// Writes into `dir` a spec `mini.json` whose one operation, `GET /rest/api/2/<operation>` (`operation`), answers
/// the component `response` of `components`; the overlay files; and a listing selecting it with those overlays.
fn mini_listing(
    dir: &std::path::Path,
    operation: &str,
    response: &str,
    components: Value,
    overlays: &[(&str, &str)],
) -> generator::load::Listing {
    let spec = json!({
        "openapi": "3.0.1",
        "info": {"title": "Mini", "version": "1"},
        "paths": {format!("/rest/api/2/{operation}"): {"get": {"operationId": operation, "responses": {"200": {
            "description": "OK",
            "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{response}")}}}
        }}}}},
        "components": components
    });
    std::fs::write(dir.join("mini.json"), spec.to_string()).expect("write spec");
    for (name, text) in overlays {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, text).expect("write overlay");
    }
    let names: Vec<&str> = overlays.iter().map(|(name, _)| *name).collect();
    let listing = format!(
        "apis:\n- x-operation-id: {operation}\nx-common:\n- type: x-openapi\n  url: https://example.com/mini.json\n  \
         x-file: mini.json\n  x-spec: mini\n  x-overlays: [{}]\n",
        names.join(", ")
    );
    std::fs::write(dir.join("listing.yaml"), listing).expect("write listing");
    generator::load::Listing::load(&dir.join("listing.yaml")).expect("listing")
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
    let fix = overlay(
        "- target: $.components.schemas.Position\n  remove: true\n- target: $.components.schemas\n  update:\n    Position:\n      type: object\n      required: [column, row]\n      properties:\n        column: {type: integer}\n        row: {type: integer}\n",
    );
    let components = gadget()["components"].clone();
    let listing = mini_listing(dir.path(), "getPosition", "Position", components, &[("overlays/mini.yaml", &fix)]);
    let output = generator::generate(&listing, &generator::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let types = &output.files["src/generated/mini/types.rs"];
    assert!(types.contains("pub column: i64"), "{types}");
    assert!(!types.contains("the_column_position"), "{types}");
}

#[test]
fn x_rust_type_uses_the_crate_type_and_leaves_the_schema_closure_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let components = json!({"schemas": {
        "Task": {"type": "object", "properties": {
            "result": {"$ref": "#/components/schemas/JsonNode"},
            "finished": {"type": "integer", "format": "int64"}
        }},
        "JsonNode": {"type": "object", "properties": {"array": {"$ref": "#/components/schemas/JsonNodeGetters"}}},
        "JsonNodeGetters": {"type": "object", "properties": {"float": {"type": "boolean"}}}
    }});
    let fix = overlay(
        "- target: $.components.schemas.JsonNode\n  description: result is any JSON\n  update:\n    x-rust-type: serde_json::Value\n- target: $.components.schemas.Task.properties.finished\n  update:\n    x-rust-type: JiraDateTime\n",
    );
    let listing = mini_listing(dir.path(), "getTask", "Task", components, &[("fix.yaml", &fix)]);
    let selection = generator::select::select(&listing, &generator::Options::default()).expect("selects");
    let schemas: Vec<&str> = selection.specs[0].schemas.iter().map(String::as_str).collect();
    assert_eq!(schemas, ["JsonNode", "Task"], "JsonNodeGetters is only reached through the x-rust-type schema");
    let output = generator::generate(&listing, &generator::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let types = &output.files["src/generated/mini/types.rs"];
    assert!(types.contains("pub type JsonNode = ::serde_json::Value;"), "{types}");
    assert!(types.contains("crate::runtime::JiraDateTime"), "{types}");
    assert!(!types.contains("JsonNodeGetters"), "{types}");
}

#[test]
fn the_list_of_corrections_names_each_action_and_lists_prism_only_ones_apart() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("mini.json"), gadget().to_string()).expect("write spec");
    std::fs::write(dir.path().join("body.json"), "{}").expect("write evidence");
    let fix = overlay(
        "- target: $.components.schemas.User\n  description: Jira sends a | in names\n  update: {x-a: 1}\n  x-evidence:\n    bodies:\n    - {file: body.json, schema: User, kind: capture}\n    - {file: body.json, schema: User, kind: capture}\n    reports: [https://example.com/1]\n- target: $.components.schemas.Account\n  description: Prism needs a type\n  update: {type: object}\n  x-prism-only: true\n  x-evidence:\n    bodies:\n    - {file: body.json, schema: Account, kind: client-fixture}\n",
    );
    std::fs::write(dir.path().join("fix.yaml"), fix).expect("write overlay");
    let listing = "apis: []\nx-common:\n- type: x-openapi\n  url: https://example.com/mini.json\n  x-file: mini.json\n  x-spec: mini\n  x-overlays: [fix.yaml]\n";
    std::fs::write(dir.path().join("listing.yaml"), listing).expect("write listing");
    let listing = generator::load::Listing::load(&dir.path().join("listing.yaml")).expect("listing");
    let list = generator::overlay::summary::corrections_markdown(&listing).expect("list");
    let (general, prism) = list.split_once("Made only so that Prism accepts more").expect("two parts");
    assert!(
        general.contains("| `mini` | `fix.yaml` #0 | `$.components.schemas.User` | Jira sends a \\| in names | capture ×2, 1 report(s) |"),
        "{list}"
    );
    assert!(!general.contains("Prism needs a type"), "{list}");
    assert!(
        prism.contains(
            "| `mini` | `fix.yaml` #1 | `$.components.schemas.Account` | Prism needs a type | client-fixture |"
        ),
        "{list}"
    );
    let readme = "# Title\n<!-- corrections:begin -->\nold\n<!-- corrections:end -->\nafter\n";
    let path = std::path::Path::new("README.md");
    let updated = generator::overlay::summary::replace_between_markers(path, readme, &list).expect("markers");
    assert_eq!(updated, format!("# Title\n<!-- corrections:begin -->\n{list}<!-- corrections:end -->\nafter\n"));
    let error =
        generator::overlay::summary::replace_between_markers(path, "# no markers\n", &list).expect_err("no markers");
    assert!(error.to_string().contains("README.md: the marker `<!-- corrections:begin -->` is missing"), "{error}");
}
