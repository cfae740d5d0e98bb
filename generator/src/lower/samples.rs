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
use crate::ir::{Auth, BodyMedia, Operation, Param, ParamLocation, SampleCall, TypeRef};

/// Fills in `op.samples` and `op.auth` from the operation's definition in the sampler's document. One sampler
/// serves every operation of a spec, so each distinct `pattern` is compiled once.
pub(super) fn attach<'a>(sampler: &mut Sampler<'a>, op: &mut Operation) {
    let document = sampler.document;
    let Some(ReferenceOr::Item(item)) = document.paths.paths.get(&op.path) else { return };
    let method = op.method.key();
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

    /// A string sample that also matches `pattern`: the plain sample if it does, else the first candidate that
    /// does and fits the length bounds.
    fn string_sample<'v>(
        &self,
        format: &str,
        enumeration: impl Iterator<Item = &'v str>,
        min_length: Option<usize>,
        max_length: Option<usize>,
        pattern: Option<&str>,
    ) -> Value {
        let value = string_value(format, enumeration, min_length, max_length);
        let Some(pattern) = pattern else { return value };
        if self.pattern_matches(pattern, value.as_str().unwrap_or_default()) != Some(false) {
            return value;
        }
        let fits = |c: &&str| {
            let length = c.chars().count();
            min_length.is_none_or(|min| length >= min) && max_length.is_none_or(|max| length <= max)
        };
        // Last, the pattern's own letters and digits: `(att)?0-9+` -> `att0-9`.
        let literal: String = pattern.chars().filter(|c| c.is_alphanumeric() || "-_ ".contains(*c)).collect();
        let found = PATTERN_CANDIDATES
            .iter()
            .copied()
            .chain([literal.as_str()])
            .filter(|c| fits(c))
            .find(|c| self.pattern_matches(pattern, c) == Some(true))
            .map(str::to_owned);
        found.map_or(value, Value::from)
    }

    /// A valid value for a parameter: its example, its schema's example or default, or one built from the schema.
    fn parameter(&mut self, param: &'a Parameter) -> Value {
        let data = param.parameter_data_ref();
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => Some(SchemaRef::from(schema)),
            ParameterSchemaOrContent::Content(content) => {
                content.values().find_map(|m| m.schema.as_ref()).map(SchemaRef::from)
            }
        };
        let example = data.example.as_ref().or_else(|| {
            data.examples.values().find_map(|e| match e {
                ReferenceOr::Item(example) => example.value.as_ref(),
                ReferenceOr::Reference { .. } => None,
            })
        });
        if let Some(value) = self.valid_example(example, schema) {
            return value;
        }
        // An array parameter's example is often written as the comma-separated text of its query value.
        if let (Some(Value::String(text)), Some(schema)) = (example, schema) {
            let items = Value::Array(text.split(',').map(|s| Value::from(s.trim())).collect());
            if self.problems(schema, &items).is_empty() {
                return items;
            }
        }
        self.top(schema, Mode::Full)
    }

    /// `example` (decoded when it is JSON text and the schema is not a string), if it is valid against `schema`.
    pub(crate) fn valid_example(&mut self, example: Option<&Value>, schema: Option<SchemaRef<'a>>) -> Option<Value> {
        let example = example?;
        let Some(schema) = schema else { return Some(example.clone()) };
        if self.problems(schema, example).is_empty() {
            return Some(example.clone());
        }
        let decoded = serde_json::from_str::<Value>(example.as_str()?).ok()?;
        self.problems(schema, &decoded).is_empty().then_some(decoded)
    }

    /// A value for a whole body or parameter; `{}` schemas get a small object.
    pub(crate) fn top(&mut self, schema: Option<SchemaRef<'a>>, mode: Mode) -> Value {
        let sample = schema.and_then(|schema| self.value(schema, mode));
        match sample {
            Some(Value::Null) | None => json!({ "sample": "value" }),
            Some(value) => value,
        }
    }

    /// Multipart parts as `[{"name", "content", "file"?}]`: binary properties become files; without a schema,
    /// one file part named `file` (what Jira's uploads take).
    fn multipart(&mut self, schema: Option<SchemaRef<'a>>) -> Value {
        let file = |name: &str| json!({ "name": name, "file": "sample.txt", "content": "sample" });
        let Some(Value::Object(fields)) = schema.and_then(|s| self.value(s, Mode::Full)) else {
            return Value::Array(vec![file("file")]);
        };
        let binary = self.binary_properties(schema);
        let parts = fields
            .into_iter()
            .map(|(name, value)| {
                if binary.contains(&name) {
                    file(&name)
                } else {
                    let content = match value {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    json!({ "name": name, "content": content })
                }
            })
            .collect();
        Value::Array(parts)
    }

    fn binary_properties(&self, schema: Option<SchemaRef<'a>>) -> Vec<String> {
        let Some(schema) = schema.and_then(|s| self.resolve(s)) else { return Vec::new() };
        let properties = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => &object.properties,
            SchemaKind::Any(any) => &any.properties,
            _ => return Vec::new(),
        };
        properties
            .iter()
            .filter(|(_, p)| {
                let p = self.resolve(SchemaRef::from(*p));
                p.is_some_and(|p| match &p.schema_kind {
                    SchemaKind::Type(Type::String(s)) => {
                        matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary))
                    }
                    SchemaKind::Any(any) => any.format.as_deref() == Some("binary"),
                    _ => false,
                })
            })
            .map(|(name, _)| name.clone())
            .collect()
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

    /// A valid value for `schema`, or `None` where only a cycle back into a schema being expanded could provide
    /// one (the caller then leaves an optional property out, or uses an empty array).
    pub(crate) fn value(&mut self, schema: SchemaRef<'a>, mode: Mode) -> Option<Value> {
        match schema {
            SchemaRef::Item(schema) => self.schema_value(schema, mode),
            SchemaRef::Ref(reference) => {
                if self.stack.contains(&reference) || self.stack.len() >= MAX_DEPTH {
                    return None;
                }
                let key = component_key(reference, "schemas")?;
                let target = self.document.components.as_ref()?.schemas.get(&key)?;
                self.stack.push(reference);
                let mode = if self.stack.len() > FULL_DEPTH { Mode::Minimal } else { mode };
                let value = self.value(SchemaRef::from(target), mode);
                self.stack.pop();
                value
            }
        }
    }

    fn schema_value(&mut self, schema: &'a Schema, mode: Mode) -> Option<Value> {
        let data = &schema.schema_data;
        for candidate in [&data.example, &data.default].into_iter().flatten() {
            let usable = !matches!(candidate, Value::Null)
                && !matches!(candidate, Value::String(s) if s.is_empty())
                && !matches!(candidate, Value::Object(_) | Value::Array(_));
            if usable && self.problems(SchemaRef::Item(schema), candidate).is_empty() {
                return Some(candidate.clone());
            }
        }
        // A discriminated union: the first member, its discriminator property set to the value naming it.
        if let Some(discriminator) = &data.discriminator {
            for (tag, reference) in discriminated_members(schema, discriminator) {
                if let Some(Value::Object(mut object)) = self.value(SchemaRef::Ref(reference), mode) {
                    object.insert(discriminator.property_name.clone(), Value::from(tag));
                    return Some(Value::Object(object));
                }
            }
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let format = match &s.format {
                    VariantOrUnknownOrEmpty::Item(f) => string_format_name(*f).to_owned(),
                    VariantOrUnknownOrEmpty::Unknown(f) => f.to_ascii_lowercase(),
                    VariantOrUnknownOrEmpty::Empty => String::new(),
                };
                Some(self.string_sample(
                    &format,
                    s.enumeration.iter().flatten().map(String::as_str),
                    s.min_length,
                    s.max_length,
                    s.pattern.as_deref(),
                ))
            }
            SchemaKind::Type(Type::Integer(i)) => Some(match i.enumeration.iter().flatten().next() {
                Some(first) => Value::from(*first),
                None => Value::from(integer_value(
                    i.minimum,
                    i.maximum,
                    i.exclusive_minimum,
                    i.exclusive_maximum,
                    i.multiple_of,
                )),
            }),
            SchemaKind::Type(Type::Number(n)) => Some(match n.enumeration.iter().flatten().next() {
                Some(first) => Value::from(*first),
                None => Value::from(number_value(n.minimum, n.maximum, n.exclusive_minimum, n.exclusive_maximum)),
            }),
            SchemaKind::Type(Type::Boolean(b)) => {
                Some(Value::Bool(b.enumeration.iter().flatten().next().copied().unwrap_or(true)))
            }
            SchemaKind::Type(Type::Array(a)) => self.array_value(a.items.as_ref(), a.min_items, mode),
            SchemaKind::Type(Type::Object(o)) => {
                let mut value = self.object_value(
                    properties(&o.properties),
                    &o.required,
                    o.additional_properties.as_ref(),
                    &[],
                    mode,
                )?;
                if let (Some(max), Value::Object(object)) = (o.max_properties, &mut value) {
                    // Optional properties beyond `maxProperties` are left out (Jira's `JsonNode`: 36 of them, 10 at most).
                    let optional: Vec<String> =
                        object.keys().filter(|key| !o.required.contains(key)).cloned().collect();
                    for key in optional.into_iter().rev().take(object.len().saturating_sub(max)) {
                        object.remove(&key);
                    }
                }
                Some(value)
            }
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [only] => self.value(only.into(), mode),
                _ => self.object_value(Vec::new(), &[], None, all_of, mode),
            },
            SchemaKind::OneOf { one_of } => self.choice(one_of, true, mode),
            SchemaKind::AnyOf { any_of } => self.choice(any_of, false, mode),
            SchemaKind::Not { .. } => Some(Value::from("sample")),
            SchemaKind::Any(any) => {
                if let Some(first) = any.enumeration.iter().find(|v| !v.is_null() && *v != "") {
                    return Some(first.clone());
                }
                let chosen = if !any.one_of.is_empty() {
                    Some(self.choice(&any.one_of, true, mode))
                } else if !any.any_of.is_empty() {
                    Some(self.choice(&any.any_of, false, mode))
                } else {
                    None
                };
                if let Some(chosen) = chosen {
                    if any.properties.is_empty() && any.all_of.is_empty() {
                        return chosen;
                    }
                    // Properties beside the alternatives apply whichever is chosen: both go into the object.
                    let own = self.object_value(
                        properties(&any.properties),
                        &any.required,
                        any.additional_properties.as_ref(),
                        &any.all_of,
                        mode,
                    )?;
                    return match (chosen, own) {
                        (Some(Value::Object(mut chosen)), Value::Object(own)) => {
                            for (key, value) in own {
                                chosen.entry(key).or_insert(value);
                            }
                            Some(Value::Object(chosen))
                        }
                        (_, own) => Some(own),
                    };
                }
                let typ = any.typ.as_deref();
                if !any.properties.is_empty() || !any.all_of.is_empty() || typ == Some("object") {
                    if let ([only], true) = (any.all_of.as_slice(), any.properties.is_empty()) {
                        return self.value(only.into(), mode);
                    }
                    return self.object_value(
                        properties(&any.properties),
                        &any.required,
                        any.additional_properties.as_ref(),
                        &any.all_of,
                        mode,
                    );
                }
                if any.items.is_some() || typ == Some("array") {
                    return self.array_value(any.items.as_ref(), any.min_items, mode);
                }
                let format = any.format.as_deref().unwrap_or_default().to_ascii_lowercase();
                match (typ, format.as_str()) {
                    (Some("string"), _) | (None, "string") => Some(self.string_sample(
                        &format,
                        std::iter::empty(),
                        any.min_length,
                        any.max_length,
                        any.pattern.as_deref(),
                    )),
                    (Some("integer"), _) => Some(Value::from(integer_value(
                        any.minimum.map(|m| m.ceil() as i64),
                        any.maximum.map(|m| m.floor() as i64),
                        any.exclusive_minimum.unwrap_or(false),
                        any.exclusive_maximum.unwrap_or(false),
                        any.multiple_of.map(|m| m as i64),
                    ))),
                    (Some("number"), _) => Some(Value::from(number_value(
                        any.minimum,
                        any.maximum,
                        any.exclusive_minimum.unwrap_or(false),
                        any.exclusive_maximum.unwrap_or(false),
                    ))),
                    (Some("boolean"), _) => Some(Value::Bool(true)),
                    _ => Some(json!({ "sample": "value" })),
                }
            }
        }
    }

    fn array_value(
        &mut self,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        min_items: Option<usize>,
        mode: Mode,
    ) -> Option<Value> {
        let count = min_items.unwrap_or(0).max(1);
        let Some(items) = items else { return Some(Value::Array(vec![Value::from("sample"); count])) };
        match self.value(items.into(), mode) {
            Some(item) => {
                let mut values = vec![item.clone()];
                // `uniqueItems` with `minItems` > 1 needs distinct strings; numbers and objects repeat.
                for i in 1..count {
                    values.push(match &item {
                        Value::String(s) => Value::String(distinct(s, i)),
                        other => other.clone(),
                    });
                }
                Some(Value::Array(values))
            }
            None if min_items.unwrap_or(0) == 0 => Some(Value::Array(Vec::new())),
            None => None,
        }
    }

    /// An object from properties, required names and `allOf` members merged (later members win).
    fn object_value(
        &mut self,
        mut fields: Vec<(&'a str, SchemaRef<'a>)>,
        required: &'a [String],
        additional: Option<&'a AdditionalProperties>,
        all_of: &'a [ReferenceOr<Schema>],
        mode: Mode,
    ) -> Option<Value> {
        let mut required: Vec<&'a str> = required.iter().map(String::as_str).collect();
        let mut additional = additional;
        for member in all_of {
            self.merge_member(member.into(), &mut fields, &mut required, &mut additional, 0);
        }
        let mut object = Map::new();
        for &(name, schema) in &fields {
            let is_required = required.contains(&name);
            if self.read_only(schema) || (mode == Mode::Minimal && !is_required) {
                continue;
            }
            match self.value(schema, mode) {
                Some(value) => {
                    object.insert(name.to_owned(), value);
                }
                None if is_required => return None,
                None => {}
            }
        }
        // A required property the schema does not declare (a spec mistake) is sent where undeclared ones may be.
        for name in required {
            if object.contains_key(name) || fields.iter().any(|(n, _)| *n == name) {
                continue;
            }
            let value = match additional {
                Some(AdditionalProperties::Any(false)) => continue,
                Some(AdditionalProperties::Schema(value)) => self.value(value.as_ref().into(), Mode::Minimal)?,
                _ => Value::from("sample"),
            };
            object.insert(name.to_owned(), value);
        }
        if object.is_empty() && mode == Mode::Full {
            if let Some(AdditionalProperties::Schema(value)) = additional {
                if let Some(value) = self.value(value.as_ref().into(), mode) {
                    object.insert("sample".to_owned(), value);
                }
            }
        }
        Some(Value::Object(object))
    }

    fn merge_member(
        &self,
        member: SchemaRef<'a>,
        fields: &mut Vec<(&'a str, SchemaRef<'a>)>,
        required: &mut Vec<&'a str>,
        additional: &mut Option<&'a AdditionalProperties>,
        depth: usize,
    ) {
        let Some(schema) = self.resolve(member) else { return };
        if depth > MAX_DEPTH {
            return;
        }
        let (properties, names, extra, all_of) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                (&o.properties, &o.required, o.additional_properties.as_ref(), &[][..])
            }
            SchemaKind::Any(any) => {
                (&any.properties, &any.required, any.additional_properties.as_ref(), &any.all_of[..])
            }
            SchemaKind::AllOf { all_of } => {
                for inner in all_of {
                    self.merge_member(inner.into(), fields, required, additional, depth + 1);
                }
                return;
            }
            _ => return,
        };
        for (name, schema) in self::properties(properties) {
            fields.retain(|(n, _)| *n != name);
            fields.push((name, schema));
        }
        required.extend(names.iter().map(String::as_str));
        *additional = additional.or(extra);
        for inner in all_of {
            self.merge_member(inner.into(), fields, required, additional, depth + 1);
        }
    }

    /// The first member that yields a value; for `oneOf`, preferably one that no other member also accepts.
    fn choice(&mut self, members: &'a [ReferenceOr<Schema>], exclusive: bool, mode: Mode) -> Option<Value> {
        let mut fallback = None;
        for (i, member) in members.iter().enumerate() {
            let Some(value) = self.value(member.into(), mode) else { continue };
            let ambiguous = exclusive
                && members
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != i && self.problems(other.into(), &value).is_empty());
            if !ambiguous {
                return Some(value);
            }
            fallback.get_or_insert(value);
        }
        fallback
    }

    /// Whether a property is read-only: on its own schema, an `allOf` wrapper, or the component it names.
    fn read_only(&self, schema: SchemaRef<'a>) -> bool {
        self.resolve(schema).is_some_and(|s| s.schema_data.read_only)
    }

    /// What is wrong with `value` as a request value for `schema`: wrong types, enum values, formats, ranges and
    /// lengths, missing required properties, read-only properties, undeclared properties where none are allowed.
    pub(crate) fn problems(&self, schema: SchemaRef<'a>, value: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        self.check(schema, value, "", &mut problems, 0);
        problems
    }

    fn check(&self, schema: SchemaRef<'a>, value: &Value, at: &str, problems: &mut Vec<String>, depth: usize) {
        if depth > 4 * MAX_DEPTH {
            return;
        }
        let Some(schema) = self.resolve(schema) else { return };
        let place = if at.is_empty() { "/" } else { at };
        let problem = |message: String| format!("{place}: {message}");
        if value.is_null() {
            if !schema.schema_data.nullable && !matches!(schema.schema_kind, SchemaKind::Any(ref a) if a.typ.is_none())
            {
                problems.push(problem("null is not allowed".into()));
            }
            return;
        }
        // A discriminated union: the member its discriminator property names, and no other.
        if let (Some(discriminator), Some(object)) = (&schema.schema_data.discriminator, value.as_object()) {
            let members = discriminated_members(schema, discriminator);
            if !members.is_empty() {
                let tag = object.get(&discriminator.property_name).and_then(Value::as_str);
                match members.iter().find(|(t, _)| Some(t.as_str()) == tag) {
                    Some((_, reference)) => self.check(SchemaRef::Ref(reference), value, at, problems, depth + 1),
                    None => problems.push(problem(format!(
                        "discriminator `{}` is {tag:?}, which names no member",
                        discriminator.property_name
                    ))),
                }
                return;
            }
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let Some(text) = value.as_str() else {
                    return problems.push(problem(format!("{value} is not a string")));
                };
                let allowed: Vec<&str> = s.enumeration.iter().flatten().map(String::as_str).collect();
                if !allowed.is_empty() && !allowed.contains(&text) {
                    problems.push(problem(format!("{text:?} is not one of {allowed:?}")));
                }
                let format = match &s.format {
                    VariantOrUnknownOrEmpty::Item(f) => string_format_name(*f).to_owned(),
                    VariantOrUnknownOrEmpty::Unknown(f) => f.to_ascii_lowercase(),
                    VariantOrUnknownOrEmpty::Empty => String::new(),
                };
                if let Some(message) = format_problem(&format, text) {
                    problems.push(problem(message));
                }
                check_length(text, s.min_length, s.max_length, problems, place);
                if let Some(pattern) = &s.pattern {
                    if self.pattern_matches(pattern, text) == Some(false) {
                        problems.push(problem(format!("{text:?} does not match the pattern {pattern:?}")));
                    }
                }
            }
            SchemaKind::Type(Type::Integer(i)) => {
                let Some(number) = value.as_i64() else {
                    return problems.push(problem(format!("{value} is not an integer")));
                };
                if matches!(i.format, VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32))
                    && i32::try_from(number).is_err()
                {
                    problems.push(problem(format!("{number} is not an int32")));
                }
                let allowed: Vec<i64> = i.enumeration.iter().flatten().copied().collect();
                if !allowed.is_empty() && !allowed.contains(&number) {
                    problems.push(problem(format!("{number} is not one of {allowed:?}")));
                }
                check_range(
                    number as f64,
                    i.minimum.map(|m| m as f64),
                    i.maximum.map(|m| m as f64),
                    i.exclusive_minimum,
                    i.exclusive_maximum,
                    problems,
                    place,
                );
            }
            SchemaKind::Type(Type::Number(n)) => {
                let Some(number) = value.as_f64() else {
                    return problems.push(problem(format!("{value} is not a number")));
                };
                check_range(number, n.minimum, n.maximum, n.exclusive_minimum, n.exclusive_maximum, problems, place);
            }
            SchemaKind::Type(Type::Boolean(_)) => {
                if !value.is_boolean() {
                    problems.push(problem(format!("{value} is not a boolean")));
                }
            }
            SchemaKind::Type(Type::Array(a)) => {
                self.check_array(a.items.as_ref(), a.min_items, a.max_items, a.unique_items, value, at, problems, depth)
            }
            SchemaKind::Type(Type::Object(o)) => {
                self.check_object(
                    properties(&o.properties),
                    &o.required,
                    o.additional_properties.as_ref(),
                    &[],
                    value,
                    at,
                    problems,
                    depth,
                );
                let count = value.as_object().map_or(0, Map::len);
                if o.max_properties.is_some_and(|max| count > max) {
                    problems.push(problem(format!("{count} properties, more than maxProperties")));
                }
            }
            SchemaKind::AllOf { all_of } => {
                if let [only] = all_of.as_slice() {
                    self.check(only.into(), value, at, problems, depth + 1);
                } else {
                    self.check_object(Vec::new(), &[], None, all_of, value, at, problems, depth);
                }
            }
            SchemaKind::OneOf { one_of } => self.check_choice(one_of, true, value, at, problems, depth),
            SchemaKind::AnyOf { any_of } => self.check_choice(any_of, false, value, at, problems, depth),
            SchemaKind::Not { .. } => {}
            SchemaKind::Any(any) => {
                if !any.enumeration.is_empty() && !any.enumeration.contains(value) {
                    problems.push(problem(format!("{value} is not one of the enum values")));
                }
                if !any.one_of.is_empty() {
                    self.check_choice(&any.one_of, true, value, at, problems, depth);
                }
                if !any.any_of.is_empty() {
                    self.check_choice(&any.any_of, false, value, at, problems, depth);
                }
                let typ = any.typ.as_deref();
                if !any.properties.is_empty() || !any.all_of.is_empty() || typ == Some("object") {
                    self.check_object(
                        properties(&any.properties),
                        &any.required,
                        any.additional_properties.as_ref(),
                        &any.all_of,
                        value,
                        at,
                        problems,
                        depth,
                    );
                } else if any.items.is_some() || typ == Some("array") {
                    self.check_array(
                        any.items.as_ref(),
                        any.min_items,
                        any.max_items,
                        any.unique_items.unwrap_or(false),
                        value,
                        at,
                        problems,
                        depth,
                    );
                } else {
                    let format = any.format.as_deref().unwrap_or_default().to_ascii_lowercase();
                    match typ {
                        Some("string") => match value.as_str() {
                            Some(text) => {
                                if let Some(message) = format_problem(&format, text) {
                                    problems.push(problem(message));
                                }
                                check_length(text, any.min_length, any.max_length, problems, place);
                                if let Some(pattern) = &any.pattern {
                                    if self.pattern_matches(pattern, text) == Some(false) {
                                        problems
                                            .push(problem(format!("{text:?} does not match the pattern {pattern:?}")));
                                    }
                                }
                            }
                            None => problems.push(problem(format!("{value} is not a string"))),
                        },
                        Some("integer") if value.as_i64().is_none() => {
                            problems.push(problem(format!("{value} is not an integer")))
                        }
                        Some("number") if !value.is_number() => {
                            problems.push(problem(format!("{value} is not a number")))
                        }
                        Some("boolean") if !value.is_boolean() => {
                            problems.push(problem(format!("{value} is not a boolean")))
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_array(
        &self,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        min_items: Option<usize>,
        max_items: Option<usize>,
        unique: bool,
        value: &Value,
        at: &str,
        problems: &mut Vec<String>,
        depth: usize,
    ) {
        let Some(values) = value.as_array() else {
            return problems.push(format!("{}: {value} is not an array", if at.is_empty() { "/" } else { at }));
        };
        if min_items.is_some_and(|min| values.len() < min) || max_items.is_some_and(|max| values.len() > max) {
            problems.push(format!("{at}/: {} items is outside the allowed count", values.len()));
        }
        if unique && values.iter().enumerate().any(|(i, v)| values[..i].contains(v)) {
            problems.push(format!("{at}/: items are not unique"));
        }
        if let Some(items) = items {
            for (i, item) in values.iter().enumerate() {
                self.check(items.into(), item, &format!("{at}/{i}"), problems, depth + 1);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_object(
        &self,
        mut fields: Vec<(&'a str, SchemaRef<'a>)>,
        required: &'a [String],
        additional: Option<&'a AdditionalProperties>,
        all_of: &'a [ReferenceOr<Schema>],
        value: &Value,
        at: &str,
        problems: &mut Vec<String>,
        depth: usize,
    ) {
        let Some(object) = value.as_object() else {
            return problems.push(format!("{}: {value} is not an object", if at.is_empty() { "/" } else { at }));
        };
        let mut required: Vec<&'a str> = required.iter().map(String::as_str).collect();
        let mut additional = additional;
        for member in all_of {
            self.merge_member(member.into(), &mut fields, &mut required, &mut additional, 0);
        }
        for name in &required {
            let read_only = fields.iter().any(|(n, s)| n == name && self.read_only(*s));
            if !read_only && !object.contains_key(*name) {
                problems.push(format!("{at}/{name}: required property is missing"));
            }
        }
        for (key, item) in object {
            let path = format!("{at}/{key}");
            match fields.iter().find(|(n, _)| n == key) {
                Some((_, schema)) => {
                    if self.read_only(*schema) {
                        problems.push(format!("{path}: read-only property in a request"));
                    }
                    self.check(*schema, item, &path, problems, depth + 1);
                }
                None => match additional {
                    Some(AdditionalProperties::Any(false)) => {
                        problems.push(format!("{path}: property is not declared"));
                    }
                    Some(AdditionalProperties::Schema(schema)) => {
                        self.check(schema.as_ref().into(), item, &path, problems, depth + 1)
                    }
                    _ => {}
                },
            }
        }
    }

    fn check_choice(
        &self,
        members: &'a [ReferenceOr<Schema>],
        exclusive: bool,
        value: &Value,
        at: &str,
        problems: &mut Vec<String>,
        depth: usize,
    ) {
        let matching = members
            .iter()
            .filter(|member| {
                let mut inner = Vec::new();
                self.check((*member).into(), value, at, &mut inner, depth + 1);
                inner.is_empty()
            })
            .count();
        let place = if at.is_empty() { "/" } else { at };
        if matching == 0 {
            problems.push(format!("{place}: matches none of the {} alternatives", members.len()));
        } else if exclusive && matching > 1 {
            problems.push(format!("{place}: matches {matching} of the oneOf alternatives, not exactly one"));
        }
    }
}

/// The `i`th of several distinct strings like `text`: a UUID keeps its shape.
fn distinct(text: &str, i: usize) -> String {
    if text.len() == 36 && text.matches('-').count() == 4 {
        format!("{}{:x}", &text[..35], i % 16)
    } else {
        format!("{text}{i}")
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

/// A string for a format, an enum (its first non-empty value) and length bounds.
fn string_value<'v>(
    format: &str,
    mut enumeration: impl Iterator<Item = &'v str>,
    min_length: Option<usize>,
    max_length: Option<usize>,
) -> Value {
    let mut values = enumeration.by_ref().peekable();
    if values.peek().is_some() {
        let values: Vec<&str> = values.collect();
        let first = values.iter().find(|v| !v.is_empty()).unwrap_or(&values[0]);
        return Value::from(*first);
    }
    let mut text = match format {
        "date-time" => "2021-01-17T12:34:00.000+0000",
        "date" => "2021-01-17",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "uri" | "url" | "uri-reference" => "https://example.com/sample",
        "email" => "sample@example.com",
        "byte" => "c2FtcGxl",
        "int32" | "int64" | "integer" => "1",
        _ => "sample",
    }
    .to_owned();
    if let Some(min) = min_length {
        while text.chars().count() < min {
            text.push('x');
        }
    }
    if let Some(max) = max_length {
        text = text.chars().take(max).collect();
    }
    Value::from(text)
}

/// 1, moved into the allowed range and onto a multiple where the schema says so.
fn integer_value(
    min: Option<i64>,
    max: Option<i64>,
    exclusive_min: bool,
    exclusive_max: bool,
    multiple: Option<i64>,
) -> i64 {
    let low = min.map(|m| if exclusive_min { m.saturating_add(1) } else { m });
    let high = max.map(|m| if exclusive_max { m.saturating_sub(1) } else { m });
    let mut value = 1i64;
    if let Some(low) = low {
        value = value.max(low);
    }
    if let Some(high) = high {
        value = value.min(high);
    }
    if let Some(step) = multiple.filter(|m| *m > 0) {
        value = value.div_euclid(step) * step;
        if low.is_some_and(|low| value < low) {
            value += step;
        }
    }
    value
}

/// 1.5, or a value inside the allowed range.
fn number_value(min: Option<f64>, max: Option<f64>, exclusive_min: bool, exclusive_max: bool) -> f64 {
    let inside = |v: f64| {
        min.is_none_or(|m| if exclusive_min { v > m } else { v >= m })
            && max.is_none_or(|m| if exclusive_max { v < m } else { v <= m })
    };
    match (min, max) {
        _ if inside(1.5) => 1.5,
        (Some(low), Some(high)) => (low + high) / 2.0,
        (Some(low), None) => low + 1.0,
        (None, Some(high)) => high - 1.0,
        (None, None) => 1.5,
    }
}

fn check_length(text: &str, min: Option<usize>, max: Option<usize>, problems: &mut Vec<String>, place: &str) {
    let length = text.chars().count();
    if min.is_some_and(|min| length < min) || max.is_some_and(|max| length > max) {
        problems.push(format!("{place}: {length} characters is outside the allowed length"));
    }
}

fn check_range(
    value: f64,
    min: Option<f64>,
    max: Option<f64>,
    exclusive_min: bool,
    exclusive_max: bool,
    problems: &mut Vec<String>,
    place: &str,
) {
    let too_low = min.is_some_and(|m| if exclusive_min { value <= m } else { value < m });
    let too_high = max.is_some_and(|m| if exclusive_max { value >= m } else { value > m });
    if too_low || too_high {
        problems.push(format!("{place}: {value} is outside the allowed range"));
    }
}

/// Checks the formats a validator such as Prism's checks: dates, times, UUIDs, URIs and e-mail addresses.
fn format_problem(format: &str, text: &str) -> Option<String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let ok = match format {
        "date" => is_date(text),
        "date-time" => {
            let (date, time) = text.split_at(text.find(['T', 't']).unwrap_or(text.len()));
            is_date(date) && time.len() >= 9 && {
                let time = &time[1..];
                let hms: Vec<&str> = time.get(..8).unwrap_or_default().split(':').collect();
                hms.len() == 3 && hms.iter().all(|p| p.len() == 2 && digits(p))
            }
        }
        "uuid" => {
            let groups: Vec<&str> = text.split('-').collect();
            groups.len() == 5
                && groups
                    .iter()
                    .zip([8, 4, 4, 4, 12])
                    .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        "uri" | "url" => text.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        }),
        "email" => text.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.')),
        "int32" | "int64" => text.parse::<i64>().is_ok(),
        _ => true,
    };
    (!ok).then(|| format!("{text:?} is not a valid {format}"))
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && [4, 2, 2].iter().zip(&parts).all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests;
