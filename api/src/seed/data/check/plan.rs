//! One plan's files against each other and the registry: `plan.toml`, `sections.toml`,
//! `people.toml`, `names.toml` and `renames.toml` here, the strategy and geography in
//! [`super::strategy`].

use std::collections::HashSet;

use chrono::NaiveDate;

use super::{PlanFiles, enumerate, strategy};
use crate::seed::content::glossary_code;
use crate::seed::data::texts;
use crate::seed::data::vocabulary::{
    COMPARATORS, FIGURE_UNITS, ITEM_KINDS, LANGUAGES, MONITORING_KINDS, PARTICIPANT_GROUPS,
    SWOT_KINDS, Shape, THEME_CATEGORIES,
};
use crate::seed::data::{Dataset, read::Reader};

/// One plan's files against each other and the registry.
pub(in crate::seed::data) fn plan(r: &mut Reader, files: &PlanFiles, folder: &str, d: &Dataset) {
    let orgs: HashSet<&str> = d
        .organizations
        .iter()
        .map(|o| o.code.as_str())
        .chain(d.municipalities.iter().map(|m| m.ine_code.as_str()))
        .collect();
    plan_file(r, files.plan, folder, d, &orgs);
    let f = files.sections;
    r.unique(
        f,
        "section",
        Shape::Slug,
        enumerate("sections", "code", &d.sections.sections, |s| &s.code),
    );
    r.texts(f, texts::sections(&d.sections));
    strategy::strategy(r, files.strategy, d, &orgs);
    strategy::geography(r, files.geography, d);
    let f = files.people;
    r.vocabulary(
        f,
        &PARTICIPANT_GROUPS,
        enumerate("participants", "group", &d.people.participants, |p| {
            &p.group
        }),
    );
    // The seed codes a glossary entry by its Spanish acronym.
    let glossary: Vec<(String, String)> = d
        .people
        .glossary
        .iter()
        .enumerate()
        .map(|(i, g)| (format!("glossary[{i}].acronym.es"), glossary_code(g)))
        .collect();
    r.unique(
        f,
        "glossary acronym",
        Shape::Any,
        glossary
            .iter()
            .map(|(path, code)| (path.clone(), code.as_str())),
    );
    r.texts(f, texts::people(&d.people));
    if let Some(f) = files.names {
        names(r, f, d, &orgs);
    }
    if let Some(f) = files.renames {
        renames(r, f, d);
    }
}

fn plan_file(r: &mut Reader, f: usize, folder: &str, d: &Dataset, orgs: &HashSet<&str>) {
    let p = &d.plan.plan;
    r.unique(
        f,
        "plan",
        Shape::Code,
        [("plan.code".to_owned(), p.code.as_str())],
    );
    if p.code != folder {
        r.at(
            f,
            "plan.code",
            format!("plan code {:?} is not its folder's name {folder:?}", p.code),
        );
    }
    if p.start_year > p.end_year {
        r.at(
            f,
            "plan.end_year",
            format!(
                "end_year {} is before start_year {}",
                p.end_year, p.start_year
            ),
        );
    }
    // TOML checks the date itself; a date with a time, or a time, still reads.
    if NaiveDate::parse_from_str(&p.approved_on.to_string(), "%Y-%m-%d").is_err() {
        r.at(
            f,
            "plan.approved_on",
            format!(
                "approved_on {} is not a date: a plan is approved on a day, written YYYY-MM-DD",
                p.approved_on
            ),
        );
    }
    r.vocabulary(
        f,
        &LANGUAGES,
        p.publication_languages
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("plan.publication_languages[{i}]"), l.as_str())),
    );
    let f_ = &d.plan;
    let sections: HashSet<&str> = d
        .sections
        .sections
        .iter()
        .map(|s| s.code.as_str())
        .collect();
    r.unique(
        f,
        "key figure",
        Shape::Slug,
        enumerate("key_figures", "code", &f_.key_figures, |k| &k.code),
    );
    for (i, k) in f_.key_figures.iter().enumerate() {
        if k.value.parse::<rust_decimal::Decimal>().is_err() {
            r.at(
                f,
                format!("key_figures[{i}].value"),
                format!(
                    "key figure {}: value {:?} is not a decimal",
                    k.code, k.value
                ),
            );
        }
        if !sections.contains(k.section.as_str()) {
            r.at(
                f,
                format!("key_figures[{i}].section"),
                format!(
                    "key figure {}: unknown section {} (sections.toml)",
                    k.code, k.section
                ),
            );
        }
    }
    r.vocabulary(
        f,
        &COMPARATORS,
        enumerate("key_figures", "comparator", &f_.key_figures, |k| {
            &k.comparator
        }),
    );
    r.vocabulary(
        f,
        &FIGURE_UNITS,
        enumerate("key_figures", "unit", &f_.key_figures, |k| &k.unit),
    );
    r.vocabulary(
        f,
        &SWOT_KINDS,
        enumerate("swot", "kind", &f_.swot, |s| &s.kind),
    );
    r.unique(
        f,
        "specific objective",
        Shape::Code,
        enumerate(
            "specific_objectives",
            "code",
            &f_.specific_objectives,
            |o| &o.code,
        ),
    );
    r.unique(
        f,
        "theme",
        Shape::Slug,
        enumerate("themes", "code", &f_.themes, |t| &t.code),
    );
    r.vocabulary(
        f,
        &THEME_CATEGORIES,
        enumerate("themes", "category", &f_.themes, |t| &t.category),
    );
    r.unique(
        f,
        "governance item",
        Shape::Slug,
        enumerate("governance", "code", &f_.governance, |g| &g.code),
    );
    for (i, g) in f_.governance.iter().enumerate() {
        for (j, org) in g.organizations.iter().enumerate() {
            if !orgs.contains(org.as_str()) {
                r.at(
                    f,
                    format!("governance[{i}].organizations[{j}]"),
                    format!("governance {}: unknown organization {org}", g.code),
                );
            }
        }
    }
    r.unique(
        f,
        "monitoring commitment",
        Shape::Slug,
        enumerate("monitoring", "code", &f_.monitoring, |m| &m.code),
    );
    r.vocabulary(
        f,
        &MONITORING_KINDS,
        enumerate("monitoring", "kind", &f_.monitoring, |m| &m.kind),
    );
    r.texts(f, texts::plan(&d.plan));
}

fn names(r: &mut Reader, f: usize, d: &Dataset, orgs: &HashSet<&str>) {
    let n = &d.names.organizations;
    r.unique(
        f,
        "organization",
        Shape::Code,
        enumerate("organizations", "code", n, |o| &o.code),
    );
    for (i, o) in n.iter().enumerate() {
        if !orgs.contains(o.code.as_str()) {
            r.at(
                f,
                format!("organizations[{i}].code"),
                format!("unknown organization {}", o.code),
            );
        }
    }
    r.texts(f, texts::names(&d.names));
}

fn renames(r: &mut Reader, f: usize, d: &Dataset) {
    let list = &d.renames.renames;
    r.vocabulary(
        f,
        &ITEM_KINDS,
        enumerate("renames", "kind", list, |x| &x.kind),
    );
    for (i, x) in list.iter().enumerate() {
        if !ITEM_KINDS.allows(&x.kind) {
            continue;
        }
        if !d.has(&x.kind, &x.to) {
            r.at(
                f,
                format!("renames[{i}].to"),
                format!(
                    "{} {} is renamed to {}, which this plan has no {} of",
                    x.kind, x.from, x.to, x.kind
                ),
            );
        }
        if d.has(&x.kind, &x.from) {
            r.at(
                f,
                format!("renames[{i}].from"),
                format!(
                    "{} {} is renamed to {}, but this plan still has {}",
                    x.kind, x.from, x.to, x.from
                ),
            );
        }
    }
    r.unique(
        f,
        "rename of",
        Shape::Code,
        list.iter()
            .enumerate()
            .map(|(i, x)| (format!("renames[{i}].from"), x.from.as_str())),
    );
}
