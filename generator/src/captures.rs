//! Response bodies captured from real Jira instances, to check that what Jira really sends decodes.
//!
//! A captures folder holds `<operationId>/<name>.json` files and a `SOURCES.md` whose table gives, per file, the
//! REST API that returned it (`v2`, `v3`, `agile 1.0`, `servicedesk`) and whether it came from Jira Cloud or Server.
//! A capture belongs to the selected operation with its operationId whose path starts with that API's prefix
//! (`getIssue` exists in REST v2, v3 and agile), so any listing gets the checks of the captures it can use.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One captured response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureFile {
    pub operation_id: String,
    /// Relative to the captures folder, with `/`: `getIssue/owner__repo__name-v2.json`.
    pub file: String,
    /// The path prefix of the API that returned it, e.g. `/rest/api/2/`.
    pub path_prefix: String,
    pub cloud: bool,
    /// The body as compact JSON.
    pub json: String,
}

/// The REST column of `SOURCES.md` and the path prefix of that API's operations.
const APIS: &[(&str, &str)] = &[
    ("v2", "/rest/api/2/"),
    ("v3", "/rest/api/3/"),
    ("agile 1.0", "/rest/agile/1.0/"),
    ("servicedesk", "/rest/servicedeskapi/"),
];

/// Reads the captures listed in `dir/SOURCES.md`.
pub fn load(dir: &Path) -> Result<Vec<CaptureFile>> {
    let sources = dir.join("SOURCES.md");
    let text = std::fs::read_to_string(&sources).map_err(|source| Error::Io { path: sources.clone(), source })?;
    let bad = |line: usize, message: String| Error::Listing {
        path: sources.clone(),
        location: format!("line {line}"),
        message,
    };
    let mut captures = Vec::new();
    for (i, line) in text.lines().enumerate() {
        // Table rows whose first cell names a file: | `getIssue/x.json` | repo | commit | path | REST | Cloud/Server | ...
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let Some(file) = cells.get(1).and_then(|c| c.strip_prefix('`')).and_then(|c| c.strip_suffix('`')) else {
            continue;
        };
        if !file.ends_with(".json") {
            continue;
        }
        let (Some(rest), Some(deployment)) = (cells.get(5), cells.get(6)) else {
            return Err(bad(i + 1, format!("the row of `{file}` has no REST or Cloud/Server column")));
        };
        let Some((_, prefix)) = APIS.iter().find(|(name, _)| name == rest) else {
            return Err(bad(i + 1, format!("`{file}`: unknown REST API `{rest}`")));
        };
        let Some((operation_id, _)) = file.split_once('/') else {
            return Err(bad(i + 1, format!("`{file}` is not in an operationId folder")));
        };
        let path: PathBuf = dir.join(file);
        let bytes = std::fs::read(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| Error::Spec {
            path: path.clone(),
            pointer: String::new(),
            message: format!("not JSON: {e}"),
        })?;
        captures.push(CaptureFile {
            operation_id: operation_id.to_owned(),
            file: file.to_owned(),
            path_prefix: (*prefix).to_owned(),
            cloud: deployment.starts_with("Cloud"),
            json: value.to_string(),
        });
    }
    captures.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(captures)
}
