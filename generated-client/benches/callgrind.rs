//! Counts, with valgrind's callgrind, the CPU instructions that calls through the generated client cost,
//! next to the same calls written by hand with reqwest.
//!
//! ```sh
//! cargo run --release -p atlassian-client-benches --bin callgrind            # 1000 calls per client
//! cargo run --release -p atlassian-client-benches --bin callgrind -- --calls 200 --keep target/callgrind
//! ```
//!
//! For each client the program runs itself under `valgrind --tool=callgrind` twice: once making no measured
//! call and once making N calls (both first start the runtime, the loopback server and the client, and make one
//! warm-up call). The difference divided by N is the cost of one call; startup cancels out. Everything runs on one
//! thread (a current-thread tokio runtime serving the loopback server too), so the counts barely vary between
//! runs. The server's share is the same for every client.
//!
//! The clients, all sending `GET /rest/api/2/issue/ED-1` with basic auth and decoding the answer
//! ([`ISSUE`], 1.5 KiB) into the generated `IssueBean`:
//!
//! - `reqwest`: a hand-written call on a `reqwest::Client` configured like the generated one (no redirects,
//!   60 s timeout, 10 s connect timeout, a user agent),
//! - `generated`: `client.jira_platform_v2().get_issue("ED-1").send()`,
//! - `runtime`: `Client::execute` with a hand-built runtime `Request`, then `Response::json`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use atlassian_client::jira_platform_v2::types::IssueBean;
use atlassian_client::runtime::{HttpMethod, OperationMeta, Request};
use atlassian_client::{BasicAuth, Client};
use atlassian_client_benches::{start_server, ISSUE};

const EMAIL: &str = "me@example.com";
const TOKEN: &str = "api-token";
const DEFAULT_CALLS: u64 = 1000;

static GET_ISSUE: OperationMeta = OperationMeta {
    id: "getIssue",
    method: HttpMethod::Get,
    path: "/rest/api/2/issue/{issueIdOrKey}",
    server_prefix: "",
    see_other_documented: false,
};

/// The ways of making the call that are measured.
const CLIENTS: [&str; 3] = ["reqwest", "generated", "runtime"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run_command(&args[1..]),
        _ => measure_command(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("callgrind: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `run CLIENT N`: the measured program.
fn run_command(args: &[String]) -> Result<(), String> {
    let [client, calls] = args else {
        return Err("usage: callgrind run CLIENT CALLS".to_owned());
    };
    let calls: u64 = calls.parse().map_err(|_| format!("not a number of calls: {calls}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("no tokio runtime: {error}"))?;
    runtime.block_on(make_calls(client, calls))
}

/// Starts the server and the client, makes one warm-up call, then `calls` measured calls.
async fn make_calls(client: &str, calls: u64) -> Result<(), String> {
    let base_url = start_server(ISSUE).await;
    match client {
        "reqwest" => {
            // With the generated crate's `rustls` feature reqwest has no crypto provider of its own: building a client
            // of the crate installs ring, as it would in a program that uses both.
            atlassian_client::Client::new(&base_url).map_err(|error| error.to_string())?;
            let plain = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(60))
                .connect_timeout(Duration::from_secs(10))
                .user_agent("hand-written/1.0")
                .build()
                .map_err(|error| error.to_string())?;
            let url = format!("{base_url}/rest/api/2/issue/ED-1");
            for _ in 0..=calls {
                let response = plain
                    .get(&url)
                    .basic_auth(EMAIL, Some(TOKEN))
                    .header(reqwest::header::ACCEPT, "application/json")
                    .send()
                    .await
                    .map_err(|error| error.to_string())?;
                if !response.status().is_success() {
                    return Err(format!("status {}", response.status()));
                }
                let body = response.bytes().await.map_err(|error| error.to_string())?;
                check(serde_json::from_slice::<IssueBean>(&body).map_err(|error| error.to_string())?)?;
            }
        }
        "generated" => {
            let client = client_for(&base_url)?;
            for _ in 0..=calls {
                let issue = client.jira_platform_v2().get_issue("ED-1").send().await.map_err(|e| e.to_string())?;
                check(issue)?;
            }
        }
        "runtime" => {
            let client = client_for(&base_url)?;
            for _ in 0..=calls {
                let request = Request::new(&GET_ISSUE, "/rest/api/2/issue/ED-1".to_owned());
                let response = client.execute(request).await.map_err(|error| error.to_string())?;
                let response = response.error_for_status().map_err(|error| error.to_string())?;
                check(response.json::<IssueBean>().map_err(|error| error.to_string())?)?;
            }
        }
        other => return Err(format!("unknown client `{other}`; one of {CLIENTS:?}")),
    }
    Ok(())
}

fn client_for(base_url: &str) -> Result<Client, String> {
    Client::builder(base_url).auth(BasicAuth::new(EMAIL, TOKEN)).build().map_err(|error| error.to_string())
}

/// Keeps the decoded issue alive and makes sure it is the one served.
fn check(issue: IssueBean) -> Result<(), String> {
    let issue = black_box(issue);
    match issue.key.as_deref() {
        Some("ED-1") => Ok(()),
        other => Err(format!("decoded the wrong issue: {other:?}")),
    }
}

/// The default command: runs `run` under callgrind for every client and prints a table.
fn measure_command(args: &[String]) -> Result<(), String> {
    let mut calls = DEFAULT_CALLS;
    let mut keep: Option<PathBuf> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--calls" => {
                let value = args.next().ok_or("--calls needs a number")?;
                calls = value.parse().ok().filter(|&calls| calls > 0).ok_or("--calls needs a positive number")?;
            }
            "--keep" => keep = Some(PathBuf::from(args.next().ok_or("--keep needs a folder")?)),
            other => {
                return Err(format!("unknown argument `{other}`; usage: callgrind [--calls N] [--keep DIR]"));
            }
        }
    }
    let program = std::env::current_exe().map_err(|error| format!("cannot find this program: {error}"))?;
    let folder = match &keep {
        Some(folder) => folder.clone(),
        None => std::env::temp_dir().join(format!("atlassian-client-callgrind-{}", std::process::id())),
    };
    std::fs::create_dir_all(&folder).map_err(|error| format!("{}: {error}", folder.display()))?;

    println!("| client | instructions: startup + 1 call | startup + 1 + {calls} calls | per call | vs reqwest |");
    println!("|---|---:|---:|---:|---:|");
    let mut reqwest_per_call = None;
    for client in CLIENTS {
        let startup = count_instructions(&program, &folder, client, 0)?;
        let total = count_instructions(&program, &folder, client, calls)?;
        let per_call = total.saturating_sub(startup) as f64 / calls as f64;
        let baseline = *reqwest_per_call.get_or_insert(per_call);
        println!("| {client} | {startup} | {total} | {per_call:.0} | {:.2}% |", (per_call / baseline - 1.0) * 100.0);
    }
    match keep {
        Some(folder) => println!("\ncallgrind files kept in {} (see callgrind_annotate)", folder.display()),
        None => {
            let _ = std::fs::remove_dir_all(&folder);
        }
    }
    Ok(())
}

/// Runs `program run CLIENT CALLS` under callgrind and returns the instructions it executed.
fn count_instructions(program: &Path, folder: &Path, client: &str, calls: u64) -> Result<u64, String> {
    let out_file = folder.join(format!("callgrind.out.{client}.{calls}"));
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(program)
        .args(["run", client, &calls.to_string()])
        .output()
        .map_err(|error| format!("cannot start valgrind (is it installed?): {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "{client} with {calls} calls failed under valgrind:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = std::fs::read_to_string(&out_file).map_err(|error| format!("{}: {error}", out_file.display()))?;
    text.lines()
        .find_map(|line| line.strip_prefix("totals:").or_else(|| line.strip_prefix("summary:")))
        .and_then(|count| count.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("{}: no instruction total", out_file.display()))
}
