//! Stage 2, **select**: map the listing's entries to operations, then find the component schemas they reach.
//!
//! Every spec of the listing is indexed by slug and operationId, so an entry that matches in two specs is reported
//! as ambiguous instead of silently picking one.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr};

use crate::error::{Error, Result};
use crate::load::{load_spec, Entry, Listing, LoadedSpec, Selector};
use crate::Options;

/// The listing resolved to operations, grouped by spec in listing order.
#[derive(Debug)]
pub struct Selection {
    pub specs: Vec<SelectedSpec>,
}

/// One spec with its selected operations and the component schemas they reach.
#[derive(Debug)]
pub struct SelectedSpec {
    pub spec: LoadedSpec,
    /// Sorted by path, then method; each at most once.
    pub operations: Vec<OperationRef>,
    /// Names of the component schemas reachable from the operations.
    pub schemas: BTreeSet<String>,
}

/// Where an operation is in its spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OperationRef {
    pub path: String,
    /// Lowercase HTTP method.
    pub method: String,
    pub slug: String,
}

/// The slug of an operation: the path minus a leading `/rest/`, every non-alphanumeric character deleted,
/// lowercased, then `-` and the lowercase method. `GET /rest/api/2/attachment/meta` -> `api2attachmentmeta-get`.
pub fn slug(path: &str, method: &str) -> String {
    let path = path.strip_prefix("/rest/").unwrap_or(path);
    let mut slug: String = path.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    slug.push('-');
    slug.push_str(&method.to_ascii_lowercase());
    slug
}

/// Every operation of a document with its path and lowercase method, in document order.
pub fn operations(document: &OpenAPI) -> impl Iterator<Item = (&str, &str, &openapiv3::Operation)> {
    document
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| match item {
            ReferenceOr::Item(item) => Some(item.iter().map(move |(method, op)| (path.as_str(), method, op))),
            ReferenceOr::Reference { .. } => None,
        })
        .flatten()
}

/// Loads every spec of the listing and resolves its entries (or, with `options.all`, takes every operation).
pub fn select(listing: &Listing, options: &Options) -> Result<Selection> {
    // The specs are independent and parsing them dominates a run: parse them in parallel, reporting the first
    // error in listing order.
    let specs = std::thread::scope(|scope| {
        let handles: Vec<_> = listing
            .specs
            .iter()
            .map(|source| scope.spawn(move || load_spec(source, &listing.spec_path(source), &listing.spec_dir())))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect::<Result<Vec<_>>>()
    })?;
    select_from(listing, specs, options)
}

/// Resolves the entries against already loaded specs (in the listing's order).
pub fn select_from(listing: &Listing, specs: Vec<LoadedSpec>, options: &Options) -> Result<Selection> {
    let mut chosen: Vec<BTreeSet<OperationRef>> = vec![BTreeSet::new(); specs.len()];
    if options.all {
        for (i, spec) in specs.iter().enumerate() {
            for (path, method, _) in operations(&spec.document) {
                chosen[i].insert(OperationRef { path: path.into(), method: method.into(), slug: slug(path, method) });
            }
        }
    } else {
        let index = Index::new(&specs);
        for entry in &listing.entries {
            let (spec, op) = index.resolve(listing, &specs, entry)?;
            chosen[spec].insert(op);
        }
    }
    let specs = specs
        .into_iter()
        .zip(chosen)
        .filter(|(_, ops)| !ops.is_empty())
        .map(|(spec, ops)| {
            let operations: Vec<OperationRef> = ops.into_iter().collect();
            let schemas = schema_closure(&spec.document, &operations);
            SelectedSpec { spec, operations, schemas }
        })
        .collect();
    Ok(Selection { specs })
}

/// Slug and operationId lookup over all specs.
struct Index {
    /// slug -> (spec index, operation)
    by_slug: BTreeMap<String, Vec<(usize, OperationRef)>>,
    /// operationId -> (spec index, operation)
    by_id: BTreeMap<String, Vec<(usize, OperationRef)>>,
}

impl Index {
    fn new(specs: &[LoadedSpec]) -> Index {
        let mut index = Index { by_slug: BTreeMap::new(), by_id: BTreeMap::new() };
        for (i, spec) in specs.iter().enumerate() {
            for (path, method, op) in operations(&spec.document) {
                let op_ref = OperationRef { path: path.into(), method: method.into(), slug: slug(path, method) };
                if let Some(id) = &op.operation_id {
                    index.by_id.entry(id.clone()).or_default().push((i, op_ref.clone()));
                }
                index.by_slug.entry(op_ref.slug.clone()).or_default().push((i, op_ref));
            }
        }
        index
    }

    fn resolve(&self, listing: &Listing, specs: &[LoadedSpec], entry: &Entry) -> Result<(usize, OperationRef)> {
        let (map, key) = match &entry.selector {
            Selector::Slug(slug) => (&self.by_slug, slug),
            Selector::OperationId(id) => (&self.by_id, id),
        };
        let found: Vec<&(usize, OperationRef)> = map
            .get(key)
            .into_iter()
            .flatten()
            .filter(|(i, _)| entry.spec.as_ref().is_none_or(|name| &specs[*i].source.name == name))
            .collect();
        match found.as_slice() {
            [(i, op)] => Ok((*i, op.clone())),
            [] => Err(Error::UnknownOperation {
                path: listing.path.clone(),
                entry: entry.selector.to_string(),
                hint: closest(map.keys(), key),
            }),
            many => {
                let names: Vec<String> = many
                    .iter()
                    .map(|(i, op)| format!("{} ({} {})", specs[*i].source.name, op.method.to_uppercase(), op.path))
                    .collect();
                let one_spec = many.iter().all(|(i, _)| *i == many[0].0);
                let hint = if one_spec {
                    "name it by its `x-api-slug` instead: the operationId is not unique in that spec"
                } else {
                    "add `x-spec: <one of those>` to the entry to say which"
                };
                Err(Error::AmbiguousOperation {
                    path: listing.path.clone(),
                    entry: entry.selector.to_string(),
                    matches: names.join(", "),
                    hint: hint.to_owned(),
                })
            }
        }
    }
}

/// "; the closest are `a`, `b`, `c`" for the three known keys nearest to `wanted`.
fn closest<'a>(known: impl Iterator<Item = &'a String>, wanted: &str) -> String {
    let mut scored: Vec<(usize, &String)> = known.map(|k| (strsim::levenshtein(k, wanted), k)).collect();
    scored.sort();
    let names: Vec<String> = scored.iter().take(3).map(|(_, k)| format!("`{k}`")).collect();
    if names.is_empty() {
        String::new()
    } else {
        format!("; the closest are {}", names.join(", "))
    }
}

/// The names of the component schemas reachable from the operations, following every `$ref`
/// (including those inside referenced parameters, request bodies and responses).
fn schema_closure(document: &OpenAPI, operations: &[OperationRef]) -> BTreeSet<String> {
    let mut pending: Vec<String> = Vec::new();
    for op in operations {
        if let Some(ReferenceOr::Item(item)) = document.paths.paths.get(&op.path) {
            collect_refs(&serde_json::to_value(&item.parameters).unwrap_or_default(), &mut pending);
            if let Some((_, operation)) = item.iter().find(|(m, _)| *m == op.method) {
                collect_refs(&serde_json::to_value(operation).unwrap_or_default(), &mut pending);
            }
        }
    }
    let components = document.components.as_ref();
    let mut schemas = BTreeSet::new();
    let mut seen = BTreeSet::new();
    while let Some(reference) = pending.pop() {
        if !seen.insert(reference.clone()) {
            continue;
        }
        let Some(rest) = reference.strip_prefix("#/components/") else { continue };
        let Some((kind, name)) = rest.split_once('/') else { continue };
        let Some(components) = components else { continue };
        let value = match kind {
            // A dangling `$ref` is left out here and reported where it is used, while lowering.
            "schemas" => components.schemas.get(name).map(|schema| {
                schemas.insert(name.to_owned());
                serde_json::to_value(schema)
            }),
            "parameters" => components.parameters.get(name).map(serde_json::to_value),
            "requestBodies" => components.request_bodies.get(name).map(serde_json::to_value),
            "responses" => components.responses.get(name).map(serde_json::to_value),
            _ => None,
        };
        if let Some(Ok(value)) = value {
            collect_refs(&value, &mut pending);
        }
    }
    schemas
}

fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        // A schema the crate has a type for (`x-rust-type`) needs nothing it refers to.
        serde_json::Value::Object(map) if map.contains_key(crate::rust_types::EXTENSION) => {}
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", serde_json::Value::String(reference)) => {
                        out.push(reference.replace("~1", "/").replace("~0", "~"))
                    }
                    // Property names are names, not keywords: a property called `example` is still a schema.
                    ("properties", serde_json::Value::Object(properties)) => {
                        properties.values().for_each(|v| collect_refs(v, out))
                    }
                    // Examples are data, not schema: a `$ref` key inside one is not a reference.
                    ("example" | "examples", _) => {}
                    _ => collect_refs(value, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
