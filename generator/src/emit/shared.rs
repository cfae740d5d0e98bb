//! The file of a shared module (`src/generated/adf.rs`): its types, written back exactly, and the hand-written
//! helpers of the runtime (`src/<module>/mod.rs`: builders, text, Markdown) included as its submodule, so that
//! they are compiled exactly when the module is.

use proc_macro2::TokenStream;
use quote::quote;

use super::Scope;
use crate::ir::SharedModule;

pub fn emit_shared(module: &SharedModule) -> TokenStream {
    let types = super::types::emit_type_defs(Scope { module: &module.module, shared: true }, &module.types);
    let helpers = format!("../{}/mod.rs", module.module);
    quote! {
        #types

        #[path = #helpers]
        mod helpers;
        pub use helpers::*;
    }
}

/// The `cfg` a shared module is compiled under: any feature of a spec that refers to it.
pub fn cfg(module: &SharedModule) -> TokenStream {
    match module.features.as_slice() {
        [one] => quote!(#[cfg(feature = #one)]),
        features => quote!(#[cfg(any(#(feature = #features),*))]),
    }
}
