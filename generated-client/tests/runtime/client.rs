//! How the client builds URLs, headers and bodies.

use std::sync::Arc;

use atlassian_client::runtime::{encode_path_segment, HttpMethod, OperationMeta, Request};
use atlassian_client::{Client, CommaList, ErrorKind};
use serde_json::json;
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{builder, client, operation, received, request};

#[test]
fn client_is_clone_send_sync_and_static() {
    fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_shareable::<Client>();
    assert_shareable::<Request>();
    assert_error::<atlassian_client::Error>();
}

#[test]
fn unserialisable_bodies_are_reported() {
    let mut request = request(HttpMethod::Post, "/x");
    let body = std::collections::BTreeMap::from([((1, 2), "tuple keys are not JSON")]);
    let error = request.json(&body).unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Serialize { .. }), "{error:?}");
    assert_eq!(error.operation_id(), Some("testOperation"));
}

#[tokio::test]
async fn default_headers_and_json_body_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/api/2/issue"))
        .and(header("user-agent", concat!("atlassian-client/", env!("CARGO_PKG_VERSION"))))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"fields": {"summary": "Hello"}})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"key": "A-1"})))
        .expect(1)
        .mount(&server)
        .await;

    let mut request = request(HttpMethod::Post, "/rest/api/2/issue");
    request.json(&json!({"fields": {"summary": "Hello"}})).unwrap();
    let response = client(&server).execute(request).await.unwrap();

    assert_eq!(response.status(), 201);
    assert_eq!(response.json::<serde_json::Value>().unwrap()["key"], "A-1");
}

#[tokio::test]
async fn text_and_raw_bodies_carry_their_content_type() {
    let server = MockServer::start().await;
    Mock::given(path("/text"))
        .and(header("content-type", "text/plain"))
        .and(body_string("plain words"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/avatar"))
        .and(header("content-type", "image/png"))
        .and(body_string("\u{89}PNG"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let mut text = request(HttpMethod::Put, "/text");
    text.text("plain words".to_owned());
    assert_eq!(client.execute(text).await.unwrap().status(), 204);

    let mut avatar = request(HttpMethod::Post, "/avatar");
    avatar.bytes("image/png", bytes::Bytes::from("\u{89}PNG"));
    assert_eq!(client.execute(avatar).await.unwrap().status(), 201);
}

#[tokio::test]
async fn request_headers_are_sent_and_accept_can_be_overridden() {
    let server = MockServer::start().await;
    Mock::given(path("/download"))
        .and(header("accept", "*/*"))
        .and(header("x-atlassian-token", "no-check"))
        .respond_with(ResponseTemplate::new(200).set_body_string("raw"))
        .expect(1)
        .mount(&server)
        .await;

    let mut request = request(HttpMethod::Get, "/download");
    request.header("Accept", "*/*");
    request.header("X-Atlassian-Token", "no-check");
    let response = client(&server).execute(request).await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), "raw");
}

#[tokio::test]
async fn custom_user_agent_replaces_the_default() {
    let server = MockServer::start().await;
    Mock::given(header("user-agent", "my-app/2.0"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&server).user_agent("my-app/2.0").build().unwrap();
    let response = client.execute(request(HttpMethod::Get, "/x")).await.unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn base_url_path_is_kept_and_trailing_slashes_ignored() {
    let server = MockServer::start().await;
    Mock::given(path("/ex/jira/abc/rest/api/2/myself"))
        .respond_with(ResponseTemplate::new(200))
        .expect(2)
        .mount(&server)
        .await;

    for base in [format!("{}/ex/jira/abc", server.uri()), format!("{}/ex/jira/abc/", server.uri())] {
        let client = Client::builder(base).build().unwrap();
        let response = client.execute(request(HttpMethod::Get, "/rest/api/2/myself")).await.unwrap();
        assert_eq!(response.status(), 200);
    }
}

#[tokio::test]
async fn server_prefix_is_applied_unless_turned_off() {
    static GET_PAGES: OperationMeta = OperationMeta {
        id: "getPages",
        method: HttpMethod::Get,
        path: "/pages",
        server_prefix: "/wiki/api/v2",
        see_other_documented: false,
    };
    let server = MockServer::start().await;
    Mock::given(path("/wiki/api/v2/pages"))
        .respond_with(ResponseTemplate::new(200).set_body_string("prefixed"))
        .mount(&server)
        .await;
    Mock::given(path("/pages")).respond_with(ResponseTemplate::new(200).set_body_string("bare")).mount(&server).await;

    let prefixed = client(&server).execute(Request::new(&GET_PAGES, "/pages".to_owned())).await.unwrap();
    let bare_client = builder(&server).apply_server_prefix(false).build().unwrap();
    let bare = bare_client.execute(Request::new(&GET_PAGES, "/pages".to_owned())).await.unwrap();

    assert_eq!(prefixed.bytes(), "prefixed");
    assert_eq!(bare.bytes(), "bare");
}

#[test]
fn cloud_id_builders_target_the_oauth_gateway() {
    let jira = Client::builder_for_cloud_id("11223344-a1b2-3b33-c444-def123456789").build().unwrap();
    assert_eq!(jira.base_url(), "https://api.atlassian.com/ex/jira/11223344-a1b2-3b33-c444-def123456789");
    let confluence = Client::builder_for_confluence_cloud_id("abc").build().unwrap();
    assert_eq!(confluence.base_url(), "https://api.atlassian.com/ex/confluence/abc");
    let site = Client::new("https://your-domain.atlassian.net/").unwrap();
    assert_eq!(site.base_url(), "https://your-domain.atlassian.net");
}

#[test]
fn unusable_base_urls_are_rejected() {
    for base in ["", "not a url", "ftp://example.com", "https://example.com/?x=1"] {
        let error = Client::new(base).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidBaseUrl { .. }), "{base}: {error:?}");
    }
    let error = Client::builder("https://example.com").user_agent("bad\nagent").build().unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Builder { .. }), "{error:?}");
}

#[tokio::test]
async fn path_traversal_stays_one_encoded_segment() {
    static GET_ISSUE: OperationMeta = OperationMeta {
        id: "getIssue",
        method: HttpMethod::Get,
        path: "/rest/api/2/issue/{issueIdOrKey}",
        server_prefix: "",
        see_other_documented: false,
    };
    let server = MockServer::start().await;
    Mock::given(path("/rest/api/2/issue/A%2F..%2F..%2Fx%3Fy%23z"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let issue = |key: &str| Request::new(&GET_ISSUE, format!("/rest/api/2/issue/{}", encode_path_segment(key)));

    let response = client.execute(issue("A/../../x?y#z")).await.unwrap();
    assert_eq!(response.status(), 200);

    for key in ["..", ".", ""] {
        let error = client.execute(issue(key)).await.unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidRequest { .. }), "{key:?}: {error:?}");
    }
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn query_lists_use_both_form_styles_and_values_are_encoded() {
    let server = MockServer::start().await;
    Mock::given(path("/search")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    let mut request = request(HttpMethod::Get, "/search");
    request.query("jql", "project = A&b ORDER BY key");
    request.query_list("expand", ["names", "schema,x"], false);
    request.query_list("id", [1, 2], true);
    request.query_list("empty", Vec::<String>::new(), false);
    request.query_list("none", Vec::<String>::new(), true);
    request.query("validate", true);
    client(&server).execute(request).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.query(),
        Some("jql=project%20%3D%20A%26b%20ORDER%20BY%20key&expand=names,schema%2Cx&id=1&id=2&validate=true")
    );
}

#[tokio::test]
async fn request_hook_sees_the_final_request() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .and(query_param("hooked", "yes"))
        .and(header("x-hooked", "yes"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&server)
        .request_hook(Arc::new(|request: &mut reqwest::Request| {
            request.url_mut().set_query(Some("hooked=yes"));
            request.headers_mut().insert("x-hooked", "yes".parse().unwrap());
        }))
        .build()
        .unwrap();
    let response = client.execute(request(HttpMethod::Get, "/x")).await.unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn operation_metadata_reaches_the_response() {
    let server = MockServer::start().await;
    Mock::given(path("/x")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    let meta = operation("getThing", HttpMethod::Get, "/x");
    let response = client(&server).execute(Request::new(meta, "/x".to_owned())).await.unwrap();

    assert_eq!(response.meta().id, "getThing");
}

#[tokio::test]
async fn comma_lists_are_sent_as_one_value_with_literal_commas() {
    let server = MockServer::start().await;
    Mock::given(path("/issue")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    // What a generated `.expand(...)` setter does with its `impl Into<CommaList>` argument.
    let mut request = request(HttpMethod::Get, "/issue");
    request.query_list("expand", CommaList::from(["names", "changelog"]), false);
    request.query_list("fields", CommaList::from("summary"), false);
    request.query_list("properties", CommaList::from(vec!["a,b", "c d"]), false);
    request.query_list("empty", CommaList::new(), false);
    client(&server).execute(request).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), Some("expand=names,changelog&fields=summary&properties=a%2Cb,c%20d"));
}
