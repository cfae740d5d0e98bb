//! Fetches one issue and prints its main fields.
//!
//! ```sh
//! export JIRA_URL=https://your-domain.atlassian.net JIRA_EMAIL=me@example.com JIRA_API_TOKEN=...
//! cargo run --example get_issue -- PROJ-1
//! ```
//!
//! Create an API token at <https://id.atlassian.com/manage-profile/security/api-tokens>.

use std::process::ExitCode;

use atlassian_client::{BasicAuth, Client, JiraDateTime};

/// Fetches `issue_key` and returns a few lines describing it.
pub async fn run(base_url: &str, email: &str, token: &str, issue_key: &str) -> atlassian_client::Result<String> {
    let client = Client::builder(base_url).auth(BasicAuth::new(email, token)).build()?;
    let issue = client
        .jira_platform_v2()
        .get_issue(issue_key)
        .fields(["summary", "status", "issuetype", "priority", "assignee", "created", "labels"])
        .send()
        .await?;

    // The system fields are typed, each an `Option`: Jira returns only the fields asked for, and sends `null` for
    // empty ones (an unassigned issue's `assignee`). Custom fields are read by id with the type you expect:
    // `issue.field::<f64>("customfield_10016")?`.
    let fields = issue.fields.unwrap_or_default();
    let summary = fields.summary.unwrap_or_default();
    let or_dash = |name: Option<String>| name.unwrap_or_else(|| "-".to_owned());
    let assignee = fields.assignee.and_then(|user| user.display_name).unwrap_or_else(|| "(unassigned)".to_owned());
    let labels = fields.labels.unwrap_or_default();

    let mut report = format!("{}  {summary}\n", issue.key.as_deref().unwrap_or(issue_key));
    report += &format!("  type:     {}\n", or_dash(fields.issuetype.and_then(|t| t.name)));
    report += &format!("  status:   {}\n", or_dash(fields.status.and_then(|s| s.name)));
    report += &format!("  priority: {}\n", or_dash(fields.priority.and_then(|p| p.name)));
    report += &format!("  assignee: {assignee}\n");
    report += &format!("  created:  {}\n", fields.created.as_ref().map_or("-", JiraDateTime::as_str));
    report += &format!("  labels:   {}\n", labels.join(", "));
    Ok(report)
}

#[tokio::main]
#[cfg_attr(test, allow(dead_code))] // `tests/examples.rs` includes this file and calls `run` instead.
async fn main() -> ExitCode {
    let variables = ["JIRA_URL", "JIRA_EMAIL", "JIRA_API_TOKEN"].map(|name| (name, std::env::var(name).ok()));
    let missing: Vec<&str> = variables.iter().filter(|(_, value)| value.is_none()).map(|(name, _)| *name).collect();
    let [(_, Some(base_url)), (_, Some(email)), (_, Some(token))] = variables else {
        eprintln!(
            "Missing {}: set JIRA_URL (https://your-domain.atlassian.net), JIRA_EMAIL and JIRA_API_TOKEN (an API \
             token from https://id.atlassian.com/manage-profile/security/api-tokens).",
            missing.join(", ")
        );
        return ExitCode::FAILURE;
    };
    let Some(issue_key) = std::env::args().nth(1) else {
        eprintln!("Usage: cargo run --example get_issue -- ISSUE-KEY");
        return ExitCode::FAILURE;
    };
    match run(&base_url, &email, &token, &issue_key).await {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            if let Some(request_id) = error.request_id() {
                eprintln!("Atlassian request id: {request_id}");
            }
            ExitCode::FAILURE
        }
    }
}
