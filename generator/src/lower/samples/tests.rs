//! Sample synthesis: every sample validates against its schema (enums, formats, ranges, required, read-only),
//! examples are used only when valid, recursion ends, and credentials follow `security`.

use openapiv3::OpenAPI;
use serde_json::{json, Value};

use super::*;

fn document(components: Value) -> OpenAPI {
    serde_json::from_value(json!({
        "openapi": "3.0.1",
        "info": { "title": "t", "version": "1" },
        "paths": {},
        "components": components,
    }))
    .expect("test document")
}

fn schema_ref(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

fn worklog_document() -> OpenAPI {
    document(json!({
        "schemas": {
            "Worklog": {
                "type": "object",
                "required": ["started", "id"],
                "additionalProperties": false,
                "properties": {
                    "id": { "type": "string", "readOnly": true },
                    "self": { "type": "string", "format": "uri", "readOnly": true },
                    "author": { "allOf": [{ "$ref": "#/components/schemas/User" }], "readOnly": true },
                    "started": { "type": "string", "format": "date-time" },
                    "comment": { "type": "string", "minLength": 12, "maxLength": 20 },
                    "timeSpentSeconds": { "type": "integer", "format": "int32", "minimum": 60, "maximum": 86400 },
                    "ratio": { "type": "number", "minimum": 0, "maximum": 1, "exclusiveMaximum": true },
                    "visibility": { "allOf": [{ "$ref": "#/components/schemas/Visibility" }] },
                    "tags": { "type": "array", "items": { "type": "string", "format": "uuid" }, "minItems": 2, "uniqueItems": true },
                    "contact": { "type": "string", "format": "email" },
                    "day": { "type": "string", "format": "date" },
                    "properties": { "type": "object", "additionalProperties": { "type": "integer" } },
                    "anything": {}
                }
            },
            "Visibility": {
                "type": "object",
                "required": ["type"],
                "properties": {
                    "type": { "type": "string", "enum": ["", "group", "role"] },
                    "value": { "type": "string", "nullable": true }
                }
            },
            "User": { "type": "object", "properties": { "accountId": { "type": "string" } } }
        }
    }))
}

#[test]
fn a_full_sample_sets_every_writable_property_and_validates() {
    let document = worklog_document();
    let mut sampler = Sampler::new(&document);
    let reference = schema_ref("Worklog");
    let sample = sampler.top(Some(SchemaRef::Ref(&reference)), Mode::Full);
    assert_eq!(sampler.problems(SchemaRef::Ref(&reference), &sample), Vec::<String>::new(), "{sample}");
    let object = sample.as_object().expect("object");
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "started",
            "comment",
            "timeSpentSeconds",
            "ratio",
            "visibility",
            "tags",
            "contact",
            "day",
            "properties",
            "anything"
        ]
    );
    assert_eq!(sample["started"], "2021-01-17T12:34:00.000+0000");
    assert_eq!(sample["timeSpentSeconds"], 60);
    assert_eq!(sample["comment"].as_str().map(str::len), Some(12));
    // The first enum value that is not empty.
    assert_eq!(sample["visibility"], json!({ "type": "group", "value": "sample" }));
    assert_eq!(sample["tags"].as_array().map(Vec::len), Some(2));
    assert!(sample["ratio"].as_f64().is_some_and(|r| (0.0..1.0).contains(&r)));
}

#[test]
fn a_minimal_sample_has_the_required_writable_properties_only() {
    let document = worklog_document();
    let mut sampler = Sampler::new(&document);
    let reference = schema_ref("Worklog");
    let sample = sampler.top(Some(SchemaRef::Ref(&reference)), Mode::Minimal);
    // `id` is required but read-only: a request leaves it out.
    assert_eq!(sample, json!({ "started": "2021-01-17T12:34:00.000+0000" }));
    assert!(sampler.problems(SchemaRef::Ref(&reference), &sample).is_empty());
}

#[test]
fn the_validator_reports_what_prism_would() {
    let document = worklog_document();
    let sampler = Sampler::new(&document);
    let reference = schema_ref("Worklog");
    let problems = sampler.problems(
        SchemaRef::Ref(&reference),
        &json!({
            "id": "1",
            "started": "yesterday",
            "timeSpentSeconds": 5_000_000_000_i64,
            "visibility": { "type": "team" },
            "tags": ["x"],
            "bogus": 1
        }),
    );
    assert_eq!(
        problems,
        [
            "/id: read-only property in a request",
            "/started: \"yesterday\" is not a valid date-time",
            "/timeSpentSeconds: 5000000000 is not an int32",
            "/timeSpentSeconds: 5000000000 is outside the allowed range",
            "/visibility/type: \"team\" is not one of [\"\", \"group\", \"role\"]",
            "/tags/: 1 items is outside the allowed count",
            "/tags/0: \"x\" is not a valid uuid",
            "/bogus: property is not declared",
        ]
    );
}

#[test]
fn recursion_ends_where_a_property_is_optional() {
    let document = document(json!({
        "schemas": {
            "Node": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": { "type": "string" },
                    "parent": { "$ref": "#/components/schemas/Node" },
                    "children": { "type": "array", "items": { "$ref": "#/components/schemas/Node" } },
                    "event": { "$ref": "#/components/schemas/Event" }
                }
            },
            "Event": {
                "type": "object",
                "properties": { "templateEvent": { "$ref": "#/components/schemas/Event" }, "id": { "type": "integer" } }
            }
        }
    }));
    let mut sampler = Sampler::new(&document);
    let reference = schema_ref("Node");
    let sample = sampler.top(Some(SchemaRef::Ref(&reference)), Mode::Full);
    assert_eq!(sample, json!({ "name": "sample", "children": [], "event": { "id": 1 } }));
    assert!(sampler.problems(SchemaRef::Ref(&reference), &sample).is_empty());
}

#[test]
fn one_of_picks_a_member_that_no_other_member_accepts() {
    let document = document(json!({
        "schemas": {
            "Either": {
                "oneOf": [
                    { "type": "object", "properties": { "a": { "type": "string" } } },
                    { "type": "object", "required": ["b"], "properties": { "b": { "type": "integer" } } }
                ]
            }
        }
    }));
    let mut sampler = Sampler::new(&document);
    let reference = schema_ref("Either");
    // `{"a": "sample"}` also matches the second member? No: it lacks `b`. But `{}` would match the first only.
    let sample = sampler.top(Some(SchemaRef::Ref(&reference)), Mode::Full);
    assert!(sampler.problems(SchemaRef::Ref(&reference), &sample).is_empty(), "{sample}");
    // Both members accept an object with `b` and without `a` restrictions: exactly-one fails.
    assert_eq!(
        sampler.problems(SchemaRef::Ref(&reference), &json!({ "b": 1 })),
        ["/: matches 2 of the oneOf alternatives, not exactly one"]
    );
}

#[test]
fn examples_are_used_only_when_valid_and_json_text_is_decoded() {
    let document = worklog_document();
    let mut sampler = Sampler::new(&document);
    let reference = schema_ref("Visibility");
    let schema = Some(SchemaRef::Ref(&reference));
    let valid = json!({ "type": "role", "value": "Developers" });
    assert_eq!(sampler.valid_example(Some(&valid), schema), Some(valid.clone()));
    let text = Value::String(valid.to_string());
    assert_eq!(sampler.valid_example(Some(&text), schema), Some(valid));
    assert_eq!(sampler.valid_example(Some(&json!({ "type": "team" })), schema), None);
    assert_eq!(sampler.valid_example(None, schema), None);
}

#[test]
fn parameters_take_valid_examples_then_defaults_then_synthesized_values() {
    let document = document(json!({}));
    let parameter = |value: Value| -> Parameter { serde_json::from_value(value).expect("parameter") };
    let mut sampler = Sampler::new(&document);
    let account = parameter(json!({
        "name": "accountId", "in": "query",
        "schema": { "type": "string", "maxLength": 128, "example": "5b10ac8d82e05b22cc7d4ef5" }
    }));
    assert_eq!(sampler.parameter(&account), json!("5b10ac8d82e05b22cc7d4ef5"));
    let too_long = parameter(json!({
        "name": "accountId", "in": "query", "example": "x".repeat(200), "schema": { "type": "string", "maxLength": 128 }
    }));
    assert_eq!(sampler.parameter(&too_long), json!("sample"));
    let list = parameter(json!({
        "name": "fields", "in": "query", "example": "summary,status",
        "schema": { "type": "array", "items": { "type": "string" } }
    }));
    assert_eq!(sampler.parameter(&list), json!(["summary", "status"]));
    let default = parameter(json!({
        "name": "maxResults", "in": "query", "schema": { "type": "integer", "format": "int32", "default": 50 }
    }));
    assert_eq!(sampler.parameter(&default), json!(50));
    let empty_default =
        parameter(json!({ "name": "expand", "in": "query", "schema": { "type": "string", "default": "" } }));
    assert_eq!(sampler.parameter(&empty_default), json!("sample"));
}

#[test]
fn samples_take_the_rust_shape_of_their_parameter() {
    let param = |ty: TypeRef, list: Option<bool>| Param {
        name: "p".into(),
        wire: "p".into(),
        location: ParamLocation::Query,
        required: false,
        ty,
        list,
        doc: None,
        deprecated: false,
    };
    assert_eq!(rust_shape(&param(TypeRef::String, None), json!(5)), json!("5"));
    assert_eq!(rust_shape(&param(TypeRef::String, None), json!({ "a": 1 })), json!("{\"a\":1}"));
    assert_eq!(rust_shape(&param(TypeRef::I64, Some(true)), json!(5)), json!([5]));
    assert_eq!(rust_shape(&param(TypeRef::String, Some(false)), json!([1, "a"])), json!(["1", "a"]));
}

#[test]
fn credentials_follow_the_security_requirements() {
    let document: OpenAPI = serde_json::from_value(json!({
        "openapi": "3.0.1",
        "info": { "title": "t", "version": "1" },
        "paths": {},
        "components": { "securitySchemes": {
            "basicAuth": { "type": "http", "scheme": "basic" },
            "OAuth2": { "type": "oauth2", "flows": {} },
            "key": { "type": "apiKey", "in": "header", "name": "X-Key" }
        } }
    }))
    .expect("document");
    let operation = |security: Value| -> openapiv3::Operation {
        serde_json::from_value(json!({ "responses": {}, "security": security })).expect("operation")
    };
    assert_eq!(auth(&document, &operation(json!([{ "OAuth2": ["read"] }, { "basicAuth": [] }, {}]))), Auth::Basic);
    assert_eq!(auth(&document, &operation(json!([{ "OAuth2": ["read"] }]))), Auth::Bearer);
    assert_eq!(auth(&document, &operation(json!([{}]))), Auth::None);
    assert_eq!(auth(&document, &operation(json!([{ "key": [] }]))), Auth::None);
    let unsecured: openapiv3::Operation = serde_json::from_value(json!({ "responses": {} })).expect("operation");
    assert_eq!(auth(&document, &unsecured), Auth::None);
}

/// Every sample body built for every operation of the committed specs validates against its schema.
#[test]
fn every_sample_of_the_real_specs_validates() {
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut checked = 0;
    let mut all_failures = Vec::new();
    for entry in std::fs::read_dir(&specs).expect("specs folder") {
        let path = entry.expect("entry").path();
        if !path.to_string_lossy().ends_with(".v3.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("spec");
        let document: OpenAPI = serde_json::from_str(&text).expect("spec parses");
        let mut failures = Vec::new();
        for (path_name, method, operation) in crate::select::operations(&document) {
            let Some(ReferenceOr::Item(item)) = document.paths.paths.get(path_name) else { continue };
            let mut sampler = Sampler::new(&document);
            for param in raw_parameters(&document, item, operation) {
                let value = sampler.parameter(param);
                if let ParameterSchemaOrContent::Schema(schema) = &param.parameter_data_ref().format {
                    let problems = sampler.problems(schema.into(), &value);
                    if !problems.is_empty() {
                        failures
                            .push(format!("{method} {path_name} {}: {problems:?}", param.parameter_data_ref().name));
                    }
                }
            }
            let body = match &operation.request_body {
                Some(ReferenceOr::Item(body)) => Some(body),
                Some(ReferenceOr::Reference { reference }) => component_key(reference, "requestBodies")
                    .and_then(|key| document.components.as_ref()?.request_bodies.get(&key))
                    .and_then(|body| match body {
                        ReferenceOr::Item(body) => Some(body),
                        ReferenceOr::Reference { .. } => None,
                    }),
                None => None,
            };
            let Some(schema) = body.and_then(|b| b.content.get("application/json")).and_then(|m| m.schema.as_ref())
            else {
                continue;
            };
            for mode in [Mode::Full, Mode::Minimal] {
                let sample = sampler.top(Some(schema.into()), mode);
                let problems = sampler.problems(schema.into(), &sample);
                checked += 1;
                if !problems.is_empty() {
                    failures.push(format!("{method} {path_name} body ({mode:?}): {problems:?}"));
                }
            }
        }
        let file = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        all_failures.extend(failures.into_iter().map(|f| format!("{file}: {f}")));
    }
    // Bodies no value can satisfy, because of mistakes in the specs.
    let unsatisfiable = [
        // `required: [securitySchemeLevelMembers]` beside `properties: {members}` and `additionalProperties: false`.
        "/issuesecurityschemes/{schemeId}/level/{levelId}/member body",
        // Likewise `targetToMultipleSourceMapping`; and discriminator values that the `type` enum does not allow.
        "/rest/api/3/bulk/issues/move body",
        // `body` is `oneOf` two object schemas that both accept any object, so nothing matches exactly one.
        " /blogposts",
        " /custom-content",
        " /pages",
        " /footer-comments",
        " /inline-comments",
    ];
    all_failures.retain(|f| !unsatisfiable.iter().any(|u| f.contains(u)));
    assert!(all_failures.is_empty(), "{} samples do not validate:\n{}", all_failures.len(), all_failures.join("\n"));
    assert!(checked > 1000, "only {checked} bodies checked");
}

/// The calls of each operation together set every parameter and every writable property of a JSON body, so that a
/// misspelled name cannot hide behind Prism ignoring unknown optional ones: for every operation of every spec.
#[test]
fn the_calls_of_every_operation_set_every_parameter_and_body_field() {
    use crate::ir::{BodyMedia, TypeKind};

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let listing = crate::load::Listing::load(&root.join("specs/atlassian.apis.yaml")).expect("listing");
    let selection =
        crate::select::select(&listing, &crate::Options { all: true, ..Default::default() }).expect("select");
    let api = crate::lower::lower(&selection, &[]).expect("lower");
    let mut operations = 0;
    let mut missing = Vec::new();
    for spec in &api.specs {
        let types: std::collections::BTreeMap<&str, &crate::ir::TypeDef> =
            spec.types.iter().map(|t| (t.name.as_str(), t)).collect();
        for op in &spec.operations {
            operations += 1;
            assert!(op.samples.iter().any(|c| c.name == "full"), "{} {}: no full call", spec.name, op.id);
            for param in &op.params {
                if !op.samples.iter().any(|c| c.params.iter().any(|(name, _)| *name == param.name)) {
                    missing.push(format!("{} {} parameter {}", spec.name, op.id, param.wire));
                }
            }
            let Some(body) = op.body.as_ref().filter(|b| b.media == BodyMedia::Json) else { continue };
            let Some(TypeKind::Struct(fields)) = body.ty.direct_name().and_then(|n| types.get(n)).map(|t| &t.kind)
            else {
                continue;
            };
            for field in fields.fields.iter().filter(|f| !f.read_only) {
                let set = op.samples.iter().any(|c| c.body.as_ref().and_then(|b| b.get(&field.wire)).is_some());
                // A property that leads straight back to the body's own type is left out (recursion).
                let recursive = field.ty.direct_name() == body.ty.direct_name();
                if !set && !recursive {
                    missing.push(format!("{} {} body field {}", spec.name, op.id, field.wire));
                }
            }
        }
    }
    assert!(operations > 1700, "only {operations} operations");
    assert!(missing.is_empty(), "{} not set by any call:\n{}", missing.len(), missing.join("\n"));
}
