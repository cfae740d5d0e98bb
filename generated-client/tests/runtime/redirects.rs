//! Redirects: followed within the site with credentials, refused elsewhere, `303` returned when documented.

use atlassian_client::runtime::{HttpMethod, OperationMeta, Request};
use atlassian_client::{BearerToken, ErrorKind, RedirectRefusal};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{builder, client, received, request};

fn redirect(status: u16, location: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("location", location)
}

#[tokio::test]
async fn same_site_redirects_are_followed_with_credentials() {
    let server = MockServer::start().await;
    Mock::given(path("/old")).respond_with(redirect(301, "/moved")).mount(&server).await;
    Mock::given(path("/moved")).respond_with(redirect(302, &format!("{}/new?x=1", server.uri()))).mount(&server).await;
    Mock::given(path("/new"))
        .and(header("authorization", "Bearer t"))
        .respond_with(ResponseTemplate::new(200).set_body_string("arrived"))
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&server).auth(BearerToken::new("t")).build().unwrap();
    let response = client.execute(request(HttpMethod::Get, "/old")).await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes(), "arrived");
}

#[tokio::test]
async fn redirects_to_another_site_are_not_followed_even_with_a_custom_http_client() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path("/x")).respond_with(redirect(302, &format!("{}/steal", elsewhere.uri()))).mount(&server).await;
    Mock::given(path("/steal")).respond_with(ResponseTemplate::new(200)).mount(&elsewhere).await;

    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10));
    let client = builder(&server).http_client_builder(http).auth(BearerToken::new("t")).build().unwrap();
    let error = client.execute(request(HttpMethod::Get, "/x")).await.unwrap_err();

    let ErrorKind::Redirect(refused) = error.kind() else {
        panic!("not a redirect error: {error:?}");
    };
    assert_eq!(refused.reason, RedirectRefusal::OtherSite);
    assert_eq!(refused.location, format!("{}/steal", elsewhere.uri()));
    assert_eq!(error.status(), Some(302));
    assert_eq!(received(&elsewhere).await, 0);
}

#[tokio::test]
async fn documented_see_other_is_returned_to_the_caller() {
    static GET_CONTENT: OperationMeta = OperationMeta {
        id: "getAttachmentContent",
        method: HttpMethod::Get,
        path: "/content",
        server_prefix: "",
        see_other_documented: true,
    };
    let server = MockServer::start().await;
    Mock::given(path("/content")).respond_with(redirect(303, "https://media.example/file")).mount(&server).await;

    let response = client(&server).execute(Request::new(&GET_CONTENT, "/content".to_owned())).await.unwrap();

    assert_eq!(response.status(), 303);
    assert_eq!(response.location().as_deref(), Some("https://media.example/file"));
}

#[tokio::test]
async fn undocumented_see_other_is_followed_with_a_bodiless_get() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/task")).respond_with(redirect(303, "/task/1")).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/task/1"))
        .and(body_string(""))
        .respond_with(ResponseTemplate::new(200).set_body_string("done"))
        .expect(1)
        .mount(&server)
        .await;

    let mut request = request(HttpMethod::Post, "/task");
    request.json(&serde_json::json!({"go": true})).unwrap();
    let response = client(&server).execute(request).await.unwrap();

    assert_eq!(response.bytes(), "done");
}

#[tokio::test]
async fn temporary_redirects_keep_the_method_and_body() {
    let server = MockServer::start().await;
    Mock::given(path("/old")).respond_with(redirect(307, "/new")).mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/new"))
        .and(body_string(r#"{"go":true}"#))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;

    let mut request = request(HttpMethod::Post, "/old");
    request.json(&serde_json::json!({"go": true})).unwrap();
    let response = client(&server).execute(request).await.unwrap();

    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn redirect_loops_stop_after_ten_hops() {
    let server = MockServer::start().await;
    Mock::given(path("/loop")).respond_with(redirect(308, "/loop")).mount(&server).await;

    let error = client(&server).execute(request(HttpMethod::Get, "/loop")).await.unwrap_err();

    let ErrorKind::Redirect(refused) = error.kind() else {
        panic!("not a redirect error: {error:?}");
    };
    assert_eq!(refused.reason, RedirectRefusal::TooManyRedirects);
    assert_eq!(received(&server).await, 11);
}
