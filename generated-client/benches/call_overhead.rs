//! What the runtime costs on top of a plain HTTP call.
//!
//! Measurements against one loopback server that answers every request with the same JSON issue
//! ([`ISSUE`], about 1.5 KiB):
//!
//! - `runtime_execute_json`: `Client::execute` plus `Response::json` into `serde_json::Value`,
//! - `plain_reqwest`: a hand-written reqwest call decoding the same body into `serde_json::Value`,
//! - `generated_get_issue`: the generated `get_issue("ED-1").send()`, decoding into `IssueBean`,
//! - `plain_reqwest_issue_bean`: a hand-written reqwest call decoding into `IssueBean`,
//! - `decode_value`: decoding the document into `serde_json::Value` alone, without any I/O.

use std::time::Duration;

use atlassian_client::jira_platform_v2::types::IssueBean;
use atlassian_client::runtime::{HttpMethod, OperationMeta, Request};
use atlassian_client::Client;
use atlassian_client_benches::{start_server, ISSUE};
use criterion::{criterion_group, criterion_main, Criterion};

static GET_ISSUE: OperationMeta = OperationMeta {
    id: "getIssue",
    method: HttpMethod::Get,
    path: "/rest/api/2/issue/{issueIdOrKey}",
    server_prefix: "",
    see_other_documented: false,
};

fn call_overhead(c: &mut Criterion) {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a tokio runtime");
    let base_url = runtime.block_on(start_server(ISSUE));
    let client = Client::new(&base_url).expect("the client builds");
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("the reqwest client builds");
    let url = format!("{base_url}/rest/api/2/issue/ED-1");
    let plain_call = |url: &str| {
        let request = plain.get(url).header("accept", "application/json");
        async move { request.send().await.expect("the call succeeds").bytes().await.expect("the body arrives") }
    };

    c.bench_function("runtime_execute_json", |b| {
        b.to_async(&runtime).iter(|| async {
            let request = Request::new(&GET_ISSUE, "/rest/api/2/issue/ED-1".to_owned());
            let response = client.execute(request).await.expect("the call succeeds");
            response.json::<serde_json::Value>().expect("the body decodes")
        });
    });

    c.bench_function("plain_reqwest", |b| {
        b.to_async(&runtime).iter(|| async {
            let body = plain_call(&url).await;
            serde_json::from_slice::<serde_json::Value>(&body).expect("the body decodes")
        });
    });

    c.bench_function("generated_get_issue", |b| {
        b.to_async(&runtime)
            .iter(|| async { client.jira_platform_v2().get_issue("ED-1").send().await.expect("the call succeeds") });
    });

    c.bench_function("plain_reqwest_issue_bean", |b| {
        b.to_async(&runtime).iter(|| async {
            let body = plain_call(&url).await;
            serde_json::from_slice::<IssueBean>(&body).expect("the body decodes")
        });
    });

    c.bench_function("decode_value", |b| {
        b.iter(|| {
            serde_json::from_str::<serde_json::Value>(std::hint::black_box(ISSUE)).expect("the document decodes")
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = call_overhead
}
criterion_main!(benches);
