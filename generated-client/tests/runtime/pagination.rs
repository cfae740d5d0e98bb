//! Offset and cursor pagination, driven through hand-written request types like the generated ones.

use atlassian_client::runtime::{
    cursor_stream, offset_stream, CursorPage, CursorPaged, HttpMethod, OffsetPage, OffsetPaged,
};
use atlassian_client::{Client, Result};
use futures_util::TryStreamExt;
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{client, received, request};

/// A page as Jira's offset-paginated endpoints return it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageBean {
    values: Vec<String>,
    total: Option<i64>,
    is_last: Option<bool>,
}

/// A hand-written offset-paginated request.
#[derive(Clone)]
struct ListProjects {
    client: Client,
    start_at: Option<i64>,
    max_results: i64,
}

impl OffsetPaged for ListProjects {
    type Item = String;

    fn start_at(&self) -> i64 {
        self.start_at.unwrap_or(0)
    }

    fn set_start_at(&mut self, start_at: i64) {
        self.start_at = Some(start_at);
    }

    async fn fetch_page(self) -> Result<OffsetPage<String>> {
        let mut request = request(HttpMethod::Get, "/rest/api/2/project/search");
        if let Some(start_at) = self.start_at {
            request.query("startAt", start_at);
        }
        request.query("maxResults", self.max_results);
        let page: PageBean = self.client.execute(request).await?.json()?;
        Ok(OffsetPage { items: page.values, total: page.total, is_last: page.is_last })
    }
}

fn list_projects(server: &MockServer) -> ListProjects {
    ListProjects { client: client(server), start_at: None, max_results: 2 }
}

async fn mount_page(server: &MockServer, start_at: &str, body: serde_json::Value) {
    Mock::given(path("/rest/api/2/project/search"))
        .and(query_param("startAt", start_at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn offset_pages_are_streamed_until_is_last() {
    let server = MockServer::start().await;
    Mock::given(path("/rest/api/2/project/search"))
        .and(query_param_is_missing("startAt"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"values": ["A", "B"], "isLast": false})))
        .expect(1)
        .mount(&server)
        .await;
    mount_page(&server, "2", json!({"values": ["C", "D"], "isLast": false})).await;
    mount_page(&server, "4", json!({"values": ["E"], "isLast": true})).await;

    let items: Vec<String> = offset_stream(list_projects(&server)).try_collect().await.unwrap();

    assert_eq!(items, ["A", "B", "C", "D", "E"]);
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn offset_pages_stop_at_total_and_advance_by_items_received() {
    let server = MockServer::start().await;
    // The request asks for 100 per page but the server caps pages at 2 items.
    mount_page(&server, "0", json!({"values": ["A", "B"], "total": 5})).await;
    mount_page(&server, "2", json!({"values": ["C", "D"], "total": 5})).await;
    mount_page(&server, "4", json!({"values": ["E"], "total": 5})).await;

    let request = ListProjects { start_at: Some(0), max_results: 100, ..list_projects(&server) };
    let items: Vec<String> = offset_stream(request).try_collect().await.unwrap();

    assert_eq!(items, ["A", "B", "C", "D", "E"]);
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn an_empty_first_page_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(path("/rest/api/2/project/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"values": []})))
        .mount(&server)
        .await;

    let items: Vec<String> = offset_stream(list_projects(&server)).try_collect().await.unwrap();

    assert!(items.is_empty());
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn a_failing_page_yields_its_error_and_ends_the_stream() {
    let server = MockServer::start().await;
    mount_page(&server, "0", json!({"values": ["A", "B"], "total": 9})).await;
    Mock::given(query_param("startAt", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_string("not json"))
        .mount(&server)
        .await;

    let request = ListProjects { start_at: Some(0), ..list_projects(&server) };
    let results: Vec<Result<String>> = futures_util::StreamExt::collect(offset_stream(request)).await;

    assert_eq!(results.len(), 3);
    assert!(results[2].as_ref().unwrap_err().is_decode());
}

/// A page as Jira's cursor-paginated endpoints return it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenPage {
    issues: Vec<String>,
    next_page_token: Option<String>,
    is_last: Option<bool>,
}

/// A hand-written cursor-paginated request.
#[derive(Clone)]
struct SearchIssues {
    client: Client,
    next_page_token: Option<String>,
}

impl CursorPaged for SearchIssues {
    type Item = String;

    fn set_cursor(&mut self, cursor: String) {
        self.next_page_token = Some(cursor);
    }

    async fn fetch_page(self) -> Result<CursorPage<String>> {
        let mut request = request(HttpMethod::Get, "/rest/api/3/search/jql");
        if let Some(token) = &self.next_page_token {
            request.query("nextPageToken", token);
        }
        let page: TokenPage = self.client.execute(request).await?.json()?;
        Ok(CursorPage { items: page.issues, next: page.next_page_token, is_last: page.is_last })
    }
}

#[tokio::test]
async fn cursor_pages_are_streamed_until_the_token_is_absent() {
    let server = MockServer::start().await;
    Mock::given(path("/rest/api/3/search/jql"))
        .and(query_param_is_missing("nextPageToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"issues": ["A-1"], "nextPageToken": "t1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(query_param("nextPageToken", "t1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"issues": ["A-2", "A-3"], "nextPageToken": "t2"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(query_param("nextPageToken", "t2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"issues": ["A-4"]})))
        .expect(1)
        .mount(&server)
        .await;

    let request = SearchIssues { client: client(&server), next_page_token: None };
    let items: Vec<String> = cursor_stream(request).try_collect().await.unwrap();

    assert_eq!(items, ["A-1", "A-2", "A-3", "A-4"]);
    assert_eq!(received(&server).await, 3);
}

/// Serves a first page (token `t1`) and `second` for `t1`, streams it, and returns the items and the number of
/// requests made.
async fn stream_two_cursor_pages(second: serde_json::Value) -> (Vec<String>, usize) {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("nextPageToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"issues": ["A-1"], "nextPageToken": "t1"})))
        .mount(&server)
        .await;
    Mock::given(query_param("nextPageToken", "t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(second))
        .mount(&server)
        .await;
    // A third request would find no mock (404) and fail the stream.
    let request = SearchIssues { client: client(&server), next_page_token: None };
    let items: Vec<String> = cursor_stream(request).try_collect().await.unwrap();
    (items, received(&server).await)
}

#[tokio::test]
async fn cursor_pages_stop_on_an_empty_a_null_or_a_repeated_token() {
    for last in [
        json!({"issues": ["A-2"], "nextPageToken": ""}),
        json!({"issues": ["A-2"], "nextPageToken": null}),
        json!({"issues": ["A-2"], "nextPageToken": "t1"}),
    ] {
        assert_eq!(
            stream_two_cursor_pages(last.clone()).await,
            (vec!["A-1".to_owned(), "A-2".to_owned()], 2),
            "{last}"
        );
    }
}

#[tokio::test]
async fn cursor_pages_stop_on_is_last_even_with_a_next_token() {
    let last = json!({"issues": ["A-2"], "nextPageToken": "t2", "isLast": true});
    assert_eq!(stream_two_cursor_pages(last).await, (vec!["A-1".to_owned(), "A-2".to_owned()], 2));
}

#[tokio::test]
async fn cursor_pages_stop_at_an_empty_page_even_with_a_next_token() {
    let empty = json!({"issues": [], "nextPageToken": "t2", "isLast": false});
    assert_eq!(stream_two_cursor_pages(empty).await, (vec!["A-1".to_owned()], 2));
}
