//! Faults: timeouts, connections cut mid-body, and many concurrent requests through one client.

use std::time::Duration;

use atlassian_client::runtime::HttpMethod;
use atlassian_client::TransportErrorKind;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{builder, client, request};

#[tokio::test]
async fn slow_responses_time_out() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;

    let client = builder(&server).timeout(Duration::from_millis(200)).build().unwrap();
    let error = client.execute(request(HttpMethod::Get, "/slow")).await.unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.operation_id(), Some("testOperation"));
}

#[tokio::test]
async fn a_per_request_timeout_overrides_the_client_default() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;

    let mut request = request(HttpMethod::Get, "/slow");
    request.timeout(Duration::from_millis(200));
    let error = client(&server).execute(request).await.unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn a_connection_dropped_mid_body_is_a_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 4096];
        let _ = socket.read(&mut buffer).await.unwrap();
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(br#"{"issues": ["#).await.unwrap();
        socket.flush().await.unwrap();
        // Dropping the socket closes the connection 988 bytes early.
    });

    let client = atlassian_client::Client::builder(format!("http://{address}")).build().unwrap();
    let error = client.execute(request(HttpMethod::Get, "/x")).await.unwrap_err();

    assert_eq!(error.transport_kind(), Some(TransportErrorKind::BodyCutOff), "{error:?}");
    assert!(error.to_string().contains("body cut off"), "{error}");
    server.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_requests_over_fifty_tasks_share_one_client() {
    let server = MockServer::start().await;
    Mock::given(path("/rest/api/2/serverInfo"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"version": "1001.0.0"})))
        .mount(&server)
        .await;
    let client = client(&server);

    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                for _ in 0..20 {
                    let response = client.execute(request(HttpMethod::Get, "/rest/api/2/serverInfo")).await?;
                    assert_eq!(response.status(), 200);
                    let info: serde_json::Value = response.json()?;
                    assert_eq!(info["version"], "1001.0.0");
                }
                Ok::<_, atlassian_client::Error>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }

    assert_eq!(server.received_requests().await.unwrap().len(), 1000);
}
