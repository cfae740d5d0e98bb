//! Stage 4, **emit**: the IR into one token stream per generated file. Infallible: every decision was made while
//! lowering. Emitted code names std, serde and runtime items by absolute path, so a schema called `Error`,
//! `Result` or `Option` cannot shadow them.

mod conformance;
mod examples;
mod fallbacks;
mod field_access;
mod manifest;
mod pagination;
mod requests;
mod serde_impls;
mod shared;
mod types;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Result;
use crate::format::format_file;
use crate::ir::{Api, Spec, TypeRef};
use crate::{Output, SpecStats};

pub use conformance::url_variable;

/// A file to generate: its path, what its header says it is made from, and how to make its tokens.
struct Job<'a> {
    path: String,
    about: String,
    tokens: Box<dyn Fn() -> TokenStream + Send + Sync + 'a>,
}

/// Emits and formats every generated file of the crate, spreading the files over the available cores (token
/// streams are not `Send`, so each file is emitted and formatted on the thread that takes it).
pub fn emit(api: &Api) -> Result<Output> {
    let jobs = jobs(api);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len()).max(1);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(job) = jobs.get(i) else { return done };
            done.push(format_file(&job.path, (job.tokens)(), &job.about).map(|text| (job.path.clone(), text)));
        }
    };
    let results: Vec<Result<(String, String)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut results = work();
        for handle in handles {
            // A worker only panics on a generator bug; re-raise it rather than hide it.
            results.extend(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        results
    });

    let mut output = Output::default();
    for result in results {
        let (path, text) = result?;
        output.files.insert(path, text);
    }
    for spec in &api.specs {
        let types = spec.types.len();
        output.stats.push(SpecStats { module: spec.module.clone(), operations: spec.operations.len(), types });
    }
    output.files.insert("Cargo.toml".into(), manifest::emit_manifest(api));
    Ok(output)
}

/// Every file of the crate, largest first so that the last file to finish is a small one.
fn jobs<'a>(api: &'a Api) -> Vec<Job<'a>> {
    let mut jobs = vec![Job {
        path: "src/generated/mod.rs".into(),
        about: "The generated modules, one per OpenAPI document.".into(),
        tokens: Box::new(move || root_module(api)),
    }];
    for spec in &api.specs {
        let dir = format!("src/generated/{}", spec.module);
        let corrected = match spec.overlays.as_slice() {
            [] => String::new(),
            overlays => {
                format!(" corrected by {}", overlays.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", "))
            }
        };
        let about = format!("from `{}` ({} {}){corrected}", spec.file, spec.title, spec.version);
        let mut add = |path: String, tokens: Box<dyn Fn() -> TokenStream + Send + Sync + 'a>| {
            jobs.push(Job { path, about: about.clone(), tokens });
        };
        add(format!("{dir}/types.rs"), Box::new(move || types::emit_types(spec)));
        add(format!("{dir}/mod.rs"), Box::new(move || spec_module(spec)));
        add(format!("{dir}/requests/mod.rs"), Box::new(move || requests::emit_index(spec)));
        for tag in &spec.tags {
            add(format!("{dir}/requests/{}.rs", tag.module), Box::new(move || requests::emit_tag(spec, tag)));
        }
        if spec.operations.iter().any(|op| !op.examples.is_empty()) {
            add(format!("{dir}/examples.rs"), Box::new(move || examples::emit_examples(spec)));
        }
        if spec.operations.iter().any(|op| !op.captures.is_empty()) {
            add(format!("{dir}/captures.rs"), Box::new(move || examples::emit_captures(spec)));
        }
        if !spec.evidence.is_empty() {
            add(format!("{dir}/evidence.rs"), Box::new(move || examples::emit_evidence(spec)));
        }
        if has_conformance(spec) {
            add(format!("{dir}/conformance.rs"), Box::new(move || conformance::emit_conformance(spec)));
        }
    }
    for module in &api.shared {
        jobs.push(Job {
            path: format!("src/generated/{}.rs", module.module),
            about: format!("from `{}` ({})", module.file, module.title.trim_end_matches('.')),
            tokens: Box::new(move || shared::emit_shared(module)),
        });
    }
    // Types files are by far the largest: start them first.
    jobs.sort_by_key(|job| !job.path.ends_with("/types.rs"));
    jobs
}

/// `src/generated/mod.rs`: one module per spec, each behind its cargo feature.
fn root_module(api: &Api) -> TokenStream {
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
    let shared = api.shared.iter().map(|module| {
        let name = format_ident!("{}", module.module);
        let cfg = shared::cfg(module);
        let doc =
            format!("{} (`{}`), shared by the specs that use it.", module.title.trim_end_matches('.'), module.file);
        quote! {
            #[doc = #doc]
            #cfg
            pub mod #name;
        }
    });
    quote! { #(#modules)* #(#shared)* }
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
    let evidence = (!spec.evidence.is_empty()).then(|| quote! { #[cfg(test)] mod evidence; });
    // Deprecated operations are called too.
    let conformance = has_conformance(spec).then(|| quote! { #[cfg(test)] #[allow(deprecated)] mod conformance; });
    quote! {
        pub mod requests;
        pub mod types;
        #conformance
        #captures
        #evidence
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

/// Where the types being emitted live: a spec's `types` module, or a shared module (ADF) whose types keep
/// everything they decode, exactly (see [`types`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub module: &'a str,
    pub shared: bool,
}

impl<'a> Scope<'a> {
    pub fn of(spec: &'a Spec) -> Scope<'a> {
        Scope { module: &spec.module, shared: false }
    }
}

/// The Rust type of a type reference, as seen from anywhere in the crate.
pub(crate) fn rust_type(spec: &Spec, ty: &TypeRef) -> TokenStream {
    scoped_type(Scope::of(spec), ty)
}

/// [`rust_type`] for the types of any module.
pub(crate) fn scoped_type(scope: Scope<'_>, ty: &TypeRef) -> TokenStream {
    let rust_type = |_: Scope<'_>, ty: &TypeRef| scoped_type(scope, ty);
    let spec = scope;
    match ty {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::DateTime => quote!(crate::runtime::JiraDateTime),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Number => quote!(::serde_json::Number),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::Named(name) => {
            let module = format_ident!("{}", scope.module);
            let name = format_ident!("{}", name);
            match scope.shared {
                true => quote!(crate::#module::#name),
                false => quote!(crate::#module::types::#name),
            }
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
        TypeRef::Nullable(inner) => {
            let inner = rust_type(spec, inner);
            quote!(::std::option::Option<#inner>)
        }
        TypeRef::External(path) => {
            let path: syn::Path = syn::parse_str(path).expect("the paths of rust_types::KNOWN_TYPES parse");
            quote!(#path)
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
