//! ADF as a JSON-encoded string, the way Confluence v2 sends `atlas_doc_format` bodies
//! (`{"representation": "atlas_doc_format", "value": "{\"type\":\"doc\",...}"}`).

use crate::adf::Document;

/// A value that is not an ADF document: where it stops being one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAdf {
    /// The JSON path inside the document where decoding failed (`content[0].attrs.level`), or `.` for the root.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for NotAdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not an ADF document at `{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for NotAdf {}

impl Document {
    /// Parses a document from its JSON text (Confluence's `atlas_doc_format` `value`).
    pub fn from_json_str(text: &str) -> Result<Document, NotAdf> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|error| NotAdf { path: error.path().to_string(), message: error.inner().to_string() })
    }

    /// The document as compact JSON text, for a Confluence `atlas_doc_format` body's `value`.
    pub fn to_json_string(&self) -> String {
        // Serialising these types cannot fail: every map key is a string.
        serde_json::to_string(self).expect("an ADF document serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_round_trips_and_names_the_failing_path() {
        let doc = Document::new().heading(1, "Title").paragraph("Body");
        assert_eq!(Document::from_json_str(&doc.to_json_string()), Ok(doc));
        let error = Document::from_json_str(r#"{"type":"doc","version":1,"content":"not a list"}"#).unwrap_err();
        assert_eq!(error.path, "content");
        let error = Document::from_json_str(r#"{"type":"page","version":1,"content":[]}"#).unwrap_err();
        assert_eq!(error.path, "type");
        assert!(error.to_string().contains("expected `\"doc\"`"), "{error}");
    }
}
