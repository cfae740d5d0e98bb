//! Operations into request builders: parameters, request body, what a success decodes into, and examples.

use openapiv3::{
    MediaType, Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, RequestBody, Response, StatusCode,
};

use super::schema::SchemaRef;
use super::{component_key, docs, Context};
use crate::error::pointer_token;
use crate::ir::{
    Body, BodyMedia, ErrorResponse, Example, Method, Operation, Param, ParamLocation, StatusVariant, Success, TypeRef,
};
use crate::names::{snake_name, type_name, Namespace};
use crate::select::OperationRef;

/// Names a builder's own methods and fields use, which parameters must not take.
const RESERVED_PARAM_NAMES: &[&str] = &["client", "body", "send", "send_raw", "timeout", "into_stream", "new"];

/// Lowers one selected operation; `None` (with a problem recorded) if it is not in the document.
pub(super) fn lower_operation<'a>(
    cx: &mut Context<'a>,
    op_ref: &OperationRef,
    fn_names: &mut Namespace,
    builders: &mut Namespace,
) -> Option<Operation> {
    let document = cx.document;
    let pointer = format!("#/paths/{}/{}", pointer_token(&op_ref.path), op_ref.method);
    let Some(ReferenceOr::Item(item)) = document.paths.paths.get(&op_ref.path) else {
        cx.problem(pointer, "path item is missing or a $ref, which is not supported");
        return None;
    };
    let (_, op) = item.iter().find(|(m, _)| *m == op_ref.method)?;
    let method = match op_ref.method.as_str() {
        "get" => Method::Get,
        "put" => Method::Put,
        "post" => Method::Post,
        "delete" => Method::Delete,
        "patch" => Method::Patch,
        "head" => Method::Head,
        "options" => Method::Options,
        other => {
            cx.problem(pointer, format!("HTTP method `{other}` is not supported"));
            return None;
        }
    };

    // Java-style ids (`AddonPropertiesResource.getAddonProperty_get`) keep only the method part.
    let id = op.operation_id.clone().unwrap_or_else(|| op_ref.slug.clone());
    let short_id = id.rsplit('.').next().unwrap_or(&id);
    let fn_name = fn_names.claim(&snake_name(short_id));
    let builder = builders.claim(&type_name(&fn_name));

    let tag_title = op.tags.first().cloned().unwrap_or_else(|| "Other".to_owned());
    let tag = snake_name(&tag_title);
    cx.tags.entry(tag.clone()).or_insert(tag_title);

    // Operation parameters override path-item parameters with the same name and location.
    let mut raw_params: Vec<(&'a Parameter, String)> = Vec::new();
    for (i, p) in item.parameters.iter().enumerate() {
        if let Some(resolved) =
            resolve_parameter(cx, p, &format!("#/paths/{}/parameters/{i}", pointer_token(&op_ref.path)))
        {
            raw_params.push(resolved);
        }
    }
    for (i, p) in op.parameters.iter().enumerate() {
        if let Some((param, at)) = resolve_parameter(cx, p, &format!("{pointer}/parameters/{i}")) {
            let data = param.parameter_data_ref();
            raw_params.retain(|(q, _)| {
                let other = q.parameter_data_ref();
                !(other.name == data.name && std::mem::discriminant(*q) == std::mem::discriminant(param))
            });
            raw_params.push((param, at));
        }
    }
    let mut names = Namespace::with_reserved(RESERVED_PARAM_NAMES.iter().copied());
    let params: Vec<Param> = raw_params
        .into_iter()
        .filter_map(|(param, at)| lower_parameter(cx, param, &at, &builder, &mut names))
        .collect();

    let body =
        op.request_body.as_ref().and_then(|body| lower_body(cx, body, &builder, &format!("{pointer}/requestBody")));

    let mut examples = Vec::new();
    let success = lower_success(cx, &op.responses, &builder, &pointer, &mut examples);
    let errors = lower_errors(cx, &op.responses, &pointer);
    let accept = accept(&op.responses);
    let see_other = op.responses.responses.contains_key(&StatusCode::Code(303));

    Some(Operation {
        id,
        fn_name,
        builder,
        method,
        path: op_ref.path.clone(),
        slug: op_ref.slug.clone(),
        tag,
        summary: op.summary.as_deref().map(docs::sanitize),
        doc: op.description.as_deref().map(docs::sanitize).filter(|d| !d.is_empty()),
        deprecated: op.deprecated,
        params,
        body,
        success,
        see_other,
        errors,
        accept,
        examples,
        captures: Vec::new(),
        pagination: None,
        samples: Vec::new(),
        auth: crate::ir::Auth::None,
    })
}

fn resolve_parameter<'a>(
    cx: &mut Context<'a>,
    param: &'a ReferenceOr<Parameter>,
    pointer: &str,
) -> Option<(&'a Parameter, String)> {
    match param {
        ReferenceOr::Item(param) => Some((param, pointer.to_owned())),
        ReferenceOr::Reference { reference } => {
            let found = component_key(reference, "parameters").and_then(|key| {
                let components = cx.document.components.as_ref()?;
                match components.parameters.get(&key)? {
                    ReferenceOr::Item(param) => {
                        Some((param, format!("#/components/parameters/{}", pointer_token(&key))))
                    }
                    ReferenceOr::Reference { .. } => None,
                }
            });
            if found.is_none() {
                cx.problem(pointer, format!("`$ref` {reference} does not point at a parameter of this document"));
            }
            found
        }
    }
}

fn lower_parameter<'a>(
    cx: &mut Context<'a>,
    param: &'a Parameter,
    pointer: &str,
    builder: &str,
    names: &mut Namespace,
) -> Option<Param> {
    let (location, explode_default) = match param {
        Parameter::Path { .. } => (ParamLocation::Path, false),
        Parameter::Query { style, .. } => (ParamLocation::Query, matches!(style, QueryStyle::Form)),
        Parameter::Header { .. } => (ParamLocation::Header, false),
        // Cookies are not used by Atlassian's APIs; the runtime sends none.
        Parameter::Cookie { .. } => return None,
    };
    let data = param.parameter_data_ref();
    let schema: SchemaRef<'a> = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => schema.into(),
        ParameterSchemaOrContent::Content(content) => match content.values().find_map(|m| m.schema.as_ref()) {
            Some(schema) => schema.into(),
            None => {
                cx.problem(pointer, "parameter has neither `schema` nor a `content` schema");
                return None;
            }
        },
    };
    let hint = format!("{builder}{}", type_name(&data.name));
    let ty = cx.lower_ref(schema, &hint, &format!("{pointer}/schema"));
    let (ty, list) = match ty {
        TypeRef::Vec(item) => (*item, Some(data.explode.unwrap_or(explode_default))),
        other => (other, None),
    };
    // Only scalars and enums can be written into a URL; anything else is passed as its JSON text.
    let ty = match ty {
        TypeRef::Any
        | TypeRef::Map(_)
        | TypeRef::Vec(_)
        | TypeRef::Boxed(_)
        | TypeRef::Nullable(_)
        | TypeRef::External(_) => TypeRef::String,
        TypeRef::Named(name) if !cx.is_enum(&name) => TypeRef::String,
        other => other,
    };
    Some(Param {
        name: names.claim(&snake_name(&data.name)),
        wire: data.name.clone(),
        location,
        required: data.required || location == ParamLocation::Path,
        ty,
        list,
        doc: data.description.as_deref().map(docs::sanitize).filter(|d| !d.is_empty()),
        deprecated: data.deprecated.unwrap_or(false),
    })
}

fn lower_body<'a>(
    cx: &mut Context<'a>,
    body: &'a ReferenceOr<RequestBody>,
    builder: &str,
    pointer: &str,
) -> Option<Body> {
    let (body, pointer) = match body {
        ReferenceOr::Item(body) => (body, pointer.to_owned()),
        ReferenceOr::Reference { reference } => {
            let found = component_key(reference, "requestBodies").and_then(|key| {
                match cx.document.components.as_ref()?.request_bodies.get(&key)? {
                    ReferenceOr::Item(body) => {
                        Some((body, format!("#/components/requestBodies/{}", pointer_token(&key))))
                    }
                    ReferenceOr::Reference { .. } => None,
                }
            });
            match found {
                Some(found) => found,
                None => {
                    cx.problem(
                        pointer,
                        format!("`$ref` {reference} does not point at a request body of this document"),
                    );
                    return None;
                }
            }
        }
    };
    // JSON where offered; otherwise a multipart form, text, or the first media type as raw bytes.
    let content = &body.content;
    let find = |wanted: &dyn Fn(&str) -> bool| content.iter().find(|(media, _)| wanted(media.as_str()));
    let (media_name, media, kind) =
        if let Some((name, m)) = find(&|m| base_media(m) == "application/json").or_else(|| find(&is_json)) {
            (name, m, BodyMedia::Json)
        } else if let Some((name, m)) = find(&|m| base_media(m) == "multipart/form-data") {
            (name, m, BodyMedia::Multipart)
        } else if let Some((name, m)) = find(&|m| base_media(m) == "text/plain") {
            (name, m, BodyMedia::Text)
        } else if let Some((name, m)) = find(&|m| m == "*/*").filter(|(name, m)| is_json_by_schema(name, m)) {
            (name, m, BodyMedia::Json)
        } else {
            let (name, m) = content.iter().next()?;
            let content_type = if name.contains('*') { "application/octet-stream".to_owned() } else { name.clone() };
            (name, m, BodyMedia::Bytes(content_type))
        };
    let ty = match (&kind, &media.schema) {
        (BodyMedia::Json, Some(schema)) => cx.lower_ref(
            schema.into(),
            &format!("{builder}Body"),
            &format!("{pointer}/content/{}/schema", pointer_token(media_name)),
        ),
        (BodyMedia::Json, None) => TypeRef::Any,
        (BodyMedia::Text, _) => TypeRef::String,
        (BodyMedia::Bytes(_) | BodyMedia::Multipart, _) => TypeRef::Any,
    };
    // `*/*` described by a component schema (Confluence's Connect modules) is JSON.
    let media_type =
        if media_name == "*/*" { "application/json".to_owned() } else { base_media(media_name).to_owned() };
    Some(Body {
        ty,
        required: body.required,
        media: kind,
        media_type,
        doc: body.description.as_deref().map(docs::sanitize).filter(|d| !d.is_empty()),
    })
}

/// What one 2xx status carries.
enum Outcome {
    NoBody,
    Json(TypeRef),
    Bytes,
}

fn lower_success<'a>(
    cx: &mut Context<'a>,
    responses: &'a openapiv3::Responses,
    builder: &str,
    pointer: &str,
    examples: &mut Vec<Example>,
) -> Success {
    let mut outcomes: Vec<(u16, Outcome)> = Vec::new();
    for (code, response) in &responses.responses {
        let StatusCode::Code(status) = code else { continue };
        if !(200..300).contains(status) {
            continue;
        }
        let at = format!("{pointer}/responses/{status}");
        if let Some(outcome) = lower_outcome(cx, response, *status, outcomes.is_empty(), builder, &at, examples) {
            outcomes.push((*status, outcome));
        }
    }
    if let (true, Some(response)) = (default_is_success(responses), &responses.default) {
        let at = format!("{pointer}/responses/default");
        if let Some(outcome) = lower_outcome(cx, response, 200, true, builder, &at, examples) {
            outcomes.push((200, outcome));
        }
    }

    if outcomes.iter().any(|(_, o)| matches!(o, Outcome::Bytes)) {
        return Success::Bytes;
    }
    let mut body_types: Vec<&TypeRef> = outcomes
        .iter()
        .filter_map(|(_, o)| match o {
            Outcome::Json(ty) => Some(ty),
            _ => None,
        })
        .collect();
    body_types.dedup();
    let empty_statuses: Vec<u16> =
        outcomes.iter().filter(|(_, o)| matches!(o, Outcome::NoBody)).map(|(status, _)| *status).collect();
    // A 303 answers a long-running task (its progress, and where to poll) or points at a download.
    let see_other = responses.responses.get(&StatusCode::Code(303)).map(|response| {
        let at = format!("{pointer}/responses/303");
        match lower_outcome(cx, response, 303, outcomes.is_empty(), builder, &at, examples) {
            Some(Outcome::Json(ty)) => Some(ty),
            Some(Outcome::NoBody | Outcome::Bytes) | None => None,
        }
    });
    if outcomes.is_empty() {
        if let Some(body) = see_other {
            return Success::SeeOther(body);
        }
    }
    match (body_types.as_slice(), see_other) {
        ([], None) => Success::Empty,
        ([ty], None) if empty_statuses.is_empty() => Success::Json((*ty).clone()),
        ([ty], None) => Success::MaybeJson { ty: (*ty).clone(), empty_statuses },
        (_, see_other) => {
            let name = cx.names.claim(&format!("{builder}Response"));
            let mut variants: Vec<StatusVariant> = outcomes
                .into_iter()
                .map(|(status, outcome)| StatusVariant {
                    status,
                    name: format!("Status{status}"),
                    ty: match outcome {
                        Outcome::Json(ty) => Some(ty),
                        _ => None,
                    },
                })
                .collect();
            if let Some(ty) = see_other {
                variants.push(StatusVariant { status: 303, name: "SeeOther".to_owned(), ty });
            }
            Success::Several { name, variants }
        }
    }
}

/// What one success response (2xx, or `default` standing in for them) decodes into.
fn lower_outcome<'a>(
    cx: &mut Context<'a>,
    response: &'a ReferenceOr<Response>,
    status: u16,
    first: bool,
    builder: &str,
    at: &str,
    examples: &mut Vec<Example>,
) -> Option<Outcome> {
    let response = resolve_response(cx, response, at)?;
    if status == 204 {
        return Some(Outcome::NoBody);
    }
    Some(match pick_media(response) {
        None => Outcome::NoBody,
        Some((media_name, media)) if is_json(media_name) || is_json_by_schema(media_name, media) => {
            let hint = if first { format!("{builder}Response") } else { format!("{builder}Response{status}") };
            let ty = match &media.schema {
                Some(schema) => {
                    cx.lower_ref(schema.into(), &hint, &format!("{at}/content/{}/schema", pointer_token(media_name)))
                }
                None => TypeRef::Any,
            };
            if let Some(json) = media.example.as_ref().and_then(example_json) {
                examples.push(Example { status, json, undeclared: Vec::new(), expected_error: None });
            }
            Outcome::Json(ty)
        }
        Some(_) => Outcome::Bytes,
    })
}

/// Whether `default` describes the operation's successes: the operation documents no 2xx and no 303 response.
fn default_is_success(responses: &openapiv3::Responses) -> bool {
    !responses.responses.keys().any(|code| matches!(code, StatusCode::Code(200..=299 | 303)))
}

/// The error responses an operation documents: 4xx and 5xx statuses and ranges, and `default` unless it stands in
/// for the successes.
fn lower_errors<'a>(cx: &mut Context<'a>, responses: &'a openapiv3::Responses, pointer: &str) -> Vec<ErrorResponse> {
    let mut errors = Vec::new();
    for (code, response) in &responses.responses {
        let status = match code {
            StatusCode::Code(status) if *status >= 400 => status.to_string(),
            StatusCode::Range(range) if *range >= 4 => format!("{range}XX"),
            StatusCode::Code(_) | StatusCode::Range(_) => continue,
        };
        if let Some(response) = resolve_response(cx, response, &format!("{pointer}/responses/{status}")) {
            errors.push(ErrorResponse { status, description: first_line(&response.description) });
        }
    }
    if let (false, Some(response)) = (default_is_success(responses), &responses.default) {
        if let Some(response) = resolve_response(cx, response, &format!("{pointer}/responses/default")) {
            errors.push(ErrorResponse { status: "default".to_owned(), description: first_line(&response.description) });
        }
    }
    errors
}

/// The first line of a description, as Markdown that fits in a list item.
fn first_line(description: &str) -> String {
    docs::sanitize(description).lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or_default().to_owned()
}

fn resolve_response<'a>(
    cx: &mut Context<'a>,
    response: &'a ReferenceOr<Response>,
    pointer: &str,
) -> Option<&'a Response> {
    match response {
        ReferenceOr::Item(response) => Some(response),
        ReferenceOr::Reference { reference } => {
            let found = component_key(reference, "responses").and_then(|key| {
                match cx.document.components.as_ref()?.responses.get(&key)? {
                    ReferenceOr::Item(response) => Some(response),
                    ReferenceOr::Reference { .. } => None,
                }
            });
            if found.is_none() {
                cx.problem(pointer, format!("`$ref` {reference} does not point at a response of this document"));
            }
            found
        }
    }
}

/// The media type a response body is read as: JSON if offered, else the first.
fn pick_media(response: &Response) -> Option<(&str, &MediaType)> {
    response
        .content
        .iter()
        .find(|(name, _)| is_json(name))
        .or_else(|| response.content.iter().next())
        .map(|(name, media)| (name.as_str(), media))
}

/// The media type without parameters: `application/json; charset=utf-8` -> `application/json`.
fn base_media(media: &str) -> &str {
    media.split(';').next().unwrap_or(media).trim()
}

/// `*/*` whose schema is a component (Confluence's Connect modules): JSON in practice. Without a schema, or with an
/// inline one, `*/*` is raw bytes (Jira's avatar uploads and images).
fn is_json_by_schema(media_name: &str, media: &MediaType) -> bool {
    media_name == "*/*" && matches!(media.schema, Some(ReferenceOr::Reference { .. }))
}

/// The `Accept` header for an operation whose successes are not all JSON: their media types, in spec order.
fn accept(responses: &openapiv3::Responses) -> Option<String> {
    let mut media: Vec<&str> = Vec::new();
    for (code, response) in &responses.responses {
        let (StatusCode::Code(200..=299 | 303), ReferenceOr::Item(response)) = (code, response) else { continue };
        for name in response.content.keys() {
            if !media.contains(&name.as_str()) {
                media.push(name);
            }
        }
    }
    if media.iter().all(|name| is_json(name)) {
        return None;
    }
    Some(media.join(", "))
}

fn is_json(media: &str) -> bool {
    let media = base_media(media);
    // `*/*` is not JSON: Atlassian uses it for raw uploads (avatars) and images.
    media == "application/json" || media.ends_with("+json")
}

/// An example as compact JSON: most of Atlassian's are JSON encoded inside a string; one is not JSON at all.
fn example_json(example: &serde_json::Value) -> Option<String> {
    match example {
        serde_json::Value::String(text) => serde_json::from_str::<serde_json::Value>(text).ok().map(|v| v.to_string()),
        other => Some(other.to_string()),
    }
}

impl Context<'_> {
    /// Whether a named type is a string enum (which can be a query value).
    pub fn is_enum(&self, name: &str) -> bool {
        matches!(self.types.get(name).map(|t| &t.kind), Some(crate::ir::TypeKind::Enum(_)))
    }
}
