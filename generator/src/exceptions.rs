//! Spec examples known to contradict their own schema (`example-exceptions.json` in the listing's folder).
//!
//! An example listed there gets a check that its decoding *fails* with the recorded error, instead of one that it
//! round-trips: the drift stays visible, and when Atlassian fixes an example the check fails until the entry goes.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The file name the generator looks for beside the listing.
pub const FILE_NAME: &str = "example-exceptions.json";

/// One example that does not decode into its schema's type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExampleException {
    /// The listing's `x-spec` name.
    pub spec: String,
    pub operation_id: String,
    pub status: u16,
    /// Text the decode error must contain.
    pub error: String,
    /// Why the example and the schema disagree.
    pub reason: String,
}

#[derive(Deserialize)]
struct File {
    exceptions: Vec<ExampleException>,
}

/// Reads `dir/example-exceptions.json`; none when the file does not exist.
pub fn load(dir: &Path) -> Result<Vec<ExampleException>> {
    let path = dir.join(FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(Error::Io { path, source }),
    };
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let file: File = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| Error::Listing {
        path: path.clone(),
        location: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    Ok(file.exceptions)
}
