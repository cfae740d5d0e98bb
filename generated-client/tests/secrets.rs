//! Credentials never reach errors, debug output or log lines.
//!
//! This test has a process of its own: tracing caches per call site whether anyone listens, and other tests
//! running at the same time without a subscriber could leave that cache stale for the subscriber set here.

use std::io;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use std::time::{Duration, SystemTime};

use atlassian_client::runtime::{HttpMethod, OperationMeta, Request};
use atlassian_client::{
    AuthErrorSource, BasicAuth, BearerToken, Client, Error, MemoryTokenStore, OAuthApp, OAuthToken, ScopedToken,
    Secret, StoreFuture, TokenSet, TokenStore,
};
use serde_json::json;
use wiremock::matchers::{body_partial_json, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SENTINEL_TOKEN: &str = "SENTINEL-t0ken-7f3a9c";
/// Base64 of `me@example.com:SENTINEL-t0ken-7f3a9c`.
const SENTINEL_BASIC: &str = "bWVAZXhhbXBsZS5jb206U0VOVElORUwtdDBrZW4tN2YzYTlj";
/// The OAuth app's client secret, and the tokens that its token endpoint hands out.
const SENTINEL_CLIENT_SECRET: &str = "SENTINEL-cl1ent-s3cret";
const SENTINEL_ACCESS: &str = "SENTINEL-acc3ss-2b8e";
const SENTINEL_REFRESH: &str = "SENTINEL-refr3sh-91d0";
const SENTINEL_ROTATED: &str = "SENTINEL-rot4ted-5c6f";
const SENTINELS: [&str; 6] =
    [SENTINEL_TOKEN, SENTINEL_BASIC, SENTINEL_CLIENT_SECRET, SENTINEL_ACCESS, SENTINEL_REFRESH, SENTINEL_ROTATED];

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
    for sentinel in SENTINELS {
        assert!(!text.contains(sentinel), "{what} holds the secret {sentinel}: {text}");
    }
}

/// A store that always fails, with an error that does not know the tokens.
#[derive(Debug)]
struct BrokenStore;

impl TokenStore for BrokenStore {
    fn save<'a>(&'a self, _tokens: &'a TokenSet) -> StoreFuture<'a> {
        Box::pin(async { Err(AuthErrorSource::from("the database is down")) })
    }
}

/// Every OAuth 2.0 path that can fail or log: the code exchange refused and answered oddly, a refresh that
/// rotates, a 401 resend, a store that fails, a dead chain, a scoped token without tenant info. Returns the
/// errors and the Debug text of every value that holds a secret.
async fn oauth_paths(server: &MockServer) -> (Vec<Error>, Vec<String>) {
    let token_url = format!("{}/oauth/token", server.uri());
    Mock::given(path("/oauth/token"))
        .and(body_partial_json(json!({"grant_type": "authorization_code", "code": "refused"})))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": "invalid_grant"})))
        .mount(server)
        .await;
    Mock::given(path("/oauth/token"))
        .and(body_partial_json(json!({"grant_type": "authorization_code", "code": "odd"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": SENTINEL_ACCESS, "expires_in": SENTINEL_ROTATED})),
        )
        .mount(server)
        .await;
    Mock::given(path("/oauth/token"))
        .and(body_partial_json(json!({"grant_type": "refresh_token", "refresh_token": SENTINEL_REFRESH})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": SENTINEL_ACCESS, "refresh_token": SENTINEL_ROTATED, "expires_in": 3600
        })))
        .mount(server)
        .await;
    Mock::given(path("/oauth/token"))
        .and(body_partial_json(json!({"grant_type": "refresh_token", "refresh_token": SENTINEL_ROTATED})))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(
                json!({"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}),
            ),
        )
        .mount(server)
        .await;
    let app = OAuthApp::builder("client-id", SENTINEL_CLIENT_SECRET, "https://app.example/callback")
        .token_url(token_url)
        .build()
        .unwrap();
    let mut errors = vec![app.exchange_code("refused").await.unwrap_err(), app.exchange_code("odd").await.unwrap_err()];
    let expiring = || TokenSet::new(Secret::new("old-access"), Some(Secret::new(SENTINEL_REFRESH)), SystemTime::now());
    // A refresh that rotates, then the unauthorised call that makes it refresh again into a dead chain.
    let store = MemoryTokenStore::new();
    let token = OAuthToken::new(app.clone(), expiring(), store.clone());
    let client = Client::builder(server.uri()).auth(token.clone()).build().unwrap();
    errors.push(client.execute(get_thing("unauthorised")).await.unwrap_err());
    errors.push(client.execute(get_thing("unauthorised")).await.unwrap_err());
    // A 401 to a token that the clock thinks good: refreshed (rotating) and sent once more.
    let hour = SystemTime::now() + Duration::from_secs(3600);
    let revoked =
        OAuthToken::new(app.clone(), TokenSet::new("old", Some(Secret::new(SENTINEL_REFRESH)), hour), store.clone());
    let revoked_client = Client::builder(server.uri()).auth(revoked).build().unwrap();
    errors.push(revoked_client.execute(get_thing("unauthorised")).await.unwrap().into_error());
    let broken = OAuthToken::new(app.clone(), expiring(), BrokenStore);
    let broken_client = Client::builder(server.uri()).auth(broken.clone()).build().unwrap();
    errors.push(broken_client.execute(get_thing("x")).await.unwrap_err());
    let scoped = ScopedToken::new(server.uri(), "me@example.com", SENTINEL_TOKEN);
    errors.push(Client::builder_for_scoped_token(&scoped).await.unwrap_err());
    let later = TokenSet::new(
        SENTINEL_ACCESS,
        Some(Secret::new(SENTINEL_REFRESH)),
        SystemTime::now() + Duration::from_secs(60),
    );
    let debug = vec![
        format!("{app:?}"),
        format!("{:?}", OAuthApp::builder("id", SENTINEL_CLIENT_SECRET, "https://app.example/cb")),
        format!("{token:?}"),
        format!("{broken:?}"),
        format!("{client:?}"),
        format!("{:?}", token.tokens().await),
        format!("{later:?}"),
        format!("{store:?}"),
        format!("{:?}", store.latest()),
        format!("{scoped:?}"),
    ];
    (errors, debug)
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
    let (oauth_errors, oauth_debug) = oauth_paths(&server).await;
    assert_eq!(oauth_errors.len(), 7);
    assert!(oauth_errors[3].is_consent_required(), "{}", oauth_errors[3]);
    assert!(oauth_errors[5].to_string().contains("could not be saved"), "{}", oauth_errors[5]);
    errors.extend(oauth_errors);
    for debug in &oauth_debug {
        assert_no_secret(debug, "an OAuth value's Debug");
    }

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
    assert!(logged.contains("refreshing the OAuth access token"), "the refreshes were not logged: {logged}");
    assert!(logged.contains("credentials renewed after 401"), "the resend was not logged: {logged}");
    assert_no_secret(&logged, "the log");
}
