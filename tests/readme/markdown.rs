//! Just enough Markdown to check pointers: fenced blocks, code spans, headings and GitHub's
//! anchors, links, and "see *Section*". Written here rather than pulled in as a crate: the docs
//! use a small, regular subset, and a checker that is exactly as strict as GitHub's renderer
//! where it matters (anchors) is easier to trust when it is short.

use std::collections::BTreeSet;

/// A Markdown file read for checking.
pub struct Doc {
    /// Path from the repository root, for messages (`docs/operators.md`).
    pub name: String,
    pub text: String,
}

impl Doc {
    /// The text with fenced code blocks and code spans blanked out (same length and line
    /// breaks), so that what they quote is never taken for a link, a heading or a pointer.
    pub fn prose(&self) -> String {
        blank_code_spans(&blank_fences(&self.text))
    }

    /// The headings, as their text reads (`Running in production`), in order.
    pub fn headings(&self) -> Vec<(usize, String)> {
        blank_fences(&self.text)
            .lines()
            .filter_map(|line| {
                let level = line.bytes().take_while(|b| *b == b'#').count();
                let rest = &line[level..];
                (1..=6)
                    .contains(&level)
                    .then_some(())
                    .filter(|()| rest.starts_with(' '))
                    .map(|()| (level, rest.trim().trim_end_matches('#').trim().to_owned()))
            })
            .collect()
    }

    /// The anchors GitHub gives the headings: the slug of each, and `-1`, `-2`, … after a
    /// slug already taken.
    pub fn anchors(&self) -> BTreeSet<String> {
        let mut taken = BTreeSet::new();
        for (_, heading) in self.headings() {
            let base = slug(&heading);
            let mut anchor = base.clone();
            let mut n = 0;
            while taken.contains(&anchor) {
                n += 1;
                anchor = format!("{base}-{n}");
            }
            taken.insert(anchor);
        }
        taken
    }

    /// The ```` ```graphql ```` blocks, in order.
    pub fn graphql_blocks(&self) -> Vec<String> {
        let mut blocks = Vec::new();
        let mut current: Option<String> = None;
        for line in self.text.lines() {
            let fence = line.trim_start().starts_with("```");
            match (&mut current, fence) {
                (Some(block), true) => {
                    blocks.push(std::mem::take(block));
                    current = None;
                }
                (Some(block), false) => {
                    block.push_str(line);
                    block.push('\n');
                }
                (None, true) if line.trim() == "```graphql" => current = Some(String::new()),
                (None, _) => {}
            }
        }
        blocks
    }
}

/// GitHub's anchor for a heading (github-slugger): lower case, every character that is not a
/// letter, a digit, `_`, `-` or a space dropped, each space a `-`.
pub fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Every `[text](target)`: the target, and the line it is on.
pub fn links(prose: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = prose[from..].find("](") {
        let start = from + at + 2;
        // Up to the `)` that closes the one after `]`: targets may hold balanced parentheses.
        let mut depth = 1;
        let end = prose[start..].char_indices().find_map(|(i, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                '\n' => return Some(None),
                _ => {}
            }
            (depth == 0).then_some(Some(start + i))
        });
        if let Some(Some(end)) = end {
            found.push((line_of(prose, start), prose[start..end].trim().to_owned()));
            from = end;
        } else {
            from = start;
        }
    }
    found
}

/// Every "see *Name*" (also across a line break), with the name's white space made single.
pub fn see_pointers(prose: &str) -> Vec<(usize, String)> {
    // ASCII lower case keeps every byte offset of `prose`.
    let lower = prose.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("see") {
        let start = from + at;
        from = start + 3;
        if lower[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let after = &prose[from..];
        let rest = after.trim_start();
        if rest.len() == after.len() || !rest.starts_with('*') || rest.starts_with("**") {
            continue;
        }
        if let Some((name, _)) = rest[1..].split_once('*') {
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            found.push((line_of(prose, start), name));
        }
    }
    found
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// Replaces every character of fenced code blocks (fences included) by a space.
fn blank_fences(text: &str) -> String {
    let mut in_code = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let fence = line.trim_start().starts_with("```");
        if in_code || fence {
            out.extend(line.chars().map(|c| if c == '\n' { c } else { ' ' }));
        } else {
            out.push_str(line);
        }
        if fence {
            in_code = !in_code;
        }
    }
    out
}

/// Replaces every code span (a run of backticks up to the next run of the same length, across
/// line breaks) by spaces, keeping line breaks.
fn blank_code_spans(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|c| **c == '`').count();
        let mut j = i + run;
        let mut close = None;
        while j < chars.len() {
            let n = chars[j..].iter().take_while(|c| **c == '`').count();
            if n == run {
                close = Some(j);
                break;
            }
            j += n.max(1);
        }
        match close {
            Some(j) => {
                for c in &mut out[i..j + run] {
                    if *c != '\n' {
                        *c = ' ';
                    }
                }
                i = j + run;
            }
            None => i += run,
        }
    }
    out.into_iter().collect()
}

#[test]
fn anchors_are_githubs() {
    let doc = Doc {
        name: "example.md".to_owned(),
        text: "# Plan API\n\n## Staying in sync: change feed, subscriptions and webhooks\n\
               ```sh\n# not a heading\n```\n## Typed clients (codegen)\n## `plan-api` × 2 — é\n\
               ## Logs\n### Logs\n"
            .to_owned(),
    };
    let expected = [
        "plan-api",
        "staying-in-sync-change-feed-subscriptions-and-webhooks",
        "typed-clients-codegen",
        "plan-api--2--é",
        "logs",
        "logs-1",
    ];
    assert_eq!(doc.anchors(), expected.map(str::to_owned).into());
}

#[test]
fn code_is_neither_a_link_nor_a_pointer() {
    let doc = Doc {
        name: "example.md".to_owned(),
        text: "see *Real* and `see *Quoted*` and ``[a](b)``, [c](d#e (f)) and\n```\n[g](h)\n```\n\
               [multi\nline](i) see\n*Wrapped   name*; see **bold**"
            .to_owned(),
    };
    let prose = doc.prose();
    let targets: Vec<String> = links(&prose).into_iter().map(|(_, t)| t).collect();
    assert_eq!(targets, ["d#e (f)", "i"]);
    let names: Vec<String> = see_pointers(&prose).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["Real", "Wrapped name"]);
}
