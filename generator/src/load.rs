//! Stage 1, **load**: the listing (APIs.json YAML) and the OpenAPI documents it names.
//!
//! Both go through `serde_path_to_error`, so a malformed file is reported with the path of the failure inside it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

// JSON Schema documents (`type: x-json-schema`, ADF): their own file.
pub mod json_schema;
pub use json_schema::{load_schema, LoadedSchema, SchemaSource};

/// The allowlist: which operations to generate, and the OpenAPI documents they come from.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The listing file itself.
    pub path: PathBuf,
    /// The `x-common` entries of `type: x-openapi`, in listing order.
    pub specs: Vec<SpecSource>,
    /// The `apis` entries, in listing order.
    pub entries: Vec<Entry>,
    /// The `x-common` entries of `type: x-json-schema` (ADF), in listing order.
    pub schemas: Vec<SchemaSource>,
}

/// One OpenAPI document named by the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecSource {
    /// Its short name (`x-spec`), e.g. `jira-platform-v2`: the module name and the qualifier for entries.
    pub name: String,
    /// Where Atlassian publishes it.
    pub url: String,
    /// Its file name (`x-file`), relative to the listing's folder.
    pub file: String,
    /// `x-overlays`: the overlay documents correcting it, relative to the listing's folder, applied in this order.
    pub overlays: Vec<String>,
}

/// One `apis` entry: an operation to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its position in `apis`, from 0.
    pub index: usize,
    /// The human-readable `name`.
    pub name: Option<String>,
    /// How the entry names its operation.
    pub selector: Selector,
    /// `x-spec`: restricts the match to one document.
    pub spec: Option<String>,
}

/// How an entry names its operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// `x-api-slug`, e.g. `api2attachmentmeta-get`.
    Slug(String),
    /// `x-operation-id`, e.g. `getAttachmentMeta`.
    OperationId(String),
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Selector::Slug(slug) => f.write_str(slug),
            Selector::OperationId(id) => write!(f, "operationId {id}"),
        }
    }
}

/// A parsed OpenAPI document with the facts needed to report on it.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    pub source: SpecSource,
    /// The file it was read from.
    pub path: PathBuf,
    pub document: openapiv3::OpenAPI,
    /// The overlays applied to it (none when the listing names none).
    pub corrections: crate::overlay::Corrections,
}

#[derive(Deserialize)]
struct RawListing {
    #[serde(default)]
    apis: Vec<RawEntry>,
    #[serde(rename = "x-common", default)]
    common: Vec<RawCommon>,
}

#[derive(Deserialize)]
struct RawEntry {
    name: Option<String>,
    #[serde(rename = "x-api-slug")]
    slug: Option<String>,
    #[serde(rename = "x-operation-id")]
    operation_id: Option<String>,
    #[serde(rename = "x-spec")]
    spec: Option<String>,
}

#[derive(Deserialize)]
struct RawCommon {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
    #[serde(rename = "x-file")]
    file: Option<String>,
    #[serde(rename = "x-spec")]
    spec: Option<String>,
    #[serde(rename = "x-overlays", default)]
    overlays: Vec<String>,
}

impl Listing {
    /// Reads and checks a listing file.
    pub fn load(path: &Path) -> Result<Listing> {
        let text = read(path)?;
        Listing::parse(path, &text)
    }

    /// Parses listing text; `path` is used for messages and to find the spec files.
    pub fn parse(path: &Path, text: &str) -> Result<Listing> {
        let listing_error =
            |location: String, message: String| Error::Listing { path: path.to_owned(), location, message };
        let deserializer = serde_norway::Deserializer::from_str(text);
        let raw: RawListing = serde_path_to_error::deserialize(deserializer)
            .map_err(|e| listing_error(e.path().to_string(), e.inner().to_string()))?;

        let mut specs: Vec<SpecSource> = Vec::new();
        let mut schemas: Vec<SchemaSource> = Vec::new();
        for (i, common) in raw.common.into_iter().enumerate() {
            let kind = common.kind.as_deref().unwrap_or_default().to_owned();
            if kind != "x-openapi" && kind != "x-json-schema" {
                continue;
            }
            let at = |field: &str| format!("x-common[{i}].{field}");
            let require = |value: Option<String>, field: &str| {
                value
                    .filter(|v| !v.trim().is_empty())
                    .ok_or_else(|| listing_error(at(field), format!("an `{kind}` entry needs `{field}`")))
            };
            let url = require(common.url, "url")?;
            let file = require(common.file, "x-file")?;
            let name = require(common.spec, "x-spec")?;
            // --- x-json-schema entries (ADF): see load/json_schema.rs ---
            if kind == "x-json-schema" {
                json_schema::check_file(&file).map_err(|message| listing_error(at("x-file"), message))?;
                let taken = specs.iter().any(|s| s.name == name) || schemas.iter().any(|s| s.name == name);
                if taken || crate::names::snake_name(&name) != name {
                    return Err(listing_error(
                        at("x-spec"),
                        format!("`{name}` must be a snake-case module name that no other entry uses"),
                    ));
                }
                schemas.push(SchemaSource { name, url, file });
                continue;
            }
            // --- end of x-json-schema entries ---
            if file.contains('/') || file.contains('\\') || file.starts_with('.') {
                return Err(listing_error(
                    at("x-file"),
                    format!("`{file}` must be a plain file name in the listing's folder"),
                ));
            }
            if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                || !name.starts_with(|c: char| c.is_ascii_lowercase())
            {
                return Err(listing_error(
                    at("x-spec"),
                    format!("`{name}` must be lowercase letters, digits and `-`, starting with a letter"),
                ));
            }
            if let Some(other) = specs.iter().find(|s| s.name == name || s.file == file) {
                return Err(listing_error(
                    at("x-spec"),
                    format!("`{name}` ({file}) repeats the entry for `{}` ({})", other.name, other.file),
                ));
            }
            for (j, overlay) in common.overlays.iter().enumerate() {
                let path = Path::new(overlay);
                if overlay.trim().is_empty()
                    || overlay.contains('\\')
                    || path.is_absolute()
                    || path.components().any(|c| !matches!(c, std::path::Component::Normal(_)))
                {
                    return Err(listing_error(
                        at(&format!("x-overlays[{j}]")),
                        format!("`{overlay}` must be a relative path inside the listing's folder"),
                    ));
                }
            }
            specs.push(SpecSource { name, url, file, overlays: common.overlays });
        }
        if specs.is_empty() {
            return Err(listing_error("x-common".into(), "no entry of `type: x-openapi`: no spec to read".into()));
        }

        let mut entries = Vec::with_capacity(raw.apis.len());
        for (index, api) in raw.apis.into_iter().enumerate() {
            let label = api.name.clone().unwrap_or_default();
            let selector = match (api.slug, api.operation_id) {
                (Some(slug), None) if !slug.trim().is_empty() => Selector::Slug(slug.trim().to_owned()),
                (None, Some(id)) if !id.trim().is_empty() => Selector::OperationId(id.trim().to_owned()),
                (Some(_), Some(_)) => {
                    return Err(listing_error(
                        format!("apis[{index}]"),
                        format!("entry `{label}` has both `x-api-slug` and `x-operation-id`; keep one"),
                    ))
                }
                _ => {
                    return Err(listing_error(
                        format!("apis[{index}]"),
                        format!("entry `{label}` has no `x-api-slug` (or `x-operation-id`)"),
                    ))
                }
            };
            if let Some(spec) = &api.spec {
                if !specs.iter().any(|s| &s.name == spec) {
                    let known: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
                    return Err(listing_error(
                        format!("apis[{index}].x-spec"),
                        format!("`{spec}` is not an `x-spec` of `x-common` (known: {})", known.join(", ")),
                    ));
                }
            }
            entries.push(Entry { index, name: api.name, selector, spec: api.spec });
        }
        Ok(Listing { path: path.to_owned(), specs, entries, schemas })
    }

    /// The folder the spec files are in: the listing's own.
    pub fn spec_dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        }
    }

    /// The path of a JSON Schema document's file.
    pub fn schema_path(&self, source: &SchemaSource) -> PathBuf {
        self.spec_dir().join(&source.file)
    }

    /// The path of a spec's file.
    pub fn spec_path(&self, source: &SpecSource) -> PathBuf {
        self.spec_dir().join(&source.file)
    }
}

/// Reads and parses one OpenAPI document, which must be OpenAPI 3.0.x, and applies the overlays `source` names
/// (relative to `listing_dir`).
pub fn load_spec(source: &SpecSource, path: &Path, listing_dir: &Path) -> Result<LoadedSpec> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    if source.overlays.is_empty() {
        let document = parse_spec(path, &bytes)?;
        return Ok(LoadedSpec {
            source: source.clone(),
            path: path.to_owned(),
            document,
            corrections: Default::default(),
        });
    }
    let (document, corrections) = parse_corrected_spec(path, &bytes, listing_dir, &source.overlays)?;
    Ok(LoadedSpec { source: source.clone(), path: path.to_owned(), document, corrections })
}

// --- overlays: the spec is parsed as JSON, corrected, then read as OpenAPI -------------------------------------

/// Parses OpenAPI 3.0.x JSON, applies the overlay documents `overlays` (relative to `base`) in order and reads the
/// result as OpenAPI 3.0.x; an error in the result names the overlays and the action that touched the place.
pub fn parse_corrected_spec(
    path: &Path,
    bytes: &[u8],
    base: &Path,
    overlays: &[String],
) -> Result<(openapiv3::OpenAPI, crate::overlay::Corrections)> {
    let (value, corrections) = corrected_json(path, bytes, base, overlays)?;
    let result_error = |pointer: String, message: String| {
        let culprit = match corrections.related(&pointer) {
            Some((document, action)) => format!(" (changed by {} {})", document.path.display(), action.label()),
            None => String::new(),
        };
        Error::OverlayResult { path: path.to_owned(), overlays: overlays.join(", "), pointer, message, culprit }
    };
    check_version(&value).map_err(|(pointer, message)| result_error(pointer, message))?;
    let document = serde_path_to_error::deserialize(&value)
        .map_err(|e| result_error(json_pointer(e.path()), e.inner().to_string()))?;
    crate::overlay::check_corrected(&document, &corrections)?;
    Ok((document, corrections))
}

/// The corrected document as JSON, for tools that read the spec themselves (Prism, the drift report): the spec
/// at `path` with the overlays `overlays` (relative to `base`) applied in order.
pub fn corrected_json(
    path: &Path,
    bytes: &[u8],
    base: &Path,
    overlays: &[String],
) -> Result<(serde_json::Value, crate::overlay::Corrections)> {
    let spec_error = |pointer: String, message: String| Error::Spec { path: path.to_owned(), pointer, message };
    let mut value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| spec_error("".into(), format!("not JSON: {e}")))?;
    check_version(&value).map_err(|(pointer, message)| spec_error(pointer, message))?;
    let corrections = crate::overlay::apply_all(&mut value, base, overlays)?;
    Ok((value, corrections))
}

// --- end of overlays --------------------------------------------------------------------------------------------

/// Parses OpenAPI 3.0.x JSON; `path` is used for messages.
pub fn parse_spec(path: &Path, bytes: &[u8]) -> Result<openapiv3::OpenAPI> {
    let spec_error = |pointer: String, message: String| Error::Spec { path: path.to_owned(), pointer, message };
    // Check the version first: a Swagger 2.0 or OpenAPI 3.1 document would otherwise fail with a confusing message.
    let version: Version =
        serde_json::from_slice(bytes).map_err(|e| spec_error("".into(), format!("not JSON: {e}")))?;
    version.check().map_err(|(pointer, message)| spec_error(pointer, message))?;
    // Parse without tracking the path (the fast way); only a failure is parsed again to say where it is.
    serde_json::from_slice(bytes).or_else(|_| {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| spec_error(json_pointer(e.path()), e.inner().to_string()))
    })
}

/// The version fields of an OpenAPI document.
#[derive(Deserialize)]
struct Version {
    openapi: Option<serde_json::Value>,
    swagger: Option<serde_json::Value>,
}

impl Version {
    /// `Err((pointer, message))` unless the document says OpenAPI 3.0.x.
    fn check(&self) -> std::result::Result<(), (String, String)> {
        match (&self.openapi, &self.swagger) {
            (Some(serde_json::Value::String(v)), _) if v.starts_with("3.0.") => Ok(()),
            (Some(v), _) => Err(("/openapi".into(), format!("version {v} is not supported; expected 3.0.x"))),
            (None, Some(v)) => {
                Err(("/swagger".into(), format!("Swagger {v} is not supported; expected OpenAPI 3.0.x")))
            }
            (None, None) => Err(("".into(), "no `openapi` field: not an OpenAPI document".into())),
        }
    }
}

fn check_version(value: &serde_json::Value) -> std::result::Result<(), (String, String)> {
    let version = Version::deserialize(value).map_err(|e| ("".to_owned(), format!("not an object: {e}")))?;
    version.check()
}

/// Turns a serde path (`paths./rest/api/2/x.get.responses`) into a JSON pointer (`/paths/~1rest~1api~12~1x/get/...`).
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&crate::error::pointer_token(key)),
            Segment::Enum { variant } => out.push_str(&crate::error::pointer_token(variant)),
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_owned(), source })
}
