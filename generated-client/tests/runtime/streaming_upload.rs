//! Streamed multipart uploads: sent as read, chunked or with a declared length, and never sent twice.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use atlassian_client::runtime::{HttpMethod, Multipart, Request};
use atlassian_client::ErrorKind;
use bytes::Bytes;
use futures_core::Stream;
use futures_util::stream;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{client, received, request};

const CHUNK: usize = 64 * 1024;
const CHUNKS: usize = 48;

/// Byte `index` of the test file: varied, so that misplaced or repeated chunks show.
fn file_byte(index: usize) -> u8 {
    (index.wrapping_mul(2_654_435_761) >> 13) as u8
}

/// The whole 3 MiB test file, for comparison.
fn file_content() -> Vec<u8> {
    (0..CHUNK * CHUNKS).map(file_byte).collect()
}

/// The test file as a stream of 64 KiB chunks, each made when it is asked for; `produced` counts them.
fn file_stream(produced: Arc<AtomicUsize>) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    stream::iter((0..CHUNKS).map(move |chunk| {
        produced.fetch_add(1, Ordering::SeqCst);
        Ok(Bytes::from((chunk * CHUNK..(chunk + 1) * CHUNK).map(file_byte).collect::<Vec<u8>>()))
    }))
}

/// A small streamed form: one streamed file part.
fn small_streamed_form() -> Multipart {
    let chunks = vec![Ok::<_, std::io::Error>(Bytes::from_static(b"hello, ")), Ok(Bytes::from_static(b"world"))];
    Multipart::new().file_stream("file", "greeting.txt", "text/plain", stream::iter(chunks))
}

/// An upload request for `form`, with the header Jira wants on uploads (generated upload operations add it).
fn upload(verb: HttpMethod, form: &Multipart) -> Request {
    let mut request = request(verb, "/upload");
    request.header("X-Atlassian-Token", "no-check");
    request.multipart(form);
    request
}

/// One part of a received form.
#[derive(Debug)]
struct ReceivedPart {
    headers: String,
    body: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// Parses a `multipart/form-data` body strictly: delimiters, closing delimiter, part headers and contents.
fn parse_form(content_type: &str, body: &[u8]) -> Vec<ReceivedPart> {
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("a multipart content type");
    assert!(boundary.len() >= 30, "boundary {boundary:?} is too short for a streamed form");
    let opening = format!("--{boundary}\r\n");
    let closing = format!("\r\n--{boundary}--\r\n");
    assert!(body.starts_with(opening.as_bytes()), "the body does not open with the boundary");
    assert!(body.ends_with(closing.as_bytes()), "the body does not close with the boundary");
    let mut rest = &body[opening.len()..body.len() - closing.len()];
    let separator = format!("\r\n--{boundary}\r\n");
    let mut parts = Vec::new();
    loop {
        let (part, next) = match find(rest, separator.as_bytes()) {
            Some(at) => (&rest[..at], Some(&rest[at + separator.len()..])),
            None => (rest, None),
        };
        let split = find(part, b"\r\n\r\n").expect("a blank line after the part headers");
        let headers = String::from_utf8(part[..split].to_vec()).expect("utf-8 part headers");
        parts.push(ReceivedPart { headers, body: part[split + 4..].to_vec() });
        match next {
            Some(next) => rest = next,
            None => break,
        }
    }
    for part in &parts {
        assert!(find(&part.body, format!("--{boundary}").as_bytes()).is_none(), "the boundary occurs in a part");
    }
    parts
}

#[tokio::test]
async fn a_streamed_file_is_uploaded_in_chunks_with_a_text_field() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/upload")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let produced = Arc::new(AtomicUsize::new(0));
    let form = Multipart::new().text("comment", "a large file").file_stream(
        "file",
        "large \"data\".bin",
        "application/octet-stream",
        file_stream(produced.clone()),
    );
    let request = upload(HttpMethod::Post, &form);
    assert_eq!(produced.load(Ordering::SeqCst), 0, "nothing is read before sending");

    let response = client(&server).execute(request).await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(produced.load(Ordering::SeqCst), CHUNKS);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent.headers.get("x-atlassian-token").unwrap(), "no-check");
    assert!(sent.headers.get("content-length").is_none(), "a stream of unknown length goes chunked");
    assert_eq!(sent.headers.get("transfer-encoding").unwrap(), "chunked");
    let content_type = sent.headers.get("content-type").unwrap().to_str().unwrap();
    let parts = parse_form(content_type, &sent.body);
    assert_eq!(parts.len(), 2);
    assert_eq!(
        parts[0].headers,
        "Content-Disposition: form-data; name=\"comment\"\r\nContent-Type: text/plain; charset=utf-8"
    );
    assert_eq!(parts[0].body, b"a large file");
    assert_eq!(
        parts[1].headers,
        "Content-Disposition: form-data; name=\"file\"; filename=\"large \\\"data\\\".bin\"\r\n\
         Content-Type: application/octet-stream"
    );
    assert_eq!(parts[1].body.len(), CHUNK * CHUNKS);
    assert!(parts[1].body == file_content(), "the file arrived changed");
}

#[tokio::test]
async fn known_lengths_send_a_content_length() {
    let server = MockServer::start().await;
    Mock::given(path("/upload")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let length = (CHUNK * CHUNKS) as u64;
    let form = Multipart::new()
        .file_stream_with_length("file", "data.bin", "application/octet-stream", length, file_stream(Arc::default()))
        .text("comment", "sized");

    let response = client(&server).execute(upload(HttpMethod::Post, &form)).await.unwrap();

    assert_eq!(response.status(), 200);
    let requests = server.received_requests().await.unwrap();
    let sent = &requests[0];
    let content_length: usize = sent.headers.get("content-length").unwrap().to_str().unwrap().parse().unwrap();
    assert_eq!(content_length, sent.body.len());
    assert!(sent.headers.get("transfer-encoding").is_none());
    let parts = parse_form(sent.headers.get("content-type").unwrap().to_str().unwrap(), &sent.body);
    assert!(parts[0].body == file_content(), "the file arrived changed");
    assert_eq!(parts[1].body, b"sized");
}

#[tokio::test]
async fn a_stream_shorter_than_its_declared_length_fails_the_upload() {
    let server = MockServer::start().await;
    Mock::given(path("/upload")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let chunks = vec![Ok::<_, std::io::Error>(Bytes::from_static(b"short"))];
    let form = Multipart::new().file_stream_with_length("file", "f.bin", "text/plain", 100, stream::iter(chunks));

    let error = client(&server).execute(upload(HttpMethod::Post, &form)).await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::Transport(_)), "{error:?}");
    assert!(format!("{error:?}").contains("gave 5 of its declared 100 bytes"), "{error:?}");
}

#[tokio::test]
async fn a_stream_error_aborts_the_upload_with_a_transport_error() {
    let server = MockServer::start().await;
    Mock::given(path("/upload")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let chunks = vec![Ok(Bytes::from_static(b"partial")), Err(std::io::Error::other("the disk is gone"))];
    let form = Multipart::new().file_stream("file", "f.bin", "text/plain", stream::iter(chunks));

    let error = client(&server).execute(upload(HttpMethod::Post, &form)).await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::Transport(_)), "{error:?}");
    assert!(format!("{error:?}").contains("the disk is gone"), "{error:?}");
}

#[tokio::test]
async fn unavailable_is_not_retried_for_a_streamed_upload_but_is_for_one_in_memory() {
    for streamed in [true, false] {
        let server = MockServer::start().await;
        Mock::given(path("/upload"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(path("/upload")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
        let form = if streamed {
            small_streamed_form()
        } else {
            Multipart::new().file("file", "greeting.txt", "text/plain", "hello, world")
        };

        // `PUT` (as Confluence's attachment upload uses), since `503` is retried only for idempotent methods.
        let response = client(&server).execute(upload(HttpMethod::Put, &form)).await.unwrap();

        if streamed {
            assert_eq!(response.status(), 503);
            assert_eq!(received(&server).await, 1, "the streamed body is gone, so there is no retry");
            let error = response.error_for_status().unwrap_err();
            assert_eq!(error.status(), Some(503));
        } else {
            assert_eq!(response.status(), 200);
            assert_eq!(received(&server).await, 2);
            let requests = server.received_requests().await.unwrap();
            assert_eq!(requests[0].body, requests[1].body, "the retry sends the same body");
        }
    }
}

#[tokio::test]
async fn rate_limited_streamed_posts_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/upload"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/upload")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    let response = client(&server).execute(upload(HttpMethod::Post, &small_streamed_form())).await.unwrap();

    assert_eq!(response.status(), 429);
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn a_temporary_redirect_of_a_streamed_post_is_returned_not_followed() {
    for status in [307, 308] {
        let server = MockServer::start().await;
        Mock::given(path("/upload"))
            .respond_with(ResponseTemplate::new(status).insert_header("location", "/elsewhere"))
            .mount(&server)
            .await;
        Mock::given(path("/elsewhere")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;

        let response = client(&server).execute(upload(HttpMethod::Post, &small_streamed_form())).await.unwrap();

        assert_eq!(response.status(), status);
        assert_eq!(response.location().as_deref(), Some("/elsewhere"));
        assert_eq!(received(&server).await, 1);
    }
}

#[tokio::test]
async fn a_temporary_redirect_of_an_in_memory_post_is_followed_with_the_body() {
    let server = MockServer::start().await;
    Mock::given(path("/upload"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/elsewhere"))
        .mount(&server)
        .await;
    Mock::given(path("/elsewhere")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let form = Multipart::new().file("file", "greeting.txt", "text/plain", "hello, world");

    let response = client(&server).execute(upload(HttpMethod::Post, &form)).await.unwrap();

    assert_eq!(response.status(), 200);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].url.path(), "/elsewhere");
    assert_eq!(requests[0].body, requests[1].body);
}

#[tokio::test]
async fn see_other_after_a_streamed_post_is_followed_with_a_bodiless_get() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/upload"))
        .respond_with(ResponseTemplate::new(303).insert_header("location", "/result"))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/result")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    let response = client(&server).execute(upload(HttpMethod::Post, &small_streamed_form())).await.unwrap();

    assert_eq!(response.status(), 200);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].body.is_empty());
}

#[tokio::test]
async fn a_streamed_request_can_be_sent_only_once() {
    let server = MockServer::start().await;
    Mock::given(path("/upload")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let request = upload(HttpMethod::Post, &small_streamed_form());
    let again = request.clone();
    let client = client(&server);

    assert_eq!(client.execute(request).await.unwrap().status(), 200);
    let error = client.execute(again).await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::InvalidRequest { .. }), "{error:?}");
    assert_eq!(received(&server).await, 1, "no empty body was sent");
}
