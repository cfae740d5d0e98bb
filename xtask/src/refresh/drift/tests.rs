use super::*;
use serde_json::json;
use std::path::Path;

/// A listing with the given `apis` entries (YAML list items) for one spec, `things`.
fn listing(entries: &str) -> Listing {
    let text = format!(
            "apis:\n{entries}x-common:\n- type: x-openapi\n  url: http://127.0.0.1:9/things.json\n  x-file: things.json\n  x-spec: things\n"
        );
    match Listing::parse(Path::new("apis.yaml"), &text) {
        Ok(listing) => listing,
        Err(error) => panic!("test listing: {error}"),
    }
}

/// The old copy of the `things` spec.
fn old_spec() -> Value {
    json!({
        "openapi": "3.0.1",
        "info": {"title": "Things", "version": "1"},
        "paths": {
            "/rest/api/2/thing": {
                "get": {
                    "operationId": "listThings",
                    "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}},
                        "401": {"description": "Unauthorized"}
                    }
                },
                "post": {
                    "operationId": "createThing",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                    "responses": {"201": {"description": "Created"}}
                }
            },
            "/rest/api/2/thing/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {"operationId": "getThing", "description": "Gets a thing.", "responses": {"200": {"$ref": "#/components/responses/Thing"}}},
                "delete": {"operationId": "deleteThing", "responses": {"204": {"description": "Deleted"}}}
            },
            "/rest/api/2/other": {"get": {"operationId": "other", "responses": {"200": {"description": "OK"}}}}
        },
        "components": {
            "schemas": {
                "Page": {"type": "object", "properties": {"values": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}},
                "Thing": {"type": "object", "properties": {"id": {"type": "string"}, "description": {"type": "string"}}}
            },
            "responses": {
                "Thing": {"description": "A thing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
            }
        }
    })
}

/// Sets the value at `pointer`, whose parent must exist.
fn set(value: &mut Value, pointer: &str, new: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    let key = key.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(key, new);
        }
        Some(Value::Array(items)) => match key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
            Some(slot) => *slot = new,
            None => panic!("no {pointer} in the fixture"),
        },
        _ => panic!("no {parent} in the fixture"),
    }
}

fn remove(value: &mut Value, pointer: &str, key: &str) {
    match value.pointer_mut(pointer).and_then(Value::as_object_mut) {
        Some(map) => map.shift_remove(key),
        None => panic!("no {pointer} in the fixture"),
    };
}

const ALL: &str = "- x-api-slug: api2thing-get\n- x-operation-id: createThing\n- x-api-slug: api2thingid-get\n- x-operation-id: deleteThing\n";

#[test]
fn identical_copies_have_no_drift() {
    let report = drift(&listing(ALL), &old_spec(), &old_spec(), "things");
    assert_eq!(report.listed, 4);
    assert_eq!((report.old_operations, report.new_operations, report.added, report.removed), (5, 5, 0, 0));
    assert!(report.removed_listed.is_empty() && report.changed_listed.is_empty());
    assert!(report.other_changes.is_empty() && report.newly_listed.is_empty());
}

#[test]
fn removed_and_changed_operations_are_reported() {
    let old = old_spec();
    let mut new = old_spec();
    // Removed: a listed operation and an unlisted one; added: one unlisted.
    remove(&mut new, "/paths/~1rest~1api~12~1thing~1{id}", "delete");
    remove(&mut new, "/paths", "/rest/api/2/other");
    set(&mut new, "/paths/~1rest~1api~12~1new", json!({"get": {"responses": {"200": {"description": "OK"}}}}));
    // A parameter added and one changed; a response removed.
    set(
        &mut new,
        "/paths/~1rest~1api~12~1thing/get/parameters",
        json!([
            {"name": "limit", "in": "query", "schema": {"type": "string"}},
            {"name": "expand", "in": "query", "required": true, "schema": {"type": "string"}}
        ]),
    );
    remove(&mut new, "/paths/~1rest~1api~12~1thing/get/responses", "401");
    // A schema in the closure of three operations changed.
    set(&mut new, "/components/schemas/Thing/properties/id", json!({"type": "integer"}));
    // Documentation only.
    set(&mut new, "/paths/~1rest~1api~12~1thing~1{id}/get/description", json!("Gets one thing."));

    let report = drift(&listing(ALL), &old, &new, "things");
    assert_eq!((report.old_operations, report.new_operations, report.added, report.removed), (5, 4, 1, 2));
    let removed: Vec<String> = report.removed_listed.iter().map(ToString::to_string).collect();
    assert_eq!(removed, ["DELETE /rest/api/2/thing/{id} (listed as operationId deleteThing)"]);

    let text = report.to_string();
    let expected = "\
things: 5 -> 4 operations (1 added, 2 removed)
  4 listed operation(s): 1 removed, 3 changed, 0 changed in documentation only, 0 newly matched
  removed (the listing still selects them):
    DELETE /rest/api/2/thing/{id} (listed as operationId deleteThing)
  changed:
    GET /rest/api/2/thing (listed as api2thing-get)
      parameter `expand` in query: added (required)
      parameter `limit` in query: changed
      response 200: schemas changed: `Thing`
      response 401: removed
    POST /rest/api/2/thing (listed as operationId createThing)
      request body: schemas changed: `Thing`
    GET /rest/api/2/thing/{id} (listed as api2thingid-get)
      response 200: schemas changed: `Thing`
";
    assert_eq!(text, expected);
}

#[test]
fn documentation_changes_are_counted_apart() {
    let mut new = old_spec();
    set(&mut new, "/paths/~1rest~1api~12~1thing~1{id}/get/description", json!("Gets one thing."));
    set(&mut new, "/components/responses/Thing/description", json!("The thing"));
    // A property named `description` is a property, not documentation.
    let report = drift(&listing(ALL), &old_spec(), &new, "things");
    assert!(report.changed_listed.is_empty(), "{report}");
    let other: Vec<String> = report.other_changes.iter().map(|l| l.key.to_string()).collect();
    assert_eq!(other, ["GET /rest/api/2/thing/{id}"]);

    remove(&mut new, "/components/schemas/Thing/properties", "description");
    let report = drift(&listing(ALL), &old_spec(), &new, "things");
    let changed: Vec<String> = report.changed_listed.iter().map(|c| c.listed.key.to_string()).collect();
    assert_eq!(changed, ["GET /rest/api/2/thing", "POST /rest/api/2/thing", "GET /rest/api/2/thing/{id}"]);
}

#[test]
fn path_level_parameters_request_bodies_and_moves_are_compared() {
    let mut new = old_spec();
    set(&mut new, "/paths/~1rest~1api~12~1thing~1{id}/parameters/0/schema", json!({"type": "integer"}));
    remove(&mut new, "/paths/~1rest~1api~12~1thing/post", "requestBody");
    set(&mut new, "/paths/~1rest~1api~12~1thing~1{id}/delete/deprecated", json!(true));
    // `listThings` moved to another path.
    let moved = new.pointer("/paths/~1rest~1api~12~1thing/get").cloned().unwrap_or_default();
    remove(&mut new, "/paths/~1rest~1api~12~1thing", "get");
    set(&mut new, "/paths/~1rest~1api~12~1things", json!({ "get": moved }));

    let entries = "- x-operation-id: listThings\n- x-operation-id: createThing\n- x-spec: things\n  x-api-slug: api2thingid-get\n- x-operation-id: deleteThing\n";
    let report = drift(&listing(entries), &old_spec(), &new, "things");
    let lines: Vec<String> = report
        .changed_listed
        .iter()
        .map(|c| {
            format!("{}: {}", c.listed.key, c.changes.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
        })
        .collect();
    assert_eq!(
        lines,
        [
            "POST /rest/api/2/thing: request body: removed",
            "DELETE /rest/api/2/thing/{id}: now deprecated; parameter `id` in path: changed",
            "GET /rest/api/2/thing/{id}: parameter `id` in path: changed",
            "GET /rest/api/2/things: moved from GET /rest/api/2/thing",
        ]
    );
}

#[test]
fn entries_of_other_specs_and_new_matches() {
    // An entry qualified with another spec is not this spec's; an entry that matches nothing here is not either.
    let text = "apis:\n- x-spec: others\n  x-operation-id: deleteThing\n- x-operation-id: brandNew\n- x-operation-id: nowhere\nx-common:\n- type: x-openapi\n  url: http://127.0.0.1:9/things.json\n  x-file: things.json\n  x-spec: things\n- type: x-openapi\n  url: http://127.0.0.1:9/others.json\n  x-file: others.json\n  x-spec: others\n";
    let listing = match Listing::parse(Path::new("apis.yaml"), text) {
        Ok(listing) => listing,
        Err(error) => panic!("{error}"),
    };
    let mut new = old_spec();
    remove(&mut new, "/paths/~1rest~1api~12~1thing~1{id}", "delete");
    set(&mut new, "/paths/~1rest~1api~12~1new", json!({"post": {"operationId": "brandNew", "responses": {}}}));
    let report = drift(&listing, &old_spec(), &new, "things");
    assert!(report.removed_listed.is_empty());
    assert_eq!(report.listed, 0);
    let new_matches: Vec<String> = report.newly_listed.iter().map(ToString::to_string).collect();
    assert_eq!(new_matches, ["POST /rest/api/2/new (listed as operationId brandNew)"]);
}

#[test]
fn no_old_copy_means_everything_is_new() {
    let report = drift(&listing(ALL), &Value::Null, &old_spec(), "things");
    assert_eq!((report.old_operations, report.added, report.listed), (0, 5, 0));
    assert_eq!(report.newly_listed.len(), 4);
}
