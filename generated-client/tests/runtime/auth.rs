//! Credentials: the headers they produce. That they never leak is tested in `tests/secrets.rs`.

use atlassian_client::runtime::HttpMethod;
use atlassian_client::{BasicAuth, BearerToken, NoAuth, Secret};
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{builder, request};

const SENTINEL_TOKEN: &str = "SENTINEL-t0ken-7f3a9c";
/// Base64 of `me@example.com:SENTINEL-t0ken-7f3a9c`.
const SENTINEL_BASIC: &str = "bWVAZXhhbXBsZS5jb206U0VOVElORUwtdDBrZW4tN2YzYTlj";

#[tokio::test]
async fn basic_auth_sends_base64_email_and_token() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", format!("Basic {SENTINEL_BASIC}").as_str()))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&server).auth(BasicAuth::new("me@example.com", SENTINEL_TOKEN)).build().unwrap();
    let response = client.execute(request(HttpMethod::Get, "/rest/api/2/myself")).await.unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn bearer_token_is_sent_as_bearer_authorization() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer oauth-access-token"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&server).auth(BearerToken::new("oauth-access-token")).build().unwrap();
    let response = client.execute(request(HttpMethod::Get, "/x")).await.unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn no_auth_sends_no_authorization_header() {
    let server = MockServer::start().await;
    Mock::given(path("/x")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    let client = builder(&server).auth(NoAuth).build().unwrap();
    client.execute(request(HttpMethod::Get, "/x")).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("authorization"));
}

#[test]
fn secrets_print_redacted() {
    let secret = Secret::new(SENTINEL_TOKEN);
    assert_eq!(format!("{secret:?}"), "Secret([REDACTED])");
    assert_eq!(format!("{secret}"), "Secret([REDACTED])");
    assert_eq!(secret.expose(), SENTINEL_TOKEN);
}
