//! `conformance.rs` of a spec: one test per sample call of each operation, sending it through the typed client to a
//! mock server of the spec (Prism) and checking that the server finds nothing wrong with the request and that the
//! response decodes; plus negative controls that break a request on purpose and must be caught.
//!
//! The tests do nothing unless `ATLASSIAN_CONFORMANCE_URL_<SPEC>` names the mock server (`cargo xtask conformance`
//! sets it); the shared logic is the hand-written `conformance_support` module of the crate.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::rust_type;
use crate::ir::{Auth, BodyMedia, Operation, ParamLocation, SampleCall, Spec, TypeRef};

/// The environment variable that tells the conformance tests of a spec module the base URL of its mock server:
/// `ATLASSIAN_CONFORMANCE_URL_JIRA_PLATFORM_V2`.
pub fn url_variable(module: &str) -> String {
    format!("ATLASSIAN_CONFORMANCE_URL_{}", module.to_ascii_uppercase())
}

pub fn emit_conformance(spec: &Spec) -> TokenStream {
    let name = &spec.name;
    let url_var = url_variable(&spec.module);
    let mut tests = Vec::new();
    for op in &spec.operations {
        for call in &op.samples {
            tests.push(test(spec, op, call, &call.name, None));
        }
    }
    if let Some((op, call, param, value)) = wrong_type_control(spec) {
        let mutation = quote!(harness::Mutation::WrongType { name: #param, value: #value });
        tests.push(test(spec, op, call, "negative_wrong_type", Some(mutation)));
    }
    if let Some((op, call)) = missing_body_control(spec) {
        tests.push(test(spec, op, call, "negative_missing_body", Some(quote!(harness::Mutation::DropBody))));
    }
    quote! {
        use crate::conformance_support as harness;

        const SPEC: &str = #name;
        const URL_VARIABLE: &str = #url_var;

        #(#tests)*
    }
}

/// The first operation whose full call sends a typed (number or boolean) query parameter: sending text there
/// instead must be reported.
fn wrong_type_control(spec: &Spec) -> Option<(&Operation, &SampleCall, &str, &'static str)> {
    spec.operations.iter().find_map(|op| {
        let call = op.samples.iter().find(|c| c.name == "full")?;
        let param = op.params.iter().find(|p| {
            p.location == ParamLocation::Query
                && matches!(p.ty, TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F64)
                && call.params.iter().any(|(name, _)| *name == p.name)
        })?;
        let value = if param.ty == TypeRef::Bool { "notabool" } else { "notanumber" };
        Some((op, call, param.wire.as_str(), value))
    })
}

/// The first operation with a required JSON body: sending none must be reported.
fn missing_body_control(spec: &Spec) -> Option<(&Operation, &SampleCall)> {
    spec.operations.iter().find_map(|op| {
        op.body.as_ref().filter(|b| b.required && b.media == BodyMedia::Json)?;
        Some((op, op.samples.iter().find(|c| c.name == "full" && c.body.is_some())?))
    })
}

fn test(spec: &Spec, op: &Operation, call: &SampleCall, name: &str, mutation: Option<TokenStream>) -> TokenStream {
    let test = format_ident!("{}_{}", op.fn_name.trim_end_matches('_'), name);
    let module = format_ident!("{}", spec.module);
    let fn_name = format_ident!("{}", op.fn_name);
    let operation = &op.id;
    let auth = match op.auth {
        Auth::None => quote!(harness::Auth::None),
        Auth::Basic => quote!(harness::Auth::Basic),
        Auth::Bearer => quote!(harness::Auth::Bearer),
    };
    let query: Vec<&str> =
        op.params.iter().filter(|p| p.location == ParamLocation::Query).map(|p| p.wire.as_str()).collect();
    let mutation = match mutation {
        Some(mutation) => quote!(::std::option::Option::Some(#mutation)),
        None => quote!(::std::option::Option::None),
    };

    let value = |name: &str| call.params.iter().find(|(n, _)| n == name).map(|(_, v)| v);
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for param in &op.params {
        let Some(sample) = value(&param.name) else { continue };
        let item = rust_type(spec, &param.ty);
        let ty = if param.list.is_some() { quote!(::std::vec::Vec<#item>) } else { item };
        let json = sample.to_string();
        let arg = quote!(harness::arg::<#ty>(#json)?);
        if param.required {
            args.push(arg);
        } else {
            let setter = format_ident!("{}", param.name);
            setters.push(quote!(.#setter(#arg)));
        }
    }
    if let (Some(body), Some(sample)) = (&op.body, &call.body) {
        let value = body_value(spec, &body.media, &body.ty, sample);
        if body.required {
            args.push(value);
        } else {
            setters.push(quote!(.body(#value)));
        }
    }
    quote! {
        #[tokio::test]
        async fn #test() {
            let ::std::option::Option::Some(run) = harness::Run::start(harness::Call {
                spec: SPEC,
                url_variable: URL_VARIABLE,
                operation: #operation,
                name: #name,
                auth: #auth,
                query: &[#(#query),*],
                mutation: #mutation,
            }) else {
                return;
            };
            let request = run.build(|client| {
                ::std::result::Result::Ok(client.#module().#fn_name(#(#args),*) #(#setters)*)
            });
            let ::std::option::Option::Some(raw) = run.raw(request.clone().send_raw().await) else {
                return;
            };
            run.finish(raw, request.send().await.map(|_| ()));
        }
    }
}

/// The body argument: JSON decoded into the body's type, so that the typed client encodes it; a small fixed file
/// for raw uploads; a form built from the sample's parts for multipart.
fn body_value(spec: &Spec, media: &BodyMedia, ty: &TypeRef, sample: &Value) -> TokenStream {
    match media {
        BodyMedia::Json => {
            let ty = rust_type(spec, ty);
            let json = sample.to_string();
            quote!(harness::arg::<#ty>(#json)?)
        }
        BodyMedia::Text => {
            let json = sample.to_string();
            quote!(harness::arg::<::std::string::String>(#json)?)
        }
        BodyMedia::Bytes(_) => quote!(::bytes::Bytes::from_static(b"sample")),
        BodyMedia::Multipart => {
            let parts = sample.as_array().into_iter().flatten().map(|part| {
                let name = part["name"].as_str().unwrap_or("file");
                let content = part["content"].as_str().unwrap_or_default();
                match part["file"].as_str() {
                    Some(file) => quote!(.file(#name, #file, "text/plain", #content)),
                    None => quote!(.text(#name, #content)),
                }
            });
            quote!(crate::runtime::Multipart::new() #(#parts)*)
        }
    }
}
