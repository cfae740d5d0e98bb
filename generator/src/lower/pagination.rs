//! Paginated operations, recognised by shape, not by name: a `startAt` query parameter and a response with
//! `startAt`, `maxResults` and one list (offset pages), or a `nextPageToken` cursor sent as a query parameter or
//! a body field and returned in the response (cursor pages). Atlassian calls the list `values`, `worklogs`,
//! `comments`, `issues`, ... A page with several lists (REST v3's search holds `issues` and `warnings`, both
//! arrays of objects, so no rule without names can choose) is paginated only when the operation's `x-pagination`
//! extension, usually set by an overlay, names its list.

use std::collections::BTreeMap;

use crate::ir::{
    CursorIn, CursorPages, Field, OffsetPages, Operation, Pagination, PaginationHint, ParamLocation, Presence, Struct,
    Success, TypeDef, TypeKind, TypeRef,
};

/// The name of the cursor where `x-pagination` does not give one.
const CURSOR: &str = "nextPageToken";

/// Reads `x-pagination: {items: <property>, cursor: <property>}` (both optional); the message says what is wrong.
pub fn hint(value: &serde_json::Value) -> Result<PaginationHint, String> {
    let serde_json::Value::Object(map) = value else {
        return Err("`x-pagination` must be an object such as `{items: issues, cursor: nextPageToken}`".to_owned());
    };
    let mut hint = PaginationHint::default();
    for (key, value) in map {
        let slot = match key.as_str() {
            "items" => &mut hint.items,
            "cursor" => &mut hint.cursor,
            other => return Err(format!("`x-pagination` has an unknown key `{other}` (known: `items`, `cursor`)")),
        };
        match value {
            serde_json::Value::String(name) if !name.is_empty() => *slot = Some(name.clone()),
            _ => return Err(format!("`x-pagination.{key}` must be a property name (a non-empty string)")),
        }
    }
    Ok(hint)
}

/// How to walk the operation's pages, if it is paginated. An `x-pagination` hint that does not fit the operation
/// is an error (the message), so that a correction cannot lapse silently when the spec changes.
pub fn detect(types: &BTreeMap<&str, &TypeDef>, op: &Operation) -> Result<Option<Pagination>, String> {
    let detected = detect_shape(types, op);
    match (&op.pagination_hint, &detected) {
        (Some(hint), None) => Err(format!(
            "`x-pagination` ({}) does not fit the operation: its 200 response must be an object with that array \
             and a string `{}`, and the request must send that cursor as a query parameter or a body field",
            describe(hint),
            hint.cursor.as_deref().unwrap_or(CURSOR)
        )),
        _ => Ok(detected),
    }
}

fn describe(hint: &PaginationHint) -> String {
    let items = hint.items.as_deref().map(|i| format!("items `{i}`"));
    let cursor = hint.cursor.as_deref().map(|c| format!("cursor `{c}`"));
    [items, cursor].into_iter().flatten().collect::<Vec<_>>().join(", ")
}

fn detect_shape(types: &BTreeMap<&str, &TypeDef>, op: &Operation) -> Option<Pagination> {
    let Success::Json(TypeRef::Named(page)) = &op.success else { return None };
    let page = resolve_struct(types, page)?;
    let hint = op.pagination_hint.clone().unwrap_or_default();
    let param = |wire: &str| {
        op.params.iter().find(|p| p.location == ParamLocation::Query && p.wire == wire && p.list.is_none())
    };
    let field = |wire: &str| page.fields.iter().find(|f| f.wire == wire);
    let lists: Vec<&Field> = page
        .fields
        .iter()
        .filter(|f| matches!(f.ty, TypeRef::Vec(_)) && hint.items.as_ref().is_none_or(|items| &f.wire == items))
        .collect();
    let [list] = lists.as_slice() else { return None };
    let TypeRef::Vec(item_ty) = &list.ty else { return None };
    let item_ty = (**item_ty).clone();
    let items_optional = list.presence != Presence::Required;

    let cursor_wire = hint.cursor.as_deref().unwrap_or(CURSOR);
    if let Some(next) = field(cursor_wire).filter(|f| f.ty == TypeRef::String && plain(f)) {
        let cursor = match param(cursor_wire) {
            Some(param) if param.ty == TypeRef::String => Some(CursorIn::Query(param.name.clone())),
            Some(_) => None,
            None => body_cursor(types, op, cursor_wire),
        };
        if let Some(cursor) = cursor {
            return Some(Pagination::Cursor(CursorPages {
                cursor,
                items: list.name.clone(),
                item_ty,
                items_optional,
                next: next.name.clone(),
                next_optional: next.presence != Presence::Required,
                is_last: field("isLast")
                    .filter(|f| f.ty == TypeRef::Bool && plain(f))
                    .map(|f| (f.name.clone(), f.presence != Presence::Required)),
            }));
        }
    }
    if hint.cursor.is_some() {
        return None;
    }

    let start_at = param("startAt")?;
    let start_at_is_string = match start_at.ty {
        TypeRef::I32 | TypeRef::I64 => false,
        TypeRef::String => true,
        _ => return None,
    };
    field("startAt")?;
    field("maxResults")?;
    let integer = |f: &&Field| matches!(f.ty, TypeRef::I32 | TypeRef::I64);
    let total = field("total").filter(integer);
    let is_last = field("isLast").filter(|f| f.ty == TypeRef::Bool);
    if total.is_none() && is_last.is_none() {
        return None;
    }
    Some(Pagination::Offset(OffsetPages {
        start_at: start_at.name.clone(),
        start_at_is_string,
        items: list.name.clone(),
        item_ty,
        total: total.map(|f| f.name.clone()),
        total_i32: total.is_some_and(|f| f.ty == TypeRef::I32),
        is_last: is_last.map(|f| f.name.clone()),
        total_optional: total.is_some_and(|f| f.presence != Presence::Required),
        is_last_optional: is_last.is_some_and(|f| f.presence != Presence::Required),
        items_optional,
    }))
}

/// The cursor as a string field of a required JSON body (`SearchAndReconcileRequestBean.nextPageToken`).
fn body_cursor(types: &BTreeMap<&str, &TypeDef>, op: &Operation, wire: &str) -> Option<CursorIn> {
    let body = op.body.as_ref().filter(|b| b.required && b.media == crate::ir::BodyMedia::Json)?;
    let TypeRef::Named(name) = &body.ty else { return None };
    let field = resolve_struct(types, name)?.fields.iter().find(|f| f.wire == wire)?;
    (field.ty == TypeRef::String && plain(field) && !field.read_only)
        .then(|| CursorIn::Body { field: field.name.clone(), optional: field.presence != Presence::Required })
}

/// A field that is `T` or `Option<T>` (not `Option<Nullable<T>>`).
fn plain(field: &Field) -> bool {
    field.presence != Presence::Nullable
}

fn resolve_struct<'t>(types: &BTreeMap<&str, &'t TypeDef>, name: &str) -> Option<&'t Struct> {
    match &types.get(name)?.kind {
        TypeKind::Struct(s) => Some(s),
        TypeKind::Alias(TypeRef::Named(target)) if target != name => resolve_struct(types, target),
        _ => None,
    }
}
