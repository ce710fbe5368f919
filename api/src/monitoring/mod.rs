//! Monitoring and evaluation: the records AMB areas and municipalities report, their review,
//! and what is assembled from them (roll-ups, indicator status, the annual report).
//!
//! Plain Rust, no GraphQL: the `graphql::monitoring` module maps these to the public schema.
//! Every record kind shares one table (state, version, owner, year as columns) and keeps its
//! own fields in a JSON payload described by the `*Payload` structs here.

pub mod annual;
pub mod report;
pub mod service;
pub mod store;
pub mod validate;
pub mod values;

use chrono::NaiveDate;
use entity::I18n;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use values::{
    ActivityKind, EvaluationKind, EvaluationStatus, FundingProgramme, IndicatorDirection,
    IndicatorStatus, ProgressStatus, ProjectRole, ProjectStatus, RecordKind, ReviewState,
    UnknownValue, decimal_string,
};

/// A dated milestone of a progress update.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    /// When.
    pub date: NaiveDate,
    /// What.
    pub text: I18n,
}

/// The fields of a progress update.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressPayload {
    /// The action's code.
    pub action: String,
    /// Where the action stands.
    pub status: ProgressStatus,
    /// 0-100.
    pub percent_complete: i32,
    /// What was done.
    pub narrative: I18n,
    /// Milestones reached or planned.
    pub milestones: Vec<Milestone>,
    /// Links to evidence (http or https).
    pub evidence_links: Vec<String>,
}

/// The fields of an activity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityPayload {
    /// Kind of activity.
    pub kind: ActivityKind,
    /// Title.
    pub title: I18n,
    /// Summary.
    pub summary: I18n,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day, if more than one.
    pub end_date: Option<NaiveDate>,
    /// Where.
    pub place: Option<String>,
    /// Links to more information.
    pub links: Vec<String>,
    /// Actions it carries out (codes).
    pub actions: Vec<String>,
    /// Geographic zones (codes).
    pub zones: Vec<String>,
    /// Partner metropolises (codes).
    pub partners: Vec<String>,
    /// Organizations involved (codes).
    pub organizations: Vec<String>,
    /// Municipalities involved (INE codes).
    pub municipalities: Vec<String>,
}

/// The fields of a funded project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FundedProjectPayload {
    /// Title.
    pub title: I18n,
    /// Summary.
    pub summary: I18n,
    /// Funding programme.
    pub programme: FundingProgramme,
    /// The AMB's role.
    pub role: ProjectRole,
    /// Total budget in EUR.
    #[serde(with = "decimal_string")]
    pub total_budget: Decimal,
    /// Grant in EUR.
    #[serde(with = "decimal_string")]
    pub grant_amount: Decimal,
    /// Start of the project.
    pub start_date: NaiveDate,
    /// End of the project.
    pub end_date: Option<NaiveDate>,
    /// Status of the project.
    pub status: ProjectStatus,
    /// Whether it continued after the EU funding ended (unknown until it has ended).
    pub continued_after_funding: Option<bool>,
    /// Links to more information.
    pub links: Vec<String>,
    /// Actions it serves (codes).
    pub actions: Vec<String>,
    /// Participating municipalities (INE codes).
    pub municipalities: Vec<String>,
}

/// The fields of an indicator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorPayload {
    /// Name.
    pub name: I18n,
    /// Unit of measurement (free text: "projects", "EUR", "%").
    pub unit: String,
    /// The expected result it measures (code), if any.
    pub expected_result: Option<String>,
    /// The action it measures (code), if any.
    pub action: Option<String>,
    /// Baseline value.
    #[serde(with = "decimal_string")]
    pub baseline_value: Decimal,
    /// Baseline year.
    pub baseline_year: i32,
    /// Target value.
    #[serde(with = "decimal_string")]
    pub target_value: Decimal,
    /// Target year.
    pub target_year: i32,
    /// Which way is better.
    pub direction: IndicatorDirection,
}

/// The fields of a measurement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasurementPayload {
    /// The indicator's record id.
    pub indicator_id: i32,
    /// The value.
    #[serde(with = "decimal_string")]
    pub value: Decimal,
    /// Where the value comes from.
    pub source: String,
    /// Notes.
    pub notes: I18n,
}

/// The fields of an evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvaluationPayload {
    /// Mid-term or final.
    pub kind: EvaluationKind,
    /// Status of the evaluation.
    pub status: EvaluationStatus,
    /// Start of the evaluation.
    pub start_date: Option<NaiveDate>,
    /// End of the evaluation.
    pub end_date: Option<NaiveDate>,
    /// Summary.
    pub summary: I18n,
    /// Findings.
    pub findings: I18n,
    /// Recommendations.
    pub recommendations: I18n,
    /// Link to the evaluation document.
    pub document_link: Option<String>,
}

/// Whether the viewer may see a record in `state` owned as given: the policy decides, this is
/// the shape the store needs to apply it in SQL.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Every record.
    All,
    /// Published records only.
    PublishedOnly,
    /// Published records, and those owned by these units.
    PublishedOrUnits(Vec<String>),
    /// Published records, and those of this municipality.
    PublishedOrMunicipality(String),
}

impl Visibility {
    /// Whether a record with this state and owner is visible.
    pub fn sees(&self, record: &entity::monitoring_record::Model) -> bool {
        record.state == ReviewState::Published.as_str()
            || match self {
                Visibility::All => true,
                Visibility::PublishedOnly => false,
                Visibility::PublishedOrUnits(units) => record
                    .owner_unit
                    .as_ref()
                    .is_some_and(|u| units.contains(u)),
                Visibility::PublishedOrMunicipality(ine) => {
                    record.owner_municipality.as_ref() == Some(ine)
                }
            }
    }
}
