//! A JSON Schema of a tagged document tree (Atlassian's ADF) into the IR: the same [`TypeDef`]s the OpenAPI
//! documents lower into, emitted by the same emitters.
//!
//! The schema describes a tree of objects told apart by a `type` property that is a one-value `enum`
//! (`{"enum": ["paragraph"]}`). Every definition with such a `type` is a *kind*; definitions that share a value
//! (the five `paragraph_*`) are one kind, with their properties merged. The kinds that `marks` arrays refer to are
//! the members of the `Mark` union, the others (but the root) of the `Node` union; the root (`doc`) is `Document`.
//! A `$ref` to any kind is its union, so every `content` is a `Vec<Node>` and every `marks` a `Vec<Mark>`: which
//! node may sit where is validation, not shape. Each kind's `attrs` (with `anyOf` alternatives merged) is a struct
//! of its own; string enums become enums, numbers `serde_json::Number` (integers stay integers).
//!
//! What the schema does not know is kept: each struct keeps undeclared properties in a map, each union a value of
//! an unknown tag as JSON, each enum an unknown value as a string.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::{pointer_token, Error, Problem, Result};
use crate::ir::{
    EnumVariant, Field, Presence, SharedModule, StringEnum, Struct, Tagged, TaggedVariant, TypeDef, TypeKind, TypeRef,
};
use crate::load::LoadedSchema;
use crate::names::{snake_name, type_name, variant_name, Namespace};

/// The names of the generated unions and of the root.
const NODE: &str = "Node";
const MARK: &str = "Mark";
const ROOT: &str = "Document";
const UNKNOWN: &str = "Unknown";

/// Lowers a tagged-tree JSON Schema into a shared module; `features` are the specs that refer to it.
pub fn lower_schema(schema: &LoadedSchema, features: Vec<String>) -> Result<SharedModule> {
    let mut cx = Lowering::new(&schema.document);
    cx.run();
    if !cx.problems.is_empty() {
        let mut problems = cx.problems;
        problems.sort();
        problems.dedup();
        return Err(Error::Lowering { path: schema.path.clone(), problems });
    }
    // A required field of a constant type is set by `new()`, not passed to it.
    let constants: BTreeSet<String> =
        cx.types.values().filter(|t| matches!(t.kind, TypeKind::Constant(_))).map(|t| t.name.clone()).collect();
    for def in cx.types.values_mut() {
        if let TypeKind::Struct(s) = &mut def.kind {
            for field in &mut s.fields {
                field.fixed = field.presence == Presence::Required
                    && field.ty.direct_name().is_some_and(|name| constants.contains(name));
            }
        }
    }
    let title = schema.document.get("description").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(SharedModule {
        module: snake_name(&schema.source.name),
        name: schema.source.name.clone(),
        title,
        file: schema.source.file.clone(),
        url: schema.source.url.clone(),
        features,
        types: cx.types.into_values().collect(),
    })
}

/// Whether a kind is a node or a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Root,
    Node,
    Mark,
}

/// One kind: the definitions that share a `type` value.
struct Kind {
    tag: String,
    class: Class,
    /// The Rust name of its struct.
    name: String,
    /// Its definitions, by name, in document order (sorted: `serde_json` keeps objects sorted).
    definitions: Vec<String>,
}

struct Lowering<'a> {
    definitions: &'a Map<String, Value>,
    root: String,
    /// Definition name -> the `type` value of the kind it belongs to.
    tags: BTreeMap<String, String>,
    kinds: BTreeMap<String, Kind>,
    names: Namespace,
    types: BTreeMap<String, TypeDef>,
    problems: Vec<Problem>,
}

impl<'a> Lowering<'a> {
    fn new(document: &'a Value) -> Lowering<'a> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        let definitions =
            document.get("definitions").and_then(Value::as_object).unwrap_or_else(|| EMPTY.get_or_init(Map::new));
        let root = document.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/"));
        Lowering {
            definitions,
            root: root.unwrap_or_default().to_owned(),
            tags: BTreeMap::new(),
            kinds: BTreeMap::new(),
            names: Namespace::with_reserved([NODE, MARK, ROOT]),
            types: BTreeMap::new(),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, pointer: String, message: impl Into<String>) {
        self.problems.push(Problem { pointer, message: message.into() });
    }

    fn run(&mut self) {
        for name in self.definitions.keys() {
            if let Some(tag) = self.tag_of(name, 0) {
                self.tags.insert(name.clone(), tag);
            }
        }
        let marks = self.mark_tags();
        let Some(root_tag) = self.tags.get(&self.root).cloned() else {
            self.problem("#/$ref".into(), "the root definition has no one-value `type` enum");
            return;
        };
        let mut by_tag: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (definition, tag) in &self.tags {
            by_tag.entry(tag.clone()).or_default().push(definition.clone());
        }
        for (tag, definitions) in by_tag {
            let class = if tag == root_tag {
                Class::Root
            } else if marks.contains(&tag) {
                Class::Mark
            } else {
                Class::Node
            };
            let name = match class {
                Class::Root => ROOT.to_owned(),
                Class::Node => self.names.claim(&type_name(&tag)),
                Class::Mark => self.names.claim(&format!("{}Mark", type_name(&tag))),
            };
            self.kinds.insert(tag.clone(), Kind { tag, class, name, definitions });
        }
        let tags: Vec<String> = self.kinds.keys().cloned().collect();
        for tag in &tags {
            self.define_kind(tag);
        }
        self.define_union(NODE, Class::Node, "A node of the document tree, told apart by its `type`.");
        self.define_union(
            MARK,
            Class::Mark,
            "A mark on a text node (bold, a link, a colour ...), told apart by its `type`.",
        );
    }

    /// The `type` value of a definition: its own one-value `enum`, or that of the `allOf` member it extends.
    fn tag_of(&self, name: &str, depth: usize) -> Option<String> {
        let definition = self.definitions.get(name)?;
        if let Some([Value::String(tag)]) =
            definition.pointer("/properties/type/enum").and_then(Value::as_array).map(Vec::as_slice)
        {
            return Some(tag.clone());
        }
        if depth > 8 {
            return None;
        }
        let members = definition.get("allOf").and_then(Value::as_array)?;
        members.iter().filter_map(reference).find_map(|target| self.tag_of(target, depth + 1))
    }

    /// The tags of the kinds that some `marks` array refers to.
    fn mark_tags(&self) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        for definition in self.definitions.values() {
            let own = definition.pointer("/properties/marks/items").into_iter();
            let members = definition.get("allOf").and_then(Value::as_array).into_iter().flatten();
            let extended = members.filter_map(|m| m.pointer("/properties/marks/items"));
            for items in own.chain(extended) {
                self.collect_tags(items, &mut found, 0);
            }
        }
        found
    }

    fn collect_tags(&self, schema: &Value, found: &mut BTreeSet<String>, depth: usize) {
        if depth > 8 {
            return;
        }
        if let Some(target) = reference(schema) {
            match self.tags.get(target) {
                Some(tag) => {
                    found.insert(tag.clone());
                }
                None => {
                    if let Some(definition) = self.definitions.get(target) {
                        self.collect_tags(definition, found, depth + 1);
                    }
                }
            }
        }
        for member in schema.get("anyOf").and_then(Value::as_array).into_iter().flatten() {
            self.collect_tags(member, found, depth + 1);
        }
    }

    /// The object schemas that make up a kind: each definition's own, and the members its `allOf` adds.
    fn parts(&self, kind: &Kind) -> Vec<(String, &'a Value)> {
        let mut parts = Vec::new();
        for name in &kind.definitions {
            let Some(definition) = self.definitions.get(name) else { continue };
            let pointer = format!("#/definitions/{}", pointer_token(name));
            match definition.get("allOf").and_then(Value::as_array) {
                Some(members) => {
                    for (i, member) in members.iter().enumerate() {
                        if reference(member).is_none() {
                            parts.push((format!("{pointer}/allOf/{i}"), member));
                        }
                    }
                }
                None => parts.push((pointer, definition)),
            }
        }
        parts
    }

    fn define_kind(&mut self, tag: &str) {
        let Some(kind) = self.kinds.get(tag) else { return };
        let (name, class) = (kind.name.clone(), kind.class);
        let parts = self.parts(kind);
        let origin = format!("#/definitions/{}", pointer_token(&kind.definitions[0]));
        let constant = self.names.claim(&format!("{name}Tag"));
        self.types.insert(
            constant.clone(),
            TypeDef {
                name: constant.clone(),
                origin: format!("{origin}/properties/type"),
                doc: Some(format!("The `type` of a `{tag}`: always `{tag}`.")),
                kind: TypeKind::Constant(Value::String(tag.to_owned())),
            },
        );
        // Only the definitions of the kind itself say what is required; `allOf` members add to it.
        let own: Vec<&Value> = parts.iter().filter(|(p, _)| !p.contains("/allOf/")).map(|(_, v)| *v).collect();
        let required = |property: &str| {
            !own.is_empty()
                && own.iter().all(|v| {
                    v.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|n| n == property))
                })
        };
        let mut fields = vec![Field {
            name: "type_".into(),
            wire: "type".into(),
            ty: TypeRef::Named(constant),
            presence: Presence::Required,
            doc: None,
            read_only: false,
            write_only: false,
            deprecated: false,
            skip_null_items: false,
            fixed: true,
        }];
        let mut field_names = Namespace::with_reserved(["type_", "additional_properties"]);
        let mut properties: Vec<(String, Vec<(String, &'a Value)>)> = Vec::new();
        for (pointer, part) in &parts {
            for (property, schema) in part.get("properties").and_then(Value::as_object).into_iter().flatten() {
                if property == "type" {
                    continue;
                }
                let at = format!("{pointer}/properties/{}", pointer_token(property));
                match properties.iter_mut().find(|(p, _)| p == property) {
                    Some((_, schemas)) => schemas.push((at, schema)),
                    None => properties.push((property.clone(), vec![(at, schema)])),
                }
            }
        }
        for (property, schemas) in properties {
            let hint = format!("{name}{}", type_name(&property));
            let ty = self.lower_merged(&schemas, &hint);
            let presence = if required(&property) { Presence::Required } else { Presence::Optional };
            fields.push(plain_field(field_names.claim(&snake_name(&property)), property, ty, presence));
        }
        let doc = match class {
            Class::Root => "A whole document: the root of every ADF value.".to_owned(),
            Class::Node => format!("The `{tag}` node."),
            Class::Mark => format!("The `{tag}` mark."),
        };
        let kind = TypeKind::Struct(Struct { fields, additional: Some(TypeRef::Any) });
        self.types.insert(name.clone(), TypeDef { name, origin, doc: Some(doc), kind });
    }

    /// The type of a property that several definitions (or `anyOf` alternatives) describe.
    fn lower_merged(&mut self, schemas: &[(String, &'a Value)], hint: &str) -> TypeRef {
        let alternatives: Vec<(String, &'a Value)> = schemas
            .iter()
            .flat_map(|(pointer, schema)| match schema.get("anyOf").and_then(Value::as_array) {
                Some(members) if members.iter().all(|m| reference(m).is_none()) => {
                    members.iter().enumerate().map(|(i, m)| (format!("{pointer}/anyOf/{i}"), m)).collect::<Vec<_>>()
                }
                _ => vec![(pointer.clone(), *schema)],
            })
            .collect();
        let (first_pointer, first) = &alternatives[0];
        if alternatives.iter().all(|(_, s)| s.get("properties").is_some()) {
            return self.define_object(&alternatives, hint);
        }
        if alternatives
            .iter()
            .all(|(_, s)| s.get("enum").is_some_and(|e| e.as_array().is_some_and(|e| e.iter().all(Value::is_string))))
        {
            return self.define_enum(&alternatives, hint);
        }
        // Arrays: the first alternative that says what its items are decides (`marks` without `items` is untyped
        // in the base definition and typed in the `allOf` members that extend it).
        if alternatives.iter().all(|(_, s)| self.resolve(s).get("type").and_then(Value::as_str) == Some("array")) {
            let items: Vec<(String, &'a Value)> = alternatives
                .iter()
                .filter_map(|(p, s)| self.resolve(s).get("items").map(|i| (format!("{p}/items"), i)))
                .collect();
            return match items.as_slice() {
                [] => TypeRef::Vec(Box::new(TypeRef::Any)),
                _ => TypeRef::Vec(Box::new(self.lower_merged(&items, &format!("{hint}Item")))),
            };
        }
        self.lower_one(first_pointer, first, hint)
    }

    /// Follows a `$ref` to an untagged definition (`table_cell_content`).
    fn resolve(&self, schema: &'a Value) -> &'a Value {
        match reference(schema) {
            Some(target) if !self.tags.contains_key(target) => self.definitions.get(target).unwrap_or(schema),
            _ => schema,
        }
    }

    fn lower_one(&mut self, pointer: &str, schema: &'a Value, hint: &str) -> TypeRef {
        if let Some(target) = reference(schema) {
            if let Some(tag) = self.tags.get(target) {
                return match self.kinds.get(tag).map(|k| k.class) {
                    Some(Class::Mark) => TypeRef::Named(MARK.into()),
                    Some(Class::Root) => TypeRef::Named(ROOT.into()),
                    _ => TypeRef::Named(NODE.into()),
                };
            }
            let Some(definition) = self.definitions.get(target) else {
                self.problem(pointer.to_owned(), format!("`$ref` {target} names no definition"));
                return TypeRef::Any;
            };
            return self.lower_one(&format!("#/definitions/{}", pointer_token(target)), definition, hint);
        }
        if let Some(members) = schema.get("anyOf").and_then(Value::as_array) {
            let types: BTreeSet<TypeRef> = members
                .iter()
                .enumerate()
                .map(|(i, m)| self.lower_one(&format!("{pointer}/anyOf/{i}"), m, hint))
                .collect();
            return match types.len() {
                1 => types.into_iter().next().unwrap_or(TypeRef::Any),
                _ => TypeRef::Any,
            };
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return match values.as_slice() {
                [only] if only.is_number() => self.define_constant(pointer, only, hint),
                _ if values.iter().all(Value::is_number) => TypeRef::Number,
                _ => TypeRef::Any,
            };
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => TypeRef::String,
            Some("number") | Some("integer") => TypeRef::Number,
            Some("boolean") => TypeRef::Bool,
            Some("array") => match schema.get("items") {
                Some(items) => {
                    TypeRef::Vec(Box::new(self.lower_one(&format!("{pointer}/items"), items, &format!("{hint}Item"))))
                }
                None => TypeRef::Vec(Box::new(TypeRef::Any)),
            },
            Some("object") if schema.get("properties").is_some() => {
                self.define_object(&[(pointer.to_owned(), schema)], hint)
            }
            Some("object") => TypeRef::Map(Box::new(TypeRef::Any)),
            Some(other) => {
                self.problem(pointer.to_owned(), format!("`type: {other}` is not supported here"));
                TypeRef::Any
            }
            None => TypeRef::Any,
        }
    }

    /// A struct of the properties of one or more object schemas (a kind's `attrs`, merged over its definitions
    /// and `anyOf` alternatives): required where every one of them requires it.
    fn define_object(&mut self, alternatives: &[(String, &'a Value)], hint: &str) -> TypeRef {
        let name = self.names.claim(hint);
        let mut properties: Vec<(String, Vec<(String, &'a Value)>)> = Vec::new();
        for (pointer, schema) in alternatives {
            for (property, value) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
                let at = format!("{pointer}/properties/{}", pointer_token(property));
                match properties.iter_mut().find(|(p, _)| p == property) {
                    Some((_, schemas)) => schemas.push((at, value)),
                    None => properties.push((property.clone(), vec![(at, value)])),
                }
            }
        }
        let mut field_names = Namespace::with_reserved(["additional_properties"]);
        let mut fields = Vec::new();
        for (property, schemas) in properties {
            let base = hint.trim_end_matches("Attrs");
            let property_type = type_name(&property);
            let property_hint =
                if property_type.starts_with(base) { property_type } else { format!("{base}{property_type}") };
            let ty = self.lower_merged(&schemas, &property_hint);
            let required = alternatives.iter().all(|(_, s)| {
                s.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|n| n == &property))
            });
            let presence = if required { Presence::Required } else { Presence::Optional };
            fields.push(plain_field(field_names.claim(&snake_name(&property)), property, ty, presence));
        }
        let origin = alternatives[0].0.clone();
        let kind = TypeKind::Struct(Struct { fields, additional: Some(TypeRef::Any) });
        self.types.insert(name.clone(), TypeDef { name: name.clone(), origin, doc: None, kind });
        TypeRef::Named(name)
    }

    /// A one-value `enum` of a number (the document's `version`).
    fn define_constant(&mut self, pointer: &str, value: &Value, hint: &str) -> TypeRef {
        let name = self.names.claim(hint);
        let kind = TypeKind::Constant(value.clone());
        let doc = Some(format!("Always `{value}`."));
        self.types.insert(name.clone(), TypeDef { name: name.clone(), origin: pointer.to_owned(), doc, kind });
        TypeRef::Named(name)
    }

    /// A string enum of the values of every alternative, in order of appearance.
    fn define_enum(&mut self, alternatives: &[(String, &'a Value)], hint: &str) -> TypeRef {
        let name = self.names.claim(hint);
        let mut variant_names = Namespace::with_reserved([UNKNOWN]);
        let mut variants: Vec<EnumVariant> = Vec::new();
        for (_, schema) in alternatives {
            for value in schema.get("enum").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                if !variants.iter().any(|v| v.wire == value) {
                    variants
                        .push(EnumVariant { name: variant_names.claim(&variant_name(value)), wire: value.to_owned() });
                }
            }
        }
        let kind = TypeKind::Enum(StringEnum { variants, other: UNKNOWN.into() });
        self.types
            .insert(name.clone(), TypeDef { name: name.clone(), origin: alternatives[0].0.clone(), doc: None, kind });
        TypeRef::Named(name)
    }

    fn define_union(&mut self, name: &str, class: Class, doc: &str) {
        let variants = self
            .kinds
            .values()
            .filter(|k| k.class == class)
            .map(|k| TaggedVariant {
                tag: k.tag.clone(),
                name: variant_name(&k.tag),
                ty: TypeRef::Named(k.name.clone()),
            })
            .collect();
        let kind = TypeKind::Tagged(Tagged { property: "type".into(), variants, other: UNKNOWN.into() });
        self.types.insert(
            name.into(),
            TypeDef { name: name.into(), origin: "#/definitions".into(), doc: Some(doc.into()), kind },
        );
    }
}

fn plain_field(name: String, wire: String, ty: TypeRef, presence: Presence) -> Field {
    Field {
        name,
        wire,
        ty,
        presence,
        doc: None,
        read_only: false,
        write_only: false,
        deprecated: false,
        skip_null_items: false,
        fixed: false,
    }
}

/// The definition a `{"$ref": "#/definitions/x"}` names.
fn reference(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/"))
}
