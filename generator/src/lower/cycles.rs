//! Recursive types need indirection: `LinkGroup` contains `LinkGroup`s (through a `Vec`, which is fine), while
//! `JqlQueryClause` and `CompoundClause` contain each other directly. A direct field whose type leads back to its
//! own struct without passing a `Vec` or map gets a `Box`.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// Boxes every direct reference that closes a cycle of direct references.
pub fn box_cycles(types: &mut [TypeDef]) {
    let edges: BTreeMap<String, BTreeSet<String>> =
        types.iter().map(|t| (t.name.clone(), direct_targets(&t.kind).map(str::to_owned).collect())).collect();
    for def in types.iter_mut() {
        let owner = def.name.clone();
        let closes_cycle = |ty: &TypeRef| ty.direct_name().is_some_and(|target| reaches(&edges, target, &owner));
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    if closes_cycle(&field.ty) {
                        field.ty = TypeRef::Boxed(Box::new(field.ty.clone()));
                    }
                }
            }
            TypeKind::Untagged(variants) => {
                for variant in variants {
                    if closes_cycle(&variant.ty) {
                        variant.ty = TypeRef::Boxed(Box::new(variant.ty.clone()));
                    }
                }
            }
            TypeKind::Tagged(tagged) => {
                for variant in &mut tagged.variants {
                    if closes_cycle(&variant.ty) {
                        variant.ty = TypeRef::Boxed(Box::new(variant.ty.clone()));
                    }
                }
            }
            TypeKind::Alias(ty) => {
                if closes_cycle(ty) {
                    *ty = TypeRef::Boxed(Box::new(ty.clone()));
                }
            }
            TypeKind::Enum(_) | TypeKind::Constant(_) => {}
        }
    }
}

/// Boxes the struct members of unions: a union is as large as its largest member, and one large struct beside a
/// small list would make every value of the union large (clippy's `large_enum_variant`).
pub fn box_union_members(types: &mut [TypeDef]) {
    let structs: BTreeSet<String> =
        types.iter().filter(|t| matches!(t.kind, TypeKind::Struct(_))).map(|t| t.name.clone()).collect();
    let boxed = |ty: &mut TypeRef| {
        if ty.direct_name().is_some_and(|name| structs.contains(name)) {
            *ty = TypeRef::Boxed(Box::new(ty.clone()));
        }
    };
    for def in types.iter_mut() {
        match &mut def.kind {
            TypeKind::Untagged(variants) => variants.iter_mut().for_each(|v| boxed(&mut v.ty)),
            TypeKind::Tagged(tagged) => tagged.variants.iter_mut().for_each(|v| boxed(&mut v.ty)),
            TypeKind::Struct(_) | TypeKind::Enum(_) | TypeKind::Constant(_) | TypeKind::Alias(_) => {}
        }
    }
}

/// The types a definition contains by value.
fn direct_targets(kind: &TypeKind) -> Box<dyn Iterator<Item = &str> + '_> {
    match kind {
        TypeKind::Struct(s) => Box::new(s.fields.iter().filter_map(|f| f.ty.direct_name())),
        TypeKind::Untagged(variants) => Box::new(variants.iter().filter_map(|v| v.ty.direct_name())),
        TypeKind::Tagged(tagged) => Box::new(tagged.variants.iter().filter_map(|v| v.ty.direct_name())),
        TypeKind::Alias(ty) => Box::new(ty.direct_name().into_iter()),
        TypeKind::Enum(_) | TypeKind::Constant(_) => Box::new(std::iter::empty()),
    }
}

/// Whether `to` is reachable from `from` along direct references (including `from == to`).
fn reaches(edges: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(name) = stack.pop() {
        if name == to {
            return true;
        }
        if seen.insert(name) {
            stack.extend(edges.get(name).into_iter().flatten().map(String::as_str));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Field, Presence, Struct};

    fn record(name: &str, fields: &[(&str, TypeRef)]) -> TypeDef {
        let fields = fields
            .iter()
            .map(|(n, ty)| Field {
                name: n.to_string(),
                wire: n.to_string(),
                ty: ty.clone(),
                presence: Presence::Optional,
                doc: None,
                read_only: false,
                write_only: false,
                deprecated: false,
                skip_null_items: false,
                fixed: false,
            })
            .collect();
        TypeDef {
            name: name.into(),
            origin: String::new(),
            doc: None,
            kind: TypeKind::Struct(Struct { fields, additional: None }),
        }
    }

    fn field_ty(def: &TypeDef, field: &str) -> TypeRef {
        match &def.kind {
            TypeKind::Struct(s) => {
                s.fields.iter().find(|f| f.name == field).map(|f| f.ty.clone()).unwrap_or(TypeRef::Any)
            }
            _ => TypeRef::Any,
        }
    }

    #[test]
    fn mutual_recursion_is_boxed_and_vec_recursion_is_not() {
        let named = |n: &str| TypeRef::Named(n.into());
        let mut types = vec![
            record("Clause", &[("compound", named("Compound"))]),
            record("Compound", &[("first", named("Clause")), ("all", TypeRef::Vec(Box::new(named("Clause"))))]),
            record("LinkGroup", &[("groups", TypeRef::Vec(Box::new(named("LinkGroup")))), ("other", named("Plain"))]),
            record("Plain", &[("x", TypeRef::String)]),
        ];
        box_cycles(&mut types);
        assert_eq!(field_ty(&types[0], "compound"), TypeRef::Boxed(Box::new(named("Compound"))));
        assert_eq!(field_ty(&types[1], "first"), TypeRef::Boxed(Box::new(named("Clause"))));
        assert_eq!(field_ty(&types[1], "all"), TypeRef::Vec(Box::new(named("Clause"))));
        assert_eq!(field_ty(&types[2], "other"), named("Plain"));
    }
}
