//! A plan's strategy (lines, scopes, actions, expected results, forms of intervention,
//! summary) and geography (zones, partners) against each other and the registry.

use std::collections::{HashMap, HashSet};

use super::enumerate;
use crate::seed::content::partner_code;
use crate::seed::data::texts;
use crate::seed::data::vocabulary::{PARTNER_RELATIONS, Shape};
use crate::seed::data::{Dataset, read::Reader};

pub(super) fn strategy(r: &mut Reader, f: usize, d: &Dataset, orgs: &HashSet<&str>) {
    let s = &d.strategy;
    r.unique(
        f,
        "strategic line",
        Shape::Code,
        enumerate("strategic_lines", "code", &s.strategic_lines, |l| &l.code),
    );
    r.unique(
        f,
        "scope",
        Shape::Code,
        s.strategic_lines.iter().enumerate().flat_map(|(i, l)| {
            l.scopes.iter().enumerate().map(move |(j, sc)| {
                (
                    format!("strategic_lines[{i}].scopes[{j}].code"),
                    sc.code.as_str(),
                )
            })
        }),
    );
    r.unique(
        f,
        "action",
        Shape::Code,
        enumerate("actions", "code", &s.actions, |a| &a.code),
    );
    r.unique(
        f,
        "expected result",
        Shape::Code,
        enumerate("expected_results", "code", &s.expected_results, |e| &e.code),
    );
    r.unique(
        f,
        "form of intervention",
        Shape::Code,
        enumerate(
            "forms_of_intervention",
            "code",
            &s.forms_of_intervention,
            |fi| &fi.code,
        ),
    );
    r.unique(
        f,
        "summary row of line",
        Shape::Any,
        enumerate("summary", "line", &s.summary, |row| &row.line),
    );
    // Each scope with the line it belongs to.
    let scopes: HashMap<&str, &str> = s
        .strategic_lines
        .iter()
        .flat_map(|l| {
            l.scopes
                .iter()
                .map(move |sc| (sc.code.as_str(), l.code.as_str()))
        })
        .collect();
    let mut line_refs: Vec<(String, String, &str)> = Vec::new();
    for (i, a) in s.actions.iter().enumerate() {
        line_refs.push((
            format!("actions[{i}].line"),
            format!("action {}", a.code),
            &a.line,
        ));
    }
    for (i, e) in s.expected_results.iter().enumerate() {
        line_refs.push((
            format!("expected_results[{i}].line"),
            format!("expected result {}", e.code),
            &e.line,
        ));
    }
    for (i, row) in s.summary.iter().enumerate() {
        line_refs.push((
            format!("summary[{i}].line"),
            "summary row".to_owned(),
            &row.line,
        ));
    }
    for (i, fi) in s.forms_of_intervention.iter().enumerate() {
        for (j, c) in fi.contributions.iter().enumerate() {
            line_refs.push((
                format!("forms_of_intervention[{i}].contributions[{j}].line"),
                format!("form of intervention {}", fi.code),
                &c.line,
            ));
        }
    }
    lines(r, f, d, line_refs);
    for (i, a) in s.actions.iter().enumerate() {
        if let Some(scope) = &a.scope {
            match scopes.get(scope.as_str()) {
                None => r.at(
                    f,
                    format!("actions[{i}].scope"),
                    format!("action {}: unknown scope {scope}", a.code),
                ),
                Some(line) if *line != a.line => r.at(
                    f,
                    format!("actions[{i}].scope"),
                    format!(
                        "action {}: scope {scope} is a scope of {line}, not of {}",
                        a.code, a.line
                    ),
                ),
                Some(_) => {}
            }
        }
        for (field, list) in [("responsible", &a.responsible), ("involved", &a.involved)] {
            for (j, org) in list.iter().enumerate() {
                if !orgs.contains(org.as_str()) {
                    r.at(
                        f,
                        format!("actions[{i}].{field}[{j}]"),
                        format!("action {}: unknown organization {org}", a.code),
                    );
                }
            }
        }
    }
    r.texts(f, texts::strategy(s));
}

/// Files a problem for each reference `(path, who, line)` to a line `d` does not have.
fn lines(r: &mut Reader, f: usize, d: &Dataset, refs: Vec<(String, String, &str)>) {
    for (path, who, line) in refs {
        if !d.has("line", line) {
            r.at(f, path, format!("{who}: unknown strategic line {line}"));
        }
    }
}

pub(super) fn geography(r: &mut Reader, f: usize, d: &Dataset) {
    let g = &d.geography;
    r.unique(
        f,
        "zone",
        Shape::Code,
        enumerate("zones", "code", &g.zones, |z| &z.code),
    );
    let mut refs = Vec::new();
    let mut partners = Vec::new();
    let mut relations = Vec::new();
    for (i, z) in g.zones.iter().enumerate() {
        for (j, l) in z.lines.iter().enumerate() {
            refs.push((
                format!("zones[{i}].lines[{j}].line"),
                format!("zone {}", z.code),
                l.line.as_str(),
            ));
        }
        for (j, p) in z.partners.iter().enumerate() {
            partners.push((format!("zones[{i}].partners[{j}].name.es"), partner_code(p)));
            relations.push((
                format!("zones[{i}].partners[{j}].relation"),
                p.relation.as_str(),
            ));
        }
    }
    lines(r, f, d, refs);
    r.vocabulary(f, &PARTNER_RELATIONS, relations);
    r.unique(
        f,
        "partner",
        Shape::Any,
        partners
            .iter()
            .map(|(path, code)| (path.clone(), code.as_str())),
    );
    r.texts(f, texts::geography(g));
}
