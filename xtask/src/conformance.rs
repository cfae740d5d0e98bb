//! `cargo xtask conformance [--listing PATH]`: every selected operation, called through the generated client,
//! against a Prism mock server of its spec.
//!
//! The calls are the generated crate's own conformance tests (`src/generated/<spec>/conformance.rs`, one test per
//! sample call that the generator built from the spec), so the xtask never links the generated crate: it
//!
//! 1. generates the listing's crate (the default listing is checked in `generated-client`, which must be fresh;
//!    another listing is generated into `target/conformance/crate`, with a copy of the runtime);
//! 2. compiles the crate's tests;
//! 3. starts one `prism mock` per spec on a free port of 127.0.0.1 (dynamic responses with a fixed seed, see
//!    `xtask/conformance/seeds.json`) and waits until each answers HTTP;
//! 4. runs the conformance tests with `ATLASSIAN_CONFORMANCE_URL_<SPEC>` set to the servers, and reads the
//!    `CONFORMANCE PASS|FAIL` line each prints;
//! 5. compares with `xtask/conformance/expected-failures.json` (one list for every listing; entries of operations
//!    the listing does not select are ignored) and the negative controls, and ends with `N passed, M failed`.
//!    The servers are stopped whatever happens.

mod prism;
mod report;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::{default_listing, project_root, Result};

#[derive(clap::Args)]
pub struct Args {
    /// The listing to check (default: specs/atlassian.apis.yaml, whose crate is generated-client).
    #[arg(long)]
    pub listing: Option<PathBuf>,
    /// The calls known to fail, with why (default: xtask/conformance/expected-failures.json, one list for every
    /// listing: entries of operations the listing does not select are ignored).
    #[arg(long)]
    pub expected_failures: Option<PathBuf>,
    /// Check every operation of every listed spec, ignoring the listing's `apis` entries.
    #[arg(long)]
    pub all: bool,
    /// Generate the crate into DIR exactly as `cargo xtask regen --out DIR` does (same flags, same files), so that
    /// a crate already built there is not compiled again (default: target/conformance/crate, a workspace of its
    /// own).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The longest a Prism server may take to answer its first request (Confluence v1 needs about 9 s alone).
const READY_LIMIT: Duration = Duration::from_secs(180);

/// Runs the check; the exit code is a failure when any call did not end as expected.
pub fn main(args: &Args) -> ExitCode {
    match run(args) {
        Ok(summary) if summary.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// One spec to serve: its listing name, Rust module and file.
struct SpecToServe {
    name: String,
    module: String,
    file: PathBuf,
}

fn run(args: &Args) -> Result<report::Summary> {
    let started = Instant::now();
    let root = project_root();
    let settings_dir = root.join("xtask").join("conformance");
    let prism_bin = settings_dir.join("node_modules").join(".bin").join("prism");
    if !prism_bin.exists() {
        return Err(format!(
            "Prism is not installed: run `npm ci --ignore-scripts` in {} (it installs the pinned @stoplight/prism-cli)",
            settings_dir.display()
        )
        .into());
    }
    let prism = prism::Prism { bin: prism_bin, watchdog: settings_dir.join("exit-with-parent.cjs") };
    // One list for every listing: the failures are facts about operations, whichever listing selects them.
    let expected_path = args.expected_failures.clone().unwrap_or_else(|| settings_dir.join("expected-failures.json"));
    let expected = report::load_expected(&expected_path)?;
    let seeds = report::load_seeds(&settings_dir.join("seeds.json"))?;

    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let work = target.join("conformance");
    std::fs::create_dir_all(&work)?;

    // 1. The crate.
    let listing_path = args.listing.clone().unwrap_or_else(default_listing);
    let is_default = !args.all && (args.listing.is_none() || same_file(&listing_path, &default_listing()));
    let crate_dir = match (&args.out, is_default) {
        (Some(out), _) => out.clone(),
        (None, true) => root.join("generated-client"),
        (None, false) => work.join("crate"),
    };
    let is_default = is_default && args.out.is_none();
    let mut output = crate::regen::crate_output(&listing_path, &crate_dir, args.all)?;
    if is_default {
        let stale = generator::write::stale_files(&crate_dir, &output)?;
        if !stale.is_empty() {
            return Err(format!(
                "generated-client is out of date ({}); run `cargo xtask regen` first",
                stale.join(", ")
            )
            .into());
        }
    } else {
        // The crate lives under the workspace's target folder: it is a workspace of its own. (With `--out` the
        // files are regen's, byte for byte.) Its package has a name of its own: cargo hashes a root package's path
        // relative to its workspace, so two generated crates of one name (this one and a `regen --out` crate such
        // as CI's target/all-operations) would share artifacts in the shared target folder, and a test build of
        // one could run the other's binary.
        if args.out.is_none() {
            if let Some(manifest) = output.files.get_mut("Cargo.toml") {
                *manifest = conformance_manifest(manifest);
            }
        }
        generator::write::write_files(&crate_dir, &output)?;
        println!("generated {} into {}", listing_path.display(), crate_dir.display());
    }
    let specs = specs_to_serve(&listing_path, &output, &work)?;
    if specs.is_empty() {
        return Err("the listing selects no operation that has conformance tests".into());
    }

    // 2. Compile first, so that the servers do not wait for the compiler.
    let manifest = crate_dir.join("Cargo.toml");
    let status = cargo_test(&manifest, &target).arg("--no-run").status()?;
    if !status.success() {
        return Err(format!("the conformance tests of {} do not compile", crate_dir.display()).into());
    }

    // 3. The servers, stopped when `servers` is dropped, also on every early return below.
    let mut servers = Vec::new();
    let ports = prism::free_ports(specs.len())?;
    for (spec, port) in specs.iter().zip(ports) {
        let seed = seeds.seed(&spec.name);
        let log = work.join(format!("prism-{}.log", spec.name));
        servers.push(prism::Server::start(&prism, &spec.file, &spec.name, port, seed, log)?);
    }
    for server in &mut servers {
        let took = server.wait_ready(READY_LIMIT)?;
        println!(
            "Prism for {} on {} (seed {}) ready in {:.1} s",
            server.spec,
            server.url(),
            server.seed,
            took.as_secs_f64()
        );
    }

    // 4. The tests.
    let mut command = cargo_test(&manifest, &target);
    command.args(["--", "::conformance::", "--test-threads", "2", "--nocapture"]);
    for (spec, server) in specs.iter().zip(&servers) {
        command.env(generator::emit::url_variable(&spec.module), server.url());
    }
    let skip: Vec<String> =
        expected.iter().filter(|e| e.skip).map(|e| format!("{} {} {}", e.spec, e.operation_id, e.call)).collect();
    command.env("ATLASSIAN_CONFORMANCE_SKIP", skip.join(";"));
    let log_path = work.join("tests.log");
    let results = run_tests(command, &log_path, &expected)?;
    drop(servers);

    // 5. The verdict.
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    let summary = report::evaluate(&results.lines, &expected, &names, results.tests_run);
    summary.print(&mut std::io::stdout(), started.elapsed(), &log_path)?;
    Ok(summary)
}

/// The specs that have conformance tests in the generated output, with the files Prism serves: the corrected
/// document (written under `work`) for a spec with overlays.
fn specs_to_serve(listing_path: &Path, output: &generator::Output, work: &Path) -> Result<Vec<SpecToServe>> {
    let listing = generator::load::Listing::load(listing_path)?;
    let mut specs = Vec::new();
    for source in &listing.specs {
        let module = generator::names::snake_name(&source.name);
        if output.files.contains_key(&format!("src/generated/{module}/conformance.rs")) {
            let file = prism::spec_file(&listing, source, work)?;
            specs.push(SpecToServe { name: source.name.clone(), module, file });
        }
    }
    Ok(specs)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// `cargo test --lib` of the crate at `manifest`, building into `target`.
fn cargo_test(manifest: &Path, target: &Path) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["test", "--lib", "--manifest-path"]).arg(manifest).env("CARGO_TARGET_DIR", target);
    // `cargo run` gave this process the xtask's package variables; build scripts that watch them (ring's) would
    // rebuild on every run, and again for the workspace's next build.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let package = ["CARGO_MANIFEST_", "CARGO_PKG_", "CARGO_PRIMARY_PACKAGE", "CARGO_BIN_", "CARGO_CRATE_NAME"];
        if package.iter().any(|prefix| name.starts_with(prefix)) {
            command.env_remove(name.as_ref());
        }
    }
    command
}

/// What the test run printed.
struct TestRun {
    /// The `CONFORMANCE ...` result lines, from `PASS`/`FAIL` on.
    lines: Vec<String>,
    /// How many tests libtest said it ran.
    tests_run: usize,
}

/// Runs the tests, echoing each result line as it arrives and keeping everything in `log_path`.
fn run_tests(mut command: Command, log_path: &Path, expected: &[report::ExpectedFailure]) -> Result<TestRun> {
    let mut log = std::fs::File::create(log_path)?;
    let stderr_log = log.try_clone()?;
    let mut child = command.stdout(Stdio::piped()).stderr(stderr_log).stdin(Stdio::null()).spawn()?;
    let stdout = child.stdout.take().ok_or("the test run has no stdout")?;
    let mut lines = Vec::new();
    let mut tests_run = 0;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        writeln!(log, "{line}")?;
        let count = line.strip_prefix("running ").and_then(|r| r.strip_suffix(" tests").or(r.strip_suffix(" test")));
        if let Some(count) = count {
            tests_run += count.parse::<usize>().unwrap_or(0);
        }
        if let Some(at) = line.find("CONFORMANCE ") {
            let result = line[at + "CONFORMANCE ".len()..].to_owned();
            if let Some(parsed) = report::parse(&result) {
                println!("{}", report::describe(&parsed, &report::classify(&parsed, expected)));
            }
            lines.push(result);
        }
    }
    let status = child.wait()?;
    if tests_run == 0 && !status.success() {
        return Err(format!("the test run failed before running tests; see {}", log_path.display()).into());
    }
    Ok(TestRun { lines, tests_run })
}

/// The manifest of the conformance crate: regen's, as a workspace of its own with a package name of its own (the
/// library keeps its name, `atlassian_client`).
fn conformance_manifest(manifest: &str) -> String {
    let renamed =
        manifest.replacen("\nname = \"atlassian-client\"\n", "\nname = \"atlassian-client-conformance\"\n", 1);
    format!("{renamed}\n[workspace]\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_conformance_crate_is_a_package_of_its_own_with_the_same_library() {
        let manifest = std::fs::read_to_string(crate::project_root().join("generated-client/Cargo.toml"))
            .expect("the committed manifest");
        let renamed = super::conformance_manifest(&manifest);
        assert!(renamed.contains("\nname = \"atlassian-client-conformance\"\n"), "{renamed}");
        assert!(!renamed.contains("\nname = \"atlassian-client\"\n"), "{renamed}");
        assert!(renamed.contains("\nname = \"atlassian_client\"\n"), "the library keeps its name: {renamed}");
        assert!(renamed.ends_with("\n[workspace]\n"), "{renamed}");
    }
}
