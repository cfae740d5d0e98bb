//! Snapshots of the code emitted for the small fixture specs in `tests/fixtures/`, one per concept (objects,
//! enums, names, composition, operations). Accept a change with `UPDATE_EXPECT=1 cargo test -p generator`.
//!
//! The same fixtures are compiled and exercised by `tests/fixture_crate.rs`.

use std::path::Path;

use generator::load::Listing;
use generator::Options;

#[test]
fn emitted_code_matches_the_snapshots() {
    let listing = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fixtures.apis.yaml");
    let listing = Listing::load(&listing).expect("fixture listing");
    let output =
        generator::generate(&listing, &Options { all: true, ..Options::default() }).expect("fixtures generate");
    for spec in &listing.specs {
        let module = spec.name.replace('-', "_");
        let prefix = format!("src/generated/{module}/");
        let mut text = String::new();
        for (path, file) in output.files.iter().filter(|(p, _)| p.starts_with(&prefix)) {
            text.push_str(&format!("// ===== {path} =====\n{file}\n"));
        }
        expect_test::expect_file![format!("snapshots/{module}.rs")].assert_eq(&text);
    }
    expect_test::expect_file!["snapshots/Cargo.toml.txt"].assert_eq(&output.files["Cargo.toml"]);
}

#[test]
fn generation_is_deterministic() {
    let listing = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fixtures.apis.yaml");
    let listing = Listing::load(&listing).expect("fixture listing");
    let first = generator::generate(&listing, &Options { all: true, ..Options::default() }).expect("first");
    let second = generator::generate(&listing, &Options { all: true, ..Options::default() }).expect("second");
    assert_eq!(first, second);
}
