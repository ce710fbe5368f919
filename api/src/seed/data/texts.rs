//! Every localized text of each data file, with its TOML path: each must have the four
//! languages (and no other key), and the check needs to know where each one is.

use super::{
    GeographyFile, NamesFile, Organization, PeopleFile, PlanFile, SectionsFile, StrategyFile, Text,
};

/// Texts with their TOML paths (`actions[3].title`).
#[derive(Default)]
pub(super) struct Texts<'a>(pub Vec<(String, &'a Text)>);

impl<'a> Texts<'a> {
    fn add(&mut self, at: &str, fields: &[(&str, &'a Text)]) {
        for (field, text) in fields {
            self.0.push((format!("{at}.{field}"), *text));
        }
    }

    fn optional(&mut self, at: &str, field: &str, text: Option<&'a Text>) {
        if let Some(text) = text {
            self.add(at, &[(field, text)]);
        }
    }

    fn list(&mut self, at: &str, field: &str, texts: &'a [Text]) {
        for (i, text) in texts.iter().enumerate() {
            self.0.push((format!("{at}.{field}[{i}]"), text));
        }
    }
}

pub(super) fn organizations(orgs: &[Organization]) -> Texts<'_> {
    let mut t = Texts::default();
    for (i, o) in orgs.iter().enumerate() {
        let at = format!("organizations[{i}]");
        t.add(&at, &[("name", &o.name)]);
        t.optional(&at, "acronym", o.acronym.as_ref());
    }
    t
}

pub(super) fn plan(f: &PlanFile) -> Texts<'_> {
    let mut t = Texts::default();
    let p = &f.plan;
    t.add(
        "plan",
        &[
            ("title", &p.title),
            ("short_title", &p.short_title),
            ("approved_by", &p.approved_by),
            ("approval_statement", &p.approval_statement),
            ("publication_note", &p.publication_note),
            ("general_objective", &p.general_objective),
        ],
    );
    for (i, c) in p.credits.iter().enumerate() {
        t.add(
            &format!("plan.credits[{i}]"),
            &[("role", &c.role), ("text", &c.text)],
        );
    }
    for (i, k) in f.key_figures.iter().enumerate() {
        t.add(
            &format!("key_figures[{i}]"),
            &[("label", &k.label), ("sentence", &k.sentence)],
        );
    }
    for (i, s) in f.swot.iter().enumerate() {
        t.add(&format!("swot[{i}]"), &[("text", &s.text)]);
    }
    for (i, o) in f.specific_objectives.iter().enumerate() {
        t.add(&format!("specific_objectives[{i}]"), &[("text", &o.text)]);
    }
    for (i, th) in f.themes.iter().enumerate() {
        let at = format!("themes[{i}]");
        t.add(&at, &[("title", &th.title)]);
        t.list(&at, "subtopics", &th.subtopics);
        t.optional(&at, "summary_label", th.summary_label.as_ref());
        t.optional(&at, "description", th.description.as_ref());
    }
    for (i, g) in f.governance.iter().enumerate() {
        let at = format!("governance[{i}]");
        t.add(&at, &[("title", &g.title), ("description", &g.description)]);
        t.optional(&at, "summary", g.summary.as_ref());
    }
    for (i, m) in f.monitoring.iter().enumerate() {
        t.add(&format!("monitoring[{i}]"), &[("text", &m.text)]);
    }
    t
}

pub(super) fn sections(f: &SectionsFile) -> Texts<'_> {
    let mut t = Texts::default();
    for (i, s) in f.sections.iter().enumerate() {
        let at = format!("sections[{i}]");
        t.add(&at, &[("title", &s.title), ("body", &s.body)]);
        t.optional(&at, "signature", s.signature.as_ref());
    }
    t
}

pub(super) fn strategy(f: &StrategyFile) -> Texts<'_> {
    let mut t = Texts::default();
    for (i, l) in f.strategic_lines.iter().enumerate() {
        let at = format!("strategic_lines[{i}]");
        t.add(&at, &[("title", &l.title), ("description", &l.description)]);
        for (j, s) in l.scopes.iter().enumerate() {
            t.add(
                &format!("{at}.scopes[{j}]"),
                &[("title", &s.title), ("description", &s.description)],
            );
        }
    }
    for (i, a) in f.actions.iter().enumerate() {
        t.add(
            &format!("actions[{i}]"),
            &[
                ("title", &a.title),
                ("responsible_text", &a.responsible_text),
                ("involved_text", &a.involved_text),
            ],
        );
    }
    for (i, r) in f.expected_results.iter().enumerate() {
        t.add(&format!("expected_results[{i}]"), &[("text", &r.text)]);
    }
    for (i, fi) in f.forms_of_intervention.iter().enumerate() {
        let at = format!("forms_of_intervention[{i}]");
        t.add(
            &at,
            &[("title", &fi.title), ("description", &fi.description)],
        );
        for (j, c) in fi.contributions.iter().enumerate() {
            t.add(&format!("{at}.contributions[{j}]"), &[("text", &c.text)]);
        }
    }
    for (i, s) in f.summary.iter().enumerate() {
        let at = format!("summary[{i}]");
        t.add(
            &at,
            &[
                ("zones_and_institutions", &s.zones_and_institutions),
                ("actor_map", &s.actor_map),
            ],
        );
        t.list(&at, "concrete_actions", &s.concrete_actions);
    }
    t
}

pub(super) fn geography(f: &GeographyFile) -> Texts<'_> {
    let mut t = Texts::default();
    for (i, z) in f.zones.iter().enumerate() {
        let at = format!("zones[{i}]");
        t.add(
            &at,
            &[
                ("name", &z.name),
                ("description", &z.description),
                ("partners_statement", &z.partners_statement),
            ],
        );
        for (j, l) in z.lines.iter().enumerate() {
            t.add(&format!("{at}.lines[{j}]"), &[("text", &l.text)]);
        }
        for (j, p) in z.partners.iter().enumerate() {
            t.add(&format!("{at}.partners[{j}]"), &[("name", &p.name)]);
        }
    }
    t
}

pub(super) fn people(f: &PeopleFile) -> Texts<'_> {
    let mut t = Texts::default();
    for (i, p) in f.participants.iter().enumerate() {
        t.add(
            &format!("participants[{i}]"),
            &[("institution", &p.institution), ("position", &p.position)],
        );
    }
    for (i, g) in f.glossary.iter().enumerate() {
        t.add(
            &format!("glossary[{i}]"),
            &[("acronym", &g.acronym), ("meaning", &g.meaning)],
        );
    }
    t
}

pub(super) fn names(f: &NamesFile) -> Texts<'_> {
    let mut t = Texts::default();
    for (i, n) in f.organizations.iter().enumerate() {
        let at = format!("organizations[{i}]");
        t.add(&at, &[("name", &n.name)]);
        t.optional(&at, "acronym", n.acronym.as_ref());
    }
    t
}
