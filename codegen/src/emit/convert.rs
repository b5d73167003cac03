//! `From` the read type of a split schema into its sent type (see `model/split.rs`), so a
//! value read from the server goes back to it with `.into()`: each plain field is wrapped in
//! `Some`, split types inside are converted in turn, through lists, maps and `Option`s.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::model::{Field, FieldRepr, Model, SplitHalf, TypeDef, TypeExpr, TypeKind};

/// `impl From<Read> for Sent`, when `sent` is the sent type of a split schema.
pub(super) fn from_read(model: &Model, sent: &TypeDef) -> Option<TokenStream> {
    let Some(SplitHalf::Sent { read }) = sent.split else {
        return None;
    };
    let read = model.ty(read)?;
    let (read_name, sent_name) = (ident(&read.name), ident(&sent.name));
    let body = match (&read.kind, &sent.kind) {
        (TypeKind::Struct(from), TypeKind::Struct(to)) => {
            let fields = from.fields.iter().zip(&to.fields).map(|(from, to)| {
                let name = ident(&to.name);
                let value = render(&field_conversion(model, from, to), quote!(value.#name));
                quote!(#name: #value,)
            });
            quote!(Self { #(#fields)* })
        }
        (TypeKind::Tagged(from), TypeKind::Tagged(to)) => {
            let arms = from.variants.iter().zip(&to.variants).map(|(from, to)| {
                let variant = ident(&to.name);
                match (&from.payload, &to.payload) {
                    (Some(a), Some(b)) => {
                        let step = conversion(model, (a, from.boxed), (b, to.boxed));
                        let value = render(&step, quote!(payload));
                        quote!(#read_name::#variant(payload) => Self::#variant(#value),)
                    }
                    _ => quote!(#read_name::#variant => Self::#variant,),
                }
            });
            quote!(match value { #(#arms)* })
        }
        (TypeKind::Untagged(from), TypeKind::Untagged(to)) => {
            let arms = from.iter().zip(to).map(|(from, to)| {
                let variant = ident(&to.name);
                let step = conversion(model, (&from.ty, from.boxed), (&to.ty, to.boxed));
                let value = render(&step, quote!(payload));
                quote!(#read_name::#variant(payload) => Self::#variant(#value),)
            });
            quote!(match value { #(#arms)* })
        }
        // An alias names the types it aliases, which convert themselves.
        _ => return None,
    };
    let doc = " What the server answered, as a request sends it: each field the server always \
               sends is set, and the split types inside convert in turn.";
    // Reading a deprecated field to convert it is no use of it.
    let allow = deprecated_fields(read).then(|| quote!(#[allow(deprecated)]));
    Some(quote! {
        #allow
        impl From<#read_name> for #sent_name {
            #[doc = #doc]
            fn from(value: #read_name) -> Self {
                #body
            }
        }
    })
}

/// The lines that tell each type of a split schema about the other.
pub(super) fn split_docs(model: &Model, def: &TypeDef) -> Vec<String> {
    let link = |id| {
        model.ty(id).map(|other| {
            let name = other.name.as_str();
            format!("[`{name}`](crate::types::{name})")
        })
    };
    let line = match def.split {
        Some(SplitHalf::Read { sent }) => link(sent).map(|sent| {
            format!(
                "What the server answers. To send it back, `.into()` makes it the {sent} that \
                 requests take."
            )
        }),
        Some(SplitHalf::Sent { read }) => link(read).map(|read| {
            format!(
                "What the client sends: the fields the API document requires, and any others \
                 set. The {read} the server answers converts into it with `.into()`."
            )
        }),
        None => None,
    };
    line.map(|line| vec![String::new(), line])
        .unwrap_or_default()
}

fn deprecated_fields(def: &TypeDef) -> bool {
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().any(|f| f.docs.deprecated),
        _ => false,
    }
}

/// How a value of one Rust type becomes one of another.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// Nothing to do: the types are the same.
    Same,
    /// `From` (a split type into its sent type).
    Into,
    /// `Some(...)`: a plain field into an optional one.
    Some(Box<Step>),
    /// The value inside an `Option`.
    Option(Box<Step>),
    /// Each item of a list.
    List(Box<Step>),
    /// Each value of a map.
    Map(Box<Step>),
    /// Out of a `Box`, then maybe into another.
    Boxed {
        unbox: bool,
        step: Box<Step>,
        rebox: bool,
    },
}

/// The Rust type of a field, as layers of `Option` around its type, and whether that type is
/// boxed (inside the `Option`s).
fn field_type(field: &Field) -> (TypeExpr, bool) {
    let optional = |ty: TypeExpr| TypeExpr::Option(Box::new(ty));
    let ty = field.ty.clone();
    let ty = match field.repr {
        FieldRepr::Required | FieldRepr::Flatten => ty,
        FieldRepr::Nullable | FieldRepr::Optional => optional(ty),
        FieldRepr::OptionalNullable => optional(optional(ty)),
    };
    (ty, field.boxed)
}

fn field_conversion(model: &Model, from: &Field, to: &Field) -> Step {
    let (from, to) = (field_type(from), field_type(to));
    conversion(model, (&from.0, from.1), (&to.0, to.1))
}

/// How a value of type `from` becomes one of type `to`: the same schema, where `to` may name
/// sent types where `from` names read ones, and may be optional where `from` is plain.
fn conversion(model: &Model, from: (&TypeExpr, bool), to: (&TypeExpr, bool)) -> Step {
    match (from.0, to.0) {
        (TypeExpr::Option(a), TypeExpr::Option(b)) => {
            wrap(Step::Option, conversion(model, (a, from.1), (b, to.1)))
        }
        (_, TypeExpr::Option(b)) => Step::Some(Box::new(conversion(model, from, (b, to.1)))),
        _ => {
            let step = inner_conversion(model, from.0, to.0);
            if from.1 == to.1 {
                return step;
            }
            Step::Boxed {
                unbox: from.1,
                step: Box::new(step),
                rebox: to.1,
            }
        }
    }
}

/// [`conversion`] of two types neither optional nor boxed.
fn inner_conversion(model: &Model, from: &TypeExpr, to: &TypeExpr) -> Step {
    if from == to {
        return Step::Same;
    }
    match (model.follow_aliases(from), model.follow_aliases(to)) {
        (from, to) if from == to => Step::Same,
        (TypeExpr::Named(_), TypeExpr::Named(_)) => Step::Into,
        (TypeExpr::List(a), TypeExpr::List(b)) => {
            wrap(Step::List, conversion(model, (&a, false), (&b, false)))
        }
        (TypeExpr::Map(a), TypeExpr::Map(b)) => {
            wrap(Step::Map, conversion(model, (&a, false), (&b, false)))
        }
        (TypeExpr::Option(a), TypeExpr::Option(b)) => {
            wrap(Step::Option, conversion(model, (&a, false), (&b, false)))
        }
        _ => Step::Into,
    }
}

/// `make(step)`, or nothing to do when `step` is.
fn wrap(make: fn(Box<Step>) -> Step, step: Step) -> Step {
    match step {
        Step::Same => Step::Same,
        step => make(Box::new(step)),
    }
}

/// The expression that converts `value`.
fn render(step: &Step, value: TokenStream) -> TokenStream {
    match step {
        Step::Same => value,
        Step::Into => quote!(#value.into()),
        Step::Some(step) => {
            let inner = render(step, value);
            quote!(Some(#inner))
        }
        Step::Option(step) => {
            let f = function(step);
            quote!(#value.map(#f))
        }
        Step::List(step) => {
            let f = function(step);
            quote!(#value.into_iter().map(#f).collect())
        }
        Step::Map(step) => {
            let inner = render(step, quote!(item));
            quote!(#value.into_iter().map(|(key, item)| (key, #inner)).collect())
        }
        Step::Boxed { unbox, step, rebox } => {
            let value = if *unbox { quote!((*#value)) } else { value };
            let inner = render(step, value);
            if *rebox {
                quote!(Box::new(#inner))
            } else {
                inner
            }
        }
    }
}

/// `step` as a function, for `map`: a path where one says it (`Into::into`, `Some`).
fn function(step: &Step) -> TokenStream {
    match step {
        Step::Into => quote!(Into::into),
        Step::Some(inner) if **inner == Step::Same => quote!(Some),
        step => {
            let inner = render(step, quote!(item));
            quote!(|item| #inner)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(step: &Step) -> String {
        render(step, quote!(value.field)).to_string()
    }

    #[test]
    fn each_step_reads_as_hand_written_code() {
        let some = |s: Step| Step::Some(Box::new(s));
        let option = |s: Step| Step::Option(Box::new(s));
        let list = |s: Step| Step::List(Box::new(s));
        let map = |s: Step| Step::Map(Box::new(s));
        let table = [
            (Step::Same, "value . field"),
            (Step::Into, "value . field . into ()"),
            (some(Step::Same), "Some (value . field)"),
            (some(Step::Into), "Some (value . field . into ())"),
            (option(Step::Into), "value . field . map (Into :: into)"),
            (option(some(Step::Same)), "value . field . map (Some)"),
            (
                some(list(Step::Into)),
                "Some (value . field . into_iter () . map (Into :: into) . collect ())",
            ),
            (
                option(list(Step::Into)),
                "value . field . map (| item | item . into_iter () . map (Into :: into) . collect ())",
            ),
            (
                map(Step::Into),
                "value . field . into_iter () . map (| (key , item) | (key , item . into ())) . collect ()",
            ),
            (
                Step::Boxed {
                    unbox: true,
                    step: Box::new(Step::Into),
                    rebox: true,
                },
                "Box :: new ((* value . field) . into ())",
            ),
        ];
        for (step, expected) in table {
            assert_eq!(show(&step), expected, "{step:?}");
        }
    }
}
