//! `field::<T>(id)` accessors for Jira's issue fields: on the type a `fields` property holds (`IssueFields`: its
//! typed fields by wire name, any other field from its map of undeclared members) and on the type holding it
//! (`IssueBean::field`, through its `fields`). A `fields` property that is still an open map gets the accessor too.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Field, Presence, Struct, TypeDef, TypeKind, TypeRef};

/// The structs that a `fields` property holds and that keep undeclared members as JSON: the ones that get a
/// `field` accessor of their own.
pub(super) fn fields_types(types: &[TypeDef]) -> BTreeSet<&str> {
    let structs = |name: &str| {
        types.iter().find(|def| def.name == name).and_then(|def| match &def.kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        })
    };
    types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        })
        .flat_map(|s| s.fields.iter())
        .filter(|f| f.wire == "fields")
        .filter_map(|f| f.ty.direct_name())
        .filter(|name| structs(name).is_some_and(|s| s.additional == Some(TypeRef::Any)))
        .collect()
}

/// `field` on a struct with a `fields` property that is an open map or one of `fields_types`.
pub(super) fn holder_accessor(s: &Struct, fields_types: &BTreeSet<&str>) -> Option<TokenStream> {
    let f = s.fields.iter().find(|f| f.wire == "fields")?;
    let holder = value_ref(f);
    let body = if f.ty == TypeRef::Map(Box::new(TypeRef::Any)) {
        quote!(crate::runtime::fields::field(#holder, name))
    } else if f.ty.direct_name().is_some_and(|name| fields_types.contains(name)) {
        quote! {
            match #holder {
                ::std::option::Option::Some(fields) => fields.field(name),
                ::std::option::Option::None => ::std::result::Result::Ok(::std::option::Option::None),
            }
        }
    } else {
        return None;
    };
    Some(quote! {
        /// One of the issue's `fields` by id (a system field such as `summary`, or a custom field such as
        /// `customfield_10010`) decoded as `T`: `Ok(None)` when it is absent or `null`, an error naming the field
        /// when it has another shape.
        pub fn field<T: ::serde::de::DeserializeOwned>(&self, name: &str) -> crate::Result<::std::option::Option<T>> {
            #body
        }
    })
}

/// `field` on one of `fields_types`: a declared field by its wire name, any other from the map `additional`.
pub(super) fn fields_accessor(s: &Struct, additional: &str) -> TokenStream {
    let arms = s.fields.iter().map(declared_arm);
    let additional = format_ident!("{}", additional);
    quote! {
        /// A field by id decoded as `T`: a typed field by its JSON name (`summary`, `fixVersions`), any other
        /// (a custom field such as `customfield_10010`, a field an app adds) from the map of the others.
        /// `Ok(None)` when it is absent or `null`, an error naming the field when it has another shape.
        pub fn field<T: ::serde::de::DeserializeOwned>(&self, name: &str) -> crate::Result<::std::option::Option<T>> {
            match name {
                #(#arms)*
                _ => crate::runtime::fields::field(::std::option::Option::Some(&self.#additional), name),
            }
        }
    }
}

fn declared_arm(f: &Field) -> TokenStream {
    let wire = &f.wire;
    let value = value_ref(f);
    quote! { #wire => crate::runtime::fields::declared(#value, name), }
}

/// The field's value as an `Option<&T>` (`None` when absent, or sent as `null` for a nullable one).
fn value_ref(f: &Field) -> TokenStream {
    let field = format_ident!("{}", f.name);
    match f.presence {
        Presence::Required => quote!(::std::option::Option::Some(&self.#field)),
        Presence::Optional => quote!(self.#field.as_ref()),
        Presence::Nullable => quote!(self.#field.as_ref().and_then(crate::runtime::Nullable::as_option)),
    }
}
