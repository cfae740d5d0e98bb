//! The drift report: what changed between two copies of a spec, for the operations the listing selects.
//!
//! It works on `serde_json::Value`s rather than parsed OpenAPI documents, so that every field counts and a change
//! is reported as it appears in the JSON. Listed operations are found the way the generator finds them: by slug
//! (`x-api-slug`) or by operationId (`x-operation-id`), limited to one spec by `x-spec`.
//!
//! Differences only in documentation (descriptions, summaries, examples) are counted separately, so the report
//! shows first what can break a caller.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use generator::load::{Listing, Selector};
use serde_json::Value;

/// The HTTP methods of a path item, in the order the generator visits them.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Keys whose values are documentation: ignored when deciding whether something changed.
const DOCUMENTATION: [&str; 5] = ["description", "summary", "example", "examples", "externalDocs"];

/// Where an operation is in its document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OperationKey {
    pub path: String,
    /// Lowercase, as in the document.
    pub method: String,
}

impl fmt::Display for OperationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.to_uppercase(), self.path)
    }
}

/// An operation the listing selects, with the selector of the entry that selects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub key: OperationKey,
    /// The entry's slug, or `operationId NAME`.
    pub selector: String,
}

impl fmt::Display for Listed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (listed as {})", self.key, self.selector)
    }
}

/// A listed operation that exists in both copies and changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    /// The operation in the new copy.
    pub listed: Listed,
    /// In a fixed order: move, deprecation, parameters by location and name, request body, responses by status.
    pub changes: Vec<Change>,
}

/// How the definition of something (a parameter, a request body, a response) changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Its own JSON changed (not counting documentation).
    pub own: bool,
    /// The component schemas in its `$ref` closure that changed, were added or were removed, by name.
    pub schemas: Vec<String>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemas: Vec<String> = self.schemas.iter().map(|name| format!("`{name}`")).collect();
        match (self.own, schemas.is_empty()) {
            (true, true) => f.write_str("changed"),
            (true, false) => write!(f, "changed; schemas changed: {}", schemas.join(", ")),
            (false, _) => write!(f, "schemas changed: {}", schemas.join(", ")),
        }
    }
}

/// One change to a listed operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The entry now selects an operation at another path or method.
    Moved {
        from: OperationKey,
    },
    /// `deprecated` changed to this value.
    Deprecated(bool),
    ParameterAdded {
        location: String,
        name: String,
        required: bool,
    },
    ParameterRemoved {
        location: String,
        name: String,
    },
    ParameterChanged {
        location: String,
        name: String,
        difference: Difference,
    },
    RequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyChanged(Difference),
    ResponseAdded {
        status: String,
    },
    ResponseRemoved {
        status: String,
    },
    ResponseChanged {
        status: String,
        difference: Difference,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Moved { from } => write!(f, "moved from {from}"),
            Change::Deprecated(true) => f.write_str("now deprecated"),
            Change::Deprecated(false) => f.write_str("no longer deprecated"),
            Change::ParameterAdded { location, name, required } => {
                let required = if *required { "required" } else { "optional" };
                write!(f, "parameter `{name}` in {location}: added ({required})")
            }
            Change::ParameterRemoved { location, name } => {
                write!(f, "parameter `{name}` in {location}: removed")
            }
            Change::ParameterChanged { location, name, difference } => {
                write!(f, "parameter `{name}` in {location}: {difference}")
            }
            Change::RequestBodyAdded => f.write_str("request body: added"),
            Change::RequestBodyRemoved => f.write_str("request body: removed"),
            Change::RequestBodyChanged(difference) => write!(f, "request body: {difference}"),
            Change::ResponseAdded { status } => write!(f, "response {status}: added"),
            Change::ResponseRemoved { status } => write!(f, "response {status}: removed"),
            Change::ResponseChanged { status, difference } => {
                write!(f, "response {status}: {difference}")
            }
        }
    }
}

/// What changed in one spec between its old and new copy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftReport {
    /// The spec's `x-spec` name.
    pub spec: String,
    /// How many operations each copy has.
    pub old_operations: usize,
    pub new_operations: usize,
    /// How many operations (path and method) only the new copy has, and only the old one.
    pub added: usize,
    pub removed: usize,
    /// How many operations of the old copy the listing selects.
    pub listed: usize,
    /// Listed operations that are gone: the listing must be fixed. Sorted, as are the lists below.
    pub removed_listed: Vec<Listed>,
    /// Listed operations that changed.
    pub changed_listed: Vec<Changed>,
    /// Listed operations whose documentation, or a field not compared above, changed.
    pub other_changes: Vec<Listed>,
    /// Operations of the new copy that listing entries select, which they did not select in the old copy.
    pub newly_listed: Vec<Listed>,
}

impl fmt::Display for DriftReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} -> {} operations ({} added, {} removed)",
            self.spec, self.old_operations, self.new_operations, self.added, self.removed
        )?;
        writeln!(
            f,
            "  {} listed operation(s): {} removed, {} changed, {} changed in documentation only, {} newly matched",
            self.listed,
            self.removed_listed.len(),
            self.changed_listed.len(),
            self.other_changes.len(),
            self.newly_listed.len()
        )?;
        if !self.removed_listed.is_empty() {
            writeln!(f, "  removed (the listing still selects them):")?;
            for listed in &self.removed_listed {
                writeln!(f, "    {listed}")?;
            }
        }
        if !self.changed_listed.is_empty() {
            writeln!(f, "  changed:")?;
            for changed in &self.changed_listed {
                writeln!(f, "    {}", changed.listed)?;
                for change in &changed.changes {
                    writeln!(f, "      {change}")?;
                }
            }
        }
        if !self.other_changes.is_empty() {
            writeln!(f, "  changed in documentation only (or in fields not compared above):")?;
            for listed in &self.other_changes {
                writeln!(f, "    {listed}")?;
            }
        }
        if !self.newly_listed.is_empty() {
            writeln!(f, "  newly matched by listing entries:")?;
            for listed in &self.newly_listed {
                writeln!(f, "    {listed}")?;
            }
        }
        Ok(())
    }
}

/// Compares the old and new copy of the spec named `spec`, for the listing's entries that can select from it.
///
/// `old` is `Value::Null` when there was no old copy.
pub fn drift(listing: &Listing, old: &Value, new: &Value, spec: &str) -> DriftReport {
    let old_keys: BTreeSet<OperationKey> = operations(old).map(|(key, _)| key).collect();
    let new_keys: BTreeSet<OperationKey> = operations(new).map(|(key, _)| key).collect();
    let mut report = DriftReport {
        spec: spec.to_owned(),
        old_operations: old_keys.len(),
        new_operations: new_keys.len(),
        added: new_keys.difference(&old_keys).count(),
        removed: old_keys.difference(&new_keys).count(),
        ..DriftReport::default()
    };

    let mut compare = Compare::new(old, new);
    let mut seen_old = BTreeSet::new();
    let mut seen_new = BTreeSet::new();
    let entries = listing.entries.iter().filter(|entry| entry.spec.as_deref().is_none_or(|name| name == spec));
    for entry in entries {
        let selector = entry.selector.to_string();
        let listed = |key: OperationKey| Listed { key, selector: selector.clone() };
        for pair in pairs(find(old, &entry.selector), find(new, &entry.selector)) {
            match pair {
                (Some(old_key), None) => {
                    if seen_old.insert(old_key.clone()) {
                        report.removed_listed.push(listed(old_key));
                    }
                }
                (None, Some(new_key)) => {
                    if seen_new.insert(new_key.clone()) {
                        report.newly_listed.push(listed(new_key));
                    }
                }
                (Some(old_key), Some(new_key)) => {
                    if !seen_old.insert(old_key.clone()) {
                        continue;
                    }
                    seen_new.insert(new_key.clone());
                    let (changes, raw_changed) = compare.operation(&old_key, &new_key);
                    if !changes.is_empty() {
                        report.changed_listed.push(Changed { listed: listed(new_key), changes });
                    } else if raw_changed {
                        report.other_changes.push(listed(new_key));
                    }
                }
                (None, None) => {}
            }
        }
    }
    report.listed = seen_old.len();
    report.removed_listed.sort_by(|a, b| a.key.cmp(&b.key));
    report.changed_listed.sort_by(|a, b| a.listed.key.cmp(&b.listed.key));
    report.other_changes.sort_by(|a, b| a.key.cmp(&b.key));
    report.newly_listed.sort_by(|a, b| a.key.cmp(&b.key));
    report
}

/// Every operation of a document, in document order. A path item that is a `$ref` has none, as in the generator.
fn operations(document: &Value) -> impl Iterator<Item = (OperationKey, &Value)> {
    document.get("paths").and_then(Value::as_object).into_iter().flatten().flat_map(|(path, item)| {
        METHODS.iter().filter_map(move |method| {
            let operation = item.get(*method).filter(|operation| operation.is_object())?;
            Some((OperationKey { path: path.clone(), method: (*method).to_owned() }, operation))
        })
    })
}

/// The operations a selector matches in a document.
fn find(document: &Value, selector: &Selector) -> Vec<OperationKey> {
    operations(document)
        .filter(|(key, operation)| match selector {
            Selector::Slug(slug) => generator::select::slug(&key.path, &key.method) == *slug,
            Selector::OperationId(id) => operation.get("operationId").and_then(Value::as_str) == Some(id.as_str()),
        })
        .map(|(key, _)| key)
        .collect()
}

/// Pairs an entry's matches in the old copy with those in the new one. One match in each is the same operation,
/// even if it moved; otherwise matches pair up by path and method.
fn pairs(old: Vec<OperationKey>, new: Vec<OperationKey>) -> Vec<(Option<OperationKey>, Option<OperationKey>)> {
    if let ([old], [new]) = (old.as_slice(), new.as_slice()) {
        return vec![(Some(old.clone()), Some(new.clone()))];
    }
    let mut pairs: Vec<_> = old.iter().map(|key| (Some(key.clone()), new.contains(key).then(|| key.clone()))).collect();
    pairs.extend(new.iter().filter(|key| !old.contains(key)).map(|key| (None, Some(key.clone()))));
    pairs
}

/// Compares parts of the old and new document, remembering which component schemas changed.
struct Compare<'a> {
    old: &'a Value,
    new: &'a Value,
    /// Schema pointer -> (changed apart from documentation, changed at all).
    schemas: HashMap<String, (bool, bool)>,
}

impl<'a> Compare<'a> {
    fn new(old: &'a Value, new: &'a Value) -> Compare<'a> {
        Compare { old, new, schemas: HashMap::new() }
    }

    /// The changes to an operation, and whether anything about it changed at all (documentation included).
    fn operation(&mut self, old_key: &OperationKey, new_key: &OperationKey) -> (Vec<Change>, bool) {
        let old_op = operation(self.old, old_key).unwrap_or(&Value::Null);
        let new_op = operation(self.new, new_key).unwrap_or(&Value::Null);
        let mut changes = Vec::new();
        let mut raw_changed = old_op != new_op;
        if old_key != new_key {
            changes.push(Change::Moved { from: old_key.clone() });
        }
        let deprecated = |op: &Value| op.get("deprecated").and_then(Value::as_bool).unwrap_or(false);
        if deprecated(old_op) != deprecated(new_op) {
            changes.push(Change::Deprecated(deprecated(new_op)));
        }

        let old_parameters = parameters(self.old, old_key, old_op);
        let new_parameters = parameters(self.new, new_key, new_op);
        for ((location, name), (old, new)) in zip_maps(&old_parameters, &new_parameters) {
            let (location, name) = (location.clone(), name.clone());
            match (old, new) {
                (Some(_), None) => changes.push(Change::ParameterRemoved { location, name }),
                (None, Some(new)) => {
                    let required = resolve(self.new, new).get("required").and_then(Value::as_bool) == Some(true);
                    changes.push(Change::ParameterAdded { location, name, required });
                }
                (Some(old), Some(new)) => {
                    if let Some(difference) = self.element(old, new, &mut raw_changed) {
                        changes.push(Change::ParameterChanged { location, name, difference });
                    }
                }
                (None, None) => {}
            }
        }

        match (old_op.get("requestBody"), new_op.get("requestBody")) {
            (Some(_), None) => changes.push(Change::RequestBodyRemoved),
            (None, Some(_)) => changes.push(Change::RequestBodyAdded),
            (Some(old), Some(new)) => {
                if let Some(difference) = self.element(old, new, &mut raw_changed) {
                    changes.push(Change::RequestBodyChanged(difference));
                }
            }
            (None, None) => {}
        }

        let (old_responses, new_responses) = (responses(old_op), responses(new_op));
        for (status, (old, new)) in zip_maps(&old_responses, &new_responses) {
            let status = status.clone();
            match (old, new) {
                (Some(_), None) => changes.push(Change::ResponseRemoved { status }),
                (None, Some(_)) => changes.push(Change::ResponseAdded { status }),
                (Some(old), Some(new)) => {
                    if let Some(difference) = self.element(old, new, &mut raw_changed) {
                        changes.push(Change::ResponseChanged { status, difference });
                    }
                }
                (None, None) => {}
            }
        }
        let changed = raw_changed || !changes.is_empty();
        (changes, changed)
    }

    /// How a parameter, request body or response changed, following `$ref`s; `None` when only documentation did.
    /// Sets `raw_changed` if anything changed, documentation included.
    fn element(&mut self, old: &Value, new: &Value, raw_changed: &mut bool) -> Option<Difference> {
        let (old, new) = (resolve(self.old, old), resolve(self.new, new));
        *raw_changed |= old != new;
        let own = normalize(old) != normalize(new);
        let mut pointers = schema_closure(self.old, old);
        pointers.extend(schema_closure(self.new, new));
        let mut schemas = Vec::new();
        for pointer in pointers {
            let (changed, raw) = self.schema(&pointer);
            *raw_changed |= raw;
            if changed {
                let name = pointer.strip_prefix(SCHEMAS).unwrap_or(&pointer);
                schemas.push(name.replace("~1", "/").replace("~0", "~"));
            }
        }
        (own || !schemas.is_empty()).then_some(Difference { own, schemas })
    }

    /// Whether the component schema at `pointer` changed apart from documentation, and whether it changed at all.
    fn schema(&mut self, pointer: &str) -> (bool, bool) {
        if let Some(known) = self.schemas.get(pointer) {
            return *known;
        }
        let (old, new) = (self.old.pointer(pointer), self.new.pointer(pointer));
        let result = (old.map(normalize) != new.map(normalize), old != new);
        self.schemas.insert(pointer.to_owned(), result);
        result
    }
}

/// The JSON pointer prefix of component schemas.
const SCHEMAS: &str = "/components/schemas/";

/// The operation at a key.
fn operation<'v>(document: &'v Value, key: &OperationKey) -> Option<&'v Value> {
    document.get("paths")?.get(&key.path)?.get(&key.method)
}

/// An operation's parameters, the path item's included, keyed by location and name. The operation's own
/// parameters replace the path item's of the same location and name.
fn parameters<'v>(
    document: &'v Value,
    key: &OperationKey,
    operation: &'v Value,
) -> BTreeMap<(String, String), &'v Value> {
    let list = |value: Option<&'v Value>| value.and_then(Value::as_array).into_iter().flatten();
    let path_item = document.get("paths").and_then(|paths| paths.get(&key.path));
    let mut parameters = BTreeMap::new();
    for parameter in list(path_item.and_then(|item| item.get("parameters"))).chain(list(operation.get("parameters"))) {
        let resolved = resolve(document, parameter);
        let field = |name: &str| resolved.get(name).and_then(Value::as_str).map(str::to_owned);
        let key = match (field("in"), field("name")) {
            (Some(location), Some(name)) => (location, name),
            // An unresolvable `$ref`: keyed by the reference itself.
            _ => ("?".to_owned(), parameter.get("$ref").and_then(Value::as_str).unwrap_or("?").to_owned()),
        };
        parameters.insert(key, parameter);
    }
    parameters
}

/// An operation's responses, keyed by status code.
fn responses(operation: &Value) -> BTreeMap<String, &Value> {
    let map = operation.get("responses").and_then(Value::as_object);
    map.into_iter().flatten().map(|(status, response)| (status.clone(), response)).collect()
}

/// A key's value in the old and the new map.
type Sides<'m, V> = (Option<&'m V>, Option<&'m V>);

/// The union of two maps' keys, with the value of each side.
fn zip_maps<'m, K: Ord, V>(old: &'m BTreeMap<K, V>, new: &'m BTreeMap<K, V>) -> Vec<(&'m K, Sides<'m, V>)> {
    let keys: BTreeSet<&K> = old.keys().chain(new.keys()).collect();
    keys.into_iter().map(|key| (key, (old.get(key), new.get(key)))).collect()
}

/// Follows a local `$ref` (a few levels at most); anything else is returned as it is.
fn resolve<'v>(document: &'v Value, value: &'v Value) -> &'v Value {
    let mut value = value;
    for _ in 0..8 {
        let target = value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#'));
        match target.and_then(|pointer| document.pointer(pointer)) {
            Some(target) => value = target,
            None => break,
        }
    }
    value
}

/// The JSON pointers (`/components/schemas/NAME`) of the component schemas reachable from `value`, following
/// `$ref`s through every kind of component.
fn schema_closure(document: &Value, value: &Value) -> BTreeSet<String> {
    let mut pending = Vec::new();
    collect_refs(value, &mut pending);
    let mut seen = BTreeSet::new();
    let mut schemas = BTreeSet::new();
    while let Some(reference) = pending.pop() {
        let Some(pointer) = reference.strip_prefix('#') else {
            continue;
        };
        if !seen.insert(pointer.to_owned()) {
            continue;
        }
        if pointer.starts_with(SCHEMAS) {
            schemas.insert(pointer.to_owned());
        }
        if let Some(target) = document.pointer(pointer) {
            collect_refs(target, &mut pending);
        }
    }
    schemas
}

/// Every `$ref` inside `value`, except inside examples (which are data).
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => out.push(reference.clone()),
                    // Property names are names: a property called `example` is still a schema.
                    ("properties", Value::Object(properties)) => properties.values().for_each(|v| collect_refs(v, out)),
                    ("example" | "examples", _) => {}
                    _ => collect_refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

/// A copy of `value` without documentation keys, for comparisons that ignore documentation.
fn normalize(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !DOCUMENTATION.contains(&key.as_str()))
                .map(|(key, value)| {
                    let value = match (key.as_str(), value) {
                        // Property names are names, not keywords: a property called `description` stays.
                        ("properties", Value::Object(properties)) => Value::Object(
                            properties.iter().map(|(name, schema)| (name.clone(), normalize(schema))).collect(),
                        ),
                        // Data, not schema.
                        ("default" | "enum", value) => value.clone(),
                        (_, value) => normalize(value),
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests;
