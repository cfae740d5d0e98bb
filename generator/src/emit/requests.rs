//! `requests/`: one file per tag, holding the `Api` methods that start each request and the request builders
//! (owned, `Clone`, optional parameters as setters, `send()` to run).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{doc_attr, rust_type};
use crate::ir::{BodyMedia, Method, Operation, Param, ParamLocation, Spec, StatusVariant, Success, Tag, TypeRef};

/// `requests/mod.rs`: the tag modules and their builders, re-exported flat.
pub fn emit_index(spec: &Spec) -> TokenStream {
    let modules = spec.tags.iter().map(|tag| {
        let module = format_ident!("{}", tag.module);
        let doc = format!("Operations tagged “{}”.", tag.title);
        quote! {
            #[doc = #doc]
            mod #module;
            pub use #module::*;
        }
    });
    quote! { #(#modules)* }
}

/// One tag's file.
pub fn emit_tag(spec: &Spec, tag: &Tag) -> TokenStream {
    let ops: Vec<&Operation> = spec.operations.iter().filter(|op| op.tag == tag.module).collect();
    let module = format_ident!("{}", spec.module);
    let constructors = ops.iter().map(|op| constructor(spec, op));
    let builders = ops.iter().map(|op| builder(spec, op));
    let impl_doc = format!(" Operations tagged “{}”.", tag.title);
    quote! {
        #[doc = #impl_doc]
        impl crate::#module::Api {
            #(#constructors)*
        }
        #(#builders)*
    }
}

/// A parameter's stored type in the builder.
fn param_type(spec: &Spec, param: &Param) -> TokenStream {
    let item = rust_type(spec, &param.ty);
    let ty = if param.list.is_some() { quote!(::std::vec::Vec<#item>) } else { item };
    if param.required {
        ty
    } else {
        quote!(::std::option::Option<#ty>)
    }
}

/// How a value is taken as an argument: strings as `impl Into<String>`, lists as any iterator.
fn argument(spec: &Spec, param: &Param) -> (TokenStream, TokenStream) {
    let name = format_ident!("{}", param.name);
    let item = rust_type(spec, &param.ty);
    match (param.list.is_some(), &param.ty) {
        (true, TypeRef::String) => (
            quote!(#name: impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<::std::string::String>>),
            quote!(#name.into_iter().map(::std::convert::Into::into).collect()),
        ),
        (true, _) => (quote!(#name: impl ::std::iter::IntoIterator<Item = #item>), quote!(#name.into_iter().collect())),
        // Jira's `expand` takes a comma-separated list: accept one string or a list of them.
        (false, TypeRef::String) if param.wire == "expand" => (
            quote!(#name: impl ::std::convert::Into<crate::runtime::CommaList>),
            quote!(::std::string::ToString::to_string(&#name.into())),
        ),
        (false, TypeRef::String) => {
            (quote!(#name: impl ::std::convert::Into<::std::string::String>), quote!(#name.into()))
        }
        (false, _) => (quote!(#name: #item), quote!(#name)),
    }
}

fn body_type(spec: &Spec, op: &Operation) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    Some(match body.media {
        BodyMedia::Json => rust_type(spec, &body.ty),
        BodyMedia::Text => quote!(::std::string::String),
        BodyMedia::Bytes(_) => quote!(::bytes::Bytes),
        BodyMedia::Multipart => quote!(crate::runtime::Multipart),
    })
}

fn constructor(spec: &Spec, op: &Operation) -> TokenStream {
    let fn_name = format_ident!("{}", op.fn_name);
    let builder = format_ident!("{}", op.builder);
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let mut args: Vec<TokenStream> = Vec::new();
    let mut inits: Vec<TokenStream> = Vec::new();
    for param in &op.params {
        let name = format_ident!("{}", param.name);
        if param.required {
            let (arg, value) = argument(spec, param);
            args.push(arg);
            // `id: id` would trip clippy's `redundant_field_names`.
            if value.to_string() == param.name {
                inits.push(quote!(#name));
            } else {
                inits.push(quote!(#name: #value));
            }
        } else {
            inits.push(quote!(#name: ::std::option::Option::None));
        }
    }
    if let (Some(body), Some(ty)) = (&op.body, body_type(spec, op)) {
        if body.required {
            args.push(quote!(body: #ty));
            inits.push(quote!(body));
        } else {
            inits.push(quote!(body: ::std::option::Option::None));
        }
    }
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        doc.push_str(summary);
        doc.push_str("\n\n");
    }
    if let Some(text) = &op.doc {
        doc.push_str(text);
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("`{} {}` (operationId `{}`).", method_name(op.method), op.path, op.id));
    if !required.is_empty() || op.body.as_ref().is_some_and(|b| b.required) {
        doc.push_str(" The required parameters are arguments; set optional ones on the returned builder.");
    }
    let doc = doc_attr(Some(&doc));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated = "deprecated in the spec"]));
    let many = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #deprecated
        #many
        pub fn #fn_name(&self, #(#args),*) -> #builder {
            #builder { client: self.client.clone(), #(#inits,)* timeout: ::std::option::Option::None }
        }
    }
}

fn builder(spec: &Spec, op: &Operation) -> TokenStream {
    let builder = format_ident!("{}", op.builder);
    let fields = op.params.iter().map(|p| {
        let name = format_ident!("{}", p.name);
        let ty = param_type(spec, p);
        quote!(#name: #ty,)
    });
    let body_field = body_type(spec, op).map(|ty| match op.body.as_ref().is_some_and(|b| b.required) {
        true => quote!(body: #ty,),
        false => quote!(body: ::std::option::Option<#ty>,),
    });
    let setters = op.params.iter().filter(|p| !p.required).map(|p| setter(spec, p));
    let body_setter = op.body.as_ref().filter(|b| !b.required).and_then(|b| {
        let ty = body_type(spec, op)?;
        let doc = doc_attr(Some(b.doc.as_deref().unwrap_or("The request body.")));
        Some(quote! {
            #doc
            pub fn body(mut self, body: #ty) -> Self {
                self.body = ::std::option::Option::Some(body);
                self
            }
        })
    });
    let (output, decode, extra) = success(spec, op);
    // The common shapes decode with the runtime's functions; the others with a function of their own.
    let (decoder, decode_fn) = match &op.success {
        Success::Empty => (quote!(crate::runtime::Response::decode_empty), quote!()),
        Success::Json(TypeRef::Any) => (quote!(crate::runtime::Response::decode_json_or_null), quote!()),
        Success::Json(_) => (quote!(crate::runtime::Response::decode_json), quote!()),
        _ => (
            quote!(Self::decode),
            quote! {
                fn decode(response: crate::runtime::Response) -> crate::Result<#output> {
                    #decode
                }
            },
        ),
    };
    let send = send_body(spec, op);
    let doc = format!(
        " A request to `{} {}`: start it with [`Api::{}`](crate::{}::Api::{}), set what you need, then `.send()`.",
        method_name(op.method),
        op.path,
        op.fn_name,
        spec.module,
        op.fn_name
    );
    let pagination = op.pagination.as_ref().map(|p| super::pagination::emit(spec, op, p));
    let send_doc = doc_attr(Some(&send_doc(op)));
    quote! {
        #[doc = #doc]
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        #[must_use = "a request does nothing until it is sent with `.send()`"]
        pub struct #builder {
            client: crate::Client,
            #(#fields)*
            #body_field
            timeout: ::std::option::Option<::std::time::Duration>,
        }

        impl #builder {
            #(#setters)*
            #body_setter

            /// Overrides the client's request timeout for this call.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.timeout = ::std::option::Option::Some(timeout);
                self
            }

            #send_doc
            pub fn send(self) -> crate::runtime::Call<#output> {
                self.send_raw().decode_with(#decoder)
            }

            /// Sends the request and returns the response undecoded, whatever its status: its headers, and its
            /// body as text, bytes or any type (for when Jira and its spec disagree).
            pub fn send_raw(self) -> crate::runtime::Call<crate::runtime::Response> {
                crate::runtime::Call::start(self.into_request())
            }

            fn into_request(self) -> crate::Result<(crate::Client, crate::runtime::Request)> {
                #send
            }

            #decode_fn
        }

        #extra
        #pagination
    }
}

/// The documentation of `send`: what it returns on failure, with the error responses the spec documents.
fn send_doc(op: &Operation) -> String {
    let mut doc = String::from(
        "Sends the request and decodes the response.\n\n# Errors\n\nAn [`Error`](crate::Error) when the request \
         cannot be sent, when the response status is not a success (see [`Error::status`](crate::Error::status) and \
         [`Error::error_collection`](crate::Error::error_collection)), or when the body does not decode.",
    );
    if !op.errors.is_empty() {
        doc.push_str(" The spec documents these error responses:\n");
        for error in &op.errors {
            let status = match error.status.as_str() {
                "default" => "any other status (`default`)".to_owned(),
                status => format!("`{status}`"),
            };
            match error.description.as_str() {
                "" => doc.push_str(&format!("\n- {status}")),
                description => doc.push_str(&format!("\n- {status}: {description}")),
            }
        }
    }
    doc
}

fn setter(spec: &Spec, param: &Param) -> TokenStream {
    let name = format_ident!("{}", param.name);
    let (arg, value) = argument(spec, param);
    let doc = doc_attr(param.doc.as_deref());
    let deprecated = param.deprecated.then(|| quote!(#[doc = ""] #[doc = " Deprecated in the spec."]));
    quote! {
        #doc
        #deprecated
        pub fn #name(mut self, #arg) -> Self {
            self.#name = ::std::option::Option::Some(#value);
            self
        }
    }
}

/// The body of `send`: build the request, execute it, decode by status.
fn send_body(spec: &Spec, op: &Operation) -> TokenStream {
    let id = &op.id;
    let path_template = &op.path;
    let server_prefix = &spec.server_prefix;
    let method = format_ident!("{}", method_name_camel(op.method));
    let see_other = op.see_other;

    let mut names: Vec<proc_macro2::Ident> = op.params.iter().map(|p| format_ident!("{}", p.name)).collect();
    if op.body.is_some() {
        names.push(format_ident!("body"));
    }

    // `/rest/api/2/issue/{issueIdOrKey}` -> format!("/rest/api/2/issue/{}", encode(issue_id_or_key)).
    let mut format = String::new();
    let mut args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        format.push_str(&rest[..open]);
        let wire = &rest[open + 1..close];
        match op.params.iter().find(|p| p.location == ParamLocation::Path && p.wire == wire) {
            Some(param) => {
                let name = format_ident!("{}", param.name);
                format.push_str("{}");
                args.push(match param.ty {
                    TypeRef::String => quote!(crate::runtime::encode_path_segment(&#name)),
                    _ => quote!(crate::runtime::encode_path_segment(&#name.to_string())),
                });
            }
            // A template variable with no parameter: sent literally, as the spec wrote it.
            None => format.push_str(&rest[open..=close].replace('{', "{{").replace('}', "}}")),
        }
        rest = &rest[close + 1..];
    }
    format.push_str(rest);
    let format = Literal::string(&format);
    // Every variable a parameter: the runtime fills the template in; otherwise the path is spelled out here.
    let path_params = args.len() == op.path.matches('{').count();
    let new_request = if path_params {
        let values = op.params.iter().filter(|p| p.location == ParamLocation::Path).filter_map(|p| {
            let name = format_ident!("{}", p.name);
            let at = op.path.find(&format!("{{{}}}", p.wire))?;
            Some((at, quote!(&#name)))
        });
        let mut values: Vec<(usize, TokenStream)> = values.collect();
        values.sort_by_key(|(at, _)| *at);
        let values = values.into_iter().map(|(_, value)| value);
        quote!(crate::runtime::Request::with_path_params(&OPERATION, &[#(#values),*]))
    } else {
        quote!(crate::runtime::Request::new(&OPERATION, ::std::format!(#format, #(#args),*)))
    };

    let params = op.params.iter().filter(|p| p.location != ParamLocation::Path).map(|p| {
        let name = format_ident!("{}", p.name);
        let wire = &p.wire;
        let add = match (p.location, p.list) {
            (ParamLocation::Header, _) => quote!(request.header(#wire, value)),
            (_, Some(explode)) => quote!(request.query_list(#wire, value, #explode)),
            (_, None) => quote!(request.query(#wire, value)),
        };
        if p.required {
            quote! { let value = #name; #add; }
        } else {
            quote! { if let ::std::option::Option::Some(value) = #name { #add; } }
        }
    });
    let body = op.body.as_ref().map(|b| {
        let media_type = &b.media_type;
        let add = match &b.media {
            BodyMedia::Json if media_type == "application/json" => quote!(request.json(&body)?),
            BodyMedia::Json => quote!(request.json_as(#media_type, &body)?),
            BodyMedia::Text => quote!(request.text(body)),
            BodyMedia::Bytes(content_type) => quote!(request.bytes(#content_type, body)),
            // Jira refuses uploads without this header (XSRF protection).
            BodyMedia::Multipart => {
                quote! { request.header("X-Atlassian-Token", "no-check"); request.multipart(&body) }
            }
        };
        if b.required {
            quote! { #add; }
        } else {
            quote! { if let ::std::option::Option::Some(body) = body { #add; } }
        }
    });
    let accept = op.accept.as_deref().map(|accept| quote!(request.header("Accept", #accept);));
    let used_path_params = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path && !op.path.contains(&format!("{{{}}}", p.wire)))
        .map(|p| {
            let name = format_ident!("{}", p.name);
            quote! { let _ = #name; }
        });
    quote! {
        static OPERATION: crate::runtime::OperationMeta = crate::runtime::OperationMeta {
            id: #id,
            method: crate::runtime::HttpMethod::#method,
            path: #path_template,
            server_prefix: #server_prefix,
            see_other_documented: #see_other,
        };
        let Self { client, #(#names,)* timeout } = self;
        #(#used_path_params)*
        let mut request = #new_request;
        #(#params)*
        #accept
        #body
        if let ::std::option::Option::Some(timeout) = timeout {
            request.timeout(timeout);
        }
        ::std::result::Result::Ok((client, request))
    }
}

/// The return type of `send`, the `match` that decodes a response, and any response enum it needs.
fn success(spec: &Spec, op: &Operation) -> (TokenStream, TokenStream, TokenStream) {
    let error = quote!(_ => ::std::result::Result::Err(response.into_error()),);
    let json = |ty: &TypeRef| match ty {
        TypeRef::Any => quote!(response.json_or_null()),
        _ => quote!(response.json()),
    };
    match &op.success {
        Success::Empty => {
            (quote!(()), quote! { match response.status() { 200..=299 => response.empty(), #error } }, quote!())
        }
        Success::Json(ty) => {
            let decode = json(ty);
            (rust_type(spec, ty), quote! { match response.status() { 200..=299 => #decode, #error } }, quote!())
        }
        Success::MaybeJson { ty, empty_statuses } => {
            let decode = json(ty);
            let statuses = empty_statuses.iter().map(|s| Literal::u16_unsuffixed(*s));
            let ty = rust_type(spec, ty);
            (
                quote!(::std::option::Option<#ty>),
                quote! {
                    match response.status() {
                        #(#statuses)|* => response.empty().map(|()| ::std::option::Option::None),
                        200..=299 => #decode.map(::std::option::Option::Some),
                        #error
                    }
                },
                quote!(),
            )
        }
        Success::Bytes => (
            quote!(crate::runtime::Binary),
            quote! { match response.status() { 200..=299 => ::std::result::Result::Ok(response.binary()), #error } },
            quote!(),
        ),
        Success::SeeOther(body) => {
            let (output, decode) = see_other(spec, body.as_ref(), &json, None);
            (output, quote! { match response.status() { 303 => #decode, #error } }, quote!())
        }
        Success::Several { name, variants } => {
            let ident = format_ident!("{}", name);
            let arms = variants.iter().map(|v| several_arm(spec, &ident, v, &json));
            let defs = variants.iter().map(|v| {
                let variant = format_ident!("{}", v.name);
                let doc = format!(" HTTP {}.", v.status);
                if v.is_see_other() {
                    let (ty, _) = see_other(spec, v.ty.as_ref(), &json, None);
                    let doc = " HTTP 303 (See Other): where to look next, and the body if the API sends one.";
                    return quote!(#[doc = #doc] #variant(#ty),);
                }
                match &v.ty {
                    Some(ty) => {
                        let ty = rust_type(spec, ty);
                        quote!(#[doc = #doc] #variant(#ty),)
                    }
                    None => quote!(#[doc = #doc] #variant,),
                }
            });
            let doc = if variants.iter().any(|v| v.is_see_other()) {
                format!(" What [`{}`] returns: a 2xx response, or a 303 pointing elsewhere.", op.builder)
            } else {
                format!(" What [`{}`] returns: its 2xx responses carry different bodies.", op.builder)
            };
            (
                quote!(#ident),
                quote! { match response.status() { #(#arms)* #error } },
                quote! {
                    #[doc = #doc]
                    #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
                    #[non_exhaustive]
                    // Returned by one call and matched once: boxing a large variant would only cost an allocation.
                    #[allow(clippy::large_enum_variant)]
                    pub enum #ident { #(#defs)* }
                },
            )
        }
    }
}

/// The output type and decoding expression of a 303 answer: `SeeOther<T>` with the `Location` and the body, which
/// decodes as a 2xx one would. The value is passed to `variant` when there is one (a variant of a response enum).
fn see_other(
    spec: &Spec,
    body: Option<&TypeRef>,
    json: &dyn Fn(&TypeRef) -> TokenStream,
    variant: Option<TokenStream>,
) -> (TokenStream, TokenStream) {
    let wrap = |value: TokenStream| match &variant {
        Some(variant) => quote!(#variant(#value)),
        None => value,
    };
    match body {
        Some(ty) => {
            let (rust, decode) = (rust_type(spec, ty), json(ty));
            let value = wrap(quote!(crate::runtime::SeeOther { location, body }));
            let decode = quote! {{
                let location = response.location();
                #decode.map(|body| #value)
            }};
            (quote!(crate::runtime::SeeOther<#rust>), decode)
        }
        None => {
            let value = wrap(quote!(crate::runtime::SeeOther { location: response.location(), body: () }));
            (quote!(crate::runtime::SeeOther), quote!(::std::result::Result::Ok(#value)))
        }
    }
}

fn several_arm(
    spec: &Spec,
    ident: &proc_macro2::Ident,
    v: &StatusVariant,
    json: &dyn Fn(&TypeRef) -> TokenStream,
) -> TokenStream {
    let status = Literal::u16_unsuffixed(v.status);
    let variant = format_ident!("{}", v.name);
    if v.is_see_other() {
        let (_, decode) = see_other(spec, v.ty.as_ref(), json, Some(quote!(#ident::#variant)));
        return quote!(#status => #decode,);
    }
    match &v.ty {
        Some(ty) => {
            let decode = json(ty);
            quote!(#status => #decode.map(#ident::#variant),)
        }
        None => quote!(#status => response.empty().map(|()| #ident::#variant),),
    }
}

pub(crate) fn method_name(method: Method) -> &'static str {
    match method {
        Method::Get => "GET",
        Method::Put => "PUT",
        Method::Post => "POST",
        Method::Delete => "DELETE",
        Method::Patch => "PATCH",
        Method::Head => "HEAD",
        Method::Options => "OPTIONS",
    }
}

fn method_name_camel(method: Method) -> &'static str {
    match method {
        Method::Get => "Get",
        Method::Put => "Put",
        Method::Post => "Post",
        Method::Delete => "Delete",
        Method::Patch => "Patch",
        Method::Head => "Head",
        Method::Options => "Options",
    }
}
