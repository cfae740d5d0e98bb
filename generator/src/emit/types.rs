//! `types.rs` of a spec: structs, enums, unions and aliases, with serde attributes that decode leniently.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attr, field_access, scoped_type, serde_impls, Scope};
use crate::ir::{Field, Presence, Spec, StringEnum, Struct, Tagged, TypeDef, TypeKind, TypeRef, Variant};

pub fn emit_types(spec: &Spec) -> TokenStream {
    emit_type_defs(Scope::of(spec), &spec.types)
}

/// The types of any module. In a shared module (`scope.shared`, ADF) the types keep everything exactly: an
/// optional field refuses `null` (so that the value holding it is kept whole instead of losing the `null`), a union
/// keeps a member that does not fit its type as JSON, and each type tells where it kept something it does not
/// know (`crate::runtime::Fallbacks`).
pub fn emit_type_defs(scope: Scope<'_>, types: &[TypeDef]) -> TokenStream {
    let fields_types = field_access::fields_types(types);
    let items = types.iter().map(|def| emit_type(scope, def, &fields_types));
    let fallbacks = types.iter().filter(|_| scope.shared).map(super::fallbacks::emit_fallbacks);
    quote! { #(#items)* #(#fallbacks)* }
}

fn emit_type(spec: Scope<'_>, def: &TypeDef, fields_types: &BTreeSet<&str>) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let origin = format!(" Schema `{}`.", def.origin);
    let doc = doc_attr(def.doc.as_deref());
    let separator = def.doc.as_ref().map(|_| quote!(#[doc = ""]));
    let body = match &def.kind {
        TypeKind::Struct(s) => emit_struct(spec, &name, s, fields_types),
        TypeKind::Enum(e) => emit_enum(&name, e),
        TypeKind::Untagged(variants) => emit_untagged(spec, &name, variants),
        TypeKind::Tagged(tagged) => emit_tagged(spec, &name, tagged),
        TypeKind::Constant(value) => emit_constant(&name, value),
        TypeKind::Alias(ty) => {
            let ty = scoped_type(spec, ty);
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

fn emit_struct(spec: Scope<'_>, name: &proc_macro2::Ident, s: &Struct, fields_types: &BTreeSet<&str>) -> TokenStream {
    let fields = s.fields.iter().map(|f| emit_field(spec, f));
    let additional_name = additional_field_name(s);
    let additional_doc = match spec.shared {
        true => " Properties the schema does not declare, kept as sent so that they are written back.",
        false => " Properties the schema does not declare (it allows them through `additionalProperties`).",
    };
    let additional_field = s.additional.as_ref().map(|_| format_ident!("{}", additional_name));
    let additional = s.additional.as_ref().map(|value| {
        let value = scoped_type(spec, value);
        quote! {
            #[doc = #additional_doc]
            pub #additional_field: ::std::collections::BTreeMap<::std::string::String, #value>,
        }
    });
    let serde = serde_impls::struct_impls(spec, name, s, additional_field.as_ref());
    // In a shared module (ADF) a required list starts empty: `Document::new()`, then push nodes.
    let starts_empty = |f: &Field| spec.shared && matches!(f.ty, TypeRef::Vec(_));
    let required: Vec<&Field> =
        s.fields.iter().filter(|f| f.presence == Presence::Required && !f.fixed && !starts_empty(f)).collect();
    let derive_default = required.is_empty().then(|| quote!(::std::default::Default,));
    let params = required.iter().map(|f| {
        let field = format_ident!("{}", f.name);
        let ty = scoped_type(spec, &f.ty);
        quote!(#field: #ty)
    });
    let inits = s.fields.iter().map(|f| {
        let field = format_ident!("{}", f.name);
        match f.presence {
            Presence::Required if f.fixed => quote!(#field: ::std::default::Default::default()),
            Presence::Required if starts_empty(f) => quote!(#field: ::std::vec::Vec::new()),
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
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, #derive_default)]
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

        #serde
    }
}

/// The catch-all map's field name: `additional_properties`, unless a property already took it.
pub(crate) fn additional_field_name(s: &Struct) -> String {
    let mut names = crate::names::Namespace::with_reserved(s.fields.iter().map(|f| f.name.as_str()));
    names.claim("additional_properties")
}

fn emit_field(spec: Scope<'_>, field: &Field) -> TokenStream {
    let name = format_ident!("{}", field.name);
    let ty = scoped_type(spec, &field.ty);
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
        Presence::Required => quote! { #doc pub #name: #ty, },
        Presence::Optional => quote! { #doc pub #name: ::std::option::Option<#ty>, },
        Presence::Nullable => quote! { #doc pub #name: ::std::option::Option<crate::runtime::Nullable<#ty>>, },
    }
}

fn emit_enum(name: &proc_macro2::Ident, e: &StringEnum) -> TokenStream {
    let serde = serde_impls::enum_impls(name, e);
    let variants = e.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let doc = format!(" `{}`", v.wire);
        quote! { #[doc = #doc] #variant, }
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
            ::std::cmp::PartialOrd, ::std::cmp::Ord
        )]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know (Atlassian adds values over time), kept as sent.
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

        #serde
    }
}

/// A value with one allowed value: a unit struct, its own default, that writes that value and rejects any other.
fn emit_constant(name: &proc_macro2::Ident, value: &serde_json::Value) -> TokenStream {
    let literal = match value {
        serde_json::Value::String(text) => quote!(#text),
        serde_json::Value::Number(n) if n.is_u64() => {
            let n = n.as_u64().unwrap_or_default();
            quote!(#n)
        }
        serde_json::Value::Number(n) if n.is_i64() => {
            let n = n.as_i64().unwrap_or_default();
            quote!(#n)
        }
        other => {
            let n = other.as_f64().unwrap_or_default();
            quote!(#n)
        }
    };
    let expected = format!("`{value}`");
    quote! {
        #[derive(
            ::std::fmt::Debug, ::std::clone::Clone, ::std::marker::Copy, ::std::cmp::PartialEq, ::std::cmp::Eq,
            ::std::hash::Hash, ::std::default::Default
        )]
        pub struct #name;

        impl #name {
            /// The one value, as JSON.
            pub fn value(&self) -> ::serde_json::Value {
                ::serde_json::Value::from(#literal)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(&#literal, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                if value == #literal {
                    ::std::result::Result::Ok(Self)
                } else {
                    ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom(
                        ::std::format!("expected {}, found {value}", #expected),
                    ))
                }
            }
        }
    }
}

fn emit_untagged(spec: Scope<'_>, name: &proc_macro2::Ident, variants: &[Variant]) -> TokenStream {
    let serde = serde_impls::untagged_impls(spec, name, variants);
    let variants = variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let ty = scoped_type(spec, &v.ty);
        quote! { #variant(#ty), }
    });
    quote! {
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        pub enum #name {
            #(#variants)*
        }

        #serde
    }
}

/// A discriminated union with hand-rolled serde: the tag picks the variant; an unknown tag keeps the JSON.
fn emit_tagged(spec: Scope<'_>, name: &proc_macro2::Ident, tagged: &Tagged) -> TokenStream {
    let other = format_ident!("{}", tagged.other);
    let property = &tagged.property;
    let variants = tagged.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let ty = scoped_type(spec, &v.ty);
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
        match spec.shared {
            // A member that does not fit its type is kept whole, as for an unknown tag.
            true => quote! {
                ::std::option::Option::Some(#tag) => ::std::result::Result::Ok(
                    ::serde::Deserialize::deserialize(&value).map_or_else(|_| Self::#other(value.clone()), Self::#variant),
                ),
            },
            false => quote! { ::std::option::Option::Some(#tag) => ::serde_json::from_value(value).map(Self::#variant), },
        }
    });
    // In a shared module each member type converts into the union (`Node::from(paragraph)`).
    let from_impls = tagged
        .variants
        .iter()
        .filter(|_| spec.shared)
        .filter(|v| tagged.variants.iter().filter(|other| other.ty == v.ty).count() == 1)
        .map(|v| {
            let variant = format_ident!("{}", v.name);
            let ty = scoped_type(spec, &v.ty);
            quote! {
                impl ::std::convert::From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#variant(value)
                    }
                }
            }
        });
    let decoded_error = match spec.shared {
        true => quote!(::std::result::Result::<Self, ::serde_json::Error>::map_err(
            decoded,
            <D::Error as ::serde::de::Error>::custom
        )),
        false => quote!(decoded.map_err(<D::Error as ::serde::de::Error>::custom)),
    };
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
                #decoded_error
            }
        }

        #(#from_impls)*
    }
}
