//! Compiles the code generated for the fixture specs as a crate of its own, outside the workspace, with the
//! hand-written runtime copied in (what `cargo xtask regen --out DIR` writes), and runs
//! `tests/fixture-crate/behaviour.rs` against it: every type kind and operation shape, decoded, encoded and sent
//! to a mock server on 127.0.0.1.
//!
//! Dependencies come from the workspace's `Cargo.lock` and the local registry cache (`--offline`), and the build
//! shares the workspace's target folder, so only the fixture crate itself is compiled.

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::load::Listing;
use generator::Options;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_owned()
}

/// The fixture crate written to a temporary folder (outside the workspace folder, or cargo would take it for an
/// unlisted workspace member), and the folder inside it.
fn write_fixture_crate() -> (tempfile::TempDir, PathBuf) {
    let root = workspace();
    let listing = Listing::load(&root.join("generator/tests/fixtures/fixtures.apis.yaml")).expect("fixture listing");
    let mut output =
        generator::generate(&listing, &Options { all: true, ..Options::default() }).expect("fixtures generate");
    let runtime = generator::write::runtime_files(&root.join("generated-client")).expect("runtime files");
    output.files.extend(runtime);
    let behaviour =
        std::fs::read_to_string(root.join("generator/tests/fixture-crate/behaviour.rs")).expect("behaviour");
    output.files.insert("tests/behaviour.rs".into(), behaviour);
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("Cargo.lock");
    output.files.insert("Cargo.lock".into(), lock);
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("fixture-crate");
    generator::write::write_files(&dir, &output).expect("write the fixture crate");
    (temp, dir)
}

/// Runs cargo with `args` in the fixture crate, sharing the workspace's target folder, with `env` set; on failure
/// keeps the crate and fails with `what`.
fn cargo(temp: tempfile::TempDir, dir: &Path, args: &[&str], env: (&str, &str), what: &str) {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").to_owned();
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .env(env.0, env.1)
        .status()
        .expect("run cargo");
    if !status.success() {
        let kept = temp.keep();
        panic!("{what} (see above); the fixture crate is kept in {}", kept.display());
    }
}

#[test]
fn the_fixture_crate_builds_on_its_own_and_behaves() {
    let (temp, dir) = write_fixture_crate();
    // The fixture crate's own warnings are errors: generated code must build warning-free.
    let args = ["test", "--offline", "--quiet", "--test", "behaviour"];
    cargo(temp, &dir, &args, ("RUSTFLAGS", "-D warnings"), "the fixture crate failed to build or its tests failed");
}

/// The hand-written runtime's docs link to nothing a listing may not select: the fixture listing has none of the
/// default listing's modules (no `jira_platform_v2`, no `IssueBean`), and its crate documents warning-free.
#[test]
fn the_fixture_crate_documents_without_a_broken_link() {
    let (temp, dir) = write_fixture_crate();
    let args = ["doc", "--offline", "--quiet", "--no-deps"];
    cargo(temp, &dir, &args, ("RUSTDOCFLAGS", "-D warnings"), "the fixture crate's docs have warnings");
}
