//! How a method or a request builder makes its call: the request built from the parameters
//! and the body, sent, and the response read into what the method returns.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::ident;
use super::operations::info_path;
use super::types::qualified_type_tokens;
use crate::model::{
    BodyFormat, Model, Operation, ParamLocation, ParamRole, ParamShape, Parameter, QueryStyle,
    ResponseBody, Returns, SegmentPart, SplitHalf, TypeExpr,
};

/// The body argument: its type, and the format the call sends it in (text and files go as
/// they are, as bytes).
pub(super) fn body_input(model: &Model, op: &Operation) -> Option<(TokenStream, BodyFormat)> {
    let body = op.body.as_ref()?;
    Some(match (body.format, &body.ty) {
        (format @ (BodyFormat::Json | BodyFormat::Form | BodyFormat::Multipart), Some(ty)) => {
            (qualified_type_tokens(model, ty), format)
        }
        _ => (quote!(impl Into<bytes::Bytes>), BodyFormat::Binary),
    })
}

/// Whether the body is the sent type of a split schema: the method takes anything that
/// converts into it (`impl Into<T>`), so the read type goes back as it came.
pub(super) fn body_converts(model: &Model, op: &Operation) -> bool {
    let ty = op.body.as_ref().and_then(|b| b.ty.as_ref());
    ty.and_then(TypeExpr::named)
        .and_then(|id| model.ty(id))
        .is_some_and(|def| matches!(def.split, Some(SplitHalf::Sent { .. })))
}

/// Whether a body in this format is sent as bytes, as it is.
pub(super) fn as_bytes(format: BodyFormat) -> bool {
    matches!(format, BodyFormat::Binary | BodyFormat::Text)
}

fn query_style(style: QueryStyle) -> TokenStream {
    match style {
        QueryStyle::Exploded => quote!(QueryStyle::Exploded),
        QueryStyle::Delimited(separator) => quote!(QueryStyle::Delimited(#separator)),
        QueryStyle::Deep => quote!(QueryStyle::Deep),
    }
}

/// The statements that build, send and read the request (or, for a plain call, build it and
/// return its `Pending`). `value(p)` is how the code reaches parameter `p`'s value; `client`
/// is the client expression and `client_ref` a reference to it; `body` the body's, if any.
pub(super) fn send_body(
    model: &Model,
    op: &Operation,
    (client, client_ref): (TokenStream, TokenStream),
    value: impl Fn(&Parameter) -> TokenStream,
    body: Option<TokenStream>,
) -> TokenStream {
    let info = info_path(op);
    let segments = op.segments.iter().map(|segment| match segment.as_slice() {
        [SegmentPart::Literal(text)] => quote!(#text),
        [SegmentPart::Parameter(i)] => match op.parameters.get(*i) {
            Some(parameter) => {
                let v = value(parameter);
                quote!(&#v.to_param())
            }
            None => quote!(""),
        },
        parts => {
            let mut template = String::new();
            let mut args = Vec::new();
            for part in parts {
                match part {
                    SegmentPart::Literal(text) => {
                        template.push_str(&text.replace('{', "{{").replace('}', "}}"))
                    }
                    SegmentPart::Parameter(i) => {
                        if let Some(parameter) = op.parameters.get(*i) {
                            template.push_str("{}");
                            let v = value(parameter);
                            args.push(quote!(#v.to_param()));
                        }
                    }
                }
            }
            quote!(&format!(#template, #(#args),*))
        }
    });
    let mut statements = Vec::new();
    for parameter in &op.parameters {
        if parameter.location == ParamLocation::Path || parameter.role == ParamRole::Hidden {
            continue;
        }
        let wire = &parameter.wire_name;
        let v = value(parameter);
        let style = query_style(parameter.style);
        let header = wire.to_ascii_lowercase();
        let optional = parameter.role == ParamRole::Setter;
        statements.push(match (parameter.location, parameter.shape, optional) {
            (ParamLocation::Query, ParamShape::List, true) => {
                quote!(call.query_list_opt(#wire, &#v, #style);)
            }
            (ParamLocation::Query, ParamShape::List, false) => {
                quote!(call.query_list(#wire, &#v, #style);)
            }
            (ParamLocation::Query, ParamShape::Single, true) => quote!(call.query_opt(#wire, &#v);),
            (ParamLocation::Query, ParamShape::Single, false) => quote!(call.query(#wire, &#v);),
            (ParamLocation::Query, ParamShape::Serialized, _) => {
                quote!(call.query_value(#wire, &#v, #style);)
            }
            (_, ParamShape::List, true) => quote! {
                if let Some(values) = &#v {
                    call.header_list(#header, values);
                }
            },
            (_, ParamShape::List, false) => quote!(call.header_list(#header, &#v);),
            (_, _, true) => quote!(call.header_opt(#header, &#v);),
            (_, _, false) => quote!(call.header(#header, &#v);),
        });
    }
    if let Some((_, format)) = body_input(model, op)
        && let Some(body) = body
    {
        statements.push(match format {
            BodyFormat::Binary | BodyFormat::Text => quote!(call.binary(#body);),
            BodyFormat::Json => quote!(call.json(&#body);),
            BodyFormat::Form => quote!(call.form(&#body);),
            BodyFormat::Multipart => quote!(call.multipart(&#body);),
        });
    }
    let accept = &op.accept;
    let send = match &op.returns {
        Returns::Unit => Some(quote!(Pending::empty(#client_ref, call))),
        Returns::Json(_) => Some(quote!(Pending::json(#client_ref, call))),
        Returns::Text => Some(quote!(Pending::text(#client_ref, call))),
        Returns::Binary | Returns::Outcome(_) => None,
    };
    let send = send.unwrap_or_else(|| {
        let read = read_response(model, op);
        quote! {
            let response = #client.send(call).await?;
            #read
        }
    });
    quote! {
        let mut call = #client.call(&#info, &[#(#segments),*]);
        call.accept(#accept);
        #(#statements)*
        #send
    }
}

/// Whether the operation's method (or `send`) returns a [`Pending`] (a plain call whose
/// answer is read whole: JSON, text or nothing), rather than being an `async fn`.
pub(super) fn returns_pending(op: &Operation) -> bool {
    matches!(op.returns, Returns::Unit | Returns::Json(_) | Returns::Text)
}

fn read_body(model: &Model, info: &TokenStream, body: &Option<ResponseBody>) -> TokenStream {
    match body {
        None => quote!(response::empty(&#info, response).await?),
        Some(ResponseBody::Json(ty)) => {
            let ty = qualified_type_tokens(model, ty);
            quote!(response::json::<#ty>(&#info, response).await?)
        }
        Some(ResponseBody::Text) => quote!(response::text(&#info, response).await?),
        Some(ResponseBody::Binary) => quote!(crate::Download::new(&#info, response)),
    }
}

fn read_response(model: &Model, op: &Operation) -> TokenStream {
    let info = info_path(op);
    match &op.returns {
        Returns::Outcome(outcome) => {
            let name = ident(&outcome.name);
            let single = outcome.variants.len() == 1;
            let arms = outcome.variants.iter().map(|variant| {
                let status = proc_macro2::Literal::u16_unsuffixed(variant.status);
                // Headers are read first: reading the body consumes the response.
                let header_names: Vec<Ident> =
                    variant.headers.iter().map(|h| ident(&h.name)).collect();
                let header_reads = variant.headers.iter().map(|h| {
                    let field = ident(&h.name);
                    let wire = h.wire_name.to_ascii_lowercase();
                    let ty = qualified_type_tokens(model, &h.ty);
                    quote!(let #field = response::header::<#ty>(&#info, &response, #wire)?;)
                });
                let path = if single {
                    quote!(#name)
                } else {
                    let variant_name = ident(&variant.name);
                    quote!(#name::#variant_name)
                };
                let read = variant
                    .body
                    .as_ref()
                    .map(|_| read_body(model, &info, &variant.body));
                let construct = match (header_names.is_empty() && !single, read) {
                    (true, None) => quote!(#path),
                    (true, Some(read)) => quote!(#path(#read)),
                    (false, None) => quote!(#path { #(#header_names),* }),
                    (false, Some(read)) => quote!(#path { #(#header_names,)* body: #read }),
                };
                quote! {
                    #status => {
                        #(#header_reads)*
                        Ok(#construct)
                    }
                }
            });
            quote! {
                match response.status().as_u16() {
                    #(#arms)*
                    _ => Err(response::error(&#info, response).await),
                }
            }
        }
        // Any success status: the runtime checks it, and reads an error otherwise.
        Returns::Binary => quote!(response::download(&#info, response).await),
        // Plain calls are read by their `Pending` (see `send_body`).
        Returns::Unit | Returns::Json(_) | Returns::Text => quote!(),
    }
}
