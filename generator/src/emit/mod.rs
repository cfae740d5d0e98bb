//! Stage 4, **emit**: the IR into one token stream per generated file. Infallible: every decision was made while
//! lowering. Emitted code names std, serde and runtime items by absolute path, so a schema called `Error`,
//! `Result` or `Option` cannot shadow them.

mod conformance;
mod examples;
mod manifest;
mod requests;
mod types;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Result;
use crate::format::format_file;
use crate::ir::{Api, Spec, TypeRef};
use crate::{Output, SpecStats};

/// Emits and formats every generated file of the crate.
pub fn emit(api: &Api) -> Result<Output> {
    let mut output = Output::default();
    let mut add = |path: String, tokens: TokenStream, about: &str| -> Result<()> {
        let text = format_file(&path, tokens, about)?;
        output.files.insert(path, text);
        Ok(())
    };

    let modules = api.specs.iter().map(|spec| {
        let module = format_ident!("{}", spec.module);
        let doc = format!("{} (`{}`), version {}.", spec.title, spec.name, spec.version);
        let feature = &spec.name;
        quote! {
            #[doc = #doc]
            #[cfg(feature = #feature)]
            pub mod #module;
        }
    });
    add("src/generated/mod.rs".into(), quote! { #(#modules)* }, "The generated modules, one per OpenAPI document.")?;

    for spec in &api.specs {
        let dir = format!("src/generated/{}", spec.module);
        let about = format!("from `{}` ({} {})", spec.file, spec.title, spec.version);
        add(format!("{dir}/mod.rs"), spec_module(spec), &about)?;
        add(format!("{dir}/types.rs"), types::emit_types(spec), &about)?;
        add(format!("{dir}/requests/mod.rs"), requests::emit_index(spec), &about)?;
        for tag in &spec.tags {
            add(format!("{dir}/requests/{}.rs", tag.module), requests::emit_tag(spec, tag), &about)?;
        }
        if spec.operations.iter().any(|op| !op.examples.is_empty()) {
            add(format!("{dir}/examples.rs"), examples::emit_examples(spec), &about)?;
        }
        if spec.operations.iter().any(|op| !op.captures.is_empty()) {
            add(format!("{dir}/captures.rs"), examples::emit_captures(spec), &about)?;
        }
        if has_conformance(spec) {
            add(format!("{dir}/conformance.rs"), conformance::emit_conformance(spec), &about)?;
        }
        let types = spec.types.len();
        output.stats.push(SpecStats { module: spec.module.clone(), operations: spec.operations.len(), types });
    }
    output.files.insert("Cargo.toml".into(), manifest::emit_manifest(api));
    Ok(output)
}

/// `mod.rs` of a spec: its submodules and the `Api` handle that the operations hang off.
fn spec_module(spec: &Spec) -> TokenStream {
    let module = format_ident!("{}", spec.module);
    let doc = format!(
        "The operations of {} (`{}`), version {}, published at <{}>.\n\n\
         Get one from a client with [`Client::{}`](crate::Client::{}).",
        spec.title, spec.name, spec.version, spec.url, spec.module, spec.module
    );
    let accessor_doc = format!("The operations of {} (`{}`).", spec.title, spec.name);
    let examples =
        spec.operations.iter().any(|op| !op.examples.is_empty()).then(|| quote! { #[cfg(test)] mod examples; });
    let captures =
        spec.operations.iter().any(|op| !op.captures.is_empty()).then(|| quote! { #[cfg(test)] mod captures; });
    // Deprecated operations are called too.
    let conformance = has_conformance(spec).then(|| quote! { #[cfg(test)] #[allow(deprecated)] mod conformance; });
    quote! {
        pub mod requests;
        pub mod types;
        #conformance
        #captures
        #examples

        #[doc = #doc]
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        pub struct Api {
            client: crate::Client,
        }

        impl crate::Client {
            #[doc = #accessor_doc]
            pub fn #module(&self) -> Api {
                Api { client: self.clone() }
            }
        }
    }
}

/// Whether a spec gets conformance tests: when some operation has sample calls.
fn has_conformance(spec: &Spec) -> bool {
    spec.operations.iter().any(|op| !op.samples.is_empty())
}

/// The Rust type of a type reference, as seen from anywhere in the crate.
pub(crate) fn rust_type(spec: &Spec, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::DateTime => quote!(crate::runtime::JiraDateTime),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::Named(name) => {
            let module = format_ident!("{}", spec.module);
            let name = format_ident!("{}", name);
            quote!(crate::#module::types::#name)
        }
        TypeRef::Vec(item) => {
            let item = rust_type(spec, item);
            quote!(::std::vec::Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = rust_type(spec, value);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
        TypeRef::Boxed(inner) => {
            let inner = rust_type(spec, inner);
            quote!(::std::boxed::Box<#inner>)
        }
    }
}

/// `#[doc = "..."]` for optional doc text.
pub(crate) fn doc_attr(doc: Option<&str>) -> TokenStream {
    match doc {
        Some(text) if !text.trim().is_empty() => {
            let lines = text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
            quote! { #(#[doc = #lines])* }
        }
        _ => TokenStream::new(),
    }
}
