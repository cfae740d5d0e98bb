//! Lists every worklog of an issue, fetching the pages one after another, and adds up the time spent.
//!
//! ```sh
//! export JIRA_URL=https://your-domain.atlassian.net JIRA_EMAIL=me@example.com JIRA_API_TOKEN=...
//! cargo run --example list_worklogs -- PROJ-1
//! ```
//!
//! Create an API token at <https://id.atlassian.com/manage-profile/security/api-tokens>.

use std::process::ExitCode;

use atlassian_client::{BasicAuth, Client};
use futures_util::TryStreamExt;

/// What [`run`] found.
#[derive(Debug)]
pub struct Worklogs {
    /// One line per worklog: when it started, who logged it, how long.
    pub lines: Vec<String>,
    /// The time spent, summed over every worklog, in seconds.
    pub total_seconds: i64,
}

/// Streams the worklogs of `issue_key`, asking for `page_size` of them per request.
pub async fn run(
    base_url: &str,
    email: &str,
    token: &str,
    issue_key: &str,
    page_size: i32,
) -> atlassian_client::Result<Worklogs> {
    let client = Client::builder(base_url).auth(BasicAuth::new(email, token)).build()?;
    // `into_stream` yields the items of every page, requesting the next page (`startAt`) only when the items
    // of the current one are used up. It stops at the last page, and after the first error. Pin it to poll it.
    let worklogs = client.jira_platform_v2().get_issue_worklog(issue_key).max_results(page_size).into_stream();
    let mut worklogs = std::pin::pin!(worklogs);
    let mut found = Worklogs { lines: Vec::new(), total_seconds: 0 };
    while let Some(worklog) = worklogs.try_next().await? {
        let author = worklog.author.and_then(|author| author.display_name).unwrap_or_else(|| "someone".to_owned());
        let started = worklog.started.as_ref().map_or("-", |started| started.as_str());
        let spent = worklog.time_spent.as_deref().unwrap_or("-");
        found.lines.push(format!("{started}  {author}  {spent}"));
        found.total_seconds += worklog.time_spent_seconds.unwrap_or(0);
    }
    Ok(found)
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
        eprintln!("Usage: cargo run --example list_worklogs -- ISSUE-KEY");
        return ExitCode::FAILURE;
    };
    match run(&base_url, &email, &token, &issue_key, 100).await {
        Ok(worklogs) => {
            for line in &worklogs.lines {
                println!("{line}");
            }
            let minutes = worklogs.total_seconds / 60;
            println!("{} worklogs, {}h {:02}m in total", worklogs.lines.len(), minutes / 60, minutes % 60);
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
