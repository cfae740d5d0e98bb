//! Which fields of a spec example the schema does not declare.
//!
//! Decoding an example and encoding it again loses exactly those fields (unless a map keeps them), so the generated
//! example check expects that list, no more and no less: drift between Atlassian's examples and schemas stays
//! visible in the generated tests instead of being hidden by a lenient comparison.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// JSON pointers (array indices written `*`) of the example's undeclared fields, sorted and unique.
pub fn undeclared(types: &BTreeMap<&str, &TypeDef>, ty: &TypeRef, json: &str) -> Vec<String> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else { return Vec::new() };
    let mut found = BTreeSet::new();
    walk(types, ty, &value, String::new(), &mut found, 0);
    found.into_iter().collect()
}

/// Examples are finite, but a recursive schema walked with a recursive example must still end.
const MAX_DEPTH: usize = 64;

fn walk(
    types: &BTreeMap<&str, &TypeDef>,
    ty: &TypeRef,
    value: &serde_json::Value,
    path: String,
    found: &mut BTreeSet<String>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match (ty, value) {
        (TypeRef::Nullable(_), serde_json::Value::Null) => {}
        (TypeRef::Boxed(inner) | TypeRef::Nullable(inner), _) => walk(types, inner, value, path, found, depth + 1),
        (TypeRef::Vec(item), serde_json::Value::Array(items)) => {
            for element in items {
                walk(types, item, element, format!("{path}/*"), found, depth + 1);
            }
        }
        (TypeRef::Map(item), serde_json::Value::Object(map)) => {
            for (key, element) in map {
                walk(types, item, element, format!("{path}/{}", crate::error::pointer_token(key)), found, depth + 1);
            }
        }
        (TypeRef::Named(name), _) => match types.get(name.as_str()).map(|t| &t.kind) {
            Some(TypeKind::Alias(target)) => walk(types, target, value, path, found, depth + 1),
            Some(TypeKind::Struct(s)) => {
                let serde_json::Value::Object(map) = value else { return };
                for (key, element) in map {
                    let at = format!("{path}/{}", crate::error::pointer_token(key));
                    if let Some(field) = s.fields.iter().find(|f| &f.wire == key) {
                        walk(types, &field.ty, element, at, found, depth + 1);
                    } else if let Some(additional) = &s.additional {
                        walk(types, additional, element, at, found, depth + 1);
                    } else if !element.is_null() {
                        // An undeclared `null` is lost too, but null and absent count as equal.
                        found.insert(at);
                    }
                }
            }
            Some(TypeKind::Tagged(tagged)) => {
                let tag = value.get(&tagged.property).and_then(serde_json::Value::as_str);
                if let Some(variant) = tagged.variants.iter().find(|v| Some(v.tag.as_str()) == tag) {
                    walk(types, &variant.ty, value, path, found, depth + 1);
                }
            }
            // Which member of a union a value decodes as is serde's choice at run time; the check reports it.
            Some(TypeKind::Untagged(_)) | Some(TypeKind::Enum(_)) | Some(TypeKind::Constant(_)) | None => {}
        },
        _ => {}
    }
}
