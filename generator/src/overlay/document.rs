//! An OpenAPI Overlay 1.0.x document (<https://spec.openapis.org/overlay/v1.0.0.html>), read from YAML or JSON,
//! with the generator's own action extensions (`x-evidence`, `x-prism-only`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::error::{Error, Result};

/// One overlay document, checked: a supported version, `info`, and at least one valid action.
#[derive(Debug, Clone)]
pub struct OverlayDocument {
    /// The file it was read from.
    pub path: PathBuf,
    /// How the listing names it (`overlays/jira-platform-v2.yaml`): relative to the listing's folder.
    pub name: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `extends`: the document it was written for, if it says.
    pub extends: Option<String>,
    /// The actions, applied in this order.
    pub actions: Vec<Action>,
}

/// One action: a JSONPath `target` and what to do with every node it selects.
#[derive(Debug, Clone)]
pub struct Action {
    /// Its position in `actions`, from 0.
    pub index: usize,
    /// The target as written.
    pub target: String,
    /// The target, parsed (RFC 9535).
    pub path: JsonPath,
    pub description: Option<String>,
    /// Merged into each selected object, or appended to each selected array. No effect when `remove` is set.
    pub update: Option<Value>,
    /// Remove each selected node from the object or array holding it.
    pub remove: bool,
    /// `x-evidence`: what shows that the corrected document describes what Jira sends.
    pub evidence: Evidence,
    /// `x-prism-only`: made so that Prism accepts more, not because a client needs it.
    pub prism_only: bool,
}

/// `x-evidence` of an action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    pub bodies: Vec<EvidenceBody>,
    /// Upstream reports (issue URLs).
    pub reports: Vec<String>,
}

/// One body that shows what Jira sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceBody {
    /// As written: relative to the overlay document.
    pub file: String,
    /// The file, resolved.
    pub path: PathBuf,
    /// What the body is decoded as.
    pub subject: EvidenceSubject,
    pub kind: EvidenceKind,
    /// The body, as compact JSON.
    pub json: String,
}

/// The type an evidence body is decoded as.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum EvidenceSubject {
    /// An operation's response for one status (`200`, `2XX`, `default`).
    Response { operation: String, status: String },
    /// A component schema's generated type.
    Schema(String),
}

/// Where an evidence body comes from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// Captured from a real Jira or Confluence instance.
    Capture,
    /// The operation's own example in Atlassian's spec.
    Example,
    /// A fixture of another client library.
    ClientFixture,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Capture => "capture",
            EvidenceKind::Example => "example",
            EvidenceKind::ClientFixture => "client-fixture",
        }
    }
}

impl Action {
    /// How messages name the action: `action 2 ("Jira sends an array", target `$.paths[...]`)`.
    pub fn label(&self) -> String {
        match &self.description {
            Some(description) => format!("action {} ({description:?}, target `{}`)", self.index, self.target),
            None => format!("action {} (target `{}`)", self.index, self.target),
        }
    }
}

#[derive(Deserialize)]
struct RawOverlay {
    overlay: Option<Value>,
    info: Option<RawInfo>,
    extends: Option<String>,
    actions: Option<Vec<RawAction>>,
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
struct RawInfo {
    title: Option<String>,
    version: Option<String>,
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
struct RawAction {
    target: Option<String>,
    description: Option<String>,
    update: Option<Value>,
    remove: Option<bool>,
    #[serde(rename = "x-evidence")]
    evidence: Option<RawEvidence>,
    #[serde(rename = "x-prism-only")]
    prism_only: Option<bool>,
    #[serde(flatten)]
    other: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvidence {
    #[serde(default)]
    bodies: Vec<RawBody>,
    #[serde(default)]
    reports: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBody {
    file: String,
    operation: Option<String>,
    status: Option<Value>,
    schema: Option<String>,
    kind: EvidenceKind,
}

impl OverlayDocument {
    /// Reads an overlay document; `name` is how the listing names it.
    pub fn load(path: &Path, name: &str) -> Result<OverlayDocument> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        OverlayDocument::parse(path, name, &text)
    }

    /// Parses overlay text: JSON when the file name ends in `.json`, YAML otherwise.
    pub fn parse(path: &Path, name: &str, text: &str) -> Result<OverlayDocument> {
        let error =
            |location: String, message: String| Error::OverlayDocument { path: path.to_owned(), location, message };
        let raw: RawOverlay = if path.extension().is_some_and(|e| e == "json") {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut deserializer)
                .map_err(|e| error(e.path().to_string(), format!("not an overlay document: {}", e.inner())))?
        } else {
            let deserializer = serde_norway::Deserializer::from_str(text);
            serde_path_to_error::deserialize(deserializer)
                .map_err(|e| error(e.path().to_string(), format!("not an overlay document: {}", e.inner())))?
        };
        unknown_fields(&raw.other, "", &error)?;
        match &raw.overlay {
            Some(Value::String(v)) if is_supported_version(v) => {}
            Some(v) => {
                return Err(error("overlay".into(), format!("version {v} is not supported; expected 1.0.x")));
            }
            None => return Err(error("overlay".into(), "no `overlay` field: not an overlay document".into())),
        }
        let info = raw.info.ok_or_else(|| error("info".into(), "`info` (title, version) is required".into()))?;
        unknown_fields(&info.other, "info.", &error)?;
        let title = info.title.ok_or_else(|| error("info.title".into(), "`info.title` is required".into()))?;
        let version = info.version.ok_or_else(|| error("info.version".into(), "`info.version` is required".into()))?;
        let raw_actions = raw.actions.unwrap_or_default();
        if raw_actions.is_empty() {
            return Err(error("actions".into(), "an overlay needs at least one action".into()));
        }
        let base = path.parent().unwrap_or(Path::new("."));
        let actions = raw_actions
            .into_iter()
            .enumerate()
            .map(|(index, raw)| action(index, raw, base, &error))
            .collect::<Result<Vec<_>>>()?;
        Ok(OverlayDocument {
            path: path.to_owned(),
            name: name.to_owned(),
            title,
            version,
            extends: raw.extends,
            actions,
        })
    }
}

fn is_supported_version(version: &str) -> bool {
    version.strip_prefix("1.0.").is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

fn unknown_fields(
    other: &BTreeMap<String, Value>,
    prefix: &str,
    error: &impl Fn(String, String) -> Error,
) -> Result<()> {
    match other.keys().find(|key| !key.starts_with("x-")) {
        Some(key) => {
            Err(error(format!("{prefix}{key}"), format!("unknown field `{key}` (extensions start with `x-`)")))
        }
        None => Ok(()),
    }
}

fn action(index: usize, raw: RawAction, base: &Path, error: &impl Fn(String, String) -> Error) -> Result<Action> {
    let at = |field: &str| format!("actions[{index}]{field}");
    unknown_fields(&raw.other, &at("."), error)?;
    let target = raw.target.ok_or_else(|| error(at(""), "an action needs a `target`".into()))?;
    let path = JsonPath::parse(&target)
        .map_err(|e| error(at(".target"), format!("`{target}` is not a JSONPath (RFC 9535) expression: {e}")))?;
    let remove = raw.remove.unwrap_or(false);
    if raw.update.is_none() && !remove {
        return Err(error(at(""), format!("the action on `{target}` has neither `update` nor `remove: true`")));
    }
    let evidence = match raw.evidence {
        None => Evidence::default(),
        Some(evidence) => Evidence {
            bodies: evidence
                .bodies
                .into_iter()
                .enumerate()
                .map(|(i, body)| evidence_body(body, base, &at(&format!(".x-evidence.bodies[{i}]")), error))
                .collect::<Result<_>>()?,
            reports: evidence.reports,
        },
    };
    Ok(Action {
        index,
        target,
        path,
        description: raw.description,
        update: raw.update,
        remove,
        evidence,
        prism_only: raw.prism_only.unwrap_or(false),
    })
}

fn evidence_body(
    raw: RawBody,
    base: &Path,
    at: &str,
    error: &impl Fn(String, String) -> Error,
) -> Result<EvidenceBody> {
    let subject = match (raw.operation, raw.status, raw.schema) {
        (Some(operation), Some(status), None) => {
            let status = match status {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                other => return Err(error(format!("{at}.status"), format!("{other} is not a status"))),
            };
            EvidenceSubject::Response { operation, status }
        }
        (None, None, Some(schema)) => EvidenceSubject::Schema(schema),
        _ => {
            return Err(error(
                at.to_owned(),
                "an evidence body names either `operation` and `status`, or `schema`".into(),
            ))
        }
    };
    let path = base.join(&raw.file);
    let bytes = std::fs::read(&path)
        .map_err(|e| error(format!("{at}.file"), format!("evidence file `{}` cannot be read: {e}", path.display())))?;
    let json: Value = serde_json::from_slice(&bytes)
        .map_err(|e| error(format!("{at}.file"), format!("evidence file `{}` is not JSON: {e}", path.display())))?;
    Ok(EvidenceBody { file: raw.file, path, subject, kind: raw.kind, json: json.to_string() })
}
