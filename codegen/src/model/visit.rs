//! The one walk over the parts of a type: every pass that looks at all of a type's names,
//! documentation or values (usage, boxing, links in docs, the identifier check) goes through
//! it, so a new kind of type is taught to all of them here.

use super::{Docs, TypeDef, TypeExpr, TypeKind};
use crate::naming::RustName;

/// What a pass does with each part of a type; every method does nothing unless overridden.
pub trait Visit {
    /// A name: the type's own (`what` is "type"), a field's, a variant's or a constant's.
    fn name(&mut self, _name: &RustName, _what: &'static str) {}
    /// The documentation of the type or of a field.
    fn docs(&mut self, _docs: &Docs) {}
    /// The description of an enum value.
    fn description(&mut self, _description: &Option<String>) {}
    /// A value the type holds: a field, a variant's payload, or the type an alias names.
    /// `boxed` is whether it is boxed; `None` for an alias, which cannot be.
    fn value(&mut self, _ty: &TypeExpr, _boxed: Option<&bool>) {}
}

/// [`Visit`], for passes that change what they visit.
pub trait VisitMut {
    /// See [`Visit::name`].
    fn name(&mut self, _name: &mut RustName, _what: &'static str) {}
    /// See [`Visit::docs`].
    fn docs(&mut self, _docs: &mut Docs) {}
    /// See [`Visit::description`].
    fn description(&mut self, _description: &mut Option<String>) {}
    /// See [`Visit::value`].
    fn value(&mut self, _ty: &mut TypeExpr, _boxed: Option<&mut bool>) {}
}

/// The walk, written once for both [`Visit`] and [`VisitMut`] (`$($mut)?` is `mut` or
/// nothing). Parts are visited in declaration order: the type's name and docs, then its
/// fields or variants.
macro_rules! walk {
    ($def:expr, $visitor:expr $(, $mut:ident)?) => {{
        let def = $def;
        let visitor = $visitor;
        visitor.name(&$($mut)? def.name, "type");
        visitor.docs(&$($mut)? def.docs);
        match &$($mut)? def.kind {
            TypeKind::Struct(s) => {
                for field in &$($mut)? s.fields {
                    visitor.name(&$($mut)? field.name, "field");
                    visitor.docs(&$($mut)? field.docs);
                    visitor.value(&$($mut)? field.ty, Some(&$($mut)? field.boxed));
                }
            }
            TypeKind::StringEnum(e) => {
                for variant in &$($mut)? e.variants {
                    visitor.name(&$($mut)? variant.name, "variant");
                    visitor.description(&$($mut)? variant.description);
                }
                visitor.name(&$($mut)? e.other, "variant");
            }
            TypeKind::IntEnum(e) => {
                for variant in &$($mut)? e.variants {
                    visitor.name(&$($mut)? variant.name, "variant");
                    visitor.description(&$($mut)? variant.description);
                }
                visitor.name(&$($mut)? e.other, "variant");
            }
            TypeKind::Flags(flags) => {
                for flag in flags {
                    visitor.name(&$($mut)? flag.name, "constant");
                    visitor.description(&$($mut)? flag.description);
                }
            }
            TypeKind::Tagged(t) => {
                for variant in &$($mut)? t.variants {
                    visitor.name(&$($mut)? variant.name, "variant");
                    if let Some(payload) = &$($mut)? variant.payload {
                        visitor.value(payload, Some(&$($mut)? variant.boxed));
                    }
                }
            }
            TypeKind::Untagged(variants) => {
                for variant in variants {
                    visitor.name(&$($mut)? variant.name, "variant");
                    visitor.value(&$($mut)? variant.ty, Some(&$($mut)? variant.boxed));
                }
            }
            TypeKind::Alias(ty) => visitor.value(ty, None),
        }
    }};
}

/// Visits every part of `def`.
pub fn walk(def: &TypeDef, visitor: &mut impl Visit) {
    walk!(def, visitor)
}

/// Visits every part of `def`, mutably.
pub fn walk_mut(def: &mut TypeDef, visitor: &mut impl VisitMut) {
    walk!(def, visitor, mut)
}

/// Calls `f` with every value `def` holds, and whether it can be boxed (not an alias's).
pub fn for_each_value(def: &TypeDef, f: impl FnMut(&TypeExpr, bool)) {
    struct Values<F>(F);
    impl<F: FnMut(&TypeExpr, bool)> Visit for Values<F> {
        fn value(&mut self, ty: &TypeExpr, boxed: Option<&bool>) {
            (self.0)(ty, boxed.is_some())
        }
    }
    walk(def, &mut Values(f));
}

/// Calls `f` with every name in `def`, and what it names ("type", "field", "variant", ...).
pub fn for_each_name(def: &TypeDef, f: impl FnMut(&RustName, &'static str)) {
    struct Names<F>(F);
    impl<F: FnMut(&RustName, &'static str)> Visit for Names<F> {
        fn name(&mut self, name: &RustName, what: &'static str) {
            (self.0)(name, what)
        }
    }
    walk(def, &mut Names(f));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        EnumVariant, Field, FieldRepr, OpenEnum, Struct, Tagged, TaggedVariant, TypeId, Usage,
    };
    use crate::pointer::Pointer;

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            id: TypeId(0),
            name: name.into(),
            origin: Pointer::root(),
            docs: Docs::default(),
            about: String::new(),
            kind,
            usage: Usage::default(),
            split: None,
        }
    }

    fn field(name: &str, ty: TypeExpr) -> Field {
        Field {
            name: name.into(),
            wire_name: name.into(),
            ty,
            repr: FieldRepr::Required,
            docs: Docs::default(),
            boxed: false,
        }
    }

    #[derive(Default)]
    struct Seen(Vec<String>);

    impl Visit for Seen {
        fn name(&mut self, name: &RustName, what: &'static str) {
            self.0.push(format!("{what} {name}"));
        }
        fn value(&mut self, ty: &TypeExpr, boxed: Option<&bool>) {
            self.0.push(format!("value {ty:?} {boxed:?}"));
        }
    }

    #[test]
    fn every_part_is_visited_in_declaration_order() {
        let record = def(
            "Video",
            TypeKind::Struct(Struct {
                fields: vec![
                    field("type", TypeExpr::String),
                    field("channel", TypeExpr::Named(TypeId(1))),
                ],
            }),
        );
        let mut seen = Seen::default();
        walk(&record, &mut seen);
        assert_eq!(
            seen.0,
            [
                "type Video",
                "field r#type",
                "value String Some(false)",
                "field channel",
                "value Named(TypeId(1)) Some(false)"
            ]
        );

        let state = def(
            "State",
            TypeKind::IntEnum(OpenEnum {
                variants: vec![EnumVariant {
                    name: "Published".into(),
                    value: 1,
                    description: None,
                }],
                other: "Other".into(),
            }),
        );
        let mut seen = Seen::default();
        walk(&state, &mut seen);
        assert_eq!(seen.0, ["type State", "variant Published", "variant Other"]);
    }

    #[test]
    fn mutable_walks_reach_the_same_parts() {
        struct BoxAll;
        impl VisitMut for BoxAll {
            fn value(&mut self, _ty: &mut TypeExpr, boxed: Option<&mut bool>) {
                if let Some(boxed) = boxed {
                    *boxed = true;
                }
            }
        }
        let mut grant = def(
            "Grant",
            TypeKind::Tagged(Tagged {
                tag: "grant_type".into(),
                variants: vec![TaggedVariant {
                    name: "Password".into(),
                    tag_value: "password".into(),
                    payload: Some(TypeExpr::Named(TypeId(2))),
                    boxed: false,
                }],
            }),
        );
        walk_mut(&mut grant, &mut BoxAll);
        let mut values = Vec::new();
        for_each_value(&grant, |ty, boxable| values.push((ty.clone(), boxable)));
        assert_eq!(values, [(TypeExpr::Named(TypeId(2)), true)]);
        let TypeKind::Tagged(tagged) = &grant.kind else {
            unreachable!()
        };
        assert!(tagged.variants.iter().all(|v| v.boxed));
    }
}
