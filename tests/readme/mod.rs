//! The README and the guides in `docs/` keep their word: every section, file and heading they
//! send the reader to exists, every GraphQL example is an operation the schema accepts, the
//! contributors' layout names every module, and the README stays a front page.

mod markdown;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use async_graphql::parser::parse_query;
use async_graphql::parser::types::DocumentOperations;
use serde_json::json;

use crate::common::{TestApp, Who};
use markdown::{Doc, links, see_pointers, slug};

/// The guides the README is the front page of, one per reader.
const GUIDES: [&str; 6] = [
    "portal-editors.md",
    "integrators.md",
    "data-authors.md",
    "reporting.md",
    "operators.md",
    "contributors.md",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository root")
}

fn read(name: &str) -> Doc {
    let text = std::fs::read_to_string(root().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    Doc {
        name: name.to_owned(),
        text,
    }
}

/// README.md and every Markdown file of `docs/`.
fn docs() -> Vec<Doc> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| {
            e.expect("an entry of docs/")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    names.sort();
    names.insert(0, "README.md".to_owned());
    names.iter().map(|n| read(n)).collect()
}

#[test]
fn every_pointer_of_the_readme_and_the_guides_reaches_its_target() {
    let root = root();
    let mut problems = Vec::new();
    let (mut pointers, mut relative) = (0, 0);
    for doc in docs() {
        let prose = doc.prose();
        let headings: BTreeSet<String> = doc.headings().into_iter().map(|(_, h)| h).collect();
        for (line, name) in see_pointers(&prose) {
            pointers += 1;
            if !headings.contains(&name) {
                problems.push(format!(
                    "{}:{line}: \"see *{name}*\" names no heading of this file (a section of \
                     another file is a link: [{name}](file.md#{}))",
                    doc.name,
                    slug(&name)
                ));
            }
        }
        let dir = root
            .join(&doc.name)
            .parent()
            .expect("a folder")
            .to_path_buf();
        for (line, target) in links(&prose) {
            if target.starts_with("http://") || target.starts_with("https://") {
                continue;
            }
            relative += 1;
            let (path, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let file = match path {
                "" => root.join(&doc.name),
                p if p.starts_with('/') => root.join(p.trim_start_matches('/')),
                p => dir.join(p),
            };
            let Ok(file) = file.canonicalize() else {
                problems.push(format!("{}:{line}: {target}: no such file", doc.name));
                continue;
            };
            if !file.starts_with(&root) {
                problems.push(format!(
                    "{}:{line}: {target}: outside the repository",
                    doc.name
                ));
                continue;
            }
            if anchor.is_empty() {
                continue;
            }
            let name = file
                .strip_prefix(&root)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            if !name.ends_with(".md") {
                problems.push(format!(
                    "{}:{line}: {target}: an anchor into a non-Markdown file",
                    doc.name
                ));
            } else if !read(&name).anchors().contains(anchor) {
                problems.push(format!(
                    "{}:{line}: {target}: {name} has no heading #{anchor}",
                    doc.name
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "pointers to nowhere:\n{}",
        problems.join("\n")
    );
    // The scanners found what the guides hold (a scanner that finds nothing passes nothing).
    assert!(
        pointers >= 3 && relative >= 60,
        "{pointers} pointers, {relative} relative links"
    );
}

#[test]
fn the_readme_is_a_front_page_and_each_guide_opens_on_its_contents() {
    let readme = read("README.md");
    let lines = readme.text.lines().count();
    assert!(
        lines < 300,
        "README.md has {lines} lines: move detail to a guide in docs/"
    );
    // The two commands come first; the rest of the front page points the way.
    let sections: Vec<String> = readme
        .headings()
        .into_iter()
        .filter(|(level, _)| *level == 2)
        .map(|(_, h)| h)
        .collect();
    assert_eq!(sections.first().map(String::as_str), Some("Two commands"));
    for section in ["First steps", "Who it is for"] {
        assert!(
            sections.iter().any(|s| s == section),
            "README.md has ## {section}"
        );
    }
    let on_disk: BTreeSet<String> = docs().into_iter().skip(1).map(|d| d.name).collect();
    let expected: BTreeSet<String> = GUIDES.iter().map(|g| format!("docs/{g}")).collect();
    assert_eq!(on_disk, expected, "the guides of docs/");
    for name in &expected {
        assert!(
            readme.text.contains(&format!("]({name})")),
            "README.md links {name}"
        );
        let guide = read(name);
        let headings = guide.headings();
        assert!(
            matches!(headings.first(), Some((1, _))) && guide.text.starts_with("# "),
            "{name} opens on its title"
        );
        // The opening (who the guide is for, and its contents) links every section.
        let opening = guide.text.split("\n## ").next().unwrap_or_default();
        for (_, section) in headings.iter().filter(|(level, _)| *level == 2) {
            assert!(
                opening.contains(&format!("](#{})", slug(section))),
                "{name}: the contents at its top link ## {section}"
            );
        }
    }
}

#[tokio::test]
async fn every_graphql_example_is_a_named_operation_the_schema_accepts() {
    let app = TestApp::new().await;
    let mut names = BTreeSet::new();
    for doc in docs() {
        for block in doc.graphql_blocks() {
            let parsed = parse_query(&block).unwrap_or_else(|e| {
                panic!(
                    "{}: a GraphQL example does not parse: {e}\n{block}",
                    doc.name
                )
            });
            let DocumentOperations::Multiple(operations) = parsed.operations else {
                panic!(
                    "{}: name the operation (codegen types it by name):\n{block}",
                    doc.name
                );
            };
            for name in operations.keys() {
                assert!(
                    names.insert(name.to_string()),
                    "{}: a second example named {name}",
                    doc.name
                );
            }
            // As a coordinator, who may send every kind of operation: what comes back may be a
            // refusal of this caller or of these values, never of the document.
            let reply = app.post_as(Who::Admin, &block, json!({})).await;
            let errors = reply.body["errors"].as_array().cloned().unwrap_or_default();
            for error in &errors {
                assert_ne!(
                    error["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
                    "{}: the schema refuses an example: {error}\n{block}",
                    doc.name
                );
            }
        }
    }
    for expected in [
        "PlanOutline",
        "ActionsOfALine",
        "MunicipalityAndSearch",
        "ReportProgress",
        "ChangesSince",
        "RegisterWebhook",
    ] {
        assert!(
            names.contains(expected),
            "the example {expected} is kept: {names:?}"
        );
    }
}

#[test]
fn the_layout_names_every_module_and_folder_that_exists_and_no_other() {
    let root = root();
    let guide = read("docs/contributors.md");
    let block = guide
        .text
        .split("\n## Layout\n")
        .nth(1)
        .and_then(|rest| rest.split("```").nth(1))
        .expect("a code block under ## Layout");
    // An entry starts at an even indent (two spaces a level); its description, and the lines
    // that carry it on, start at the description column, further right.
    let mut listed = BTreeSet::new();
    let mut parents: Vec<String> = Vec::new();
    for line in block.lines().skip(1) {
        let indent = line.len() - line.trim_start().len();
        if line.trim().is_empty() || indent >= 12 {
            continue;
        }
        let depth = indent / 2;
        parents.truncate(depth);
        let name = line.split_whitespace().next().unwrap_or_default();
        let path = format!("{}{name}", parents.concat());
        if name.ends_with('/') {
            parents.push(name.to_owned());
        }
        listed.insert(path.trim_end_matches('/').to_owned());
    }
    let mut required: BTreeSet<String> = [
        "entity",
        "migration",
        "bench",
        "documents",
        "data",
        ".ci",
        "tests",
    ]
    .map(str::to_owned)
    .into();
    for folder in ["api/src", "tests"] {
        for entry in std::fs::read_dir(root.join(folder)).expect(folder) {
            let entry = entry.expect("an entry");
            let name = format!("{folder}/{}", entry.file_name().to_string_lossy());
            let is_dir = entry.path().is_dir();
            if folder == "api/src" && is_dir {
                for inner in std::fs::read_dir(entry.path()).expect("a module folder") {
                    let inner = inner.expect("an entry").file_name();
                    required.insert(format!("{name}/{}", inner.to_string_lossy()));
                }
            }
            if folder == "api/src" || is_dir {
                required.insert(name);
            }
        }
    }
    let missing: Vec<&String> = required.difference(&listed).collect();
    let stale: Vec<&String> = listed.iter().filter(|p| !root.join(p).exists()).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "docs/contributors.md, Layout: missing {missing:?}; no such path {stale:?}"
    );
}
