//! Shared by the benchmarks: a loopback HTTP server and the JSON documents it serves.
//!
//! The server is a tokio `TcpListener` speaking just enough HTTP/1.1 keep-alive for bodiless GET requests, so
//! that its own cost stays small next to the client's.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A Jira issue of typical shape, about 1.5 KiB.
pub const ISSUE: &str = r#"{"expand":"renderedFields,names,schema,operations,editmeta,changelog","id":"10002","self":"https://your-domain.atlassian.net/rest/api/2/issue/10002","key":"ED-1","fields":{"summary":"Main order flow broken","created":"2021-01-17T12:34:00.000+0000","updated":"2021-01-18T08:00:00.000+0000","status":{"self":"https://your-domain.atlassian.net/rest/api/2/status/10000","description":"","name":"To Do","id":"10000","statusCategory":{"id":2,"key":"new","colorName":"blue-gray","name":"To Do"}},"priority":{"name":"Medium","id":"3"},"labels":["checkout","regression"],"assignee":{"accountId":"5b10a2844c20165700ede21g","displayName":"Mia Krystof","active":true,"timeZone":"Australia/Sydney","avatarUrls":{"48x48":"https://avatar-management--avatars.server-location.prod.public.atl-paas.net/initials/MK-5.png?size=48&s=48","24x24":"https://avatar-management--avatars.server-location.prod.public.atl-paas.net/initials/MK-5.png?size=24&s=24"}},"comment":{"comments":[{"id":"10000","body":"Lorem ipsum dolor sit amet, consectetur adipiscing elit. Pellentesque eget venenatis elit.","created":"2021-01-17T12:34:00.000+0000","updated":"2021-01-18T23:45:00.000+0000","visibility":{"type":"role","value":"Administrators"}}],"maxResults":1,"total":1,"startAt":0},"timetracking":{"originalEstimate":"10m","remainingEstimate":"3m","timeSpent":"6m","originalEstimateSeconds":600,"remainingEstimateSeconds":200,"timeSpentSeconds":400},"issuelinks":[]}}"#;

/// A real `getIssue` response of Jira Cloud (`GET /rest/api/2/issue/FOO-123`, 4.6 KiB): the capture
/// `getIssue/atlassian-api__atlassian-python-api__foo-123-v2.json` of the project's response fixtures, byte for
/// byte. (The spec's own example gives `attachment[].id` as a number, which Jira never sends, so it no longer
/// decodes into the typed issue fields.)
pub const GET_ISSUE_CAPTURE: &str = include_str!("data/get_issue_capture.json");

/// Answers every request on one connection with `body`, keeping the connection open.
async fn serve_connection(mut socket: TcpStream, body: &'static str) {
    let response =
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len());
    let mut pending = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        let read = match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        pending.extend_from_slice(&buffer[..read]);
        // The benchmarks send bodiless GETs, so a request ends at its blank line.
        while let Some(end) = pending.windows(4).position(|window| window == b"\r\n\r\n") {
            pending.drain(..end + 4);
            if socket.write_all(response.as_bytes()).await.is_err() {
                return;
            }
        }
    }
}

/// Starts a loopback server answering every request with `body` on the current tokio runtime, and returns its
/// base URL (`http://127.0.0.1:<port>`).
pub async fn start_server(body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let address = listener.local_addr().expect("the listener has an address");
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(serve_connection(socket, body));
        }
    });
    format!("http://{address}")
}
