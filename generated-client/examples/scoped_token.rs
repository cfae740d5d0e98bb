//! A scoped API token: finds the site's cloud id, then reads an issue through the gateway with basic auth.
//!
//! ```sh
//! export JIRA_URL=https://your-domain.atlassian.net JIRA_EMAIL=me@example.com JIRA_SCOPED_TOKEN=...
//! cargo run --example scoped_token -- PROJ-1
//! ```
//!
//! Create a scoped token ("Create API token with scopes", e.g. `read:jira-work`) at
//! <https://id.atlassian.com/manage-profile/security/api-tokens>.

use std::process::ExitCode;

use atlassian_client::{Client, ScopedToken};

/// Reads `issue_key` with a scoped token; `gateway` replaces `https://api.atlassian.com/ex` (for tests).
pub async fn run(
    site_url: &str,
    gateway: Option<&str>,
    email: &str,
    token: &str,
    issue_key: &str,
) -> atlassian_client::Result<String> {
    let mut scoped = ScopedToken::new(site_url, email, token);
    if let Some(gateway) = gateway {
        scoped = scoped.gateway_url(gateway);
    }
    // One request to the site's `_edge/tenant_info` for the cloud id; every call then goes through the gateway.
    let client = Client::builder_for_scoped_token(&scoped).await?.build()?;
    let issue = client.jira_platform_v2().get_issue(issue_key).fields(["summary"]).send().await?;
    let summary = issue.fields.and_then(|fields| fields.summary).unwrap_or_default();
    Ok(format!("{}\n{}  {summary}\n", client.base_url(), issue.key.as_deref().unwrap_or(issue_key)))
}

#[tokio::main]
#[cfg_attr(test, allow(dead_code))] // `tests/examples.rs` includes this file and calls `run` instead.
async fn main() -> ExitCode {
    let names = ["JIRA_URL", "JIRA_EMAIL", "JIRA_SCOPED_TOKEN"];
    let [Some(site_url), Some(email), Some(token)] = names.map(|name| std::env::var(name).ok()) else {
        eprintln!("Set {}: the site, your account email and a scoped API token.", names.join(", "));
        return ExitCode::FAILURE;
    };
    let Some(issue_key) = std::env::args().nth(1) else {
        eprintln!("Usage: cargo run --example scoped_token -- ISSUE-KEY");
        return ExitCode::FAILURE;
    };
    match run(&site_url, None, &email, &token, &issue_key).await {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
