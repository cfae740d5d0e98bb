//! Schemas into types: component schemas become named types; inline objects and enums become named types too,
//! called after where they appear (`UpdateWorklogAdjustEstimate`); everything else becomes a [`TypeRef`].

use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::{docs, schema_pointer, Context};
use crate::error::pointer_token;
use crate::ir::{
    EnumVariant, Field, Presence, StringEnum, Struct, Tagged, TaggedVariant, TypeDef, TypeKind, TypeRef, Variant,
};
use crate::names::{snake_name, type_name, variant_name, Namespace};

/// A schema position: a `$ref` or an inline schema.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRef<'s> {
    Ref(&'s str),
    Item(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaRef<'s> {
    fn from(value: &'s ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SchemaRef<'s> {
    fn from(value: &'s ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
        }
    }
}

/// The properties of an object schema, with `allOf` members merged in order.
struct ObjectParts<'s> {
    properties: Vec<(&'s str, SchemaRef<'s>, String)>,
    required: Vec<&'s str>,
    additional: Option<&'s AdditionalProperties>,
}

/// How deep `allOf` members may refer to each other before we stop merging (a cycle in the spec).
const MAX_MERGE_DEPTH: usize = 16;

impl<'a> Context<'a> {
    /// Defines the type of a component schema under its already claimed name.
    pub fn define_component(&mut self, key: &str) {
        let Some(name) = self.components.get(key).cloned() else { return };
        let pointer = schema_pointer(key);
        let Some(schema) = self.document.components.as_ref().and_then(|c| c.schemas.get(key)) else {
            self.problem(pointer, "schema is missing");
            return;
        };
        let (kind, doc) = match schema {
            ReferenceOr::Reference { reference } => {
                (TypeKind::Alias(self.lower_ref(SchemaRef::Ref(reference), &name, &pointer)), None)
            }
            ReferenceOr::Item(schema) => match self.rust_type_extension(&schema.schema_data, &pointer) {
                // A type of the crate stands in for it: the component becomes an alias of that type.
                Some(ty) => (TypeKind::Alias(ty), description(&schema.schema_data)),
                None => (self.definition(schema, &name, &pointer), description(&schema.schema_data)),
            },
        };
        self.types.insert(name.clone(), TypeDef { name, origin: pointer, doc, kind });
    }

    /// The crate type a schema names with `x-rust-type`; an unknown name is a problem (and `Value` meanwhile).
    fn rust_type_extension(&mut self, data: &SchemaData, pointer: &str) -> Option<TypeRef> {
        let value = data.extensions.get(crate::rust_types::EXTENSION)?;
        match crate::rust_types::check(value) {
            Ok(known) => Some(known.type_ref()),
            Err(message) => {
                self.problem(format!("{pointer}/{}", crate::rust_types::EXTENSION), message);
                Some(TypeRef::Any)
            }
        }
    }

    /// The type of a schema position; inline objects and enums are defined under a name made from `hint`.
    pub fn lower_ref(&mut self, schema: SchemaRef<'a>, hint: &str, pointer: &str) -> TypeRef {
        match schema {
            SchemaRef::Ref(reference) => match super::component_key(reference, "schemas") {
                Some(key) if self.components.contains_key(&key) => TypeRef::Named(self.components[&key].clone()),
                _ => {
                    self.problem(pointer, format!("`$ref` {reference} does not point at a schema of this document"));
                    TypeRef::Any
                }
            },
            SchemaRef::Item(schema) => self.lower_inline(schema, hint, pointer),
        }
    }

    fn lower_inline(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> TypeRef {
        if let Some(ty) = self.rust_type_extension(&schema.schema_data, pointer) {
            return ty;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if string.enumeration.iter().any(Option::is_some) {
                    self.define_inline(schema, hint, pointer)
                } else if matches!(string.format, VariantOrUnknownOrEmpty::Item(StringFormat::DateTime)) {
                    TypeRef::DateTime
                } else {
                    TypeRef::String
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => match integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(_)) => TypeRef::F64,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => {
                    let item = self.lower_ref(items.into(), &format!("{hint}Item"), &format!("{pointer}/items"));
                    // Items said to be `nullable` in place (not by a component's blanket `nullable`) may be null.
                    match items {
                        ReferenceOr::Item(schema) if schema.schema_data.nullable => {
                            TypeRef::Vec(Box::new(TypeRef::Nullable(Box::new(item))))
                        }
                        _ => TypeRef::Vec(Box::new(item)),
                    }
                }
                None => TypeRef::Vec(Box::new(TypeRef::Any)),
            },
            SchemaKind::Type(Type::Object(object)) => {
                if !object.properties.is_empty() {
                    self.define_inline(schema, hint, pointer)
                } else {
                    self.map_or_any(object.additional_properties.as_ref(), hint, pointer)
                }
            }
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [] => TypeRef::Any,
                [only] => self.lower_ref(only.into(), hint, &format!("{pointer}/allOf/0")),
                _ => self.define_inline(schema, hint, pointer),
            },
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                match members.as_slice() {
                    [] => TypeRef::Any,
                    [only] => self.lower_ref(only.into(), hint, &format!("{pointer}/{key}/0")),
                    _ => self.define_inline(schema, hint, pointer),
                }
            }
            SchemaKind::Not { .. } => TypeRef::Any,
            SchemaKind::Any(any) => {
                if !any.properties.is_empty() || any.all_of.len() > 1 {
                    self.define_inline(schema, hint, pointer)
                } else if let Some(items) = &any.items {
                    TypeRef::Vec(Box::new(self.lower_ref(
                        items.into(),
                        &format!("{hint}Item"),
                        &format!("{pointer}/items"),
                    )))
                } else if let [only] = any.all_of.as_slice() {
                    self.lower_ref(only.into(), hint, &format!("{pointer}/allOf/0"))
                } else {
                    match (any.typ.as_deref(), any.format.as_deref()) {
                        (Some("string"), Some("date-time")) => TypeRef::DateTime,
                        // Confluence v2 writes `"format": "string"` without a type.
                        (Some("string"), _) | (None, Some("string")) => TypeRef::String,
                        (Some("integer"), Some("int32")) => TypeRef::I32,
                        (Some("integer"), _) => TypeRef::I64,
                        (Some("number"), _) => TypeRef::F64,
                        (Some("boolean"), _) => TypeRef::Bool,
                        _ => self.map_or_any(any.additional_properties.as_ref(), hint, pointer),
                    }
                }
            }
        }
    }

    fn map_or_any(&mut self, additional: Option<&'a AdditionalProperties>, hint: &str, pointer: &str) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(value)) => TypeRef::Map(Box::new(self.lower_ref(
                value.as_ref().into(),
                &format!("{hint}Value"),
                &format!("{pointer}/additionalProperties"),
            ))),
            Some(AdditionalProperties::Any(true)) => TypeRef::Map(Box::new(TypeRef::Any)),
            _ => TypeRef::Any,
        }
    }

    /// Defines a named type for an inline schema and returns a reference to it.
    fn define_inline(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> TypeRef {
        let name = self.names.claim(&type_name(hint));
        let kind = self.definition(schema, &name, pointer);
        let doc = description(&schema.schema_data);
        self.types.insert(name.clone(), TypeDef { name: name.clone(), origin: pointer.to_owned(), doc, kind });
        TypeRef::Named(name)
    }

    /// What a named schema becomes: a struct, an enum, a union, or an alias of another type.
    fn definition(&mut self, schema: &'a Schema, name: &str, pointer: &str) -> TypeKind {
        if let Some(parts) = self.object_parts(schema, pointer, 0) {
            return TypeKind::Struct(self.structure(parts, name));
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) if string.enumeration.iter().any(Option::is_some) => {
                TypeKind::Enum(string_enum(string.enumeration.iter().flatten().map(String::as_str)))
            }
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } if members.len() > 1 => {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                match &schema.schema_data.discriminator {
                    Some(discriminator) => TypeKind::Tagged(self.tagged(discriminator, members, name, pointer)),
                    None => TypeKind::Untagged(self.variants(members, name, &format!("{pointer}/{key}"))),
                }
            }
            _ => TypeKind::Alias(self.lower_inline_alias(schema, name, pointer)),
        }
    }

    /// The target of an alias: like `lower_inline`, but never defining the alias's own name again.
    fn lower_inline_alias(&mut self, schema: &'a Schema, name: &str, pointer: &str) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Array(_)) | SchemaKind::Type(Type::Object(_)) | SchemaKind::Any(_) => {
                self.lower_inline(schema, name, pointer)
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                self.lower_ref((&all_of[0]).into(), name, &format!("{pointer}/allOf/0"))
            }
            SchemaKind::Type(Type::String(_)) => {
                if matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::DateTime)))
                {
                    TypeRef::DateTime
                } else {
                    TypeRef::String
                }
            }
            _ => self.lower_inline(schema, &format!("{name}Inner"), pointer),
        }
    }

    /// A discriminated union: one variant per `mapping` entry or, without a mapping, per member `$ref` (whose
    /// schema name is then the tag, as OpenAPI says).
    fn tagged(
        &mut self,
        discriminator: &'a openapiv3::Discriminator,
        members: &'a [ReferenceOr<Schema>],
        name: &str,
        pointer: &str,
    ) -> Tagged {
        let mapping: Vec<(&'a str, &'a str)> = if discriminator.mapping.is_empty() {
            members
                .iter()
                .filter_map(|m| match m {
                    ReferenceOr::Reference { reference } => {
                        Some((reference.rsplit('/').next().unwrap_or(reference), reference.as_str()))
                    }
                    ReferenceOr::Item(_) => None,
                })
                .collect()
        } else {
            discriminator.mapping.iter().map(|(tag, reference)| (tag.as_str(), reference.as_str())).collect()
        };
        let mut names = Namespace::new();
        let variants = mapping
            .into_iter()
            .map(|(tag, reference)| {
                let at = format!("{pointer}/discriminator/mapping/{}", pointer_token(tag));
                let ty = self.lower_ref(SchemaRef::Ref(reference), &format!("{name}{}", type_name(tag)), &at);
                TaggedVariant { tag: tag.to_owned(), name: names.claim(&variant_name(tag)), ty }
            })
            .collect();
        Tagged { property: discriminator.property_name.clone(), variants, other: names.claim("Unknown") }
    }

    fn variants(&mut self, members: &'a [ReferenceOr<Schema>], name: &str, pointer: &str) -> Vec<Variant> {
        let mut names = Namespace::new();
        members
            .iter()
            .enumerate()
            .map(|(i, member)| {
                let ty = self.lower_ref(member.into(), &format!("{name}Variant{i}"), &format!("{pointer}/{i}"));
                Variant { name: names.claim(&variant_label(&ty)), ty }
            })
            .collect()
    }

    /// The properties of an object-like schema (`type: object` with properties, or several `allOf` members),
    /// following `$ref`s inside `allOf`.
    fn object_parts(&self, schema: &'a Schema, pointer: &str, depth: usize) -> Option<ObjectParts<'a>> {
        let at = |key: &str| format!("{pointer}/properties/{}", pointer_token(key));
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => Some(ObjectParts {
                properties: object.properties.iter().map(|(k, v)| (k.as_str(), v.into(), at(k))).collect(),
                required: object.required.iter().map(String::as_str).collect(),
                additional: object.additional_properties.as_ref(),
            }),
            SchemaKind::Any(any) if !any.properties.is_empty() || any.all_of.len() > 1 => {
                let mut parts = ObjectParts {
                    properties: any.properties.iter().map(|(k, v)| (k.as_str(), v.into(), at(k))).collect(),
                    required: any.required.iter().map(String::as_str).collect(),
                    additional: any.additional_properties.as_ref(),
                };
                if any.all_of.len() > 1 {
                    self.merge(&mut parts, &any.all_of, &format!("{pointer}/allOf"), depth);
                }
                Some(parts)
            }
            SchemaKind::AllOf { all_of } if all_of.len() > 1 => {
                let mut parts = ObjectParts { properties: Vec::new(), required: Vec::new(), additional: None };
                self.merge(&mut parts, all_of, &format!("{pointer}/allOf"), depth);
                Some(parts)
            }
            _ => None,
        }
    }

    /// Adds the properties of each `allOf` member; a later member's property replaces an earlier one's.
    fn merge(&self, parts: &mut ObjectParts<'a>, members: &'a [ReferenceOr<Schema>], pointer: &str, depth: usize) {
        if depth > MAX_MERGE_DEPTH {
            return;
        }
        for (i, member) in members.iter().enumerate() {
            let (schema, at) = match member {
                ReferenceOr::Item(schema) => (schema, format!("{pointer}/{i}")),
                ReferenceOr::Reference { reference } => match self.component_schema(reference) {
                    Some((key, ReferenceOr::Item(schema))) => (schema, schema_pointer(key)),
                    _ => continue,
                },
            };
            let Some(member_parts) = self.object_parts(schema, &at, depth + 1) else { continue };
            for property in member_parts.properties {
                parts.properties.retain(|(name, _, _)| *name != property.0);
                parts.properties.push(property);
            }
            parts.required.extend(member_parts.required);
            parts.additional = parts.additional.or(member_parts.additional);
        }
    }

    /// Whether `reference` names a component schema marked `nullable`.
    fn is_nullable_component(&self, reference: &str) -> bool {
        matches!(self.component_schema(reference), Some((_, ReferenceOr::Item(target))) if target.schema_data.nullable)
    }

    fn structure(&mut self, parts: ObjectParts<'a>, name: &str) -> Struct {
        let mut names = Namespace::new();
        let mut fields = Vec::with_capacity(parts.properties.len());
        for (wire, schema, pointer) in parts.properties {
            let data = match schema {
                SchemaRef::Item(schema) => Some(&schema.schema_data),
                SchemaRef::Ref(_) => None,
            };
            let ty = self.lower_ref(schema, &format!("{name}{}", type_name(wire)), &pointer);
            let read_only = data.is_some_and(|d| d.read_only);
            let nullable = data.is_some_and(|d| d.nullable);
            // A required property whose component is `nullable` (Confluence v1 marks most components so) may be
            // `null` as well.
            let names_nullable = match schema {
                SchemaRef::Item(_) => false,
                SchemaRef::Ref(reference) => self.is_nullable_component(reference),
            };
            let skip_null_items = match schema {
                SchemaRef::Item(Schema { schema_kind: SchemaKind::Type(Type::Array(array)), .. }) => matches!(
                    &array.items,
                    Some(ReferenceOr::Reference { reference }) if self.is_nullable_component(reference)
                ),
                _ => false,
            };
            let required = parts.required.contains(&wire);
            // A "required" readOnly property is one Jira omits in some responses, and a "required" nullable one
            // may be `null`: both decode as optional.
            let presence = match (required && !read_only, nullable) {
                (true, false) if !names_nullable => Presence::Required,
                (true, _) => Presence::Optional,
                (false, true) => Presence::Nullable,
                (false, false) => Presence::Optional,
            };
            fields.push(Field {
                name: names.claim(&snake_name(wire)),
                wire: wire.to_owned(),
                ty,
                presence,
                doc: data.and_then(description),
                read_only,
                write_only: data.is_some_and(|d| d.write_only),
                deprecated: data.is_some_and(|d| d.deprecated),
                skip_null_items,
                fixed: false,
            });
        }
        let additional = match parts.additional {
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Any),
            Some(AdditionalProperties::Schema(value)) => Some(self.lower_ref(
                value.as_ref().into(),
                &format!("{name}Value"),
                &format!("{}/additionalProperties", schema_pointer(name)),
            )),
            _ => None,
        };
        Struct { fields, additional }
    }
}

/// A string enum: one variant per value, plus a catch-all for values added after generation.
pub(crate) fn string_enum<'v>(values: impl Iterator<Item = &'v str>) -> StringEnum {
    let mut names = Namespace::new();
    let mut variants: Vec<EnumVariant> = Vec::new();
    for wire in values {
        if variants.iter().any(|v| v.wire == wire) {
            continue;
        }
        variants.push(EnumVariant { name: names.claim(&variant_name(wire)), wire: wire.to_owned() });
    }
    StringEnum { variants, other: names.claim("Unknown") }
}

/// A variant name for a union member: its type's name where it has one.
fn variant_label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::Vec(item) => format!("{}List", variant_label(item)),
        TypeRef::Map(value) => format!("{}Map", variant_label(value)),
        TypeRef::Boxed(inner) | TypeRef::Nullable(inner) => variant_label(inner),
        TypeRef::String => "String".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Bool => "Bool".into(),
        TypeRef::I32 | TypeRef::I64 => "Integer".into(),
        TypeRef::F64 | TypeRef::Number => "Number".into(),
        TypeRef::Any => "Value".into(),
        TypeRef::External(path) => path.rsplit("::").next().unwrap_or(path).to_owned(),
    }
}

/// The rustdoc text of a schema: its title and description.
pub(crate) fn description(data: &SchemaData) -> Option<String> {
    docs::doc(data.title.as_deref(), data.description.as_deref())
}
