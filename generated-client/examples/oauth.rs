//! OAuth 2.0 (3LO): sends the user to Atlassian's consent page, exchanges the code that comes back for tokens,
//! refreshes them, lists the sites the token may call, and reads an issue on the first one through the gateway.
//!
//! ```sh
//! export ATLASSIAN_CLIENT_ID=... ATLASSIAN_CLIENT_SECRET=... ATLASSIAN_REDIRECT_URI=https://app.example/callback
//! cargo run --example oauth                    # prints the URL to open
//! cargo run --example oauth -- CODE PROJ-1     # with the `code` from the redirect
//! ```
//!
//! Register the app (and its callback URL) at <https://developer.atlassian.com/console/myapps/>.

use std::process::ExitCode;

use atlassian_client::{Client, MemoryTokenStore, OAuthApp, OAuthToken};

/// The scopes asked for: reading issues, and `offline_access` for a refresh token.
pub const SCOPES: [&str; 3] = ["read:jira-work", "read:jira-user", "offline_access"];

/// Where the app's endpoints are: Atlassian's, or mock servers in tests.
pub struct Endpoints {
    /// The authorization server (`https://auth.atlassian.com`).
    pub auth: String,
    /// The API host (`https://api.atlassian.com`): accessible resources and the gateway.
    pub api: String,
}

/// The app, with its endpoints under `endpoints`.
pub fn app(endpoints: &Endpoints, client_id: &str, secret: &str, redirect: &str) -> atlassian_client::Result<OAuthApp> {
    OAuthApp::builder(client_id, secret, redirect)
        .authorize_url(format!("{}/authorize", endpoints.auth))
        .token_url(format!("{}/oauth/token", endpoints.auth))
        .accessible_resources_url(format!("{}/oauth/token/accessible-resources", endpoints.api))
        .gateway_url(format!("{}/ex", endpoints.api))
        .build()
}

/// Exchanges `code`, refreshes, and reads `issue_key` on the first site; returns what it did, one line a step.
pub async fn run(app: &OAuthApp, code: &str, issue_key: &str) -> atlassian_client::Result<String> {
    let tokens = app.exchange_code(code).await?;
    let mut report = format!("exchanged the code; scopes: {}\n", tokens.scope.as_deref().unwrap_or("-"));

    // A real program saves the tokens in a database or file: implement `TokenStore` for it. The store gets every
    // rotated refresh token before the new access token is used.
    let store = MemoryTokenStore::new();
    let token = OAuthToken::new(app.clone(), tokens, store.clone());
    // Refreshes happen by themselves, 5 minutes before expiry; this one is only for the show.
    token.refresh().await?;
    let rotated = store.latest().and_then(|saved| saved.refresh_token).is_some();
    report += &format!("refreshed; the store holds the rotated refresh token: {rotated}\n");

    // The order of the sites means nothing: a real program picks one by URL or lets the user choose.
    let sites = token.accessible_resources().await?;
    for site in &sites {
        report += &format!("site {} {} ({} scopes)\n", site.name, site.url, site.scopes.len());
    }
    let Some(site) = sites.first() else {
        return Ok(report + "the token may call no site\n");
    };
    let client = Client::builder_for_oauth_site(&token, site).build()?;
    let issue = client.jira_platform_v2().get_issue(issue_key).fields(["summary"]).send().await?;
    let summary = issue.fields.and_then(|fields| fields.summary).unwrap_or_default();
    report += &format!("{}  {summary}\n", issue.key.as_deref().unwrap_or(issue_key));
    Ok(report)
}

#[tokio::main]
#[cfg_attr(test, allow(dead_code))] // `tests/examples.rs` includes this file and calls `run` instead.
async fn main() -> ExitCode {
    let names = ["ATLASSIAN_CLIENT_ID", "ATLASSIAN_CLIENT_SECRET", "ATLASSIAN_REDIRECT_URI"];
    let variables = names.map(|name| std::env::var(name).ok());
    let [Some(client_id), Some(secret), Some(redirect)] = variables else {
        eprintln!("Set {}: the app's credentials and callback URL from the developer console.", names.join(", "));
        return ExitCode::FAILURE;
    };
    let endpoints = Endpoints { auth: "https://auth.atlassian.com".into(), api: "https://api.atlassian.com".into() };
    let result = match app(&endpoints, &client_id, &secret, &redirect) {
        Ok(app) => match (std::env::args().nth(1), std::env::args().nth(2)) {
            (Some(code), Some(issue_key)) => run(&app, &code, &issue_key).await,
            // A real program makes the state unguessable and checks it when the redirect comes back.
            _ => app.authorization_url(&SCOPES, "example-state").map(|url| {
                format!(
                    "Open this URL, consent, then run again with the `code` of the redirect and an issue key:\n{url}\n"
                )
            }),
        },
        Err(error) => Err(error),
    };
    match result {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            if error.is_consent_required() {
                eprintln!("Run without arguments to get a new authorization URL.");
            }
            ExitCode::FAILURE
        }
    }
}
