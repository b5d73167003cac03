//! Schemas the client both reads and sends, split in two where the server's habits make the
//! two directions differ: a response holds every property the server always sends (plain
//! fields, by the evidence), while a request keeps the document's `required` lists, so what the
//! client sends does not change.
//!
//! A schema is split when the evidence makes one of its properties plain, or when it holds a
//! schema that is split (its read type holds the other's read type, its sent type the sent
//! one). The read type keeps the schema's name; the sent type is named by
//! [`naming::sent_type_names`]. Requests (operations' parameters and bodies, and the types
//! only they use) then name the sent types, and the read type converts into the sent one.

use std::collections::{BTreeMap, BTreeSet};

use super::build::{AlwaysSent, made_plain};
use super::visit::{self, VisitMut};
use super::{Operation, SplitHalf, TypeDef, TypeExpr, TypeId, TypeKind};
use crate::naming::{self, Scope};

/// Splits the types that need it (see the module's documentation); returns whether any was.
/// `usage` must be marked; it is stale afterwards (the caller marks it again).
pub(super) fn split_read_and_sent(
    defs: &mut Vec<TypeDef>,
    operations: &mut [Operation],
    always_sent: &AlwaysSent,
) -> bool {
    let split = to_split(defs, always_sent);
    if split.is_empty() {
        return false;
    }
    let mut names = Scope::new();
    for def in defs.iter() {
        names.reserve(&def.name);
    }
    let mut sent_of: BTreeMap<TypeId, TypeId> = BTreeMap::new();
    for read in &split {
        let Some(def) = defs.get(read.0) else {
            continue;
        };
        let sent = TypeId(defs.len());
        let (wanted, alternative) = naming::sent_type_names(def.name.as_str());
        let mut twin = def.clone();
        twin.id = sent;
        twin.name = names.claim_or(wanted, alternative).name;
        twin.split = Some(SplitHalf::Sent { read: *read });
        defs.push(twin);
        if let Some(def) = defs.get_mut(read.0) {
            def.split = Some(SplitHalf::Read { sent });
        }
        sent_of.insert(*read, sent);
    }

    // A sent type written inside another is described as part of that one's sent type.
    let links: Vec<(String, String)> = sent_of
        .iter()
        .filter_map(|(read, sent)| {
            let name = |id: &TypeId| defs.get(id.0).map(|d| format!("[`{}`]", d.name.as_str()));
            Some((name(read)?, name(sent)?))
        })
        .collect();
    for sent in sent_of.values() {
        if let Some(def) = defs.get_mut(sent.0) {
            for (read_link, sent_link) in &links {
                def.about = def.about.replace(read_link, sent_link);
            }
        }
    }

    // What only requests hold names the sent types from now on.
    let mut rename = Rename(&sent_of);
    for def in defs.iter_mut() {
        let sent_half = matches!(def.split, Some(SplitHalf::Sent { .. }));
        let only_sent = def.usage.request && !def.usage.response && def.split.is_none();
        if sent_half || only_sent {
            visit::walk_mut(def, &mut rename);
        }
    }
    for operation in operations {
        for parameter in &mut operation.parameters {
            rename.value(&mut parameter.ty, None);
        }
        if let Some(ty) = operation.body.as_mut().and_then(|b| b.ty.as_mut()) {
            rename.value(ty, None);
        }
    }
    true
}

/// The types to split, in id order: those both read and sent that the evidence changes, and
/// those both read and sent that hold one of them.
fn to_split(defs: &[TypeDef], always_sent: &AlwaysSent) -> BTreeSet<TypeId> {
    let both = |def: &&TypeDef| def.usage.request && def.usage.response;
    let mut split: BTreeSet<TypeId> = defs
        .iter()
        .filter(both)
        .filter(|def| {
            let names = always_sent.get(def.origin.as_str());
            match (&def.kind, names) {
                (TypeKind::Struct(s), Some(names)) => s.fields.iter().any(|f| made_plain(f, names)),
                _ => false,
            }
        })
        .map(|def| def.id)
        .collect();
    loop {
        let holders: Vec<TypeId> = defs
            .iter()
            .filter(both)
            .filter(|def| !split.contains(&def.id))
            .filter(|def| {
                let mut holds = false;
                visit::for_each_value(def, |ty, _| {
                    ty.visit_named(&mut |id| holds |= split.contains(&id))
                });
                holds
            })
            .map(|def| def.id)
            .collect();
        if holders.is_empty() {
            return split;
        }
        split.extend(holders);
    }
}

/// Points every mention of a split type at its sent type.
struct Rename<'a>(&'a BTreeMap<TypeId, TypeId>);

impl VisitMut for Rename<'_> {
    fn value(&mut self, ty: &mut TypeExpr, _boxed: Option<&mut bool>) {
        match ty {
            TypeExpr::Named(id) => {
                if let Some(sent) = self.0.get(id) {
                    *id = *sent;
                }
            }
            TypeExpr::List(inner) | TypeExpr::Map(inner) | TypeExpr::Option(inner) => {
                self.value(inner, None)
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Body, BodyFormat, Docs, Field, FieldRepr, Usage};
    use crate::pointer::Pointer;

    const BOTH: Usage = Usage {
        request: true,
        response: true,
        declared: false,
    };

    fn field(name: &str, ty: TypeExpr) -> Field {
        Field {
            name: name.into(),
            wire_name: name.into(),
            ty,
            repr: FieldRepr::Optional,
            docs: Docs::default(),
            boxed: false,
        }
    }

    fn def(id: usize, name: &str, usage: Usage, fields: Vec<Field>) -> TypeDef {
        TypeDef::component_struct(id, name, usage, fields)
    }

    fn operation(body: TypeExpr) -> Operation {
        Operation {
            name: "put_config".into(),
            stem: "PutConfig".into(),
            operation_id: None,
            method: "put".to_owned(),
            path: "/config".to_owned(),
            segments: Vec::new(),
            pointer: Pointer::root(),
            summary: None,
            description: None,
            deprecated: false,
            tags: Vec::new(),
            group: 0,
            parameters: Vec::new(),
            body: Some(Body {
                content_type: "application/json".to_owned(),
                format: BodyFormat::Json,
                ty: Some(body),
                required: true,
                description: None,
            }),
            responses: Vec::new(),
            returns: crate::model::Returns::Unit,
            accept: String::new(),
            pagination: None,
            security: None,
        }
    }

    fn named(name: &str) -> TypeExpr {
        TypeExpr::Named(match name {
            "Config" => TypeId(0),
            "Section" => TypeId(1),
            "Plain" => TypeId(2),
            _ => TypeId(3),
        })
    }

    #[test]
    fn a_type_the_evidence_changes_and_every_type_holding_it_are_split() {
        // Config holds a list of Sections (which the evidence changes) and a Plain section
        // (which it does not); Report is only read.
        let only_read = Usage {
            request: false,
            response: true,
            declared: false,
        };
        let mut defs = vec![
            def(
                0,
                "Config",
                BOTH,
                vec![
                    field("sections", TypeExpr::List(Box::new(named("Section")))),
                    field("plain", named("Plain")),
                ],
            ),
            def(1, "Section", BOTH, vec![field("name", TypeExpr::String)]),
            def(2, "Plain", BOTH, vec![field("note", TypeExpr::String)]),
            def(
                3,
                "Report",
                only_read,
                vec![field("name", TypeExpr::String)],
            ),
        ];
        let evidence = AlwaysSent::from([
            (
                "#/components/schemas/Section".to_owned(),
                BTreeSet::from(["name".to_owned()]),
            ),
            (
                "#/components/schemas/Report".to_owned(),
                BTreeSet::from(["name".to_owned()]),
            ),
        ]);
        let mut operations = vec![operation(named("Config"))];
        assert!(split_read_and_sent(&mut defs, &mut operations, &evidence));

        let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Config",
                "Section",
                "Plain",
                "Report",
                "ConfigEdit",
                "SectionEdit"
            ]
        );
        let (config_edit, section_edit) = (TypeId(4), TypeId(5));
        assert_eq!(defs[0].split, Some(SplitHalf::Read { sent: config_edit }));
        assert_eq!(defs[4].split, Some(SplitHalf::Sent { read: TypeId(0) }));
        assert_eq!(defs[2].split, None);
        assert_eq!(defs[3].split, None);
        // The sent Config holds sent Sections and the one Plain type; the read one is as it was.
        let field_types = |def: &TypeDef| match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| f.ty.clone()).collect::<Vec<_>>(),
            _ => vec![],
        };
        assert_eq!(
            field_types(&defs[4]),
            [
                TypeExpr::List(Box::new(TypeExpr::Named(section_edit))),
                named("Plain")
            ]
        );
        assert_eq!(
            field_types(&defs[0]),
            [TypeExpr::List(Box::new(named("Section"))), named("Plain")]
        );
        // The body is the sent type.
        let body = operations[0].body.as_ref().and_then(|b| b.ty.clone());
        assert_eq!(body, Some(TypeExpr::Named(config_edit)));
    }

    #[test]
    fn nothing_is_split_without_evidence_or_without_both_directions() {
        let only_sent = Usage {
            request: true,
            response: false,
            declared: false,
        };
        let mut defs = vec![
            def(0, "Config", BOTH, vec![field("name", TypeExpr::String)]),
            def(
                1,
                "Section",
                only_sent,
                vec![field("name", TypeExpr::String)],
            ),
        ];
        let evidence = AlwaysSent::from([(
            "#/components/schemas/Section".to_owned(),
            BTreeSet::from(["name".to_owned()]),
        )]);
        let mut operations = vec![operation(named("Config"))];
        assert!(!split_read_and_sent(&mut defs, &mut operations, &evidence));
        assert_eq!(defs.len(), 2);
    }
}
