//! Writing issue fields (`FieldValues`) and resolving custom-field names (`FieldIds`) through the generated Jira
//! REST v2 operations, against a mock Jira on 127.0.0.1 that checks the bodies Jira expects and serves the real
//! `getFields` body in `tests/captures/`.

use atlassian_client::jira_platform_v2::types::IssueUpdateDetails;
use atlassian_client::runtime::Fallbacks;
use atlassian_client::{Client, ErrorKind, FieldIds, FieldValues};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A captured response body, parsed.
fn capture(relative: &str) -> Value {
    let file = format!("{}/tests/captures/{relative}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&file).unwrap_or_else(|error| panic!("{file}: {error}"));
    serde_json::from_slice(&bytes).expect("captures are JSON")
}

const FIELDS: &str = "getFields/ctreminiom__go-atlassian__fields-v3.json";

fn client(server: &MockServer) -> Client {
    Client::builder(server.uri()).build().expect("the client builds")
}

/// A mock Jira whose `GET /rest/api/2/field` answers `fields`.
async fn jira_with_fields(fields: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/field"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fields))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn create_issue_sends_the_typed_fields_in_the_shape_jira_expects() {
    let server = jira_with_fields(capture(FIELDS)).await;
    Mock::given(method("POST"))
        .and(path("/rest/api/2/issue"))
        .and(body_json(json!({
            "fields": {
                "project": {"key": "KP"},
                "issuetype": {"name": "Bug"},
                "summary": "Checkout fails on the last step",
                "description": "h2. Steps\n# add an item\n# pay",
                "assignee": {"accountId": "5b86be50b8e3cb5895860d6d"},
                "labels": ["checkout", "regression"],
                "priority": {"id": "2"},
                "parent": {"key": "KP-1"},
                "components": [{"name": "Payments"}],
                "duedate": "2026-12-24",
                "customfield_10036": 5.0,
                "customfield_10001": "team-42"
            }
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "10042", "key": "KP-42", "self": format!("{}/rest/api/2/issue/10042", server.uri())
        })))
        .expect(1)
        .mount(&server)
        .await;

    let jira = client(&server).jira_platform_v2();
    let ids = FieldIds::from_fields(&jira.get_fields().send().await.expect("getFields decodes")).expect("ids");
    let fields = FieldValues::new()
        .project_key("KP")
        .issue_type_name("Bug")
        .summary("Checkout fails on the last step")
        .description("h2. Steps\n# add an item\n# pay")
        .assignee("5b86be50b8e3cb5895860d6d")
        .labels(["checkout", "regression"])
        .priority_id("2")
        .parent_key("KP-1")
        .component_names(["Payments"])
        .due_date("2026-12-24")
        .field_named(&ids, "Story Points", 5.0)
        .field("customfield_10001", "team-42")
        .build()
        .expect("valid fields");
    let mut body = IssueUpdateDetails::new();
    body.fields = Some(fields);
    let created = jira.create_issue(body).send().await.expect("the issue is created");

    assert_eq!(created.key.as_deref(), Some("KP-42"));
}

#[tokio::test]
async fn edit_issue_sends_only_the_fields_set() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/rest/api/2/issue/KP-42"))
        .and(query_param("notifyUsers", "false"))
        .and(body_json(json!({"fields": {"summary": "Checkout fails", "assignee": null, "customfield_10020": 7}})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let mut body = IssueUpdateDetails::new();
    body.fields =
        Some(FieldValues::new().summary("Checkout fails").unassigned().field("customfield_10020", 7).build().unwrap());
    client(&server).jira_platform_v2().edit_issue("KP-42", body).notify_users(false).send().await.unwrap();
}

#[tokio::test]
async fn names_resolve_to_the_ids_of_the_real_field_list() {
    let server = jira_with_fields(capture(FIELDS)).await;
    let fields = client(&server).jira_platform_v2().get_fields().send().await.expect("getFields decodes");
    let ids = FieldIds::from_fields(&fields).expect("ids");

    assert_eq!(ids.id("Story Points").unwrap(), "customfield_10036");
    assert_eq!(ids.id("Story point estimate").unwrap(), "customfield_10016");
    assert_eq!(ids.id("Sprint").unwrap(), "customfield_10020");
    assert_eq!(ids.id("Summary").unwrap(), "summary");
    assert_eq!(ids.iter().count(), 81, "every field of the capture has a distinct name");
}

#[tokio::test]
async fn a_name_two_fields_share_is_an_error_naming_both_ids() {
    // The real list plus a second field an app added under the name `Team` (the list has `customfield_10001`).
    let mut fields = capture(FIELDS);
    let team = fields.as_array().and_then(|all| all.iter().find(|f| f["name"] == "Team")).cloned().expect("Team");
    let mut copy = team;
    copy["id"] = json!("customfield_10300");
    copy["key"] = json!("customfield_10300");
    fields.as_array_mut().expect("a list").push(copy);
    let server = jira_with_fields(fields).await;

    let jira = client(&server).jira_platform_v2();
    let ids = FieldIds::from_fields(&jira.get_fields().send().await.unwrap()).unwrap();
    let error = ids.id("Team").unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Field { field, .. } if field == "Team"), "{error:?}");
    assert_eq!(
        error.to_string(),
        "field `Team`: 2 fields have this name: `customfield_10001`, `customfield_10300`; use an id"
    );

    // Used in a create, the same name fails the build, before anything is sent.
    let error = FieldValues::new().summary("x").field_named(&ids, "Team", "t").build().unwrap_err();
    assert!(error.to_string().contains("`customfield_10001`, `customfield_10300`"), "{error}");
    let posts = server.received_requests().await.unwrap_or_default();
    assert!(posts.iter().all(|r| r.method.as_str() == "GET"), "nothing but getFields was sent");
}

/// The system fields that `IssueFields` declares (`specs/overlays/jira-platform-v2-fields.yaml`).
const SYSTEM_FIELDS: [&str; 28] = [
    "summary",
    "status",
    "issuetype",
    "project",
    "priority",
    "assignee",
    "reporter",
    "creator",
    "created",
    "updated",
    "resolutiondate",
    "duedate",
    "labels",
    "components",
    "fixVersions",
    "versions",
    "resolution",
    "parent",
    "subtasks",
    "issuelinks",
    "attachment",
    "comment",
    "worklog",
    "timetracking",
    "watches",
    "votes",
    "description",
    "environment",
];

/// Every issue of the REST v2 and agile Cloud captures (the v3 ones hold ADF where v2 has strings).
fn captured_issues() -> Vec<(String, Value)> {
    let dir = format!("{}/tests/captures", env!("CARGO_MANIFEST_DIR"));
    let folders = ["getIssue", "getIssuesForBacklog", "getIssuesForBoard", "getIssuesForEpic", "getIssuesForSprint"];
    let mut issues = Vec::new();
    for folder in folders.into_iter().chain(["searchForIssuesUsingJql"]) {
        let mut files: Vec<_> = std::fs::read_dir(format!("{dir}/{folder}")).expect("a captures folder").collect();
        files.sort_by_key(|entry| entry.as_ref().map(|e| e.path()).ok());
        for entry in files {
            let name = entry.expect("a file").file_name().to_string_lossy().into_owned();
            if name.contains("server") || name.contains("-v3") {
                continue;
            }
            let body = capture(&format!("{folder}/{name}"));
            match body.get("issues").and_then(Value::as_array) {
                Some(list) => issues.extend(list.iter().map(|issue| (format!("{folder}/{name}"), issue.clone()))),
                None => issues.push((format!("{folder}/{name}"), body)),
            }
        }
    }
    issues
}

#[test]
fn a_declared_system_field_never_lands_in_the_custom_field_map() {
    use atlassian_client::jira_platform_v2::types::IssueBean;

    let issues = captured_issues();
    assert!(issues.len() >= 50, "{} issues", issues.len());
    let mut typed = 0;
    for (file, json) in &issues {
        let issue: IssueBean = serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{file}: {e}"));
        let fields = issue.fields.as_ref().expect("captured issues have fields");
        for key in fields.additional_properties.keys() {
            assert!(!SYSTEM_FIELDS.contains(&key.as_str()), "{file}: system field `{key}` in the custom-field map");
        }
        for name in SYSTEM_FIELDS {
            let sent = json["fields"].get(name).is_some_and(|value| !value.is_null());
            let read = issue.field::<Value>(name).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(read.is_some(), sent, "{file}: `{name}` sent {sent}, read {read:?}");
            typed += usize::from(sent);
        }
        // Custom fields stay readable by id, with the type the caller expects.
        for (id, value) in json["fields"].as_object().expect("an object") {
            if id.starts_with("customfield_") {
                assert_eq!(issue.field::<Value>(id).unwrap().is_some(), !value.is_null(), "{file}: `{id}`");
            }
        }
    }
    assert!(typed > 500, "{typed} system field values read typed");
}

#[tokio::test]
async fn rest_v3_descriptions_and_environments_are_adf_documents() {
    // A trimmed capture (jira-cli) and a complete one (go-atlassian, ctreminiom.atlassian.net), whose description
    // and environment hold panels, strong text and hard breaks.
    let complete = format!(
        "{}/../specs/overlays/evidence/issue-fields/getIssue/ctreminiom__go-atlassian__v3-get-issue.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let complete: Value = serde_json::from_slice(&std::fs::read(&complete).expect("the evidence file")).unwrap();
    let server = MockServer::start().await;
    for (key, body) in
        [("TEST-1", capture("getIssue/ankitpokhrel__jira-cli__test-1-v3-trimmed.json")), ("KP-2", complete)]
    {
        Mock::given(path(format!("/rest/api/3/issue/{key}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    let jira = client(&server).jira_platform_v3();

    let trimmed = jira.get_issue("TEST-1").send().await.expect("decodes");
    let description = trimmed.fields.as_ref().and_then(|f| f.description.as_ref()).expect("a description");
    assert_eq!(description.to_plain_text().trim(), "Test description");

    let issue = jira.get_issue("KP-2").send().await.expect("decodes");
    let fields = issue.fields.as_ref().expect("fields");
    for (name, doc) in [("description", &fields.description), ("environment", &fields.environment)] {
        let doc = doc.as_ref().unwrap_or_else(|| panic!("{name} is a document"));
        assert_eq!(doc.fallbacks(), Vec::<String>::new(), "{name}: every node and mark is known");
        assert!(!doc.to_plain_text().trim().is_empty(), "{name} has text");
    }
    assert!(fields.additional_properties.keys().all(|key| !SYSTEM_FIELDS.contains(&key.as_str())));
}
