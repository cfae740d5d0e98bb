//! The examples in `examples/`, run against a mock Jira on 127.0.0.1 that serves real Jira response bodies
//! (`tests/captures/`, see its `SOURCES.md`).

#[path = "../examples/create_issue_markdown.rs"]
mod create_issue_markdown;
#[path = "../examples/get_issue.rs"]
mod get_issue;
#[path = "../examples/list_worklogs.rs"]
mod list_worklogs;
#[path = "../examples/oauth.rs"]
mod oauth;
#[path = "../examples/scoped_token.rs"]
mod scoped_token;
#[path = "../examples/update_worklog.rs"]
mod update_worklog;

use serde_json::{json, Value};
use wiremock::matchers::{
    basic_auth, bearer_token, body_json, body_partial_json, method, path, query_param, query_param_is_missing,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

const EMAIL: &str = "me@example.com";
const TOKEN: &str = "api-token-123";

/// A captured response body, byte for byte.
fn capture(relative: &str) -> Vec<u8> {
    let file = format!("{}/tests/captures/{relative}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&file).unwrap_or_else(|error| panic!("{file}: {error}"))
}

/// A captured response body, parsed, for tests that change it.
fn capture_json(relative: &str) -> Value {
    serde_json::from_slice(&capture(relative)).expect("captures are JSON")
}

/// A `200` with a JSON body.
fn json_body(body: Vec<u8>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json;charset=UTF-8")
}

#[tokio::test]
async fn get_issue_prints_the_main_fields_of_a_real_issue() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/issue/KP-19"))
        .and(basic_auth(EMAIL, TOKEN))
        .respond_with(json_body(capture("getIssue/ctreminiom__go-atlassian__kp-19-v2.json")))
        .expect(1)
        .mount(&server)
        .await;

    let report = get_issue::run(&server.uri(), EMAIL, TOKEN, "KP-19").await.unwrap();

    assert_eq!(
        report,
        "KP-19  Test\n  type:     Story\n  status:   Backlog\n  priority: Medium\n  assignee: (unassigned)\n  \
         created:  2021-05-08T07:04:25.376+0100\n  labels:   test\n"
    );
}

#[tokio::test]
async fn get_issue_reads_every_captured_issue() {
    let expected = [
        ("ankitpokhrel__jira-cli__test-1-v3-trimmed.json", "TEST-1  Bug summary", "(unassigned)"),
        ("apache__incubator-devlake__ee-1-agile.json", "EE-1  \u{200b}四个排序图", "Dingding Zhang"),
        ("apache__incubator-devlake__k5-2-agile.json", "K5-2  first story", "(unassigned)"),
        ("atlassian-api__atlassian-python-api__foo-123-v2.json", "FOO-123  Sample", "(unassigned)"),
        ("ctreminiom__go-atlassian__kp-19-v2.json", "KP-19  Test", "(unassigned)"),
        ("getsentry__sentry__sen-5-v2.json", "SEN-5  example summary", "(unassigned)"),
        ("sumoheavy__jira-ruby__10002-server.json", "SAMPLEPROJECT-1  Sample Issue", "admin"),
    ];
    // The example asks for these fields, and Jira answers with those only: the mock does the same, so the REST v3
    // capture (whose `description` is an ADF document, not a REST v2 string) is served as Jira would serve it.
    let requested = ["summary", "status", "issuetype", "priority", "assignee", "created", "labels"];
    let server = MockServer::start().await;
    for (index, (file, _, _)) in expected.iter().enumerate() {
        let mut issue = capture_json(&format!("getIssue/{file}"));
        if let Some(fields) = issue.get_mut("fields").and_then(Value::as_object_mut) {
            fields.retain(|id, _| requested.contains(&id.as_str()));
        }
        Mock::given(path(format!("/rest/api/2/issue/ISSUE-{index}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(issue))
            .mount(&server)
            .await;
    }

    for (index, (file, first_line, assignee)) in expected.iter().enumerate() {
        let report = get_issue::run(&server.uri(), EMAIL, TOKEN, &format!("ISSUE-{index}")).await;
        let report = report.unwrap_or_else(|error| panic!("{file}: {error}"));
        assert!(report.starts_with(first_line), "{file}: {report}");
        assert!(report.contains(&format!("  assignee: {assignee}\n")), "{file}: {report}");
    }
}

#[tokio::test]
async fn get_issue_reports_jira_errors_with_the_request_id() {
    let server = MockServer::start().await;
    Mock::given(path("/rest/api/2/issue/NOPE-1"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}}))
                .insert_header("X-AREQUESTID", "8a3f2c1d-0b2e-4c55-9d1a-2f6e7b8c9d0e"),
        )
        .mount(&server)
        .await;

    let error = get_issue::run(&server.uri(), EMAIL, TOKEN, "NOPE-1").await.unwrap_err();

    assert_eq!(error.status(), Some(404));
    assert_eq!(error.request_id(), Some("8a3f2c1d-0b2e-4c55-9d1a-2f6e7b8c9d0e"));
    assert!(error.to_string().contains("Issue does not exist"), "{error}");
}

#[tokio::test]
async fn list_worklogs_streams_every_page() {
    // The two worklogs of a real page, served one per page as Jira does for `maxResults=1`.
    let whole = capture_json("getIssueWorklog/ctreminiom__go-atlassian__kp-1-worklogs-from-search-v2.json");
    let worklogs = whole["worklogs"].as_array().expect("a worklog list").clone();
    assert_eq!(worklogs.len(), 2);
    let total = worklogs.len();
    let page = |start: usize| json!({"startAt": start, "maxResults": 1, "total": total, "worklogs": [worklogs[start]]});
    let server = MockServer::start().await;
    Mock::given(path("/rest/api/2/issue/KP-1/worklog"))
        .and(query_param_is_missing("startAt"))
        .and(query_param("maxResults", "1"))
        .and(basic_auth(EMAIL, TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(0)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/rest/api/2/issue/KP-1/worklog"))
        .and(query_param("startAt", "1"))
        .and(query_param("maxResults", "1"))
        .and(basic_auth(EMAIL, TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(1)))
        .expect(1)
        .mount(&server)
        .await;

    let found = list_worklogs::run(&server.uri(), EMAIL, TOKEN, "KP-1", 1).await.unwrap();

    assert_eq!(
        found.lines,
        [
            "2021-07-16T08:01:10.774+0100  Carlos Treminio  3h 20m",
            "2021-07-16T08:01:10.774+0100  Carlos Treminio  3h 20m"
        ]
    );
    assert_eq!(found.total_seconds, 2 * 12_000);
    let requests = server.received_requests().await.expect("requests are recorded");
    assert_eq!(requests.len(), 2, "one request per page");
}

#[tokio::test]
async fn update_worklog_sends_the_change_and_returns_the_updated_worklog() {
    let mut updated = capture_json("getWorklog/ctreminiom__go-atlassian__kp-1-worklog-first-from-search-v2.json");
    updated["timeSpent"] = json!("1h 30m");
    updated["timeSpentSeconds"] = json!(5400);
    updated["comment"] = json!("Pairing on the checkout bug");
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/rest/api/2/issue/KP-1/worklog/10001"))
        .and(query_param("adjustEstimate", "auto"))
        .and(query_param("notifyUsers", "false"))
        .and(basic_auth(EMAIL, TOKEN))
        .and(body_json(json!({"timeSpent": "1h 30m", "comment": "Pairing on the checkout bug"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(updated))
        .expect(1)
        .mount(&server)
        .await;

    let worklog =
        update_worklog::run(&server.uri(), EMAIL, TOKEN, "KP-1", "10001", "1h 30m", "Pairing on the checkout bug")
            .await
            .unwrap();

    assert_eq!(worklog.id.as_deref(), Some("10001"));
    assert_eq!(worklog.time_spent_seconds, Some(5400));
    assert_eq!(worklog.author.and_then(|author| author.display_name).as_deref(), Some("Carlos Treminio"));
}

#[tokio::test]
async fn oauth_sends_the_user_to_consent_then_exchanges_refreshes_and_reads_an_issue_on_the_first_site() {
    let auth_server = MockServer::start().await;
    let api = MockServer::start().await;
    let endpoints = oauth::Endpoints { auth: auth_server.uri(), api: api.uri() };
    let app = oauth::app(&endpoints, "client-id", "client-secret", "https://app.example/callback").unwrap();
    let url = app.authorization_url(&oauth::SCOPES, "state-1").unwrap();
    assert_eq!(
        url,
        format!(
            "{}/authorize?audience=api.atlassian.com&client_id=client-id&scope=read%3Ajira-work+read%3Ajira-user+\
             offline_access&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&state=state-1&response_type=code&\
             prompt=consent",
            auth_server.uri()
        )
    );
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_partial_json(json!({"grant_type": "authorization_code", "code": "the-code"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "access-1", "refresh_token": "refresh-1", "expires_in": 3600,
            "scope": "read:jira-work read:jira-user offline_access", "token_type": "Bearer"
        })))
        .expect(1)
        .mount(&auth_server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_partial_json(json!({"grant_type": "refresh_token", "refresh_token": "refresh-1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "access-2", "refresh_token": "refresh-2", "expires_in": 3600, "token_type": "Bearer"
        })))
        .expect(1)
        .mount(&auth_server)
        .await;
    let cloud_id = "1324a887-45db-1bf4-1e99-ef0ff456d421";
    Mock::given(path("/oauth/token/accessible-resources"))
        .and(bearer_token("access-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{
            "id": cloud_id, "url": "https://your-domain.atlassian.net", "name": "your-domain",
            "scopes": ["read:jira-work", "read:jira-user"]
        }])))
        .mount(&api)
        .await;
    Mock::given(path(format!("/ex/jira/{cloud_id}/rest/api/2/issue/KP-19")))
        .and(bearer_token("access-2"))
        .respond_with(json_body(capture("getIssue/ctreminiom__go-atlassian__kp-19-v2.json")))
        .expect(1)
        .mount(&api)
        .await;

    let report = oauth::run(&app, "the-code", "KP-19").await.unwrap();

    assert_eq!(
        report,
        "exchanged the code; scopes: read:jira-work read:jira-user offline_access\n\
         refreshed; the store holds the rotated refresh token: true\n\
         site your-domain https://your-domain.atlassian.net (2 scopes)\n\
         KP-19  Test\n"
    );
}

#[tokio::test]
async fn scoped_token_reads_the_cloud_id_and_an_issue_through_the_gateway() {
    let site = MockServer::start().await;
    Mock::given(path("/_edge/tenant_info"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"cloudId": "a436116f-02ce-4520-8fbb-7301462a1674"})),
        )
        .expect(1)
        .mount(&site)
        .await;
    let gateway = MockServer::start().await;
    Mock::given(path("/ex/jira/a436116f-02ce-4520-8fbb-7301462a1674/rest/api/2/issue/KP-19"))
        .and(basic_auth(EMAIL, TOKEN))
        .respond_with(json_body(capture("getIssue/ctreminiom__go-atlassian__kp-19-v2.json")))
        .expect(1)
        .mount(&gateway)
        .await;
    let gateway_url = format!("{}/ex", gateway.uri());

    let report = scoped_token::run(&site.uri(), Some(&gateway_url), EMAIL, TOKEN, "KP-19").await.unwrap();

    assert_eq!(report, format!("{gateway_url}/jira/a436116f-02ce-4520-8fbb-7301462a1674\nKP-19  Test\n"));
}

/// A REST v3 body from `tests/bodies/`.
fn v3_body(file: &str) -> Value {
    let path = format!("{}/tests/bodies/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))).expect("JSON")
}

#[tokio::test]
async fn create_issue_markdown_sends_adf_and_reads_the_description_back_as_text() {
    let markdown = "Steps:\n\n1. Add an item\n2. **Pay**\n\nSee [the log](https://example.com/log).";
    let description = atlassian_client::adf::Document::from_markdown(markdown);
    let description = serde_json::to_value(&description).expect("serialise");
    assert_eq!(description["content"][1]["type"], "orderedList", "{description}");
    // The issue as Jira returns it (a real REST v3 body) with the description that was sent.
    let mut issue = v3_body("ctreminiom__go-atlassian__v3-get-issue.json");
    issue["key"] = json!("ED-24");
    issue["fields"] = json!({ "description": description.clone() });
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/api/3/issue"))
        .and(basic_auth(EMAIL, TOKEN))
        .and(body_json(json!({"fields": {
            "project": {"key": "ED"},
            "issuetype": {"name": "Bug"},
            "summary": "Checkout fails",
            "description": description,
        }})))
        .respond_with(ResponseTemplate::new(201).set_body_json(v3_body("ctreminiom__go-atlassian__create-issue.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/api/3/issue/ED-24"))
        .and(query_param("fields", "description"))
        .respond_with(ResponseTemplate::new(200).set_body_json(issue))
        .expect(1)
        .mount(&server)
        .await;

    let created =
        create_issue_markdown::run(&server.uri(), EMAIL, TOKEN, "ED", "Bug", "Checkout fails", markdown).await.unwrap();

    assert_eq!(created.key, "ED-24");
    assert_eq!(created.description, "Steps:\nAdd an item\nPay\nSee the log.");
}

#[tokio::test]
async fn a_real_v3_description_reads_as_text() {
    let issue = v3_body("ctreminiom__go-atlassian__v3-get-issue.json");
    let server = MockServer::start().await;
    Mock::given(path("/rest/api/3/issue/KP-19"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&issue))
        .mount(&server)
        .await;
    let client = atlassian_client::Client::builder(server.uri()).build().unwrap();
    let issue = client.jira_platform_v3().get_issue("KP-19").send().await.unwrap();
    let description: atlassian_client::adf::Document = issue.field("description").unwrap().expect("a description");
    assert!(atlassian_client::runtime::Fallbacks::fallbacks(&description).is_empty());
    assert!(!description.to_plain_text().is_empty());
}
