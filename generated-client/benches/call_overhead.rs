//! What the runtime costs on top of a plain HTTP call.
//!
//! Three measurements against one loopback server that answers every request with the same JSON document:
//!
//! - `runtime_execute_json`: `Client::execute` plus `Response::json` into `serde_json::Value`,
//! - `plain_reqwest`: a hand-written reqwest call decoding the same body,
//! - `decode_value`: decoding the document into `serde_json::Value` alone, without any I/O.
//!
//! The server is a tokio `TcpListener` speaking just enough HTTP/1.1 keep-alive for these GET requests.

use std::time::Duration;

use atlassian_client::runtime::{HttpMethod, OperationMeta, Request};
use atlassian_client::Client;
use criterion::{criterion_group, criterion_main, Criterion};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

static GET_ISSUE: OperationMeta = OperationMeta {
    id: "getIssue",
    method: HttpMethod::Get,
    path: "/rest/api/2/issue/{issueIdOrKey}",
    server_prefix: "",
    see_other_documented: false,
};

/// A Jira issue of typical shape, about 1.5 KiB.
const ISSUE: &str = r#"{"expand":"renderedFields,names,schema,operations,editmeta,changelog","id":"10002","self":"https://your-domain.atlassian.net/rest/api/2/issue/10002","key":"ED-1","fields":{"summary":"Main order flow broken","created":"2021-01-17T12:34:00.000+0000","updated":"2021-01-18T08:00:00.000+0000","status":{"self":"https://your-domain.atlassian.net/rest/api/2/status/10000","description":"","name":"To Do","id":"10000","statusCategory":{"id":2,"key":"new","colorName":"blue-gray","name":"To Do"}},"priority":{"name":"Medium","id":"3"},"labels":["checkout","regression"],"assignee":{"accountId":"5b10a2844c20165700ede21g","displayName":"Mia Krystof","active":true,"timeZone":"Australia/Sydney","avatarUrls":{"48x48":"https://avatar-management--avatars.server-location.prod.public.atl-paas.net/initials/MK-5.png?size=48&s=48","24x24":"https://avatar-management--avatars.server-location.prod.public.atl-paas.net/initials/MK-5.png?size=24&s=24"}},"comment":{"comments":[{"id":"10000","body":"Lorem ipsum dolor sit amet, consectetur adipiscing elit. Pellentesque eget venenatis elit.","created":"2021-01-17T12:34:00.000+0000","updated":"2021-01-18T23:45:00.000+0000","visibility":{"type":"role","value":"Administrators"}}],"maxResults":1,"total":1,"startAt":0},"timetracking":{"originalEstimate":"10m","remainingEstimate":"3m","timeSpent":"6m","originalEstimateSeconds":600,"remainingEstimateSeconds":200,"timeSpentSeconds":400},"issuelinks":[]}}"#;

/// Answers every request on one connection with [`ISSUE`], keeping the connection open.
async fn serve_connection(mut socket: TcpStream) {
    let response =
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{ISSUE}", ISSUE.len());
    let mut pending = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        let read = match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        pending.extend_from_slice(&buffer[..read]);
        // The benchmarks send bodiless GETs, so a request ends at its blank line.
        while let Some(end) = pending.windows(4).position(|window| window == b"\r\n\r\n") {
            pending.drain(..end + 4);
            if socket.write_all(response.as_bytes()).await.is_err() {
                return;
            }
        }
    }
}

/// Starts the loopback server and returns its base URL.
async fn start_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let address = listener.local_addr().expect("the listener has an address");
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(serve_connection(socket));
        }
    });
    format!("http://{address}")
}

fn call_overhead(c: &mut Criterion) {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a tokio runtime");
    let base_url = runtime.block_on(start_server());
    let client = Client::new(&base_url).expect("the client builds");
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("the reqwest client builds");
    let url = format!("{base_url}/rest/api/2/issue/ED-1");

    c.bench_function("runtime_execute_json", |b| {
        b.to_async(&runtime).iter(|| async {
            let request = Request::new(&GET_ISSUE, "/rest/api/2/issue/ED-1".to_owned());
            let response = client.execute(request).await.expect("the call succeeds");
            response.json::<serde_json::Value>().expect("the body decodes")
        });
    });

    c.bench_function("plain_reqwest", |b| {
        b.to_async(&runtime).iter(|| async {
            let response =
                plain.get(&url).header("accept", "application/json").send().await.expect("the call succeeds");
            let body = response.bytes().await.expect("the body arrives");
            serde_json::from_slice::<serde_json::Value>(&body).expect("the body decodes")
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
