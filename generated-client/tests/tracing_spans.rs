//! Every request runs inside a tracing span that names the operation, and the span's fields never hold secrets;
//! rate-limit warnings and ignored rate-limit headers are events in it.
//!
//! This test has a process of its own: tracing caches per call site whether anyone listens, and other tests
//! running at the same time without a subscriber could leave that cache stale for the subscriber set here.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};

use atlassian_client::runtime::{HttpMethod, OperationMeta, Request};
use atlassian_client::{BasicAuth, Client, RetryPolicy};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "SENTINEL-t0ken-5b2e";

static GET_THING: OperationMeta = OperationMeta {
    id: "getThing",
    method: HttpMethod::Get,
    path: "/rest/api/2/thing/{name}",
    server_prefix: "",
    see_other_documented: false,
};

/// The fields of one span or event, as text.
type Fields = BTreeMap<String, String>;

/// What the layer saw: closed spans with their final fields, and events with the fields of their span.
#[derive(Default)]
struct Captured {
    open: HashMap<Id, (String, Fields)>,
    spans: Vec<(String, Fields)>,
    events: Vec<(Fields, Option<Fields>)>,
}

/// A tracing layer that writes spans and events into a shared buffer.
#[derive(Clone, Default)]
struct CaptureLayer(Arc<Mutex<Captured>>);

struct FieldVisitor<'a>(&'a mut Fields);

impl Visit for FieldVisitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: Subscriber> Layer<S> for CaptureLayer {
    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, _context: Context<'_, S>) {
        let mut fields = Fields::new();
        attributes.record(&mut FieldVisitor(&mut fields));
        let name = attributes.metadata().name().to_owned();
        self.0.lock().unwrap().open.insert(id.clone(), (name, fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _context: Context<'_, S>) {
        if let Some((_, fields)) = self.0.lock().unwrap().open.get_mut(id) {
            values.record(&mut FieldVisitor(fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, context: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut FieldVisitor(&mut fields));
        let mut captured = self.0.lock().unwrap();
        let span = context.current_span().id().and_then(|id| captured.open.get(id)).map(|(_, fields)| fields.clone());
        captured.events.push((fields, span));
    }

    fn on_close(&self, id: Id, _context: Context<'_, S>) {
        let mut captured = self.0.lock().unwrap();
        if let Some(span) = captured.open.remove(&id) {
            captured.spans.push(span);
        }
    }
}

#[tokio::test]
async fn each_request_has_a_span_with_operation_method_path_status_and_attempt() {
    let layer = CaptureLayer::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer.clone()));

    let server = MockServer::start().await;
    Mock::given(path("/rest/api/2/thing/a"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/rest/api/2/thing/a")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let retries = RetryPolicy::default().with_min_delay(std::time::Duration::from_millis(1));
    let client = Client::builder(server.uri()).auth(BasicAuth::new("me@example.com", TOKEN)).retry(retries).build();
    let client = client.unwrap();

    let mut request = Request::new(&GET_THING, "/rest/api/2/thing/a".to_owned());
    request.query("jql", "project = SECRETPROJECT");
    let response = client.execute(request).await.unwrap();
    assert_eq!(response.status(), 200);

    let captured = layer.0.lock().unwrap();
    let spans: Vec<&Fields> =
        captured.spans.iter().filter(|(name, _)| name == "atlassian_request").map(|(_, fields)| fields).collect();
    assert_eq!(spans.len(), 1, "one span per request: {:?}", captured.spans);
    let span = spans[0];
    assert_eq!(span["operation"], "getThing");
    assert_eq!(span["method"], "GET");
    assert_eq!(span["path"], "/rest/api/2/thing/{name}");
    assert_eq!(span["status"], "200");
    assert_eq!(span["attempt"], "2");
    let names: Vec<&str> = span.keys().map(String::as_str).collect();
    assert_eq!(names, ["attempt", "method", "operation", "path", "status"], "the span records nothing else");

    // The retry and both responses are events inside the span, which held the values of that moment.
    let in_span: Vec<&(Fields, Option<Fields>)> =
        captured.events.iter().filter(|(_, span)| span.as_ref().is_some_and(|s| s.contains_key("operation"))).collect();
    let retried = in_span.iter().find(|(event, _)| event["message"].contains("retrying")).expect("a retry event");
    assert_eq!(retried.0["status"], "503");
    assert_eq!(retried.1.as_ref().unwrap()["attempt"], "1");
    let statuses: Vec<&str> = in_span
        .iter()
        .filter(|(event, _)| event["message"] == "response received")
        .map(|(event, _)| event["status"].as_str())
        .collect();
    assert_eq!(statuses, ["503", "200"]);

    let everything = format!("{:?} {:?}", captured.spans, captured.events);
    for secret in [TOKEN, "Basic ", "authorization", "SECRETPROJECT"] {
        assert!(!everything.to_lowercase().contains(&secret.to_lowercase()), "{secret} was traced: {everything}");
    }
}

#[tokio::test]
async fn a_near_limit_and_garbage_rate_limit_headers_are_reported_in_the_span() {
    let layer = CaptureLayer::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer.clone()));

    let server = MockServer::start().await;
    let response = ResponseTemplate::new(200)
        .insert_header("X-RateLimit-NearLimit", "true")
        .insert_header("RateLimit-Reason", "jira-quota-tenant-based")
        .insert_header("X-RateLimit-Reset", "GARBAGE-reset")
        .insert_header("Beta-RateLimit-Policy", "GARBAGE-policy;;q");
    Mock::given(path("/rest/api/2/thing/a")).respond_with(response).mount(&server).await;
    let client = Client::builder(server.uri()).build().unwrap();

    let response = client.execute(Request::new(&GET_THING, "/rest/api/2/thing/a".to_owned())).await.unwrap();
    assert_eq!(response.status(), 200);

    let captured = layer.0.lock().unwrap();
    let in_span = |message: &str| -> Vec<Fields> {
        captured
            .events
            .iter()
            .filter(|(event, span)| {
                event["message"] == message && span.as_ref().is_some_and(|s| s["operation"] == "getThing")
            })
            .map(|(event, _)| event.clone())
            .collect()
    };
    let near = in_span("Jira says a rate limit is near");
    assert_eq!(near.len(), 1, "{:?}", captured.events);
    assert_eq!(near[0]["reason"], "jira-quota-tenant-based");
    let ignored: Vec<String> =
        in_span("rate-limit header ignored").iter().map(|event| event["header"].clone()).collect();
    assert_eq!(ignored, ["x-ratelimit-reset", "beta-ratelimit-policy"]);
    let everything = format!("{:?}", captured.events);
    assert!(!everything.contains("GARBAGE"), "header values are not traced: {everything}");
}

#[tokio::test]
async fn a_per_issue_hold_is_traced_without_the_issue_key() {
    static EDIT_ISSUE: OperationMeta = OperationMeta {
        id: "editIssue",
        method: HttpMethod::Put,
        path: "/rest/api/2/issue/{issueIdOrKey}",
        server_prefix: "",
        see_other_documented: false,
    };
    let layer = CaptureLayer::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer.clone()));

    let server = MockServer::start().await;
    let limited = ResponseTemplate::new(429)
        .insert_header("Retry-After", "0")
        .insert_header("RateLimit-Reason", "jira-per-issue-on-write");
    Mock::given(path("/rest/api/2/issue/SECRETKEY-7")).respond_with(limited).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/rest/api/2/issue/SECRETKEY-7")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let retries = RetryPolicy::default().with_min_delay(std::time::Duration::from_millis(1));
    let client = Client::builder(server.uri()).retry(retries).build().unwrap();

    let response = client.execute(Request::new(&EDIT_ISSUE, "/rest/api/2/issue/SECRETKEY-7".to_owned())).await;
    assert_eq!(response.unwrap().status(), 204);

    let captured = layer.0.lock().unwrap();
    let hold = captured
        .events
        .iter()
        .find(|(event, _)| event["message"] == "rate limited; holding the requests it is about")
        .expect("a hold event");
    assert_eq!(hold.0["scope"], "issue writes");
    let everything = format!("{:?} {:?}", captured.spans, captured.events);
    assert!(!everything.contains("SECRETKEY"), "the issue key was traced: {everything}");
}
