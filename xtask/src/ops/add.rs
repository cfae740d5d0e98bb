//! `cargo xtask ops add SLUG|OPERATION_ID... [--spec NAME] [--no-regen]`.

use std::path::Path;

use generator::load::{Listing, Selector};
use generator::select::OperationRef;

use super::listing_text::{ApisList, NewEntry};
use super::{describe_entry, method_path, Catalog, EditArgs};
use crate::Result;

pub fn run(path: &Path, args: &EditArgs) -> Result<()> {
    let catalog = Catalog::load(path, true)?;
    let mut chosen: Vec<(usize, OperationRef)> = Vec::new();
    for name in &args.names {
        let (spec, op) = catalog.resolve(name, args.spec.as_deref())?;
        let spec_name = &catalog.specs[spec].source.name;
        if let Some(&entry) = catalog.entries_for(spec, &op).first() {
            return Err(format!(
                "{}: `{name}` ({spec_name} {}) is already listed as {}",
                path.display(),
                method_path(&op),
                describe_entry(&catalog.listing.entries[entry])
            )
            .into());
        }
        if chosen.iter().any(|(s, o)| *s == spec && *o == op) {
            return Err(format!("`{name}` ({spec_name} {}) is given twice", method_path(&op)).into());
        }
        chosen.push((spec, op));
    }

    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let list = ApisList::find(&text).map_err(|e| format!("{}: cannot add to the listing: {e}", path.display()))?;
    let entries: Vec<NewEntry> =
        chosen.iter().map(|(spec, op)| new_entry(&catalog, *spec, op)).collect::<Result<_>>()?;
    let edited = list.with_added(&entries);

    // The edit must parse back to the old entries plus the new ones, each selecting what was asked for.
    let reparsed = Listing::parse(path, &edited)?;
    let old = &catalog.listing.entries;
    let same_old = reparsed.entries.len() == old.len() + chosen.len()
        && reparsed.entries.iter().zip(old).all(|(new, old)| new == old);
    let index = &catalog.index;
    let mut added = Vec::new();
    for (entry, (spec, op)) in reparsed.entries[old.len().min(reparsed.entries.len())..].iter().zip(&chosen) {
        if index.resolve(&reparsed, &catalog.specs, entry)? != (*spec, op.clone()) {
            return Err(internal(path));
        }
        added.push((entry, *spec, op));
    }
    if !same_old || added.len() != chosen.len() {
        return Err(internal(path));
    }
    for entry in &reparsed.entries {
        index.resolve(&reparsed, &catalog.specs, entry)?;
    }
    crate::lock::write_atomic(path, edited.as_bytes())?;
    for (entry, spec, op) in added {
        println!(
            "added {} to {}: {} {}",
            describe_entry(entry),
            path.display(),
            catalog.specs[spec].source.name,
            method_path(op)
        );
    }
    super::regen(path, args)
}

/// `name` (the summary), `x-api-slug`, and `x-spec` where the slug alone would match in two specs.
fn new_entry(catalog: &Catalog, spec: usize, op: &OperationRef) -> Result<NewEntry> {
    let operation = catalog.operation(spec, op);
    let name = operation
        .and_then(|o| o.summary.clone().or_else(|| o.operation_id.clone()))
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| method_path(op));
    let mut entry: NewEntry = vec![("name", yaml_scalar(name.trim())?), ("x-api-slug", yaml_scalar(&op.slug)?)];
    let unqualified = generator::load::Entry {
        index: catalog.listing.entries.len(),
        name: None,
        selector: Selector::Slug(op.slug.clone()),
        spec: None,
    };
    if catalog.index.resolve(&catalog.listing, &catalog.specs, &unqualified).is_err() {
        entry.push(("x-spec", yaml_scalar(&catalog.specs[spec].source.name)?));
    }
    Ok(entry)
}

/// A string as one line of YAML (quoted where YAML needs it).
fn yaml_scalar(value: &str) -> Result<String> {
    let text = serde_norway::to_string(value)?;
    let line = text.trim_end_matches('\n');
    if line.contains('\n') {
        return Err(format!("`{value}` does not fit on one line of YAML").into());
    }
    Ok(line.to_owned())
}

fn internal(path: &Path) -> crate::DynError {
    format!("{}: the edited listing does not parse back to the entries intended; nothing was written", path.display())
        .into()
}
