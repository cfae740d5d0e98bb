//! The inputs every tool is measured on, written under `target/bench/inputs/`:
//!
//! - `seed`: the seed listing `specs/seed.apis.yaml` (the 20 Jira REST v2 operations the targets were set on; it
//!   names, so reads, six specs; the default listing has grown beyond it);
//! - `seed20-pruned`: the Jira REST v2 spec cut down to the 20 seed operations and the `$ref` closure of the
//!   components they use (the input progenitor and openapi-generator were measured on in `baselines.md`), with a
//!   one-spec listing next to it;
//! - `jira-v2`: a one-spec listing next to a symlink of the unmodified Jira REST v2 spec, generated with `--all`;
//! - `all-six`: the seed listing with `--all`.
//!
//! The listings carry the seed listing's overlays (`x-overlays`, with a symlink of their folder), so ours is
//! measured doing what `regen` does; the pruned spec is cut from the corrected document, so every tool gets the
//! same corrected schemas (and the overlays, already applied, are not listed again).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use generator::load::{Listing, Selector, SpecSource};
use serde_json::{Map, Value};

use super::Input;
use crate::Result;

/// The `x-spec` of the Jira REST v2 document.
pub const JIRA_V2: &str = "jira-platform-v2";

pub struct Inputs {
    /// The seed listing.
    pub seed_listing: PathBuf,
    /// Every spec the seed listing names, in listing order: the generator reads them all.
    pub specs: Vec<(SpecSource, PathBuf)>,
    /// The Jira REST v2 spec file in `specs/`.
    pub jira_v2_spec: PathBuf,
    /// A listing naming only the Jira REST v2 spec (a symlink next to it).
    pub jira_v2_listing: PathBuf,
    /// The pruned spec and its listing.
    pub pruned_spec: PathBuf,
    pub pruned_listing: PathBuf,
    /// The operationIds of the seed operations, in spec order.
    pub seed_operation_ids: Vec<String>,
    /// The component schemas the seed operations reach.
    pub closure_schemas: BTreeSet<String>,
    /// Every component schema of the Jira REST v2 spec.
    pub all_schemas: BTreeSet<String>,
    /// The operations of the corrected Jira REST v2 spec.
    pub jira_v2_operations: usize,
    /// The operations of the six specs the seed listing names.
    pub all_six_operations: usize,
}

impl Inputs {
    /// How many operations `input` selects: what its generated crate must hold.
    pub fn operations(&self, input: Input) -> usize {
        match input {
            Input::Seed | Input::Pruned => self.seed_operation_ids.len(),
            Input::JiraV2 => self.jira_v2_operations,
            Input::AllSix => self.all_six_operations,
        }
    }
}

/// The seed listing: `specs/seed.apis.yaml`.
pub fn seed_listing() -> PathBuf {
    crate::project_root().join("specs").join("seed.apis.yaml")
}

pub fn prepare(dir: &Path) -> Result<Inputs> {
    let seed_listing = seed_listing();
    let listing = Listing::load(&seed_listing)?;
    let specs: Vec<(SpecSource, PathBuf)> =
        listing.specs.iter().map(|source| (source.clone(), listing.spec_path(source))).collect();
    let (jira_source, jira_v2_spec) = specs
        .iter()
        .find(|(source, _)| source.name == JIRA_V2)
        .cloned()
        .ok_or_else(|| format!("{} names no `{JIRA_V2}` spec", seed_listing.display()))?;

    let jira_dir = dir.join("jira-v2");
    recreate_dir(&jira_dir)?;
    let link = jira_dir.join(&jira_source.file);
    std::os::unix::fs::symlink(&jira_v2_spec, &link)
        .map_err(|e| format!("cannot link {} to {}: {e}", link.display(), jira_v2_spec.display()))?;
    link_overlays(&listing, &jira_source, &jira_dir)?;
    let jira_v2_listing = jira_dir.join("listing.yaml");
    std::fs::write(&jira_v2_listing, one_spec_listing(&jira_source))?;

    let bytes = std::fs::read(&jira_v2_spec).map_err(|e| format!("cannot read {}: {e}", jira_v2_spec.display()))?;
    let (spec, _) = generator::load::corrected_json(&jira_v2_spec, &bytes, &listing.spec_dir(), &jira_source.overlays)?;
    let wanted = seed_operations(&listing, &spec)?;
    let pruned = prune(&spec, &wanted)?;
    let pruned_dir = dir.join("seed20-pruned");
    recreate_dir(&pruned_dir)?;
    let pruned_spec = pruned_dir.join(&jira_source.file);
    std::fs::write(&pruned_spec, serde_json::to_vec_pretty(&pruned.spec)?)?;
    let pruned_listing = pruned_dir.join("listing.yaml");
    let corrected = SpecSource { overlays: Vec::new(), ..jira_source.clone() };
    std::fs::write(&pruned_listing, one_spec_listing(&corrected))?;
    let mut all_six_operations = 0;
    for (_, path) in &specs {
        all_six_operations += operation_count(path)?;
    }

    Ok(Inputs {
        seed_listing,
        specs,
        jira_v2_spec,
        jira_v2_listing,
        pruned_spec,
        pruned_listing,
        seed_operation_ids: pruned.operation_ids,
        closure_schemas: pruned.schemas,
        all_schemas: component_names(&spec, "schemas"),
        jira_v2_operations: count_operations(&spec),
        all_six_operations,
    })
}

/// A listing with no `apis` entries and one `x-openapi` entry (JSON strings are YAML strings).
fn one_spec_listing(source: &SpecSource) -> String {
    let q = |text: &str| Value::String(text.to_owned()).to_string();
    let mut text = format!(
        "# Written by `cargo xtask bench`: one spec, generated with `--all`.\napis: []\nx-common:\n- type: x-openapi\n  \
         url: {}\n  x-file: {}\n  x-spec: {}\n",
        q(&source.url),
        q(&source.file),
        q(&source.name)
    );
    if !source.overlays.is_empty() {
        let overlays: Vec<String> = source.overlays.iter().map(|o| q(o)).collect();
        text.push_str(&format!("  x-overlays: [{}]\n", overlays.join(", ")));
    }
    text
}

/// Links the folders holding `source`'s overlays (`overlays/` for `overlays/jira-platform-v2.yaml`) into `dir`, so
/// that a listing written there finds them at the same relative paths.
fn link_overlays(listing: &Listing, source: &SpecSource, dir: &Path) -> Result<()> {
    let tops: BTreeSet<&str> = source.overlays.iter().filter_map(|o| o.split('/').next()).collect();
    for top in tops {
        let (from, to) = (listing.spec_dir().join(top), dir.join(top));
        let from = from.canonicalize().map_err(|e| format!("{}: {e}", from.display()))?;
        std::os::unix::fs::symlink(&from, &to)
            .map_err(|e| format!("cannot link {} to {}: {e}", to.display(), from.display()))?;
    }
    Ok(())
}

fn recreate_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(())
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The (path, method) of every entry of the listing, found in the Jira REST v2 spec by slug or operationId.
fn seed_operations(listing: &Listing, spec: &Value) -> Result<Vec<(String, String)>> {
    let paths = spec.get("paths").and_then(Value::as_object).ok_or("the Jira REST v2 spec has no `paths`")?;
    let mut found = Vec::new();
    for entry in &listing.entries {
        if entry.spec.as_deref().is_some_and(|spec| spec != JIRA_V2) {
            return Err(
                format!("entry {} is not a Jira REST v2 operation: no seed20-pruned input", entry.selector).into()
            );
        }
        let matches = |path: &str, method: &str, operation: &Value| match &entry.selector {
            Selector::Slug(slug) => &generator::select::slug(path, method) == slug,
            Selector::OperationId(id) => operation.get("operationId").and_then(Value::as_str) == Some(id.as_str()),
        };
        let hit = paths.iter().find_map(|(path, item)| {
            METHODS.iter().find_map(|method| {
                let operation = item.get(*method)?;
                matches(path, method, operation).then(|| (path.clone(), (*method).to_owned()))
            })
        });
        found.push(hit.ok_or_else(|| format!("entry {} matches no Jira REST v2 operation", entry.selector))?);
    }
    Ok(found)
}

/// A spec cut down to some operations.
#[derive(Debug)]
pub struct Pruned {
    pub spec: Value,
    /// The kept operations' ids, in spec order.
    pub operation_ids: Vec<String>,
    /// The kept component schemas.
    pub schemas: BTreeSet<String>,
}

/// Keeps the named operations (other operations of their path items are dropped, path-level fields kept) and, of
/// the components, the transitive closure of the `$ref`s they make, plus every security scheme. Everything else at
/// the top level is kept as it is.
pub fn prune(spec: &Value, operations: &[(String, String)]) -> Result<Pruned> {
    let paths = spec.get("paths").and_then(Value::as_object).ok_or("the spec has no `paths`")?;
    let mut kept_paths = Map::new();
    let mut operation_ids = Vec::new();
    for (path, item) in paths {
        let wanted: Vec<&str> = operations.iter().filter(|(p, _)| p == path).map(|(_, m)| m.as_str()).collect();
        if wanted.is_empty() {
            continue;
        }
        let item = item.as_object().ok_or_else(|| format!("path item {path} is not an object"))?;
        let mut kept = Map::new();
        for (key, value) in item {
            let is_method = METHODS.contains(&key.as_str());
            if !is_method || wanted.contains(&key.as_str()) {
                kept.insert(key.clone(), value.clone());
            }
            if is_method && wanted.contains(&key.as_str()) {
                let id = value.get("operationId").and_then(Value::as_str).unwrap_or_default();
                operation_ids.push(id.to_owned());
            }
        }
        kept_paths.insert(path.clone(), Value::Object(kept));
    }
    if operation_ids.len() != operations.len() {
        return Err(format!("found {} of the {} operations to keep", operation_ids.len(), operations.len()).into());
    }

    let components = spec.get("components").and_then(Value::as_object).cloned().unwrap_or_default();
    // (kind, name) of every component reached so far, and a worklist of the values still to scan.
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    let mut pending: Vec<Value> = kept_paths.values().cloned().collect();
    while let Some(value) = pending.pop() {
        let mut refs = Vec::new();
        collect_refs(&value, &mut refs);
        for reference in refs {
            let Some((kind, name)) = component_ref(&reference) else { continue };
            if reached.insert((kind.clone(), name.clone())) {
                let target = components
                    .get(&kind)
                    .and_then(|group| group.get(&name))
                    .ok_or_else(|| format!("`{reference}` points at nothing"))?;
                pending.push(target.clone());
            }
        }
    }
    let mut kept_components = Map::new();
    for (kind, group) in &components {
        let Some(group) = group.as_object() else { continue };
        let kept: Map<String, Value> = group
            .iter()
            .filter(|(name, _)| kind == "securitySchemes" || reached.contains(&(kind.clone(), (*name).clone())))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        if !kept.is_empty() {
            kept_components.insert(kind.clone(), Value::Object(kept));
        }
    }

    let mut out = Map::new();
    let top = spec.as_object().ok_or("the spec is not an object")?;
    for (key, value) in top {
        let value = match key.as_str() {
            "paths" => Value::Object(kept_paths.clone()),
            "components" => Value::Object(kept_components.clone()),
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    let schemas = reached.into_iter().filter(|(kind, _)| kind == "schemas").map(|(_, name)| name).collect();
    Ok(Pruned { spec: Value::Object(out), operation_ids, schemas })
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => out.push(reference.clone()),
                    _ => collect_refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

/// `#/components/schemas/User` -> (`schemas`, `User`), JSON-pointer escapes undone.
fn component_ref(reference: &str) -> Option<(String, String)> {
    let rest = reference.strip_prefix("#/components/")?;
    let (kind, name) = rest.split_once('/')?;
    let unescape = |token: &str| token.replace("~1", "/").replace("~0", "~");
    Some((unescape(kind), unescape(name)))
}

fn component_names(spec: &Value, kind: &str) -> BTreeSet<String> {
    spec.pointer(&format!("/components/{kind}"))
        .and_then(Value::as_object)
        .map(|group| group.keys().cloned().collect())
        .unwrap_or_default()
}

/// The operation count of a spec file.
pub fn operation_count(spec: &Path) -> Result<usize> {
    let bytes = std::fs::read(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let spec: Value = serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", spec.display()))?;
    Ok(count_operations(&spec))
}

/// The operations of a parsed spec: one per method of each path item.
fn count_operations(spec: &Value) -> usize {
    spec.get("paths")
        .and_then(Value::as_object)
        .map(|paths| {
            paths.values().map(|item| METHODS.iter().filter(|method| item.get(**method).is_some()).count()).sum()
        })
        .unwrap_or(0)
}

/// Type names compared loosely: lowercase letters and digits only (`PageBean_User` ~ `PageBeanUser`).
pub fn loose_name(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// How the emitted type names of the seed crate relate to the component schemas: the closure schemas found, the
/// closure schemas missing, and the component schemas outside the closure that were emitted anyway.
pub fn closure_coverage(
    types: &[String],
    closure: &BTreeSet<String>,
    all: &BTreeSet<String>,
) -> (usize, Vec<String>, Vec<String>) {
    let emitted: BTreeMap<String, &String> = types.iter().map(|name| (loose_name(name), name)).collect();
    let closure_loose: BTreeSet<String> = closure.iter().map(|name| loose_name(name)).collect();
    let missing: Vec<String> =
        closure.iter().filter(|name| !emitted.contains_key(&loose_name(name))).cloned().collect();
    let extra: Vec<String> = all
        .iter()
        .filter(|name| !closure_loose.contains(&loose_name(name)) && emitted.contains_key(&loose_name(name)))
        .cloned()
        .collect();
    (closure.len() - missing.len(), missing, extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        serde_json::json!({
            "openapi": "3.0.1",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {
                    "parameters": [{"$ref": "#/components/parameters/P"}],
                    "get": {"operationId": "getA", "responses": {"200": {"content": {"application/json":
                        {"schema": {"$ref": "#/components/schemas/A"}}}}}},
                    "delete": {"operationId": "deleteA", "responses": {"200": {"content": {"application/json":
                        {"schema": {"$ref": "#/components/schemas/Unused"}}}}}}
                },
                "/b": {"get": {"operationId": "getB", "responses": {}}}
            },
            "components": {
                "schemas": {
                    "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}, "self": {"$ref": "#/components/schemas/A"}}},
                    "B": {"items": {"$ref": "#/components/schemas/C~1D"}},
                    "C/D": {"type": "string"},
                    "Unused": {"type": "string"}
                },
                "parameters": {"P": {"name": "p", "in": "query", "schema": {"type": "string"}}, "Z": {}},
                "securitySchemes": {"basicAuth": {"type": "http", "scheme": "basic"}}
            }
        })
    }

    #[test]
    fn the_bench_listings_carry_the_overlays_and_the_pruned_spec_is_corrected() {
        let dir = tempfile::tempdir().expect("temp dir");
        let inputs = prepare(dir.path()).expect("prepared");
        let listing = Listing::load(&inputs.jira_v2_listing).expect("the jira-v2 listing loads");
        assert_eq!(
            listing.specs[0].overlays,
            ["overlays/jira-platform-v2.yaml", "overlays/jira-platform-v2-fields.yaml"]
        );
        let selection = generator::select::select(&listing, &generator::Options { all: true, captures: None })
            .expect("the overlays are found next to the listing");
        assert_eq!(selection.specs[0].spec.corrections.names(), listing.specs[0].overlays);
        let pruned = Listing::load(&inputs.pruned_listing).expect("the pruned listing loads");
        assert!(pruned.specs[0].overlays.is_empty(), "the pruned spec is already corrected");
        let raw = operation_count(&inputs.jira_v2_spec).expect("the spec reads");
        assert_eq!(inputs.operations(Input::JiraV2), raw, "the overlays neither add nor remove operations");
        assert_eq!(inputs.operations(Input::Seed), Listing::load(&inputs.seed_listing).expect("loads").entries.len());
    }

    #[test]
    fn prunes_to_the_operations_and_their_closure() {
        let pruned = prune(&spec(), &[("/a".into(), "get".into())]).expect("prunes");
        assert_eq!(pruned.operation_ids, ["getA"]);
        let names: Vec<&str> = pruned.schemas.iter().map(String::as_str).collect();
        assert_eq!(names, ["A", "B", "C/D"]);
        let out = &pruned.spec;
        assert!(out.pointer("/paths/~1a/get").is_some());
        assert!(out.pointer("/paths/~1a/delete").is_none());
        assert!(out.pointer("/paths/~1a/parameters").is_some());
        assert!(out.pointer("/paths/~1b").is_none());
        assert!(out.pointer("/components/schemas/Unused").is_none());
        assert!(out.pointer("/components/parameters/P").is_some());
        assert!(out.pointer("/components/parameters/Z").is_none());
        assert!(out.pointer("/components/securitySchemes/basicAuth").is_some());
        assert_eq!(out.get("info"), spec().get("info"));
    }

    #[test]
    fn counts_one_operation_per_method_of_each_path_item() {
        assert_eq!(count_operations(&spec()), 3, "get and delete of /a, get of /b; `parameters` is no method");
        assert_eq!(count_operations(&serde_json::json!({"openapi": "3.0.1"})), 0);
    }

    #[test]
    fn a_dangling_ref_is_an_error() {
        let mut spec = spec();
        spec["components"]["schemas"].as_object_mut().expect("an object").remove("B");
        let error = prune(&spec, &[("/a".into(), "get".into())]).expect_err("B is missing").to_string();
        assert_eq!(error, "`#/components/schemas/B` points at nothing");
    }

    #[test]
    fn coverage_counts_closure_types_and_extras() {
        let set = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<BTreeSet<_>>();
        let types: Vec<String> = ["PageBeanUser", "User", "UserAccountType", "Other"].map(String::from).into();
        let (found, missing, extra) = closure_coverage(
            &types,
            &set(&["PageBean_User", "User", "Group"]),
            &set(&["PageBean_User", "User", "Group", "Other"]),
        );
        assert_eq!(found, 2);
        assert_eq!(missing, ["Group"]);
        assert_eq!(extra, ["Other"]);
    }
}
