//! `cargo xtask ops search WORDS... [--spec NAME] [--limit N]`.

use std::path::Path;

use super::Catalog;
use crate::Result;

#[derive(clap::Args)]
pub struct Args {
    /// Every word must occur (case-insensitively) in the operationId, summary, path or slug, or a tag.
    #[arg(required = true)]
    words: Vec<String>,
    /// Search this spec only (its `x-spec`).
    #[arg(long)]
    spec: Option<String>,
    /// Print at most this many operations.
    #[arg(long, default_value_t = 40)]
    limit: usize,
}

/// One operation that matches.
struct Hit<'a> {
    /// 0: all words in the operationId; 1: in the summary; 2: in the path; 3: in a tag; 4: spread over several.
    rank: usize,
    spec: usize,
    path: &'a str,
    method: &'a str,
    operation: &'a openapiv3::Operation,
}

pub fn run(listing: &Path, args: &Args) -> Result<()> {
    let catalog = Catalog::load(listing, false)?;
    if let Some(spec) = &args.spec {
        catalog.check_spec(spec)?;
    }
    let words: Vec<String> = args.words.iter().map(|w| w.to_lowercase()).collect();
    let mut hits = Vec::new();
    for (spec, loaded) in catalog.specs.iter().enumerate() {
        if args.spec.as_ref().is_some_and(|name| name != &loaded.source.name) {
            continue;
        }
        for (path, method, operation) in generator::select::operations(&loaded.document) {
            let fields = [
                operation.operation_id.clone().unwrap_or_default().to_lowercase(),
                operation.summary.clone().unwrap_or_default().to_lowercase(),
                format!("{} {}", path.to_lowercase(), generator::select::slug(path, method)),
                operation.tags.join("\n").to_lowercase(),
            ];
            if !words.iter().all(|word| fields.iter().any(|field| field.contains(word.as_str()))) {
                continue;
            }
            let rank = fields.iter().position(|field| words.iter().all(|w| field.contains(w.as_str())));
            hits.push(Hit { rank: rank.unwrap_or(fields.len()), spec, path, method, operation });
        }
    }
    hits.sort_by(|a, b| (a.rank, a.spec, a.path, a.method).cmp(&(b.rank, b.spec, b.path, b.method)));

    let rows: Vec<[String; 7]> = hits
        .iter()
        .take(args.limit)
        .map(|hit| {
            let op = generator::select::OperationRef {
                path: hit.path.to_owned(),
                method: hit.method.to_owned(),
                slug: generator::select::slug(hit.path, hit.method),
            };
            let mut flags = Vec::new();
            if hit.operation.deprecated {
                flags.push("deprecated");
            }
            if !catalog.entries_for(hit.spec, &op).is_empty() {
                flags.push("listed");
            }
            [
                catalog.specs[hit.spec].source.name.clone(),
                hit.method.to_uppercase(),
                op.path,
                op.slug,
                hit.operation.operation_id.clone().unwrap_or_else(|| "-".into()),
                hit.operation.summary.clone().unwrap_or_default(),
                flags.join(", "),
            ]
        })
        .collect();
    print!("{}", table(&rows));
    let more = hits.len().saturating_sub(args.limit);
    if more > 0 {
        eprintln!("{} operation(s) match; {more} more not shown (--limit)", hits.len());
    } else if hits.is_empty() {
        eprintln!("no operation matches all of: {}", args.words.join(" "));
    }
    Ok(())
}

/// Rows with every column but the last padded to its widest cell.
fn table(rows: &[[String; 7]]) -> String {
    let mut widths = [0; 7];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (cell, width))| if i + 1 == row.len() { cell.clone() } else { format!("{cell:width$}") })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
