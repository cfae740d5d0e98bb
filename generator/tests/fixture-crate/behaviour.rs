//! Behaviour of the code generated for the fixture specs (`generator/tests/fixtures/`), compiled as a crate of its
//! own with the hand-written runtime copied in, the way `cargo xtask regen --out DIR` writes one.
//! One test per concept; the HTTP ones talk to a wiremock server on 127.0.0.1.

use atlassian_client::runtime::{JiraDateTime, Nullable};
use atlassian_client::{composition, enums, names, objects, operations, BasicAuth, Client};
use futures_util::StreamExt;
use serde_json::json;
use wiremock::matchers::{body_json, body_string, header, headers, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn record_json() -> serde_json::Value {
    json!({
        "id": "10", "self": "https://x/10", "type": "story", "created": "2021-01-17T12:34:00.000+0000",
        "count": 3, "big": 9007199254740993_i64, "ratio": 0.5, "The column position of the gadget.": 2,
        "16x16": "https://x/a.png", "start-index": 1, "startIndex": 2, "labels": {"a": "b"},
        "anything": {"x": [1, 2]}, "extra": "kept", "nothing": null
    })
}

#[test]
fn keywords_sentences_and_digits_become_fields_and_keep_their_wire_names() {
    let record: objects::types::Record = serde_json::from_value(record_json()).unwrap();
    assert_eq!(record.self_, "https://x/10");
    assert_eq!(record.type_, "story");
    assert_eq!(record.the_column_position_of_the_gadget, Some(2));
    assert_eq!(record.n16x16.as_deref(), Some("https://x/a.png"));
    assert_eq!((record.start_index, record.start_index_2), (Some(1), Some(2)));
    let back = serde_json::to_value(&record).unwrap();
    assert_eq!(back["self"], "https://x/10");
    assert_eq!(back["The column position of the gadget."], 2);
    assert_eq!(back["startIndex"], 2);
}

#[test]
fn declared_properties_never_land_in_the_additional_properties_map() {
    let record: objects::types::Record = serde_json::from_value(record_json()).unwrap();
    let keys: Vec<&str> = record.additional_properties.keys().map(String::as_str).collect();
    assert_eq!(keys, ["extra"], "only the undeclared property is in the map");
    assert_eq!(record.labels.as_ref().unwrap()["a"], "b");
    assert_eq!(record.anything, Some(json!({"x": [1, 2]})));
}

#[test]
fn int64_values_and_jira_date_times_survive_a_round_trip_exactly() {
    let record: objects::types::Record = serde_json::from_value(record_json()).unwrap();
    assert_eq!(record.big, Some(9007199254740993));
    assert_eq!(record.created.as_str(), "2021-01-17T12:34:00.000+0000");
    let text = serde_json::to_string(&record).unwrap();
    assert!(text.contains("\"2021-01-17T12:34:00.000+0000\""), "{text}");
    assert!(text.contains("9007199254740993"), "{text}");
}

#[test]
fn a_required_read_only_field_may_be_absent_but_a_required_field_may_not() {
    let mut value = record_json();
    value.as_object_mut().unwrap().remove("id");
    let record: objects::types::Record = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(record.id, None);
    value.as_object_mut().unwrap().remove("type");
    let error = serde_json::from_value::<objects::types::Record>(value).unwrap_err().to_string();
    assert!(error.contains("missing field `type`"), "{error}");
}

#[test]
fn null_decodes_as_absent_and_a_nullable_field_can_send_an_explicit_null() {
    let record: objects::types::Record = serde_json::from_value(record_json()).unwrap();
    assert_eq!(record.nothing, None);
    let mut request = objects::types::Record::new("s".into(), "t".into(), JiraDateTime::from("2024-01-01T00:00:00.000+0000".to_owned()));
    let body = serde_json::to_value(&request).unwrap();
    assert!(body.get("nothing").is_none(), "None is not sent: {body}");
    request.nothing = Some(Nullable::Null);
    assert_eq!(serde_json::to_value(&request).unwrap()["nothing"], serde_json::Value::Null);
    request.nothing = Some(Nullable::Value("x".into()));
    assert_eq!(serde_json::to_value(&request).unwrap()["nothing"], "x");
}

#[test]
fn enum_values_that_are_symbols_decode_to_distinct_variants() {
    use enums::types::ClauseOperator as Op;
    let values = json!(["=", "!=", ">", "<", ">=", "<=", "~", "~=", "!~", "in", "not in"]);
    let ops: Vec<Op> = serde_json::from_value(values.clone()).unwrap();
    assert_eq!(ops[0], Op::Eq);
    assert_eq!(ops[1], Op::NotEq);
    assert_eq!(ops[10], Op::NotIn);
    assert_eq!(serde_json::to_value(&ops).unwrap(), values);
    assert_eq!(Op::GtEq.to_string(), ">=");
}

#[test]
fn unknown_enum_values_are_kept_not_fatal() {
    let clause: enums::types::Clause = serde_json::from_value(json!({"operator": "≈", "kind": "self"})).unwrap();
    assert_eq!(clause.operator, Some(enums::types::ClauseOperator::Unknown("≈".into())));
    assert_eq!(clause.kind, Some(enums::types::ClauseKind::Self_));
    assert_eq!(serde_json::to_value(&clause).unwrap(), json!({"operator": "≈", "kind": "self"}));
    // A wire value `unknown` takes the variant `Unknown`; the catch-all moves aside.
    let kind: enums::types::ClauseKind = serde_json::from_value(json!("unknown")).unwrap();
    assert_eq!(kind, enums::types::ClauseKind::Unknown);
    let kind: enums::types::ClauseKind = serde_json::from_value(json!("new")).unwrap();
    assert_eq!(kind, enums::types::ClauseKind::Unknown2("new".into()));
}

#[test]
fn an_inline_enum_does_not_take_the_name_of_a_component_schema() {
    let feature: enums::types::ProjectFeature =
        serde_json::from_value(json!({"state": "COMING_SOON", "other": {"state": "ENABLED"}})).unwrap();
    assert_eq!(feature.state, Some(enums::types::ProjectFeatureState2::ComingSoon));
    let other: enums::types::ProjectFeatureState = feature.other.unwrap();
    assert_eq!(other.state, Some(enums::types::ProjectFeatureStateState::Enabled));
}

#[test]
fn schemas_named_like_std_items_and_colliding_after_case_folding_coexist() {
    let upper: names::types::Fields = serde_json::from_value(json!({"summary": "s"})).unwrap();
    let lower: names::types::Fields2 = serde_json::from_value(json!({"mandatory": true})).unwrap();
    assert_eq!((upper.summary.as_deref(), lower.mandatory), (Some("s"), Some(true)));
    let result: names::types::Result = serde_json::from_value(json!({"ok": false, "error": {"message": "m"}})).unwrap();
    let std_result: std::result::Result<names::types::Option, names::types::Error> = Err(result.error.unwrap());
    assert!(std_result.is_err());
}

#[test]
fn recursive_schemas_decode_through_vecs_and_boxes() {
    let group: composition::types::LinkGroup =
        serde_json::from_value(json!({"id": "a", "groups": [{"id": "b", "groups": [{"id": "c"}]}], "header": {"href": "h"}})).unwrap();
    assert_eq!(group.groups.unwrap()[0].groups.as_ref().unwrap()[0].id.as_deref(), Some("c"));
    let clause: composition::types::JqlQueryClause =
        serde_json::from_value(json!({"clauses": [{"field": "x"}], "first": {"clauses": []}})).unwrap();
    let composition::types::JqlQueryClause::CompoundClause(compound) = clause else { panic!("a compound clause") };
    assert!(matches!(compound.clauses[0], composition::types::JqlQueryClause::FieldClause(_)));
    assert!(matches!(compound.first.as_deref(), Some(composition::types::JqlQueryClause::CompoundClause(_))));
}

#[test]
fn all_of_members_are_merged_into_one_struct() {
    let child: composition::types::Child = serde_json::from_value(json!({"name": "n", "age": 3})).unwrap();
    assert_eq!((child.name.as_str(), child.age), ("n", Some(3)));
}

#[test]
fn required_properties_that_may_be_null_decode_null_as_none() {
    let watcher: objects::types::Watcher =
        serde_json::from_value(json!({"name": "ann", "icon": null, "email": null})).unwrap();
    assert_eq!((watcher.name.as_str(), watcher.icon, watcher.email), ("ann", None, None));
    let watcher: objects::types::Watcher =
        serde_json::from_value(json!({"name": "bo", "icon": {"path": "/i.png"}, "email": "b@example.com"})).unwrap();
    assert_eq!(watcher.icon.map(|icon| icon.path).as_deref(), Some("/i.png"));
    assert!(serde_json::from_value::<objects::types::Watcher>(json!({"icon": null})).is_err(), "name is required");
}

#[test]
fn null_items_of_a_nullable_component_are_left_out() {
    let watcher: objects::types::Watcher =
        serde_json::from_value(json!({"name": "ann", "icons": [null, {"path": "/a.png"}, null]})).unwrap();
    let paths: Vec<String> = watcher.icons.unwrap_or_default().into_iter().map(|icon| icon.path).collect();
    assert_eq!(paths, ["/a.png"]);
}

#[test]
fn items_said_to_be_nullable_may_be_null() {
    let watcher: objects::types::Watcher =
        serde_json::from_value(json!({"name": "ann", "icon": null, "email": null, "exclude": [null, "reporter"]})).unwrap();
    let exclude = watcher.exclude.and_then(|e| e.into_option()).expect("a list");
    assert_eq!(exclude, [None, Some(objects::types::WatcherExcludeItem::Reporter)]);
}

async fn client(server: &MockServer) -> Client {
    Client::builder(server.uri()).auth(BasicAuth::new("me@example.com", "token")).no_retries().build().unwrap()
}

#[tokio::test]
async fn path_query_and_header_parameters_are_encoded_as_the_spec_says() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/issue/A%2F..%2F..%2Fx"))
        .and(query_param("type", "bug"))
        .and(query_param("ids", "1,2,3"))
        .and(query_param("adjustEstimate", "leave"))
        .and(query_param("fieldsByKeys", "true"))
        .and(header("Atlassian-Transfer-Id", "abc"))
        .and(header("authorization", "Basic bWVAZXhhbXBsZS5jb206dG9rZW4="))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "1", "key": "A-1", "fields": {"customfield_1": 5}})))
        .expect(1)
        .mount(&server)
        .await;
    let issue = client(&server)
        .await
        .operations()
        .get_issue("A/../../x", "bug")
        .fields(["summary", "status"])
        .ids([1, 2, 3])
        .adjust_estimate(operations::types::GetIssueAdjustEstimate::Leave)
        .fields_by_keys(true)
        .atlassian_transfer_id("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(issue.key.as_deref(), Some("A-1"));
    assert_eq!(issue.fields.unwrap()["customfield_1"], 5);
    let requests = server.received_requests().await.unwrap();
    let query = requests[0].url.query().unwrap_or_default().to_owned();
    assert!(query.contains("fields=summary&fields=status"), "exploded array: {query}");
}

#[tokio::test]
#[allow(deprecated)]
async fn json_bodies_are_sent_and_no_content_decodes_as_unit() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/rest/api/2/issue/A-1"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"key": "A-1"})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE")).and(path("/rest/api/2/issue/A-1")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let api = client(&server).await.operations();
    let mut issue = operations::types::Issue::default();
    issue.key = Some("A-1".into());
    api.edit_issue("A-1", issue).send().await.unwrap();
    api.delete_issue("A-1").delete_subtasks(true).send().await.unwrap();
}

#[tokio::test]
async fn any_json_bodies_round_trip_and_an_empty_body_is_null() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/rest/api/2/issue/A-1/properties/p"))
        .and(body_json(json!({"n": 5})))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    let value = client(&server).await.operations().set_issue_property("A-1", "p", json!({"n": 5})).send().await.unwrap();
    assert_eq!(value, serde_json::Value::Null);
}

#[tokio::test]
async fn a_body_on_200_and_none_on_204_is_an_option() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/configuration/timetracking"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": "JIRA"})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/rest/api/2/configuration/timetracking")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let api = client(&server).await.operations();
    assert_eq!(api.get_time_tracking().send().await.unwrap().map(|p| p.key), Some("JIRA".to_owned()));
    assert_eq!(api.get_time_tracking().send().await.unwrap(), None);
}

#[tokio::test]
async fn different_bodies_per_status_decode_into_a_response_enum() {
    use operations::requests::AddCommentResponse;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/api/2/comment"))
        .and(header("content-type", "text/plain"))
        .and(body_string("hello"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"key": "A-2"})))
        .mount(&server)
        .await;
    let api = client(&server).await.operations();
    let response = api.add_comment().body("hello".to_owned()).send().await.unwrap();
    assert!(matches!(response, AddCommentResponse::Status201(issue) if issue.key.as_deref() == Some("A-2")));
}

#[tokio::test]
async fn binary_uploads_carry_their_bytes_and_a_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/api/2/avatar"))
        .and(header("content-type", "application/octet-stream"))
        .respond_with(|request: &Request| {
            assert_eq!(request.body, b"\x89PNG");
            ResponseTemplate::new(201).set_body_json(json!({"key": "avatar"}))
        })
        .mount(&server)
        .await;
    let provider = client(&server).await.operations().upload_avatar(bytes::Bytes::from_static(b"\x89PNG")).send().await.unwrap();
    assert_eq!(provider.key, "avatar");
}

#[tokio::test]
async fn an_error_status_is_an_error_holding_status_and_jira_messages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"errorMessages": ["Issue does not exist"], "errors": {}})))
        .mount(&server)
        .await;
    let error = client(&server).await.operations().get_issue("NOPE-1", "bug").send().await.unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert!(error.to_string().contains("Issue does not exist"), "{error}");
}

#[tokio::test]
async fn a_default_error_response_is_an_error_with_its_messages() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/rest/featureflags/0.1/flag/ff-1"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!([{"message": "Flag store down", "errorTraceId": "t-9"}])))
        .mount(&server)
        .await;
    let error = client(&server).await.operations().delete_feature_flag("ff-1").send().await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    let collection = error.error_collection().expect("Jira Software's ErrorMessages body");
    assert_eq!(collection.error_messages, ["Flag store down (errorTraceId t-9)"]);
    assert!(error.to_string().contains("Flag store down"), "{error}");
}

#[tokio::test]
async fn an_operation_with_only_a_default_response_decodes_it_as_its_success() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/serverInfo"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"version": "1001.0.0"})))
        .mount(&server)
        .await;
    let info = client(&server).await.operations().get_server_info().send().await.unwrap();
    assert_eq!(info.version.as_deref(), Some("1001.0.0"));
}

#[tokio::test]
async fn a_see_other_task_answer_is_returned_with_its_location_and_body_not_followed() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/rest/api/2/field/customfield_1"))
        .respond_with(
            ResponseTemplate::new(303)
                .insert_header("Location", "/rest/api/2/task/10")
                .set_body_json(json!({"id": "10", "status": "RUNNING", "progress": 40})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/rest/api/2/task/10")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let task = client(&server).await.operations().delete_custom_field("customfield_1").send().await.unwrap();
    assert_eq!(task.location.as_deref(), Some("/rest/api/2/task/10"));
    assert_eq!((task.body.id.as_str(), task.body.progress), ("10", Some(40)));
    assert_eq!(task.body.status, operations::types::TaskProgressStatus::Running);
}

#[tokio::test]
async fn a_see_other_without_location_or_body_still_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(303)).mount(&server).await;
    let answer = client(&server).await.operations().bulk_delete_issue_property("prop").send().await.unwrap();
    assert_eq!(answer, atlassian_client::runtime::SeeOther { location: None, body: () });
    let error = client(&server).await.operations().delete_custom_field("f").send().await.unwrap_err();
    assert!(error.is_decode(), "a 303 without the documented body does not decode: {error}");
}

#[tokio::test]
async fn a_see_other_beside_a_2xx_is_a_variant_with_its_location_and_body_not_followed() {
    use operations::requests::PublishDraftWorkflowSchemeResponse as Published;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/api/2/workflowscheme/7/draft/publish"))
        .respond_with(
            ResponseTemplate::new(303)
                .insert_header("Location", "/rest/api/2/task/11")
                .set_body_json(json!({"id": "11", "status": "ENQUEUED"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/api/2/workflowscheme/7/draft/publish"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/rest/api/2/task/11")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let operations = client(&server).await.operations();

    let Published::SeeOther(task) = operations.publish_draft_workflow_scheme(7).send().await.unwrap() else {
        panic!("the 303 is the SeeOther variant")
    };
    assert_eq!(task.location.as_deref(), Some("/rest/api/2/task/11"));
    assert_eq!((task.body.id.as_str(), task.body.status), ("11", operations::types::TaskProgressStatus::Enqueued));
    assert_eq!(operations.publish_draft_workflow_scheme(7).send().await.unwrap(), Published::Status204);
}

#[tokio::test]
async fn a_bodiless_see_other_beside_bodiless_2xx_statuses_keeps_each_apart() {
    use operations::requests::GetAttachmentContentResponse as Content;
    let server = MockServer::start().await;
    let download = "https://api.media.atlassian.com/file/a1/binary";
    Mock::given(method("GET"))
        .and(path("/rest/api/2/attachment/content/10000"))
        .respond_with(ResponseTemplate::new(303).insert_header("Location", download))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/attachment/content/10001"))
        .respond_with(ResponseTemplate::new(206))
        .mount(&server)
        .await;
    let operations = client(&server).await.operations();

    let answer = operations.get_attachment_content("10000").send().await.unwrap();
    let see_other = atlassian_client::runtime::SeeOther { location: Some(download.to_owned()), body: () };
    assert_eq!(answer, Content::SeeOther(see_other));
    assert_eq!(operations.get_attachment_content("10001").send().await.unwrap(), Content::Status206);
    let error = operations.get_attachment_content("10002").send().await.unwrap_err();
    assert_eq!(error.status(), Some(404));
}

#[tokio::test]
async fn image_responses_ask_for_their_media_types_and_keep_bytes_and_type() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/universal_avatar/view/type/project"))
        .and(headers("Accept", vec!["image/png", "image/svg+xml"]))
        .respond_with(ResponseTemplate::new(200).set_body_raw(b"\x89PNG\r\n".to_vec(), "image/png"))
        .mount(&server)
        .await;
    let image = client(&server).await.operations().get_avatar_image_by_type("project").send().await.unwrap();
    assert_eq!(image.content_type.as_deref(), Some("image/png"));
    assert_eq!(&image.bytes[..], b"\x89PNG\r\n");
}

#[tokio::test]
async fn any_media_type_with_a_component_schema_is_json_both_ways() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/atlassian-connect/1/app/module/dynamic"))
        .and(header("Accept", "*/*"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": "module-1"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/atlassian-connect/1/app/module/dynamic"))
        .and(header("Content-Type", "application/json"))
        .and(body_json(json!({"key": "module-2"})))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    assert_eq!(client.operations().get_modules().send().await.unwrap().key, "module-1");
    let body = operations::types::Provider::new("module-2".into());
    client.operations().register_modules(body).send().await.unwrap();
}

#[tokio::test]
async fn offset_pages_are_streamed_until_the_total_is_reached() {
    let server = MockServer::start().await;
    // The first request carries no `startAt`; later ones start after the items received so far.
    for (start, ids) in [(Some(2), vec!["3", "4"]), (Some(4), vec!["5"]), (None, vec!["1", "2"])] {
        let worklogs: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
        let page = json!({"startAt": start.unwrap_or(0), "maxResults": 2, "total": 5, "worklogs": worklogs});
        let mock = Mock::given(method("GET")).and(path("/rest/api/2/issue/A-1/worklog"));
        let mock = match start {
            Some(start) => mock.and(query_param("startAt", start.to_string())),
            None => mock,
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(page)).expect(1).mount(&server).await;
    }
    let api = client(&server).await.operations();
    let ids: Vec<String> = api.get_issue_worklog("A-1").into_stream().map(|w| w.unwrap().id.unwrap()).collect().await;
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
}

#[tokio::test]
async fn pages_with_a_string_start_at_stop_on_is_last() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/notificationscheme"))
        .and(query_param("startAt", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"startAt": 1, "maxResults": 1, "isLast": true, "values": [{"key": "b"}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/notificationscheme"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"startAt": 0, "maxResults": 1, "isLast": false, "values": [{"key": "a"}]})))
        .mount(&server)
        .await;
    let keys: Vec<String> = client(&server)
        .await
        .operations()
        .get_notification_schemes()
        .into_stream()
        .map(|p| p.unwrap().key)
        .collect()
        .await;
    assert_eq!(keys, ["a", "b"]);
}

#[tokio::test]
async fn cursor_pages_follow_next_page_token_until_it_is_absent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/search/jql"))
        .and(query_param("nextPageToken", "t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"issues": [{"key": "B"}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/search/jql"))
        .and(query_param("jql", "project = A"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"issues": [{"key": "A"}], "nextPageToken": "t1"})))
        .mount(&server)
        .await;
    let keys: Vec<String> = client(&server)
        .await
        .operations()
        .search_jql()
        .jql("project = A")
        .into_stream()
        .map(|i| i.unwrap().key.unwrap())
        .collect()
        .await;
    assert_eq!(keys, ["A", "B"]);
}

#[tokio::test]
async fn a_page_with_two_lists_streams_the_one_x_pagination_names_until_is_last() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/search/jql"))
        .and(query_param("nextPageToken", "t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"issues": [{"key": "B"}], "warnings": [], "nextPageToken": "t2", "isLast": true}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/search/jql"))
        .and(query_param("jql", "project = A"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issues": [{"key": "A"}], "warnings": [{"type": "CLAUSE_LIMIT_EXCEEDED"}], "nextPageToken": "t1", "isLast": false
        })))
        .mount(&server)
        .await;
    let api = client(&server).await.operations();
    let keys: Vec<String> =
        api.search_jql().jql("project = A").into_stream().map(|i| i.unwrap().key.unwrap()).collect().await;
    assert_eq!(keys, ["A", "B"]);
}

#[tokio::test]
async fn a_cursor_in_the_body_is_sent_in_the_body_until_the_token_is_null() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/api/2/search/jql"))
        .and(body_json(json!({"jql": "project = A", "maxResults": 1, "nextPageToken": "t1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"issues": [{"key": "B"}], "nextPageToken": null})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/api/2/search/jql"))
        .and(body_json(json!({"jql": "project = A", "maxResults": 1})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"issues": [{"key": "A"}], "nextPageToken": "t1"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut body = operations::types::SearchRequest::default();
    body.jql = Some("project = A".into());
    body.max_results = Some(1);
    let api = client(&server).await.operations();
    let keys: Vec<String> = api.search_jql_post(body).into_stream().map(|i| i.unwrap().key.unwrap()).collect().await;
    assert_eq!(keys, ["A", "B"]);
}

#[test]
fn a_discriminator_picks_the_variant_and_an_unknown_tag_is_kept() {
    use composition::types::DefaultValue;
    let value: DefaultValue = serde_json::from_value(json!({"type": "option.cascading", "optionId": "1"})).unwrap();
    let DefaultValue::OptionCascading(cascading) = &value else { panic!("the cascading variant: {value:?}") };
    assert_eq!((cascading.type_.as_str(), cascading.option_id.as_str()), ("option.cascading", "1"));
    assert_eq!(serde_json::to_value(&value).unwrap(), json!({"type": "option.cascading", "optionId": "1"}));
    let date: DefaultValue = serde_json::from_value(json!({"type": "datepicker", "date": "2024-01-01"})).unwrap();
    assert!(matches!(date, DefaultValue::Datepicker(_)));
    let unknown = json!({"type": "forge.datetime", "dateTime": "x"});
    let value: DefaultValue = serde_json::from_value(unknown.clone()).unwrap();
    assert_eq!(value, DefaultValue::Unknown(unknown.clone()));
    assert_eq!(serde_json::to_value(&value).unwrap(), unknown);
    let error = serde_json::from_value::<DefaultValue>(json!({"type": "option.cascading"})).unwrap_err();
    assert!(error.to_string().contains("optionId"), "{error}");
}

#[tokio::test]
async fn expand_takes_a_list_and_open_fields_decode_by_name() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/2/issue/A-1"))
        .and(query_param("expand", "names,changelog"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": "A-1", "fields": {"customfield_1": 2.5, "summary": "s", "none": null}})))
        .expect(1)
        .mount(&server)
        .await;
    let issue = client(&server).await.operations().get_issue("A-1", "bug").expand(["names", "changelog"]).send().await.unwrap();
    assert_eq!(issue.field::<f64>("customfield_1").unwrap(), Some(2.5));
    assert_eq!(issue.field::<String>("summary").unwrap().as_deref(), Some("s"));
    assert_eq!(issue.field::<String>("none").unwrap(), None);
    assert_eq!(issue.field::<String>("absent").unwrap(), None);
    let error = issue.field::<u32>("summary").unwrap_err().to_string();
    assert!(error.contains("summary"), "{error}");
}

#[tokio::test]
async fn declared_fields_are_typed_and_never_land_in_the_map_of_the_others() {
    let server = MockServer::start().await;
    let body = json!({"key": "A-1", "fields": {"summary": "s", "fixVersions": ["1.0"], "customfield_1": 2.5, "x": null}});
    Mock::given(method("GET"))
        .and(path("/rest/api/2/typed-issue/A-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let issue = client(&server).await.operations().get_typed_issue("A-1").send().await.unwrap();
    let fields = issue.fields.as_ref().unwrap();
    assert_eq!(fields.summary.as_deref(), Some("s"));
    assert_eq!(fields.fix_versions.as_deref(), Some(&["1.0".to_owned()][..]));
    assert_eq!(fields.additional_properties.keys().collect::<Vec<_>>(), ["customfield_1", "x"]);
    // `field` reads a declared field by its wire name, and any other from the map.
    assert_eq!(issue.field::<String>("summary").unwrap().as_deref(), Some("s"));
    assert_eq!(issue.field::<Vec<String>>("fixVersions").unwrap().unwrap(), ["1.0"]);
    assert_eq!(fields.field::<f64>("customfield_1").unwrap(), Some(2.5));
    assert_eq!(issue.field::<f64>("x").unwrap(), None);
    assert!(issue.field::<u32>("summary").unwrap_err().to_string().contains("summary"));
    assert_eq!(operations::types::TypedIssue::default().field::<String>("summary").unwrap(), None);
}

#[tokio::test]
async fn send_raw_returns_any_status_with_headers_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(418).insert_header("X-AREQUESTID", "req-1").set_body_string("not json"))
        .mount(&server)
        .await;
    let response = client(&server).await.operations().get_issue("A-1", "bug").send_raw().await.unwrap();
    assert_eq!(response.status(), 418);
    assert_eq!(response.headers()["x-arequestid"], "req-1");
    assert_eq!(response.text(), "not json");
}
