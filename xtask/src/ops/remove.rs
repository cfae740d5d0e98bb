//! `cargo xtask ops remove SLUG|OPERATION_ID... [--spec NAME] [--no-regen]`.

use std::collections::BTreeSet;
use std::path::Path;

use generator::load::{Listing, Selector};

use super::listing_text::ApisList;
use super::{describe_entry, method_path, Catalog, EditArgs};
use crate::Result;

pub fn run(path: &Path, args: &EditArgs) -> Result<()> {
    let catalog = Catalog::load(path, false)?;
    let entries = &catalog.listing.entries;
    let mut remove: BTreeSet<usize> = BTreeSet::new();
    for name in &args.names {
        // An entry written with exactly this name goes, even one that matches nothing any more.
        let verbatim: Vec<usize> = entries
            .iter()
            .filter(|e| match &e.selector {
                Selector::Slug(s) | Selector::OperationId(s) => s == name,
            })
            .filter(|e| args.spec.is_none() || e.spec == args.spec)
            .map(|e| e.index)
            .collect();
        let found = match catalog.resolve(name, args.spec.as_deref()) {
            Ok((spec, op)) => {
                let listed = catalog.entries_for(spec, &op);
                if listed.is_empty() && verbatim.is_empty() {
                    return Err(format!(
                        "{}: `{name}` ({} {}) is not listed",
                        path.display(),
                        catalog.specs[spec].source.name,
                        method_path(&op)
                    )
                    .into());
                }
                listed.iter().copied().chain(verbatim).collect::<Vec<_>>()
            }
            Err(_) if !verbatim.is_empty() => verbatim,
            Err(error) => return Err(error),
        };
        remove.extend(found);
    }

    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let list = ApisList::find(&text).map_err(|e| format!("{}: cannot remove from the listing: {e}", path.display()))?;
    if list.len() != entries.len() {
        return Err(format!(
            "{}: cannot remove from the listing: `apis` has {} entries but {} block items were found in the text \
             (edit it by hand)",
            path.display(),
            entries.len(),
            list.len()
        )
        .into());
    }
    let positions: Vec<usize> = remove.iter().copied().collect();
    let edited = list.without(&positions);

    // The edit must parse back to exactly the entries that were kept.
    let reparsed = Listing::parse(path, &edited)?;
    let kept: Vec<_> = entries.iter().filter(|e| !remove.contains(&e.index)).collect();
    let same = reparsed.entries.len() == kept.len()
        && reparsed
            .entries
            .iter()
            .zip(&kept)
            .all(|(new, old)| (&new.name, &new.selector, &new.spec) == (&old.name, &old.selector, &old.spec));
    if !same {
        return Err(format!(
            "{}: the edited listing does not parse back to the entries kept; nothing was written",
            path.display()
        )
        .into());
    }
    crate::lock::write_atomic(path, edited.as_bytes())?;
    for index in &remove {
        println!("removed {} from {}", describe_entry(&entries[*index]), path.display());
    }
    super::regen(path, args)
}
