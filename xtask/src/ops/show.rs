//! `cargo xtask ops show SLUG|OPERATION_ID [--spec NAME]`: the operation as the generator would lower it.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use generator::error::pointer_token;
use generator::ir::{BodyMedia, CursorIn, Operation, Pagination, ParamLocation, Success, TypeRef};
use generator::load::{Entry, Listing, Selector};
use generator::overlay::within;
use generator::select::OperationRef;
use openapiv3::ReferenceOr;

use super::{describe_entry, method_path, Catalog};
use crate::Result;

#[derive(clap::Args)]
pub struct Args {
    /// A slug (`api2issueissueidorkey-get`) or operationId (`getIssue`).
    name: String,
    /// Look the name up in this spec only (its `x-spec`).
    #[arg(long)]
    spec: Option<String>,
}

pub fn run(path: &Path, args: &Args) -> Result<()> {
    let catalog = Catalog::load(path, false)?;
    let (spec, op_ref) = catalog.resolve(&args.name, args.spec.as_deref())?;
    let loaded = &catalog.specs[spec];
    // The operation alone, selected and lowered the way regen does it.
    let alone = Listing {
        path: catalog.listing.path.clone(),
        specs: vec![loaded.source.clone()],
        entries: vec![Entry {
            index: 0,
            name: None,
            selector: Selector::Slug(op_ref.slug.clone()),
            spec: Some(loaded.source.name.clone()),
        }],
        schemas: catalog.listing.schemas.clone(),
    };
    let selection = generator::select::select_from(&alone, vec![loaded.clone()], &generator::Options::default())?;
    let selected = selection.specs.first().ok_or("the operation selected nothing")?;
    let schemas = selected.schemas.len();
    let lowered = generator::lower::lower_spec(selected, &[])?;
    let op = lowered.operations.first().ok_or("the operation lowered to nothing")?;

    let mut out = String::new();
    let w = &mut out;
    writeln!(w, "{} {} ({}, slug {})", loaded.source.name, method_path(&op_ref), op.id, op.slug)?;
    if let Some(summary) = &op.summary {
        writeln!(w, "  {summary}")?;
    }
    let tag = lowered.tags.iter().find(|t| t.module == op.tag).map_or(op.tag.as_str(), |t| t.title.as_str());
    writeln!(w, "  tag: {tag}{}", if op.deprecated { "; deprecated" } else { "" })?;
    let listed: Vec<String> =
        catalog.entries_for(spec, &op_ref).iter().map(|&i| describe_entry(&catalog.listing.entries[i])).collect();
    match listed.as_slice() {
        [] => writeln!(w, "  listed: no (`cargo xtask ops add {}`)", op.slug)?,
        entries => writeln!(w, "  listed: {}", entries.join(", "))?,
    }
    writeln!(w, "rust: {}", signature(&lowered.module, op))?;
    writeln!(w, "parameters:")?;
    if op.params.is_empty() {
        writeln!(w, "  none")?;
    }
    for param in &op.params {
        let location = match param.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        };
        let ty = match param.list {
            Some(_) => format!("list of {}", type_name(&param.ty)),
            None => type_name(&param.ty),
        };
        let how = if param.required { "argument".to_owned() } else { format!(".{}(...)", param.name) };
        let deprecated = if param.deprecated { ", deprecated" } else { "" };
        writeln!(w, "  {location:6} {} ({ty}): {how}{deprecated}", param.wire)?;
    }
    match &op.body {
        None => writeln!(w, "body: none")?,
        Some(body) => {
            let media = match &body.media {
                BodyMedia::Json => "JSON",
                BodyMedia::Text => "text",
                BodyMedia::Multipart => "multipart form",
                BodyMedia::Bytes(_) => "bytes",
            };
            let how = if body.required { "argument `body`" } else { "optional, .body(...)" };
            writeln!(w, "body: {} {media} ({}), {how}", type_name(&body.ty), body.media_type)?;
        }
    }
    writeln!(w, "success: {}", success(&op.success))?;
    for error in &op.errors {
        writeln!(w, "  error {}: {}", error.status, error.description)?;
    }
    let pages = match &op.pagination {
        None => "none".to_owned(),
        Some(Pagination::Offset(pages)) => {
            format!("startAt/maxResults pages of `{}` ({}): .into_stream()", pages.items, type_name(&pages.item_ty))
        }
        Some(Pagination::Cursor(pages)) => {
            let cursor = match &pages.cursor {
                CursorIn::Query(_) => "in the query",
                CursorIn::Body { .. } => "in the body",
            };
            format!(
                "nextPageToken pages ({cursor}) of `{}` ({}): .into_stream()",
                pages.items,
                type_name(&pages.item_ty)
            )
        }
    };
    writeln!(w, "pagination: {pages}")?;
    writeln!(w, "schemas: {schemas} component schema(s) reached, {} Rust type(s) generated", lowered.types.len())?;
    let places = places(&op_ref, catalog.operation(spec, &op_ref), &selected.schemas);
    let touching = loaded.corrections.actions_where(|pointer| places.iter().any(|place| within(pointer, place)));
    writeln!(w, "overlays:{}", if touching.is_empty() { " none" } else { "" })?;
    for (overlay, action, pointer) in touching {
        writeln!(w, "  {} {}: at `{pointer}`", overlay.name, action.label())?;
    }
    print!("{out}");
    Ok(())
}

/// The JSON pointers of everything that makes up the operation: its operation object, the parameters and servers
/// of its path item, the components it refers to directly (parameters, request bodies, responses) and the
/// component schemas it reaches.
fn places(op_ref: &OperationRef, operation: Option<&openapiv3::Operation>, schemas: &BTreeSet<String>) -> Vec<String> {
    let path = format!("/paths/{}", pointer_token(&op_ref.path));
    let mut places = vec![format!("{path}/{}", op_ref.method), format!("{path}/parameters"), format!("{path}/servers")];
    let mut refer = |reference: &str| {
        if let Some(pointer) = reference.strip_prefix('#').filter(|p| p.starts_with("/components/")) {
            places.push(pointer.to_owned());
        }
    };
    if let Some(operation) = operation {
        for parameter in &operation.parameters {
            if let ReferenceOr::Reference { reference } = parameter {
                refer(reference);
            }
        }
        if let Some(ReferenceOr::Reference { reference }) = &operation.request_body {
            refer(reference);
        }
        let responses = operation.responses.default.iter().chain(operation.responses.responses.values());
        for response in responses {
            if let ReferenceOr::Reference { reference } = response {
                refer(reference);
            }
        }
    }
    places.extend(schemas.iter().map(|name| format!("/components/schemas/{}", pointer_token(name))));
    places
}

/// `client.jira_platform_v2().get_issue(issue_id_or_key) -> GetIssue`, `.send()` -> ...
fn signature(module: &str, op: &Operation) -> String {
    let mut args: Vec<&str> = op.params.iter().filter(|p| p.required).map(|p| p.name.as_str()).collect();
    if op.body.as_ref().is_some_and(|b| b.required) {
        args.push("body");
    }
    format!(
        "client.{module}().{}({}) -> {}; .send().await -> Result<{}>",
        op.fn_name,
        args.join(", "),
        op.builder,
        match &op.success {
            Success::Empty => "()".to_owned(),
            Success::Json(ty) => type_name(ty),
            Success::MaybeJson { ty, .. } => format!("Option<{}>", type_name(ty)),
            Success::Bytes => "Binary".to_owned(),
            Success::SeeOther(Some(ty)) => format!("SeeOther<{}>", type_name(ty)),
            Success::SeeOther(None) => "SeeOther<()>".to_owned(),
            Success::Several { name, .. } => name.clone(),
        }
    )
}

fn success(success: &Success) -> String {
    match success {
        Success::Empty => "no body".into(),
        Success::Json(ty) => type_name(ty),
        Success::MaybeJson { ty, empty_statuses } => {
            let statuses: Vec<String> = empty_statuses.iter().map(u16::to_string).collect();
            format!("{} (none on {})", type_name(ty), statuses.join(", "))
        }
        Success::Bytes => "bytes (Binary)".into(),
        Success::SeeOther(ty) => format!("303 See Other with {}", ty.as_ref().map_or("no body".into(), type_name)),
        Success::Several { name, variants } => {
            let variants: Vec<String> = variants
                .iter()
                .map(|v| format!("{} {}", v.status, v.ty.as_ref().map_or("no body".into(), type_name)))
                .collect();
            format!("{name}: {}", variants.join(", "))
        }
    }
}

/// A type as a reader writes it: `Vec<Worklog>`, `BTreeMap<String, Value>`.
fn type_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::DateTime => "JiraDateTime".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::Number => "Number".into(),
        TypeRef::Any => "Value".into(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Vec(item) => format!("Vec<{}>", type_name(item)),
        TypeRef::Map(value) => format!("BTreeMap<String, {}>", type_name(value)),
        TypeRef::Boxed(inner) => format!("Box<{}>", type_name(inner)),
        TypeRef::Nullable(inner) => format!("Option<{}>", type_name(inner)),
        TypeRef::External(path) => path.trim_start_matches("crate::").to_owned(),
    }
}
