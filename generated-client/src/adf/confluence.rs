//! ADF as a JSON-encoded string, the way Confluence v2 sends `atlas_doc_format` bodies
//! (`{"representation": "atlas_doc_format", "value": "{\"type\":\"doc\",...}"}`).

use crate::adf::Document;

/// A Confluence body in one representation (`storage`, `view`, `atlas_doc_format` ...): Confluence v2's
/// `BodyType`. An `atlas_doc_format` body holds the document as JSON text; [`Body::document`] parses it and
/// [`Body::from_document`] makes one for a write.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Body {
    /// How `value` is written: `atlas_doc_format` for ADF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representation: Option<String>,
    /// The content in that representation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// The representation of ADF bodies.
pub const ATLAS_DOC_FORMAT: &str = "atlas_doc_format";

impl Body {
    /// A body in any representation.
    pub fn new(representation: impl Into<String>, value: impl Into<String>) -> Body {
        Body { representation: Some(representation.into()), value: Some(value.into()) }
    }

    /// An `atlas_doc_format` body holding `document`.
    pub fn from_document(document: &Document) -> Body {
        Body::new(ATLAS_DOC_FORMAT, document.to_json_string())
    }

    /// The document an `atlas_doc_format` body holds: an error (naming the JSON path inside the value) when the
    /// value is not ADF, `None` when the body has no value.
    pub fn document(&self) -> Result<Option<Document>, NotAdf> {
        self.value.as_deref().map(Document::from_json_str).transpose()
    }
}

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
    fn an_atlas_doc_format_body_holds_its_document_as_json_text() {
        let doc = Document::new().paragraph("Hello");
        let body = Body::from_document(&doc);
        let json = serde_json::to_value(&body).expect("serialise");
        assert_eq!(json["representation"], "atlas_doc_format");
        assert!(json["value"].as_str().is_some_and(|v| v.contains(r#""type":"doc""#)), "{json}");
        let read: Body = serde_json::from_value(json).expect("decode");
        assert_eq!(read.document(), Ok(Some(doc)));
        let storage = Body::new("storage", "<p>Hello</p>");
        assert_eq!(storage.document().unwrap_err().path, ".");
        assert_eq!(Body::default().document(), Ok(None));
    }

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
