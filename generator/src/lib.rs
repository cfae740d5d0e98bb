//! Generates a Rust client crate from Atlassian's OpenAPI documents and an APIs.json allowlist.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`load`]: the listing (YAML) and the OpenAPI documents it names, corrected by their [`overlay`]s;
//! 2. [`select`]: the listed operations (by slug or operationId) and the closure of schemas they reach;
//! 3. [`lower`]: into the spec-independent model of [`ir`]: names decided, `$ref`s resolved, optionality settled;
//! 4. [`emit`]: `quote!` token streams for each file of the crate;
//! 5. [`format`](mod@format): `syn` + `prettyplease` into source text with a header;
//! 6. [`write`](mod@write): all files at once, byte-identical for the same input, or nothing.
//!
//! ```no_run
//! let listing = generator::load::Listing::load("specs/atlassian.apis.yaml".as_ref())?;
//! let output = generator::generate(&listing, &generator::Options::default())?;
//! generator::write::write_files("generated-client".as_ref(), &output)?;
//! # Ok::<(), generator::Error>(())
//! ```

pub mod captures;
pub mod emit;
pub mod error;
pub mod exceptions;
pub mod format;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod overlay;
pub mod rust_types;
pub mod select;
pub mod write;

use std::collections::BTreeMap;

pub use error::{Error, Result};

/// What to generate besides the listing's own choices.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Select every operation of every spec of the listing, ignoring its `apis` entries.
    pub all: bool,
    /// A folder of response bodies captured from real instances (see [`captures`]): each one that belongs to a
    /// selected operation gets a generated test that it decodes.
    pub captures: Option<std::path::PathBuf>,
}

/// The generated files, keyed by their path relative to the crate's root (`src/generated/mod.rs`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub files: BTreeMap<String, String>,
    /// Counts for reports: operations and types per spec module.
    pub stats: Vec<SpecStats>,
}

/// What was generated for one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecStats {
    pub module: String,
    pub operations: usize,
    pub types: usize,
}

/// Runs the whole pipeline up to formatted text; writes nothing.
pub fn generate(listing: &load::Listing, options: &Options) -> Result<Output> {
    let selection = select::select(listing, options)?;
    let captures = match &options.captures {
        Some(dir) => captures::load(dir)?,
        None => Vec::new(),
    };
    let exceptions = exceptions::load(&listing.spec_dir())?;
    let mut api = lower::lower(&selection, &captures)?;
    // The IR holds all that emitting needs: free the parsed documents and the captured bodies first.
    drop((selection, captures));
    lower::apply_example_exceptions(&mut api, &exceptions);
    lower::lower_shared(&mut api, listing)?;
    emit::emit(&api)
}
