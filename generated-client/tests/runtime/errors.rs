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
