//! Credentials: the headers they produce, and that they never leak into errors, debug output or logs.

use std::io;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use atlassian_client::runtime::HttpMethod;
use atlassian_client::{BasicAuth, BearerToken, Client, NoAuth, Secret};
use serde_json::json;
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

/// A log sink that tracing writes into, shared with the test.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    fn contents(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn assert_no_secret(text: &str, what: &str) {
    assert!(!text.contains(SENTINEL_TOKEN), "{what} holds the token: {text}");
    assert!(!text.contains(SENTINEL_BASIC), "{what} holds the basic credentials: {text}");
}

#[tokio::test]
async fn credentials_never_reach_errors_debug_output_or_logs() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(path("/unauthorised"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"errorMessages": ["Unauthorised"], "errors": {}})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/garbled"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{not json"))
        .mount(&server)
        .await;
    Mock::given(path("/redirect"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "http://other.invalid/steal"))
        .mount(&server)
        .await;
    let auth = BasicAuth::new("me@example.com", SENTINEL_TOKEN);
    let client = builder(&server).auth(auth.clone()).no_retries().build().unwrap();

    let mut errors = Vec::new();
    let response = client.execute(request(HttpMethod::Get, "/unauthorised")).await.unwrap();
    errors.push(response.into_error());
    let response = client.execute(request(HttpMethod::Get, "/garbled")).await.unwrap();
    errors.push(response.json::<serde_json::Value>().unwrap_err());
    errors.push(client.execute(request(HttpMethod::Get, "/redirect")).await.unwrap_err());
    let closed_port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let unreachable =
        Client::builder(format!("http://127.0.0.1:{closed_port}")).auth(auth.clone()).no_retries().build().unwrap();
    errors.push(unreachable.execute(request(HttpMethod::Get, "/x")).await.unwrap_err());
    let bearer = builder(&server).auth(BearerToken::new(SENTINEL_TOKEN)).build().unwrap();
    bearer.execute(request(HttpMethod::Get, "/unauthorised")).await.unwrap();

    for error in &errors {
        assert_no_secret(&format!("{error:?}"), "an error's Debug");
        assert_no_secret(&error.to_string(), "an error's Display");
    }
    assert_no_secret(&format!("{client:?}"), "the client's Debug");
    assert_no_secret(&format!("{bearer:?}"), "the client's Debug");
    assert_no_secret(&format!("{auth:?}"), "the credentials' Debug");
    let builder_debug = format!("{:?}", builder(&server).auth(BearerToken::new(SENTINEL_TOKEN)));
    assert_no_secret(&builder_debug, "the builder's Debug");
    let logged = logs.contents();
    assert!(logged.contains("testOperation"), "the requests were not logged: {logged}");
    assert_no_secret(&logged, "the log");
}
