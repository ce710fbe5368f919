//! Monitoring and evaluation: the records AMB areas and municipalities report, their review,
//! and what is assembled from them (roll-ups, indicator status, the annual report).
//!
//! Plain Rust, no GraphQL: the `graphql::monitoring` module maps these to the public schema.
//! Every record kind shares one table (state, version, owner, year as columns) and keeps its
//! own fields in a JSON payload described by the `*Payload` structs here.

pub mod report;
pub mod store;
pub mod validate;

use chrono::NaiveDate;
use entity::I18n;
use serde::{Deserialize, Serialize};

/// Kinds of monitoring records, as stored.
pub mod kind {
    /// A progress update of an action for a reporting year.
    pub const PROGRESS_UPDATE: &str = "PROGRESS_UPDATE";
    /// An activity (forum, meeting, visit, …).
    pub const ACTIVITY: &str = "ACTIVITY";
    /// A project funded by the EU or others.
    pub const FUNDED_PROJECT: &str = "FUNDED_PROJECT";
    /// An indicator tied to an expected result or an action.
    pub const INDICATOR: &str = "INDICATOR";
    /// A yearly measurement of an indicator.
    pub const MEASUREMENT: &str = "MEASUREMENT";
    /// A mid-term or final evaluation.
    pub const EVALUATION: &str = "EVALUATION";
}

/// Review states, as stored.
pub mod state {
    /// Being written by its reporter.
    pub const DRAFT: &str = "DRAFT";
    /// Sent for review.
    pub const SUBMITTED: &str = "SUBMITTED";
    /// Visible to everyone.
    pub const PUBLISHED: &str = "PUBLISHED";
    /// Sent back to its reporter with a comment.
    pub const RETURNED: &str = "RETURNED";
    /// Withdrawn; kept, never deleted.
    pub const ARCHIVED: &str = "ARCHIVED";
}

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
    /// NOT_STARTED, IN_PROGRESS, DELAYED, COMPLETED or DISCONTINUED.
    pub status: String,
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
    /// FORUM, NETWORK_MEETING, JOINT_POSITION, STUDY_SEMINAR, DELEGATION_RECEIVED, STUDY_VISIT,
    /// EVENT or KNOWLEDGE_TRANSFER.
    pub kind: String,
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
    /// FEDER, HORIZON_EUROPE, LIFE, INTERREG, URBACT, NEXT_GENERATION_EU, EIB_LOAN or OTHER.
    pub programme: String,
    /// LEAD or PARTNER.
    pub role: String,
    /// Total budget in EUR, exact decimal.
    pub total_budget: String,
    /// Grant in EUR, exact decimal.
    pub grant_amount: String,
    /// Start of the project.
    pub start_date: NaiveDate,
    /// End of the project.
    pub end_date: Option<NaiveDate>,
    /// APPLIED, AWARDED, REJECTED, IN_EXECUTION or CLOSED.
    pub status: String,
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
    pub baseline_value: String,
    /// Baseline year.
    pub baseline_year: i32,
    /// Target value.
    pub target_value: String,
    /// Target year.
    pub target_year: i32,
    /// INCREASE or DECREASE: which way is better.
    pub direction: String,
}

/// The fields of a measurement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasurementPayload {
    /// The indicator's record id.
    pub indicator_id: i32,
    /// The value, exact decimal.
    pub value: String,
    /// Where the value comes from.
    pub source: String,
    /// Notes.
    pub notes: I18n,
}

/// The fields of an evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvaluationPayload {
    /// MID_TERM or FINAL.
    pub kind: String,
    /// PLANNED, IN_PROGRESS or COMPLETED.
    pub status: String,
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
#[derive(Clone, Debug, PartialEq, Eq)]
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
        record.state == state::PUBLISHED
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
