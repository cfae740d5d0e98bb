//! Response checks of a spec: `examples.rs`, a test per 2xx response example, checking that it decodes into the
//! generated type and encodes back to the same JSON, less exactly the fields the schema does not declare; and
//! `captures.rs`, a test per response captured from a real instance, checking that it decodes; and `evidence.rs`, a
//! test per body an overlay cites as evidence for a correction, checking that it decodes into the corrected type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust_type;
use crate::ir::Spec;

pub fn emit_examples(spec: &Spec) -> TokenStream {
    let tests = spec.operations.iter().flat_map(|op| {
        op.examples.iter().map(move |example| {
            let test = format_ident!("{}_{}", op.fn_name.trim_end_matches('_'), example.status);
            let ty = rust_type(spec, &op.success_type(example.status));
            let json = &example.json;
            let undeclared = &example.undeclared;
            let what = format!("{} {}", op.id, example.status);
            match &example.expected_error {
                None => quote! {
                    #[test]
                    fn #test() {
                        crate::example_check::check::<#ty>(#what, #json, &[#(#undeclared),*]);
                    }
                },
                Some((error, reason)) => {
                    let doc = format!(" A known contradiction (example-exceptions.json): {reason}");
                    quote! {
                        #[doc = #doc]
                        #[test]
                        fn #test() {
                            crate::example_check::fails::<#ty>(#what, #json, #error);
                        }
                    }
                }
            }
        })
    });
    quote! { #(#tests)* }
}

/// `captures.rs`: Cloud captures must decode; Server captures are reported by `cargo test -- --ignored`.
pub fn emit_captures(spec: &Spec) -> TokenStream {
    let tests = spec.operations.iter().flat_map(|op| {
        op.captures.iter().map(move |capture| {
            let stem = capture.file.rsplit('/').next().unwrap_or(&capture.file).trim_end_matches(".json");
            let test = format_ident!("{}_{}", op.fn_name.trim_end_matches('_'), crate::names::snake_name(stem));
            let ty = rust_type(spec, &op.success_type(200));
            let json = &capture.json;
            let what = &capture.file;
            let ignore = (!capture.cloud).then(
                || quote!(#[ignore = "a Jira Server capture: reported by `cargo test -- --ignored`, not required"]),
            );
            quote! {
                #[test]
                #ignore
                fn #test() {
                    crate::example_check::decodes::<#ty>(#what, #json);
                }
            }
        })
    });
    quote! { #(#tests)* }
}

/// `evidence.rs`: each body an overlay cites must decode into the type generated from the corrected document.
pub fn emit_evidence(spec: &Spec) -> TokenStream {
    let tests = spec.evidence.iter().map(|check| {
        let test = format_ident!("{}", check.test);
        let ty = rust_type(spec, &check.ty);
        let json = &check.json;
        let what = &check.what;
        let doc = format!(" Evidence for a correction: {what}.");
        quote! {
            #[doc = #doc]
            #[test]
            fn #test() {
                crate::example_check::decodes::<#ty>(#what, #json);
            }
        }
    });
    quote! { #(#tests)* }
}
