//! Sending a request: building the HTTP request, retrying, following redirects, reading the body.

use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER,
    USER_AGENT,
};
use reqwest::Url;
use tracing::Instrument;

use super::redirect::{self, MAX_REDIRECTS};
use super::request::{Body, HttpMethod, Request};
use super::response::Response;
use super::retry::is_retryable_status;
use crate::client::ClientInner;
use crate::error::{
    Error, ErrorKind, RedirectError, RedirectRefusal, Result, TransportError, TransportErrorKind,
};

/// A response whose body has been read in full.
struct RawResponse {
    status: u16,
    headers: HeaderMap,
    body: bytes::Bytes,
}

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
    send_with_retries(client, request, &span)
        .instrument(span.clone())
        .await
}

async fn send_with_retries(
    client: &ClientInner,
    request: Request,
    span: &tracing::Span,
) -> Result<Response> {
    let meta = request.meta;
    let prefix = if client.apply_server_prefix {
        meta.server_prefix
    } else {
        ""
    };
    let mut url = client.base.join(prefix, &request)?;
    let mut method = meta.method;
    let mut body = request.body.clone();
    let mut attempts: u32 = 0;
    let mut redirects: u32 = 0;
    loop {
        attempts += 1;
        span.record("attempt", attempts);
        let replayable = body.as_ref().is_none_or(|body| body.replayable);
        let http_request =
            build_http_request(client, &request, method, &url, body.as_ref()).await?;
        let response = match send_once(client, http_request).await {
            Ok(response) => response,
            Err((kind, source)) => {
                let retry = kind == TransportErrorKind::Connect
                    && method.is_idempotent()
                    && replayable
                    && client.retry.allows_another(attempts);
                if retry {
                    let delay = client.retry.backoff_delay(attempts);
                    tracing::debug!(error = %source, delay_ms = delay.as_millis(), "connection failed; retrying");
                    tokio::time::sleep(delay).await;
                    continue;
                }
                return Err(Error::new(ErrorKind::Transport(TransportError {
                    kind,
                    operation_id: meta.id,
                    method,
                    path: meta.path,
                    source,
                })));
            }
        };
        let status = response.status;
        span.record("status", status);
        tracing::debug!(status, attempt = attempts, "response received");

        if is_retryable_status(status, method)
            && replayable
            && client.retry.allows_another(attempts)
        {
            if let Some(delay) = client
                .retry
                .delay(attempts, response.headers.get(RETRY_AFTER))
            {
                tracing::debug!(
                    status,
                    delay_ms = delay.as_millis(),
                    "retryable status; retrying"
                );
                tokio::time::sleep(delay).await;
                continue;
            }
        }

        if let Some(follow) = redirect::follow(status, method, meta.see_other_documented) {
            if !follow.keep_body || replayable {
                let refuse = |reason, location: String| {
                    Error::new(ErrorKind::Redirect(RedirectError {
                        operation_id: meta.id,
                        status,
                        location,
                        reason,
                    }))
                };
                let location = response
                    .headers
                    .get(LOCATION)
                    .and_then(|value| value.to_str().ok());
                let Some(next) = location.and_then(|location| url.join(location).ok()) else {
                    let location = location.unwrap_or_default().to_owned();
                    return Err(refuse(RedirectRefusal::InvalidLocation, location));
                };
                if !client.base.same_origin(&next) {
                    tracing::debug!(status, "redirect to another site not followed");
                    return Err(refuse(RedirectRefusal::OtherSite, next.to_string()));
                }
                if redirects >= MAX_REDIRECTS {
                    return Err(refuse(RedirectRefusal::TooManyRedirects, next.to_string()));
                }
                tracing::debug!(status, "following redirect");
                redirects += 1;
                url = next;
                method = follow.method;
                if !follow.keep_body {
                    body = None;
                }
                continue;
            }
        }

        return Ok(Response::new(meta, status, response.headers, response.body));
    }
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
        let name = HeaderName::try_from(*name).map_err(|_| {
            Error::invalid_request(meta.id, format!("`{name}` is not a valid header name"))
        })?;
        let value = HeaderValue::try_from(value.as_str()).map_err(|_| {
            Error::invalid_request(
                meta.id,
                format!("the value of header `{name}` is not allowed in HTTP"),
            )
        })?;
        if name == ACCEPT {
            headers.insert(name, value);
        } else {
            headers.append(name, value);
        }
    }
    if let Some(body) = body {
        let content_type = HeaderValue::try_from(body.content_type.as_str()).map_err(|_| {
            Error::invalid_request(meta.id, "the content type is not allowed in HTTP")
        })?;
        headers.insert(CONTENT_TYPE, content_type);
        *http_request.body_mut() = Some(body.bytes.clone().into());
    }
    if let Some(authorization) = client.auth.authorization().await? {
        http_request
            .headers_mut()
            .insert(AUTHORIZATION, authorization);
    }
    if let Some(hook) = &client.request_hook {
        hook(&mut http_request);
    }
    Ok(http_request)
}

/// Sends one HTTP request and reads the whole body, classifying transport failures.
async fn send_once(
    client: &ClientInner,
    request: reqwest::Request,
) -> std::result::Result<RawResponse, (TransportErrorKind, reqwest::Error)> {
    let mut response = client.http.execute(request).await.map_err(|error| {
        let kind = if error.is_timeout() {
            TransportErrorKind::Timeout
        } else if error.is_connect() {
            TransportErrorKind::Connect
        } else {
            TransportErrorKind::Other
        };
        (kind, error)
    })?;
    let status = response.status().as_u16();
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(|error| {
        let kind = if error.is_timeout() {
            TransportErrorKind::Timeout
        } else {
            TransportErrorKind::BodyCutOff
        };
        (kind, error)
    })?;
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}
