//! Sending a request: building the HTTP request, retrying, following redirects, reading the body.

use reqwest::header::{
    HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, USER_AGENT,
};
use reqwest::Url;
use tracing::Instrument;

use super::client_state::ClientInner;
use super::method::HttpMethod;
use super::redirect::{self, MAX_REDIRECTS};
use super::request::{Body, Request};
use super::response::Response;
use super::retry::is_retryable_status;
use crate::error::{Error, ErrorKind, RedirectError, RedirectRefusal, Result, TransportError, TransportErrorKind};

/// Sends `request` with retries and redirects, inside a tracing span that names the operation.
pub(crate) async fn execute(client: &ClientInner, request: Request) -> Result<Response> {
    let meta = request.meta;
    let span = tracing::debug_span!(
        "atlassian_request",
        operation = meta.id,
        method = meta.method.as_str(),
        path = meta.path,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
    );
    send_with_retries(client, request, &span).instrument(span.clone()).await
}

async fn send_with_retries(client: &ClientInner, request: Request, span: &tracing::Span) -> Result<Response> {
    let meta = request.meta;
    let prefix = if client.apply_server_prefix { meta.server_prefix } else { "" };
    let mut url = client.base.join(prefix, &request)?;
    let mut method = meta.method;
    let mut body = request.body.clone();
    let mut attempts: u32 = 0;
    let mut redirects: u32 = 0;
    let mut renewed_after_401 = false;
    loop {
        attempts += 1;
        span.record("attempt", attempts);
        // A streamed body is read by this attempt: it is neither retried nor sent again on a redirect.
        let replayable = body.as_ref().is_none_or(Body::replayable);
        let in_flight = client.rate_limit.admit(&request, method, &client.retry).await?;
        let http_request = build_http_request(client, &request, method, &url, body.as_ref()).await?;
        let sent_authorization = http_request.headers().get(AUTHORIZATION).cloned();
        let sent = send_once(client, &request, http_request).await;
        drop(in_flight);
        let response = match sent {
            Ok(response) => response,
            Err((kind, source)) => {
                let retry = matches!(kind, TransportErrorKind::Connect | TransportErrorKind::ConnectionLost)
                    && method.is_idempotent()
                    && replayable
                    && client.retry.allows_another(attempts);
                if retry {
                    let delay = client.retry.backoff_delay(attempts);
                    tracing::debug!(error = %source, delay_ms = delay.as_millis(), "connection failed; retrying");
                    tokio::time::sleep(delay).await;
                    continue;
                }
                tracing::debug!(error = %source, "request failed");
                let error = TransportError { kind, operation_id: meta.id, method, path: meta.path, source };
                return Err(Error::new(ErrorKind::Transport(error)));
            }
        };
        let status = response.status();
        span.record("status", status);
        tracing::debug!(status, "response received");
        client.rate_limit.observe(&request, &response, &client.retry, attempts);

        // A 401 tells the credentials once per call; if they changed (an OAuth refresh), the request goes again.
        if status == 401 && replayable && !renewed_after_401 {
            renewed_after_401 = true;
            if client.auth.unauthorized(sent_authorization.as_ref()).await? {
                tracing::debug!(status, "credentials renewed after 401; sending again");
                continue;
            }
        }

        if is_retryable_status(status, method) && replayable && client.retry.allows_another(attempts) {
            if let Some(delay) = client.retry.delay(attempts, response.headers().get(RETRY_AFTER)) {
                tracing::debug!(status, delay_ms = delay.as_millis(), "retryable status; retrying");
                tokio::time::sleep(delay).await;
                continue;
            }
        }

        let Some(follow) = redirect::follow(status, method, meta.see_other_documented) else {
            return Ok(response);
        };
        if follow.keep_body && !replayable {
            // The body cannot be sent again, so the redirect goes back to the caller.
            return Ok(response);
        }
        url = redirect_target(client, &url, &response, redirects)?;
        tracing::debug!(status, "following redirect");
        redirects += 1;
        method = follow.method;
        if !follow.keep_body {
            body = None;
        }
    }
}

/// Resolves the `Location` of a redirect response, refusing other sites and endless redirects.
fn redirect_target(client: &ClientInner, current: &Url, response: &Response, redirects: u32) -> Result<Url> {
    let refuse = |reason, location: String| {
        let status = response.status();
        let operation_id = response.meta().id;
        Error::new(ErrorKind::Redirect(RedirectError { operation_id, status, location, reason }))
    };
    let location = response.location();
    let Some(next) = location.as_deref().and_then(|location| current.join(location).ok()) else {
        return Err(refuse(RedirectRefusal::InvalidLocation, location.unwrap_or_default()));
    };
    if !client.base.same_origin(&next) {
        tracing::debug!(status = response.status(), "redirect to another site not followed");
        return Err(refuse(RedirectRefusal::OtherSite, next.to_string()));
    }
    if redirects >= MAX_REDIRECTS {
        return Err(refuse(RedirectRefusal::TooManyRedirects, next.to_string()));
    }
    Ok(next)
}

/// Builds the HTTP request for one attempt: URL, headers, credentials and body, then runs the request hook.
async fn build_http_request(
    client: &ClientInner,
    request: &Request,
    method: HttpMethod,
    url: &Url,
    body: Option<&Body>,
) -> Result<reqwest::Request> {
    let meta = request.meta;
    let mut http_request = reqwest::Request::new(method.to_reqwest(), url.clone());
    *http_request.timeout_mut() = Some(request.timeout.unwrap_or(client.timeout));
    let headers = http_request.headers_mut();
    headers.insert(USER_AGENT, client.user_agent.clone());
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    for (name, value) in &request.headers {
        let name = HeaderName::try_from(*name)
            .map_err(|_| Error::invalid_request(meta.id, format!("`{name}` is not a valid header name")))?;
        let value = HeaderValue::try_from(value.as_str()).map_err(|_| {
            Error::invalid_request(meta.id, format!("the value of header `{name}` is not allowed in HTTP"))
        })?;
        if name == ACCEPT {
            headers.insert(name, value);
        } else {
            headers.append(name, value);
        }
    }
    if let Some(body) = body {
        let content_type = HeaderValue::try_from(body.content_type.as_str())
            .map_err(|_| Error::invalid_request(meta.id, "the content type is not allowed in HTTP"))?;
        headers.insert(CONTENT_TYPE, content_type);
    }
    if let Some(authorization) = client.auth.authorization().await? {
        http_request.headers_mut().insert(AUTHORIZATION, authorization);
    }
    // Last of all that can fail, so that a failure before sending does not use up a streamed body.
    if let Some(body) = body {
        let (http_body, length) = body.to_http(meta.id)?;
        if let Some(length) = length {
            // A stream does not know its length: without this the body would go chunked.
            http_request.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(length));
        }
        *http_request.body_mut() = Some(http_body);
    }
    if let Some(hook) = &client.request_hook {
        hook(&mut http_request);
    }
    Ok(http_request)
}

/// Sends one HTTP request and reads the whole body, classifying transport failures.
async fn send_once(
    client: &ClientInner,
    request: &Request,
    http_request: reqwest::Request,
) -> std::result::Result<Response, (TransportErrorKind, reqwest::Error)> {
    let mut response = client.http.execute(http_request).await.map_err(|error| {
        let kind = if error.is_timeout() {
            TransportErrorKind::Timeout
        } else if error.is_connect() {
            TransportErrorKind::Connect
        } else if is_connection_lost(&error) {
            TransportErrorKind::ConnectionLost
        } else {
            TransportErrorKind::Other
        };
        (kind, error)
    })?;
    let status = response.status().as_u16();
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(|error| {
        let kind = if error.is_timeout() { TransportErrorKind::Timeout } else { TransportErrorKind::BodyCutOff };
        (kind, error)
    })?;
    Ok(Response::new(request.meta, status, headers, body))
}

/// Whether the connection was closed or reset before any response arrived: hyper's "connection closed before
/// message completed", or a reset, abort, broken pipe or early end of stream below it.
fn is_connection_lost(error: &reqwest::Error) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = cause {
        if error.downcast_ref::<hyper::Error>().is_some_and(hyper::Error::is_incomplete_message) {
            return true;
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            return matches!(io.kind(), ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof);
        }
        cause = error.source();
    }
    false
}
