//! Which checkout the xtask works on: the one it runs in, never the one that compiled it.
//!
//! Several clones can share one `CARGO_TARGET_DIR`, and so one xtask binary; a path compiled into it
//! (`env!("CARGO_MANIFEST_DIR")`) would be the checkout that built it last. Instead the root is found at run time:
//! from `CARGO_MANIFEST_DIR` in the environment (cargo sets it to `<checkout>/xtask` for `cargo run`, so for
//! `cargo xtask`), else from the current directory, walking up to the folder whose `Cargo.toml` has `[workspace]`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The checkout's root, found once per process.
pub fn root() -> Result<&'static Path, String> {
    static ROOT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    ROOT.get_or_init(|| {
        let start = match std::env::var_os("CARGO_MANIFEST_DIR") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?,
        };
        workspace_above(&start)
    })
    .as_ref()
    .map(PathBuf::as_path)
    .map_err(Clone::clone)
}

/// The nearest folder at or above `start` whose `Cargo.toml` declares a `[workspace]`.
pub fn workspace_above(start: &Path) -> Result<PathBuf, String> {
    let start = std::path::absolute(start).map_err(|e| format!("cannot resolve {}: {e}", start.display()))?;
    start
        .ancestors()
        .find(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == "[workspace]"))
        })
        .map(Path::to_owned)
        .ok_or_else(|| {
            format!(
                "{} is not inside a checkout of this project: no Cargo.toml with `[workspace]` in it or above it \
                 (run the xtask from the checkout, or through `cargo xtask`)",
                start.display()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::workspace_above;

    #[test]
    fn the_workspace_is_found_from_a_folder_inside_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\nmembers = [\"xtask\"]\n").expect("write");
        let inner = dir.path().join("xtask/src");
        std::fs::create_dir_all(&inner).expect("mkdir");
        std::fs::write(dir.path().join("xtask/Cargo.toml"), "[package]\nname = \"xtask\"\n").expect("write");
        assert_eq!(workspace_above(&inner).expect("found"), dir.path());
        assert_eq!(workspace_above(&dir.path().join("xtask")).expect("found"), dir.path());
    }

    #[test]
    fn outside_any_workspace_is_an_error_naming_the_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let error = workspace_above(dir.path()).expect_err("no workspace");
        assert!(error.contains(&dir.path().display().to_string()), "{error}");
        assert!(error.contains("[workspace]"), "{error}");
    }
}
