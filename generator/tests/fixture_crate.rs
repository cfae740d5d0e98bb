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

#[test]
fn the_fixture_crate_builds_on_its_own_and_behaves() {
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

    // Outside the workspace folder, or cargo would take it for an unlisted workspace member.
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("fixture-crate");
    generator::write::write_files(&dir, &output).expect("write the fixture crate");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").to_owned();

    let status = Command::new(env!("CARGO"))
        .args(["test", "--offline", "--quiet", "--test", "behaviour"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        // The fixture crate's own warnings are errors: generated code must build warning-free.
        .env("RUSTFLAGS", "-D warnings")
        .status()
        .expect("run cargo");
    if !status.success() {
        let kept = temp.keep();
        panic!("the fixture crate failed to build or its tests failed (see above); it is kept in {}", kept.display());
    }
}
