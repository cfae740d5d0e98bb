//! The one error type of the generator. Every variant says where the problem is: the file, and the JSON pointer,
//! slug or operationId inside it.

use std::path::PathBuf;

/// A problem with the generator's input or output.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    /// The listing is not valid YAML, or not the APIs.json shape we read.
    #[error("{path}: invalid listing at `{location}`: {message}")]
    Listing { path: PathBuf, location: String, message: String },

    /// A spec file does not parse as an OpenAPI 3.0.x document.
    #[error("{path}: not a valid OpenAPI 3.0.x document at `{pointer}`: {message}")]
    Spec { path: PathBuf, pointer: String, message: String },

    /// A JSON Schema file (`type: x-json-schema` in the listing) is not the draft-04 document we read.
    #[error("{path}: not a usable JSON Schema at `{pointer}`: {message}")]
    Schema { path: PathBuf, pointer: String, message: String },

    /// An overlay document is malformed (`location`: the field, such as `actions[2].target`).
    #[error("{path}: invalid overlay at `{location}`: {message}")]
    OverlayDocument { path: PathBuf, location: String, message: String },

    /// An overlay's action cannot be applied (`action`: its index, description and target).
    #[error("{path}: overlay {action}: {message}")]
    OverlayAction { path: PathBuf, action: String, message: String },

    /// The overlays turned a spec into something that is no longer an OpenAPI 3.0.x document.
    #[error(
        "{path}: after the overlays ({overlays}) not a valid OpenAPI 3.0.x document at `{pointer}`: {message}{culprit}"
    )]
    OverlayResult { path: PathBuf, overlays: String, pointer: String, message: String, culprit: String },

    /// An `apis` entry matches no operation.
    #[error("{path}: `apis` entry `{entry}` matches no operation{hint}")]
    UnknownOperation { path: PathBuf, entry: String, hint: String },

    /// An `apis` entry matches several operations (in several specs, or a duplicated operationId in one).
    #[error("{path}: `apis` entry `{entry}` is ambiguous: it matches {matches}; {hint}")]
    AmbiguousOperation { path: PathBuf, entry: String, matches: String, hint: String },

    /// Problems found while lowering the selected operations, all of them, sorted by location.
    #[error("{path}: {} problem(s):\n{}", problems.len(), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Lowering { path: PathBuf, problems: Vec<Problem> },

    /// The generated code did not parse back as Rust (a generator bug, reported instead of writing bad files).
    #[error("internal error: the code generated for {file} does not parse as Rust: {message}")]
    Format { file: String, message: String },
}

/// One problem in a spec, located by a JSON pointer into that spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Where: a JSON pointer such as `#/components/schemas/Worklog/properties/id`.
    pub pointer: String,
    /// What is wrong there.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// The generator's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Escapes one JSON-pointer token (RFC 6901: `~` -> `~0`, `/` -> `~1`).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
