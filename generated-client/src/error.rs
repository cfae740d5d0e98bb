//! The crate's single error type.
//!
//! Every fallible call returns [`Error`], a small boxed handle around an [`ErrorKind`]. The accessors on
//! [`Error`] answer the common questions (which HTTP status, which request id, was it a timeout) without
//! matching on the kind.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::auth_error::AuthError;
use crate::runtime::rate_limit::RateLimitedError;
use crate::runtime::retry_after::parse_retry_after;
use crate::runtime::{HttpMethod, RateLimit};

/// A specialised `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The largest body excerpt, in bytes, that an error keeps.
pub(crate) const SNIPPET_LIMIT: usize = 1024;

/// An error from building a client, sending a request, or reading its response.
///
/// The error is one pointer wide; the details live behind [`Error::kind`].
pub struct Error(Box<ErrorKind>);

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request could not be sent, or its response could not be read in full.
    Transport(TransportError),
    /// The server answered with a status that the operation does not document as a success.
    Api(ApiError),
    /// The response body did not match the schema the operation documents.
    Decode(DecodeError),
    /// A member of an open `fields` map did not have the requested type (see
    /// [`FieldsExt`](crate::FieldsExt)).
    FieldDecode(FieldDecodeError),
    /// A redirect was not followed: it led to another site, or there were too many of them.
    Redirect(RedirectError),
    /// The request was not sent: an earlier `429` of the client holds it for longer than the retry policy waits.
    RateLimited(RateLimitedError),
    /// A field of a create or edit could not be used: a name that matches no field or several
    /// ([`FieldIds`](crate::FieldIds)), or a value that is not valid there ([`FieldValues`](crate::FieldValues)).
    Field {
        /// The field's name or id, as given.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The request body could not be serialised to JSON.
    Serialize {
        /// The operation whose body failed.
        operation_id: &'static str,
        /// The serialiser's error.
        source: serde_json::Error,
    },
    /// The request could not be built: an unusable path parameter, header or credential.
    InvalidRequest {
        /// The operation that was being built.
        operation_id: &'static str,
        /// Why the request is unusable.
        message: String,
    },
    /// The credentials could not produce an `Authorization` header.
    Auth(AuthError),
    /// The base URL given to the client builder is unusable.
    InvalidBaseUrl {
        /// Why the URL is unusable. The URL itself is not repeated, as it may hold credentials.
        message: String,
    },
    /// The client could not be built.
    Builder {
        /// Why the client could not be built.
        message: String,
        /// The underlying HTTP client error, when there is one.
        source: Option<reqwest::Error>,
    },
}

/// The stage at which a transport error happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made.
    Connect,
    /// The request or the response took longer than the configured timeout.
    Timeout,
    /// The connection was closed or reset after the request went out and before a response arrived (a server
    /// or proxy closing a connection as the request was sent on it, a server restarting).
    ConnectionLost,
    /// The connection was closed before the whole response body arrived.
    BodyCutOff,
    /// Any other failure while sending the request.
    Other,
}

/// A failure below HTTP: connecting, timing out, or losing the connection mid-body.
#[derive(Debug)]
pub struct TransportError {
    /// At which stage the transport failed.
    pub kind: TransportErrorKind,
    /// The operation being called.
    pub operation_id: &'static str,
    /// The HTTP method used.
    pub method: HttpMethod,
    /// The operation's path template.
    pub path: &'static str,
    /// The HTTP client's error.
    pub source: reqwest::Error,
}

/// An HTTP response whose status the operation does not treat as a success.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The operation being called.
    pub operation_id: &'static str,
    /// The HTTP method used.
    pub method: HttpMethod,
    /// The operation's path template, e.g. `/rest/api/2/issue/{issueIdOrKey}`.
    pub path: &'static str,
    /// Jira's error collection, when the body is one.
    pub collection: Option<ErrorCollection>,
    /// A bounded excerpt of the body (at most 1 KiB) when the body is not an error collection.
    pub snippet: Option<String>,
    /// The value of the `X-AREQUESTID` response header, which Atlassian support asks for.
    pub request_id: Option<String>,
    /// The response headers, e.g. `Retry-After` and Jira's `X-RateLimit-*` headers. `Set-Cookie` values are
    /// marked sensitive, so printing the error does not show them.
    pub headers: HeaderMap,
}

/// Jira's standard error body: `{"errorMessages": [..], "errors": {..}, "warningMessages": [..]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorCollection {
    /// Messages that are not tied to one field.
    pub error_messages: Vec<String>,
    /// Messages keyed by the field they are about.
    pub errors: BTreeMap<String, String>,
    /// Warnings that came with the error.
    pub warning_messages: Vec<String>,
    /// The HTTP status that Jira repeats inside some error bodies.
    pub status: Option<i64>,
}

/// A response body that did not decode into the documented type.
#[derive(Debug)]
pub struct DecodeError {
    /// The operation being called.
    pub operation_id: &'static str,
    /// The HTTP status of the response.
    pub status: u16,
    /// The JSON path at which decoding failed, e.g. `fields.created` or `issues[3].id`.
    pub json_path: String,
    /// A bounded excerpt of the body (at most 1 KiB).
    pub snippet: String,
    /// The JSON decoder's error.
    pub source: serde_json::Error,
}

/// A member of a `fields` map that did not decode into the requested type.
#[derive(Debug)]
pub struct FieldDecodeError {
    /// The field's name, e.g. `customfield_10010`.
    pub field: String,
    /// The JSON path at which decoding failed, starting with the field's name, e.g. `status.statusCategory.key`.
    pub json_path: String,
    /// A bounded excerpt of the field's value as JSON (at most 1 KiB).
    pub snippet: String,
    /// The JSON decoder's error.
    pub source: serde_json::Error,
}

/// A redirect that the client refused to follow.
#[derive(Debug, Clone)]
pub struct RedirectError {
    /// The operation being called.
    pub operation_id: &'static str,
    /// The status of the redirect response.
    pub status: u16,
    /// The `Location` the server redirected to.
    pub location: String,
    /// Why the redirect was not followed.
    pub reason: RedirectRefusal,
}

/// Why a redirect was not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectRefusal {
    /// The redirect pointed at another scheme, host or port than the base URL; credentials are never sent there.
    OtherSite,
    /// The redirect limit was reached.
    TooManyRedirects,
    /// The `Location` header was missing or not a valid URL.
    InvalidLocation,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }

    pub(crate) fn invalid_request(operation_id: &'static str, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidRequest { operation_id, message: message.into() })
    }

    pub(crate) fn field(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Field { field: field.into(), message: message.into() })
    }

    pub(crate) fn invalid_base_url(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidBaseUrl { message: message.into() })
    }

    /// An authentication failure, for [`Auth`](crate::Auth) implementations such as an OAuth token refresh.
    ///
    /// The message must not contain the credentials.
    pub fn auth(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Auth(AuthError::new(message)))
    }

    /// Whether only a new consent of the user can cure the error (an OAuth 2.0 refresh answered `invalid_grant`).
    pub fn is_consent_required(&self) -> bool {
        matches!(self.kind(), ErrorKind::Auth(auth) if auth.consent_required)
    }

    /// What went wrong, in detail.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Consumes the error and returns its details.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// The HTTP status of the response that caused the error, if there was a response.
    pub fn status(&self) -> Option<u16> {
        match self.kind() {
            ErrorKind::Api(api) => Some(api.status),
            ErrorKind::Decode(decode) => Some(decode.status),
            ErrorKind::Redirect(redirect) => Some(redirect.status),
            _ => None,
        }
    }

    /// The operationId of the call that failed, when the error belongs to one.
    pub fn operation_id(&self) -> Option<&'static str> {
        match self.kind() {
            ErrorKind::Transport(transport) => Some(transport.operation_id),
            ErrorKind::Api(api) => Some(api.operation_id),
            ErrorKind::Decode(decode) => Some(decode.operation_id),
            ErrorKind::Redirect(redirect) => Some(redirect.operation_id),
            ErrorKind::RateLimited(held) => Some(held.operation_id),
            ErrorKind::Serialize { operation_id, .. } | ErrorKind::InvalidRequest { operation_id, .. } => {
                Some(operation_id)
            }
            ErrorKind::FieldDecode(_)
            | ErrorKind::Field { .. }
            | ErrorKind::Auth(_)
            | ErrorKind::InvalidBaseUrl { .. }
            | ErrorKind::Builder { .. } => None,
        }
    }

    /// The `X-AREQUESTID` header of the failed response, which Atlassian support asks for.
    pub fn request_id(&self) -> Option<&str> {
        match self.kind() {
            ErrorKind::Api(api) => api.request_id.as_deref(),
            _ => None,
        }
    }

    /// The headers of the failed response, for API errors.
    ///
    /// Jira reports rate limiting in headers such as `Retry-After`, `X-RateLimit-Limit`,
    /// `X-RateLimit-Remaining`, `X-RateLimit-Reset` and `RateLimit-Reason`:
    ///
    /// ```
    /// # fn report(error: &atlassian_client::Error) {
    /// if let Some(reset) = error.headers().and_then(|headers| headers.get("x-ratelimit-reset")) {
    ///     eprintln!("rate limited until {reset:?}");
    /// }
    /// # }
    /// ```
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self.kind() {
            ErrorKind::Api(api) => Some(&api.headers),
            _ => None,
        }
    }

    /// How long the server asked to wait before trying again: the `Retry-After` header of an API error, in
    /// seconds or as an HTTP date (a date in the past is zero). A wait over a day, a negative number or an
    /// unparseable value is `None`.
    ///
    /// The client already waits and retries when the wait is short enough (see
    /// [`RetryPolicy`](crate::RetryPolicy)); this is for the `429` and `503` responses it gives back, and for
    /// requests not sent because such a `429` holds them ([`ErrorKind::RateLimited`]).
    pub fn retry_after(&self) -> Option<Duration> {
        if let ErrorKind::RateLimited(held) = self.kind() {
            return Some(held.retry_after);
        }
        parse_retry_after(self.headers()?.get(RETRY_AFTER)?)
    }

    /// What the headers of an API error say about Jira's rate limits, e.g. which limit a `429` is for.
    ///
    /// ```
    /// # fn report(error: &atlassian_client::Error) {
    /// use atlassian_client::runtime::RateLimitReason;
    ///
    /// if let Some(limits) = error.rate_limit() {
    ///     if limits.reason == Some(RateLimitReason::Burst) {
    ///         eprintln!("this endpoint is busy; retry in {:?}", limits.retry_after);
    ///     }
    /// }
    /// # }
    /// ```
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.headers().map(RateLimit::from_headers)
    }

    /// Jira's error collection, when the error body was one.
    pub fn error_collection(&self) -> Option<&ErrorCollection> {
        match self.kind() {
            ErrorKind::Api(api) => api.collection.as_ref(),
            _ => None,
        }
    }

    /// The JSON path at which a response, or a field read with [`FieldsExt`](crate::FieldsExt), failed to
    /// decode.
    pub fn json_path(&self) -> Option<&str> {
        match self.kind() {
            ErrorKind::Decode(decode) => Some(&decode.json_path),
            ErrorKind::FieldDecode(decode) => Some(&decode.json_path),
            _ => None,
        }
    }

    /// The stage of a transport failure, if this is one.
    pub fn transport_kind(&self) -> Option<TransportErrorKind> {
        match self.kind() {
            ErrorKind::Transport(transport) => Some(transport.kind),
            _ => None,
        }
    }

    /// Whether the request or its response took longer than the configured timeout.
    pub fn is_timeout(&self) -> bool {
        self.transport_kind() == Some(TransportErrorKind::Timeout)
    }

    /// Whether no connection could be made.
    pub fn is_connect(&self) -> bool {
        self.transport_kind() == Some(TransportErrorKind::Connect)
    }

    /// Whether this is an error status returned by the API.
    pub fn is_api(&self) -> bool {
        matches!(self.kind(), ErrorKind::Api(_))
    }

    /// Whether the response body did not match the documented schema, or a field read with
    /// [`FieldsExt`](crate::FieldsExt) did not have the requested type.
    pub fn is_decode(&self) -> bool {
        matches!(self.kind(), ErrorKind::Decode(_) | ErrorKind::FieldDecode(_))
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Error").field(&self.0).finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            ErrorKind::Transport(transport) => {
                let stage = match transport.kind {
                    TransportErrorKind::Connect => "could not connect",
                    TransportErrorKind::Timeout => "timed out",
                    TransportErrorKind::ConnectionLost => "connection lost before a response",
                    TransportErrorKind::BodyCutOff => "response body cut off",
                    TransportErrorKind::Other => "transport error",
                };
                write!(
                    f,
                    "{} {} ({}): {stage}: {}",
                    transport.method, transport.path, transport.operation_id, transport.source
                )
            }
            ErrorKind::Api(api) => fmt::Display::fmt(api, f),
            ErrorKind::Decode(decode) => write!(
                f,
                "{}: could not decode the response (status {}) at `{}`: {}; body: {}",
                decode.operation_id, decode.status, decode.json_path, decode.source, decode.snippet
            ),
            ErrorKind::FieldDecode(decode) => write!(
                f,
                "could not decode field `{}` at `{}`: {}; value: {}",
                decode.field, decode.json_path, decode.source, decode.snippet
            ),
            ErrorKind::Redirect(redirect) => {
                let reason = match redirect.reason {
                    RedirectRefusal::OtherSite => "it leads to another site",
                    RedirectRefusal::TooManyRedirects => "too many redirects",
                    RedirectRefusal::InvalidLocation => "its Location header is missing or invalid",
                };
                write!(f, "{}: redirect (status {}) not followed: {reason}", redirect.operation_id, redirect.status)
            }
            ErrorKind::RateLimited(held) => fmt::Display::fmt(held, f),
            ErrorKind::Field { field, message } => write!(f, "field `{field}`: {message}"),
            ErrorKind::Serialize { operation_id, source } => {
                write!(f, "{operation_id}: could not serialise the request body: {source}")
            }
            ErrorKind::InvalidRequest { operation_id, message } => {
                write!(f, "{operation_id}: invalid request: {message}")
            }
            ErrorKind::Auth(auth) => write!(f, "authentication failed: {auth}"),
            ErrorKind::InvalidBaseUrl { message } => write!(f, "invalid base URL: {message}"),
            ErrorKind::Builder { message, source } => match source {
                Some(source) => write!(f, "could not build the client: {message}: {source}"),
                None => write!(f, "could not build the client: {message}"),
            },
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.kind() {
            ErrorKind::Transport(transport) => Some(&transport.source),
            ErrorKind::Decode(decode) => Some(&decode.source),
            ErrorKind::FieldDecode(decode) => Some(&decode.source),
            ErrorKind::Serialize { source, .. } => Some(source),
            ErrorKind::Builder { source: Some(source), .. } => Some(source),
            ErrorKind::Auth(AuthError { source: Some(source), .. }) => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl From<AuthError> for Error {
    fn from(auth: AuthError) -> Error {
        Error::new(ErrorKind::Auth(auth))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({}) returned status {}", self.method, self.path, self.operation_id, self.status)?;
        if let Some(collection) = &self.collection {
            write!(f, ": {collection}")?;
        } else if let Some(snippet) = &self.snippet {
            write!(f, ": {snippet}")?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " (request id {request_id})")?;
        }
        Ok(())
    }
}

impl fmt::Display for ErrorCollection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages = self.error_messages.iter().map(String::clone);
        let fields = self.errors.iter().map(|(field, message)| format!("{field}: {message}"));
        let all: Vec<String> = messages.chain(fields).collect();
        if all.is_empty() {
            f.write_str("no error messages")
        } else {
            f.write_str(&all.join("; "))
        }
    }
}

impl ErrorCollection {
    /// Reads a Jira error collection from a response body, if the body is one.
    ///
    /// A body counts as an error collection when it is a JSON object with an `errorMessages` or an `errors`
    /// member, or (the `ErrorMessages` of Jira Software's and the DevOps APIs' error responses) a non-empty JSON
    /// array of objects with a `message`, whose messages become [`error_messages`](Self::error_messages).
    /// Messages that are not strings are kept as their JSON text.
    pub fn from_body(body: &[u8]) -> Option<ErrorCollection> {
        match serde_json::from_slice(body).ok()? {
            serde_json::Value::Object(object) => Self::from_object(&object),
            serde_json::Value::Array(items) => Self::from_message_list(&items),
            _ => None,
        }
    }

    fn from_object(object: &serde_json::Map<String, serde_json::Value>) -> Option<ErrorCollection> {
        if !object.contains_key("errorMessages") && !object.contains_key("errors") {
            return None;
        }
        let errors = match object.get("errors") {
            Some(serde_json::Value::Object(errors)) => {
                errors.iter().map(|(field, message)| (field.clone(), json_text(message))).collect()
            }
            _ => BTreeMap::new(),
        };
        Some(ErrorCollection {
            error_messages: string_list(object.get("errorMessages")),
            errors,
            warning_messages: string_list(object.get("warningMessages")),
            status: object.get("status").and_then(serde_json::Value::as_i64),
        })
    }

    /// `[{"message": "..", "errorTraceId": ".."}, ..]`; the trace ids are kept after the message.
    fn from_message_list(items: &[serde_json::Value]) -> Option<ErrorCollection> {
        let messages = items
            .iter()
            .map(|item| {
                let message = json_text(item.get("message")?);
                Some(match item.get("errorTraceId") {
                    Some(trace) => format!("{message} (errorTraceId {})", json_text(trace)),
                    None => message,
                })
            })
            .collect::<Option<Vec<String>>>()?;
        if messages.is_empty() {
            return None;
        }
        Some(ErrorCollection { error_messages: messages, ..ErrorCollection::default() })
    }
}

/// Reads a JSON array of messages, keeping non-string entries as their JSON text.
fn string_list(value: Option<&serde_json::Value>) -> Vec<String> {
    match value {
        Some(serde_json::Value::Array(items)) => items.iter().map(json_text).collect(),
        _ => Vec::new(),
    }
}

/// Returns a string value as is and any other JSON value as its JSON text.
fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Returns at most [`SNIPPET_LIMIT`] bytes of a body as text, cut at a character boundary and marked when cut.
pub(crate) fn snippet(body: &[u8]) -> String {
    const MARK: &str = "…";
    let text = String::from_utf8_lossy(body);
    if text.len() <= SNIPPET_LIMIT {
        return text.into_owned();
    }
    let mut end = SNIPPET_LIMIT - MARK.len();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{MARK}", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_bounded_at_a_character_boundary() {
        let body = "é".repeat(2000);
        let cut = snippet(body.as_bytes());
        assert!(cut.len() <= SNIPPET_LIMIT);
        assert!(cut.ends_with('…'));
        assert_eq!(snippet(b"short"), "short");
    }

    #[test]
    fn error_collections_are_recognised() {
        let body = br#"{"errorMessages":["Issue does not exist"],"errors":{"summary":"required","n":1},"warningMessages":["w"],"status":404}"#;
        let collection = ErrorCollection::from_body(body).unwrap();
        assert_eq!(collection.error_messages, ["Issue does not exist"]);
        assert_eq!(collection.errors["summary"], "required");
        assert_eq!(collection.errors["n"], "1");
        assert_eq!(collection.warning_messages, ["w"]);
        assert_eq!(collection.status, Some(404));
        assert!(ErrorCollection::from_body(br#"{"message":"x"}"#).is_none());
        assert!(ErrorCollection::from_body(b"<html>").is_none());
    }

    #[test]
    fn jira_software_error_message_lists_are_error_collections() {
        let body = br#"[{"message":"Flag not found"},{"message":"Try later","errorTraceId":"abc-1"}]"#;
        let collection = ErrorCollection::from_body(body).expect("a message list");
        assert_eq!(collection.error_messages, ["Flag not found", "Try later (errorTraceId abc-1)"]);
        assert!(collection.errors.is_empty());
        assert!(ErrorCollection::from_body(b"[]").is_none());
        assert!(ErrorCollection::from_body(br#"[{"message":"x"},{"other":1}]"#).is_none());
        assert!(ErrorCollection::from_body(br#"["x"]"#).is_none());
    }

    #[test]
    fn the_error_is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
