//! Project tasks: `cargo xtask regen`, `regen --check`, `lock-specs`, `refresh-specs`, `conformance`, `bench`,
//! `ops`.
//!
//! The xtask never links the generated crate: broken output must never stop regen from running.

mod bench;
mod checkout;
mod conformance;
mod lock;
mod ops;
mod refresh;
mod regen;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The generator runs in this process (`regen`, `conformance`): the same allocator as its own binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The error type of every task: a message for the user.
pub type DynError = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T, E = DynError> = std::result::Result<T, E>;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Tasks for the Atlassian client generator")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate the client crate from the listing (default: specs/atlassian.apis.yaml -> generated-client).
    Regen(regen::Args),
    /// Record the current spec files (sha256, size, version) in specs/specs.lock.json, accepting local changes.
    LockSpecs(lock::Args),
    /// Download the specs again, report what changed for the listed operations, and regenerate.
    RefreshSpecs(refresh::Args),
    /// Call every selected operation through the generated client against Prism mock servers of the specs.
    Conformance(conformance::Args),
    /// Find operations in the listing's specs (search, show) and add them to or remove them from the listing.
    Ops(ops::Args),
    /// Measure generation, emitted size and compile time against openapi-generator and progenitor; write BENCHMARKS.md.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(error) = checkout::root() {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    let result = match cli.task {
        Task::Regen(args) => regen::run(&args),
        Task::LockSpecs(args) => lock::run(&args),
        Task::RefreshSpecs(args) => refresh::run(&args),
        Task::Bench(args) => bench::run(&args),
        Task::Ops(args) => ops::run(&args),
        // Ends with its own `N passed, M failed` line, so it reports its errors itself.
        Task::Conformance(args) => return conformance::main(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The root of the checkout the xtask runs in (see [`checkout`]).
pub fn project_root() -> PathBuf {
    checkout::root().map(Path::to_owned).expect("main checked that the xtask runs inside a checkout")
}

/// The default listing.
pub fn default_listing() -> PathBuf {
    project_root().join("specs").join("atlassian.apis.yaml")
}
