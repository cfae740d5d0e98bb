//! Sample calls for the conformance check: for each operation, arguments that its spec says are valid.
//!
//! Each operation gets a `full` call (every parameter and every writable body field set, so that a misspelled
//! optional name cannot hide: Prism ignores unknown optional parameters), a `required` call (required parameters
//! and body fields only) where that differs, and an `example` call where the request body has a valid example of
//! its own. Values come from the spec's examples where they are valid, else from its defaults, else they are built
//! from the schema: formats, enums, lengths and ranges respected, read-only properties left out, recursion cut
//! where a property is optional. The same walk validates examples, and the unit tests check synthesized samples
//! with it.

use std::cell::RefCell;
use std::collections::BTreeMap;

use openapiv3::{
    AdditionalProperties, Discriminator, MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, PathItem,
    ReferenceOr, RequestBody, Schema, SchemaKind, SecurityScheme, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use regex::Regex;
use serde_json::{json, Map, Value};

use super::component_key;
use super::schema::SchemaRef;
use crate::ir::{Auth, BodyMedia, Method, Operation, Param, ParamLocation, SampleCall, TypeRef};

/// Fills in `op.samples` and `op.auth` from the operation's definition in the sampler's document. One sampler
/// serves every operation of a spec, so each distinct `pattern` is compiled once.
pub(super) fn attach<'a>(sampler: &mut Sampler<'a>, op: &mut Operation) {
    let document = sampler.document;
    let Some(ReferenceOr::Item(item)) = document.paths.paths.get(&op.path) else { return };
    let method = method_key(op.method);
    let Some((_, operation)) = item.iter().find(|(m, _)| *m == method) else { return };
    // An `Authorization` header parameter (Connect's JWT) carries the credentials itself.
    let own_credentials =
        op.params.iter().any(|p| p.location == ParamLocation::Header && p.wire.eq_ignore_ascii_case("authorization"));
    op.auth = if own_credentials { Auth::None } else { auth(document, operation) };
    op.samples = sample_calls(sampler, item, operation, op);
}

/// The credentials to send: basic where a requirement allows it, else a bearer token where one allows OAuth 2.0,
/// OpenID Connect or `http` `bearer`, else none.
pub(crate) fn auth(document: &OpenAPI, operation: &openapiv3::Operation) -> Auth {
    let Some(requirements) = operation.security.as_ref().or(document.security.as_ref()) else { return Auth::None };
    let schemes = document.components.as_ref().map(|c| &c.security_schemes);
    let kind = |name: &str| match schemes.and_then(|s| s.get(name)) {
        Some(ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. })) if scheme.eq_ignore_ascii_case("basic") => {
            Auth::Basic
        }
        Some(ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. })) if scheme.eq_ignore_ascii_case("bearer") => {
            Auth::Bearer
        }
        Some(ReferenceOr::Item(SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. })) => Auth::Bearer,
        _ => Auth::None,
    };
    // A requirement object lists schemes that must all be satisfied; Atlassian's list one each.
    let satisfiable = |wanted: Auth| {
        requirements.iter().any(|requirement| !requirement.is_empty() && requirement.keys().all(|k| kind(k) == wanted))
    };
    if satisfiable(Auth::Basic) {
        Auth::Basic
    } else if satisfiable(Auth::Bearer) {
        Auth::Bearer
    } else {
        Auth::None
    }
}

fn method_key(method: Method) -> &'static str {
    match method {
        Method::Get => "get",
        Method::Put => "put",
        Method::Post => "post",
        Method::Delete => "delete",
        Method::Patch => "patch",
        Method::Head => "head",
        Method::Options => "options",
    }
}

fn sample_calls<'a>(
    sampler: &mut Sampler<'a>,
    item: &'a PathItem,
    operation: &'a openapiv3::Operation,
    op: &Operation,
) -> Vec<SampleCall> {
    let document = sampler.document;
    let raw = raw_parameters(document, item, operation);
    let mut full_params = Vec::new();
    let mut required_params = Vec::new();
    for param in &op.params {
        let Some(raw) = raw.iter().find(|p| matches_param(p, param)) else { continue };
        let value = sampler.parameter(raw);
        let value = rust_shape(param, value);
        if param.required {
            required_params.push((param.name.clone(), value.clone()));
        }
        full_params.push((param.name.clone(), value));
    }

    let media = request_media(document, operation, op);
    let (full_body, minimal_body, example_body) = match &op.body {
        None => (None, None, None),
        Some(body) => {
            let schema = media.and_then(|m| m.schema.as_ref()).map(SchemaRef::from);
            match &body.media {
                BodyMedia::Json => {
                    let full = sampler.top(schema, Mode::Full);
                    let minimal = sampler.top(schema, Mode::Minimal);
                    let example = media.and_then(|m| sampler.valid_example(media_example(m), schema));
                    (Some(full), body.required.then_some(minimal), example)
                }
                BodyMedia::Text => {
                    let text = media
                        .and_then(media_example)
                        .filter(|e| e.is_string())
                        .cloned()
                        .unwrap_or_else(|| Value::from("sample"));
                    (Some(text.clone()), body.required.then_some(text), None)
                }
                BodyMedia::Multipart => {
                    let parts = sampler.multipart(schema);
                    (Some(parts.clone()), body.required.then_some(parts), None)
                }
                // Raw bytes: the emitted call sends a small fixed payload; the value only says "send one".
                BodyMedia::Bytes(_) => (Some(Value::Null), body.required.then_some(Value::Null), None),
            }
        }
    };

    let mut calls = vec![SampleCall { name: "full".into(), params: full_params.clone(), body: full_body.clone() }];
    if required_params != full_params || minimal_body != full_body {
        calls.push(SampleCall { name: "required".into(), params: required_params.clone(), body: minimal_body.clone() });
    }
    if let Some(example) = example_body.filter(|e| Some(e) != full_body.as_ref() && Some(e) != minimal_body.as_ref()) {
        calls.push(SampleCall { name: "example".into(), params: required_params, body: Some(example) });
    }
    calls
}

/// The parameters of an operation: the path item's, overridden by the operation's of the same name and location.
fn raw_parameters<'a>(
    document: &'a OpenAPI,
    item: &'a PathItem,
    operation: &'a openapiv3::Operation,
) -> Vec<&'a Parameter> {
    let resolve = |p: &'a ReferenceOr<Parameter>| match p {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => {
            let key = component_key(reference, "parameters")?;
            match document.components.as_ref()?.parameters.get(&key)? {
                ReferenceOr::Item(p) => Some(p),
                ReferenceOr::Reference { .. } => None,
            }
        }
    };
    let mut params: Vec<&Parameter> = item.parameters.iter().filter_map(resolve).collect();
    for param in operation.parameters.iter().filter_map(resolve) {
        let data = param.parameter_data_ref();
        params.retain(|q| {
            !(q.parameter_data_ref().name == data.name && std::mem::discriminant(*q) == std::mem::discriminant(param))
        });
        params.push(param);
    }
    params
}

fn matches_param(raw: &Parameter, param: &Param) -> bool {
    let location = match raw {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => return false,
    };
    location == param.location && raw.parameter_data_ref().name == param.wire
}

/// The media type entry the client sends for the operation's body.
fn request_media<'a>(
    document: &'a OpenAPI,
    operation: &'a openapiv3::Operation,
    op: &Operation,
) -> Option<&'a MediaType> {
    let body: &RequestBody = match operation.request_body.as_ref()? {
        ReferenceOr::Item(body) => body,
        ReferenceOr::Reference { reference } => {
            let key = component_key(reference, "requestBodies")?;
            match document.components.as_ref()?.request_bodies.get(&key)? {
                ReferenceOr::Item(body) => body,
                ReferenceOr::Reference { .. } => return None,
            }
        }
    };
    let wanted = op.body.as_ref().map(|b| b.media_type.as_str()).unwrap_or_default();
    body.content
        .iter()
        .find(|(name, _)| name.split(';').next().unwrap_or(name).trim() == wanted)
        .or_else(|| body.content.first())
        .map(|(_, media)| media)
}

fn media_example(media: &MediaType) -> Option<&Value> {
    media.example.as_ref().or_else(|| {
        media.examples.values().find_map(|e| match e {
            ReferenceOr::Item(example) => example.value.as_ref(),
            ReferenceOr::Reference { .. } => None,
        })
    })
}

/// A sample value in the form the emitted call passes it: an array for a list parameter, a string where the
/// parameter is typed as one (numbers, objects: their JSON text).
fn rust_shape(param: &Param, value: Value) -> Value {
    let scalar = |value: Value| match (&param.ty, value) {
        (TypeRef::String | TypeRef::DateTime | TypeRef::Named(_), Value::String(s)) => Value::String(s),
        (TypeRef::String | TypeRef::DateTime | TypeRef::Named(_), other) => Value::String(match other {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            other => other.to_string(),
        }),
        (_, other) => other,
    };
    match (param.list, value) {
        (Some(_), Value::Array(items)) => Value::Array(items.into_iter().map(scalar).collect()),
        (Some(_), other) => Value::Array(vec![scalar(other)]),
        (None, value) => scalar(value),
    }
}

/// How much of an object to fill in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Every writable property.
    Full,
    /// Required properties only.
    Minimal,
}

/// How deep `$ref`s are expanded in full before optional properties are left out (wide schemas grow fast).
const FULL_DEPTH: usize = 6;
/// How deep `$ref`s are followed at all.
const MAX_DEPTH: usize = 24;

/// Builds and checks values against the schemas of one document.
pub(crate) struct Sampler<'a> {
    document: &'a OpenAPI,
    /// The component schemas being expanded, innermost last: meeting one again is a cycle.
    stack: Vec<&'a str>,
    /// `pattern`s compiled so far; `None` for one the `regex` crate cannot read (it is then not checked).
    patterns: RefCell<BTreeMap<String, Option<Regex>>>,
}

/// Strings tried, in order, for a string with a `pattern` that the plain sample does not match.
const PATTERN_CANDIDATES: &[&str] = &["sample", "10000", "PROJ-1", "JWT sample", "att10000", "sample-1", "a", "1"];

impl<'a> Sampler<'a> {
    pub(crate) fn new(document: &'a OpenAPI) -> Sampler<'a> {
        Sampler { document, stack: Vec::new(), patterns: RefCell::new(BTreeMap::new()) }
    }

    /// Whether `text` matches a JSON Schema `pattern` (an ECMAScript regex that may match anywhere), or `None`
    /// if the pattern cannot be compiled here.
    fn pattern_matches(&self, pattern: &str, text: &str) -> Option<bool> {
        let mut patterns = self.patterns.borrow_mut();
        let regex = patterns.entry(pattern.to_owned()).or_insert_with(|| {
            // ECMAScript's `\p{Digit}` is Unicode's `\p{Nd}`.
            Regex::new(&pattern.replace(r"\p{Digit}", r"\p{Nd}")).ok()
        });
        regex.as_ref().map(|regex| regex.is_match(text))
    }

    /// The schema a position names, following `$ref`s to component schemas.
    fn resolve(&self, schema: SchemaRef<'a>) -> Option<&'a Schema> {
        let mut schema = schema;
        for _ in 0..MAX_DEPTH {
            match schema {
                SchemaRef::Item(item) => return Some(item),
                SchemaRef::Ref(reference) => {
                    let key = component_key(reference, "schemas")?;
                    schema = SchemaRef::from(self.document.components.as_ref()?.schemas.get(&key)?);
                }
            }
        }
        None
    }
}

/// The members a discriminator chooses between, with the value that names each: its `mapping`, else each
/// `$ref` member under its component's name.
fn discriminated_members<'a>(schema: &'a Schema, discriminator: &'a Discriminator) -> Vec<(String, &'a str)> {
    if !discriminator.mapping.is_empty() {
        return discriminator.mapping.iter().map(|(tag, reference)| (tag.clone(), reference.as_str())).collect();
    }
    let members = match &schema.schema_kind {
        SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => members,
        SchemaKind::Any(any) if !any.one_of.is_empty() => &any.one_of,
        SchemaKind::Any(any) => &any.any_of,
        _ => return Vec::new(),
    };
    members
        .iter()
        .filter_map(|member| match member {
            ReferenceOr::Reference { reference } => Some((component_key(reference, "schemas")?, reference.as_str())),
            ReferenceOr::Item(_) => None,
        })
        .collect()
}

/// An object schema's properties, in declaration order.
fn properties<'a>(
    map: impl IntoIterator<Item = (&'a String, &'a ReferenceOr<Box<Schema>>)>,
) -> Vec<(&'a str, SchemaRef<'a>)> {
    map.into_iter().map(|(name, schema)| (name.as_str(), schema.into())).collect()
}

fn string_format_name(format: StringFormat) -> &'static str {
    match format {
        StringFormat::Date => "date",
        StringFormat::DateTime => "date-time",
        StringFormat::Password => "password",
        StringFormat::Byte => "byte",
        StringFormat::Binary => "binary",
    }
}

mod build;
mod check;

#[cfg(test)]
mod tests;
