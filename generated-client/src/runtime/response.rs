//! A response read in full, and its conversions into values and errors.

use bytes::Bytes;
use reqwest::header::{HeaderMap, LOCATION};

use super::request::OperationMeta;
use crate::error::{snippet, ApiError, DecodeError, Error, ErrorCollection, ErrorKind, Result};

/// The header in which Atlassian returns the id of a request, for support cases.
const REQUEST_ID: &str = "x-arequestid";

/// An HTTP response with its whole body, for any status.
#[derive(Debug, Clone)]
pub struct Response {
    meta: &'static OperationMeta,
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl Response {
    pub(crate) fn new(meta: &'static OperationMeta, status: u16, headers: HeaderMap, body: Bytes) -> Response {
        Response { meta, status, headers, body }
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The operation that produced this response.
    pub fn meta(&self) -> &'static OperationMeta {
        self.meta
    }

    /// Decodes the body as JSON into `T`.
    ///
    /// A failure names the JSON path at which decoding stopped (e.g. `issues[3].fields.created`), and keeps a
    /// bounded excerpt of the body, the operationId and the status.
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<T> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let json_path = error.path().to_string();
            self.decode_error(json_path, error.into_inner())
        })?;
        deserializer.end().map_err(|error| self.decode_error(".".to_owned(), error))?;
        Ok(value)
    }

    /// Decodes the body as any JSON value; an empty body is [`serde_json::Value::Null`].
    pub fn json_or_null(self) -> Result<serde_json::Value> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        self.json()
    }

    /// Ignores the body.
    pub fn empty(self) -> Result<()> {
        Ok(())
    }

    /// The body as text; bytes that are not UTF-8 become U+FFFD.
    pub fn text(self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The raw body.
    pub fn bytes(self) -> Bytes {
        self.body
    }

    /// The `Location` header, e.g. of a `303 See Other`.
    pub fn location(&self) -> Option<String> {
        let location = self.headers.get(LOCATION)?.to_str().ok()?;
        Some(location.to_owned())
    }

    /// The `X-AREQUESTID` header, which Atlassian support asks for.
    pub fn request_id(&self) -> Option<String> {
        let request_id = self.headers.get(REQUEST_ID)?.to_str().ok()?;
        Some(request_id.to_owned())
    }

    /// Turns a response with an unexpected status into an API error.
    ///
    /// The error carries Jira's error collection when the body is one, and otherwise a bounded excerpt of the
    /// body (at most 1 KiB).
    pub fn into_error(self) -> Error {
        let collection = ErrorCollection::from_body(&self.body);
        let snippet = match collection {
            None if !self.body.is_empty() => Some(snippet(&self.body)),
            _ => None,
        };
        Error::new(ErrorKind::Api(ApiError {
            status: self.status,
            operation_id: self.meta.id,
            method: self.meta.method,
            path: self.meta.path,
            collection,
            snippet,
            request_id: self.request_id(),
        }))
    }

    fn decode_error(&self, json_path: String, source: serde_json::Error) -> Error {
        Error::new(ErrorKind::Decode(DecodeError {
            operation_id: self.meta.id,
            status: self.status,
            json_path,
            snippet: snippet(&self.body),
            source,
        }))
    }
}
