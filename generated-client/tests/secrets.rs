//! Credentials never reach errors, debug output or log lines.
//!
//! This test has a process of its own: tracing caches per call site whether anyone listens, and other tests
//! running at the same time without a subscriber could leave that cache stale for the subscriber set here.

use std::io;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use atlassian_client::runtime::{HttpMethod, OperationMeta, Request};
use atlassian_client::{BasicAuth, BearerToken, Client};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SENTINEL_TOKEN: &str = "SENTINEL-t0ken-7f3a9c";
/// Base64 of `me@example.com:SENTINEL-t0ken-7f3a9c`.
const SENTINEL_BASIC: &str = "bWVAZXhhbXBsZS5jb206U0VOVElORUwtdDBrZW4tN2YzYTlj";

static GET_THING: OperationMeta = OperationMeta {
    id: "getThing",
    method: HttpMethod::Get,
    path: "/thing/{name}",
    server_prefix: "",
    see_other_documented: false,
};

fn get_thing(name: &str) -> Request {
    Request::new(&GET_THING, format!("/thing/{name}"))
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
    Mock::given(path("/thing/unauthorised"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"errorMessages": ["Unauthorised"], "errors": {}})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/thing/garbled"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{not json"))
        .mount(&server)
        .await;
    Mock::given(path("/thing/redirect"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "http://other.invalid/steal"))
        .mount(&server)
        .await;
    Mock::given(path("/thing/busy"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    let auth = BasicAuth::new("me@example.com", SENTINEL_TOKEN);
    let client = Client::builder(server.uri()).auth(auth.clone()).build().unwrap();

    let mut errors = Vec::new();
    let response = client.execute(get_thing("unauthorised")).await.unwrap();
    errors.push(response.into_error());
    let response = client.execute(get_thing("garbled")).await.unwrap();
    errors.push(response.json::<serde_json::Value>().unwrap_err());
    errors.push(client.execute(get_thing("redirect")).await.unwrap_err());
    let retried = client.execute(get_thing("busy")).await.unwrap();
    errors.push(retried.into_error());
    let closed_port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let unreachable =
        Client::builder(format!("http://127.0.0.1:{closed_port}")).auth(auth.clone()).no_retries().build().unwrap();
    errors.push(unreachable.execute(get_thing("x")).await.unwrap_err());
    let bearer = Client::builder(server.uri()).auth(BearerToken::new(SENTINEL_TOKEN)).build().unwrap();
    bearer.execute(get_thing("unauthorised")).await.unwrap();

    for error in &errors {
        assert_no_secret(&format!("{error:?}"), "an error's Debug");
        assert_no_secret(&error.to_string(), "an error's Display");
    }
    assert_no_secret(&format!("{client:?}"), "the client's Debug");
    assert_no_secret(&format!("{bearer:?}"), "the client's Debug");
    assert_no_secret(&format!("{auth:?}"), "the credentials' Debug");
    let builder = Client::builder(server.uri()).auth(BearerToken::new(SENTINEL_TOKEN));
    assert_no_secret(&format!("{builder:?}"), "the builder's Debug");
    let logged = logs.contents();
    assert!(logged.contains(r#"operation="getThing""#), "the requests were not logged: {logged}");
    assert!(logged.contains("retrying"), "the retries were not logged: {logged}");
    assert_no_secret(&logged, "the log");
}
