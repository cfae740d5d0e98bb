//! The bad-input corpus: each folder under `tests/bad-input/` holds a listing, the spec files it names and
//! `expected.txt`, the lines the error message must contain (file name, JSON pointer or slug, and what is wrong).
//!
//! Each case runs the generator binary against a crate folder with existing generated files, and checks: exit
//! code 1 (an error, not a panic), every expected line in the message, and the crate folder left byte-identical.

use std::path::{Path, PathBuf};
use std::process::Command;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-input");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("corpus folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push((path.clone(), std::fs::read(&path).expect("read")));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_bad_input_fails_with_its_message_and_changes_nothing() {
    let cases = cases();
    assert!(cases.len() >= 30, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let work = tempfile::tempdir().expect("temp dir");
        for entry in std::fs::read_dir(case).expect("case dir") {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, work.path().join(path.file_name().expect("name"))).expect("copy");
        }
        let out = work.path().join("crate");
        std::fs::create_dir_all(out.join("src/generated/old")).expect("mkdir");
        std::fs::write(out.join("Cargo.toml"), "# the user's crate, as it was\n").expect("write");
        std::fs::write(out.join("src/generated/mod.rs"), "// generated before\n").expect("write");
        std::fs::write(out.join("src/generated/old/types.rs"), "// generated before\n").expect("write");
        let before = snapshot(&out);

        let result = Command::new(env!("CARGO_BIN_EXE_generator"))
            .arg("--listing")
            .arg(work.path().join("listing.yaml"))
            .arg("--out")
            .arg(&out)
            .output()
            .expect("run generator");
        let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
        let expected = std::fs::read_to_string(case.join("expected.txt")).expect("expected.txt");

        if result.status.code() != Some(1) {
            failures.push(format!("{name}: exit {:?} (want 1)\n{stderr}", result.status.code()));
        }
        for line in expected.lines().filter(|l| !l.trim().is_empty()) {
            if !stderr.contains(line) {
                failures.push(format!("{name}: message lacks `{line}`:\n{stderr}"));
            }
        }
        if snapshot(&out) != before {
            failures.push(format!("{name}: the crate folder changed"));
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}
