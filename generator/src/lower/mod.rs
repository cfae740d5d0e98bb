//! Stage 3, **lower**: the selected parts of each OpenAPI document into the spec-independent [`crate::ir`].
//!
//! This is the only stage besides `load` and `select` that sees `openapiv3` types. It decides every name, resolves
//! every `$ref`, settles optionality, and collects every problem it finds (sorted by JSON pointer) instead of
//! stopping at the first.

mod cycles;
pub mod docs;
mod evidence;
mod examples;
pub mod json_schema;
mod operation;
mod pagination;
mod samples;
mod schema;

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::captures::CaptureFile;
use crate::error::{pointer_token, Error, Problem, Result};
use crate::ir::{Api, Capture, Spec, Tag, TypeDef};
use crate::names::{snake_name, type_name, Namespace};
use crate::select::{SelectedSpec, Selection};

/// Lowers every selected spec.
pub fn lower(selection: &Selection, captures: &[CaptureFile]) -> Result<Api> {
    let specs = selection.specs.iter().map(|s| lower_spec(s, captures)).collect::<Result<Vec<_>>>()?;
    Ok(Api { specs, shared: Vec::new() })
}

/// Lowers the listing's JSON Schema documents that a selected spec refers to (`adf::Document`), each once, behind
/// the features of the specs that refer to it. A reference to a module the listing does not name is an error.
pub fn lower_shared(api: &mut Api, listing: &crate::load::Listing) -> Result<()> {
    let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for spec in &api.specs {
        let mut modules = std::collections::BTreeSet::new();
        spec.visit_type_refs(&mut |ty| {
            if let crate::ir::TypeRef::External(path) = ty {
                modules.extend(crate::rust_types::shared_module(path));
            }
        });
        for module in modules {
            users.entry(module).or_default().push(spec.name.clone());
        }
    }
    for (module, features) in users {
        let Some(source) = listing.schemas.iter().find(|s| snake_name(&s.name) == module) else {
            let specs = features.join(", ");
            return Err(Error::Listing {
                path: listing.path.clone(),
                location: "x-common".into(),
                message: format!(
                    "{specs} refer to `{module}::...`, but no `x-json-schema` entry has `x-spec: {module}`"
                ),
            });
        };
        let schema = crate::load::load_schema(source, &listing.schema_path(source))?;
        api.shared.push(json_schema::lower_schema(&schema, features)?);
    }
    Ok(())
}

/// Lowers one spec: its schema closure, then its operations (which may add inline types), then cycles and examples.
pub fn lower_spec(selected: &SelectedSpec, captures: &[CaptureFile]) -> Result<Spec> {
    let document = &selected.spec.document;
    let mut cx = Context::new(document, selected.schemas.iter().map(String::as_str));
    for key in &selected.schemas {
        cx.define_component(key);
    }
    let mut operations = Vec::new();
    let mut fn_names = Namespace::with_reserved(["new"]);
    let mut builders = Namespace::new();
    for op_ref in &selected.operations {
        if let Some(op) = operation::lower_operation(&mut cx, op_ref, &mut fn_names, &mut builders) {
            operations.push(op);
        }
    }
    if !cx.problems.is_empty() {
        let mut problems = std::mem::take(&mut cx.problems);
        problems.sort();
        problems.dedup();
        return Err(Error::Lowering { path: selected.spec.path.clone(), problems });
    }
    let components = std::mem::take(&mut cx.components);
    let mut types: Vec<TypeDef> = cx.types.into_values().collect();
    cycles::box_cycles(&mut types);
    cycles::box_union_members(&mut types);
    let by_name: BTreeMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut sampler = samples::Sampler::new(document);
    for op in &mut operations {
        let expected: Vec<_> = op.examples.iter().map(|e| op.success_type(e.status)).collect();
        for (example, ty) in op.examples.iter_mut().zip(&expected) {
            example.undeclared = examples::undeclared(&by_name, ty, &example.json);
        }
        op.pagination = pagination::detect(&by_name, op);
        samples::attach(&mut sampler, op);
        op.captures = captures
            .iter()
            .filter(|c| c.operation_id == op.id && op.path.starts_with(&c.path_prefix))
            .map(|c| Capture { file: c.file.clone(), json: c.json.clone(), cloud: c.cloud })
            .collect();
    }
    operations.sort_by(|a, b| (&a.tag, &a.fn_name).cmp(&(&b.tag, &b.fn_name)));
    let evidence = evidence::checks(&selected.spec.corrections, &operations, &components);
    let mut tags: Vec<Tag> = cx.tags.into_iter().map(|(module, title)| Tag { module, title }).collect();
    tags.sort_by(|a, b| a.module.cmp(&b.module));
    let info = &document.info;
    Ok(Spec {
        module: snake_name(&selected.spec.source.name),
        name: selected.spec.source.name.clone(),
        title: info.title.clone(),
        version: info.version.clone(),
        file: selected.spec.source.file.clone(),
        url: selected.spec.source.url.clone(),
        overlays: selected.spec.source.overlays.clone(),
        server_prefix: server_prefix(document),
        types,
        operations,
        tags,
        evidence,
    })
}

/// Marks the examples that `example-exceptions.json` says contradict their schema.
pub fn apply_example_exceptions(api: &mut Api, exceptions: &[crate::exceptions::ExampleException]) {
    for spec in &mut api.specs {
        for op in &mut spec.operations {
            for example in &mut op.examples {
                example.expected_error = exceptions
                    .iter()
                    .find(|e| e.spec == spec.name && e.operation_id == op.id && e.status == example.status)
                    .map(|e| (e.error.clone(), e.reason.clone()));
            }
        }
    }
}

/// The path part of the first server URL: `https://{your-domain}/wiki/api/v2` -> `/wiki/api/v2`.
fn server_prefix(document: &OpenAPI) -> String {
    let Some(server) = document.servers.first() else { return String::new() };
    let url = server.url.as_str();
    let after_scheme = url.split_once("//").map_or(url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(slash) => after_scheme[slash..].trim_end_matches('/').to_owned(),
        None => String::new(),
    }
}

/// What lowering one spec accumulates.
pub(crate) struct Context<'a> {
    pub document: &'a OpenAPI,
    /// Component schema key -> Rust type name.
    pub components: BTreeMap<String, String>,
    /// Every type defined so far, by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// Type names in use (components first, then inline types as they are met).
    pub names: Namespace,
    /// Tag module -> tag title.
    pub tags: BTreeMap<String, String>,
    pub problems: Vec<Problem>,
}

impl<'a> Context<'a> {
    fn new<'k>(document: &'a OpenAPI, schemas: impl Iterator<Item = &'k str>) -> Context<'a> {
        // A schema whose name is already in Rust form keeps it: `Fields` stays `Fields`, `fields` becomes `Fields2`.
        let mut keys: Vec<&str> = schemas.collect();
        keys.sort_by_key(|k| (type_name(k) != *k, *k));
        let mut names = Namespace::new();
        let components = keys.iter().map(|k| (k.to_string(), names.claim(&type_name(k)))).collect();
        Context { document, components, types: BTreeMap::new(), names, tags: BTreeMap::new(), problems: Vec::new() }
    }

    pub fn problem(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem { pointer: pointer.into(), message: message.into() });
    }

    /// The component schema a `$ref` names, if it is one this spec has.
    pub fn component_schema(&self, reference: &str) -> Option<(&'a str, &'a ReferenceOr<Schema>)> {
        let key = component_key(reference, "schemas")?;
        let components = self.document.components.as_ref()?;
        components.schemas.get_key_value(key.as_str()).map(|(k, v)| (k.as_str(), v))
    }
}

/// `#/components/<kind>/<name>` -> `name` (unescaped).
pub(crate) fn component_key(reference: &str, kind: &str) -> Option<String> {
    let name = reference.strip_prefix("#/components/")?.strip_prefix(kind)?.strip_prefix('/')?;
    Some(name.replace("~1", "/").replace("~0", "~"))
}

/// `#/components/schemas/<key>`.
pub(crate) fn schema_pointer(key: &str) -> String {
    format!("#/components/schemas/{}", pointer_token(key))
}
