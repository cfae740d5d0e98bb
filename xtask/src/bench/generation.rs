//! Generation: wall time and peak RSS of each generator as a child process on each input, and the floor: a process
//! that only reads and parses the specs the input makes our generator read (`generator::load::parse_spec`, one
//! thread per file, as the generator's `select` stage parses them).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::measure::{Cmd, Measurement, Step};
use super::{Bench, Input, Outcome, Tool};
use crate::Result;

/// The measured runs of one generator on one input, and where its last run wrote.
pub struct GenRun {
    pub outcome: Outcome<Measurement>,
    pub out: PathBuf,
}

pub struct Generation {
    pub runs: BTreeMap<(Tool, Input), GenRun>,
    pub floors: BTreeMap<Input, Outcome<Measurement>>,
}

/// The release-built binaries of ours: the generator, and the parse floor.
pub struct OurBinaries {
    pub generator: PathBuf,
    pub floor: PathBuf,
}

/// Builds `generator` and the floor program with `cargo build --release`, in the bench's own target folder.
pub fn build_ours(bench: &mut Bench) -> Result<OurBinaries> {
    let target = bench.dir.join("cargo-target");
    let cargo = bench.cargo();
    let build = Cmd::new(&cargo)
        .env("CARGO_TARGET_DIR", &target)
        .args(["build", "--release", "--locked", "-p", "generator"])
        .dir(&bench.root);
    bench.run_checked("build the generator", &build)?;

    // The floor: a crate of its own (outside the workspace) calling the generator library's parser, built with the
    // workspace's release profile.
    let floor_dir = bench.dir.join("floor");
    std::fs::create_dir_all(floor_dir.join("src"))?;
    let workspace_manifest = std::fs::read_to_string(bench.root.join("Cargo.toml"))?;
    let manifest = format!(
        "# Written by `cargo xtask bench`: parses spec files with the generator's own parser, nothing else.\n\
         [package]\nname = \"bench-parse-floor\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ngenerator = {{ path = {} }}\n\n[workspace]\n{}",
        serde_json::Value::String(bench.root.join("generator").to_string_lossy().into_owned()),
        release_profile(&workspace_manifest)
    );
    write_if_changed(&floor_dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(&floor_dir.join("src/main.rs"), FLOOR_MAIN)?;
    let lock = std::fs::read_to_string(bench.root.join("Cargo.lock"))?;
    write_if_changed(&floor_dir.join("Cargo.lock"), &lock)?;
    let build = Cmd::new(&cargo)
        .env("CARGO_TARGET_DIR", &target)
        .args(["build", "--release", "--manifest-path"])
        .arg(floor_dir.join("Cargo.toml"))
        .dir(&bench.root);
    bench.run_checked("build the parse floor", &build)?;
    Ok(OurBinaries {
        generator: target.join("release").join("generator"),
        floor: target.join("release").join("bench-parse-floor"),
    })
}

/// The `[profile.release]` tables (and `[profile.release.*]`) of a manifest, as written there.
pub fn release_profile(manifest: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = trimmed == "[profile.release]" || trimmed.starts_with("[profile.release.");
            if inside {
                out.push('\n');
            }
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

const FLOOR_MAIN: &str = r#"//! Written by `cargo xtask bench`: the floor of generation. Reads and parses each spec file given, one thread
//! per file as the generator's `select` stage does, and nothing else.
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let parsed = std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .iter()
            .map(|path| {
                scope.spawn(move || {
                    let bytes = std::fs::read(path).map_err(|error| format!("{}: {error}", path.display()))?;
                    generator::load::parse_spec(path, &bytes).map_err(|error| error.to_string())
                })
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap_or_else(|_| Err("a parser thread panicked".into()))).collect::<Vec<_>>()
    });
    let mut documents = Vec::new();
    for result in parsed {
        match result {
            Ok(document) => documents.push(document),
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    std::hint::black_box(&documents);
    ExitCode::SUCCESS
}
"#;

fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

pub fn run(bench: &mut Bench, ours: &OurBinaries) -> Result<Generation> {
    let mut floors = BTreeMap::new();
    // `all-six` reads the same files as `seed`.
    for input in [Input::Seed, Input::Pruned, Input::JiraV2] {
        let files = spec_files_read(bench, input);
        let cmd = Cmd::new(&ours.floor).args(&files);
        let name = format!("floor-{}", input.key());
        floors.insert(input, bench.measure_gen(&name, vec![Step::new(cmd)]));
    }

    let mut runs = BTreeMap::new();
    for tool in Tool::ALL {
        for input in Input::ALL {
            let out = bench.dir.join("gen").join(format!("{}-{}", tool.key(), input.key()));
            let outcome = match steps(bench, ours, tool, input, &out) {
                Ok(steps) => bench.measure_gen(&format!("gen-{}-{}", tool.key(), input.key()), steps),
                Err(reason) => Err(reason),
            };
            runs.insert((tool, input), GenRun { outcome, out });
        }
    }
    Ok(Generation { runs, floors })
}

/// The spec files our generator reads for an input: every spec its listing names.
pub fn spec_files_read(bench: &Bench, input: Input) -> Vec<PathBuf> {
    match input {
        Input::Seed | Input::AllSix => bench.inputs.specs.iter().map(|(_, path)| path.clone()).collect(),
        Input::Pruned => vec![bench.inputs.pruned_spec.clone()],
        Input::JiraV2 => vec![bench.inputs.jira_v2_spec.clone()],
    }
}

/// The steps of one measured run of `tool` on `input`, or why it is not run.
fn steps(bench: &Bench, ours: &OurBinaries, tool: Tool, input: Input, out: &Path) -> Outcome<Vec<Step>> {
    let inputs = &bench.inputs;
    let fresh = |dir: &Path, create: bool| {
        let dir = dir.to_owned();
        move || -> Result<()> {
            if dir.exists() {
                std::fs::remove_dir_all(&dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
            }
            if create {
                std::fs::create_dir_all(&dir)?;
            }
            Ok(())
        }
    };
    match tool {
        Tool::Ours => {
            let (listing, all) = match input {
                Input::Seed => (&inputs.seed_listing, false),
                Input::Pruned => (&inputs.pruned_listing, true),
                Input::JiraV2 => (&inputs.jira_v2_listing, true),
                Input::AllSix => (&inputs.seed_listing, true),
            };
            // Exactly what `cargo xtask regen` asks of the generator: with the captured responses' checks.
            let mut cmd = Cmd::new(&ours.generator)
                .arg("--listing")
                .arg(listing)
                .arg("--out")
                .arg(out)
                .arg("--captures")
                .arg(bench.root.join("generated-client/tests/captures"));
            if all {
                cmd = cmd.arg("--all");
            }
            Ok(vec![Step::new(cmd).prepare(fresh(out, false))])
        }
        Tool::Oag => {
            let oag = bench.baselines.oag.as_ref().map_err(Clone::clone)?;
            let generate = |spec: &Path, out: &Path| {
                Cmd::new("java")
                    .arg("-jar")
                    .arg(&oag.jar)
                    .args(["generate", "-g", "rust", "-i"])
                    .arg(spec)
                    .arg("-o")
                    .arg(out)
                    .arg("--skip-validate-spec")
            };
            let one = |spec: &Path| Step::new(generate(spec, out)).prepare(fresh(out, false));
            Ok(match input {
                Input::Seed => {
                    let filter = format!("FILTER=operationId:{}", inputs.seed_operation_ids.join("|"));
                    vec![Step::new(generate(&inputs.jira_v2_spec, out).args(["--openapi-normalizer", &filter]))
                        .prepare(fresh(out, false))]
                }
                Input::Pruned => vec![one(&inputs.pruned_spec)],
                Input::JiraV2 => vec![one(&inputs.jira_v2_spec)],
                Input::AllSix => six(bench, out, false, |spec, dir| generate(spec, dir)),
            })
        }
        Tool::Progenitor => {
            let progenitor = bench.baselines.progenitor.as_ref().map_err(Clone::clone)?;
            let generate = |spec: &Path, out: &Path| {
                Cmd::new(&progenitor.bin)
                    .args(["progenitor", "-i"])
                    .arg(spec)
                    .arg("-o")
                    .arg(out)
                    .args(["-n", "jira", "-v", "0.1.0"])
            };
            // cargo-progenitor needs its output folder to exist.
            let one = |spec: &Path| Step::new(generate(spec, out)).prepare(fresh(out, true));
            Ok(match input {
                Input::Seed => return Err("n/a: no operation filter (see seed20-pruned)".to_owned()),
                Input::Pruned => vec![one(&inputs.pruned_spec)],
                Input::JiraV2 => vec![one(&inputs.jira_v2_spec)],
                Input::AllSix => six(bench, out, true, |spec, dir| generate(spec, dir)),
            })
        }
    }
}

/// One step per spec of the listing, each writing to `out/<x-spec>`.
fn six(bench: &Bench, out: &Path, create: bool, generate: impl Fn(&Path, &Path) -> Cmd) -> Vec<Step> {
    bench
        .inputs
        .specs
        .iter()
        .enumerate()
        .map(|(i, (source, spec))| {
            let dir = out.join(&source.name);
            let (whole, first) = (out.to_owned(), i == 0);
            Step::new(generate(spec, &dir)).label(source.name.clone()).prepare(move || {
                if first && whole.exists() {
                    std::fs::remove_dir_all(&whole).map_err(|e| format!("cannot remove {}: {e}", whole.display()))?;
                }
                if create {
                    std::fs::create_dir_all(&dir)?;
                }
                Ok(())
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_the_release_profile_only() {
        let manifest = "[workspace]\nmembers = []\n\n[profile.dev.package.serde]\nopt-level = 3\n\n[profile.release]\n\
                        lto = \"thin\"\n[profile.release.package.syn]\nopt-level = 1\n[dependencies]\nx = 1\n";
        assert_eq!(
            release_profile(manifest),
            "\n[profile.release]\nlto = \"thin\"\n\n[profile.release.package.syn]\nopt-level = 1\n"
        );
        assert_eq!(release_profile("[workspace]\n"), "");
    }
}
