//! A request as generated code builds it, before the client turns it into HTTP.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;

use super::method::HttpMethod;
use super::multipart::{self, Multipart};
use crate::error::{Error, ErrorKind, Result};

/// What the runtime needs to know about an operation, fixed at generation time.
#[derive(Debug)]
pub struct OperationMeta {
    /// The operationId, e.g. `"getIssue"`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template as written in the spec, e.g. `"/rest/api/2/issue/{issueIdOrKey}"`.
    pub path: &'static str,
    /// The path part of the spec's server URL: `""` for Jira, `"/wiki/api/v2"` for Confluence v2.
    pub server_prefix: &'static str,
    /// Whether the operation documents a `303 See Other` response, which is then returned rather than followed.
    pub see_other_documented: bool,
}

/// A request body: bytes in memory, or a multipart form with streamed parts.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    /// The `Content-Type` header to send.
    pub(crate) content_type: String,
    /// What to send.
    pub(crate) content: BodyContent,
}

/// The content of a [`Body`].
#[derive(Debug, Clone)]
pub(crate) enum BodyContent {
    /// Bytes held in memory, sent again as often as needed.
    Bytes(Bytes),
    /// A form with streamed parts, encoded with `boundary` while it is sent. Clones share the streams, which can
    /// be taken once.
    Streamed { form: Multipart, boundary: String },
}

impl Body {
    /// Whether the body can be sent again on a retry or a redirect: bodies held in memory can, streamed ones
    /// cannot.
    pub(crate) fn replayable(&self) -> bool {
        matches!(self.content, BodyContent::Bytes(_))
    }

    /// The body for one attempt and, for a stream of known length, its `Content-Length` (a body in memory gets
    /// its own). Takes the streams of a streamed body: sending it a second time fails rather than sending an
    /// empty or partial body.
    pub(crate) fn to_http(&self, operation_id: &'static str) -> Result<(reqwest::Body, Option<u64>)> {
        match &self.content {
            BodyContent::Bytes(bytes) => Ok((reqwest::Body::from(bytes.clone()), None)),
            BodyContent::Streamed { form, boundary } => {
                let stream = form.take_stream(boundary).ok_or_else(|| {
                    Error::invalid_request(
                        operation_id,
                        "the multipart form's streamed parts were already sent; a streamed form can be sent once",
                    )
                })?;
                Ok((reqwest::Body::wrap_stream(stream), form.encoded_length(boundary)))
            }
        }
    }
}

/// One call of an operation: path, query, headers and body, ready for [`Client::execute`](crate::Client::execute).
///
/// Generated request builders fill this in; it is cheap to clone, so retries and redirects can replay it.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) meta: &'static OperationMeta,
    pub(crate) path: String,
    /// Query parameters, names and values already percent-encoded.
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<Body>,
    pub(crate) timeout: Option<Duration>,
}

impl Request {
    /// Starts a request for `meta` with `path`: the path template with its parameters already substituted
    /// and encoded by [`encode_path_segment`](crate::runtime::encode_path_segment), without the server prefix.
    pub fn new(meta: &'static OperationMeta, path: String) -> Request {
        Request { meta, path, query: Vec::new(), headers: Vec::new(), body: None, timeout: None }
    }

    /// Starts a request for `meta` with the variables of its path template filled in, in order, by `values`
    /// (each encoded as one segment).
    pub fn with_path_params(meta: &'static OperationMeta, values: &[&dyn fmt::Display]) -> Request {
        Request::new(meta, super::path::fill_path(meta.path, values))
    }

    /// The operation this request calls.
    pub fn meta(&self) -> &'static OperationMeta {
        self.meta
    }

    /// Adds one `name=value` query parameter.
    pub fn query(&mut self, name: &'static str, value: impl fmt::Display) {
        self.query.push((name, super::query::encode(&value.to_string())));
    }

    /// Adds a list-valued query parameter in OpenAPI's `form` style.
    ///
    /// With `explode` the list is sent as `name=a&name=b`; without it as `name=a,b`. An empty list adds nothing.
    pub fn query_list<I>(&mut self, name: &'static str, values: I, explode: bool)
    where
        I: IntoIterator,
        I::Item: fmt::Display,
    {
        let values = values.into_iter().map(|value| super::query::encode(&value.to_string()));
        if explode {
            self.query.extend(values.map(|value| (name, value)));
        } else {
            let values: Vec<String> = values.collect();
            if !values.is_empty() {
                // The separating commas stay literal; commas inside the values were encoded above.
                self.query.push((name, values.join(",")));
            }
        }
    }

    /// Adds a request header. A later header of the same name is sent in addition, not instead.
    pub fn header(&mut self, name: &'static str, value: impl fmt::Display) {
        self.headers.push((name, value.to_string()));
    }

    /// Sets a JSON body and the `application/json` content type.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<()> {
        self.json_as("application/json", body)
    }

    /// Sets a JSON body sent with another JSON media type, e.g. `application/json-patch+json`.
    pub fn json_as<T: serde::Serialize + ?Sized>(&mut self, content_type: &str, body: &T) -> Result<()> {
        let bytes = serde_json::to_vec(body)
            .map_err(|source| Error::new(ErrorKind::Serialize { operation_id: self.meta.id, source }))?;
        self.bytes(content_type, Bytes::from(bytes));
        Ok(())
    }

    /// Sets a `multipart/form-data` body (file uploads).
    ///
    /// A form held wholly in memory is encoded now. A form with streamed parts
    /// ([`Multipart::file_stream`](super::Multipart::file_stream)) is encoded while the request is sent, and only
    /// once: the request is then not retried, a redirect that would send the body again is returned to the
    /// caller, and a clone of the request (or another request with a clone of the form) cannot be sent after it.
    pub fn multipart(&mut self, form: &Multipart) {
        let boundary = form.boundary();
        let content_type = multipart::content_type(&boundary);
        let content = match form.encode_with(&boundary) {
            Some(bytes) => BodyContent::Bytes(bytes),
            None => BodyContent::Streamed { form: form.clone(), boundary },
        };
        self.body = Some(Body { content_type, content });
    }

    /// Sets a plain-text body.
    pub fn text(&mut self, body: String) {
        self.bytes("text/plain", Bytes::from(body));
    }

    /// Sets a raw body with the given content type, e.g. an image upload.
    pub fn bytes(&mut self, content_type: &str, body: Bytes) {
        self.body = Some(Body { content_type: content_type.to_owned(), content: BodyContent::Bytes(body) });
    }

    /// Overrides the client's request timeout for this call.
    pub fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }
}
