//! The other generators measured beside ours, installed under `target/baselines/` by `--install-baselines`:
//! openapi-generator from the PyPI wheel that bundles its jar (run with the machine's `java`), and
//! cargo-progenitor from crates.io.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;

pub const OAG_VERSION: &str = "7.26.0";
pub const PROGENITOR_VERSION: &str = "0.15.1";

/// Where a baseline is, or why it cannot be run.
pub type Found<T> = std::result::Result<T, String>;

#[derive(Debug, Clone)]
pub struct Oag {
    pub jar: PathBuf,
    /// What `java -jar openapi-generator.jar version` prints.
    pub version: String,
    /// The first line of `java -version`.
    pub java: String,
}

#[derive(Debug, Clone)]
pub struct Progenitor {
    /// The `cargo-progenitor` binary, run directly (`cargo-progenitor progenitor -i ...`, as cargo would).
    pub bin: PathBuf,
    pub version: String,
}

pub struct Baselines {
    pub oag: Found<Oag>,
    pub progenitor: Found<Progenitor>,
}

fn dir(root: &Path) -> PathBuf {
    root.join("target").join("baselines")
}

fn venv(root: &Path) -> PathBuf {
    dir(root).join("oag-venv")
}

fn progenitor_root(root: &Path) -> PathBuf {
    dir(root).join("progenitor")
}

/// The commands `--install-baselines` runs, for the report.
pub fn install_commands() -> Vec<String> {
    vec![
        "python3 -m venv target/baselines/oag-venv".to_owned(),
        format!("target/baselines/oag-venv/bin/pip install openapi-generator-cli=={OAG_VERSION}"),
        format!("cargo install cargo-progenitor --version {PROGENITOR_VERSION} --root target/baselines/progenitor"),
    ]
}

/// Installs both baselines (a no-op for what is already installed at the right version).
pub fn install(root: &Path) -> Result<()> {
    let venv = venv(root);
    if !venv.join("bin").join("pip").exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv), "create the openapi-generator venv")?;
    }
    run(
        Command::new(venv.join("bin").join("pip")).args([
            "install",
            "--quiet",
            &format!("openapi-generator-cli=={OAG_VERSION}"),
        ]),
        "pip install openapi-generator-cli",
    )?;
    run(
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(["install", "cargo-progenitor", "--version", PROGENITOR_VERSION, "--root"])
            .arg(progenitor_root(root))
            .env_remove("CARGO_TARGET_DIR"),
        "cargo install cargo-progenitor",
    )?;
    Ok(())
}

fn run(command: &mut Command, what: &str) -> Result<()> {
    eprintln!("bench: {what}");
    let status = command.status().map_err(|e| format!("cannot {what}: {e}"))?;
    if !status.success() {
        return Err(format!("cannot {what}: {status}").into());
    }
    Ok(())
}

/// Finds the installed baselines and their versions.
pub fn detect(root: &Path) -> Baselines {
    Baselines { oag: detect_oag(root), progenitor: detect_progenitor(root) }
}

fn detect_oag(root: &Path) -> Found<Oag> {
    let lib = venv(root).join("lib");
    let jar = std::fs::read_dir(&lib)
        .ok()
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path().join("site-packages/openapi_generator_cli/openapi-generator.jar"))
        .find(|jar| jar.exists())
        .ok_or("not installed (`cargo xtask bench --install-baselines`)")?;
    let java = output(Command::new("java").arg("-version")).map_err(|e| format!("no java: {e}"))?;
    let version = output(Command::new("java").arg("-jar").arg(&jar).arg("version"))?;
    Ok(Oag { jar, version, java })
}

fn detect_progenitor(root: &Path) -> Found<Progenitor> {
    let bin = progenitor_root(root).join("bin").join("cargo-progenitor");
    if !bin.exists() {
        return Err("not installed (`cargo xtask bench --install-baselines`)".to_owned());
    }
    // cargo-progenitor has no `--version`; cargo's install record names the version.
    let crates = std::fs::read_to_string(progenitor_root(root).join(".crates.toml")).unwrap_or_default();
    let version = crates
        .lines()
        .find_map(|line| line.trim().strip_prefix("\"cargo-progenitor "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("unknown")
        .to_owned();
    Ok(Progenitor { bin, version })
}

/// The first line a command prints (stdout, else stderr).
pub fn output(command: &mut Command) -> Found<String> {
    let out = command.output().map_err(|e| format!("cannot run {command:?}: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("{command:?} failed: {}", text.lines().next().unwrap_or_default()));
    }
    Ok(text.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or_default().to_owned())
}
