//! Rebuilding the folded search index of a plan (and of the shared registry).

use entity::search_entry;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Set,
};

use sea_orm::sea_query::ExprTrait;

use super::data::{Dataset, Text};
use super::{partner_code, swot_codes};
use crate::fold::fold;

/// The language recorded for text that is the same in every language (names, acronyms).
pub const NEUTRAL: &str = "";

struct Indexer {
    plan_id: Option<i32>,
    rows: Vec<search_entry::ActiveModel>,
}

impl Indexer {
    fn add(&mut self, record_type: &str, code: &str, position: usize, field: &str, text: &Text) {
        for (lang, value) in text {
            self.add_plain(record_type, code, position, field, lang, value);
        }
    }

    fn add_plain(
        &mut self,
        record_type: &str,
        code: &str,
        position: usize,
        field: &str,
        lang: &str,
        value: &str,
    ) {
        if value.trim().is_empty() {
            return;
        }
        self.rows.push(search_entry::ActiveModel {
            id: NotSet,
            plan_id: Set(self.plan_id),
            record_type: Set(record_type.to_owned()),
            record_code: Set(code.to_owned()),
            field: Set(field.to_owned()),
            lang: Set(lang.to_owned()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            text: Set(value.to_owned()),
            folded: Set(fold(value)),
        });
    }

    async fn write(self, txn: &DatabaseTransaction) -> Result<(), DbErr> {
        // Batches keep each INSERT well under SQLite's and PostgreSQL's parameter limits.
        let mut rows = self.rows.into_iter().peekable();
        while rows.peek().is_some() {
            let batch: Vec<_> = rows.by_ref().take(500).collect();
            search_entry::Entity::insert_many(batch).exec(txn).await?;
        }
        Ok(())
    }
}

/// Replaces the search entries of `plan_id` and of the organization registry.
pub async fn rebuild(txn: &DatabaseTransaction, plan_id: i32, ds: &Dataset) -> Result<(), DbErr> {
    search_entry::Entity::delete_many()
        .filter(
            search_entry::Column::PlanId
                .eq(plan_id)
                .or(search_entry::Column::PlanId.is_null()),
        )
        .exec(txn)
        .await?;

    let mut orgs = Indexer {
        plan_id: None,
        rows: Vec::new(),
    };
    for (i, o) in ds.organizations.iter().enumerate() {
        orgs.add("Organization", &o.code, i, "name", &o.name);
        if let Some(acronym) = &o.acronym {
            orgs.add("Organization", &o.code, i, "acronym", acronym);
        }
        for alias in &o.aliases {
            orgs.add_plain("Organization", &o.code, i, "aliases", NEUTRAL, alias);
        }
    }
    let base = ds.organizations.len();
    for (i, m) in ds.municipalities.iter().enumerate() {
        orgs.add_plain(
            "Municipality",
            &m.ine_code,
            base + i,
            "name",
            NEUTRAL,
            &m.name,
        );
    }
    orgs.write(txn).await?;

    let mut ix = Indexer {
        plan_id: Some(plan_id),
        rows: Vec::new(),
    };
    let f = &ds.plan;
    let p = &f.plan;
    ix.add("Plan", &p.code, 0, "title", &p.title);
    ix.add("Plan", &p.code, 0, "generalObjective", &p.general_objective);
    for (i, s) in ds.sections.sections.iter().enumerate() {
        ix.add("Section", &s.code, i, "title", &s.title);
        ix.add("Section", &s.code, i, "body", &s.body);
    }
    for (i, k) in f.key_figures.iter().enumerate() {
        ix.add("KeyFigure", &k.code, i, "label", &k.label);
        ix.add("KeyFigure", &k.code, i, "sentence", &k.sentence);
    }
    for (i, (code, s)) in swot_codes(&f.swot).iter().zip(&f.swot).enumerate() {
        ix.add("SwotItem", code, i, "text", &s.text);
    }
    for (i, o) in f.specific_objectives.iter().enumerate() {
        ix.add("SpecificObjective", &o.code, i, "text", &o.text);
    }
    for (i, t) in f.themes.iter().enumerate() {
        ix.add("Theme", &t.code, i, "title", &t.title);
        for sub in &t.subtopics {
            ix.add("Theme", &t.code, i, "subtopics", sub);
        }
        if let Some(d) = &t.description {
            ix.add("Theme", &t.code, i, "description", d);
        }
    }
    for (i, g) in f.governance.iter().enumerate() {
        ix.add("GovernanceItem", &g.code, i, "title", &g.title);
        if let Some(s) = &g.summary {
            ix.add("GovernanceItem", &g.code, i, "summary", s);
        }
        ix.add("GovernanceItem", &g.code, i, "description", &g.description);
    }
    for (i, m) in f.monitoring.iter().enumerate() {
        ix.add("MonitoringCommitment", &m.code, i, "text", &m.text);
    }
    let s = &ds.strategy;
    for (i, l) in s.strategic_lines.iter().enumerate() {
        ix.add("StrategicLine", &l.code, i, "title", &l.title);
        ix.add("StrategicLine", &l.code, i, "description", &l.description);
        for (j, sc) in l.scopes.iter().enumerate() {
            ix.add("LineScope", &sc.code, j, "title", &sc.title);
            ix.add("LineScope", &sc.code, j, "description", &sc.description);
        }
    }
    for (i, a) in s.actions.iter().enumerate() {
        ix.add("Action", &a.code, i, "title", &a.title);
        ix.add("Action", &a.code, i, "responsibleText", &a.responsible_text);
        ix.add("Action", &a.code, i, "involvedText", &a.involved_text);
    }
    for (i, r) in s.expected_results.iter().enumerate() {
        ix.add("ExpectedResult", &r.code, i, "text", &r.text);
    }
    for (i, fi) in s.forms_of_intervention.iter().enumerate() {
        let mut add = |field, text| ix.add("FormOfIntervention", &fi.code, i, field, text);
        add("title", &fi.title);
        add("description", &fi.description);
        for c in &fi.contributions {
            add("contributions", &c.text);
        }
    }
    for (i, z) in ds.geography.zones.iter().enumerate() {
        let mut add = |field, text| ix.add("GeographicZone", &z.code, i, field, text);
        add("name", &z.name);
        add("description", &z.description);
        add("partnersStatement", &z.partners_statement);
        for l in &z.lines {
            add("strategicLines", &l.text);
        }
    }
    let partners = ds.geography.zones.iter().flat_map(|z| &z.partners);
    for (i, p) in partners.enumerate() {
        ix.add("PartnerMetropolis", &partner_code(p), i, "name", &p.name);
    }
    for (i, pa) in ds.people.participants.iter().enumerate() {
        let code = format!("P{:03}", i + 1);
        ix.add_plain("Participant", &code, i, "name", NEUTRAL, &pa.name);
        ix.add("Participant", &code, i, "organizationName", &pa.institution);
        ix.add("Participant", &code, i, "position", &pa.position);
    }
    for (i, e) in ds.people.glossary.iter().enumerate() {
        let code = super::glossary_code(e);
        ix.add("GlossaryEntry", &code, i, "acronym", &e.acronym);
        ix.add("GlossaryEntry", &code, i, "meaning", &e.meaning);
        if let Some(original) = &e.original {
            ix.add_plain("GlossaryEntry", &code, i, "original", NEUTRAL, original);
        }
    }
    ix.write(txn).await
}
