//! The committed `generated-client` is what the committed listing and specs generate today: a stale crate fails
//! here (`cargo test`), not only in `cargo xtask regen --check`.

use std::path::Path;

#[test]
fn the_committed_generated_client_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let listing = generator::load::Listing::load(&root.join("specs/atlassian.apis.yaml")).expect("listing");
    let options = generator::Options { all: false, captures: Some(root.join("generated-client/tests/captures")) };
    let output = generator::generate(&listing, &options).expect("generate");
    let stale = generator::write::stale_files(&root.join("generated-client"), &output).expect("compare");
    assert!(stale.is_empty(), "stale generated files: {stale:?}\nrun `cargo xtask regen` and commit the result");
}

#[test]
fn the_readme_lists_the_corrections_of_the_committed_overlays() {
    use generator::overlay::summary::{corrections_markdown, replace_between_markers};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let listing = generator::load::Listing::load(&root.join("specs/atlassian.apis.yaml")).expect("listing");
    let path = root.join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let list = corrections_markdown(&listing).expect("the overlays load");
    let fresh = replace_between_markers(&path, &readme, &list).expect("the markers are there");
    assert!(fresh == readme, "README.md's list of corrections is stale\nrun `cargo xtask regen` and commit the result");
}
