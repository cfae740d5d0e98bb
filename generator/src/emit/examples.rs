//! `examples.rs` of a spec: a test per 2xx response example, checking that it decodes into the generated type and
//! encodes back to the same JSON, less exactly the fields the schema does not declare.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust_type;
use crate::ir::{Operation, Spec, Success, TypeRef};

pub fn emit_examples(spec: &Spec) -> TokenStream {
    let tests = spec.operations.iter().flat_map(|op| {
        op.examples.iter().map(move |example| {
            let test = format_ident!("{}_{}", op.fn_name.trim_end_matches('_'), example.status);
            let ty = rust_type(spec, &example_type(op, example.status));
            let json = &example.json;
            let undeclared = &example.undeclared;
            let what = format!("{} {}", op.id, example.status);
            quote! {
                #[test]
                fn #test() {
                    crate::example_check::check::<#ty>(#what, #json, &[#(#undeclared),*]);
                }
            }
        })
    });
    quote! { #(#tests)* }
}

fn example_type(op: &Operation, status: u16) -> TypeRef {
    match &op.success {
        Success::Json(ty) | Success::MaybeJson { ty, .. } => ty.clone(),
        Success::Several { variants, .. } => {
            variants.iter().find(|v| v.status == status).and_then(|v| v.ty.clone()).unwrap_or(TypeRef::Any)
        }
        Success::Empty | Success::Bytes => TypeRef::Any,
    }
}
