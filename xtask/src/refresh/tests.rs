use super::*;
use std::collections::HashMap;
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// How the test server answers a path.
#[derive(Clone)]
enum Reply {
    /// 200 with this body.
    Body(Vec<u8>),
    /// This status, with a short text body.
    Status(u16),
    /// 200 announcing twice this body's length, then closing after the body.
    CutShort(Vec<u8>),
    /// 200 with this body, after a pause.
    Slow(Duration, Vec<u8>),
    /// 200 with the first half of this body, then a pause, then the rest.
    Stall(Duration, Vec<u8>),
}

/// An HTTP/1.1 server on 127.0.0.1, one thread per connection; it stops when dropped.
struct Server {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(routes: HashMap<String, Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let routes = Arc::new(routes);
        let thread = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        let routes = routes.clone();
                        std::thread::spawn(move || serve(stream, &routes));
                    }
                }
            })
        };
        Server { address, stop, thread: Some(thread) }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}/{path}", self.address)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread so it sees the flag.
        let _ = TcpStream::connect(self.address);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(mut stream: TcpStream, routes: &HashMap<String, Reply>) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let path = text.split(' ').nth(1).unwrap_or("/").trim_start_matches('/').to_owned();
    let ok = |body: &[u8], length: usize| {
        let mut response =
                format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n")
                    .into_bytes();
        response.extend_from_slice(body);
        response
    };
    let response = match routes.get(&path).cloned().unwrap_or(Reply::Status(404)) {
        Reply::Stall(pause, body) => {
            let response = ok(&body, body.len());
            let (first, rest) = response.split_at(response.len() - body.len() / 2);
            let _ = stream.write_all(first).and_then(|()| stream.flush());
            std::thread::sleep(pause);
            rest.to_vec()
        }
        Reply::Body(body) => ok(&body, body.len()),
        Reply::CutShort(body) => ok(&body, body.len() * 2),
        Reply::Slow(pause, body) => {
            std::thread::sleep(pause);
            ok(&body, body.len())
        }
        Reply::Status(status) => {
            let reason = match status {
                404 => "Not Found",
                500 => "Internal Server Error",
                _ => "Error",
            };
            format!("HTTP/1.1 {status} {reason}\r\nContent-Length: 5\r\nConnection: close\r\n\r\noops\n").into_bytes()
        }
    };
    let _ = stream.write_all(&response);
    let _ = stream.flush();
}

/// A small spec with two operations.
fn thing_spec(version: &str, extra_parameter: bool) -> Vec<u8> {
    let mut parameters = vec![serde_json::json!({"name": "limit", "in": "query", "schema": {"type": "integer"}})];
    if extra_parameter {
        parameters.push(serde_json::json!({"name": "expand", "in": "query", "schema": {"type": "string"}}));
    }
    let spec = serde_json::json!({
        "openapi": "3.0.1",
        "info": {"title": "Things", "version": version},
        "paths": {
            "/rest/api/2/thing": {
                "get": {"operationId": "listThings", "parameters": parameters, "responses": {"200": {"description": "OK"}}},
                "delete": {"operationId": "deleteThings", "responses": {"204": {"description": "Deleted"}}}
            }
        }
    });
    serde_json::to_vec(&spec).expect("serialize")
}

/// A folder with a listing, its spec files and their lock.
struct Fixture {
    dir: tempfile::TempDir,
    listing: PathBuf,
}

impl Fixture {
    /// `specs`: (x-spec, x-file, url, bytes); `entries`: the `apis` list, as YAML.
    fn new(specs: &[(&str, &str, String, Vec<u8>)], entries: &str) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut text = format!("apis:\n{entries}x-common:\n");
        for (name, file, url, bytes) in specs {
            text.push_str(&format!("- type: x-openapi\n  url: {url}\n  x-file: {file}\n  x-spec: {name}\n"));
            std::fs::write(dir.path().join(file), bytes).expect("write spec");
        }
        let listing = dir.path().join("apis.yaml");
        std::fs::write(&listing, text).expect("write listing");
        let loaded = Listing::load(&listing).expect("load listing");
        crate::lock::lock_specs(&loaded).expect("lock the fixture");
        Fixture { dir, listing }
    }

    fn options(&self, timeout: Duration) -> Options {
        Options { listing: self.listing.clone(), from: None, only: None, timeout }
    }

    fn read(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(file)).expect("read fixture file")
    }

    fn lock(&self) -> Lock {
        Lock::read(&self.dir.path().join(crate::lock::LOCK_FILE)).expect("read lock").expect("a lock")
    }
}

/// The committed Jira Software spec.
fn jira_software() -> Vec<u8> {
    std::fs::read(crate::project_root().join("specs").join("jira-software.swagger.v3.json")).expect("read spec")
}

#[test]
fn refresh_replaces_a_changed_spec_reports_the_drift_and_updates_the_lock() {
    let old = jira_software();
    let mut document: Value = serde_json::from_slice(&old).expect("parse");
    let board = "/paths/~1rest~1agile~11.0~1board~1{boardId}";
    document.pointer_mut(board).and_then(Value::as_object_mut).expect("board path").shift_remove("delete");
    document
        .pointer_mut("/paths/~1rest~1agile~11.0~1board/get/parameters")
        .and_then(Value::as_array_mut)
        .expect("parameters")
        .push(serde_json::json!({"name": "boardVariant", "in": "query", "schema": {"type": "string"}}));
    document
        .pointer_mut("/components/schemas/SearchResults/properties")
        .and_then(Value::as_object_mut)
        .expect("SearchResults")
        .insert("nextPageToken".into(), serde_json::json!({"type": "string"}));
    let new = serde_json::to_vec(&document).expect("serialize");

    let file = "jira-software.swagger.v3.json";
    let server = Server::start(HashMap::from([(file.to_owned(), Reply::Body(new.clone()))]));
    let entries = "- x-api-slug: agile10board-get\n- x-api-slug: agile10boardboardid-delete\n\
                       - x-api-slug: agile10boardboardidbacklog-get\n- x-operation-id: getBoard\n";
    let fixture = Fixture::new(&[("jira-software", file, server.url(file), old.clone())], entries);
    let old_lock = fixture.lock();
    // The committed spec files are read-only; the new copy replaces the old one all the same, and stays so.
    let path = fixture.dir.path().join(file);
    let mut permissions = std::fs::metadata(&path).expect("metadata").permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&path, permissions).expect("make read-only");

    let report = refresh(&fixture.options(Duration::from_secs(10))).expect("refresh");
    assert_eq!(fixture.read(file), new);
    assert!(std::fs::metadata(&path).expect("metadata").permissions().readonly());
    let lock = fixture.lock();
    assert_eq!(lock.specs.len(), 1);
    assert_eq!(lock.specs[0].sha256, sha256_hex(&new));
    assert_eq!(lock.specs[0].size, new.len() as u64);
    assert_eq!(lock.specs[0].url, server.url(file));
    assert_eq!(lock.specs[0].info_version, "1001.0.0");
    assert_eq!(lock.specs[0].date, today_utc());
    assert_ne!(lock, old_lock);
    crate::lock::verify(&Listing::load(&fixture.listing).expect("listing")).expect("the new file matches the lock");

    let text = report.to_string();
    let expected = format!(
        "jira-software: new copy from {}: 658032 -> {} bytes, sha256 2aaf78263730 -> {}, info.version 1001.0.0\n\
             jira-software: 105 -> 104 operations (0 added, 1 removed)\n  \
             4 listed operation(s): 1 removed, 2 changed, 0 changed in documentation only, 0 newly matched\n  \
             removed (the listing still selects them):\n    \
             DELETE /rest/agile/1.0/board/{{boardId}} (listed as agile10boardboardid-delete)\n  \
             changed:\n    \
             GET /rest/agile/1.0/board (listed as agile10board-get)\n      \
             parameter `boardVariant` in query: added (optional)\n    \
             GET /rest/agile/1.0/board/{{boardId}}/backlog (listed as agile10boardboardidbacklog-get)\n      \
             response 200: schemas changed: `SearchResults`\n",
        server.url(file),
        new.len(),
        short(&sha256_hex(&new)),
    );
    assert_eq!(text, expected);

    let message = report.check_listing().expect_err("a listed operation is gone").to_string();
    assert!(message.contains("DELETE /rest/agile/1.0/board/{boardId}"), "{message}");
    assert!(message.contains("apis.yaml"), "{message}");

    // The same download again changes nothing.
    let report = refresh(&fixture.options(Duration::from_secs(10))).expect("refresh again");
    assert!(!report.changed());
    assert!(report.to_string().starts_with("jira-software: unchanged at http://127.0.0.1:"), "{report}");
    assert_eq!(fixture.lock(), lock);
}

#[test]
fn refresh_only_one_spec_from_a_local_folder() {
    let old_thing = thing_spec("1", false);
    let new_thing = thing_spec("2", true);
    let fixture = Fixture::new(
        &[
            ("thing", "thing.json", "http://127.0.0.1:9/thing.json".into(), old_thing.clone()),
            ("other", "other.json", "http://127.0.0.1:9/other.json".into(), thing_spec("1", false)),
        ],
        "- x-spec: thing\n  x-operation-id: listThings\n",
    );
    let mirror = tempfile::tempdir().expect("temp dir");
    std::fs::write(mirror.path().join("thing.json"), &new_thing).expect("write mirror");
    let old_lock = fixture.lock();

    let options = Options {
        from: Some(mirror.path().display().to_string()),
        only: Some("thing".into()),
        ..fixture.options(Duration::from_secs(5))
    };
    let report = refresh(&options).expect("refresh");
    report.check_listing().expect("nothing listed is gone");
    assert_eq!(fixture.read("thing.json"), new_thing);
    let lock = fixture.lock();
    assert_eq!(lock.specs[0].sha256, sha256_hex(&new_thing));
    assert_eq!(lock.specs[0].info_version, "2");
    assert_eq!(lock.specs[1], old_lock.specs[1]);
    let text = report.to_string();
    assert!(text.contains("thing: new copy from "), "{text}");
    assert!(text.contains("info.version 1 -> 2"), "{text}");
    assert!(text.contains("GET /rest/api/2/thing (listed as operationId listThings)\n      parameter `expand` in query: added (optional)\n"), "{text}");

    let unknown = Options { only: Some("nope".into()), ..fixture.options(Duration::from_secs(5)) };
    let message = refresh(&unknown).expect_err("unknown spec").to_string();
    assert!(message.contains("--only nope") && message.contains("thing, other"), "{message}");
}

/// Serves `reply` for the only spec of a fixture and checks that refresh fails naming the URL and `reason`,
/// changing nothing.
fn assert_refresh_fails(reply: Reply, timeout: Duration, reason: &str) {
    let old = thing_spec("1", false);
    let server = Server::start(HashMap::from([("thing.json".to_owned(), reply)]));
    let url = server.url("thing.json");
    let fixture = Fixture::new(&[("thing", "thing.json", url.clone(), old.clone())], "- x-operation-id: listThings\n");
    let lock_text = fixture.read(crate::lock::LOCK_FILE);

    let message = refresh(&fixture.options(timeout)).expect_err("refresh must fail").to_string();
    assert!(message.contains(&format!("{url}: ")), "{message}");
    assert!(message.contains(reason), "{message}");
    assert!(message.contains("no spec file and no lock entry changed"), "{message}");
    assert_eq!(fixture.read("thing.json"), old);
    assert_eq!(fixture.read(crate::lock::LOCK_FILE), lock_text);
    let leftovers: Vec<_> = std::fs::read_dir(fixture.dir.path())
        .expect("list fixture")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn refresh_fails_on_http_404() {
    assert_refresh_fails(Reply::Status(404), Duration::from_secs(5), "HTTP 404 Not Found");
}

#[test]
fn refresh_fails_on_http_500() {
    assert_refresh_fails(Reply::Status(500), Duration::from_secs(5), "HTTP 500 Internal Server Error");
}

#[test]
fn refresh_fails_on_a_body_cut_short() {
    let body = thing_spec("2", true);
    assert_refresh_fails(Reply::CutShort(body), Duration::from_secs(5), "end of file before message length reached");
}

#[test]
fn refresh_fails_on_truncated_json() {
    let body = thing_spec("2", true);
    let half = body[..body.len() / 2].to_vec();
    assert_refresh_fails(Reply::Body(half), Duration::from_secs(5), "not JSON: EOF while parsing");
}

#[test]
fn refresh_fails_on_json_that_is_not_openapi() {
    let body = br#"{"swagger": "2.0", "info": {"title": "Old", "version": "1"}, "paths": {}}"#.to_vec();
    assert_refresh_fails(Reply::Body(body), Duration::from_secs(5), "Swagger \"2.0\" is not supported");
    let body = br#"{"hello": "world"}"#.to_vec();
    assert_refresh_fails(Reply::Body(body), Duration::from_secs(5), "no `openapi` field");
}

#[test]
fn refresh_fails_on_a_server_slower_than_the_timeout() {
    let reply = Reply::Slow(Duration::from_secs(3), thing_spec("2", true));
    assert_refresh_fails(reply, Duration::from_secs(1), "timed out after 1 s");
}

#[test]
fn refresh_fails_on_a_body_slower_than_the_timeout() {
    let reply = Reply::Stall(Duration::from_secs(3), thing_spec("2", true));
    assert_refresh_fails(reply, Duration::from_secs(1), "timed out after 1 s");
}

#[test]
fn refresh_changes_nothing_when_one_of_several_downloads_fails() {
    let server = Server::start(HashMap::from([
        ("thing.json".to_owned(), Reply::Body(thing_spec("2", true))),
        ("other.json".to_owned(), Reply::Status(500)),
    ]));
    let old = thing_spec("1", false);
    let fixture = Fixture::new(
        &[
            ("thing", "thing.json", server.url("thing.json"), old.clone()),
            ("other", "other.json", server.url("other.json"), old.clone()),
        ],
        "- x-operation-id: listThings\n",
    );
    let lock_text = fixture.read(crate::lock::LOCK_FILE);
    let message = refresh(&fixture.options(Duration::from_secs(5))).expect_err("one failed").to_string();
    assert!(message.starts_with("1 of 2 spec(s) could not be refreshed"), "{message}");
    assert!(message.contains(&format!("{}: HTTP 500", server.url("other.json"))), "{message}");
    assert_eq!(fixture.read("thing.json"), old);
    assert_eq!(fixture.read(crate::lock::LOCK_FILE), lock_text);
}

#[test]
fn a_mirror_url_is_the_base_for_each_file_name() {
    let source = SpecSource {
        name: "x".into(),
        url: "https://example.com/a/b.json".into(),
        file: "x.json".into(),
        overlays: Vec::new(),
    };
    let url = |from: Option<&str>| origin(&source, from).map(|origin| origin.to_string()).expect("origin");
    assert_eq!(url(None), "https://example.com/a/b.json");
    assert_eq!(url(Some("http://127.0.0.1:8080/mirror/")), "http://127.0.0.1:8080/mirror/x.json");
    assert!(origin(&source, Some("/no/such/folder")).is_err());
}

/// A spec with two component schemas, `Thing` (with `extra` upstream's change to it) and optionally `Gadget`.
fn corrected_spec(version: &str, extra: bool, gadget: bool) -> Vec<u8> {
    let mut thing = serde_json::json!({"type": "object", "properties": {"The name.": {"type": "string"}}});
    if extra {
        thing["properties"]["size"] = serde_json::json!({"type": "integer"});
    }
    let mut schemas = serde_json::json!({"Thing": thing});
    if gadget {
        schemas["Gadget"] = serde_json::json!({"type": "object"});
    }
    let spec = serde_json::json!({
        "openapi": "3.0.1",
        "info": {"title": "Things", "version": version},
        "paths": {"/rest/api/2/thing": {"get": {"operationId": "listThings", "responses": {"200": {
            "description": "OK",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
        }}}}},
        "components": {"schemas": schemas}
    });
    serde_json::to_vec(&spec).expect("serialize")
}

/// A fixture whose spec `thing` is corrected by `overlays/things.yaml`, and a mirror holding `new` for it.
fn corrected_fixture(new: &[u8]) -> (Fixture, tempfile::TempDir) {
    let fixture = Fixture::new(
        &[("thing", "thing.json", "http://127.0.0.1:9/thing.json".into(), corrected_spec("1", false, true))],
        "- x-operation-id: listThings\n",
    );
    let text = std::fs::read_to_string(&fixture.listing).expect("listing");
    let text = text.replace("x-spec: thing\n", "x-spec: thing\n  x-overlays: [overlays/things.yaml]\n");
    std::fs::write(&fixture.listing, text).expect("write listing");
    std::fs::create_dir(fixture.dir.path().join("overlays")).expect("mkdir");
    let overlay = "overlay: 1.0.0\ninfo:\n  title: Fixes\n  version: 1.0.0\nactions:\n\
        - target: $.components.schemas.Thing\n  description: Jira sends name\n  update:\n    properties:\n      name: {type: string}\n\
        - target: $.components.schemas.Gadget\n  update:\n    x-note: checked\n";
    std::fs::write(fixture.dir.path().join("overlays/things.yaml"), overlay).expect("write overlay");
    let mirror = tempfile::tempdir().expect("temp dir");
    std::fs::write(mirror.path().join("thing.json"), new).expect("write mirror");
    (fixture, mirror)
}

#[test]
fn refresh_reports_the_corrections_that_lapsed_and_the_corrected_places_that_changed_upstream() {
    let new = corrected_spec("2", true, false);
    let (fixture, mirror) = corrected_fixture(&new);
    let options =
        Options { from: Some(mirror.path().display().to_string()), ..fixture.options(Duration::from_secs(5)) };
    let report = refresh(&options).expect("the new copy is written");
    assert_eq!(fixture.read("thing.json"), new);
    let text = report.to_string();
    assert!(
        text.contains("  overlays: 2 action(s), 1 no longer match, 1 corrected place(s) changed upstream\n"),
        "{text}"
    );
    assert!(
        text.contains("  actions that no longer match (edit or remove them):\n    overlays/things.yaml action 1 (target `$.components.schemas.Gadget`)\n"),
        "{text}"
    );
    assert!(
        text.contains("    overlays/things.yaml action 0 (\"Jira sends name\", target `$.components.schemas.Thing`): `/components/schemas/Thing`\n"),
        "{text}"
    );
    let message = report.check_listing().expect_err("a lapsed correction fails the refresh").to_string();
    assert!(message.contains("1 correction(s) no longer apply to the new copies:"), "{message}");
    assert!(
        message.contains("thing: overlays/things.yaml action 1 (target `$.components.schemas.Gadget`)"),
        "{message}"
    );
    assert!(message.contains("Edit the overlay files named above"), "{message}");
}

#[test]
fn refresh_with_overlays_that_still_apply_passes_and_says_so() {
    let new = corrected_spec("2", false, true);
    let (fixture, mirror) = corrected_fixture(&new);
    let options =
        Options { from: Some(mirror.path().display().to_string()), ..fixture.options(Duration::from_secs(5)) };
    let report = refresh(&options).expect("refresh");
    let text = report.to_string();
    assert!(
        text.contains("  overlays: 2 action(s), 0 no longer match, 0 corrected place(s) changed upstream\n"),
        "{text}"
    );
    report.check_listing().expect("every correction still applies");
}
