//! `crate::runtime::Fallbacks` for the types of a shared module (ADF): each type lists the JSON pointers of what it
//! kept without knowing it (an unknown node or mark, an undeclared property, an unknown enum value), so a test or
//! a user can see what the schema does not describe.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Presence, TypeDef, TypeKind};

pub fn emit_fallbacks(def: &TypeDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let body = match &def.kind {
        TypeKind::Struct(s) => {
            let fields = s.fields.iter().filter(|f| !f.fixed).map(|f| {
                let field = format_ident!("{}", f.name);
                let wire = &f.wire;
                let value = match f.presence {
                    Presence::Required | Presence::Optional => quote!(&self.#field),
                    // Not emitted for shared modules (they have no `nullable`), but kept correct.
                    Presence::Nullable => quote!(&self.#field.as_ref().and_then(crate::runtime::Nullable::as_option)),
                };
                quote! { crate::runtime::Fallbacks::fallbacks_at(#value, &crate::runtime::fallbacks::pointer(at, #wire), out); }
            });
            let additional = s.additional.as_ref().map(|_| {
                let field = format_ident!("{}", super::types::additional_field_name(s));
                quote! { out.extend(self.#field.keys().map(|key| crate::runtime::fallbacks::pointer(at, key))); }
            });
            quote! { #(#fields)* #additional }
        }
        TypeKind::Enum(e) => {
            let other = format_ident!("{}", e.other);
            quote! {
                if let Self::#other(_) = self {
                    out.push(at.to_owned());
                }
            }
        }
        TypeKind::Tagged(tagged) => {
            let other = format_ident!("{}", tagged.other);
            let arms = tagged.variants.iter().map(|v| {
                let variant = format_ident!("{}", v.name);
                quote! { Self::#variant(value) => crate::runtime::Fallbacks::fallbacks_at(value, at, out), }
            });
            quote! {
                match self {
                    #(#arms)*
                    Self::#other(_) => out.push(at.to_owned()),
                }
            }
        }
        TypeKind::Untagged(variants) => {
            let arms = variants.iter().map(|v| {
                let variant = format_ident!("{}", v.name);
                quote! { Self::#variant(value) => crate::runtime::Fallbacks::fallbacks_at(value, at, out), }
            });
            quote! { match self { #(#arms)* } }
        }
        // An alias is its target, which has its own implementation; a constant keeps nothing.
        TypeKind::Alias(_) => return TokenStream::new(),
        TypeKind::Constant(_) => quote! { let _ = (at, out); },
    };
    quote! {
        impl crate::runtime::Fallbacks for #name {
            fn fallbacks_at(&self, at: &str, out: &mut ::std::vec::Vec<::std::string::String>) {
                #body
            }
        }
    }
}
