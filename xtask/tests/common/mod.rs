//! A copy of the checkout for tests that run the built xtask binary on it, so this checkout is never touched.

#![allow(dead_code)] // each test file uses its part

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// This checkout (the test's own manifest folder is `<root>/xtask`).
pub fn this_checkout() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask/ has a parent").to_owned()
}

/// Copies what `regen` reads and writes into `to`: the workspace manifest and lock, the specs and listing, and the
/// generated crate without build output.
pub fn copy_checkout(from: &Path, to: &Path) {
    for file in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(from.join(file), to.join(file)).expect("copy a workspace file");
    }
    for dir in ["specs", "generated-client/src", "generated-client/tests/captures"] {
        copy_dir(&from.join(dir), &to.join(dir));
    }
    std::fs::copy(from.join("generated-client/Cargo.toml"), to.join("generated-client/Cargo.toml"))
        .expect("copy the crate manifest");
    std::fs::create_dir_all(to.join("xtask")).expect("mkdir xtask");
    std::fs::copy(from.join("xtask/Cargo.toml"), to.join("xtask/Cargo.toml")).expect("copy the xtask manifest");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

/// Every file under `dir` with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read file");
                files.insert(path, bytes);
            }
        }
    }
    files
}

/// The generated part of a checkout: what `regen` writes.
pub fn generated(root: &Path) -> (Vec<u8>, BTreeMap<PathBuf, Vec<u8>>) {
    let manifest = std::fs::read(root.join("generated-client/Cargo.toml")).expect("read manifest");
    (manifest, snapshot(&root.join("generated-client/src/generated")))
}

/// The built xtask, in `dir`, with `CARGO_MANIFEST_DIR` as given (the test's own is never passed on).
pub fn xtask(dir: &Path, manifest_dir: Option<&Path>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).current_dir(dir).env_remove("CARGO_MANIFEST_DIR");
    if let Some(manifest_dir) = manifest_dir {
        command.env("CARGO_MANIFEST_DIR", manifest_dir);
    }
    command.output().expect("run the xtask binary")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh copy of this checkout in a temporary folder.
pub fn copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_checkout(&this_checkout(), dir.path());
    dir
}

/// The built xtask run as `cargo xtask` would run it in the checkout at `root`.
pub fn xtask_in(root: &Path, args: &[&str]) -> Output {
    xtask(root, Some(&root.join("xtask")), args)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}
