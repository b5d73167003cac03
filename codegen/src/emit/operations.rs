//! The `operations` module: one method of `Client` per operation, request builders for
//! operations with optional inputs, and outcome types for operations with several results.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::calls::{as_bytes, body_converts, body_input, returns_pending, send_body};
use super::docs::{code_span, doc_lines, markdown};
use super::types::qualified_type_tokens;
use super::{cfg_groups, doc_attrs, ident};
use crate::model::{
    Model, Operation, Outcome, ParamLocation, ParamRole, ParamShape, Parameter, ResponseBody,
    Returns, SegmentPart, TypeExpr, TypeKind,
};

/// What the `operations` module says first.
const ABOUT: &str = "\
One method of [`Client`] per operation of the API document.

Methods whose operation has optional parameters return a request builder: set the
parameters you need, then `.await` it. Lists read page by page also have a `_stream`
method that yields every item, fetching pages as they are needed.";

pub fn operations_module(model: &Model) -> TokenStream {
    let about = inner_docs(ABOUT);
    let oauth = oauth_endpoints(model);
    if !model.has_features() {
        let operations: Vec<&Operation> = model.operations.iter().collect();
        let items = operation_items(model, &operations, None);
        return quote! {
            #about
            #items
            #oauth
        };
    }
    let modules = model.groups.iter().enumerate().map(|(index, group)| {
        let module = ident(&group.module);
        let cfg = cfg_groups(model, &[index]);
        quote! {
            #cfg
            mod #module;
            #cfg
            pub use #module::*;
        }
    });
    // The OAuth endpoints name their operations' infos.
    let info = model.oauth.is_some().then(|| {
        quote!(
            use crate::operation_info as info;
        )
    });
    quote! {
        #about
        //!
        //! The methods come in groups by topic, one `impl Client` block each (see [`Client`]),
        //! and each group is a Cargo feature of this crate, on by default.

        use crate::Client;
        #info

        #(#modules)*

        #oauth
    }
}

/// `operations/<group>.rs`: the group's methods in one documented `impl Client` block, with
/// their request builders and outcomes.
pub fn group_operations_module(model: &Model, group: usize) -> TokenStream {
    let operations: Vec<&Operation> = model
        .operations
        .iter()
        .filter(|op| op.group == group)
        .collect();
    let Some(group) = model.groups.get(group) else {
        return TokenStream::new();
    };
    let about = format!(" The operations of the {} group.", group.name);
    let tags: Vec<String> = group.tags.iter().map(|t| code_span(t)).collect();
    let impl_docs = doc_attrs(&[
        format!("# {}", group.name),
        String::new(),
        format!(
            "The operations the document tags {} (Cargo feature `{}`).",
            tags.join(", "),
            group.feature
        ),
    ]);
    let items = operation_items(model, &operations, Some(impl_docs));
    quote! {
        #![doc = #about]

        #items
    }
}

/// `//!` lines.
fn inner_docs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}

/// The methods of `operations` in one `impl Client` block, their request builders and
/// outcome types, with the imports they need.
fn operation_items(
    model: &Model,
    operations: &[&Operation],
    impl_docs: Option<TokenStream>,
) -> TokenStream {
    let methods = operations.iter().map(|op| method(model, op));
    let builders = operations
        .iter()
        .filter(|op| op.has_builder())
        .map(|op| builder(model, op));
    let outcomes = operations.iter().filter_map(|op| match &op.returns {
        Returns::Outcome(outcome) => Some(outcome_type(model, op, outcome)),
        _ => None,
    });
    // Path parameters are the only values written with `to_param` in this module.
    let to_param = operations
        .iter()
        .flat_map(|op| op.segments.iter().flatten())
        .any(|part| matches!(part, SegmentPart::Parameter(_)))
        .then(|| {
            quote!(
                use crate::runtime::call::ToParam as _;
            )
        });
    let query_style = operations
        .iter()
        .flat_map(|op| &op.parameters)
        .any(|p| p.location == ParamLocation::Query && p.shape != ParamShape::Single)
        .then(|| {
            quote!(
                use crate::runtime::call::QueryStyle;
            )
        });
    let into_future = operations.iter().any(|op| op.has_builder()).then(|| {
        quote! {
            use std::future::IntoFuture;
        }
    });
    let pending = operations.iter().any(|op| returns_pending(op)).then(|| {
        quote!(
            use crate::Pending;
        )
    });
    let async_fns = operations.iter().any(|op| !returns_pending(op));
    let response = async_fns.then(|| {
        quote!(
            use crate::runtime::response;
        )
    });
    // `Error` is named by `async fn`s, builders' `IntoFuture` and streams.
    let error = (async_fns
        || operations
            .iter()
            .any(|op| op.has_builder() || op.pagination.is_some()))
    .then(|| quote!(Error,));
    let uses_types = operations.iter().any(|op| {
        op.request_types()
            .chain(op.response_types())
            .any(mentions_named)
    });
    let types = uses_types.then(|| quote!(types,));
    quote! {
        #into_future
        #pending
        #to_param
        #query_style
        use crate::operation_info as info;
        #response
        use crate::{Client, #error #types};

        #impl_docs
        impl Client {
            #(#methods)*
        }

        #(#builders)*

        #(#outcomes)*
    }
}

/// Whether a type expression names a generated type.
fn mentions_named(ty: &TypeExpr) -> bool {
    let mut named = false;
    ty.visit_named(&mut |_| named = true);
    named
}

/// The `operation_info` module: what errors say about each operation. Apart from the
/// operations module, which is big enough as it is (and formatted on another thread).
pub fn operation_info_module(model: &Model) -> TokenStream {
    // The session's OAuth endpoints are there whatever the features.
    let oauth: Vec<usize> = model
        .oauth
        .iter()
        .flat_map(|o| std::iter::once(o.token_operation).chain(o.client_operation))
        .collect();
    let infos = model.operations.iter().enumerate().map(|(index, op)| {
        let cfg = match oauth.contains(&index) {
            true => None,
            false => cfg_groups(model, &[op.group]),
        };
        let info = operation_info(op);
        quote!(#cfg #info)
    });
    quote! {
        //! What errors say about each operation: its name, method, path and documented
        //! statuses.

        use crate::runtime::error::OperationInfo;

        #(#infos)*
    }
}

/// `OAUTH`: where the session logs in and refreshes its tokens.
fn oauth_endpoints(model: &Model) -> TokenStream {
    let literal_path = |op: &Operation| -> Option<Vec<String>> {
        op.segments
            .iter()
            .map(|segment| match segment.as_slice() {
                [SegmentPart::Literal(text)] => Some(text.clone()),
                _ => None,
            })
            .collect()
    };
    let endpoints = model.oauth.as_ref().and_then(|oauth| {
        let token = model.operations.get(oauth.token_operation)?;
        let token_path = literal_path(token)?;
        let token_info = info_path(token);
        let local_client = match oauth.client_operation.and_then(|i| model.operations.get(i)) {
            Some(op) => match literal_path(op) {
                Some(path) => {
                    let info = info_path(op);
                    quote!(Some((&#info, &[#(#path),*])))
                }
                None => quote!(None),
            },
            None => quote!(None),
        };
        let otp = match &oauth.otp_header {
            Some(header) => {
                let header = header.to_ascii_lowercase();
                quote!(Some(#header))
            }
            None => quote!(None),
        };
        Some(quote! {
            Some(crate::runtime::session::OAuthEndpoints {
                token: (&#token_info, &[#(#token_path),*]),
                local_client: #local_client,
                otp_header: #otp,
            })
        })
    });
    let endpoints = endpoints.unwrap_or_else(|| quote!(None));
    let secret_fields = secret_fields(model);
    quote! {
        /// The document's OAuth 2.0 password flow, for [`Client::login`].
        static OAUTH: Option<crate::runtime::session::OAuthEndpoints> = #endpoints;

        impl crate::runtime::client::ApiDocument for Client {
            fn oauth_endpoints() -> Option<&'static crate::runtime::session::OAuthEndpoints> {
                OAUTH.as_ref()
            }

            fn secret_fields() -> &'static [&'static str] {
                &[#(#secret_fields),*]
            }
        }
    }
}

/// The JSON names of the fields that hold `Secret`s: error messages mask their values in the
/// bodies they quote.
fn secret_fields(model: &Model) -> Vec<String> {
    fn holds_secret(model: &Model, ty: &TypeExpr, depth: usize) -> bool {
        match ty {
            TypeExpr::Secret => true,
            TypeExpr::List(inner) | TypeExpr::Map(inner) | TypeExpr::Option(inner) => {
                holds_secret(model, inner, depth)
            }
            TypeExpr::Named(id) => {
                depth < 8
                    && matches!(model.ty(*id).map(|t| &t.kind), Some(TypeKind::Alias(inner)) if holds_secret(model, inner, depth + 1))
            }
            _ => false,
        }
    }
    let mut names: Vec<String> = model
        .types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Struct(s) => Some(&s.fields),
            _ => None,
        })
        .flatten()
        .filter(|f| !f.wire_name.is_empty() && holds_secret(model, &f.ty, 0))
        .map(|f| f.wire_name.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

pub(super) fn info_ident(op: &Operation) -> Ident {
    format_ident!("{}", op.name.as_str().to_ascii_uppercase())
}

/// `info::GET_VIDEO`, from the operations module.
pub(super) fn info_path(op: &Operation) -> TokenStream {
    let name = info_ident(op);
    quote!(info::#name)
}

/// `static GET_VIDEO: OperationInfo`: what errors say about the operation.
fn operation_info(op: &Operation) -> TokenStream {
    let name = info_ident(op);
    let method_name = op.name.as_str();
    let method = op.method.to_ascii_uppercase();
    let path = &op.path;
    let responses = op.responses.iter().filter_map(|r| {
        let status = proc_macro2::Literal::u16_unsuffixed(r.code()?);
        let meaning = r.meaning.trim();
        Some(quote!((#status, #meaning),))
    });
    quote! {
        pub(crate) static #name: OperationInfo = OperationInfo {
            name: #method_name,
            method: #method,
            path: #path,
            responses: &[#(#responses)*],
        };
    }
}

fn method_docs(op: &Operation) -> TokenStream {
    let mut lines = Vec::new();
    if let Some(summary) = op.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        lines.extend(markdown(summary));
        lines.push(String::new());
    }
    lines.push(format!("`{} {}`", op.method.to_ascii_uppercase(), op.path));
    if let Some(description) = op.description.as_deref().filter(|d| !d.trim().is_empty()) {
        lines.push(String::new());
        lines.extend(markdown(description));
    }
    if let Some(scopes) = &op.security {
        lines.push(String::new());
        if scopes.is_empty() {
            lines.push("Requires authentication.".to_owned());
        } else {
            let roles: Vec<String> = scopes.iter().map(|s| format!("`{s}`")).collect();
            lines.push(format!(
                "Requires authentication, with the role {}.",
                roles.join(" or ")
            ));
        }
    }
    let arguments: Vec<&Parameter> = op
        .parameters
        .iter()
        .filter(|p| p.role == ParamRole::Argument)
        .collect();
    if !arguments.is_empty() {
        lines.push(String::new());
        lines.push("Arguments:".to_owned());
        for parameter in arguments {
            let mut text = format!("- `{}`", parameter.name.as_str());
            // The first paragraph of its description, on one line.
            let described = doc_lines(&parameter.docs);
            let paragraph: Vec<&str> = described
                .iter()
                .map(|l| l.trim())
                .take_while(|l| !l.is_empty())
                .collect();
            if !paragraph.is_empty() {
                text.push_str(": ");
                text.push_str(&paragraph.join(" "));
            }
            lines.push(text);
        }
    }
    if op.has_builder() {
        lines.push(String::new());
        lines.push(format!(
            "Returns a request builder: set optional parameters with its methods, then `.await` it (see [`{}`]).",
            op.stem
        ));
    }
    let docs = doc_attrs(&lines);
    let aliases = crate::naming::route_aliases(&op.method, &op.path);
    quote!(#docs #(#[doc(alias = #aliases)])*)
}

/// The type of a method argument or setter for a parameter, and how to turn it into the
/// stored value.
fn input(model: &Model, ty: &TypeExpr, name: &Ident) -> (TokenStream, TokenStream) {
    let stored = qualified_type_tokens(model, ty);
    match model.follow_aliases(ty) {
        TypeExpr::Integer
        | TypeExpr::Int32
        | TypeExpr::Number
        | TypeExpr::Boolean
        | TypeExpr::Uuid
        | TypeExpr::DateTime => (stored, quote!(#name)),
        TypeExpr::List(item) => {
            let item = qualified_type_tokens(model, &item);
            (
                quote!(impl IntoIterator<Item = impl Into<#item>>),
                quote!(#name.into_iter().map(Into::into).collect::<Vec<_>>()),
            )
        }
        _ => (quote!(impl Into<#stored>), quote!(#name.into())),
    }
}

/// What the method returns.
fn return_type(model: &Model, op: &Operation) -> TokenStream {
    match &op.returns {
        Returns::Unit => quote!(()),
        Returns::Json(ty) => qualified_type_tokens(model, ty),
        Returns::Text => quote!(String),
        Returns::Binary => quote!(crate::Download),
        Returns::Outcome(outcome) => {
            let name = ident(&outcome.name);
            quote!(#name)
        }
    }
}

fn method(model: &Model, op: &Operation) -> TokenStream {
    let docs = method_docs(op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&op.name);
    let arguments: Vec<&Parameter> = op
        .parameters
        .iter()
        .filter(|p| p.role == ParamRole::Argument)
        .collect();
    let mut signature = Vec::new();
    let mut conversions = Vec::new();
    for parameter in &arguments {
        let arg = ident(&parameter.name);
        let (ty, convert) = input(model, &parameter.ty, &arg);
        signature.push(quote!(#arg: #ty));
        if arg != convert.to_string() {
            conversions.push(quote!(let #arg = #convert;));
        }
    }
    let body = body_input(model, op);
    if let Some((ty, _)) = &body {
        if body_converts(model, op) {
            signature.push(quote!(body: impl Into<#ty>));
            conversions.push(quote!(let body: #ty = body.into();));
        } else {
            signature.push(quote!(body: #ty));
        }
    }
    let returns = return_type(model, op);
    let stream = op.pagination.as_ref().map(|pagination| {
        let stream_name = format_ident!("{}_stream", op.name.as_str());
        let item = qualified_type_tokens(model, &pagination.item);
        let args = arguments.iter().map(|p| ident(&p.name));
        let body_arg = body.as_ref().map(|_| quote!(body));
        let all_args: Vec<TokenStream> = args.map(|a| quote!(#a)).chain(body_arg).collect();
        let method_name = op.name.as_str();
        let stream_docs = doc_attrs(&[
            format!("Every item of [`Client::{method_name}`], page after page, fetched as the stream is read."),
            String::new(),
            format!("To set filters, use [`{}::stream`] on the request builder.", op.stem),
        ]);
        quote! {
            #stream_docs
            #deprecated
            pub fn #stream_name(&self, #(#signature),*) -> impl futures_core::Stream<Item = Result<#item, Error>> + Send + 'static {
                self.#name(#(#all_args),*).stream()
            }
        }
    });
    if op.has_builder() {
        let builder = ident(&op.stem);
        let fields = arguments.iter().map(|p| ident(&p.name));
        let setters = op
            .parameters
            .iter()
            .filter(|p| p.role == ParamRole::Setter)
            .map(|p| ident(&p.name));
        let body_field = body.as_ref().map(|(_, format)| match as_bytes(*format) {
            true => quote!(body: body.into(),),
            false => quote!(body,),
        });
        quote! {
            #docs
            #deprecated
            pub fn #name(&self, #(#signature),*) -> #builder {
                #(#conversions)*
                #builder {
                    client: self.clone(),
                    #(#fields,)*
                    #body_field
                    #(#setters: None,)*
                }
            }

            #stream
        }
    } else {
        let body_value = body.as_ref().map(|_| quote!(body));
        let send = send_body(
            model,
            op,
            (quote!(self), quote!(self)),
            |p| {
                let name = ident(&p.name);
                quote!(#name)
            },
            body_value,
        );
        let signature = match returns_pending(op) {
            true => quote!(pub fn #name(&self, #(#signature),*) -> Pending<#returns>),
            false => quote!(pub async fn #name(&self, #(#signature),*) -> Result<#returns, Error>),
        };
        quote! {
            #docs
            #deprecated
            #signature {
                #(#conversions)*
                #send
            }

            #stream
        }
    }
}

fn builder(model: &Model, op: &Operation) -> TokenStream {
    let name = ident(&op.stem);
    let method_name = op.name.as_str();
    let returns = return_type(model, op);
    let body = body_input(model, op);
    let docs = doc_attrs(&[format!(
        "The request of [`Client::{method_name}`]: set the optional parameters it needs, then `.await` it."
    )]);
    let mut fields = Vec::new();
    for parameter in &op.parameters {
        let field = ident(&parameter.name);
        let ty = qualified_type_tokens(model, &parameter.ty);
        match parameter.role {
            ParamRole::Argument => fields.push(quote!(#field: #ty,)),
            ParamRole::Setter => fields.push(quote!(#field: Option<#ty>,)),
            ParamRole::Hidden => {}
        }
    }
    let body_field = body.as_ref().map(|(ty, format)| match as_bytes(*format) {
        true => quote!(body: bytes::Bytes,),
        false => quote!(body: #ty,),
    });
    let setters = op
        .parameters
        .iter()
        .filter(|p| p.role == ParamRole::Setter)
        .map(|parameter| {
            let field = ident(&parameter.name);
            let (ty, convert) = input(model, &parameter.ty, &format_ident!("value"));
            let mut lines = doc_lines(&parameter.docs);
            if lines.is_empty() {
                lines.push(format!("The `{}` parameter.", parameter.wire_name));
            }
            let where_ = match parameter.location {
                ParamLocation::Query => "query",
                ParamLocation::Header => "header",
                _ => "parameter",
            };
            lines.push(String::new());
            lines.push(format!(
                "Sent as the {} {where_}.",
                code_span(&parameter.wire_name)
            ));
            let docs = doc_attrs(&lines);
            let deprecated = parameter.docs.deprecated.then(|| quote!(#[deprecated]));
            quote! {
                #docs
                #deprecated
                pub fn #field(mut self, value: #ty) -> Self {
                    self.#field = Some(#convert);
                    self
                }
            }
        });
    let body_value = body.as_ref().map(|_| quote!(self.body));
    let send = send_body(
        model,
        op,
        (quote!(self.client), quote!(&self.client)),
        |p| {
            let field = ident(&p.name);
            quote!(self.#field)
        },
        body_value,
    );
    let (send_fn, into_future) = match returns_pending(op) {
        true => (
            quote! {
                pub fn send(self) -> Pending<#returns> {
                    #send
                }
            },
            quote! {
                type IntoFuture = Pending<#returns>;

                fn into_future(self) -> Self::IntoFuture {
                    self.send()
                }
            },
        ),
        false => (
            quote! {
                pub async fn send(self) -> Result<#returns, Error> {
                    #send
                }
            },
            quote! {
                type IntoFuture = crate::runtime::Boxed<#returns>;

                fn into_future(self) -> Self::IntoFuture {
                    Box::pin(self.send())
                }
            },
        ),
    };
    let stream = op
        .pagination
        .as_ref()
        .filter(|_| returns_pending(op))
        .map(|pagination| {
            let item = qualified_type_tokens(model, &pagination.item);
            let (total, total_optional) = (&pagination.total.0, pagination.total.1);
            let (data, data_optional) = (&pagination.data.0, pagination.data.1);
            let total = ident(total);
            let data = ident(data);
            let widen = pagination.total_int32.then(|| quote!(.map(i64::from)));
            let total = if total_optional {
                quote!(page.#total #widen)
            } else {
                quote!(Some(page.#total) #widen)
            };
            let data = if data_optional {
                quote!(page.#data.unwrap_or_default())
            } else {
                quote!(page.#data)
            };
            let start = op
                .parameters
                .iter()
                .find(|p| p.wire_name == "start")
                .map(|p| ident(&p.name));
            quote! {
                /// Every item of the list, page after page from `start` (pages of `count` items,
                /// or the server's default), fetched as the stream is read. The stream ends after
                /// the last item, or after an error. The stream is `Unpin`: read it with
                /// `while let Some(item) = stream.next().await` ([`StreamExt`](crate::StreamExt)).
                pub fn stream(self) -> crate::ItemStream<#item> {
                    let start = self.#start.unwrap_or(0);
                    crate::runtime::pagination::paginate(
                        start,
                        move |start| {
                            let mut request = self.clone();
                            request.#start = Some(start);
                            request.send()
                        },
                        |page| (#total, #data),
                    )
                }
            }
        });
    quote! {
        #docs
        #[derive(Clone)]
        #[must_use = "a request is sent when it is awaited"]
        pub struct #name {
            client: Client,
            #(#fields)*
            #body_field
        }

        impl #name {
            #(#setters)*

            /// Sends the request.
            #send_fn

            #stream
        }

        impl IntoFuture for #name {
            type Output = Result<#returns, Error>;
            #into_future
        }
    }
}

fn outcome_type(model: &Model, op: &Operation, outcome: &Outcome) -> TokenStream {
    let name = ident(&outcome.name);
    let method_name = op.name.as_str();
    let docs = doc_attrs(&[format!(
        "What [`Client::{method_name}`] got back: the documented outcomes."
    )]);
    let header_fields =
        |variant: &crate::model::OutcomeVariant, public: bool| -> Vec<TokenStream> {
            variant
                .headers
                .iter()
                .map(|h| {
                    let field = ident(&h.name);
                    let ty = qualified_type_tokens(model, &h.ty);
                    let mut lines = doc_lines(&h.docs);
                    if !lines.is_empty() {
                        lines.push(String::new());
                    }
                    lines.push(format!("The {} response header.", code_span(&h.wire_name)));
                    let docs = doc_attrs(&lines);
                    let public = public.then(|| quote!(pub));
                    quote!(#docs #public #field: Option<#ty>,)
                })
                .collect()
        };
    let body_type = |body: &Option<ResponseBody>| -> Option<TokenStream> {
        body.as_ref().map(|b| match b {
            ResponseBody::Json(ty) => qualified_type_tokens(model, ty),
            ResponseBody::Text => quote!(String),
            ResponseBody::Binary => quote!(crate::Download),
        })
    };
    if let [variant] = outcome.variants.as_slice() {
        let headers = header_fields(variant, true);
        let body = body_type(&variant.body).map(|ty| quote!(pub body: #ty,));
        return quote! {
            #docs
            #[derive(Debug)]
            pub struct #name {
                #(#headers)*
                #body
            }
        };
    }
    let variants = outcome.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let docs = doc_attrs(&[format!(
            "`{}`: {}",
            variant.status,
            variant.description.trim()
        )]);
        let headers = header_fields(variant, false);
        let body = body_type(&variant.body);
        match (headers.is_empty(), body) {
            (true, None) => quote!(#docs #variant_name,),
            (true, Some(ty)) => quote!(#docs #variant_name(#ty),),
            (false, None) => quote!(#docs #variant_name { #(#headers)* },),
            (false, Some(ty)) => quote!(#docs #variant_name { #(#headers)* body: #ty },),
        }
    });
    // An outcome is returned once and matched at once, never stored in bulk: boxing its
    // largest body (a whole record beside a bare status) would cost every call an allocation.
    quote! {
        #docs
        #[derive(Debug)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
        }
    }
}
