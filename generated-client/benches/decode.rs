//! What decoding costs: a real `getIssue` response of Jira Cloud decoded into the generated `IssueBean` and into
//! `serde_json::Value`.

use std::hint::black_box;
use std::time::Duration;

use atlassian_client::jira_platform_v2::types::IssueBean;
use atlassian_client_benches::GET_ISSUE_CAPTURE;
use criterion::{criterion_group, criterion_main, Criterion};

fn decode(c: &mut Criterion) {
    c.bench_function("decode_get_issue_capture_into_issue_bean", |b| {
        b.iter(|| serde_json::from_str::<IssueBean>(black_box(GET_ISSUE_CAPTURE)).expect("the capture decodes"));
    });
    c.bench_function("decode_get_issue_capture_into_value", |b| {
        b.iter(|| {
            serde_json::from_str::<serde_json::Value>(black_box(GET_ISSUE_CAPTURE)).expect("the capture decodes")
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = decode
}
criterion_main!(benches);
