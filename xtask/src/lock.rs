//! `cargo xtask lock-specs [--listing PATH]`, and the check `regen` runs first.
//!
//! `specs.lock.json`, next to the listing, records each spec file of the listing: where it comes from, its size,
//! sha256 and `info.version`, and the date the copy was taken. `regen` refuses to generate from a spec file that
//! does not match its lock entry, so an accidental edit of a 2 MB JSON file cannot slip into the generated client.
//! `lock-specs` accepts deliberate local changes; `refresh-specs` downloads new copies and updates the lock itself.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use generator::load::{Listing, SpecSource};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{default_listing, Result};

/// The lock's file name, in the listing's folder.
pub const LOCK_FILE: &str = "specs.lock.json";

#[derive(clap::Args)]
pub struct Args {
    /// The listing whose spec files to lock.
    #[arg(long)]
    pub listing: Option<PathBuf>,
}

/// The contents of `specs.lock.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// One entry per spec of the listing, in listing order.
    pub specs: Vec<LockedSpec>,
}

/// What the lock records about one spec file. The field order is the key order of the JSON file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedSpec {
    /// The spec's `x-spec` name in the listing.
    pub name: String,
    /// Where Atlassian publishes it (the listing's `url`).
    pub url: String,
    /// The file name (`x-file`), in the listing's folder.
    pub file: String,
    /// The lowercase hex sha256 of the file's bytes.
    pub sha256: String,
    /// The file's size in bytes.
    pub size: u64,
    /// The document's `info.version`.
    pub info_version: String,
    /// When this copy was taken, `YYYY-MM-DD` (UTC).
    pub date: String,
}

impl LockedSpec {
    /// Describes `bytes` as the copy of `source` taken on `date`.
    pub fn new(source: &SpecSource, bytes: &[u8], info_version: &str, date: &str) -> LockedSpec {
        LockedSpec {
            name: source.name.clone(),
            url: source.url.clone(),
            file: source.file.clone(),
            sha256: sha256_hex(bytes),
            size: bytes.len() as u64,
            info_version: info_version.to_owned(),
            date: date.to_owned(),
        }
    }

    /// Whether both entries describe the same bytes of the same spec, whatever their dates.
    pub fn same_copy(&self, other: &LockedSpec) -> bool {
        LockedSpec { date: String::new(), ..self.clone() } == LockedSpec { date: String::new(), ..other.clone() }
    }
}

impl Lock {
    /// Where the lock of a listing is: next to it.
    pub fn path(listing: &Listing) -> PathBuf {
        listing.spec_dir().join(LOCK_FILE)
    }

    /// Reads a lock file; `None` when there is none.
    pub fn read(path: &Path) -> Result<Option<Lock>> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(format!("{}: {error}", path.display()).into()),
        };
        let lock = serde_json::from_str(&text)
            .map_err(|error| format!("{}: not a valid spec lock: {error}", path.display()))?;
        Ok(Some(lock))
    }

    /// Writes the lock atomically: pretty-printed JSON with a trailing newline.
    pub fn write(&self, path: &Path) -> Result<()> {
        write_atomic(path, self.to_json()?.as_bytes())
    }

    /// The lock as the text of its file.
    pub fn to_json(&self) -> Result<String> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        Ok(text)
    }

    /// The entry for a spec file.
    pub fn find(&self, file: &str) -> Option<&LockedSpec> {
        self.specs.iter().find(|entry| entry.file == file)
    }
}

/// The lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Today's date in UTC as `YYYY-MM-DD`.
pub fn today_utc() -> String {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map(|elapsed| elapsed.as_secs()).unwrap_or(0);
    date_from_days(seconds / 86_400)
}

/// The date `days` days after 1970-01-01, as `YYYY-MM-DD`.
///
/// This is Howard Hinnant's `civil_from_days`, restricted to dates after the epoch.
fn date_from_days(days: u64) -> String {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months are counted from March, so that the leap day is the last day of the year.
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A file written to a temporary file next to its destination, not yet renamed into place.
///
/// Dropping it without [`Staged::commit`] deletes the temporary file and leaves the destination as it was.
pub struct Staged {
    temp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Staged {
    /// Writes `bytes` to a temporary file in `path`'s folder, with the permissions of the file it will replace.
    pub fn new(path: &Path, bytes: &[u8]) -> Result<Staged> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let describe = |error: std::io::Error| format!("{}: cannot write a temporary file: {error}", dir.display());
        let mut temp = tempfile::Builder::new().prefix(".xtask-").suffix(".tmp").tempfile_in(dir).map_err(describe)?;
        temp.write_all(bytes).map_err(describe)?;
        temp.as_file().sync_all().map_err(describe)?;
        // A temporary file is private (0600); give the new file the mode of the old one, or an ordinary mode.
        let permissions = match std::fs::metadata(path) {
            Ok(metadata) => Some(metadata.permissions()),
            Err(_) => default_permissions(),
        };
        if let Some(permissions) = permissions {
            std::fs::set_permissions(temp.path(), permissions).map_err(describe)?;
        }
        Ok(Staged { temp, path: path.to_owned() })
    }

    /// Renames the temporary file over the destination.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        self.temp.persist(&path).map_err(|error| format!("{}: {}", path.display(), error.error))?;
        Ok(())
    }
}

#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}

/// Replaces the file at `path` with `bytes` all at once: readers see the old file or the new one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    Staged::new(path, bytes)?.commit()
}

/// ` --listing PATH` when `listing` is not the default listing, for the commands suggested in messages.
pub fn listing_arg(listing: &Path) -> String {
    let canonical = |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    if canonical(listing) == canonical(&default_listing()) {
        String::new()
    } else {
        format!(" --listing {}", listing.display())
    }
}

/// Every file the lock records: the OpenAPI documents, then the JSON Schema documents (ADF, `x-json-schema`), each
/// with whether it is a JSON Schema.
pub fn locked_files(listing: &Listing) -> Vec<(SpecSource, bool)> {
    let specs = listing.specs.iter().map(|source| (source.clone(), false));
    let schemas = listing.schemas.iter().map(|schema| {
        let source = SpecSource {
            name: schema.name.clone(),
            url: schema.url.clone(),
            file: schema.file.clone(),
            overlays: Vec::new(),
        };
        (source, true)
    });
    specs.chain(schemas).collect()
}

/// Checks every spec file of the listing against the lock in the listing's folder.
///
/// Without a lock file there (a listing of the user's own, elsewhere), nothing is checked.
pub fn verify(listing: &Listing) -> Result<()> {
    let lock_path = Lock::path(listing);
    let Some(lock) = Lock::read(&lock_path)? else {
        eprintln!("note: {} does not exist, so the spec files are not checked against a lock", lock_path.display());
        return Ok(());
    };
    let listing_arg = listing_arg(&listing.path);
    let mut problems = Vec::new();
    for (source, _) in &locked_files(listing) {
        let path = listing.spec_path(source);
        let bytes = std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        let hint = format!(
            "to accept the local file as it is, run `cargo xtask lock-specs{listing_arg}`; to get the upstream copy \
             back, run `cargo xtask refresh-specs --only {}{listing_arg}`",
            source.name
        );
        match lock.find(&source.file) {
            None => problems.push(format!("{}: it has no entry in {}\n  {hint}", path.display(), lock_path.display())),
            Some(locked) => {
                let sha256 = sha256_hex(&bytes);
                if locked.size != bytes.len() as u64 || locked.sha256 != sha256 {
                    problems.push(format!(
                        "{}: it differs from its entry in {}\n  locked:  sha256 {}, {} bytes\n  on disk: sha256 {sha256}, \
                         {} bytes\n  {hint}",
                        path.display(),
                        lock_path.display(),
                        locked.sha256,
                        locked.size,
                        bytes.len(),
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{} spec file(s) do not match the lock:\n{}", problems.len(), problems.join("\n")).into())
    }
}

/// What [`lock_specs`] did to one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockChange {
    /// The file matches its entry.
    Unchanged,
    /// The entry was rewritten for the file as it is now.
    Updated,
    /// The spec had no entry.
    Added,
}

/// Records every spec file of the listing, as it is now, in the listing's lock; returns what changed per spec.
///
/// An entry whose file is unchanged keeps its date; a changed file is dated today.
pub fn lock_specs(listing: &Listing) -> Result<Vec<(String, LockChange)>> {
    let lock_path = Lock::path(listing);
    let old = Lock::read(&lock_path)?.unwrap_or_default();
    let today = today_utc();
    let mut lock = Lock::default();
    let mut changes = Vec::new();
    for (source, is_schema) in &locked_files(listing) {
        let path = listing.spec_path(source);
        let bytes = std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        let version = if *is_schema {
            // A JSON Schema has no version of its own: keep the package version `refresh-specs` recorded.
            generator::load::json_schema::parse_schema(&path, &bytes)?;
            old.find(&source.file).map_or_else(|| "unknown".to_owned(), |entry| entry.info_version.clone())
        } else {
            generator::load::parse_spec(&path, &bytes)?.info.version
        };
        let mut entry = LockedSpec::new(source, &bytes, &version, &today);
        let change = match old.find(&source.file) {
            None => LockChange::Added,
            Some(locked) if locked.same_copy(&entry) => {
                entry.date = locked.date.clone();
                LockChange::Unchanged
            }
            Some(_) => LockChange::Updated,
        };
        changes.push((source.name.clone(), change));
        lock.specs.push(entry);
    }
    if lock != old {
        lock.write(&lock_path)?;
    }
    Ok(changes)
}

/// `cargo xtask lock-specs`.
pub fn run(args: &Args) -> Result<()> {
    let listing_path = args.listing.clone().unwrap_or_else(default_listing);
    let listing = Listing::load(&listing_path)?;
    let changes = lock_specs(&listing)?;
    for (name, change) in &changes {
        let what = match change {
            LockChange::Unchanged => "unchanged",
            LockChange::Updated => "updated",
            LockChange::Added => "added",
        };
        eprintln!("{name}: {what}");
    }
    eprintln!("locked {} spec(s) in {}", changes.len(), Lock::path(&listing).display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder with a listing of one small spec, and that spec.
    fn fixture() -> (tempfile::TempDir, Listing) {
        let dir = tempfile::tempdir().expect("temp dir");
        let listing_path = dir.path().join("apis.yaml");
        let listing_text = "apis:\n- x-operation-id: getThing\nx-common:\n- type: x-openapi\n  url: http://127.0.0.1:9/thing.json\n  x-file: thing.json\n  x-spec: thing\n";
        std::fs::write(&listing_path, listing_text).expect("write listing");
        let spec = r#"{"openapi":"3.0.1","info":{"title":"Thing","version":"1.2.3"},"paths":{"/thing":{"get":{"operationId":"getThing","responses":{"200":{"description":"OK"}}}}}}"#;
        std::fs::write(dir.path().join("thing.json"), spec).expect("write spec");
        let listing = Listing::load(&listing_path).expect("listing");
        (dir, listing)
    }

    #[test]
    fn dates_are_computed_from_days_since_the_epoch() {
        assert_eq!(date_from_days(0), "1970-01-01");
        assert_eq!(date_from_days(59), "1970-03-01");
        assert_eq!(date_from_days(11_016), "2000-02-29");
        assert_eq!(date_from_days(20_437), "2025-12-15");
        assert_eq!(date_from_days(20_655), "2026-07-21");
        assert_eq!(today_utc().len(), 10);
    }

    #[test]
    fn lock_specs_records_the_files_and_verify_accepts_them() {
        let (dir, listing) = fixture();
        let changes = lock_specs(&listing).expect("lock-specs");
        assert_eq!(changes, vec![("thing".to_owned(), LockChange::Added)]);
        let lock = Lock::read(&dir.path().join(LOCK_FILE)).expect("read lock").expect("a lock");
        let bytes = std::fs::read(dir.path().join("thing.json")).expect("read spec");
        assert_eq!(lock.specs.len(), 1);
        assert_eq!(lock.specs[0].name, "thing");
        assert_eq!(lock.specs[0].url, "http://127.0.0.1:9/thing.json");
        assert_eq!(lock.specs[0].sha256, sha256_hex(&bytes));
        assert_eq!(lock.specs[0].size, bytes.len() as u64);
        assert_eq!(lock.specs[0].info_version, "1.2.3");
        assert_eq!(lock.specs[0].date, today_utc());
        let text = std::fs::read_to_string(dir.path().join(LOCK_FILE)).expect("read lock text");
        assert!(text.ends_with("}\n"), "{text}");
        assert!(text.find("\"name\"") < text.find("\"url\"") && text.find("\"size\"") < text.find("\"date\""));

        verify(&listing).expect("the files match the lock");

        // Running it again changes nothing, not even the file.
        let before = std::fs::metadata(dir.path().join(LOCK_FILE)).and_then(|m| m.modified()).expect("mtime");
        assert_eq!(lock_specs(&listing).expect("again"), vec![("thing".to_owned(), LockChange::Unchanged)]);
        let after = std::fs::metadata(dir.path().join(LOCK_FILE)).and_then(|m| m.modified()).expect("mtime");
        assert_eq!(before, after);
    }

    #[test]
    fn verify_names_a_changed_file_both_hashes_and_the_fix() {
        let (dir, listing) = fixture();
        lock_specs(&listing).expect("lock-specs");
        let path = dir.path().join("thing.json");
        let mut bytes = std::fs::read(&path).expect("read spec");
        let old_sha = sha256_hex(&bytes);
        // Same size, one byte different: `1.2.3` -> `1.2.4`.
        let at = bytes.windows(5).position(|w| w == b"1.2.3").expect("version in fixture");
        bytes[at + 4] = b'4';
        std::fs::write(&path, &bytes).expect("write spec");

        let message = verify(&listing).expect_err("a changed file").to_string();
        assert!(message.contains("thing.json"), "{message}");
        assert!(message.contains(&old_sha), "{message}");
        assert!(message.contains(&sha256_hex(&bytes)), "{message}");
        assert!(message.contains("cargo xtask lock-specs --listing"), "{message}");
        assert!(message.contains("cargo xtask refresh-specs --only thing"), "{message}");

        // Accepting the change makes it pass, with a new entry.
        assert_eq!(lock_specs(&listing).expect("lock-specs"), vec![("thing".to_owned(), LockChange::Updated)]);
        verify(&listing).expect("accepted");
    }

    #[test]
    fn verify_rejects_a_spec_without_an_entry_and_skips_a_listing_without_a_lock() {
        let (dir, listing) = fixture();
        verify(&listing).expect("no lock: nothing to check");

        std::fs::write(dir.path().join(LOCK_FILE), "{\"specs\": []}\n").expect("write lock");
        let message = verify(&listing).expect_err("no entry").to_string();
        assert!(message.contains("thing.json: it has no entry"), "{message}");
        assert!(message.contains("cargo xtask lock-specs"), "{message}");
        assert!(message.contains("refresh-specs --only thing"), "{message}");
    }

    #[test]
    fn lock_specs_rejects_a_file_that_is_not_openapi() {
        let (dir, listing) = fixture();
        std::fs::write(dir.path().join("thing.json"), "{\"swagger\": \"2.0\"}").expect("write spec");
        let message = lock_specs(&listing).expect_err("not OpenAPI 3.0").to_string();
        assert!(message.contains("thing.json") && message.contains("Swagger"), "{message}");
        assert!(!dir.path().join(LOCK_FILE).exists());
    }

    #[test]
    fn json_schema_files_are_locked_and_checked_too() {
        let (dir, _) = fixture();
        let listing_path = dir.path().join("apis.yaml");
        let mut text = std::fs::read_to_string(&listing_path).expect("read listing");
        text.push_str("- type: x-json-schema\n  url: http://127.0.0.1:9/adf\n  x-file: adf/full.json\n  x-spec: adf\n");
        std::fs::write(&listing_path, text).expect("write listing");
        std::fs::create_dir(dir.path().join("adf")).expect("mkdir");
        let schema = r##"{"$schema":"http://json-schema.org/draft-04/schema#","$ref":"#/definitions/doc","definitions":{"doc":{}}}"##;
        std::fs::write(dir.path().join("adf/full.json"), schema).expect("write schema");
        let listing = Listing::load(&listing_path).expect("listing");
        let changes = lock_specs(&listing).expect("lock-specs");
        assert_eq!(changes[1], ("adf".to_owned(), LockChange::Added));
        verify(&listing).expect("the files match the lock");

        std::fs::write(dir.path().join("adf/full.json"), schema.replace("doc", "dok")).expect("edit schema");
        let message = verify(&listing).expect_err("an edited schema").to_string();
        assert!(message.contains("full.json: it differs from its entry"), "{message}");
    }

    #[test]
    fn the_committed_lock_matches_the_committed_specs() {
        let listing = Listing::load(&default_listing()).expect("default listing");
        let lock = Lock::read(&Lock::path(&listing)).expect("read").expect("specs/specs.lock.json exists");
        let names: Vec<&str> = lock.specs.iter().map(|entry| entry.name.as_str()).collect();
        let files = locked_files(&listing);
        let listed: Vec<&str> = files.iter().map(|(source, _)| source.name.as_str()).collect();
        assert_eq!(names, listed);
        // The file is exactly what `lock-specs` would write.
        let text = std::fs::read_to_string(Lock::path(&listing)).expect("read lock text");
        assert_eq!(lock.to_json().expect("serialize"), text);
        verify(&listing).expect("the committed specs match their lock");
    }
}
