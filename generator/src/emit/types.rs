//! `types.rs` of a spec: structs, enums, unions and aliases, with serde attributes that decode leniently.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attr, field_access, rust_type};
use crate::ir::{Field, Presence, Spec, StringEnum, Struct, Tagged, TypeDef, TypeKind, Variant};

pub fn emit_types(spec: &Spec) -> TokenStream {
    let fields_types = field_access::fields_types(spec);
    let items = spec.types.iter().map(|def| emit_type(spec, def, &fields_types));
    quote! { #(#items)* }
}

fn emit_type(spec: &Spec, def: &TypeDef, fields_types: &BTreeSet<&str>) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let origin = format!(" Schema `{}`.", def.origin);
    let doc = doc_attr(def.doc.as_deref());
    let separator = def.doc.as_ref().map(|_| quote!(#[doc = ""]));
    let body = match &def.kind {
        TypeKind::Struct(s) => emit_struct(spec, &name, s, fields_types),
        TypeKind::Enum(e) => emit_enum(&name, e),
        TypeKind::Untagged(variants) => emit_untagged(spec, &name, variants),
        TypeKind::Tagged(tagged) => emit_tagged(spec, &name, tagged),
        TypeKind::Alias(ty) => {
            let ty = rust_type(spec, ty);
            quote! { pub type #name = #ty; }
        }
    };
    quote! {
        #doc
        #separator
        #[doc = #origin]
        #body
    }
}

fn emit_struct(spec: &Spec, name: &proc_macro2::Ident, s: &Struct, fields_types: &BTreeSet<&str>) -> TokenStream {
    let fields = s.fields.iter().map(|f| emit_field(spec, f));
    let additional_name = additional_field_name(s);
    let additional = s.additional.as_ref().map(|value| {
        let value = rust_type(spec, value);
        let field = format_ident!("{}", additional_name);
        quote! {
            /// Properties the schema does not declare (it allows them through `additionalProperties`).
            #[serde(flatten)]
            pub #field: ::std::collections::BTreeMap<::std::string::String, #value>,
        }
    });
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.presence == Presence::Required).collect();
    let derive_default = required.is_empty().then(|| quote!(::std::default::Default,));
    let params = required.iter().map(|f| {
        let field = format_ident!("{}", f.name);
        let ty = rust_type(spec, &f.ty);
        quote!(#field: #ty)
    });
    let inits = s.fields.iter().map(|f| {
        let field = format_ident!("{}", f.name);
        match f.presence {
            Presence::Required => quote!(#field),
            Presence::Optional | Presence::Nullable => quote!(#field: ::std::option::Option::None),
        }
    });
    let additional_init = s.additional.as_ref().map(|_| {
        let field = format_ident!("{}", additional_name);
        quote!(#field: ::std::collections::BTreeMap::new(),)
    });
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let new_doc = if required.is_empty() {
        "A value with every optional field unset.".to_owned()
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.name)).collect();
        format!("A value with the required fields ({}) set and every optional field unset.", names.join(", "))
    };
    let holder_accessor = field_access::holder_accessor(s, fields_types);
    let fields_accessor =
        fields_types.contains(name.to_string().as_str()).then(|| field_access::fields_accessor(s, &additional_name));
    quote! {
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, #derive_default ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
        }

        impl #name {
            #[doc = #new_doc]
            #many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* #additional_init }
            }

            #holder_accessor
            #fields_accessor
        }
    }
}

/// The catch-all map's field name: `additional_properties`, unless a property already took it.
fn additional_field_name(s: &Struct) -> String {
    let mut names = crate::names::Namespace::with_reserved(s.fields.iter().map(|f| f.name.as_str()));
    names.claim("additional_properties")
}

fn emit_field(spec: &Spec, field: &Field) -> TokenStream {
    let name = format_ident!("{}", field.name);
    let ty = rust_type(spec, &field.ty);
    let wire = &field.wire;
    let rename = (field.name != field.wire).then(|| quote!(rename = #wire,));
    let mut notes = Vec::new();
    if field.read_only {
        notes.push("Read-only: Jira sets it; it is ignored in requests.");
    }
    if field.write_only {
        notes.push("Write-only: sent in requests, not returned.");
    }
    if field.deprecated {
        notes.push("Deprecated in the spec.");
    }
    let doc_text = match (&field.doc, notes.is_empty()) {
        (Some(doc), true) => Some(doc.clone()),
        (Some(doc), false) => Some(format!("{doc}\n\n{}", notes.join(" "))),
        (None, false) => Some(notes.join(" ")),
        (None, true) => None,
    };
    let doc = doc_attr(doc_text.as_deref());
    match field.presence {
        Presence::Required if field.skip_null_items => quote! {
            #doc
            #[serde(#rename deserialize_with = "crate::runtime::nullable::without_null_items")]
            pub #name: #ty,
        },
        Presence::Required => {
            let serde = rename.map(|r| quote!(#[serde(#r)]));
            quote! { #doc #serde pub #name: #ty, }
        }
        Presence::Optional if field.skip_null_items => quote! {
            #doc
            #[serde(
                #rename
                default,
                skip_serializing_if = "::std::option::Option::is_none",
                deserialize_with = "crate::runtime::nullable::without_null_items_optional"
            )]
            pub #name: ::std::option::Option<#ty>,
        },
        Presence::Optional => quote! {
            #doc
            #[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none")]
            pub #name: ::std::option::Option<#ty>,
        },
        Presence::Nullable => quote! {
            #doc
            #[serde(
                #rename
                default,
                skip_serializing_if = "::std::option::Option::is_none",
                deserialize_with = "crate::runtime::nullable::deserialize"
            )]
            pub #name: ::std::option::Option<crate::runtime::Nullable<#ty>>,
        },
    }
}

fn emit_enum(name: &proc_macro2::Ident, e: &StringEnum) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let wire = &v.wire;
        quote! { #[serde(rename = #wire)] #variant, }
    });
    let arms = e.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let wire = &v.wire;
        quote! { Self::#variant => #wire, }
    });
    let other = format_ident!("{}", e.other);
    quote! {
        #[derive(
            ::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash,
            ::std::cmp::PartialOrd, ::std::cmp::Ord, ::serde::Serialize, ::serde::Deserialize
        )]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know (Atlassian adds values over time), kept as sent.
            #[serde(untagged)]
            #other(::std::string::String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#arms)*
                    Self::#other(value) => value,
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

fn emit_untagged(spec: &Spec, name: &proc_macro2::Ident, variants: &[Variant]) -> TokenStream {
    let variants = variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let ty = rust_type(spec, &v.ty);
        quote! { #variant(#ty), }
    });
    quote! {
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// A discriminated union with hand-rolled serde: the tag picks the variant; an unknown tag keeps the JSON.
fn emit_tagged(spec: &Spec, name: &proc_macro2::Ident, tagged: &Tagged) -> TokenStream {
    let other = format_ident!("{}", tagged.other);
    let property = &tagged.property;
    let variants = tagged.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let ty = rust_type(spec, &v.ty);
        let doc = format!(" `{}` is `{}`.", tagged.property, v.tag);
        quote! { #[doc = #doc] #variant(#ty), }
    });
    let serialize_arms = tagged.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        quote! { Self::#variant(value) => ::serde::Serialize::serialize(value, serializer), }
    });
    let deserialize_arms = tagged.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let tag = &v.tag;
        quote! { ::std::option::Option::Some(#tag) => ::serde_json::from_value(value).map(Self::#variant), }
    });
    quote! {
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value whose tag this client does not know, kept as sent.
            #other(::serde_json::Value),
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    Self::#other(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let decoded = match value.get(#property).and_then(::serde_json::Value::as_str) {
                    #(#deserialize_arms)*
                    _ => return ::std::result::Result::Ok(Self::#other(value)),
                };
                decoded.map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    }
}
