//! `OffsetPaged`/`CursorPaged` and `into_stream` for the request builders of paginated operations.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust_type;
use crate::ir::{CursorIn, CursorPages, OffsetPages, Operation, Pagination, Spec, TypeRef};

/// The trait implementation and `into_stream` of one paginated operation's builder.
pub(super) fn emit(spec: &Spec, op: &Operation, pagination: &Pagination) -> TokenStream {
    let builder = format_ident!("{}", op.builder);
    let (paged, stream, item) = match pagination {
        Pagination::Offset(pages) => (offset(spec, op, pages), quote!(offset_stream), &pages.item_ty),
        Pagination::Cursor(pages) => (cursor(spec, op, pages), quote!(cursor_stream), &pages.item_ty),
    };
    let item = rust_type(spec, item);
    quote! {
        #paged

        impl #builder {
            /// Every item of every page, fetching pages as the stream is polled.
            pub fn into_stream(
                self,
            ) -> impl ::futures_core::Stream<Item = crate::Result<#item>> + ::std::marker::Send + ::std::marker::Unpin {
                ::std::boxed::Box::pin(crate::runtime::#stream(self))
            }
        }
    }
}

/// `page.field` as an `Option` (`None` without a field; wrapped in `Some` unless the field is `optional`),
/// converted by `convert`.
fn page_value(field: Option<&str>, optional: bool, convert: Option<TokenStream>) -> TokenStream {
    let Some(field) = field else { return quote!(::std::option::Option::None) };
    let field = format_ident!("{}", field);
    match (optional, convert) {
        (true, Some(convert)) => quote!(page.#field.map(#convert)),
        (true, None) => quote!(page.#field),
        (false, Some(convert)) => quote!(::std::option::Option::Some(#convert(page.#field))),
        (false, None) => quote!(::std::option::Option::Some(page.#field)),
    }
}

/// `page.items`, an empty list where the page leaves it out.
fn items_value(items: &str, optional: bool) -> TokenStream {
    let items = format_ident!("{}", items);
    if optional {
        quote!(page.#items.unwrap_or_default())
    } else {
        quote!(page.#items)
    }
}

fn offset(spec: &Spec, op: &Operation, pages: &OffsetPages) -> TokenStream {
    let OffsetPages {
        start_at,
        start_at_is_string,
        items,
        item_ty,
        total,
        total_i32,
        is_last,
        total_optional,
        is_last_optional,
        items_optional,
    } = pages;
    let builder = format_ident!("{}", op.builder);
    let start_at_i32 = op.params.iter().any(|p| &p.name == start_at && p.ty == TypeRef::I32);
    let start_at = format_ident!("{}", start_at);
    let item = rust_type(spec, item_ty);
    let (get, set) = if *start_at_is_string {
        (
            quote!(self.#start_at.as_deref().and_then(|s| s.parse().ok()).unwrap_or(0)),
            quote!(self.#start_at = ::std::option::Option::Some(start_at.to_string())),
        )
    } else if start_at_i32 {
        (quote!(self.#start_at.map(i64::from).unwrap_or(0)), quote!(self.#start_at = i32::try_from(start_at).ok()))
    } else {
        (quote!(self.#start_at.unwrap_or(0)), quote!(self.#start_at = ::std::option::Option::Some(start_at)))
    };
    let items_value = items_value(items, *items_optional);
    let total_value = page_value(total.as_deref(), *total_optional, total_i32.then(|| quote!(i64::from)));
    let is_last_value = page_value(is_last.as_deref(), *is_last_optional, None);
    quote! {
        impl crate::runtime::OffsetPaged for #builder {
            type Item = #item;

            fn start_at(&self) -> i64 {
                #get
            }

            fn set_start_at(&mut self, start_at: i64) {
                #set;
            }

            async fn fetch_page(self) -> crate::Result<crate::runtime::OffsetPage<#item>> {
                let page = self.send().await?;
                ::std::result::Result::Ok(crate::runtime::OffsetPage {
                    items: #items_value,
                    total: #total_value,
                    is_last: #is_last_value,
                })
            }
        }
    }
}

fn cursor(spec: &Spec, op: &Operation, pages: &CursorPages) -> TokenStream {
    let CursorPages { cursor, items, item_ty, items_optional, next, next_optional, is_last } = pages;
    let builder = format_ident!("{}", op.builder);
    let item = rust_type(spec, item_ty);
    let set = match cursor {
        CursorIn::Query(param) => {
            let param = format_ident!("{}", param);
            quote!(self.#param = ::std::option::Option::Some(cursor))
        }
        CursorIn::Body { field, optional: true } => {
            let field = format_ident!("{}", field);
            quote!(self.body.#field = ::std::option::Option::Some(cursor))
        }
        CursorIn::Body { field, optional: false } => {
            let field = format_ident!("{}", field);
            quote!(self.body.#field = cursor)
        }
    };
    let items_value = items_value(items, *items_optional);
    let next_value = page_value(Some(next), *next_optional, None);
    let is_last_value = match is_last {
        Some((field, optional)) => page_value(Some(field), *optional, None),
        None => page_value(None, false, None),
    };
    quote! {
        impl crate::runtime::CursorPaged for #builder {
            type Item = #item;

            fn set_cursor(&mut self, cursor: ::std::string::String) {
                #set;
            }

            async fn fetch_page(self) -> crate::Result<crate::runtime::CursorPage<#item>> {
                let page = self.send().await?;
                ::std::result::Result::Ok(crate::runtime::CursorPage {
                    items: #items_value,
                    next: #next_value,
                    is_last: #is_last_value,
                })
            }
        }
    }
}
