//! `cargo xtask ops search|show|add|remove`: find operations in the listing's specs and edit the listing.
//!
//! Everything goes through the generator's own stages: the listing and specs are parsed by `generator::load`, names
//! are resolved by `generator::select::Index` (so an unknown or ambiguous name gets regen's message), and `show`
//! lowers the operation as regen would. No network.

mod add;
mod listing_text;
mod remove;
mod search;
mod show;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use generator::load::{Entry, Listing, LoadedSpec, Selector};
use generator::select::{Index, OperationRef};

use crate::{default_listing, Result};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
    /// The listing to read (and edit).
    #[arg(long, global = true)]
    listing: Option<PathBuf>,
}

#[derive(clap::Subcommand)]
enum Command {
    /// List the operations whose operationId, path, summary or tag contain all the words.
    Search(search::Args),
    /// Parameters, body, responses, pagination and the Rust method of one operation.
    Show(show::Args),
    /// Add operations (by slug or operationId) to the end of the listing's `apis`, then regenerate.
    Add(EditArgs),
    /// Remove the listing's entries for operations (by slug or operationId), then regenerate.
    Remove(EditArgs),
}

/// What `add` and `remove` take.
#[derive(clap::Args)]
pub struct EditArgs {
    /// Slugs (`api2issue-post`) or operationIds (`createIssue`); `remove` also takes an entry's own
    /// `x-api-slug` or `x-operation-id` when it no longer matches an operation.
    #[arg(required = true)]
    names: Vec<String>,
    /// Look the names up in this spec only (its `x-spec`).
    #[arg(long)]
    spec: Option<String>,
    /// Edit the listing only; do not regenerate.
    #[arg(long)]
    no_regen: bool,
    /// The crate folder regen writes (default: generated-client), as `cargo xtask regen --out`.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<()> {
    let listing = args.listing.clone().unwrap_or_else(default_listing);
    match &args.command {
        Command::Search(search) => search::run(&listing, search),
        Command::Show(show) => show::run(&listing, show),
        Command::Add(add) => add::run(&listing, add),
        Command::Remove(remove) => remove::run(&listing, remove),
    }
}

/// The listing with its specs parsed and its entries resolved.
struct Catalog {
    listing: Listing,
    specs: Vec<LoadedSpec>,
    index: Index,
    /// The operations the listing selects: (spec index, path, method) -> the entries naming it.
    listed: BTreeMap<(usize, String, String), Vec<usize>>,
}

impl Catalog {
    /// Parses the listing and its specs. With `strict`, an entry that does not resolve is regen's error; without,
    /// it is left out of `listed` (so a stale entry can still be searched around and removed).
    fn load(path: &Path, strict: bool) -> Result<Catalog> {
        let listing = Listing::load(path)?;
        let specs = generator::select::load_specs(&listing)?;
        let index = Index::new(&specs);
        let mut listed: BTreeMap<(usize, String, String), Vec<usize>> = BTreeMap::new();
        for entry in &listing.entries {
            match index.resolve(&listing, &specs, entry) {
                Ok((spec, op)) => listed.entry((spec, op.path, op.method)).or_default().push(entry.index),
                Err(error) if strict => return Err(error.into()),
                Err(_) => {}
            }
        }
        Ok(Catalog { listing, specs, index, listed })
    }

    /// The operation a name (slug or operationId, optionally in one spec) selects, with regen's errors.
    fn resolve(&self, name: &str, spec: Option<&str>) -> Result<(usize, OperationRef)> {
        if let Some(spec) = spec {
            self.check_spec(spec)?;
        }
        let entry = Entry {
            index: self.listing.entries.len(),
            name: None,
            selector: self.index.selector(name),
            spec: spec.map(str::to_owned),
        };
        self.index.resolve(&self.listing, &self.specs, &entry).map_err(|error| match &error {
            // Regen's message, and how to say it here.
            generator::Error::AmbiguousOperation { hint, .. } if hint.contains("x-spec") => {
                format!("{error}\n(here: `--spec <one of those>`)").into()
            }
            _ => error.into(),
        })
    }

    /// Fails unless the listing has a spec of this `x-spec` name.
    fn check_spec(&self, spec: &str) -> Result<()> {
        if self.specs.iter().any(|s| s.source.name == spec) {
            return Ok(());
        }
        let known: Vec<&str> = self.specs.iter().map(|s| s.source.name.as_str()).collect();
        Err(format!(
            "{}: `{spec}` is not an `x-spec` of `x-common` (known: {})",
            self.listing.path.display(),
            known.join(", ")
        )
        .into())
    }

    /// The listing's entries naming this operation.
    fn entries_for(&self, spec: usize, op: &OperationRef) -> &[usize] {
        self.listed.get(&(spec, op.path.clone(), op.method.clone())).map(Vec::as_slice).unwrap_or_default()
    }

    /// The operation object of a resolved reference.
    fn operation(&self, spec: usize, op: &OperationRef) -> Option<&openapiv3::Operation> {
        generator::select::operations(&self.specs[spec].document)
            .find(|(path, method, _)| *path == op.path && *method == op.method)
            .map(|(_, _, operation)| operation)
    }
}

/// How an entry is written in the listing, for messages: `apis[3] (x-api-slug api2issue-post)`.
fn describe_entry(entry: &Entry) -> String {
    let selector = match &entry.selector {
        Selector::Slug(slug) => format!("x-api-slug {slug}"),
        Selector::OperationId(id) => format!("x-operation-id {id}"),
    };
    match &entry.spec {
        Some(spec) => format!("apis[{}] ({selector}, x-spec {spec})", entry.index),
        None => format!("apis[{}] ({selector})", entry.index),
    }
}

/// `METHOD /path`.
fn method_path(op: &OperationRef) -> String {
    format!("{} {}", op.method.to_uppercase(), op.path)
}

/// Runs regen for the edited listing, as `cargo xtask regen --listing PATH [--out DIR]` would.
fn regen(listing: &Path, args: &EditArgs) -> Result<()> {
    if args.no_regen {
        return Ok(());
    }
    let listing = Some(listing.to_owned());
    crate::regen::run(&crate::regen::Args { check: false, listing, out: args.out.clone(), all: false })
}
