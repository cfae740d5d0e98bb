//! `cargo xtask regen [--check] [--listing PATH] [--out DIR] [--all]`.
//!
//! Regenerates the client crate: checks the committed specs against their lock, runs the generator, and writes
//! `Cargo.toml` and `src/generated/**` atomically. With `--out DIR` it also copies the hand-written runtime from
//! `generated-client/src`, so DIR is a crate that builds on its own.

use std::path::{Path, PathBuf};

use crate::{default_listing, project_root, Result};

#[derive(clap::Args)]
pub struct Args {
    /// Write nothing; fail listing the files that are out of date.
    #[arg(long)]
    pub check: bool,
    /// The listing to generate from.
    #[arg(long)]
    pub listing: Option<PathBuf>,
    /// The crate folder to write (default: generated-client).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Select every operation of every listed spec.
    #[arg(long)]
    pub all: bool,
}

pub fn run(args: &Args) -> Result<()> {
    let listing_path = args.listing.clone().unwrap_or_else(default_listing);
    let default_out = project_root().join("generated-client");
    let out = args.out.clone().unwrap_or_else(|| default_out.clone());
    let output = crate_output(&listing_path, &out, args.all)?;
    // The README lists the corrections of the committed listing.
    let readme = (listing_path == default_listing()).then(|| readme_with_corrections(&listing_path)).transpose()?;

    if args.check {
        if let Some((path, text)) = &readme {
            if std::fs::read_to_string(path)? != *text {
                return Err(format!(
                    "{}: the list of corrections is out of date\nrun `cargo xtask regen` and commit the result",
                    path.display()
                )
                .into());
            }
        }
        let stale = generator::write::stale_files(&out, &output)?;
        if !stale.is_empty() {
            return Err(format!(
                "{} generated file(s) are out of date in {}: {}\nrun `cargo xtask regen` and commit the result",
                stale.len(),
                out.display(),
                stale.join(", ")
            )
            .into());
        }
        return Ok(());
    }
    generator::write::write_files(&out, &output)?;
    if let Some((path, text)) = &readme {
        if std::fs::read_to_string(path)? != *text {
            crate::lock::Staged::new(path, text.as_bytes())?.commit()?;
            eprintln!("updated the list of corrections in {}", path.display());
        }
    }
    for stats in &output.stats {
        eprintln!("{}: {} operations, {} types", stats.module, stats.operations, stats.types);
    }
    eprintln!("wrote {} files to {}", output.files.len(), out.display());
    Ok(())
}

/// The project's README with its list of corrections (between the markers) written from the listing's overlays.
pub fn readme_with_corrections(listing_path: &Path) -> Result<(PathBuf, String)> {
    let listing = generator::load::Listing::load(listing_path)?;
    let path = project_root().join("README.md");
    let readme = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let list = generator::overlay::summary::corrections_markdown(&listing)?;
    let text = generator::overlay::summary::replace_between_markers(&path, &readme, &list)?;
    Ok((path, text))
}

/// Everything regen writes into the crate at `out` for the listing: the generated files, and for a crate other
/// than `generated-client` a copy of the runtime and the workspace's lock file. Checks the specs' lock first.
pub fn crate_output(listing_path: &Path, out: &Path, all: bool) -> Result<generator::Output> {
    let listing = generator::load::Listing::load(listing_path)?;
    crate::lock::verify(&listing)?;
    // Real responses captured from Jira: each one that belongs to a selected operation gets a decode check.
    let captures = project_root().join("generated-client/tests/captures");
    let options = generator::Options { all, captures: Some(captures) };
    let output = generator::generate(&listing, &options)?;

    let default_out = project_root().join("generated-client");
    let mut files = output.files.clone();
    if out != default_out {
        // The runtime has one source, generated-client/src; another crate gets a copy of it.
        for (path, text) in generator::write::runtime_files(&default_out)? {
            files.entry(path).or_insert(text);
        }
        // The workspace's lock file, so the crate builds with the versions tested here (also `--offline`).
        if !out.join("Cargo.lock").exists() {
            let lock = std::fs::read_to_string(project_root().join("Cargo.lock"))?;
            files.insert("Cargo.lock".to_owned(), lock);
        }
    }
    Ok(generator::Output { files, stats: output.stats })
}
