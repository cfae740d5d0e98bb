//! The xtask binary works on the checkout it runs in: a second copy of the checkout, run with the binary built
//! here (no second compile), reads its own listing and writes its own generated crate, and this checkout is left
//! as it was.

mod common;

use common::{copy_checkout, generated, stderr, this_checkout, xtask};

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
