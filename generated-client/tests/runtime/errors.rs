//! API errors, decode errors, and reading responses of any status.

use atlassian_client::runtime::HttpMethod;
use atlassian_client::ErrorKind;
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{client, request};

#[tokio::test]
async fn any_status_is_returned_as_a_response() {
    let server = MockServer::start().await;
    Mock::given(path("/missing")).respond_with(ResponseTemplate::new(404)).mount(&server).await;

    let response = client(&server).execute(request(HttpMethod::Get, "/missing")).await.unwrap();

    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn api_errors_carry_the_error_collection_and_request_id() {
    let server = MockServer::start().await;
    let body = json!({
        "errorMessages": ["You do not have permission."],
        "errors": {"summary": "Summary is required."},
        "warningMessages": ["Deprecated field."]
    });
    Mock::given(path("/rest/api/2/issue"))
        .respond_with(ResponseTemplate::new(400).set_body_json(body).insert_header("X-AREQUESTID", "req-123"))
        .mount(&server)
        .await;

    let response = client(&server).execute(request(HttpMethod::Post, "/rest/api/2/issue")).await.unwrap();
    let error = response.into_error();

    assert_eq!(error.status(), Some(400));
    assert_eq!(error.request_id(), Some("req-123"));
    assert_eq!(error.operation_id(), Some("testOperation"));
    let collection = error.error_collection().unwrap();
    assert_eq!(collection.error_messages, ["You do not have permission."]);
    assert_eq!(collection.errors["summary"], "Summary is required.");
    assert_eq!(collection.warning_messages, ["Deprecated field."]);
    let ErrorKind::Api(api) = error.kind() else {
        panic!("not an API error: {error:?}");
    };
    assert_eq!(api.method, HttpMethod::Post);
    assert_eq!(api.path, "/rest/api/2/issue");
    let message = error.to_string();
    assert!(message.contains("Summary is required.") && message.contains("req-123"), "{message}");
}

#[tokio::test]
async fn other_error_bodies_are_kept_as_a_bounded_snippet() {
    let server = MockServer::start().await;
    let html = format!("<html>{}</html>", "gateway trouble ".repeat(500));
    Mock::given(path("/x")).respond_with(ResponseTemplate::new(500).set_body_string(html)).mount(&server).await;

    let response = client(&server).execute(request(HttpMethod::Get, "/x")).await.unwrap();
    let error = response.into_error();

    let ErrorKind::Api(api) = error.kind() else {
        panic!("not an API error: {error:?}");
    };
    let snippet = api.snippet.as_deref().unwrap();
    assert!(snippet.starts_with("<html>gateway trouble"));
    assert!(snippet.len() <= 1024, "the snippet has {} bytes", snippet.len());
    assert!(error.error_collection().is_none());
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct SearchResults {
    issues: Vec<Issue>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Issue {
    id: String,
    key: String,
}

#[tokio::test]
async fn malformed_json_is_reported_with_its_json_path() {
    let server = MockServer::start().await;
    let body = json!({"issues": [{"id": "1", "key": "A-1"}, {"id": 2, "key": "A-2"}]});
    Mock::given(path("/search")).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;

    let response = client(&server).execute(request(HttpMethod::Get, "/search")).await.unwrap();
    let error = response.json::<SearchResults>().unwrap_err();

    assert_eq!(error.json_path(), Some("issues[1].id"));
    assert_eq!(error.status(), Some(200));
    assert_eq!(error.operation_id(), Some("testOperation"));
    let ErrorKind::Decode(decode) = error.kind() else {
        panic!("not a decode error: {error:?}");
    };
    assert!(decode.snippet.contains("A-2"));
    assert!(error.to_string().contains("issues[1].id"));
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"issues": [{"id": "1""#))
        .mount(&server)
        .await;

    let response = client(&server).execute(request(HttpMethod::Get, "/x")).await.unwrap();

    assert!(response.json::<SearchResults>().unwrap_err().is_decode());
}

#[tokio::test]
async fn empty_bodies_read_as_null_and_can_be_ignored() {
    let server = MockServer::start().await;
    Mock::given(path("/empty")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    Mock::given(path("/value"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"a": 1})))
        .mount(&server)
        .await;
    let client = client(&server);

    let empty = client.execute(request(HttpMethod::Delete, "/empty")).await.unwrap();
    assert_eq!(empty.json_or_null().unwrap(), serde_json::Value::Null);
    let value = client.execute(request(HttpMethod::Get, "/value")).await.unwrap();
    assert_eq!(value.json_or_null().unwrap(), json!({"a": 1}));
    let ignored = client.execute(request(HttpMethod::Get, "/value")).await.unwrap();
    ignored.empty().unwrap();
}

#[tokio::test]
async fn rate_limit_headers_are_reachable_from_the_api_error() {
    let server = MockServer::start().await;
    // Longer than the retry policy's cap, so the client gives the 429 back instead of waiting.
    Mock::given(path("/rest/api/2/search"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "120")
                .insert_header("X-RateLimit-Limit", "350")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Reset", "2025-01-17T12:36:00Z")
                .insert_header("RateLimit-Reason", "jira-burst-based")
                .insert_header("X-AREQUESTID", "4f1b-rate"),
        )
        .mount(&server)
        .await;

    let response = client(&server).execute(request(HttpMethod::Get, "/rest/api/2/search")).await.unwrap();
    let error = response.into_error();

    assert_eq!(error.status(), Some(429));
    assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(120)));
    assert_eq!(error.request_id(), Some("4f1b-rate"));
    let headers = error.headers().unwrap();
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert_eq!(headers["x-ratelimit-reset"], "2025-01-17T12:36:00Z");
    assert_eq!(headers["ratelimit-reason"], "jira-burst-based");
}

#[tokio::test]
async fn retry_after_is_absent_without_the_header() {
    let server = MockServer::start().await;
    Mock::given(path("/x")).respond_with(ResponseTemplate::new(403)).mount(&server).await;

    let error = client(&server).execute(request(HttpMethod::Get, "/x")).await.unwrap().into_error();

    assert_eq!(error.retry_after(), None);
    assert!(error.headers().is_some());
}

#[tokio::test]
async fn session_cookies_are_redacted_when_responses_and_errors_are_printed() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("Set-Cookie", "tenant.session.token=SESSION-SECRET-42; Path=/; HttpOnly"),
        )
        .mount(&server)
        .await;

    let response = client(&server).execute(request(HttpMethod::Get, "/x")).await.unwrap();
    assert!(!format!("{response:?}").contains("SESSION-SECRET-42"), "{response:?}");
    let cookie = response.headers().get("set-cookie").unwrap();
    assert!(cookie.to_str().unwrap().contains("SESSION-SECRET-42"), "the value itself is kept");
    let error = response.into_error();

    assert!(!format!("{error:?}").contains("SESSION-SECRET-42"), "{error:?}");
    assert!(!error.to_string().contains("SESSION-SECRET-42"), "{error}");
}

#[tokio::test]
async fn raw_responses_expose_status_headers_request_id_and_body() {
    let server = MockServer::start().await;
    Mock::given(path("/ok"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"key": "A-1"}))
                .insert_header("X-AREQUESTID", "req-ok")
                .insert_header("X-RateLimit-Remaining", "99"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/gone"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"errorMessages": ["Issue does not exist"]})))
        .mount(&server)
        .await;
    let client = client(&server);
    let ok = || async { client.execute(request(HttpMethod::Get, "/ok")).await.unwrap() };

    let response = ok().await;
    assert_eq!(response.status(), 200);
    assert!(response.is_success());
    assert_eq!(response.request_id().as_deref(), Some("req-ok"));
    assert_eq!(response.header("X-RateLimit-Remaining"), Some("99"));
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.body(), br#"{"key":"A-1"}"#);
    assert_eq!(response.text(), r#"{"key":"A-1"}"#);
    assert_eq!(ok().await.bytes(), r#"{"key":"A-1"}"#);
    assert_eq!(ok().await.json::<serde_json::Value>().unwrap()["key"], "A-1");
    assert_eq!(ok().await.json_or_null().unwrap()["key"], "A-1");
    assert_eq!(ok().await.error_for_status().unwrap().status(), 200);

    let missing = client.execute(request(HttpMethod::Get, "/gone")).await.unwrap();
    assert!(!missing.is_success());
    let error = missing.error_for_status().unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.error_collection().unwrap().error_messages, ["Issue does not exist"]);
}

#[tokio::test]
async fn trailing_characters_after_the_json_are_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"issues": []} <html>"#))
        .mount(&server)
        .await;

    let response = client(&server).execute(request(HttpMethod::Get, "/x")).await.unwrap();
    let error = response.json::<SearchResults>().unwrap_err();

    assert!(error.is_decode(), "{error:?}");
    assert_eq!(error.json_path(), Some("."));
    assert!(error.to_string().contains("trailing characters"), "{error}");
}
