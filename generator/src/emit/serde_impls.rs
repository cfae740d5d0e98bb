//! The `Serialize` and `Deserialize` impls of the generated types, written out instead of derived.
//!
//! `#[derive(Deserialize)]` expands a struct of n fields into a field enum, two visitors (map and sequence) and
//! about forty lines per field; with `#[serde(flatten)]` or an `untagged` variant it also buffers the whole input
//! first. Type-checking that expansion was most of what a generated crate cost to compile. The impls here decode
//! the same inputs into the same values (one `match` on the keys of an object, one on the value of an enum) and
//! write the same JSON, with the shared pieces in the runtime (`crate::runtime::de`).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{scoped_type, Scope};
use crate::ir::{Field, Presence, StringEnum, Struct, Variant};

/// A struct's impls: its fields by their wire names, what the schema does not declare skipped or, with
/// `additional` (the catch-all map's field), kept.
pub fn struct_impls(scope: Scope<'_>, name: &Ident, s: &Struct, additional: Option<&Ident>) -> TokenStream {
    let serialize = serialize_struct(s, additional);
    let from_object = deserialize_struct(scope, name, s, additional);
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::de::object(deserializer)
            }
        }

        #from_object
    }
}

fn serialize_struct(s: &Struct, additional: Option<&Ident>) -> TokenStream {
    let entries = s.fields.iter().map(|f| {
        let field = format_ident!("{}", f.name);
        let wire = &f.wire;
        match f.presence {
            Presence::Required => quote! { map.serialize_entry(#wire, &self.#field)?; },
            Presence::Optional | Presence::Nullable => {
                quote! { crate::runtime::ser::optional(&mut map, #wire, &self.#field)?; }
            }
        }
    });
    let additional = additional.map(|field| {
        quote! {
            for (key, value) in &self.#field {
                map.serialize_entry(key, value)?;
            }
        }
    });
    quote! {
        use ::serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(::std::option::Option::None)?;
        #(#entries)*
        #additional
        map.end()
    }
}

fn deserialize_struct(scope: Scope<'_>, name: &Ident, s: &Struct, additional: Option<&Ident>) -> TokenStream {
    // Typed locals: each value's type is known where it is read, not only at the struct literal at the end.
    let locals = s.fields.iter().map(|f| {
        let local = format_ident!("{}", f.name);
        let ty = scoped_type(scope, &f.ty);
        let ty = match f.presence {
            Presence::Nullable => quote!(crate::runtime::Nullable<#ty>),
            Presence::Required | Presence::Optional => ty,
        };
        quote!(#local: ::std::option::Option<#ty>)
    });
    let arms = s.fields.iter().map(|f| {
        let local = format_ident!("{}", f.name);
        let wire = &f.wire;
        let read = reader(scope, f);
        quote! { #wire => crate::runtime::de::#read(&mut __map, &mut #local), }
    });
    let inits = s.fields.iter().map(|f| {
        let field = format_ident!("{}", f.name);
        let wire = &f.wire;
        match f.presence {
            Presence::Required => quote! { #field: crate::runtime::de::required(#field, #wire)? },
            Presence::Optional | Presence::Nullable => quote! { #field },
        }
    });
    let (additional_local, unknown, additional_init) = match additional {
        Some(field) => (
            quote! { let mut #field = ::std::collections::BTreeMap::new(); },
            quote! { crate::runtime::de::keep(&mut __map, &mut #field, __key) },
            quote! { #field, },
        ),
        None => (quote!(), quote! { crate::runtime::de::skip(&mut __map) }, quote!()),
    };
    let expecting = format!("struct {name}");
    quote! {
        impl crate::runtime::de::FromObject for #name {
            const EXPECTING: &'static str = #expecting;

            fn from_object<'de, A: ::serde::de::MapAccess<'de>>(mut __map: A) -> ::std::result::Result<Self, A::Error> {
                #(let mut #locals = ::std::option::Option::None;)*
                #additional_local
                // Errors leave through the two `return`s only: one per arm would drop every field read so far.
                loop {
                    let __key = match __map.next_key::<crate::runtime::de::Key<'de>>() {
                        ::std::result::Result::Ok(::std::option::Option::Some(key)) => key,
                        ::std::result::Result::Ok(::std::option::Option::None) => break,
                        ::std::result::Result::Err(error) => return ::std::result::Result::Err(error),
                    };
                    let __read = match __key.as_str() {
                        #(#arms)*
                        _ => #unknown,
                    };
                    if let ::std::result::Result::Err(error) = __read {
                        return ::std::result::Result::Err(error);
                    }
                }
                ::std::result::Result::Ok(#name { #(#inits,)* #additional_init })
            }
        }
    }
}

/// The runtime function (`crate::runtime::de::...`) that reads one field's value into its local: `Some(value)`
/// for a required field (checked at the end), the decoded `Option` for an optional one.
fn reader(scope: Scope<'_>, f: &Field) -> Ident {
    let name = match f.presence {
        Presence::Required if f.skip_null_items => "read_list_some",
        Presence::Required => "read_some",
        Presence::Optional if f.skip_null_items => "read_list",
        // In a shared module (ADF) an optional field refuses `null`, so that the value holding it is kept whole.
        Presence::Optional if scope.shared => "read_some",
        Presence::Optional => "read",
        Presence::Nullable => "read_nullable",
    };
    format_ident!("{}", name)
}

/// A string enum's impls: the known values by name, any other kept in the catch-all variant.
pub fn enum_impls(name: &Ident, e: &StringEnum) -> TokenStream {
    let other = format_ident!("{}", e.other);
    let arms = e.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let wire = &v.wire;
        quote! { #wire => Self::#variant, }
    });
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <crate::runtime::de::Key<'de> as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(match value.as_str() {
                    #(#arms)*
                    _ => Self::#other(value.into_string()),
                })
            }
        }
    }
}

/// An untagged union's impls: written as its member; read as the first member that the JSON decodes into.
pub fn untagged_impls(scope: Scope<'_>, name: &Ident, variants: &[Variant]) -> TokenStream {
    let serialize_arms = variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        quote! { Self::#variant(value) => ::serde::Serialize::serialize(value, serializer), }
    });
    let attempts = variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let ty = scoped_type(scope, &v.ty);
        quote! {
            if let ::std::result::Result::Ok(member) = <#ty as ::serde::Deserialize>::deserialize(&value) {
                return ::std::result::Result::Ok(Self::#variant(member));
            }
        }
    });
    let message = format!("data did not match any variant of untagged enum {name}");
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #(#attempts)*
                ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom(#message))
            }
        }
    }
}
