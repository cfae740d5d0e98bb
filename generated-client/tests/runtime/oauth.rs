//! OAuth 2.0 (3LO): the code exchange, refreshes (before expiry, once for many tasks, after a 401), the store of
//! rotated tokens, a dead chain, and the sites of a token. A mock authorization server and a mock Jira on
//! 127.0.0.1.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use atlassian_client::runtime::HttpMethod;
use atlassian_client::{
    AuthErrorSource, Client, ErrorKind, MemoryTokenStore, OAuthApp, OAuthToken, Secret, StoreFuture, TokenSet,
    TokenStore,
};
use serde_json::json;
use wiremock::matchers::{bearer_token, body_json, body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{builder, received, request};

const CLIENT_ID: &str = "app-client-id";
const CLIENT_SECRET: &str = "app-client-secret";
const REDIRECT_URI: &str = "https://app.example/callback";

/// An app whose endpoints are on the mock authorization server.
fn app(auth_server: &MockServer) -> OAuthApp {
    OAuthApp::builder(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)
        .token_url(format!("{}/oauth/token", auth_server.uri()))
        .accessible_resources_url(format!("{}/oauth/token/accessible-resources", auth_server.uri()))
        .build()
        .expect("the app builds")
}

/// Tokens `access`/`refresh` that expire `in_secs` from now.
fn tokens(access: &str, refresh: &str, in_secs: u64) -> TokenSet {
    TokenSet::new(access, Some(Secret::new(refresh)), SystemTime::now() + Duration::from_secs(in_secs))
}

/// The token endpoint's answer to a refresh with `old`: `new_access` and `new_refresh`, valid for an hour.
fn refresh_grant(old: &str, new_access: &str, new_refresh: &str) -> Mock {
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_json(json!({
            "grant_type": "refresh_token",
            "refresh_token": old,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": new_access,
            "refresh_token": new_refresh,
            "expires_in": 3600,
            "scope": "read:jira-work offline_access",
            "token_type": "Bearer",
        })))
}

/// Jira answering `status` to requests with the bearer token `access`.
fn jira_answers(access: &str, status: u16) -> Mock {
    Mock::given(path("/rest/api/2/myself")).and(bearer_token(access)).respond_with(ResponseTemplate::new(status))
}

/// A client of `jira` with OAuth credentials `tokens` that refresh at `auth_server`.
fn oauth_client(auth_server: &MockServer, jira: &MockServer, tokens: TokenSet) -> Client {
    let token = OAuthToken::new(app(auth_server), tokens, MemoryTokenStore::new());
    builder(jira).auth(token).build().expect("the client builds")
}

fn myself() -> atlassian_client::runtime::Request {
    request(HttpMethod::Get, "/rest/api/2/myself")
}

/// The statuses of `count` calls made at once from as many tasks, spread over `clients`.
async fn statuses_of_concurrent_calls(clients: &[Client], count: usize) -> Vec<u16> {
    let tasks: Vec<_> = (0..count)
        .map(|index| {
            let client = clients[index % clients.len()].clone();
            tokio::spawn(async move { client.execute(myself()).await.map(|response| response.status()) })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("the task ran").expect("the call succeeded"));
    }
    statuses
}

#[tokio::test]
async fn the_code_exchange_posts_the_grant_and_returns_rotating_tokens() {
    let auth_server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_json(json!({
            "grant_type": "authorization_code",
            "code": "code-from-redirect",
            "redirect_uri": REDIRECT_URI,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "access-1",
            "refresh_token": "refresh-1",
            "expires_in": 3600,
            "scope": "read:jira-work offline_access",
            "token_type": "Bearer",
        })))
        .expect(1)
        .mount(&auth_server)
        .await;

    let tokens = app(&auth_server).exchange_code("code-from-redirect").await.unwrap();

    assert_eq!(tokens.access_token.expose(), "access-1");
    assert_eq!(tokens.refresh_token.as_ref().map(Secret::expose), Some("refresh-1"));
    assert_eq!(tokens.scope.as_deref(), Some("read:jira-work offline_access"));
    let left = tokens.expires_in();
    assert!(left > Duration::from_secs(3500) && left <= Duration::from_secs(3600), "{left:?}");
}

#[tokio::test]
async fn a_token_is_refreshed_only_within_the_margin_before_expiry() {
    let auth_server = MockServer::start().await;
    refresh_grant("refresh-1", "access-2", "refresh-2").expect(1).mount(&auth_server).await;
    let jira = MockServer::start().await;
    jira_answers("access-1", 200).mount(&jira).await;
    jira_answers("access-2", 200).mount(&jira).await;

    // An hour left: well outside the 5-minute margin, so the token is used as it is.
    let lasting = OAuthToken::new(app(&auth_server), tokens("access-1", "refresh-1", 3600), MemoryTokenStore::new());
    let client = builder(&jira).auth(lasting).build().unwrap();
    assert_eq!(client.execute(myself()).await.unwrap().status(), 200);
    assert_eq!(received(&auth_server).await, 0);

    // A minute left: inside the margin, so it is refreshed before the request.
    let expiring = OAuthToken::new(app(&auth_server), tokens("access-1", "refresh-1", 60), MemoryTokenStore::new());
    let client = builder(&jira).auth(expiring.clone()).build().unwrap();
    assert_eq!(client.execute(myself()).await.unwrap().status(), 200);
    let sent = jira.received_requests().await.unwrap();
    assert_eq!(sent[1].headers["authorization"], "Bearer access-2");
    assert_eq!(expiring.tokens().await.refresh_token.as_ref().map(Secret::expose), Some("refresh-2"));
}

#[tokio::test]
async fn an_expired_token_403_from_the_gateway_is_avoided_by_the_expiry_margin() {
    let auth_server = MockServer::start().await;
    refresh_grant("refresh-1", "access-2", "refresh-2").expect(1).mount(&auth_server).await;
    // The gateway answers requests with an expired token with 403 on some paths, not 401.
    let jira = MockServer::start().await;
    jira_answers("access-1", 403).mount(&jira).await;
    jira_answers("access-2", 200).mount(&jira).await;
    let client = oauth_client(&auth_server, &jira, tokens("access-1", "refresh-1", 120));

    let response = client.execute(myself()).await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(received(&jira).await, 1, "the token that the gateway refuses was never sent");
}

#[tokio::test]
async fn fifty_tasks_on_one_expiring_token_cause_exactly_one_refresh() {
    let auth_server = MockServer::start().await;
    // A slow token endpoint, so that the tasks pile up behind the refresh in flight.
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "access-2", "refresh_token": "refresh-2", "expires_in": 3600}))
                .set_delay(Duration::from_millis(300)),
        )
        .expect(1)
        .mount(&auth_server)
        .await;
    let jira = MockServer::start().await;
    jira_answers("access-2", 200).expect(50).mount(&jira).await;
    let token = OAuthToken::new(app(&auth_server), tokens("access-1", "refresh-1", 10), MemoryTokenStore::new());
    // Clones of the client and of the token: all share one refresh.
    let client = builder(&jira).auth(token.clone()).build().unwrap();
    let other = builder(&jira).auth(token).build().unwrap();

    assert_eq!(statuses_of_concurrent_calls(&[client, other], 50).await, [200; 50]);

    auth_server.verify().await;
    jira.verify().await;
}

/// A store that logs what it saves into a log shared with the mock Jira, and fails while told to.
#[derive(Debug, Clone, Default)]
struct LoggingStore {
    log: Arc<Mutex<Vec<String>>>,
    failures_left: Arc<Mutex<u32>>,
}

impl TokenStore for LoggingStore {
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a> {
        let refresh = tokens.refresh_token.as_ref().map_or("", Secret::expose).to_owned();
        Box::pin(async move {
            let mut failures = self.failures_left.lock().unwrap();
            if *failures > 0 {
                *failures -= 1;
                self.log.lock().unwrap().push(format!("save failed: {refresh}"));
                return Err(AuthErrorSource::from("the database is down"));
            }
            self.log.lock().unwrap().push(format!("saved {refresh}"));
            Ok(())
        })
    }
}

/// Jira answering 200 to every request, logging each one's `Authorization` into `log`.
fn logging_jira(log: Arc<Mutex<Vec<String>>>) -> Mock {
    Mock::given(path("/rest/api/2/myself")).respond_with(move |request: &wiremock::Request| {
        let authorization = request.headers.get("authorization").and_then(|value| value.to_str().ok());
        log.lock().unwrap().push(format!("jira saw {}", authorization.unwrap_or("nothing")));
        ResponseTemplate::new(200)
    })
}

#[tokio::test]
async fn the_rotated_refresh_token_is_saved_before_the_new_access_token_is_used() {
    let auth_server = MockServer::start().await;
    refresh_grant("refresh-1", "access-2", "refresh-2").expect(1).mount(&auth_server).await;
    let store = LoggingStore::default();
    let jira = MockServer::start().await;
    logging_jira(store.log.clone()).mount(&jira).await;
    let token = OAuthToken::new(app(&auth_server), tokens("access-1", "refresh-1", 30), store.clone());
    let client = builder(&jira).auth(token).build().unwrap();

    client.execute(myself()).await.unwrap();

    assert_eq!(*store.log.lock().unwrap(), ["saved refresh-2", "jira saw Bearer access-2"]);
}

#[tokio::test]
async fn a_store_failure_is_an_error_and_the_rotated_token_is_kept_for_the_next_request() {
    let auth_server = MockServer::start().await;
    // One refresh in all: the second request saves the tokens of the first refresh instead of refreshing again
    // with the refresh token that this refresh has killed.
    refresh_grant("refresh-1", "access-2", "refresh-2").expect(1).mount(&auth_server).await;
    let store = LoggingStore { failures_left: Arc::new(Mutex::new(1)), ..LoggingStore::default() };
    let jira = MockServer::start().await;
    logging_jira(store.log.clone()).mount(&jira).await;
    let token = OAuthToken::new(app(&auth_server), tokens("access-1", "refresh-1", 30), store.clone());
    let client = builder(&jira).auth(token).build().unwrap();

    let error = client.execute(myself()).await.unwrap_err();
    let ErrorKind::Auth(auth) = error.kind() else { panic!("not an auth error: {error}") };
    assert!(auth.message.contains("could not be saved"), "{error}");
    assert!(!error.is_consent_required());
    assert_eq!(*store.log.lock().unwrap(), ["save failed: refresh-2"], "no request used the unsaved token");

    client.execute(myself()).await.unwrap();

    assert_eq!(*store.log.lock().unwrap(), ["save failed: refresh-2", "saved refresh-2", "jira saw Bearer access-2"]);
    auth_server.verify().await;
}

#[tokio::test]
async fn invalid_grant_is_an_auth_error_saying_the_user_must_consent_again() {
    let auth_server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_partial_json(json!({"grant_type": "refresh_token"})))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": "Unknown or invalid refresh token.",
        })))
        .expect(1)
        .mount(&auth_server)
        .await;
    let jira = MockServer::start().await;
    let client = oauth_client(&auth_server, &jira, tokens("access-1", "refresh-1", 30));

    for _ in 0..2 {
        let error = client.execute(myself()).await.unwrap_err();
        assert!(error.is_consent_required(), "{error}");
        let text = error.to_string();
        assert!(text.contains("invalid_grant") && text.contains("must authorise the app again"), "{text}");
    }

    assert_eq!(received(&jira).await, 0);
    // The dead chain is not tried again.
    auth_server.verify().await;
}

#[tokio::test]
async fn a_401_triggers_one_refresh_and_one_resend() {
    // Whatever the resend gets (a 401 again included) goes back to the caller: one refresh, one resend.
    for (resend_status, expected) in [(200, 200), (401, 401)] {
        let auth_server = MockServer::start().await;
        refresh_grant("refresh-1", "access-2", "refresh-2").expect(1).mount(&auth_server).await;
        let jira = MockServer::start().await;
        // Revoked early: the clock says the token has an hour left.
        jira_answers("access-1", 401).expect(1).mount(&jira).await;
        jira_answers("access-2", resend_status).expect(1).mount(&jira).await;
        let client = oauth_client(&auth_server, &jira, tokens("access-1", "refresh-1", 3600));

        let response = client.execute(myself()).await.unwrap();

        assert_eq!(response.status(), expected);
        jira.verify().await;
        auth_server.verify().await;
    }
}

#[tokio::test]
async fn many_tasks_meeting_a_401_share_one_refresh() {
    let auth_server = MockServer::start().await;
    refresh_grant("refresh-1", "access-2", "refresh-2").expect(1).mount(&auth_server).await;
    let jira = MockServer::start().await;
    jira_answers("access-1", 401).mount(&jira).await;
    jira_answers("access-2", 200).expect(20).mount(&jira).await;
    let client = oauth_client(&auth_server, &jira, tokens("access-1", "refresh-1", 3600));

    assert_eq!(statuses_of_concurrent_calls(&[client], 20).await, [200; 20]);

    auth_server.verify().await;
    jira.verify().await;
}

#[tokio::test]
async fn accessible_resources_lead_to_a_client_for_the_chosen_site_through_the_gateway() {
    let auth_server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/oauth/token/accessible-resources"))
        .and(bearer_token("access-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {
                "id": "1324a887-45db-1bf4-1e99-ef0ff456d421",
                "url": "https://your-domain.atlassian.net",
                "name": "your-domain",
                "scopes": ["read:jira-work", "write:jira-work"],
                "avatarUrl": "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png"
            },
            {"id": "7d1f4e2a-0000-4000-8000-000000000002", "url": "https://other.atlassian.net", "name": "other", "scopes": []}
        ])))
        .expect(1)
        .mount(&auth_server)
        .await;
    let gateway = MockServer::start().await;
    Mock::given(path("/ex/jira/7d1f4e2a-0000-4000-8000-000000000002/rest/api/2/myself"))
        .and(bearer_token("access-1"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&gateway)
        .await;
    let app = OAuthApp::builder(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)
        .accessible_resources_url(format!("{}/oauth/token/accessible-resources", auth_server.uri()))
        .gateway_url(format!("{}/ex", gateway.uri()))
        .build()
        .unwrap();
    let token = OAuthToken::new(app, tokens("access-1", "refresh-1", 3600), MemoryTokenStore::new());

    let sites = token.accessible_resources().await.unwrap();

    assert_eq!(sites.len(), 2);
    assert_eq!(sites[0].url, "https://your-domain.atlassian.net");
    assert_eq!(sites[0].scopes, ["read:jira-work", "write:jira-work"]);
    let chosen = sites.iter().find(|site| site.name == "other").unwrap();
    let client = Client::builder_for_oauth_site(&token, chosen).build().unwrap();
    assert_eq!(client.execute(myself()).await.unwrap().status(), 200);
    gateway.verify().await;
}
