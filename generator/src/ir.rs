//! The spec-independent model between lowering and emitting.
//!
//! Everything here is decided: Rust names beside wire names, `$ref`s resolved to type names, optionality settled,
//! docs made safe for rustdoc. Emitters turn it into tokens without looking back at the OpenAPI document.

/// Everything to generate: one entry per spec with selected operations, in listing order.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub specs: Vec<Spec>,
    /// Modules generated from JSON Schema documents that several specs share (ADF), each emitted once, only when
    /// a selected spec's type refers to it.
    pub shared: Vec<SharedModule>,
}

/// Types generated from a JSON Schema document of the listing (`type: x-json-schema`), such as Atlassian's ADF:
/// one module at the crate's root (`atlassian_client::adf`), shared by the specs that refer to it.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedModule {
    /// The Rust module name, e.g. `adf`.
    pub module: String,
    /// The listing's name for it (`x-spec`), e.g. `adf`.
    pub name: String,
    /// The schema's `description`.
    pub title: String,
    /// The schema's file (relative to the listing) and where it is published.
    pub file: String,
    pub url: String,
    /// The cargo features of the specs that refer to it: the module is compiled when any of them is on.
    pub features: Vec<String>,
    /// The types, sorted by name.
    pub types: Vec<TypeDef>,
}

/// What is generated from one OpenAPI document: one Rust module.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The Rust module name, e.g. `jira_platform_v2`.
    pub module: String,
    /// The listing's name for it, e.g. `jira-platform-v2`.
    pub name: String,
    /// `info.title` and `info.version`.
    pub title: String,
    pub version: String,
    /// The spec's file name and the URL it is published at.
    pub file: String,
    pub url: String,
    /// The overlay documents that corrected the spec, as the listing names them, in the order applied.
    pub overlays: Vec<String>,
    /// The path part of the server URL (`/wiki/api/v2` for Confluence v2), or empty.
    pub server_prefix: String,
    /// The types, sorted by name.
    pub types: Vec<TypeDef>,
    /// The operations, sorted by tag then name.
    pub operations: Vec<Operation>,
    /// The tag groups the operations are filed under, sorted by module name.
    pub tags: Vec<Tag>,
    /// Bodies the overlays cite as evidence that apply to what was generated, each decoded by a check.
    pub evidence: Vec<EvidenceCheck>,
}

/// An overlay's evidence body, to be decoded as the type generated for what it cites.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceCheck {
    /// The test's name (snake case, unique in the spec).
    pub test: String,
    /// For the failure message and the test's doc: overlay, action and file.
    pub what: String,
    pub ty: TypeRef,
    pub json: String,
}

/// A group of operations (an OpenAPI tag): one file of request builders.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// Module name, e.g. `issue_worklogs`.
    pub module: String,
    /// The tag as written in the spec, e.g. `Issue worklogs`.
    pub title: String,
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust name, unique in its module.
    pub name: String,
    /// Where it comes from: a JSON pointer into the spec.
    pub origin: String,
    pub doc: Option<String>,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A value that has exactly one allowed value (the `type` of an ADF node, `{"enum": ["paragraph"]}`, or its
    /// `version`, `{"enum": [1]}`): a unit struct that is its own default and rejects any other value.
    Constant(serde_json::Value),
    /// A string enum; unknown values are kept in a catch-all variant.
    Enum(StringEnum),
    /// A value of one of several shapes, tried in order (`oneOf`/`anyOf` without a usable discriminator).
    Untagged(Vec<Variant>),
    /// A `oneOf`/`anyOf` with a discriminator: the value of one property says which shape it is.
    Tagged(Tagged),
    /// A component schema that is not an object or enum (an array, a map, a scalar): a type alias.
    Alias(TypeRef),
}

/// A struct and how it treats properties it does not declare.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// `additionalProperties`: undeclared properties are kept in a map of this value type.
    pub additional: Option<TypeRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust field name (snake case, keyword-safe, unique in the struct).
    pub name: String,
    /// The JSON property name.
    pub wire: String,
    pub ty: TypeRef,
    pub presence: Presence,
    pub doc: Option<String>,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
    /// A list of a component that the spec marks `nullable` wholesale (Confluence v1 does so for most): `null`
    /// items are left out when decoding rather than failing the whole response.
    pub skip_null_items: bool,
    /// The field's type is a [`TypeKind::Constant`]: `new()` sets it, it is no parameter.
    pub fixed: bool,
}

/// Whether a field must be present, as we decode it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// A plain field: the spec requires it and Jira sends it.
    Required,
    /// `Option<T>`: absent and `null` both decode as `None`; `None` is not sent.
    Optional,
    /// `Option<Nullable<T>>`: like `Optional`, but a request can send an explicit `null` (the spec says `nullable`).
    Nullable,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StringEnum {
    pub variants: Vec<EnumVariant>,
    /// The name of the catch-all variant that keeps unknown values.
    pub other: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    pub name: String,
    pub wire: String,
}

/// A union told apart by a property (`discriminator.propertyName`, e.g. `type`).
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged {
    /// The JSON property holding the tag.
    pub property: String,
    /// One variant per tag value (`discriminator.mapping`), in spec order.
    pub variants: Vec<TaggedVariant>,
    /// The catch-all variant keeping a value with an unknown tag as JSON.
    pub other: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    pub tag: String,
    pub name: String,
    pub ty: TypeRef,
}

/// One alternative of an untagged union.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub ty: TypeRef,
}

/// A reference to a type, as used in fields, parameters and bodies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    String,
    /// A Jira date-time, kept as sent (`2021-01-17T12:34:00.000+0000` is not RFC 3339).
    DateTime,
    Bool,
    I32,
    I64,
    F64,
    /// A JSON number kept as written (`serde_json::Number`): an integer stays an integer when written back.
    Number,
    /// Any JSON value (`{}`).
    Any,
    /// A type of this spec's `types` module, by Rust name.
    Named(String),
    Vec(Box<TypeRef>),
    /// A JSON object with string keys.
    Map(Box<TypeRef>),
    /// A heap indirection that breaks a recursive cycle.
    Boxed(Box<TypeRef>),
    /// A value that may be `null`: the items of an array whose item schema says `nullable`.
    Nullable(Box<TypeRef>),
    /// Another type of the crate, named by a schema's `x-rust-type` (see [`crate::rust_types`]): its absolute path.
    External(String),
}

/// One operation: one request builder and one method on the spec's `Api`.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The operationId as written (or the slug where there is none).
    pub id: String,
    /// The method name on `Api` (snake case).
    pub fn_name: String,
    /// The builder type's name (camel case).
    pub builder: String,
    pub method: Method,
    /// The path template, e.g. `/rest/api/2/issue/{issueIdOrKey}`.
    pub path: String,
    pub slug: String,
    /// The module of the tag it is filed under.
    pub tag: String,
    pub summary: Option<String>,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub success: Success,
    /// The operation documents a 303 (See Other): it is returned, not followed.
    pub see_other: bool,
    /// The error responses the spec documents (4xx, 5xx and `default`), for the documentation of `send`.
    pub errors: Vec<ErrorResponse>,
    /// The `Accept` header to send when the successes are not all JSON (images, `application/zip`, `*/*`).
    pub accept: Option<String>,
    /// 2xx response examples from the spec, to check that they decode.
    pub examples: Vec<Example>,
    /// Response bodies captured from real Jira instances, to check that they decode.
    pub captures: Vec<Capture>,
    pub pagination: Option<Pagination>,
    /// Calls with valid arguments built from the spec, for the conformance check (`cargo xtask conformance`).
    pub samples: Vec<SampleCall>,
    /// The credentials the conformance check sends: what the operation's `security` allows.
    pub auth: Auth,
}

/// One call of an operation with arguments that the spec says are valid (its examples where it has valid ones,
/// else values built from the schemas), run against a mock server by the generated conformance tests.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleCall {
    /// `full` (every parameter and every writable body field set), `required` (required ones only) or `example`
    /// (the spec's request body example).
    pub name: String,
    /// The parameters to set, by Rust name, as JSON: an array for a list parameter.
    pub params: Vec<(String, serde_json::Value)>,
    /// The body as JSON (a string for a text body), or `None` to send none.
    pub body: Option<serde_json::Value>,
}

/// The kind of credentials an operation accepts, as far as a test needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Auth {
    /// No `security`, or only the empty requirement `{}`.
    #[default]
    None,
    /// `http` `basic` is allowed (Atlassian's email and API token).
    Basic,
    /// Only OAuth 2.0, OpenID Connect or `http` `bearer`: a bearer token.
    Bearer,
}

/// A response body captured from a real instance (see [`crate::captures`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    /// The capture's file, relative to the captures folder: `getIssue/owner__repo__name-v2.json`.
    pub file: String,
    pub json: String,
    /// From Jira Cloud (must decode) rather than Jira Server (reported only).
    pub cloud: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Patch,
    Head,
    Options,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The Rust name (snake case, keyword-safe, unique in the operation).
    pub name: String,
    pub wire: String,
    pub location: ParamLocation,
    pub required: bool,
    /// The value type; for arrays, the item type with `list` set.
    pub ty: TypeRef,
    /// `Some(explode)` for an array parameter.
    pub list: Option<bool>,
    pub doc: Option<String>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub ty: TypeRef,
    pub required: bool,
    pub media: BodyMedia,
    /// The media type sent, e.g. `application/json` or `application/json-patch+json`.
    pub media_type: String,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyMedia {
    Json,
    Text,
    /// `multipart/form-data`: a form of files and fields, sent with Jira's `X-Atlassian-Token: no-check`.
    Multipart,
    /// Raw bytes with this content type (`*/*` uploads get `application/octet-stream`).
    Bytes(String),
}

/// What a successful (2xx) response decodes into.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// No 2xx response has a body: `()`.
    Empty,
    /// One body type for every 2xx response that has one.
    Json(TypeRef),
    /// A body on some 2xx statuses and none on others (e.g. 200 with a body, 204 without): `Option<T>`.
    MaybeJson { ty: TypeRef, empty_statuses: Vec<u16> },
    /// A binary body (images): bytes and content type.
    Bytes,
    /// No 2xx response, but a documented 303 (See Other): the `Location` to look at and the 303's body, if the spec
    /// gives it one.
    SeeOther(Option<TypeRef>),
    /// Several 2xx statuses with different bodies, or 2xx beside a documented 303: an enum named `name` with one
    /// variant per status.
    Several { name: String, variants: Vec<StatusVariant> },
}

/// A documented error response: its status (`4XX` for a range, `default` for any other) and what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorResponse {
    pub status: String,
    /// The first line of the response's description.
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusVariant {
    pub status: u16,
    pub name: String,
    /// `None` for a status without a body.
    pub ty: Option<TypeRef>,
}

impl StatusVariant {
    /// A 303 (See Other), the one non-2xx variant: it holds the `Location` beside the body.
    pub fn is_see_other(&self) -> bool {
        self.status == 303
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub status: u16,
    /// The example as compact JSON.
    pub json: String,
    /// JSON paths (array indices as `*`) of example fields that the schema does not declare: they do not survive a
    /// decode and re-encode, and the check expects exactly these to be lost.
    pub undeclared: Vec<String>,
    /// For an example known to contradict its schema: the decode error it must give, and why.
    pub expected_error: Option<(String, String)>,
}

/// How to walk the pages of a paginated operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Pagination {
    /// `startAt`/`maxResults` pages.
    Offset {
        /// The `startAt` query parameter's Rust name and whether it is typed as a string.
        start_at: String,
        start_at_is_string: bool,
        /// The list field of the page and its item type.
        items: String,
        item_ty: TypeRef,
        /// The `total` and `isLast` fields, where the page has them (Rust names).
        total: Option<String>,
        /// `total` is an `i32` (else `i64`).
        total_i32: bool,
        is_last: Option<String>,
        total_optional: bool,
        is_last_optional: bool,
        items_optional: bool,
    },
    /// `nextPageToken` pages.
    Cursor { param: String, items: String, item_ty: TypeRef, next: String, items_optional: bool },
}

impl Operation {
    /// The type a 2xx response with this status decodes into (`Any` where it has no typed body).
    pub fn success_type(&self, status: u16) -> TypeRef {
        match &self.success {
            Success::Json(ty) | Success::MaybeJson { ty, .. } => ty.clone(),
            Success::Several { variants, .. } => {
                variants.iter().find(|v| v.status == status).and_then(|v| v.ty.clone()).unwrap_or(TypeRef::Any)
            }
            Success::SeeOther(Some(ty)) => ty.clone(),
            Success::Empty | Success::Bytes | Success::SeeOther(None) => TypeRef::Any,
        }
    }
}

impl Spec {
    /// Calls `f` with every type reference of the spec: fields, union members, aliases, parameters, bodies and
    /// successes (not looking inside `Vec`, `Map` and `Box`: see [`TypeRef::visit`]).
    pub fn visit_type_refs(&self, f: &mut dyn FnMut(&TypeRef)) {
        for def in &self.types {
            match &def.kind {
                TypeKind::Struct(s) => {
                    s.fields.iter().for_each(|field| field.ty.visit(f));
                    s.additional.iter().for_each(|ty| ty.visit(f));
                }
                TypeKind::Untagged(variants) => variants.iter().for_each(|v| v.ty.visit(f)),
                TypeKind::Tagged(tagged) => tagged.variants.iter().for_each(|v| v.ty.visit(f)),
                TypeKind::Alias(ty) => ty.visit(f),
                TypeKind::Enum(_) | TypeKind::Constant(_) => {}
            }
        }
        for op in &self.operations {
            op.params.iter().for_each(|p| p.ty.visit(f));
            op.body.iter().for_each(|b| b.ty.visit(f));
            match &op.success {
                Success::Json(ty) | Success::MaybeJson { ty, .. } | Success::SeeOther(Some(ty)) => ty.visit(f),
                Success::Several { variants, .. } => {
                    variants.iter().filter_map(|v| v.ty.as_ref()).for_each(|ty| ty.visit(f))
                }
                Success::Empty | Success::Bytes | Success::SeeOther(None) => {}
            }
        }
    }
}

impl TypeRef {
    /// Calls `f` with this reference and every one inside it.
    pub fn visit(&self, f: &mut dyn FnMut(&TypeRef)) {
        f(self);
        match self {
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) | TypeRef::Nullable(inner) => {
                inner.visit(f)
            }
            _ => {}
        }
    }

    /// The named type this reference leads to without indirection through `Vec`, `Map` or `Box`.
    pub fn direct_name(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            _ => None,
        }
    }
}
