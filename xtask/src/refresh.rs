//! `cargo xtask refresh-specs [--listing PATH] [--from URL_OR_DIR] [--only NAME] [--no-regen] [--timeout SECS]`.
//!
//! Downloads every spec of the listing again, checks that each is OpenAPI 3.0.x, and only then replaces the files
//! (each through a temporary file and a rename) and updates `specs.lock.json`. Any failure changes nothing. It
//! prints what changed for the operations the listing selects (see [`drift`](mod@drift)), regenerates the client, and fails
//! when an operation the listing selects is gone upstream, since the listing must then be edited.

mod drift;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use generator::load::{Listing, SpecSource};
use serde_json::Value;

use crate::lock::{listing_arg, sha256_hex, today_utc, Lock, LockedSpec, Staged};
use crate::{default_listing, Result};
use drift::{drift, DriftReport};

#[derive(clap::Args)]
pub struct Args {
    /// The listing whose specs to download.
    #[arg(long)]
    pub listing: Option<PathBuf>,
    /// Take each spec file (by its `x-file` name) from this mirror base URL or local folder instead of its `url`.
    #[arg(long, value_name = "URL_OR_DIR")]
    pub from: Option<String>,
    /// Refresh only the spec with this `x-spec` name.
    #[arg(long, value_name = "NAME")]
    pub only: Option<String>,
    /// Do not regenerate the client afterwards.
    #[arg(long)]
    pub no_regen: bool,
    /// Seconds allowed for each download, connecting included.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,
}

/// What to refresh, and from where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The listing whose specs to download.
    pub listing: PathBuf,
    /// A mirror base URL or a local folder to take the files from instead of each spec's `url`.
    pub from: Option<String>,
    /// Only the spec with this `x-spec` name.
    pub only: Option<String>,
    /// The time allowed for each download, connecting included.
    pub timeout: Duration,
}

/// What a refresh did.
#[derive(Debug)]
pub struct Report {
    /// The listing.
    pub listing: PathBuf,
    /// Each refreshed spec, in listing order.
    pub specs: Vec<Refreshed>,
}

/// What a refresh did to one spec.
#[derive(Debug)]
pub struct Refreshed {
    /// Its `x-spec` name.
    pub name: String,
    /// Where the new copy came from: a URL or a file.
    pub origin: String,
    /// The old copy's size and sha256, if there was one.
    pub old: Option<(u64, String)>,
    /// The old copy's `info.version`, if it had one.
    pub old_version: Option<String>,
    /// The lock entry of the new copy.
    pub new: LockedSpec,
    /// What changed, when the bytes did.
    pub drift: Option<DriftReport>,
}

impl Report {
    /// Fails, naming them, when operations the listing selects are gone from the new copies.
    pub fn check_listing(&self) -> Result<()> {
        let removed: Vec<String> = self
            .specs
            .iter()
            .filter_map(|spec| spec.drift.as_ref())
            .flat_map(|drift| drift.removed_listed.iter().map(move |listed| format!("  {}: {listed}", drift.spec)))
            .collect();
        if removed.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{} operation(s) that {} selects no longer exist upstream:\n{}\nThe new spec files and the lock are \
             written. Edit the listing (remove those entries or point them at the replacements), then run `cargo \
             xtask regen{}`.",
            removed.len(),
            self.listing.display(),
            removed.join("\n"),
            listing_arg(&self.listing),
        )
        .into())
    }

    /// Whether any spec file was replaced.
    pub fn changed(&self) -> bool {
        self.specs.iter().any(|spec| spec.drift.is_some())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for spec in &self.specs {
            let new = &spec.new;
            let Some(drift) = &spec.drift else {
                writeln!(f, "{}: unchanged at {} (sha256 {})", spec.name, spec.origin, short(&new.sha256))?;
                continue;
            };
            let version = match spec.old_version.as_deref() {
                Some(old) if old != new.info_version => format!("{old} -> {}", new.info_version),
                _ => new.info_version.clone(),
            };
            match &spec.old {
                Some((size, sha256)) => writeln!(
                    f,
                    "{}: new copy from {}: {size} -> {} bytes, sha256 {} -> {}, info.version {version}",
                    spec.name,
                    spec.origin,
                    new.size,
                    short(sha256),
                    short(&new.sha256),
                )?,
                None => writeln!(
                    f,
                    "{}: first copy from {}: {} bytes, sha256 {}, info.version {version}",
                    spec.name,
                    spec.origin,
                    new.size,
                    short(&new.sha256),
                )?,
            }
            write!(f, "{drift}")?;
        }
        Ok(())
    }
}

/// The first 12 hex digits of a sha256, enough to tell copies apart in a report.
fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

/// `cargo xtask refresh-specs`.
pub fn run(args: &Args) -> Result<()> {
    let listing = args.listing.clone().unwrap_or_else(default_listing);
    let options = Options {
        listing: listing.clone(),
        from: args.from.clone(),
        only: args.only.clone(),
        timeout: Duration::from_secs(args.timeout),
    };
    let report = refresh(&options)?;
    print!("{report}");
    // Regenerating would fail on the first missing operation; the listing must be fixed first.
    report.check_listing()?;
    if args.no_regen {
        if report.changed() {
            eprintln!("not regenerating (--no-regen): run `cargo xtask regen{}`", listing_arg(&listing));
        }
        return Ok(());
    }
    crate::regen::run(&crate::regen::Args { check: false, listing: Some(listing), out: None, all: false })
}

/// Where one spec is taken from.
enum Origin {
    Url(String),
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Url(url) => f.write_str(url),
            Origin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A downloaded spec that parsed as OpenAPI 3.0.x.
struct Fetched<'l> {
    source: &'l SpecSource,
    origin: Origin,
    bytes: Vec<u8>,
    info_version: String,
    document: Value,
}

/// Downloads the listing's specs (or the one of `options.only`), and if every download is valid OpenAPI 3.0.x,
/// replaces the spec files and updates the lock. On any failure nothing is written and the error names each
/// failed URL and why.
pub fn refresh(options: &Options) -> Result<Report> {
    let listing = Listing::load(&options.listing)?;
    let sources = chosen(&listing, options.only.as_deref())?;
    let lock_path = Lock::path(&listing);
    let old_lock = Lock::read(&lock_path)?.unwrap_or_default();
    let fetched = fetch_all(&sources, options)?;

    // Compare with the old copies and stage the new ones, the lock last: nothing is replaced yet.
    let today = today_utc();
    let mut staged = Vec::new();
    let mut specs = Vec::new();
    for spec in fetched {
        let (refreshed, file) = compare(&listing, &old_lock, spec, &today)?;
        specs.push(refreshed);
        staged.extend(file);
    }
    let mut lock = Lock::default();
    for source in &listing.specs {
        let entry = match specs.iter().find(|spec| spec.name == source.name) {
            Some(spec) => Some(spec.new.clone()),
            None => old_lock.find(&source.file).cloned(),
        };
        lock.specs.extend(entry);
    }
    if lock != old_lock {
        staged.push(Staged::new(&lock_path, lock.to_json()?.as_bytes())?);
    }
    for file in staged {
        file.commit()?;
    }
    Ok(Report { listing: options.listing.clone(), specs })
}

/// Downloads (or reads) and validates every spec; fails naming each one that could not be had, if any.
fn fetch_all<'l>(sources: &[&'l SpecSource], options: &Options) -> Result<Vec<Fetched<'l>>> {
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(options.timeout)
        .timeout(options.timeout)
        .user_agent(concat!("atlassian-client-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| format!("cannot set up the HTTP client: {}", chain(&error)))?;
    let mut fetched = Vec::new();
    let mut failures = Vec::new();
    for source in sources {
        let origin = origin(source, options.from.as_deref())?;
        let bytes = match &origin {
            Origin::Url(url) => download(&client, url, &source.name, options.timeout),
            Origin::File(path) => std::fs::read(path).map_err(|error| error.to_string()),
        };
        match bytes.map_err(|reason| format!("{origin}: {reason}")).and_then(|bytes| validate(source, origin, bytes)) {
            Ok(spec) => fetched.push(spec),
            Err(message) => failures.push(message),
        }
    }
    if failures.is_empty() {
        return Ok(fetched);
    }
    Err(format!(
        "{} of {} spec(s) could not be refreshed, so no spec file and no lock entry changed:\n  {}",
        failures.len(),
        sources.len(),
        failures.join("\n  ")
    )
    .into())
}

/// Compares a new copy with the file it replaces; returns the result and, if the bytes differ, the new file staged.
fn compare(listing: &Listing, old_lock: &Lock, spec: Fetched<'_>, today: &str) -> Result<(Refreshed, Option<Staged>)> {
    let path = listing.spec_path(spec.source);
    let old_bytes = match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(format!("{}: {error}", path.display()).into()),
    };
    let mut new = LockedSpec::new(spec.source, &spec.bytes, &spec.info_version, today);
    // The same bytes as locked keep the date they were first taken.
    if let Some(locked) = old_lock.find(&spec.source.file).filter(|locked| locked.same_copy(&new)) {
        new.date = locked.date.clone();
    }
    if old_bytes.as_deref() == Some(spec.bytes.as_slice()) {
        let refreshed = Refreshed {
            name: spec.source.name.clone(),
            origin: spec.origin.to_string(),
            old: Some((new.size, new.sha256.clone())),
            old_version: Some(new.info_version.clone()),
            new,
            drift: None,
        };
        return Ok((refreshed, None));
    }
    // An old copy that is not JSON (a broken local edit) compares as an empty document.
    let old_document: Value =
        old_bytes.as_deref().and_then(|bytes| serde_json::from_slice(bytes).ok()).unwrap_or_default();
    let staged = Staged::new(&path, &spec.bytes)?;
    let refreshed = Refreshed {
        name: spec.source.name.clone(),
        origin: spec.origin.to_string(),
        old: old_bytes.as_deref().map(|bytes| (bytes.len() as u64, sha256_hex(bytes))),
        old_version: old_document.pointer("/info/version").and_then(Value::as_str).map(str::to_owned),
        drift: Some(drift(listing, &old_document, &spec.document, &spec.source.name)),
        new,
    };
    Ok((refreshed, Some(staged)))
}

/// The listing's specs, or just the one named by `--only`.
fn chosen<'l>(listing: &'l Listing, only: Option<&str>) -> Result<Vec<&'l SpecSource>> {
    let Some(name) = only else {
        return Ok(listing.specs.iter().collect());
    };
    match listing.specs.iter().find(|source| source.name == name) {
        Some(source) => Ok(vec![source]),
        None => {
            let known: Vec<&str> = listing.specs.iter().map(|source| source.name.as_str()).collect();
            Err(format!(
                "--only {name}: {} has no spec of that name (its `x-spec` names: {})",
                listing.path.display(),
                known.join(", ")
            )
            .into())
        }
    }
}

/// Where to take a spec from: its `url`, or its file name under `--from`.
fn origin(source: &SpecSource, from: Option<&str>) -> Result<Origin> {
    let Some(from) = from else {
        return Ok(Origin::Url(source.url.clone()));
    };
    if from.starts_with("http://") || from.starts_with("https://") {
        return Ok(Origin::Url(format!("{}/{}", from.trim_end_matches('/'), source.file)));
    }
    let dir = Path::new(from);
    if !dir.is_dir() {
        return Err(format!("--from {from}: neither an http(s) URL nor a folder").into());
    }
    Ok(Origin::File(dir.join(&source.file)))
}

/// Downloads `url`, showing a progress bar on stderr; the error is the reason, for the caller to prefix with the URL.
fn download(client: &reqwest::blocking::Client, url: &str, name: &str, timeout: Duration) -> Result<Vec<u8>, String> {
    let response = client.get(url).send().map_err(|error| describe(&error.without_url(), timeout))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let expected = response.content_length();
    let bar = progress_bar(name, expected);
    let mut bytes = Vec::new();
    let read = bar.wrap_read(response).read_to_end(&mut bytes);
    bar.finish_and_clear();
    read.map_err(|error| describe(&error, timeout))?;
    match expected {
        Some(expected) if bytes.len() as u64 != expected => {
            Err(format!("the body was cut short: {} of {expected} bytes", bytes.len()))
        }
        _ => Ok(bytes),
    }
}

/// A progress bar for one download: bytes of the expected total, or a spinner when the size is unknown.
fn progress_bar(name: &str, length: Option<u64>) -> indicatif::ProgressBar {
    let (bar, template) = match length {
        Some(length) => {
            (indicatif::ProgressBar::new(length), "{prefix:>18} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
        }
        None => (indicatif::ProgressBar::new_spinner(), "{prefix:>18} {spinner} {bytes} {bytes_per_sec}"),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(name.to_owned());
    bar
}

/// Parses a download as OpenAPI 3.0.x (the generator's own check) and as JSON for the drift report.
fn validate(source: &SpecSource, origin: Origin, bytes: Vec<u8>) -> Result<Fetched<'_>, String> {
    let label = origin.to_string();
    let openapi = generator::load::parse_spec(Path::new(&label), &bytes).map_err(|error| error.to_string())?;
    let document = serde_json::from_slice(&bytes).map_err(|error| format!("{label}: not JSON: {error}"))?;
    Ok(Fetched { source, origin, bytes, info_version: openapi.info.version, document })
}

/// A download error as a reason: "timed out" for timeouts, else the messages of the error and its causes.
fn describe(error: &(dyn std::error::Error + 'static), timeout: Duration) -> String {
    if is_timeout(error) {
        format!("timed out after {} s (see --timeout)", timeout.as_secs_f64())
    } else {
        chain(error)
    }
}

/// Whether a timeout caused the error.
fn is_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.downcast_ref::<reqwest::Error>().is_some_and(reqwest::Error::is_timeout) {
            return true;
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            // An I/O error hides the error it wraps from `source()`.
            if io.kind() == std::io::ErrorKind::TimedOut || io.get_ref().is_some_and(|inner| is_timeout(inner)) {
                return true;
            }
        }
        current = error.source();
    }
    false
}

/// The messages of an error and its causes, joined with `: `, without repeats.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut messages: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(error) = current {
        let message = error.to_string();
        if !message.is_empty() && !messages.iter().any(|known| known.contains(&message)) {
            messages.push(message);
        }
        current = error.source();
    }
    messages.join(": ")
}

#[cfg(test)]
mod tests {
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
                format!("HTTP/1.1 {status} {reason}\r\nContent-Length: 5\r\nConnection: close\r\n\r\noops\n")
                    .into_bytes()
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
        let fixture =
            Fixture::new(&[("thing", "thing.json", url.clone(), old.clone())], "- x-operation-id: listThings\n");
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
        assert_refresh_fails(
            Reply::CutShort(body),
            Duration::from_secs(5),
            "end of file before message length reached",
        );
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
}
