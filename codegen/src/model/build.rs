//! The model stage's driver: types, then operations, then the decisions that need the whole
//! picture (where values travel, which `Option`s nest, which fields need a `Box`, the order).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::conventions::Conventions;
use super::groups::{self, GroupTable};
use super::methods::skeletons;
use super::operations::convert;
use super::types::TypeBuilder;
use super::visit::{self, VisitMut};
use super::{
    ApiInfo, Field, FieldRepr, Model, Operation, TypeDef, TypeExpr, TypeId, TypeKind, Usage,
};
use crate::diagnostic::{Diagnostic, Diagnostics, Failure};
use crate::pointer::Pointer;
use crate::resolve::Resolved;

/// What the model is built with besides the document.
pub struct Inputs<'a> {
    /// Method names that override the generated ones, keyed by `METHOD /path`.
    pub operation_names: &'a BTreeMap<String, String>,
    pub conventions: &'a Conventions,
    /// Response properties the server always sends: by the pointer of an object schema, the
    /// property names (see [`crate::read_always_sent`]).
    pub always_sent: &'a AlwaysSent,
    /// Changes to the document's groups of tags (see [`crate::read_groups`]).
    pub groups: &'a GroupTable,
}

/// By the pointer of an object schema, the names of properties every supported server sends.
pub type AlwaysSent = BTreeMap<String, BTreeSet<String>>;

/// Builds the model. Warnings come back with it; errors (all of them, up to the limit) fail it.
pub fn build(
    resolved: &Resolved,
    content_sha256: &str,
    inputs: &Inputs<'_>,
) -> Result<(Model, Diagnostics), Failure> {
    let conventions = inputs.conventions;
    let operation_names = inputs.operation_names;
    let mut diagnostics = Diagnostics::default();
    let (skeletons, stems) = skeletons(resolved, operation_names, &mut diagnostics);

    let component_names = &resolved.component_schemas;
    let mut types = TypeBuilder::new(resolved, conventions, &stems);
    types.declare_components(component_names);
    for name in component_names {
        if types.diagnostics.is_full() {
            break;
        }
        types.component(
            &Pointer::root()
                .push("components")
                .push("schemas")
                .push(name),
        );
    }
    let mut operations = Vec::with_capacity(skeletons.len());
    for skeleton in &skeletons {
        if types.diagnostics.is_full() {
            break;
        }
        operations.push(convert(skeleton, &mut types));
    }
    let (mut defs, examples, type_diagnostics) = types.finish();
    diagnostics.extend(resolved.warnings.clone());
    diagnostics.extend(type_diagnostics);
    for operation in &mut operations {
        super::operations::shape_parameters(operation, &defs, &mut diagnostics);
    }
    if diagnostics.has_errors() {
        return Err(diagnostics.into());
    }

    mark_usage(&mut defs, &operations);
    if super::split::split_read_and_sent(&mut defs, &mut operations, inputs.always_sent) {
        for def in &mut defs {
            def.usage = Usage::default();
        }
        mark_usage(&mut defs, &operations);
    }
    let tag_groups = groups::group_tags(&resolved.info.tag_groups, inputs.groups);
    let groups = groups::assign(&tag_groups, &mut operations);
    let type_groups = groups::type_groups(&defs, &operations);
    diagnostics.extend(require_always_sent(&mut defs, inputs.always_sent));
    conventions.require_result_list_fields(&mut defs);
    for operation in &mut operations {
        operation.pagination = conventions.pagination(operation, &defs);
    }
    settle_nullable_fields(&mut defs);
    box_cycles(&mut defs);
    let order = output_order(&defs, component_names, &skeletons);

    let oauth = conventions.login(
        resolved.password_token_url.as_deref(),
        &operations,
        &mut defs,
    );
    let external_docs = resolved.info.external_docs.as_deref();
    conventions.link_documentation(&mut defs, &mut operations, external_docs, oauth.as_ref());
    let info = &resolved.info;
    let api = ApiInfo {
        title: info.title.clone(),
        version: info.version.clone(),
        openapi_version: info.openapi.clone(),
        description: info.description.clone(),
        content_sha256: content_sha256.to_owned(),
        servers: info.servers.clone(),
    };
    let model = Model {
        api,
        types: defs,
        order,
        error_codes: conventions.error_codes(&operations, &resolved.info.error_codes),
        oauth,
        operations,
        groups,
        type_groups,
        examples,
    };
    let invalid = super::check::identifiers(&model);
    if invalid.has_errors() {
        diagnostics.extend(invalid);
        return Err(diagnostics.into());
    }
    Ok((model, diagnostics))
}

fn mark_usage(defs: &mut [TypeDef], operations: &[Operation]) {
    let mut request: Vec<TypeId> = Vec::new();
    let mut response: Vec<TypeId> = Vec::new();
    for operation in operations {
        for ty in operation.request_types() {
            ty.visit_named(&mut |id| request.push(id));
        }
        for ty in operation.response_types() {
            ty.visit_named(&mut |id| response.push(id));
        }
    }
    let spread =
        |defs: &mut [TypeDef], mut stack: Vec<TypeId>, set: fn(&mut Usage) -> &mut bool| {
            while let Some(id) = stack.pop() {
                let Some(def) = defs.get_mut(id.0) else {
                    continue;
                };
                let flag = set(&mut def.usage);
                if *flag {
                    continue;
                }
                *flag = true;
                visit::for_each_value(def, |ty, _| ty.visit_named(&mut |next| stack.push(next)));
            }
        };
    spread(defs, request, |u| &mut u.request);
    spread(defs, response, |u| &mut u.response);
    let declared = defs
        .iter()
        .filter(|def| !def.usage.request && !def.usage.response)
        .map(|def| def.id)
        .collect();
    spread(defs, declared, |u| &mut u.declared);
}

/// A response property every supported server always sends, never `null` (the evidence, see
/// [`crate::read_always_sent`]), is a plain field: in a type only read from responses, a field
/// the document leaves optional becomes required. Types the client sends keep the document's
/// `required` lists, and a nullable field stays an `Option`. Evidence that names no property of
/// the document is left unused, with a warning: it was gathered from another document.
///
/// A type both read and sent is split first (see `model/split.rs`): its read type is then only
/// read.
fn require_always_sent(defs: &mut [TypeDef], always_sent: &AlwaysSent) -> Diagnostics {
    let mut unmatched: BTreeSet<(&str, &str)> = always_sent
        .iter()
        .flat_map(|(owner, names)| names.iter().map(move |n| (owner.as_str(), n.as_str())))
        .collect();
    for def in defs.iter_mut() {
        let Some(names) = always_sent.get(def.origin.as_str()) else {
            continue;
        };
        let only_read = def.usage.only_read();
        let TypeKind::Struct(s) = &mut def.kind else {
            continue;
        };
        for field in s.fields.iter_mut().filter(|f| names.contains(&f.wire_name)) {
            unmatched.remove(&(def.origin.as_str(), field.wire_name.as_str()));
            if only_read && made_plain(field, names) {
                field.repr = FieldRepr::Required;
            }
        }
    }
    let mut diagnostics = Diagnostics::default();
    if let Some((owner, name)) = unmatched.first() {
        diagnostics.push(
            Diagnostic::warning(format!(
                "the evidence of properties always sent names {} the document does not have, \
                 first `{name}` of `{owner}`: they stay as the document says",
                match unmatched.len() {
                    1 => "one property".to_owned(),
                    n => format!("{n} properties"),
                }
            ))
            .hint("the document changed: run `cargo xtask audit --evidence`; for another document, pass `--always-sent none`"),
        );
    }
    diagnostics
}

/// Whether the evidence of properties always sent makes the field plain, in a type only read.
pub(super) fn made_plain(field: &Field, always_sent: &BTreeSet<String>) -> bool {
    field.repr == FieldRepr::Optional && always_sent.contains(&field.wire_name)
}

/// Optional and nullable fields nest `Option`s only in types the client sends, where `null`
/// (clear the value) and an absent field (leave it alone) mean different things.
fn settle_nullable_fields(defs: &mut [TypeDef]) {
    for def in defs {
        let sent = def.usage.request;
        if let TypeKind::Struct(s) = &mut def.kind {
            for field in &mut s.fields {
                if field.repr == FieldRepr::OptionalNullable && !sent {
                    field.repr = FieldRepr::Optional;
                }
            }
        }
    }
}

/// Marks the fields and variants that need a `Box`: the fewest by-value edges whose removal
/// leaves no cycle of types holding each other by value (the back edges of a depth-first walk
/// in document order). A list or a map already breaks a cycle, so it needs none.
fn box_cycles(defs: &mut [TypeDef]) {
    // Aliases are transparent: a field of an alias type holds the aliased type.
    let through_aliases: Vec<TypeId> = (0..defs.len())
        .map(|index| {
            let mut id = TypeId(index);
            for _ in 0..defs.len() {
                match defs.get(id.0).map(|def| &def.kind) {
                    Some(TypeKind::Alias(expr)) => match by_value_target(expr) {
                        Some(next) => id = next,
                        None => break,
                    },
                    _ => break,
                }
            }
            id
        })
        .collect();
    let target = |id: TypeId| through_aliases.get(id.0).copied().unwrap_or(id);
    let edges: Vec<Vec<TypeId>> = defs
        .iter()
        .map(|def| {
            let mut direct = Vec::new();
            visit::for_each_value(def, |ty, boxable| {
                if let Some(id) = by_value_target(ty).filter(|_| boxable) {
                    direct.push(target(id));
                }
            });
            direct
        })
        .collect();
    let back = back_edges(&edges);

    struct Boxer<'a, T> {
        from: usize,
        back: &'a HashSet<(usize, usize)>,
        target: T,
    }
    impl<T: Fn(TypeId) -> TypeId> VisitMut for Boxer<'_, T> {
        fn value(&mut self, ty: &mut TypeExpr, boxed: Option<&mut bool>) {
            if let Some(boxed) = boxed {
                *boxed = by_value_target(ty)
                    .is_some_and(|to| self.back.contains(&(self.from, (self.target)(to).0)));
            }
        }
    }
    for (from, def) in defs.iter_mut().enumerate() {
        let back = &back;
        visit::walk_mut(def, &mut Boxer { from, back, target });
    }
}

/// The back edges of a depth-first walk from every node in order: removing them breaks every
/// cycle.
fn back_edges(edges: &[Vec<TypeId>]) -> HashSet<(usize, usize)> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Mark {
        Unseen,
        OnPath,
        Done,
    }
    let mut marks = vec![Mark::Unseen; edges.len()];
    let mark = |marks: &mut Vec<Mark>, node: usize, value: Mark| {
        if let Some(slot) = marks.get_mut(node) {
            *slot = value;
        }
    };
    let mut back = HashSet::new();
    for root in 0..edges.len() {
        if marks.get(root) != Some(&Mark::Unseen) {
            continue;
        }
        mark(&mut marks, root, Mark::OnPath);
        let mut path = vec![(root, 0usize)];
        while let Some((node, next_edge)) = path.last_mut() {
            let node = *node;
            match edges.get(node).and_then(|out| out.get(*next_edge)) {
                Some(next) => {
                    *next_edge += 1;
                    match marks.get(next.0) {
                        Some(Mark::Unseen) => {
                            mark(&mut marks, next.0, Mark::OnPath);
                            path.push((next.0, 0));
                        }
                        Some(Mark::OnPath) => {
                            back.insert((node, next.0));
                        }
                        _ => {}
                    }
                }
                None => {
                    mark(&mut marks, node, Mark::Done);
                    path.pop();
                }
            }
        }
    }
    back
}

/// The named type stored inline (by value) by this expression, if any.
fn by_value_target(expr: &TypeExpr) -> Option<TypeId> {
    match expr {
        TypeExpr::Named(id) => Some(*id),
        TypeExpr::Option(inner) => by_value_target(inner),
        _ => None,
    }
}

/// Output order: each component schema followed by the inline types written inside it, then
/// the shared parameter types, then each operation's types, all in document order.
fn output_order(
    defs: &[TypeDef],
    component_names: &[String],
    skeletons: &[super::methods::Skeleton<'_>],
) -> Vec<TypeId> {
    let components: HashMap<&str, usize> = component_names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let operations: HashMap<(String, String), usize> = skeletons
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.path.clone(), s.method.clone()), i))
        .collect();
    let group = |origin: &Pointer| -> (usize, usize) {
        let tokens: Vec<String> = origin.tokens().take(3).collect();
        match tokens.as_slice() {
            [c, s, name] if c == "components" && s == "schemas" => (
                0,
                components.get(name.as_str()).copied().unwrap_or(usize::MAX),
            ),
            [c, p, _] if c == "components" && p == "parameters" => (1, 0),
            [p, path, method] if p == "paths" => (
                2,
                operations
                    .get(&(path.clone(), method.clone()))
                    .copied()
                    .unwrap_or(usize::MAX),
            ),
            _ => (3, 0),
        }
    };
    let mut order: Vec<(TypeId, (usize, usize))> =
        defs.iter().map(|d| (d.id, group(&d.origin))).collect();
    order.sort_by_key(|(id, group)| (*group, *id));
    order.into_iter().map(|(id, _)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Docs;

    fn field(name: &str, repr: FieldRepr) -> Field {
        Field {
            name: name.into(),
            wire_name: name.into(),
            ty: TypeExpr::String,
            repr,
            docs: Docs::default(),
            boxed: false,
        }
    }

    fn def(name: &str, usage: Usage, fields: Vec<Field>) -> TypeDef {
        TypeDef::component_struct(0, name, usage, fields)
    }

    fn reprs(def: &TypeDef) -> Vec<FieldRepr> {
        match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| f.repr).collect(),
            _ => vec![],
        }
    }

    #[test]
    fn always_sent_fields_of_response_types_become_required() {
        let read = Usage {
            request: false,
            response: true,
            declared: false,
        };
        let both = Usage {
            request: true,
            response: true,
            declared: false,
        };
        let fields = || {
            vec![
                field("name", FieldRepr::Optional),
                field("nickname", FieldRepr::Optional),
                field("support", FieldRepr::Nullable),
            ]
        };
        let mut defs = vec![def("Video", read, fields()), def("Channel", both, fields())];
        let names = |list: &[&str]| list.iter().map(|n| (*n).to_owned()).collect();
        let evidence = BTreeMap::from([
            (
                "#/components/schemas/Video".to_owned(),
                names(&["name", "support"]),
            ),
            ("#/components/schemas/Channel".to_owned(), names(&["name"])),
        ]);
        assert!(require_always_sent(&mut defs, &evidence).is_empty());
        // Only the optional field of the type only read from responses changes; a nullable
        // field and the fields of a type the client sends keep the document's rule.
        let [video, channel] = &defs[..] else {
            panic!("two types")
        };
        assert_eq!(
            reprs(video),
            [
                FieldRepr::Required,
                FieldRepr::Optional,
                FieldRepr::Nullable
            ]
        );
        assert_eq!(
            reprs(channel),
            [
                FieldRepr::Optional,
                FieldRepr::Optional,
                FieldRepr::Nullable
            ]
        );
    }

    #[test]
    fn evidence_that_names_no_property_is_a_warning() {
        let mut defs = vec![def("Video", Usage::default(), vec![])];
        let evidence = BTreeMap::from([(
            "#/components/schemas/Video".to_owned(),
            BTreeSet::from(["name".to_owned()]),
        )]);
        let diagnostics = require_always_sent(&mut defs, &evidence);
        assert!(!diagnostics.has_errors());
        let message = diagnostics.warnings().next().map(ToString::to_string);
        assert!(
            message
                .as_deref()
                .is_some_and(|m| m.contains("one property")
                    && m.contains("`name` of `#/components/schemas/Video`")),
            "{message:?}"
        );
    }
}
