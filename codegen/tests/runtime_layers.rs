//! The runtime (`codegen/runtime/`) is layered: its modules import each other without a
//! cycle, and none names an item of the generated code (`crate::operations`, `crate::ErrorCode`,
//! ...): what it needs from there, the generated code hands it (the `ApiDocument` trait,
//! accessors written beside `ErrorCode`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each runtime module's code (its tests and comments left out), by name.
fn modules() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let code = source
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default()
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        modules.insert(name, code);
    }
    modules
}

/// The runtime modules each module uses (`super::name`).
fn imports(modules: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    modules
        .iter()
        .map(|(name, code)| {
            let used = code
                .match_indices("super::")
                .map(|(at, prefix)| {
                    code[at + prefix.len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .filter(|used| modules.contains_key(used) && used != name)
                .collect();
            (name.clone(), used)
        })
        .collect()
}

#[test]
fn runtime_modules_import_each_other_without_cycles() {
    let modules = modules();
    assert!(modules.len() >= 15, "{:?}", modules.keys());
    let imports = imports(&modules);
    assert!(
        imports["session"].contains("http") && imports["client"].contains("session"),
        "the scan sees imports: {imports:?}"
    );
    // Kahn's algorithm: modules whose imports are all placed, until none is left.
    let mut placed: Vec<&String> = Vec::new();
    while placed.len() < imports.len() {
        let next = imports.iter().find(|(name, used)| {
            !placed.contains(name) && used.iter().all(|u| placed.contains(&u))
        });
        match next {
            Some((name, _)) => placed.push(name),
            None => {
                let left: BTreeMap<_, _> = imports
                    .iter()
                    .filter(|(name, _)| !placed.contains(name))
                    .collect();
                panic!("these runtime modules import each other in a cycle: {left:?}");
            }
        }
    }
}

#[test]
fn the_runtime_names_nothing_generated() {
    for (name, code) in modules() {
        if let Some(at) = code.find("crate::") {
            let line = code[at..].lines().next().unwrap_or_default();
            panic!("runtime/{name}.rs names `{line}`: have the generated code hand it instead");
        }
    }
}
