//! `generator --listing specs/atlassian.apis.yaml --out generated-client`: the pipeline as a command.
//! Most users run it through `cargo xtask regen`, which also checks the spec lock and copies the runtime.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Generation allocates and frees many small token trees; mimalloc takes about a quarter off its CPU time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Generate the client crate's generated files from an APIs.json listing.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// The listing (APIs.json YAML) naming the operations and the specs.
    #[arg(long, default_value = "specs/atlassian.apis.yaml")]
    listing: PathBuf,
    /// The crate folder to write `Cargo.toml` and `src/generated/` into.
    #[arg(long, default_value = "generated-client")]
    out: PathBuf,
    /// Select every operation of every listed spec.
    #[arg(long)]
    all: bool,
    /// A folder of captured response bodies (with a SOURCES.md) to generate decode checks from.
    #[arg(long)]
    captures: Option<PathBuf>,
    /// Write nothing; fail if a file would change.
    #[arg(long)]
    check: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let run = || -> generator::Result<Vec<String>> {
        let listing = generator::load::Listing::load(&args.listing)?;
        let output =
            generator::generate(&listing, &generator::Options { all: args.all, captures: args.captures.clone() })?;
        if args.check {
            generator::write::stale_files(&args.out, &output)
        } else {
            generator::write::write_files(&args.out, &output)?;
            Ok(Vec::new())
        }
    };
    match run() {
        Ok(stale) if stale.is_empty() => ExitCode::SUCCESS,
        Ok(stale) => {
            eprintln!("stale generated files (run `cargo xtask regen`):");
            for file in stale {
                eprintln!("  {file}");
            }
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
