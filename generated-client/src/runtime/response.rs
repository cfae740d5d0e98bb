//! A response read in full, and its conversions into values and errors.

use bytes::Bytes;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};

use super::rate_limit::RateLimit;
use super::request::OperationMeta;
use crate::error::{snippet, ApiError, DecodeError, Error, ErrorCollection, ErrorKind, Result};

/// The header in which Atlassian returns the id of a request, for support cases.
const REQUEST_ID: &str = "x-arequestid";

/// An HTTP response with its whole body, for any status.
///
/// Generated builders return one from `send_raw()`, which sends the request like `send()` but hands back the
/// response undecoded, whatever its status: for headers, for bodies the spec does not describe, or to handle
/// statuses yourself.
///
/// ```
/// # async fn example(response: atlassian_client::runtime::Response) -> atlassian_client::Result<()> {
/// // let response = client.jira_platform_v2().get_issue("PROJ-1").send_raw().await?;
/// println!("{} (request id {:?})", response.status(), response.request_id());
/// if response.is_success() {
///     let issue: serde_json::Value = response.json()?;
///     println!("{}", issue["key"]);
/// } else {
///     return Err(response.into_error());
/// }
/// # Ok(()) }
/// ```
///
/// `Set-Cookie` values are marked sensitive, so printing the response with `{:?}` does not show them.
#[derive(Debug, Clone)]
pub struct Response {
    meta: &'static OperationMeta,
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl Response {
    pub(crate) fn new(meta: &'static OperationMeta, status: u16, mut headers: HeaderMap, body: Bytes) -> Response {
        for (name, value) in headers.iter_mut() {
            if name == SET_COOKIE {
                value.set_sensitive(true);
            }
        }
        Response { meta, status, headers, body }
    }

    /// The HTTP status code.
    ///
    /// ```
    /// # fn example(response: atlassian_client::runtime::Response) {
    /// if response.status() == 404 {
    ///     println!("no such issue");
    /// }
    /// # }
    /// ```
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether the status is a success (`2xx`).
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The response headers.
    ///
    /// ```
    /// # fn example(response: atlassian_client::runtime::Response) {
    /// let remaining = response.headers().get("x-ratelimit-remaining").and_then(|value| value.to_str().ok());
    /// println!("{} requests left", remaining.unwrap_or("?"));
    /// # }
    /// ```
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The value of the header `name` (any case), when it is present and visible ASCII.
    ///
    /// ```
    /// # fn example(response: atlassian_client::runtime::Response) {
    /// let content_type = response.header("content-type").unwrap_or("none");
    /// # }
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// What the headers say about Jira's rate limits (`X-RateLimit-*`, `RateLimit-Reason`, the points headers).
    ///
    /// ```
    /// # fn example(response: atlassian_client::runtime::Response) {
    /// let limits = response.rate_limit();
    /// println!("{:?} of {:?} requests left; near a limit: {}", limits.remaining, limits.limit, limits.is_near_limit());
    /// # }
    /// ```
    pub fn rate_limit(&self) -> RateLimit {
        RateLimit::from_headers(&self.headers)
    }

    /// The body, borrowed.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The operation that produced this response.
    pub fn meta(&self) -> &'static OperationMeta {
        self.meta
    }

    /// Decodes the body as JSON into `T`, whatever the status.
    ///
    /// A failure names the JSON path at which decoding stopped (e.g. `issues[3].fields.created`), and keeps a
    /// bounded excerpt of the body, the operationId and the status.
    ///
    /// ```
    /// # async fn example(response: atlassian_client::runtime::Response) -> atlassian_client::Result<()> {
    /// #[derive(serde::Deserialize)]
    /// struct Issue {
    ///     key: String,
    /// }
    /// let issue: Issue = response.json()?;
    /// # Ok(()) }
    /// ```
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<T> {
        // One plain pass, no tracking: the path of a failure is read from the position serde_json reports.
        match serde_json::from_slice(&self.body) {
            Ok(value) => Ok(value),
            Err(error) => {
                let json_path = super::json_path::error_path(&self.body, &error);
                Err(self.decode_error(json_path, error))
            }
        }
    }

    /// Decodes the body as any JSON value; an empty body (such as a `204`'s) is [`serde_json::Value::Null`].
    ///
    /// ```
    /// # fn example(response: atlassian_client::runtime::Response) -> atlassian_client::Result<()> {
    /// let value = response.json_or_null()?;
    /// if !value.is_null() {
    ///     println!("{value:#}");
    /// }
    /// # Ok(()) }
    /// ```
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

    /// What most operations' `send()` does with a response: a 2xx body decoded as `T`, any other status the
    /// [`Error`] it carries (see [`Response::into_error`]).
    pub fn decode_json<T: serde::de::DeserializeOwned>(self) -> Result<T> {
        match self.status {
            200..=299 => self.json(),
            _ => Err(self.into_error()),
        }
    }

    /// [`Response::decode_json`] for a body of any JSON, an empty one read as `null`.
    pub fn decode_json_or_null(self) -> Result<serde_json::Value> {
        match self.status {
            200..=299 => self.json_or_null(),
            _ => Err(self.into_error()),
        }
    }

    /// [`Response::decode_json`] for an operation without a response body: the body of a 2xx is ignored.
    pub fn decode_empty(self) -> Result<()> {
        match self.status {
            200..=299 => Ok(()),
            _ => Err(self.into_error()),
        }
    }

    /// The body as text; bytes that are not UTF-8 become U+FFFD.
    ///
    /// ```
    /// # fn example(response: atlassian_client::runtime::Response) {
    /// let html_or_json = response.text();
    /// # }
    /// ```
    pub fn text(self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The raw body.
    ///
    /// ```
    /// # fn example(response: atlassian_client::runtime::Response) -> std::io::Result<()> {
    /// std::fs::write("attachment.bin", response.bytes())?;
    /// # Ok(()) }
    /// ```
    pub fn bytes(self) -> Bytes {
        self.body
    }

    /// The `Location` header, e.g. of a `303 See Other`.
    pub fn location(&self) -> Option<String> {
        let location = self.headers.get(LOCATION)?.to_str().ok()?;
        Some(location.to_owned())
    }

    /// The `X-AREQUESTID` header, which Atlassian support asks for.
    ///
    /// ```
    /// # fn example(response: atlassian_client::runtime::Response) {
    /// if let Some(id) = response.request_id() {
    ///     eprintln!("quote request id {id} to Atlassian support");
    /// }
    /// # }
    /// ```
    pub fn request_id(&self) -> Option<String> {
        let request_id = self.headers.get(REQUEST_ID)?.to_str().ok()?;
        Some(request_id.to_owned())
    }

    /// Returns the response when its status is a success (`2xx`), and otherwise the API error
    /// [`into_error`](Response::into_error) makes of it.
    ///
    /// ```
    /// # async fn example(response: atlassian_client::runtime::Response) -> atlassian_client::Result<()> {
    /// let body = response.error_for_status()?.text();
    /// # Ok(()) }
    /// ```
    pub fn error_for_status(self) -> Result<Response> {
        if self.is_success() {
            Ok(self)
        } else {
            Err(self.into_error())
        }
    }

    /// Turns a response with an unexpected status into an API error.
    ///
    /// The error carries Jira's error collection when the body is one, and otherwise a bounded excerpt of the
    /// body (at most 1 KiB); the request id; and the headers (see [`Error::headers`] and
    /// [`Error::retry_after`]).
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
            headers: self.headers,
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
