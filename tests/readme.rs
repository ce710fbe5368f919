//! The README is the newcomer's way in: every section it sends the reader to exists.

use std::collections::BTreeSet;

fn readme() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    std::fs::read_to_string(path).expect("README.md")
}

/// The headings of a Markdown text, without their `#`s.
fn headings(text: &str) -> BTreeSet<String> {
    let mut in_code = false;
    let mut found = BTreeSet::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            found.insert(line.trim_start_matches('#').trim().to_owned());
        }
    }
    found
}

#[test]
fn every_section_the_readme_points_to_exists() {
    let text = readme();
    let headings = headings(&text);
    // "see *Section name*": the name of a heading, or the start of one.
    let mut pointers = Vec::new();
    for piece in text.split("see *").skip(1) {
        if let Some((name, _)) = piece.split_once('*') {
            pointers.push(name.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    assert!(pointers.len() >= 5, "{pointers:?}");
    for name in &pointers {
        assert!(
            headings.iter().any(|h| h.starts_with(name.as_str())),
            "the README points to *{name}*, which is no heading of it"
        );
    }
}
