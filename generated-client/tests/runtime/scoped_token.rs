//! Scoped API tokens: the cloud id from the site's tenant info, then basic authentication through the gateway.

use atlassian_client::runtime::HttpMethod;
use atlassian_client::{Client, ScopedToken};
use serde_json::json;
use wiremock::matchers::{basic_auth, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::request;

#[tokio::test]
async fn the_scoped_token_constructor_finds_the_cloud_id_and_calls_the_gateway_with_basic_auth() {
    let site = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/_edge/tenant_info"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"cloudId": "a436116f-02ce-4520-8fbb-7301462a1674"})),
        )
        .expect(1)
        .mount(&site)
        .await;
    let gateway = MockServer::start().await;
    Mock::given(path("/ex/jira/a436116f-02ce-4520-8fbb-7301462a1674/rest/api/2/myself"))
        .and(basic_auth("me@example.com", "scoped-token"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&gateway)
        .await;
    let token =
        ScopedToken::new(site.uri(), "me@example.com", "scoped-token").gateway_url(format!("{}/ex", gateway.uri()));

    let client = Client::builder_for_scoped_token(&token).await.unwrap().build().unwrap();
    let response = client.execute(request(HttpMethod::Get, "/rest/api/2/myself")).await.unwrap();

    assert_eq!(response.status(), 200);
    let tenant_info = &site.received_requests().await.unwrap()[0];
    assert!(!tenant_info.headers.contains_key("authorization"), "the tenant info is read without credentials");
    gateway.verify().await;
}

#[tokio::test]
async fn a_site_without_tenant_info_is_an_auth_error_naming_it() {
    let site = MockServer::start().await;
    Mock::given(path("/_edge/tenant_info")).respond_with(ResponseTemplate::new(404)).mount(&site).await;
    let token = ScopedToken::new(site.uri(), "me@example.com", "scoped-token");

    let error = Client::builder_for_scoped_token(&token).await.unwrap_err();

    assert_eq!(error.to_string(), "authentication failed: the site's tenant info answered status 404");
}
