//! The columns of every download, in order, with what each holds: the one table the CSV and
//! JSON writers ([`super::build`]) and the data package's Table Schemas
//! ([`crate::exports::datapackage`]) both read. [`super::build`] writes one cell per column in
//! this order, and the sink checks every cell against its column (see
//! [`Column::holds`]).
//!
//! `required` and `unique` are stated only where the data guarantees them: a unique index, a
//! foreign key, a validation that refuses the record without it, or a value written for every
//! row.

use super::Dataset;
use crate::exports::table::{Column, Kind};
use crate::monitoring::{
    ActivityKind, EvaluationKind, EvaluationStatus, FundingProgramme, IndicatorDirection,
    IndicatorStatus, ProgressStatus, ProjectRole, ProjectStatus,
};

const fn col(name: &'static str, kind: Kind) -> Column {
    Column::new(name, kind)
}

use Kind::{Bool, Code, Date, DateTime, Decimal, Integer, List, OneOf, Percent, Text, Year};

/// The public id of a monitoring record: its key.
const ID: Column = col("id", Code).key();
/// A monitoring record's reporting year (a record may have none).
const YEAR: Column = col("year", Year);
/// Every monitoring row: demo data or not, and when it was published (a published record
/// always has that date).
const SYNTHETIC: Column = col("synthetic", Bool).required();
const PUBLISHED_AT: Column = col("published_at", DateTime).required();

/// `actions`.
pub const ACTIONS: &[Column] = &[
    col("code", Code).key(),
    col("strategic_line_code", Code).required(),
    col("strategic_line_title", Text).required(),
    col("scope_code", Code),
    col("scope_title", Text),
    col("title", Text).required(),
    col("responsible_codes", List),
    col("responsible_names", List),
    col("involved_codes", List),
    col("involved_names", List),
    col("responsible_text", Text),
    col("involved_text", Text),
];

/// `organizations`.
pub const ORGANIZATIONS: &[Column] = &[
    col("code", Code).key(),
    col("kind", Code).required(),
    col("name", Text).required(),
    col("acronym", Text),
    col("parent_code", Code),
    col("ine_code", Code),
    col("comarca", Text),
];

/// `municipalities`.
pub const MUNICIPALITIES: &[Column] = &[
    col("ine_code", Code).key(),
    col("code", Code).required().unique(),
    col("name", Text).required(),
    col("comarca", Text),
    col("action_count", Integer).required(),
    col("action_codes", List),
];

/// `expected-results`.
pub const EXPECTED_RESULTS: &[Column] = &[
    col("code", Code).key(),
    col("strategic_line_code", Code).required(),
    col("text", Text).required(),
];

/// `progress-updates`.
pub const PROGRESS_UPDATES: &[Column] = &[
    ID,
    YEAR,
    col("action_code", Code).required(),
    col("action_title", Text),
    col("status", OneOf(ProgressStatus::NAMES)).required(),
    col("percent_complete", Percent).required(),
    col("narrative", Text),
    col("evidence_links", List),
    SYNTHETIC,
    PUBLISHED_AT,
];

/// `activities`.
pub const ACTIVITIES: &[Column] = &[
    ID,
    YEAR,
    col("kind", OneOf(ActivityKind::NAMES)).required(),
    col("title", Text).required(),
    col("summary", Text),
    col("start_date", Date).required(),
    col("end_date", Date),
    col("place", Text),
    col("action_codes", List),
    col("zone_codes", List),
    col("partner_codes", List),
    col("organization_codes", List),
    col("municipality_ine_codes", List),
    col("links", List),
    SYNTHETIC,
    PUBLISHED_AT,
];

/// `funded-projects`.
pub const FUNDED_PROJECTS: &[Column] = &[
    ID,
    YEAR,
    col("programme", OneOf(FundingProgramme::NAMES)).required(),
    col("role", OneOf(ProjectRole::NAMES)).required(),
    col("title", Text).required(),
    col("summary", Text),
    col("total_budget_eur", Decimal).required(),
    col("grant_amount_eur", Decimal).required(),
    col("start_date", Date).required(),
    col("end_date", Date),
    col("status", OneOf(ProjectStatus::NAMES)).required(),
    col("continued_after_funding", Bool),
    col("action_codes", List),
    col("municipality_ine_codes", List),
    col("links", List),
    SYNTHETIC,
    PUBLISHED_AT,
];

/// `indicators`.
pub const INDICATORS: &[Column] = &[
    ID,
    col("code", Code).unique(),
    col("name", Text).required(),
    col("unit", Text).required(),
    col("expected_result_code", Code),
    col("action_code", Code),
    col("baseline_value", Decimal).required(),
    col("baseline_year", Year).required(),
    col("target_value", Decimal).required(),
    col("target_year", Year).required(),
    col("direction", OneOf(IndicatorDirection::NAMES)).required(),
    col("latest_value", Decimal),
    col("latest_year", Year),
    col("status", OneOf(IndicatorStatus::NAMES)).required(),
    SYNTHETIC,
    PUBLISHED_AT,
];

/// `measurements`.
pub const MEASUREMENTS: &[Column] = &[
    ID,
    col("indicator_id", Code),
    col("indicator_code", Code),
    YEAR,
    col("value", Decimal).required(),
    col("source", Text).required(),
    col("notes", Text),
    SYNTHETIC,
    PUBLISHED_AT,
];

/// `evaluations`.
pub const EVALUATIONS: &[Column] = &[
    ID,
    col("kind", OneOf(EvaluationKind::NAMES)).required(),
    YEAR,
    col("status", OneOf(EvaluationStatus::NAMES)).required(),
    col("start_date", Date),
    col("end_date", Date),
    col("summary", Text),
    col("findings", Text),
    col("recommendations", Text),
    col("document_link", Text),
    SYNTHETIC,
    PUBLISHED_AT,
];

/// `annual-report-{year}`: one row per action, so the year and the action code are its key.
pub const ANNUAL_REPORT: &[Column] = &[
    col("year", Year).key(),
    col("strategic_line_code", Code).required(),
    col("strategic_line_title", Text).required(),
    col("action_code", Code).key(),
    col("action_title", Text).required(),
    col("status", OneOf(ProgressStatus::NAMES)),
    col("percent_complete", Percent),
    col("narrative", Text),
    col("line_activities", Integer).required(),
    col("line_funded_projects", Integer).required(),
    col("line_indicators", Integer).required(),
];

impl Dataset {
    /// The download's columns, in order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Dataset::Actions => ACTIONS,
            Dataset::Organizations => ORGANIZATIONS,
            Dataset::Municipalities => MUNICIPALITIES,
            Dataset::ExpectedResults => EXPECTED_RESULTS,
            Dataset::ProgressUpdates => PROGRESS_UPDATES,
            Dataset::Activities => ACTIVITIES,
            Dataset::FundedProjects => FUNDED_PROJECTS,
            Dataset::Indicators => INDICATORS,
            Dataset::Measurements => MEASUREMENTS,
            Dataset::Evaluations => EVALUATIONS,
            Dataset::AnnualReport(_) => ANNUAL_REPORT,
        }
    }
}
