//! One way down: the modules below the GraphQL and HTTP layers (the monitoring domain, the
//! store, the event log, webhooks, the seed, policy, …) never import from those layers, so a
//! write in the store cannot climb back into the API that called it. Within a layer, the pairs
//! of [`ONE_WAY`] depend on each other in one direction only.

use std::path::{Path, PathBuf};

/// The GraphQL and HTTP layers: request handling, the schema, the served files.
const UPPER: &[&str] = &[
    "app",
    "documents",
    "embed",
    "exports",
    "graphiql",
    "graphql",
    "persisted",
    "server",
    "subscriptions",
];

/// Every other module of `api/src` (a new module must be placed in one list or the other).
const LOWER: &[&str] = &[
    "auth",
    "config",
    "db",
    "demo",
    "error",
    "events",
    "fold",
    "generation",
    "http_cache",
    "i18n",
    "ids",
    "limits",
    "loaders",
    "metrics",
    "monitoring",
    "pagination",
    "policy",
    "relations",
    "response_cache",
    "seed",
    "snapshot",
    "store",
    "telemetry",
    "traces",
    "webhooks",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .expect("a folder")
            .map(|e| e.expect("an entry").path())
            .collect();
        entries.sort();
        for e in entries {
            rust_files(&e, out);
        }
    } else if path.is_file() && path.extension().is_some_and(|x| x == "rs") {
        out.push(path.to_owned());
    }
}

/// The top-level modules `code` names after `crate::` (also inside `use crate::{…}`), comments
/// left out.
fn crate_paths(code: &str) -> Vec<String> {
    let code: String = code
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = Vec::new();
    for piece in code.split("crate::").skip(1) {
        if let Some(group) = piece.strip_prefix('{') {
            // Top-level names of the group: split at commas outside nested braces.
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        found.push(ident(group[start..i].trim()));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.push(ident(group[start..i].trim()));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            found.push(ident(piece));
        }
    }
    found.retain(|s| !s.is_empty());
    found
}

#[test]
fn modules_below_the_api_layers_never_import_from_them() {
    let mut top: Vec<String> = std::fs::read_dir(src())
        .expect("api/src")
        .map(|e| {
            let p = e.expect("an entry").path();
            p.file_stem()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .filter(|m| m != "lib" && m != "main")
        .collect();
    top.sort();
    top.dedup();
    for m in &top {
        assert!(
            UPPER.contains(&m.as_str()) || LOWER.contains(&m.as_str()),
            "api/src/{m} is in neither layer: add it to UPPER or LOWER in tests/layering.rs"
        );
    }
    let mut broken = Vec::new();
    for m in LOWER {
        for (file, path) in imports_of(m) {
            if UPPER.contains(&path.as_str()) {
                broken.push(format!("{file} imports crate::{path}"));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// Modules that once imported each other, each pair as (above, below): the one below must not
/// import the one above. The event log writes the webhook outbox with the change and webhooks
/// deliver it; the relation registry sits under both the loaders and the content snapshot, and
/// the snapshot under the loaders; exports and subscriptions get their own state from the
/// router instead of reaching into it.
const ONE_WAY: &[(&str, &str)] = &[
    ("webhooks", "events"),
    ("loaders", "snapshot"),
    ("loaders", "relations"),
    ("snapshot", "relations"),
    ("app", "exports"),
    ("app", "subscriptions"),
];

#[test]
fn paired_modules_import_one_way_only() {
    let mut broken = Vec::new();
    for (above, below) in ONE_WAY {
        for (file, path) in imports_of(below) {
            if path == *above {
                broken.push(format!("{file} imports crate::{path}, which sits above it"));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// Every `crate::` path named in module `m` (its file and its folder), with the file naming it.
fn imports_of(m: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(&src().join(format!("{m}.rs")), &mut files);
    rust_files(&src().join(m), &mut files);
    let mut out = Vec::new();
    for file in files {
        let code = std::fs::read_to_string(&file).expect("a source file");
        let name = file
            .strip_prefix(src())
            .unwrap_or(&file)
            .display()
            .to_string();
        for path in crate_paths(&code) {
            out.push((name.clone(), path));
        }
    }
    out
}

#[test]
fn imports_are_read_inside_groups_and_not_in_comments() {
    let code = "use crate::{a::B, graphql::{C, D}, e};\n// crate::app\nlet x = crate::f::g();";
    assert_eq!(crate_paths(code), ["a", "graphql", "e", "f"]);
}
