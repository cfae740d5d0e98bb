//! Helpers shared by the runtime tests.

use std::time::Duration;

use atlassian_client::runtime::{HttpMethod, OperationMeta, Request};
use atlassian_client::{Client, ClientBuilder, RetryPolicy};
use wiremock::MockServer;

/// Operation metadata for a test operation; leaked because requests need `&'static` metadata.
pub fn operation(id: &'static str, method: HttpMethod, path: &'static str) -> &'static OperationMeta {
    Box::leak(Box::new(OperationMeta { id, method, path, server_prefix: "", see_other_documented: false }))
}

/// A request for a path without parameters.
pub fn request(method: HttpMethod, path: &'static str) -> Request {
    Request::new(operation("testOperation", method, path), path.to_owned())
}

/// A retry policy with tiny waits, so retry tests stay fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_base_delay(Duration::from_millis(10)).with_min_delay(Duration::from_millis(5))
}

/// A builder for a client of `server` with fast retries.
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder(server.uri()).retry(fast_retries())
}

/// A client of `server` with fast retries.
pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("the client builds")
}

/// The number of requests `server` has received.
pub async fn received(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |requests| requests.len())
}
