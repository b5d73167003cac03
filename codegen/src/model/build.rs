//! The model stage's driver: types, then operations, then the decisions that need the whole
//! picture (where values travel, which `Option`s nest, which fields need a `Box`, the order).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::operations::{convert, skeletons};
use super::types::TypeBuilder;
use super::{ApiInfo, FieldRepr, Model, TypeDef, TypeExpr, TypeId, TypeKind, Usage};
use crate::diagnostic::{Diagnostic, Diagnostics, Failure};
use crate::pointer::Pointer;
use crate::resolve::Resolved;

/// Builds the model. Warnings come back with it; errors (all of them, up to the limit) fail it.
pub fn build(
    resolved: &Resolved,
    content_sha256: &str,
    config: &crate::Config,
) -> Result<(Model, Diagnostics), Failure> {
    let mut diagnostics = Diagnostics::default();
    let (skeletons, stems) = skeletons(resolved, &config.operation_names, &mut diagnostics);

    let component_names: Vec<String> = resolved
        .api
        .components
        .as_ref()
        .map(|c| c.schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut types = TypeBuilder::new(resolved, &stems, tag_only_variants(resolved));
    types.declare_components(&component_names);
    for name in &component_names {
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
        operations.push(convert(skeleton, &mut types, resolved));
    }
    let (mut defs, mut examples, type_diagnostics) = types.finish();
    diagnostics.extend(resolved.take_warnings());
    diagnostics.extend(type_diagnostics);
    for operation in &mut operations {
        super::operations::shape_parameters(operation, &defs, &mut diagnostics);
    }
    if diagnostics.has_errors() {
        return Err(diagnostics.into());
    }

    mark_usage(&mut defs, &mut operations);
    diagnostics.extend(require_always_sent(&mut defs, &config.always_sent));
    if diagnostics.has_errors() {
        return Err(diagnostics.into());
    }
    for operation in &mut operations {
        operation.pagination = super::operations::pagination(operation, &defs);
    }
    settle_nullable_fields(&mut defs);
    box_cycles(&mut defs);
    let order = output_order(&defs, &component_names, &skeletons);
    let (defs, operations) = reorder(defs, operations, &order, &mut examples);

    let external_docs = resolved.api.external_docs.as_ref().map(|d| d.url.as_str());
    let mut operations = operations;
    let mut defs = defs;
    link_documentation(&mut defs, &mut operations, external_docs);

    let oauth = super::operations::oauth_login(resolved, &operations, &defs);
    let info = &resolved.api.info;
    let api = ApiInfo {
        title: info.title.clone(),
        version: info.version.clone(),
        openapi_version: resolved.api.openapi.clone(),
        description: info.description.clone(),
        content_sha256: content_sha256.to_owned(),
        servers: resolved.api.servers.iter().map(|s| s.url.clone()).collect(),
    };
    let model = Model {
        api,
        types: defs,
        error_codes: super::operations::error_codes(&operations),
        oauth,
        operations,
        examples,
    };
    let invalid = super::check::identifiers(&model);
    if invalid.has_errors() {
        diagnostics.extend(invalid);
        return Err(diagnostics.into());
    }
    Ok((model, diagnostics))
}

/// Rewrites the document's links to its own rendered pages (Redoc anchors such as
/// `#operation/getVideo`): an operation becomes an intra-doc link to its method
/// (`crate::Client::get_video`); other anchors point into the document's `externalDocs` page.
fn link_documentation(
    defs: &mut [TypeDef],
    operations: &mut [super::Operation],
    external_docs: Option<&str>,
) {
    let methods: HashMap<String, String> = operations
        .iter()
        .filter_map(|o| {
            Some((
                o.operation_id.clone()?,
                o.name.trim_start_matches("r#").to_owned(),
            ))
        })
        .collect();
    let rewrite = |text: &mut String| {
        if !text.contains("](#") {
            return;
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some((before, after)) = rest.split_once("](#") {
            out.push_str(before);
            out.push_str("](");
            let (anchor, after) = after.split_once(')').unwrap_or((after, ""));
            match anchor
                .strip_prefix("operation/")
                .and_then(|id| methods.get(id))
            {
                Some(method) => out.push_str(&format!("crate::Client::{method}")),
                None => match external_docs {
                    Some(base) => out.push_str(&format!("{base}#{anchor}")),
                    None => out.push_str(&format!("#{anchor}")),
                },
            }
            out.push(')');
            rest = after;
        }
        out.push_str(rest);
        *text = out;
    };
    let docs = |docs: &mut super::Docs| {
        if let Some(d) = &mut docs.description {
            rewrite(d);
        }
    };
    for def in defs.iter_mut() {
        docs(&mut def.docs);
        match &mut def.kind {
            TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| docs(&mut f.docs)),
            TypeKind::StringEnum(e) => e
                .variants
                .iter_mut()
                .filter_map(|v| v.description.as_mut())
                .for_each(rewrite),
            TypeKind::IntEnum(e) => e
                .variants
                .iter_mut()
                .filter_map(|v| v.description.as_mut())
                .for_each(rewrite),
            TypeKind::Flags(f) => f
                .iter_mut()
                .filter_map(|v| v.description.as_mut())
                .for_each(rewrite),
            _ => {}
        }
    }
    for operation in operations.iter_mut() {
        operation.description.iter_mut().for_each(rewrite);
        operation
            .parameters
            .iter_mut()
            .for_each(|p| docs(&mut p.docs));
        for response in &mut operation.responses {
            rewrite(&mut response.description);
        }
        if let super::Returns::Outcome(outcome) = &mut operation.returns {
            outcome
                .variants
                .iter_mut()
                .for_each(|v| rewrite(&mut v.description));
        }
    }
}

/// Component schemas that are variants of a discriminated `oneOf`/`anyOf` and used nowhere
/// else: their Rust type leaves out the tag property, so a value cannot disagree with its tag.
/// Those also used on their own keep it (the union gets a copy without it).
fn tag_only_variants(resolved: &Resolved) -> HashMap<Pointer, String> {
    let mut variants: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut refs: BTreeMap<String, usize> = BTreeMap::new();
    let Some(root) = resolved.raw_at(&Pointer::root()) else {
        return HashMap::new();
    };
    collect_refs(root, &mut variants, &mut refs);
    variants
        .into_iter()
        .filter(|(target, (_, as_variant))| refs.get(target).copied().unwrap_or(0) <= *as_variant)
        .filter_map(|(target, (tag, _))| Pointer::from_ref(&target).map(|p| (p, tag)))
        .collect()
}

fn collect_refs(
    value: &Value,
    variants: &mut BTreeMap<String, (String, usize)>,
    refs: &mut BTreeMap<String, usize>,
) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                *refs.entry(reference.clone()).or_default() += 1;
            }
            let discriminator = object.get("discriminator");
            if let Some(tag) = discriminator
                .and_then(|d| d.get("propertyName"))
                .and_then(Value::as_str)
            {
                let members = object
                    .get("oneOf")
                    .or_else(|| object.get("anyOf"))
                    .and_then(Value::as_array);
                for target in members
                    .into_iter()
                    .flatten()
                    .filter_map(|m| m.get("$ref").and_then(Value::as_str))
                {
                    variants
                        .entry(target.to_owned())
                        .or_insert((tag.to_owned(), 0))
                        .1 += 1;
                }
                let mapping = discriminator
                    .and_then(|d| d.get("mapping"))
                    .and_then(Value::as_object);
                for target in mapping
                    .into_iter()
                    .flat_map(|m| m.values())
                    .filter_map(Value::as_str)
                {
                    variants
                        .entry(target.to_owned())
                        .or_insert((tag.to_owned(), 0));
                }
            }
            for child in object.values() {
                collect_refs(child, variants, refs);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_refs(item, variants, refs);
            }
        }
        _ => {}
    }
}

/// The named types an item refers to directly or inside a list, map or option.
fn references(def: &TypeDef, f: &mut impl FnMut(TypeId)) {
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().for_each(|field| field.ty.visit_named(f)),
        TypeKind::Tagged(t) => t
            .variants
            .iter()
            .filter_map(|v| v.payload)
            .for_each(&mut *f),
        TypeKind::Untagged(variants) => variants.iter().for_each(|v| v.ty.visit_named(f)),
        TypeKind::Alias(expr) => expr.visit_named(f),
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::Flags(_) => {}
    }
}

fn mark_usage(defs: &mut [TypeDef], operations: &mut [super::Operation]) {
    let mut request: Vec<TypeId> = Vec::new();
    let mut response: Vec<TypeId> = Vec::new();
    for operation in operations.iter_mut() {
        for ty in operation.request_types_mut() {
            ty.visit_named(&mut |id| request.push(id));
        }
        for ty in operation.response_types_mut() {
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
                references(def, &mut |next| stack.push(next));
            }
        };
    spread(defs, request, |u| &mut u.request);
    spread(defs, response, |u| &mut u.response);
}

/// A response property every supported server always sends, never `null` (the evidence, see
/// [`crate::read_always_sent`]), is a plain field: in a type only read from responses, a field
/// the document leaves optional becomes required. Types the client sends keep the document's
/// `required` lists. Evidence that names no field is an error: it was gathered from another
/// document.
fn require_always_sent(
    defs: &mut [TypeDef],
    always_sent: &BTreeMap<String, BTreeSet<String>>,
) -> Diagnostics {
    let mut unmatched: BTreeSet<(&str, &str)> = always_sent
        .iter()
        .flat_map(|(owner, names)| names.iter().map(move |n| (owner.as_str(), n.as_str())))
        .collect();
    for def in defs.iter_mut() {
        let Some(names) = always_sent.get(def.origin.as_str()) else {
            continue;
        };
        let only_read = def.usage.response && !def.usage.request;
        let TypeKind::Struct(s) = &mut def.kind else {
            continue;
        };
        for field in s.fields.iter_mut().filter(|f| names.contains(&f.wire_name)) {
            unmatched.remove(&(def.origin.as_str(), field.wire_name.as_str()));
            if only_read && field.repr == FieldRepr::Optional {
                field.repr = FieldRepr::Required;
            }
        }
    }
    let mut diagnostics = Diagnostics::default();
    for (owner, name) in unmatched {
        diagnostics.push(
            Diagnostic::error(format!(
                "the evidence of properties always sent names `{name}` of `{owner}`, which is no property of an object schema"
            ))
            .hint("the document changed: run `cargo xtask audit --evidence`; for another document, pass `--always-sent none`"),
        );
    }
    diagnostics
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
    let target = |defs: &[TypeDef], id: TypeId| -> TypeId {
        let mut id = id;
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
    };
    let edges: Vec<Vec<TypeId>> = defs
        .iter()
        .map(|def| {
            let mut direct = Vec::new();
            if !matches!(def.kind, TypeKind::Alias(_)) {
                by_value(def, &mut |id| direct.push(target(defs, id)));
            }
            direct
        })
        .collect();
    let back = back_edges(&edges);
    let boxed = |from: usize, to: TypeId| back.contains(&(from, target(defs, to).0));
    let decisions: Vec<Vec<bool>> = defs
        .iter()
        .enumerate()
        .map(|(index, def)| match &def.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| by_value_target(&f.ty).is_some_and(|id| boxed(index, id)))
                .collect(),
            TypeKind::Tagged(t) => t
                .variants
                .iter()
                .map(|v| v.payload.is_some_and(|id| boxed(index, id)))
                .collect(),
            TypeKind::Untagged(variants) => variants
                .iter()
                .map(|v| by_value_target(&v.ty).is_some_and(|id| boxed(index, id)))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    for (def, decisions) in defs.iter_mut().zip(decisions) {
        match &mut def.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter_mut()
                .zip(decisions)
                .for_each(|(f, b)| f.boxed = b),
            TypeKind::Tagged(t) => t
                .variants
                .iter_mut()
                .zip(decisions)
                .for_each(|(v, b)| v.boxed = b),
            TypeKind::Untagged(variants) => variants
                .iter_mut()
                .zip(decisions)
                .for_each(|(v, b)| v.boxed = b),
            _ => {}
        }
    }
}

/// The back edges of a depth-first walk from every node in order: removing them breaks every
/// cycle.
fn back_edges(edges: &[Vec<TypeId>]) -> std::collections::HashSet<(usize, usize)> {
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
    let mut back = std::collections::HashSet::new();
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

fn by_value(def: &TypeDef, f: &mut impl FnMut(TypeId)) {
    match &def.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter_map(|x| by_value_target(&x.ty))
            .for_each(&mut *f),
        TypeKind::Tagged(t) => t
            .variants
            .iter()
            .filter_map(|v| v.payload)
            .for_each(&mut *f),
        TypeKind::Untagged(variants) => variants
            .iter()
            .filter_map(|v| by_value_target(&v.ty))
            .for_each(&mut *f),
        TypeKind::Alias(expr) => {
            if let Some(id) = by_value_target(expr) {
                f(id)
            }
        }
        _ => {}
    }
}

/// Output order: each component schema followed by the inline types written inside it, then
/// the shared parameter types, then each operation's types, all in document order.
fn output_order(
    defs: &[TypeDef],
    component_names: &[String],
    skeletons: &[super::operations::Skeleton<'_>],
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

fn reorder(
    defs: Vec<TypeDef>,
    mut operations: Vec<super::Operation>,
    order: &[TypeId],
    examples: &mut [super::Example],
) -> (Vec<TypeDef>, Vec<super::Operation>) {
    let mut new_id: Vec<TypeId> = (0..defs.len()).map(TypeId).collect();
    for (position, old) in order.iter().enumerate() {
        if let Some(slot) = new_id.get_mut(old.0) {
            *slot = TypeId(position);
        }
    }
    let renumber = |id: &mut TypeId| *id = new_id.get(id.0).copied().unwrap_or(*id);
    let map = |expr: &mut TypeExpr| remap(expr, &renumber);
    let mut slots: Vec<Option<TypeDef>> = defs.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(order.len());
    for old in order {
        let Some(mut def) = slots.get_mut(old.0).and_then(Option::take) else {
            continue;
        };
        renumber(&mut def.id);
        match &mut def.kind {
            TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| map(&mut f.ty)),
            TypeKind::Tagged(t) => t
                .variants
                .iter_mut()
                .filter_map(|v| v.payload.as_mut())
                .for_each(renumber),
            TypeKind::Untagged(variants) => variants.iter_mut().for_each(|v| map(&mut v.ty)),
            TypeKind::Alias(expr) => map(expr),
            TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::Flags(_) => {}
        }
        out.push(def);
    }
    for example in examples {
        map(&mut example.ty);
    }
    for operation in &mut operations {
        operation.request_types_mut().for_each(map);
        operation.response_types_mut().for_each(map);
    }
    (out, operations)
}

fn remap(expr: &mut TypeExpr, renumber: &impl Fn(&mut TypeId)) {
    match expr {
        TypeExpr::Named(id) => renumber(id),
        TypeExpr::List(inner) | TypeExpr::Map(inner) | TypeExpr::Option(inner) => {
            remap(inner, renumber)
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Docs, Field, Struct};

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
        TypeDef {
            id: TypeId(0),
            name: name.into(),
            origin: Pointer::root()
                .push("components")
                .push("schemas")
                .push(name),
            docs: Docs::default(),
            about: String::new(),
            kind: TypeKind::Struct(Struct { fields }),
            usage,
        }
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
        };
        let both = Usage {
            request: true,
            response: true,
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
    fn evidence_that_names_no_field_is_an_error() {
        let mut defs = vec![def("Video", Usage::default(), vec![])];
        let evidence = BTreeMap::from([(
            "#/components/schemas/Video".to_owned(),
            BTreeSet::from(["name".to_owned()]),
        )]);
        let diagnostics = require_always_sent(&mut defs, &evidence);
        let message = diagnostics.errors().next().map(ToString::to_string);
        assert!(
            message
                .as_deref()
                .is_some_and(|m| m.contains("`name` of `#/components/schemas/Video`")),
            "{message:?}"
        );
    }
}
