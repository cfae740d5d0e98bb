//! The README's list of corrections: every action of the overlays a listing names, with its spec, target,
//! description and kinds of evidence, written between markers by `cargo xtask regen` and checked by `regen --check`.

use std::collections::BTreeMap;

use super::document::{Action, OverlayDocument};
use crate::error::{Error, Result};
use crate::load::Listing;

/// The line that opens the generated list.
pub const BEGIN: &str = "<!-- corrections:begin -->";
/// The line that closes it.
pub const END: &str = "<!-- corrections:end -->";

/// The list (Markdown) for `listing`'s overlays, without the markers.
pub fn corrections_markdown(listing: &Listing) -> Result<String> {
    let mut rows = Vec::new();
    let mut prism_rows = Vec::new();
    for source in &listing.specs {
        for name in &source.overlays {
            let overlay = OverlayDocument::load(&listing.spec_dir().join(name), name)?;
            for action in &overlay.actions {
                let row = row(&source.name, &overlay, action);
                if action.prism_only {
                    prism_rows.push(row);
                } else {
                    rows.push(row);
                }
            }
        }
    }
    let header = "| spec | overlay, action | target | correction | evidence |\n|---|---|---|---|---|\n";
    let mut text = String::from(
        "_Written by `cargo xtask regen` from the overlays the listing names (`x-overlays`); edit those, not this._\n\n",
    );
    if rows.is_empty() {
        text.push_str("No corrections.\n");
    } else {
        text.push_str(header);
        text.push_str(&rows.concat());
    }
    text.push_str("\nMade only so that Prism accepts more (`x-prism-only`; they need the same evidence as any other):");
    if prism_rows.is_empty() {
        text.push_str(" none.\n");
    } else {
        text.push_str("\n\n");
        text.push_str(header);
        text.push_str(&prism_rows.concat());
    }
    Ok(text)
}

fn row(spec: &str, overlay: &OverlayDocument, action: &Action) -> String {
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for body in &action.evidence.bodies {
        *kinds.entry(body.kind.as_str()).or_default() += 1;
    }
    let mut evidence: Vec<String> =
        kinds.iter().map(|(kind, n)| if *n == 1 { kind.to_string() } else { format!("{kind} ×{n}") }).collect();
    if !action.evidence.reports.is_empty() {
        evidence.push(format!("{} report(s)", action.evidence.reports.len()));
    }
    let evidence = if evidence.is_empty() { "–".to_owned() } else { evidence.join(", ") };
    let description = action.description.as_deref().unwrap_or("–");
    format!(
        "| `{spec}` | `{}` #{} | `{}` | {} | {evidence} |\n",
        overlay.name,
        action.index,
        cell(&action.target),
        cell(description)
    )
}

/// Text safe inside a table cell: one line, no unescaped `|`.
fn cell(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

/// `readme` with the text between [`BEGIN`] and [`END`] replaced by `list`; `path` names the file in errors.
pub fn replace_between_markers(path: &std::path::Path, readme: &str, list: &str) -> Result<String> {
    let missing = |marker: &str| Error::Io {
        path: path.to_owned(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("the marker `{marker}` is missing: it says where the list of corrections goes"),
        ),
    };
    let start = readme.find(BEGIN).ok_or_else(|| missing(BEGIN))? + BEGIN.len();
    let end = start + readme[start..].find(END).ok_or_else(|| missing(END))?;
    Ok(format!("{}\n{list}{}", &readme[..start], &readme[end..]))
}
