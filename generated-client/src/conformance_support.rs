//! The shared half of the generated conformance tests (`src/generated/<spec>/conformance.rs`), which
//! `cargo xtask conformance` runs against a Prism mock server of each spec.
//!
//! A test builds one call of an operation with arguments taken from the spec, sends it through the typed client
//! twice (`send_raw` to read what the server said about the request, `send` to see the response decode into the
//! generated type), and prints one line that the xtask reads:
//!
//! ```text
//! CONFORMANCE PASS <spec> <operationId> <call>
//! CONFORMANCE FAIL <spec> <operationId> <call> <kind>: <detail>
//! CONFORMANCE SKIP <spec> <operationId> <call>
//! ```
//!
//! `kind` is `violation` (Prism found the request invalid: a 422 body with `validation`, or `sl-violations`
//! header entries located in the request, or no route for it), `query` (a query key the spec does not declare),
//! `status` (no 2xx response), `decode` (the 2xx body did not decode), `transport` or `arguments` (the spec's
//! sample did not fit the generated argument type). Only errors count: Prism's warnings (a deprecated parameter
//! used) do not. Without the server's URL in the environment, a test returns at once; a call listed in
//! `ATLASSIAN_CONFORMANCE_SKIP` is not sent (`SKIP`), and once a call of a spec timed out, the spec's later calls
//! fail without being sent.
//!
//! Negative controls break the request in the request hook, after the typed client built it; they must end in a
//! `violation`, which proves that the check can fail.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderMap, CONTENT_TYPE};

use crate::runtime::Response;
use crate::{BasicAuth, BearerToken, Client};

/// The credentials a call sends: what the operation's `security` allows.
// Which variants a crate uses depends on the operations its listing selects.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy)]
pub(crate) enum Auth {
    None,
    Basic,
    Bearer,
}

/// How a negative control breaks a request.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy)]
pub(crate) enum Mutation {
    /// Sends text where the spec wants another type for query parameter `name`.
    WrongType { name: &'static str, value: &'static str },
    /// Sends no body where the spec requires one.
    DropBody,
}

/// One call of an operation, as the generated test describes it.
#[derive(Debug)]
pub(crate) struct Call {
    /// The listing's name of the spec, e.g. `jira-platform-v2`.
    pub spec: &'static str,
    /// The environment variable holding the mock server's base URL.
    pub url_variable: &'static str,
    pub operation: &'static str,
    /// `full`, `required`, `example`, or `negative_*` for a negative control.
    pub name: &'static str,
    pub auth: Auth,
    /// The query parameter names the operation declares.
    pub query: &'static [&'static str],
    pub mutation: Option<Mutation>,
}

/// What a call came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    Pass,
    Fail { kind: &'static str, detail: String },
}

/// A call under way: its client, which records every request it sends.
pub(crate) struct Run {
    call: Call,
    client: Client,
    sent: Arc<Mutex<Vec<reqwest::Url>>>,
}

impl Run {
    /// A client for the mock server named in the environment, or `None` (nothing to check) without one.
    pub(crate) fn start(call: Call) -> Option<Run> {
        let base = std::env::var(call.url_variable).ok().filter(|url| !url.is_empty())?;
        if skipped(&call) {
            println!("CONFORMANCE SKIP {} {} {}", call.spec, call.operation, call.name);
            return None;
        }
        // A server that stopped answering (Prism's faker can loop) fails the spec's later calls at once.
        let stuck = STUCK
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .find(|(spec, _)| *spec == call.spec)
            .map(|(_, what)| what.clone());
        if let Some(what) = stuck {
            conclude(
                &call,
                Outcome::Fail {
                    kind: "transport",
                    detail: format!("not sent: the server stopped answering at {what}"),
                },
            );
            return None;
        }
        let sent = Arc::new(Mutex::new(Vec::new()));
        let hook = {
            let sent = Arc::clone(&sent);
            let mutation = call.mutation;
            Arc::new(move |request: &mut reqwest::Request| {
                if let Some(mutation) = mutation {
                    mutation.apply(request);
                }
                sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(request.url().clone());
            })
        };
        // Prism serves a spec's routes without its server path (Confluence v2's `/wiki/api/v2`); it never
        // answers malformed JSON, so a bounded timeout turns a hang into a failure. No proxy for 127.0.0.1.
        let builder = Client::builder(base)
            // Node may close a keep-alive connection just as the next request goes out on it ("connection closed
            // before message completed"; lost POSTs are not retried). What is under test is the request, not
            // connection reuse, so every request gets a fresh loopback connection.
            .http_client_builder(reqwest::Client::builder().no_proxy().pool_max_idle_per_host(0))
            // A loaded machine can make Node drop a connection: connection failures of idempotent calls are
            // retried (the runtime never retries a request Prism answered, so no violation is hidden).
            .retry(crate::RetryPolicy::default().with_max_attempts(3))
            .timeout(Duration::from_secs(30))
            .apply_server_prefix(false)
            .request_hook(hook);
        let builder = match call.auth {
            Auth::None => builder,
            Auth::Basic => builder.auth(BasicAuth::new("conformance@example.com", "api-token")),
            Auth::Bearer => builder.auth(BearerToken::new("conformance-token")),
        };
        match builder.build() {
            Ok(client) => Some(Run { call, client, sent }),
            Err(error) => {
                conclude(&call, Outcome::Fail { kind: "transport", detail: one_line(&error.to_string()) });
                panic!("the client could not be built: {error}");
            }
        }
    }

    /// Builds the request; arguments that do not fit their generated types end the test as a failure.
    pub(crate) fn build<B>(&self, build: impl FnOnce(&Client) -> Result<B, String>) -> B {
        match build(&self.client) {
            Ok(request) => request,
            Err(detail) => {
                conclude(&self.call, Outcome::Fail { kind: "arguments", detail: one_line(&detail) });
                panic!("the sample arguments do not fit the generated types: {detail}");
            }
        }
    }

    /// The response to the first sending; `None` (the call has failed) if there is none.
    pub(crate) fn raw(&self, raw: crate::Result<Response>) -> Option<Response> {
        match raw {
            Ok(response) => Some(response),
            Err(error) => {
                if error.is_timeout() {
                    let what = format!("{} {}", self.call.operation, self.call.name);
                    STUCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push((self.call.spec, what));
                }
                conclude(&self.call, Outcome::Fail { kind: "transport", detail: one_line(&with_causes(&error)) });
                None
            }
        }
    }

    /// Judges the raw response and the typed result, prints the result line, and fails the test if the result is
    /// not what the call expects (a pass, or for a negative control a violation).
    pub(crate) fn finish(self, raw: Response, typed: crate::Result<()>) {
        let sent = self.sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        let outcome = judge(&self.call, &sent, raw, typed);
        conclude(&self.call, outcome);
    }
}

/// The specs whose server timed out, with the call that it did not answer.
static STUCK: Mutex<Vec<(&str, String)>> = Mutex::new(Vec::new());

/// The environment variable listing calls not to send (`spec operationId call`, separated by `;`): known to break
/// the server for the calls after them.
const SKIP_VARIABLE: &str = "ATLASSIAN_CONFORMANCE_SKIP";

fn skipped(call: &Call) -> bool {
    let list = std::env::var(SKIP_VARIABLE).unwrap_or_default();
    let this = format!("{} {} {}", call.spec, call.operation, call.name);
    list.split(';').any(|entry| entry.trim() == this)
}

/// Prints the result line, and fails the test if the result is not what the call expects.
fn conclude(call: &Call, outcome: Outcome) {
    let Call { spec, operation, name, .. } = *call;
    match &outcome {
        Outcome::Pass => println!("CONFORMANCE PASS {spec} {operation} {name}"),
        Outcome::Fail { kind, detail } => println!("CONFORMANCE FAIL {spec} {operation} {name} {kind}: {detail}"),
    }
    match (call.mutation.is_some(), outcome) {
        (false, Outcome::Fail { kind, detail }) => panic!("{operation} {name}: {kind}: {detail}"),
        (true, Outcome::Pass) => panic!("{operation} {name}: the broken request was not reported"),
        (true, Outcome::Fail { kind, detail }) if kind != "violation" => {
            panic!("{operation} {name}: expected a violation, got {kind}: {detail}")
        }
        _ => {}
    }
}

impl Mutation {
    fn apply(self, request: &mut reqwest::Request) {
        match self {
            Mutation::WrongType { name, value } => {
                let url = request.url_mut();
                let mut pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
                let mut found = false;
                for (key, current) in &mut pairs {
                    if key == name {
                        *current = value.to_owned();
                        found = true;
                    }
                }
                if !found {
                    pairs.push((name.to_owned(), value.to_owned()));
                }
                url.query_pairs_mut().clear().extend_pairs(pairs);
            }
            Mutation::DropBody => {
                *request.body_mut() = None;
                request.headers_mut().remove(CONTENT_TYPE);
            }
        }
    }
}

/// Decodes a sample argument from its JSON text into the type the generated method takes.
pub(crate) fn arg<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
    serde_json::from_str(json)
        .map_err(|error| format!("{json} does not decode as {}: {error}", std::any::type_name::<T>()))
}

/// The verdict on a call: request violations first, then undeclared query keys, then the typed result.
fn judge(call: &Call, sent: &[reqwest::Url], response: Response, typed: crate::Result<()>) -> Outcome {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text();
    let violations = request_violations(status, &headers, &body);
    if !violations.is_empty() {
        return Outcome::Fail { kind: "violation", detail: one_line(&violations.join("; ")) };
    }
    let undeclared = undeclared_query_keys(call.query, sent);
    if !undeclared.is_empty() {
        let detail = format!("query keys not declared by the spec: {}", undeclared.join(", "));
        return Outcome::Fail { kind: "query", detail };
    }
    match typed {
        Ok(()) => Outcome::Pass,
        Err(error) => {
            let (kind, detail) = if error.is_decode() {
                ("decode", error.to_string())
            } else if error.status().is_some() {
                ("status", error.to_string())
            } else {
                ("transport", with_causes(&error))
            };
            Outcome::Fail { kind, detail: one_line(&detail) }
        }
    }
}

/// Every query key sent that is not one of `declared`, in order, without repeats.
pub(crate) fn undeclared_query_keys(declared: &[&str], sent: &[reqwest::Url]) -> Vec<String> {
    let mut undeclared: Vec<String> = Vec::new();
    for url in sent {
        for (key, _) in url.query_pairs() {
            if !declared.contains(&key.as_ref()) && !undeclared.iter().any(|k| *k == key) {
                undeclared.push(key.into_owned());
            }
        }
    }
    undeclared
}

/// What Prism reports about a request: the `validation` entries of its 422 problem body, the `sl-violations`
/// header entries located in the request (400, 401, 415 ...; entries located in the response are Prism's view of
/// its own answer), and its "no route" problems (404, 405) and 406.
pub(crate) fn request_violations(status: u16, headers: &HeaderMap, body: &str) -> Vec<String> {
    let mut violations = Vec::new();
    for value in headers.get_all("sl-violations") {
        let entries = value.to_str().ok().and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok());
        for entry in entries.as_ref().and_then(serde_json::Value::as_array).into_iter().flatten() {
            let location = location(entry);
            if location.first().map(String::as_str) == Some("request") && is_error(entry) {
                violations.push(describe(&location, entry));
            }
        }
    }
    if let Ok(serde_json::Value::Object(problem)) = serde_json::from_str::<serde_json::Value>(body) {
        let kind = problem.get("type").and_then(serde_json::Value::as_str).unwrap_or_default();
        let entries = problem.get("validation").and_then(serde_json::Value::as_array);
        if status == 422 {
            for entry in entries.into_iter().flatten().filter(|e| is_error(e)) {
                violations.push(describe(&location(entry), entry));
            }
        }
        let route = ["NO_PATH_MATCHED_ERROR", "NO_METHOD_MATCHED_ERROR", "NOT_ACCEPTABLE"];
        if let Some(which) = route.iter().find(|r| kind.ends_with(&format!("#{r}"))) {
            let detail = problem.get("detail").and_then(serde_json::Value::as_str).unwrap_or_default();
            violations.push(format!("{which} ({status}): {detail}"));
        }
    }
    violations
}

/// Whether an entry is an error: Prism also reports warnings, such as a deprecated parameter being used.
fn is_error(entry: &serde_json::Value) -> bool {
    entry.get("severity").and_then(serde_json::Value::as_str).is_none_or(|severity| severity == "Error")
}

fn location(entry: &serde_json::Value) -> Vec<String> {
    let parts = entry.get("location").and_then(serde_json::Value::as_array);
    parts.into_iter().flatten().map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned)).collect()
}

fn describe(location: &[String], entry: &serde_json::Value) -> String {
    let message = entry.get("message").and_then(serde_json::Value::as_str).unwrap_or("(no message)");
    let code = entry.get("code").map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_owned)).unwrap_or_default();
    format!("{} [{code}] {message}", location.join("."))
}

/// A transport error with the causes below the HTTP client's own message ("connection closed before message
/// completed", "connection reset by peer"), which say what went wrong.
fn with_causes(error: &crate::Error) -> String {
    let mut text = error.to_string();
    // The error's message already includes its direct source, the HTTP client's error.
    let mut cause = std::error::Error::source(error).and_then(std::error::Error::source);
    while let Some(error) = cause {
        text.push_str(": ");
        text.push_str(&error.to_string());
        cause = error.source();
    }
    text
}

/// Text on one line and of bounded length, for the result line.
fn one_line(text: &str) -> String {
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > 600 {
        format!("{}…", text.chars().take(600).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn a_422_problem_body_lists_its_validation_entries() {
        let body = r#"{"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","title":"Invalid request",
            "status":422,"validation":[{"location":["query","fieldsbykeys"],"severity":"Error","code":"type",
            "message":"Request query parameter fieldsbykeys must be boolean"}]}"#;
        assert_eq!(
            request_violations(422, &HeaderMap::new(), body),
            ["query.fieldsbykeys [type] Request query parameter fieldsbykeys must be boolean"]
        );
    }

    #[test]
    fn sl_violations_count_only_when_located_in_the_request() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "sl-violations",
            // One line: a header value cannot hold line breaks.
            HeaderValue::from_static(concat!(
                r#"[{"location":["request","query","adjustestimate"],"severity":"Error","code":"enum","message":"must be one of"},"#,
                r#"{"location":["response","body"],"severity":"Error","code":"type","message":"Response body must be object"},"#,
                r#"{"location":["request"],"severity":"Error","code":401,"message":"Invalid security scheme used"},"#,
                r#"{"location":["request","query","x"],"severity":"Warning","code":"deprecated","message":"deprecated"}]"#,
            )),
        );
        assert_eq!(
            request_violations(400, &headers, ""),
            ["request.query.adjustestimate [enum] must be one of", "request [401] Invalid security scheme used"]
        );
        headers.insert(
            "sl-violations",
            HeaderValue::from_static(r#"[{"location":["response","body"],"code":"type","message":"x"}]"#),
        );
        assert!(request_violations(200, &headers, r#"{"validation":[{"location":["body"]}]}"#).is_empty());
    }

    #[tokio::test]
    async fn transport_failures_name_their_causes() {
        let address =
            std::net::TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()).expect("port");
        let client =
            Client::builder(format!("http://{address}")).retry(crate::RetryPolicy::disabled()).build().expect("client");
        static META: crate::runtime::OperationMeta = crate::runtime::OperationMeta {
            id: "testOperation",
            method: crate::runtime::HttpMethod::Get,
            path: "/x",
            server_prefix: "",
            see_other_documented: false,
        };
        let request = crate::runtime::Request::new(&META, "/x".to_owned());
        let error = client.execute(request).await.expect_err("nothing listens");

        let detail = with_causes(&error);
        assert!(detail.starts_with(&error.to_string()), "{detail}");
        assert!(!error.to_string().to_lowercase().contains("refused"), "{error}");
        assert!(detail.to_lowercase().contains("refused"), "{detail}");
    }

    #[test]
    fn no_route_is_a_violation() {
        let body = r#"{"type":"https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR","title":"Route not resolved",
            "status":404,"detail":"The route /x hasn't been found in the specification file"}"#;
        let violations = request_violations(404, &HeaderMap::new(), body);
        assert_eq!(violations.len(), 1);
        assert!(violations[0].starts_with("NO_PATH_MATCHED_ERROR (404)"), "{violations:?}");
    }

    #[test]
    fn query_keys_are_checked_against_the_declared_names() {
        let sent = [reqwest::Url::parse("http://127.0.0.1/x?expand=names&fieldsByKey=true&expand=x").expect("url")];
        assert_eq!(undeclared_query_keys(&["expand", "fieldsByKeys"], &sent), ["fieldsByKey"]);
        assert!(undeclared_query_keys(&["expand", "fieldsByKey"], &sent).is_empty());
    }

    #[test]
    fn mutations_break_the_request() {
        let url = reqwest::Url::parse("http://127.0.0.1/x?startAt=0&onlyDefault=true").expect("url");
        let mut request = reqwest::Request::new(reqwest::Method::PUT, url);
        *request.body_mut() = Some(reqwest::Body::from("{}"));
        request.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Mutation::WrongType { name: "onlyDefault", value: "notabool" }.apply(&mut request);
        assert_eq!(request.url().query(), Some("startAt=0&onlyDefault=notabool"));
        Mutation::DropBody.apply(&mut request);
        assert!(request.body().is_none() && request.headers().get(CONTENT_TYPE).is_none());
    }
}
