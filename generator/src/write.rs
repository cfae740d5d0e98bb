//! Stage 6, **write**: replaces the generated part of a crate (its `Cargo.toml` and `src/generated/`) with the
//! new files, or reports which files differ. Everything is built in memory first, so a failed run leaves the crate
//! as it was; files whose bytes are unchanged are not touched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::Output;

/// The folder regen owns inside a crate: files there that were not generated this time are removed.
pub const GENERATED_DIR: &str = "src/generated";

/// The relative paths of the files that `write_files` would create, change or remove.
pub fn stale_files(crate_dir: &Path, output: &Output) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for (path, text) in &output.files {
        match std::fs::read(crate_dir.join(path)) {
            Ok(bytes) if bytes == text.as_bytes() => {}
            _ => stale.push(path.clone()),
        }
    }
    for path in existing_generated(crate_dir)? {
        if !output.files.contains_key(&path) {
            stale.push(path);
        }
    }
    stale.sort();
    Ok(stale)
}

/// Writes every file of `output` under `crate_dir` and removes generated files that are no longer produced.
///
/// Each file is written to a temporary sibling and renamed into place, so no file is ever half-written.
pub fn write_files(crate_dir: &Path, output: &Output) -> Result<()> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    let stale = stale_files(crate_dir, output)?;
    for path in &stale {
        let target = crate_dir.join(path);
        match output.files.get(path) {
            Some(text) => {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(io(parent))?;
                }
                let temp = temp_path(&target);
                std::fs::write(&temp, text).map_err(io(&temp))?;
                std::fs::rename(&temp, &target).map_err(io(&target))?;
            }
            None => std::fs::remove_file(&target).map_err(io(&target))?,
        }
    }
    remove_empty_dirs(&crate_dir.join(GENERATED_DIR));
    Ok(())
}

/// The hand-written runtime of a crate (every file under `src/` outside `src/generated/`), to copy into another.
pub fn runtime_files(crate_dir: &Path) -> Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    for path in walk(&crate_dir.join("src"))? {
        let relative = relative(crate_dir, &path);
        if relative.starts_with(GENERATED_DIR) {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
        files.insert(relative, text);
    }
    Ok(files)
}

fn existing_generated(crate_dir: &Path) -> Result<Vec<String>> {
    Ok(walk(&crate_dir.join(GENERATED_DIR))?.iter().map(|p| relative(crate_dir, p)).collect())
}

/// Every file below `dir` (none if it does not exist), sorted.
fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(Error::Io { path: dir, source }),
        };
        for entry in entries {
            let path = entry.map_err(|source| Error::Io { path: dir.clone(), source })?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// `crate_dir/src/generated/x.rs` -> `src/generated/x.rs`, with `/` separators on every platform.
fn relative(crate_dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(crate_dir).unwrap_or(path);
    relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn temp_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".regen-tmp");
    target.with_file_name(name)
}

fn remove_empty_dirs(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                remove_empty_dirs(&entry.path());
                // Fails (and is meant to) when the folder still has files.
                let _ = std::fs::remove_dir(entry.path());
            }
        }
    }
}
