//! The xtask binary works on the checkout it runs in: a second copy of the checkout, run with the binary built
//! here (no second compile), reads its own listing and writes its own generated crate, and this checkout is left
//! as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// This checkout (the test's own manifest folder is `<root>/xtask`).
fn this_checkout() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask/ has a parent").to_owned()
}

/// Copies what `regen` reads and writes into `to`: the workspace manifest and lock, the specs and listing, and the
/// generated crate without build output.
fn copy_checkout(from: &Path, to: &Path) {
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
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
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
fn generated(root: &Path) -> (Vec<u8>, BTreeMap<PathBuf, Vec<u8>>) {
    let manifest = std::fs::read(root.join("generated-client/Cargo.toml")).expect("read manifest");
    (manifest, snapshot(&root.join("generated-client/src/generated")))
}

/// The built xtask, in `dir`, with `CARGO_MANIFEST_DIR` as given (the test's own is never passed on).
fn xtask(dir: &Path, manifest_dir: Option<&Path>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).current_dir(dir).env_remove("CARGO_MANIFEST_DIR");
    if let Some(manifest_dir) = manifest_dir {
        command.env("CARGO_MANIFEST_DIR", manifest_dir);
    }
    command.output().expect("run the xtask binary")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn regen_in_a_second_checkout_reads_and_writes_only_that_checkout() {
    let here = this_checkout();
    let before_here = generated(&here);
    let copy = tempfile::tempdir().expect("tempdir");
    let copy = copy.path();
    copy_checkout(&here, copy);

    // The copy's listing selects another operation than this checkout's.
    let listing = copy.join("specs/atlassian.apis.yaml");
    let text = std::fs::read_to_string(&listing).expect("read listing");
    assert!(text.contains("x-api-slug: api2attachmentmeta-get\n"));
    std::fs::write(&listing, text.replace("x-api-slug: api2attachmentmeta-get\n", "x-api-slug: api2serverinfo-get\n"))
        .expect("write listing");

    // `cargo xtask` in the copy: cargo sets CARGO_MANIFEST_DIR to the copy's xtask folder. It wins over the
    // current directory, here this checkout.
    let check = xtask(&here, Some(&copy.join("xtask")), &["regen", "--check"]);
    let message = stderr(&check);
    assert!(!check.status.success(), "the copy's listing changed, so its crate is stale: {message}");
    assert!(message.contains(&copy.join("generated-client").display().to_string()), "{message}");

    // The binary run by hand from a folder inside the copy: the root is found by walking up.
    let regen = xtask(&copy.join("generated-client/src"), None, &["regen"]);
    let message = stderr(&regen);
    assert!(regen.status.success(), "{message}");
    assert!(message.contains(&format!("to {}", copy.join("generated-client").display())), "{message}");
    let (_, files) = generated(copy);
    let api: String = files.values().map(|bytes| String::from_utf8_lossy(bytes)).collect();
    assert!(api.contains("fn get_server_info("), "the copy's listing was used");
    assert!(!api.contains("fn get_attachment_meta("), "the copy's listing was used");

    let check = xtask(copy, Some(&copy.join("xtask")), &["regen", "--check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(generated(&here) == before_here, "regen in the copy changed this checkout's generated crate");
}

#[test]
fn outside_any_checkout_the_xtask_says_so_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = xtask(dir.path(), None, &["regen"]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(message.contains("is not inside a checkout of this project"), "{message}");
    assert!(std::fs::read_dir(dir.path()).expect("read dir").next().is_none(), "nothing written");
}
