//! Changes the time spent and the comment of a worklog, leaving the issue's remaining estimate to Jira.
//!
//! ```sh
//! export JIRA_URL=https://your-domain.atlassian.net JIRA_EMAIL=me@example.com JIRA_API_TOKEN=...
//! cargo run --example update_worklog -- PROJ-1 10001 "1h 30m" "Pairing on the checkout bug"
//! ```
//!
//! Create an API token at <https://id.atlassian.com/manage-profile/security/api-tokens>.

use std::process::ExitCode;

use atlassian_client::jira_platform_v2::types::{UpdateWorklogAdjustEstimate, Worklog};
use atlassian_client::{BasicAuth, Client};

/// Sets the time spent and the comment of worklog `worklog_id` on `issue_key`, and returns the updated worklog.
pub async fn run(
    base_url: &str,
    email: &str,
    token: &str,
    issue_key: &str,
    worklog_id: &str,
    time_spent: &str,
    comment: &str,
) -> atlassian_client::Result<Worklog> {
    let client = Client::builder(base_url).auth(BasicAuth::new(email, token)).build()?;
    // Request bodies are `#[non_exhaustive]` structs: start from `new()` and set the fields to send. Fields left
    // `None` are not sent, so Jira keeps their current values.
    let mut change = Worklog::new();
    change.time_spent = Some(time_spent.to_owned());
    change.comment = Some(comment.to_owned());
    client
        .jira_platform_v2()
        .update_worklog(issue_key, worklog_id, change)
        .adjust_estimate(UpdateWorklogAdjustEstimate::Auto)
        .notify_users(false)
        .send()
        .await
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [issue_key, worklog_id, time_spent, comment] = args.as_slice() else {
        eprintln!("Usage: cargo run --example update_worklog -- ISSUE-KEY WORKLOG-ID TIME-SPENT COMMENT");
        return ExitCode::FAILURE;
    };
    match run(&base_url, &email, &token, issue_key, worklog_id, time_spent, comment).await {
        Ok(worklog) => {
            let spent = worklog.time_spent.as_deref().unwrap_or("-");
            let updated = worklog.updated.as_ref().map_or("-", |updated| updated.as_str());
            println!("worklog {} now records {spent} (updated {updated})", worklog.id.as_deref().unwrap_or(worklog_id));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            if let Some(collection) = error.error_collection() {
                for (field, message) in &collection.errors {
                    eprintln!("  {field}: {message}");
                }
            }
            ExitCode::FAILURE
        }
    }
}
