//! Retries: which responses are retried, how long the client waits, and when it stops.

use std::net::TcpListener as StdListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use atlassian_client::runtime::HttpMethod;
use atlassian_client::{Client, RetryPolicy, TransportErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{builder, client, fast_retries, received, request};

/// Mounts a mock that answers `failure` `times` times, then 200.
async fn fail_then_succeed(server: &MockServer, failure: ResponseTemplate, times: u64) {
    Mock::given(path("/x")).respond_with(failure).up_to_n_times(times).with_priority(1).mount(server).await;
    Mock::given(path("/x")).respond_with(ResponseTemplate::new(200)).mount(server).await;
}

#[tokio::test]
async fn rate_limited_requests_wait_for_retry_after_seconds() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, ResponseTemplate::new(429).insert_header("retry-after", "1"), 1).await;

    let started = Instant::now();
    let response = client(&server).execute(request(HttpMethod::Post, "/x")).await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(received(&server).await, 2);
    assert!(started.elapsed() >= Duration::from_secs(1), "retried after {:?}", started.elapsed());
}

#[tokio::test]
async fn rate_limited_requests_wait_for_a_retry_after_date() {
    let server = MockServer::start().await;
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    fail_then_succeed(&server, ResponseTemplate::new(429).insert_header("retry-after", date.as_str()), 1).await;

    let started = Instant::now();
    let response = client(&server).execute(request(HttpMethod::Get, "/x")).await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(received(&server).await, 2);
    // The date has whole seconds, so the wait is between one and two seconds.
    assert!(started.elapsed() >= Duration::from_millis(900), "retried after {:?}", started.elapsed());
}

#[tokio::test]
async fn retry_after_zero_still_waits_the_minimum_delay() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, ResponseTemplate::new(429).insert_header("retry-after", "0"), 2).await;
    let policy = fast_retries().with_min_delay(Duration::from_millis(100));

    let started = Instant::now();
    let response = builder(&server).retry(policy).build().unwrap().execute(request(HttpMethod::Get, "/x")).await;

    assert_eq!(response.unwrap().status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(200), "retried after {:?}", started.elapsed());
}

#[tokio::test]
async fn retry_after_longer_than_the_cap_returns_the_response() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, ResponseTemplate::new(429).insert_header("retry-after", "3600"), 1).await;

    let response = client(&server).execute(request(HttpMethod::Get, "/x")).await.unwrap();

    assert_eq!(response.status(), 429);
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn unavailable_is_retried_for_get_but_not_for_post() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/x")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = client(&server);

    let get = client.execute(request(HttpMethod::Get, "/x")).await.unwrap();
    assert_eq!(get.status(), 200);
    assert_eq!(received(&server).await, 2);

    let post = client.execute(request(HttpMethod::Post, "/x")).await.unwrap();
    assert_eq!(post.status(), 503);
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn gateway_errors_are_retried_for_idempotent_methods() {
    for (status, verb) in [(502, HttpMethod::Put), (504, HttpMethod::Delete)] {
        let server = MockServer::start().await;
        fail_then_succeed(&server, ResponseTemplate::new(status), 2).await;

        let response = client(&server).execute(request(verb, "/x")).await.unwrap();

        assert_eq!(response.status(), 200);
        assert_eq!(received(&server).await, 3);
    }
}

#[tokio::test]
async fn retries_stop_at_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(path("/x")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let policy = fast_retries().with_max_attempts(3);

    let client = builder(&server).retry(policy).build().unwrap();
    let response = client.execute(request(HttpMethod::Get, "/x")).await.unwrap();

    assert_eq!(response.status(), 503);
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn retries_can_be_switched_off() {
    let server = MockServer::start().await;
    Mock::given(path("/x")).respond_with(ResponseTemplate::new(429)).mount(&server).await;

    let client = builder(&server).no_retries().build().unwrap();
    let response = client.execute(request(HttpMethod::Get, "/x")).await.unwrap();

    assert_eq!(response.status(), 429);
    assert_eq!(received(&server).await, 1);
    assert!(!RetryPolicy::disabled().enabled);
}

#[tokio::test]
async fn client_errors_and_server_errors_are_never_retried() {
    for status in [400, 401, 403, 404, 409, 500] {
        let server = MockServer::start().await;
        Mock::given(path("/x")).respond_with(ResponseTemplate::new(status)).mount(&server).await;

        let response = client(&server).execute(request(HttpMethod::Get, "/x")).await.unwrap();

        assert_eq!(response.status(), status);
        assert_eq!(received(&server).await, 1, "status {status} was retried");
    }
}

#[tokio::test]
async fn retries_replay_the_body() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, ResponseTemplate::new(429), 1).await;

    let mut request = request(HttpMethod::Post, "/x");
    request.json(&serde_json::json!({"n": 1})).unwrap();
    client(&server).execute(request).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|request| request.body == br#"{"n":1}"#));
}

/// Reserves a loopback port that nothing listens on yet.
fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn connection_failures_are_retried_for_idempotent_methods() {
    let port = free_port();
    // The server only starts listening after the client's first attempt has been refused.
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 4096];
        let _ = socket.read(&mut buffer).await.unwrap();
        socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").await.unwrap();
    });
    let policy = RetryPolicy::default()
        .with_max_attempts(20)
        .with_base_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_millis(200));

    let client = Client::builder(format!("http://127.0.0.1:{port}")).retry(policy).build().unwrap();
    let response = client.execute(request(HttpMethod::Get, "/x")).await.unwrap();

    assert_eq!(response.bytes(), "ok");
    server.await.unwrap();
}

#[tokio::test]
async fn connection_failures_are_not_retried_for_post() {
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = attempts.clone();
    let client = Client::builder(format!("http://127.0.0.1:{}", free_port()))
        .retry(fast_retries())
        .request_hook(Arc::new(move |_: &mut reqwest::Request| {
            counter.fetch_add(1, Ordering::SeqCst);
        }))
        .build()
        .unwrap();

    let error = client.execute(request(HttpMethod::Post, "/x")).await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    assert_eq!(attempts.load(Ordering::SeqCst), 1);

    let error = client.execute(request(HttpMethod::Get, "/x")).await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    assert_eq!(attempts.load(Ordering::SeqCst), 1 + 4);
}

/// A server that reads each request and then, for the first `drops` connections, closes the connection without
/// answering (or resets it, when `reset`); later connections get `200 ok`. Returns its URL and the number of
/// connections accepted so far.
async fn server_dropping_connections(drops: usize, reset: bool) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let connection = counter.fetch_add(1, Ordering::SeqCst);
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            if connection < drops {
                if reset {
                    // Lingering for zero seconds makes the close a TCP reset (and cannot block, the reason for the
                    // deprecation).
                    #[allow(deprecated)]
                    socket.set_linger(Some(Duration::ZERO)).unwrap();
                }
                drop(socket);
            } else {
                let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
                let _ = socket.write_all(answer).await;
            }
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn a_connection_lost_before_the_response_is_retried_for_idempotent_methods() {
    for (method, reset) in [(HttpMethod::Get, false), (HttpMethod::Delete, true), (HttpMethod::Put, false)] {
        let (url, accepted) = server_dropping_connections(2, reset).await;
        let client = Client::builder(url).retry(fast_retries()).build().unwrap();

        let response = client.execute(request(method, "/x")).await.unwrap();

        assert_eq!(response.bytes(), "ok", "{method}");
        assert_eq!(accepted.load(Ordering::SeqCst), 3, "{method}");
    }
}

#[tokio::test]
async fn a_connection_lost_before_the_response_is_not_retried_for_post() {
    for reset in [false, true] {
        let (url, accepted) = server_dropping_connections(1, reset).await;
        let client = Client::builder(url).retry(fast_retries()).build().unwrap();

        let error = client.execute(request(HttpMethod::Post, "/x")).await.unwrap_err();

        assert_eq!(error.transport_kind(), Some(TransportErrorKind::ConnectionLost), "{error:?}");
        assert!(error.to_string().contains("connection lost before a response"), "{error}");
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    }
}
