//! Creates an issue whose description is written in Markdown (REST v3 wants rich text as ADF), then reads it back
//! and prints the description as plain text.
//!
//! ```sh
//! export JIRA_URL=https://your-domain.atlassian.net JIRA_EMAIL=me@example.com JIRA_API_TOKEN=...
//! cargo run --example create_issue_markdown -- PROJ Bug "Checkout fails" "Steps:\n\n1. Add an item\n2. **Pay**"
//! ```
//!
//! Create an API token at <https://id.atlassian.com/manage-profile/security/api-tokens>.

use std::collections::BTreeMap;
use std::process::ExitCode;

use atlassian_client::adf::Document;
use atlassian_client::jira_platform_v3::types::IssueUpdateDetails;
use atlassian_client::{BasicAuth, Client};
use serde_json::json;

/// What the example did: the new issue's key and its description as Jira returns it, as plain text.
#[derive(Debug, PartialEq, Eq)]
pub struct Created {
    pub key: String,
    pub description: String,
}

/// Creates an issue of type `issue_type` in project `project_key` with a Markdown description, and reads the
/// description back.
pub async fn run(
    base_url: &str,
    email: &str,
    token: &str,
    project_key: &str,
    issue_type: &str,
    summary: &str,
    markdown: &str,
) -> atlassian_client::Result<Created> {
    let client = Client::builder(base_url).auth(BasicAuth::new(email, token)).build()?;
    let jira = client.jira_platform_v3();

    let description = Document::from_markdown(markdown);
    let fields = BTreeMap::from([
        ("project".to_owned(), json!({ "key": project_key })),
        ("issuetype".to_owned(), json!({ "name": issue_type })),
        ("summary".to_owned(), json!(summary)),
        ("description".to_owned(), serde_json::to_value(&description).expect("a document serialises")),
    ]);
    let mut details = IssueUpdateDetails::new();
    details.fields = Some(fields);
    let created = jira.create_issue(details).send().await?;
    let key = created.key.unwrap_or_default();

    let issue = jira.get_issue(key.as_str()).fields(["description"]).send().await?;
    // `fields` is an open map: read `description` as the type it holds in REST v3.
    let description: Option<Document> = issue.field("description")?;
    Ok(Created { key, description: description.map(|d| d.to_plain_text()).unwrap_or_default() })
}

#[tokio::main]
#[cfg_attr(test, allow(dead_code))] // `tests/examples.rs` includes this file and calls `run` instead.
async fn main() -> ExitCode {
    let variables = ["JIRA_URL", "JIRA_EMAIL", "JIRA_API_TOKEN"].map(|name| (name, std::env::var(name).ok()));
    let missing: Vec<&str> = variables.iter().filter(|(_, value)| value.is_none()).map(|(name, _)| *name).collect();
    let [(_, Some(base_url)), (_, Some(email)), (_, Some(token))] = variables else {
        eprintln!("Missing {}: set JIRA_URL, JIRA_EMAIL and JIRA_API_TOKEN.", missing.join(", "));
        return ExitCode::FAILURE;
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [project, issue_type, summary, markdown] = args.as_slice() else {
        eprintln!("Usage: cargo run --example create_issue_markdown -- PROJECT-KEY ISSUE-TYPE SUMMARY MARKDOWN");
        return ExitCode::FAILURE;
    };
    let markdown = markdown.replace("\\n", "\n");
    match run(&base_url, &email, &token, project, issue_type, summary, &markdown).await {
        Ok(created) => {
            println!("created {}; its description reads:\n{}", created.key, created.description);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
