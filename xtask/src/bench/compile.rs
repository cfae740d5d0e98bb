//! Compile time of a generated crate alone, its dependencies already built: each crate gets its own target folder
//! (`target/bench/targets/<tool>-<input>`), one `cargo build` and one `cargo check` warm them, then each timed run
//! is `cargo clean -p <crate>` followed by `cargo build` (or `cargo check`), dev profile, as in `baselines.md`.
//! Warnings are counted from cargo's JSON messages: the build's, and clippy's after another `clean -p`. Every
//! command builds the crate's default features. Ours is checked before it is timed ([`contents`]): a crate that
//! does not hold its input's operations, or whose build leaves a generated module out, is not timed.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::contents;
use super::generation::Generation;
use super::measure::{Cmd, Measurement, Step};
use super::{Bench, Input, Outcome, Tool};
use crate::Result;

pub struct CompileRun {
    /// Ours: the operations found in the crate, as many as its input selects (theirs: not checked).
    pub operations: Outcome<usize>,
    /// Why a generated crate was not timed: it does not hold its input's operations, or its build did not compile
    /// every generated module. Each of its rows is a failure with this message.
    pub refused: Option<String>,
    pub build: Outcome<Measurement>,
    pub check: Outcome<Measurement>,
    pub warnings: Outcome<Warnings>,
}

/// Diagnostics with a source location, from cargo's JSON messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Diagnostics {
    pub warnings: u64,
    pub errors: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Warnings {
    pub build: Diagnostics,
    pub clippy: Diagnostics,
}

/// The crates compiled: ours from each input; theirs for `seed` from `seed20-pruned` (the same 20 operations and
/// 66 schemas; openapi-generator's FILTER output keeps all 856 schemas) and for `jira-v2` from the full spec.
pub const CRATES: [(Tool, Input, Input); 6] = [
    (Tool::Ours, Input::Seed, Input::Seed),
    (Tool::Ours, Input::JiraV2, Input::JiraV2),
    (Tool::Oag, Input::Seed, Input::Pruned),
    (Tool::Oag, Input::JiraV2, Input::JiraV2),
    (Tool::Progenitor, Input::Seed, Input::Pruned),
    (Tool::Progenitor, Input::JiraV2, Input::JiraV2),
];

pub fn run(bench: &mut Bench, generation: &Generation) -> BTreeMap<(Tool, Input), CompileRun> {
    let mut runs = BTreeMap::new();
    for (tool, row, from) in CRATES {
        let run = match generation.runs.get(&(tool, from)) {
            Some(gen) => match &gen.outcome {
                Ok(measured) if measured.failure().is_none() => compile(bench, tool, from, &gen.out),
                Ok(_) => not_run("generation failed".to_owned()),
                Err(why) => not_run(why.clone()),
            },
            None => not_run("not generated".to_owned()),
        };
        runs.insert((tool, row), run);
    }
    runs
}

/// Every crate of [`CRATES`] not compiled, for `why`.
pub fn skipped(why: &str) -> BTreeMap<(Tool, Input), CompileRun> {
    CRATES.iter().map(|(tool, row, _)| ((*tool, *row), not_run(why.to_owned()))).collect()
}

fn not_run(why: String) -> CompileRun {
    CompileRun {
        operations: Err(why.clone()),
        refused: None,
        build: Err(why.clone()),
        check: Err(why.clone()),
        warnings: Err(why),
    }
}

fn refused(why: String) -> CompileRun {
    eprintln!("bench: {why}");
    CompileRun { refused: Some(why.clone()), ..not_run(why) }
}

fn compile(bench: &mut Bench, tool: Tool, from: Input, generated: &Path) -> CompileRun {
    let name = format!("{}-{}", tool.key(), from.key());
    let crate_dir = bench.dir.join("crates").join(&name);
    let target = bench.dir.join("targets").join(&name);
    let prepared = prepare_crate(bench, tool, generated, &crate_dir);
    let package = match prepared {
        Ok(package) => package,
        Err(error) => return not_run(format!("cannot prepare {}: {error}", crate_dir.display())),
    };
    eprintln!("bench: compile {name} ({package}) in {}", crate_dir.display());
    let (operations, gates) = if tool == Tool::Ours {
        let expected = bench.inputs.operations(from);
        let counted = contents::read(&crate_dir)
            .map_err(|e| format!("cannot count the operations of {}: {e}", crate_dir.display()))
            .and_then(|found| Ok((contents::check_operations(found.operations, expected)?, found.gates)));
        match counted {
            Ok((operations, gates)) => (Ok(operations), gates),
            Err(why) => return refused(why),
        }
    } else {
        (Err("not checked".to_owned()), Default::default())
    };
    let cargo = bench.cargo();
    let cargo_cmd = |args: &[&str]| Cmd::new(&cargo).args(args).dir(&crate_dir).env("CARGO_TARGET_DIR", &target);
    let shell = |tail: &str| {
        Cmd::new("sh")
            .arg("-c")
            .arg(format!("cargo clean -q -p {package} && exec {tail}"))
            .dir(&crate_dir)
            .env("CARGO_TARGET_DIR", &target)
    };

    // Warm the dependencies; the build's JSON messages give its warnings (cargo replays them when fresh).
    let warm_build =
        bench.run_logged(&format!("compile-{name}-warm-build"), &cargo_cmd(&["build", "--message-format=json"]));
    if let (Tool::Ours, Ok(log)) = (tool, &warm_build) {
        let features = contents::built_features(log, &crate_dir.join("Cargo.toml"))
            .ok_or_else(|| format!("cargo reported no library of {package}, so its features are unknown: not timed"))
            .and_then(|built| contents::check_features(&built, &gates));
        if let Err(why) = features {
            return refused(why);
        }
    }
    let build_warnings = warm_build.map(|log| diagnostics(&log));
    let warm_check = bench.run_logged(&format!("compile-{name}-warm-check"), &cargo_cmd(&["check"]));
    if let Err(error) = &warm_check {
        eprintln!("bench: warm-up check of {name} failed: {error}");
    }
    let runs = bench.compile_runs();
    let build = bench.measure(&format!("compile-{name}-build"), vec![Step::new(shell("cargo build -q"))], 0, runs);
    let check = bench.measure(&format!("compile-{name}-check"), vec![Step::new(shell("cargo check -q"))], 0, runs);
    let clippy = bench
        .run_logged(&format!("compile-{name}-clippy"), &shell("cargo clippy --message-format=json"))
        .map(|log| diagnostics(&log));
    let warnings = match (build_warnings, clippy) {
        (Ok(build), Ok(clippy)) => Ok(Warnings { build, clippy }),
        (Err(error), _) | (_, Err(error)) => Err(error.to_string()),
    };
    CompileRun { operations, refused: None, build, check, warnings }
}

/// Copies the generated crate to `crate_dir` (ours: with the runtime and the workspace's lock file, as
/// `cargo xtask regen --out` does) and returns its package name.
fn prepare_crate(bench: &Bench, tool: Tool, generated: &Path, crate_dir: &Path) -> Result<String> {
    if crate_dir.exists() {
        std::fs::remove_dir_all(crate_dir)?;
    }
    copy_dir(generated, crate_dir)?;
    if tool == Tool::Ours {
        let runtime_source = bench.root.join("generated-client");
        for (path, text) in generator::write::runtime_files(&runtime_source)? {
            let target = crate_dir.join(&path);
            if !target.exists() {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&target, text)?;
            }
        }
        std::fs::copy(bench.root.join("Cargo.lock"), crate_dir.join("Cargo.lock"))?;
    }
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml"))
        .map_err(|e| format!("no Cargo.toml in {}: {e}", crate_dir.display()))?;
    package_name(&manifest).ok_or_else(|| format!("no package name in {}/Cargo.toml", crate_dir.display()).into())
}

/// The `name` of the `[package]` table.
pub fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("name").map(str::trim_start).and_then(|v| v.strip_prefix('=')) {
                return Some(value.trim().trim_matches('"').to_owned());
            }
        }
    }
    None
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("cannot list {}: {e}", from.display()))? {
        let entry = entry?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Counts the warnings and errors that have a location (not the "N warnings emitted" summaries) in cargo's JSON
/// messages; other lines are ignored.
pub fn diagnostics(log: &str) -> Diagnostics {
    let mut counts = Diagnostics::default();
    for line in log.lines().filter(|line| line.starts_with('{')) {
        let Ok(message) = serde_json::from_str::<Value>(line) else { continue };
        if message.get("reason").and_then(Value::as_str) != Some("compiler-message") {
            continue;
        }
        let Some(diagnostic) = message.get("message") else { continue };
        let located = diagnostic.get("spans").and_then(Value::as_array).is_some_and(|spans| !spans.is_empty());
        match diagnostic.get("level").and_then(Value::as_str) {
            Some("warning") if located => counts.warnings += 1,
            Some("error") if located => counts.errors += 1,
            _ => {}
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_package_name() {
        let manifest = "[workspace]\nname = \"no\"\n\n[package]\nversion = \"1\"\nname = \"atlassian-client\"\n";
        assert_eq!(package_name(manifest).as_deref(), Some("atlassian-client"));
        assert_eq!(package_name("[lib]\nname = \"x\"\n"), None);
    }

    #[test]
    fn counts_located_diagnostics() {
        let log = r#"{"reason":"compiler-artifact","package_id":"x"}
{"reason":"compiler-message","message":{"level":"warning","spans":[{"file_name":"src/lib.rs"}],"rendered":"warning: unused"}}
{"reason":"compiler-message","message":{"level":"warning","spans":[],"rendered":"warning: 1 warning emitted"}}
{"reason":"compiler-message","message":{"level":"error","spans":[{"file_name":"src/lib.rs"}],"rendered":"error[E0428]"}}
   Compiling x v0.1.0
{"reason":"build-finished","success":false}"#;
        assert_eq!(diagnostics(log), Diagnostics { warnings: 1, errors: 1 });
    }
}
