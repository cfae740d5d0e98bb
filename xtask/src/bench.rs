//! `cargo xtask bench [--quick] [--install-baselines] [--no-compile] [--no-runtime] [--no-baselines]`.
//!
//! Measures, in one go and on this machine, what generating a client costs and what the generated crate costs to
//! compile, beside openapi-generator and progenitor on the same inputs when they are installed, then prints a table
//! (with targets, verdicts and the exact commands) and writes it to `BENCHMARKS.md`. One module per kind of
//! measurement:
//!
//! - [`inputs`]: the inputs (seed listing, a pruned copy of the Jira REST v2 spec, one-spec listings);
//! - [`generation`]: generator wall time and peak RSS, and the parse floor;
//! - [`size`]: emitted files, lines and types;
//! - [`compile`]: `cargo build` / `cargo check` of the generated crate alone, and its warnings;
//! - [`runtime`]: the criterion benches of the generated client;
//! - [`contents`]: what our generated crate holds (its operations, its features), checked before it is timed;
//! - [`report`]: the report, `BENCHMARKS.md`; [`rows`]: the table's rows; [`targets`]: the targets and verdicts;
//!   [`table`]: cells, ratios and layout; [`measure`]: child processes.
//!
//! Everything it writes is under `target/bench/` (baselines under `target/baselines/`); nothing in the tree changes
//! except the section of `BENCHMARKS.md` between its markers.

mod baselines;
mod compile;
mod contents;
mod generation;
mod inputs;
mod measure;
mod report;
mod rows;
mod runtime;
mod size;
mod table;
mod targets;

use std::path::PathBuf;

use measure::{repeat, run_once, Cmd, Measurement, Step};

use crate::{project_root, Result};

#[derive(clap::Args)]
pub struct Args {
    /// Fewer runs, for development (generation: 2 runs without warm-up; compile: 1 run). Leaves BENCHMARKS.md alone.
    #[arg(long)]
    pub quick: bool,
    /// First install openapi-generator 7.26.0 (PyPI, in a venv) and cargo-progenitor 0.15.1 under target/baselines/.
    #[arg(long)]
    pub install_baselines: bool,
    /// Do not run openapi-generator and progenitor, even if installed.
    #[arg(long)]
    pub no_baselines: bool,
    /// Skip the compile-time measurements of the generated crates.
    #[arg(long)]
    pub no_compile: bool,
    /// Skip the runtime criterion benches.
    #[arg(long)]
    pub no_runtime: bool,
}

/// A figure, or why there is none (not installed, not applicable, a setup step failed). A tool that runs and fails
/// is a measurement with a failure, not an `Err`.
pub type Outcome<T> = std::result::Result<T, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tool {
    Ours,
    Oag,
    Progenitor,
}

impl Tool {
    pub const ALL: [Tool; 3] = [Tool::Ours, Tool::Oag, Tool::Progenitor];

    pub fn key(self) -> &'static str {
        match self {
            Tool::Ours => "ours",
            Tool::Oag => "oag",
            Tool::Progenitor => "progenitor",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// The seed listing: 20 operations; our generator reads the six specs it names.
    Seed,
    /// The Jira REST v2 spec pruned to the 20 seed operations and their `$ref` closure.
    Pruned,
    /// Every operation of the Jira REST v2 spec.
    JiraV2,
    /// Every operation of the six specs.
    AllSix,
}

impl Input {
    pub const ALL: [Input; 4] = [Input::Seed, Input::Pruned, Input::JiraV2, Input::AllSix];

    pub fn key(self) -> &'static str {
        match self {
            Input::Seed => "seed",
            Input::Pruned => "seed20-pruned",
            Input::JiraV2 => "jira-v2",
            Input::AllSix => "all-six",
        }
    }
}

/// What every measurement needs: where to work, the inputs, the baselines, and the commands run so far.
pub struct Bench {
    pub root: PathBuf,
    /// `target/bench`.
    pub dir: PathBuf,
    pub quick: bool,
    pub inputs: inputs::Inputs,
    pub baselines: baselines::Baselines,
    /// Every command measured or run, in order, once each (for the report).
    pub commands: Vec<String>,
}

impl Bench {
    pub fn cargo(&self) -> String {
        "cargo".to_owned()
    }

    fn log(&self, name: &str) -> PathBuf {
        self.dir.join("logs").join(format!("{name}.log"))
    }

    fn record(&mut self, cmd: &Cmd) {
        let line = cmd.display(&self.root);
        if !self.commands.contains(&line) {
            self.commands.push(line);
        }
    }

    /// Runs a command once, unmeasured, and returns its output; its failure is an error with the first error line.
    pub fn run_logged(&mut self, name: &str, cmd: &Cmd) -> Result<String> {
        self.record(cmd);
        let log = self.log(name);
        let sample = run_once(cmd, &self.root, &log)?;
        if let Some(failure) = sample.failure {
            return Err(failure.into());
        }
        Ok(std::fs::read_to_string(&log).unwrap_or_default())
    }

    /// Like [`Bench::run_logged`], announcing what it does.
    pub fn run_checked(&mut self, what: &str, cmd: &Cmd) -> Result<()> {
        eprintln!("bench: {what}: {}", cmd.display(&self.root));
        self.run_logged(&what.replace(' ', "-"), cmd).map(drop).map_err(|e| format!("cannot {what}: {e}").into())
    }

    /// Measures `steps`: `warmups` unmeasured runs, then `runs` runs.
    pub fn measure(&mut self, name: &str, steps: Vec<Step>, warmups: usize, runs: usize) -> Outcome<Measurement> {
        for step in &steps {
            self.record(&step.cmd);
        }
        eprintln!("bench: {name}: {runs} run(s) after {warmups} warm-up(s)");
        let logs = self.dir.join("logs");
        let measured = repeat(&steps, warmups, runs, &self.root, &logs, name).map_err(|e| e.to_string())?;
        let wall = table::secs_text(measured.median_wall().as_secs_f64());
        let peak = table::bytes_text(measured.peak_rss());
        match measured.failure() {
            None => eprintln!("bench: {name}: median {wall}, peak RSS {peak}"),
            Some(failure) => eprintln!("bench: {name}: fails after {wall}: {failure}"),
        }
        Ok(measured)
    }

    /// Measures a generator run: 5 runs after 1 warm-up (quick: 2 runs).
    pub fn measure_gen(&mut self, name: &str, steps: Vec<Step>) -> Outcome<Measurement> {
        let (warmups, runs) = if self.quick { (0, 2) } else { (1, 5) };
        self.measure(name, steps, warmups, runs)
    }

    /// Timed compile runs per crate: 3 (quick: 1).
    pub fn compile_runs(&self) -> usize {
        if self.quick {
            1
        } else {
            3
        }
    }
}

pub fn run(args: &Args) -> Result<()> {
    let root = project_root();
    let dir = root.join("target").join("bench");
    std::fs::create_dir_all(dir.join("logs"))?;
    if args.install_baselines {
        baselines::install(&root)?;
    }
    let machine_before = report::Machine::now();
    let inputs = inputs::prepare(&dir.join("inputs"))?;
    let found = if args.no_baselines {
        let off = "not run (--no-baselines)".to_owned();
        baselines::Baselines { oag: Err(off.clone()), progenitor: Err(off) }
    } else {
        baselines::detect(&root)
    };
    let mut bench = Bench { root, dir, quick: args.quick, inputs, baselines: found, commands: Vec::new() };

    let ours = generation::build_ours(&mut bench)?;
    let generation = generation::run(&mut bench, &ours)?;
    let compiled = if args.no_compile {
        compile::skipped("not run (--no-compile)")
    } else {
        compile::run(&mut bench, &generation)
    };
    let runtime = if args.no_runtime { Err("not run (--no-runtime)".to_owned()) } else { runtime::run(&mut bench) };

    let results =
        report::Results { generation, compiled, runtime, machine_before, machine_after: report::Machine::now() };
    let text = report::section(&bench, &results);
    println!("{text}");
    if args.quick {
        eprintln!("bench: --quick: BENCHMARKS.md left as it is");
    } else {
        let path = bench.root.join("BENCHMARKS.md");
        report::write_section(&path, &text)?;
        eprintln!("bench: wrote {}", path.display());
    }
    Ok(())
}
