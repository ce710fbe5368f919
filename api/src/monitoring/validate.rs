//! Checking monitoring input before anything is written: every problem is reported at once,
//! each with the path of its field, and nothing is stored unless all pass.
//!
//! Paths are the domain's own field names (`percent_complete`, `milestones[1].date`,
//! `title.ca`); the GraphQL layer maps them to its argument paths
//! (`input.percentComplete`) in one function, `graphql::monitoring_write::argument_path`.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use entity::I18n;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use super::{
    ActivityPayload, EvaluationPayload, FundedProjectPayload, IndicatorPayload, MeasurementPayload,
    ProgressPayload, ProgressStatus,
};
use crate::error::{ApiError, FieldError};

/// Longest title, in characters.
pub const MAX_TITLE: usize = 500;
/// Longest narrative, summary or comment, in characters.
pub const MAX_TEXT: usize = 20_000;
/// Longest short text (place, source, unit), in characters.
pub const MAX_SHORT: usize = 200;
/// Longest link, in characters.
pub const MAX_LINK: usize = 2_000;
/// Most items in a list (links, milestones, linked codes).
pub const MAX_ITEMS: usize = 50;

/// The codes a record may refer to.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// Action codes of the plan.
    pub actions: HashSet<String>,
    /// Zone codes of the plan.
    pub zones: HashSet<String>,
    /// Partner metropolis codes of the plan.
    pub partners: HashSet<String>,
    /// Expected result codes of the plan.
    pub expected_results: HashSet<String>,
    /// Organization codes of the registry.
    pub organizations: HashSet<String>,
    /// INE codes of the 36 municipalities.
    pub municipalities: HashSet<String>,
    /// The strategic line of each action.
    pub action_lines: std::collections::HashMap<String, String>,
    /// The strategic line of each expected result.
    pub result_lines: std::collections::HashMap<String, String>,
}

impl Vocabulary {
    /// Loads the codes of `plan_id` and the registry.
    pub async fn load(db: &DatabaseConnection, plan_id: i32) -> Result<Self, ApiError> {
        use entity::{action, expected_result, geographic_zone, organization, zone_partner};
        /// The codes of `E`'s rows of the plan (`plan` is `E`'s plan column).
        async fn codes<E: EntityTrait>(
            db: &DatabaseConnection,
            plan_id: i32,
            plan: E::Column,
            code: E::Column,
        ) -> Result<HashSet<String>, ApiError> {
            let rows: Vec<String> = E::find()
                .filter(plan.eq(plan_id))
                .select_only()
                .column(code)
                .into_tuple()
                .all(db)
                .await?;
            Ok(rows.into_iter().collect())
        }
        // The codes of a table of the plan: every such table has `plan_id` and `code`.
        macro_rules! plan_codes {
            ($table:ident) => {
                codes::<$table::Entity>(db, plan_id, $table::Column::PlanId, $table::Column::Code)
                    .await?
            };
        }
        let organizations: Vec<(String, String)> = organization::Entity::find()
            .select_only()
            .column(organization::Column::Code)
            .column(organization::Column::Kind)
            .into_tuple()
            .all(db)
            .await?;
        let lines: std::collections::HashMap<i32, String> = entity::strategic_line::Entity::find()
            .filter(entity::strategic_line::Column::PlanId.eq(plan_id))
            .all(db)
            .await?
            .into_iter()
            .map(|l| (l.id, l.code))
            .collect();
        let action_lines = action::Entity::find()
            .filter(action::Column::PlanId.eq(plan_id))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|a| Some((a.code, lines.get(&a.line_id)?.clone())))
            .collect();
        let result_lines = expected_result::Entity::find()
            .filter(expected_result::Column::PlanId.eq(plan_id))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|r| Some((r.code, lines.get(&r.line_id)?.clone())))
            .collect();
        Ok(Vocabulary {
            action_lines,
            result_lines,
            actions: plan_codes!(action),
            zones: plan_codes!(geographic_zone),
            partners: plan_codes!(zone_partner),
            expected_results: plan_codes!(expected_result),
            municipalities: organizations
                .iter()
                .filter(|(_, kind)| kind == "MUNICIPALITY")
                .map(|(code, _)| code.clone())
                .collect(),
            organizations: organizations.into_iter().map(|(code, _)| code).collect(),
        })
    }
}

/// Collects field errors.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    /// Records that `field` is invalid.
    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// `Ok` when nothing failed; otherwise every error at once.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Invalid(self.errors))
        }
    }

    /// A localized text: no language longer than `max`; `required` means some language has it.
    pub fn text(&mut self, field: &str, text: &I18n, required: bool, max: usize) {
        if required && text.0.values().all(|t| t.trim().is_empty()) {
            self.fail(
                field,
                "a text in at least one language (ca, es, en, fr) is required",
            );
        }
        for (lang, t) in &text.0 {
            if t.chars().count() > max {
                self.fail(
                    format!("{field}.{lang}"),
                    format!("at most {max} characters"),
                );
            }
        }
    }

    /// A plain short text.
    pub fn short(&mut self, field: &str, text: &str, required: bool) {
        if required && text.trim().is_empty() {
            self.fail(field, "must not be empty");
        }
        if text.chars().count() > MAX_SHORT {
            self.fail(field, format!("at most {MAX_SHORT} characters"));
        }
    }

    /// A year within the plan's period.
    pub fn year(&mut self, field: &str, year: i32, (start, end): (i32, i32)) {
        if !(start..=end).contains(&year) {
            self.fail(field, format!("must be a year of the plan, {start}-{end}"));
        }
    }

    /// An http(s) link.
    pub fn link(&mut self, field: &str, link: &str) {
        let lower = link.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        if rest
            .is_none_or(|r| r.is_empty() || r.starts_with('/') || r.contains(char::is_whitespace))
        {
            self.fail(field, "must be an http:// or https:// link");
        } else if link.chars().count() > MAX_LINK {
            self.fail(field, format!("at most {MAX_LINK} characters"));
        }
    }

    /// A list of links.
    pub fn links(&mut self, field: &str, links: &[String]) {
        if links.len() > MAX_ITEMS {
            self.fail(field, format!("at most {MAX_ITEMS} links"));
        }
        for (i, l) in links.iter().enumerate() {
            self.link(&format!("{field}[{i}]"), l);
        }
    }

    /// An amount that must not be below zero; whether it is not.
    pub fn non_negative(&mut self, field: &str, value: Decimal) -> bool {
        let negative = value.is_sign_negative() && !value.is_zero();
        if negative {
            self.fail(field, "must not be negative");
        }
        !negative
    }

    /// Codes that must all be known.
    pub fn codes(&mut self, field: &str, codes: &[String], known: &HashSet<String>, what: &str) {
        if codes.len() > MAX_ITEMS {
            self.fail(field, format!("at most {MAX_ITEMS} codes"));
        }
        for (i, c) in codes.iter().enumerate() {
            if !known.contains(c) {
                self.fail(format!("{field}[{i}]"), format!("unknown {what} {c:?}"));
            }
        }
    }

    /// An end that is not before its start.
    pub fn period(&mut self, field: &str, start: NaiveDate, end: Option<NaiveDate>) {
        if end.is_some_and(|e| e < start) {
            self.fail(field, "must not be before the start date");
        }
    }
}

/// Checks a progress update for `year` of a plan spanning `years`.
pub fn progress(
    p: &ProgressPayload,
    year: i32,
    years: (i32, i32),
    vocab: &Vocabulary,
) -> Result<(), ApiError> {
    let mut c = Checker::default();
    if !vocab.actions.contains(&p.action) {
        c.fail("action", format!("unknown action {:?}", p.action));
    }
    c.year("year", year, years);
    if !(0..=100).contains(&p.percent_complete) {
        c.fail("percent_complete", "must be between 0 and 100");
    } else if p.status == ProgressStatus::Completed && p.percent_complete != 100 {
        c.fail("percent_complete", "a COMPLETED action is 100 % complete");
    } else if p.status == ProgressStatus::NotStarted && p.percent_complete != 0 {
        c.fail("percent_complete", "a NOT_STARTED action is 0 % complete");
    }
    c.text("narrative", &p.narrative, false, MAX_TEXT);
    if p.milestones.len() > MAX_ITEMS {
        c.fail("milestones", format!("at most {MAX_ITEMS} milestones"));
    }
    for (i, m) in p.milestones.iter().enumerate() {
        c.text(&format!("milestones[{i}].text"), &m.text, true, MAX_TITLE);
        let y = m.date.year();
        if !(years.0..=years.1 + 1).contains(&y) {
            c.fail(
                format!("milestones[{i}].date"),
                format!("must fall within the plan, {}-{}", years.0, years.1),
            );
        }
    }
    c.links("evidence_links", &p.evidence_links);
    c.finish()
}

/// Checks an activity.
pub fn activity(
    p: &ActivityPayload,
    years: (i32, i32),
    vocab: &Vocabulary,
) -> Result<(), ApiError> {
    let mut c = Checker::default();
    c.text("title", &p.title, true, MAX_TITLE);
    c.text("summary", &p.summary, false, MAX_TEXT);
    c.year("start_date", p.start_date.year(), years);
    c.period("end_date", p.start_date, p.end_date);
    if let Some(place) = &p.place {
        c.short("place", place, false);
    }
    c.links("links", &p.links);
    c.codes("actions", &p.actions, &vocab.actions, "action");
    c.codes("zones", &p.zones, &vocab.zones, "zone");
    c.codes(
        "partners",
        &p.partners,
        &vocab.partners,
        "partner metropolis",
    );
    c.codes(
        "organizations",
        &p.organizations,
        &vocab.organizations,
        "organization",
    );
    c.codes(
        "municipalities",
        &p.municipalities,
        &vocab.municipalities,
        "municipality",
    );
    c.finish()
}

/// Checks a funded project.
pub fn funded_project(
    p: &FundedProjectPayload,
    years: (i32, i32),
    vocab: &Vocabulary,
) -> Result<(), ApiError> {
    let mut c = Checker::default();
    c.text("title", &p.title, true, MAX_TITLE);
    c.text("summary", &p.summary, false, MAX_TEXT);
    let total_fine = c.non_negative("total_budget", p.total_budget);
    let grant_fine = c.non_negative("grant_amount", p.grant_amount);
    // Compared only when both are amounts at all, so that one mistake is reported once.
    if total_fine && grant_fine && p.grant_amount > p.total_budget {
        c.fail("grant_amount", "must not exceed the total budget");
    }
    // Projects may have started before the plan (2014-2020 funds) but must touch its period.
    if p.start_date.year() > years.1 {
        c.fail("start_date", format!("must start by {}", years.1));
    }
    if p.end_date.is_some_and(|e| e.year() < years.0) {
        c.fail("end_date", format!("must end in {} or later", years.0));
    }
    c.period("end_date", p.start_date, p.end_date);
    c.links("links", &p.links);
    c.codes("actions", &p.actions, &vocab.actions, "action");
    c.codes(
        "municipalities",
        &p.municipalities,
        &vocab.municipalities,
        "municipality",
    );
    c.finish()
}

/// Checks an indicator.
pub fn indicator(
    p: &IndicatorPayload,
    code: &str,
    years: (i32, i32),
    vocab: &Vocabulary,
) -> Result<(), ApiError> {
    let mut c = Checker::default();
    if code.is_empty()
        || code.len() > 50
        || !code
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '.' | '_'))
    {
        c.fail("code", "1-50 letters, digits, '-', '.' or '_'");
    }
    c.text("name", &p.name, true, MAX_TITLE);
    c.short("unit", &p.unit, true);
    match (&p.expected_result, &p.action) {
        (None, None) => c.fail(
            "expected_result",
            "an expected result or an action is required",
        ),
        (Some(r), _) if !vocab.expected_results.contains(r) => {
            c.fail("expected_result", format!("unknown expected result {r:?}"));
        }
        (_, Some(a)) if !vocab.actions.contains(a) => {
            c.fail("action", format!("unknown action {a:?}"));
        }
        _ => {}
    }
    // A baseline may predate the plan; a target must fall within it.
    if !(2000..=years.1).contains(&p.baseline_year) {
        c.fail(
            "baseline_year",
            format!("must be between 2000 and {}", years.1),
        );
    }
    c.year("target_year", p.target_year, years);
    if p.target_year < p.baseline_year {
        c.fail("target_year", "must not be before the baseline year");
    }
    c.finish()
}

/// Checks a measurement for `year`.
pub fn measurement(p: &MeasurementPayload, year: i32, years: (i32, i32)) -> Result<(), ApiError> {
    let mut c = Checker::default();
    c.year("year", year, years);
    c.short("source", &p.source, true);
    c.text("notes", &p.notes, false, MAX_TEXT);
    c.finish()
}

/// Checks an evaluation.
pub fn evaluation(p: &EvaluationPayload, year: i32, years: (i32, i32)) -> Result<(), ApiError> {
    let mut c = Checker::default();
    c.year("year", year, years);
    if let Some(start) = p.start_date {
        c.period("end_date", start, p.end_date);
    }
    c.text("summary", &p.summary, false, MAX_TEXT);
    c.text("findings", &p.findings, false, MAX_TEXT);
    c.text("recommendations", &p.recommendations, false, MAX_TEXT);
    if let Some(link) = &p.document_link {
        c.link("document_link", link);
    }
    c.finish()
}
