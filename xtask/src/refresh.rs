//! `cargo xtask refresh-specs [--listing PATH] [--from URL_OR_DIR] [--only NAME] [--no-regen] [--timeout SECS]`.
//!
//! Downloads every spec of the listing again, checks that each is OpenAPI 3.0.x, and only then replaces the files
//! (each through a temporary file and a rename) and updates `specs.lock.json`. Any failure changes nothing. It
//! prints what changed for the operations the listing selects (see [`drift`](mod@drift)) and what the new copies do to
//! the overlays that correct them (see [`overlays`](mod@overlays)), regenerates the client, and fails when an
//! operation the listing selects is gone upstream or an overlay's action no longer matches, since the listing or
//! the overlay must then be edited.

mod drift;
mod overlays;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use generator::load::{Listing, SpecSource};
use serde_json::Value;

use crate::lock::{listing_arg, sha256_hex, today_utc, Lock, LockedSpec, Staged};
use crate::{default_listing, Result};
use drift::{drift, DriftReport};
use overlays::{overlay_drift, OverlayDrift};

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
    /// What the new copy does to the spec's overlays, when the bytes changed and the listing gives it overlays.
    pub overlays: Option<OverlayDrift>,
}

impl Report {
    /// Fails, naming them, when operations the listing selects are gone from the new copies, or when an overlay's
    /// action no longer matches (or its overlays no longer apply).
    pub fn check_listing(&self) -> Result<()> {
        self.check_operations()?;
        let lapsed: Vec<String> = self
            .specs
            .iter()
            .filter_map(|spec| spec.overlays.as_ref().map(|overlays| (&spec.name, overlays)))
            .flat_map(|(name, overlays)| {
                let lapsed = overlays.lapsed.iter().map(move |l| format!("  {name}: {} {}", l.overlay, l.action));
                lapsed.chain(overlays.error.iter().map(move |error| format!("  {name}: {error}")))
            })
            .collect();
        if lapsed.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{} correction(s) no longer apply to the new copies:\n{}\nThe new spec files and the lock are written. \
             Edit the overlay files named above: remove an action whose place Atlassian fixed, or point its `target` \
             at the place's new location; then run `cargo xtask regen{}`.",
            lapsed.len(),
            lapsed.join("\n"),
            listing_arg(&self.listing),
        )
        .into())
    }

    fn check_operations(&self) -> Result<()> {
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
            if let Some(overlays) = &spec.overlays {
                write!(f, "{overlays}")?;
            }
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
            overlays: None,
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
        overlays: overlay_drift(listing, spec.source, &old_document, &spec.document),
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
mod tests;
