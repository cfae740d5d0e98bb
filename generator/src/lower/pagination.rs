//! Paginated operations, recognised by shape, not by name: a `startAt` query parameter and a response with
//! `startAt`, `maxResults` and one list (offset pages), or a `nextPageToken` parameter and response field
//! (cursor pages). Atlassian calls the list `values`, `worklogs`, `comments`, `issues`, ...

use std::collections::BTreeMap;

use crate::ir::{Operation, Pagination, ParamLocation, Presence, Struct, Success, TypeDef, TypeKind, TypeRef};

pub fn detect(types: &BTreeMap<&str, &TypeDef>, op: &Operation) -> Option<Pagination> {
    let Success::Json(TypeRef::Named(page)) = &op.success else { return None };
    let page = resolve_struct(types, page)?;
    let param = |wire: &str| {
        op.params.iter().find(|p| p.location == ParamLocation::Query && p.wire == wire && p.list.is_none())
    };
    let field = |wire: &str| page.fields.iter().find(|f| f.wire == wire);
    let lists: Vec<_> = page.fields.iter().filter(|f| matches!(f.ty, TypeRef::Vec(_))).collect();
    let [list] = lists.as_slice() else { return None };
    let TypeRef::Vec(item_ty) = &list.ty else { return None };
    let item_ty = (**item_ty).clone();
    let items_optional = list.presence != Presence::Required;

    if let (Some(token_param), Some(next)) = (param("nextPageToken"), field("nextPageToken")) {
        if token_param.ty == TypeRef::String && next.ty == TypeRef::String {
            return Some(Pagination::Cursor {
                param: token_param.name.clone(),
                items: list.name.clone(),
                item_ty,
                next: next.name.clone(),
                items_optional,
            });
        }
    }

    let start_at = param("startAt")?;
    let start_at_is_string = match start_at.ty {
        TypeRef::I32 | TypeRef::I64 => false,
        TypeRef::String => true,
        _ => return None,
    };
    field("startAt")?;
    field("maxResults")?;
    let integer = |f: &&crate::ir::Field| matches!(f.ty, TypeRef::I32 | TypeRef::I64);
    let total = field("total").filter(integer);
    let is_last = field("isLast").filter(|f| f.ty == TypeRef::Bool);
    if total.is_none() && is_last.is_none() {
        return None;
    }
    Some(Pagination::Offset {
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
    })
}

fn resolve_struct<'t>(types: &BTreeMap<&str, &'t TypeDef>, name: &str) -> Option<&'t Struct> {
    match &types.get(name)?.kind {
        TypeKind::Struct(s) => Some(s),
        TypeKind::Alias(TypeRef::Named(target)) if target != name => resolve_struct(types, target),
        _ => None,
    }
}
