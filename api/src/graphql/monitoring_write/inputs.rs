//! The input objects of the monitoring mutations, and what each becomes for the service: a
//! [`Draft`] of the domain. Only shapes change here; every rule is the service's.

use async_graphql::{ID, InputObject};
use entity::I18n;

use crate::graphql::scalars::{Date, Decimal};
use crate::i18n::Lang;
use crate::ids::GlobalId;
use crate::monitoring::service::{
    ActivityDraft, Draft, EvaluationDraft, FundedProjectDraft, IndicatorDraft, MeasurementDraft,
    ProgressDraft, RecordId, RecordRef,
};
use crate::monitoring::{
    ActivityKind, ActivityPayload, EvaluationKind, EvaluationPayload, EvaluationStatus,
    FundedProjectPayload, FundingProgramme, IndicatorDirection, IndicatorPayload, Milestone,
    ProgressPayload, ProgressStatus, ProjectRole, ProjectStatus, RecordKind,
};

/// A text in one or more of the four languages. Give at least the languages you have; the
/// record reports which it has (`languages`).
#[derive(InputObject, Clone, Default)]
pub struct LocalizedTextInput {
    /// Catalan.
    pub ca: Option<String>,
    /// Spanish.
    pub es: Option<String>,
    /// English.
    pub en: Option<String>,
    /// French.
    pub fr: Option<String>,
}

impl LocalizedTextInput {
    /// The text, each language trimmed; empty languages left out.
    pub(super) fn into_i18n(self) -> I18n {
        let mut out = I18n::default();
        for (lang, text) in [
            (Lang::Ca, self.ca),
            (Lang::Es, self.es),
            (Lang::En, self.en),
            (Lang::Fr, self.fr),
        ] {
            if let Some(t) = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) {
                out.0.insert(lang.code().to_owned(), t);
            }
        }
        out
    }
}

fn text(input: Option<LocalizedTextInput>) -> I18n {
    input.unwrap_or_default().into_i18n()
}

/// A milestone.
#[derive(InputObject, Clone)]
pub struct MilestoneInput {
    /// When.
    pub date: Date,
    /// What.
    pub text: LocalizedTextInput,
}

/// A progress update of an action.
#[derive(InputObject, Clone)]
pub struct ProgressUpdateInput {
    /// Plan code; the current plan when omitted.
    pub plan: Option<String>,
    /// The action's code (`LE1.1`).
    pub action: String,
    /// The reporting year (a year of the plan).
    pub year: i32,
    /// Status of the action.
    pub status: ProgressStatus,
    /// Percent complete, 0-100 (100 when COMPLETED, 0 when NOT_STARTED).
    pub percent_complete: i32,
    /// What was done.
    pub narrative: Option<LocalizedTextInput>,
    /// Milestones.
    pub milestones: Option<Vec<MilestoneInput>>,
    /// Links to evidence (http or https).
    pub evidence_links: Option<Vec<String>>,
}

/// An activity.
#[derive(InputObject, Clone)]
pub struct ActivityInput {
    /// Plan code; the current plan when omitted.
    pub plan: Option<String>,
    /// Kind of activity.
    pub kind: ActivityKind,
    /// Title.
    pub title: LocalizedTextInput,
    /// Summary.
    pub summary: Option<LocalizedTextInput>,
    /// First day (in a year of the plan).
    pub start_date: Date,
    /// Last day, when it lasted more than one.
    pub end_date: Option<Date>,
    /// Where.
    pub place: Option<String>,
    /// Links to more information (http or https).
    pub links: Option<Vec<String>>,
    /// Actions it carries out (codes).
    pub actions: Option<Vec<String>>,
    /// Geographic zones (codes).
    pub zones: Option<Vec<String>>,
    /// Partner metropolises (codes).
    pub partners: Option<Vec<String>>,
    /// Organizations involved (codes).
    pub organizations: Option<Vec<String>>,
    /// Municipalities involved (INE codes); a municipality's own is added to its reports.
    pub municipalities: Option<Vec<String>>,
}

/// A funded project.
#[derive(InputObject, Clone)]
pub struct FundedProjectInput {
    /// Plan code; the current plan when omitted.
    pub plan: Option<String>,
    /// Title.
    pub title: LocalizedTextInput,
    /// Summary.
    pub summary: Option<LocalizedTextInput>,
    /// Funding programme.
    pub programme: FundingProgramme,
    /// The AMB's role.
    pub role: ProjectRole,
    /// Total budget in EUR (exact decimal, not negative).
    pub total_budget: Decimal,
    /// Grant in EUR (exact decimal, not negative, at most the total budget).
    pub grant_amount: Decimal,
    /// Start.
    pub start_date: Date,
    /// End.
    pub end_date: Option<Date>,
    /// Status.
    pub status: ProjectStatus,
    /// Whether it continued after the EU funding ended.
    pub continued_after_funding: Option<bool>,
    /// Links to more information.
    pub links: Option<Vec<String>>,
    /// Actions it serves (codes).
    pub actions: Option<Vec<String>>,
    /// Participating municipalities (INE codes); a municipality's own is added to its reports.
    pub municipalities: Option<Vec<String>>,
}

/// An indicator.
#[derive(InputObject, Clone)]
pub struct IndicatorInput {
    /// Plan code; the current plan when omitted.
    pub plan: Option<String>,
    /// Code, unique in the plan (letters, digits, '-', '.', '_').
    pub code: String,
    /// Name.
    pub name: LocalizedTextInput,
    /// Unit of measurement.
    pub unit: String,
    /// The expected result it measures (code).
    pub expected_result: Option<String>,
    /// The action it measures (code).
    pub action: Option<String>,
    /// Baseline value.
    pub baseline_value: Decimal,
    /// Baseline year.
    pub baseline_year: i32,
    /// Target value.
    pub target_value: Decimal,
    /// Target year (a year of the plan).
    pub target_year: i32,
    /// Which way is better.
    pub direction: IndicatorDirection,
}

/// A measurement of an indicator.
#[derive(InputObject, Clone)]
pub struct MeasurementInput {
    /// The indicator's ID.
    pub indicator: ID,
    /// The year measured (a year of the plan).
    pub year: i32,
    /// The value.
    pub value: Decimal,
    /// Where it comes from.
    pub source: String,
    /// Notes.
    pub notes: Option<LocalizedTextInput>,
}

/// An evaluation.
#[derive(InputObject, Clone)]
pub struct EvaluationInput {
    /// Plan code; the current plan when omitted.
    pub plan: Option<String>,
    /// Kind.
    pub kind: EvaluationKind,
    /// The year it evaluates; by default 2023 for the mid-term and 2025 for the final one.
    pub year: Option<i32>,
    /// Status.
    pub status: EvaluationStatus,
    /// Start.
    pub start_date: Option<Date>,
    /// End.
    pub end_date: Option<Date>,
    /// Summary.
    pub summary: Option<LocalizedTextInput>,
    /// Findings.
    pub findings: Option<LocalizedTextInput>,
    /// Recommendations.
    pub recommendations: Option<LocalizedTextInput>,
    /// Link to the document (http or https).
    pub document_link: Option<String>,
}

/// The record a client's ID names, or why it names none (reported by the service, in turn).
pub(super) fn record_id(id: &ID) -> RecordId {
    let gid = GlobalId::decode(id)
        .ok_or_else(|| format!("{:?} is not a valid global ID", id.as_str()))?;
    let kind = RecordKind::from_type_name(&gid.type_name)
        .ok_or_else(|| format!("{} is not a monitoring record", gid.type_name))?;
    Ok(RecordRef {
        kind,
        plan: gid.plan.unwrap_or_default(),
        public_id: gid.code,
        shown_as: id.to_string(),
    })
}

impl From<ProgressUpdateInput> for Draft {
    fn from(input: ProgressUpdateInput) -> Self {
        Draft::Progress(ProgressDraft {
            plan: input.plan,
            year: input.year,
            payload: ProgressPayload {
                action: input.action,
                status: input.status,
                percent_complete: input.percent_complete,
                narrative: text(input.narrative),
                milestones: input
                    .milestones
                    .unwrap_or_default()
                    .into_iter()
                    .map(|m| Milestone {
                        date: m.date.0,
                        text: m.text.into_i18n(),
                    })
                    .collect(),
                evidence_links: input.evidence_links.unwrap_or_default(),
            },
        })
    }
}

impl From<ActivityInput> for Draft {
    fn from(input: ActivityInput) -> Self {
        Draft::Activity(ActivityDraft {
            plan: input.plan,
            payload: ActivityPayload {
                kind: input.kind,
                title: input.title.into_i18n(),
                summary: text(input.summary),
                start_date: input.start_date.0,
                end_date: input.end_date.map(|d| d.0),
                place: input.place,
                links: input.links.unwrap_or_default(),
                actions: input.actions.unwrap_or_default(),
                zones: input.zones.unwrap_or_default(),
                partners: input.partners.unwrap_or_default(),
                organizations: input.organizations.unwrap_or_default(),
                municipalities: input.municipalities.unwrap_or_default(),
            },
        })
    }
}

impl From<FundedProjectInput> for Draft {
    fn from(input: FundedProjectInput) -> Self {
        Draft::FundedProject(FundedProjectDraft {
            plan: input.plan,
            payload: FundedProjectPayload {
                title: input.title.into_i18n(),
                summary: text(input.summary),
                programme: input.programme,
                role: input.role,
                total_budget: input.total_budget.0,
                grant_amount: input.grant_amount.0,
                start_date: input.start_date.0,
                end_date: input.end_date.map(|d| d.0),
                status: input.status,
                continued_after_funding: input.continued_after_funding,
                links: input.links.unwrap_or_default(),
                actions: input.actions.unwrap_or_default(),
                municipalities: input.municipalities.unwrap_or_default(),
            },
        })
    }
}

impl From<IndicatorInput> for Draft {
    fn from(input: IndicatorInput) -> Self {
        Draft::Indicator(IndicatorDraft {
            plan: input.plan,
            code: input.code,
            payload: IndicatorPayload {
                name: input.name.into_i18n(),
                unit: input.unit,
                expected_result: input.expected_result,
                action: input.action,
                baseline_value: input.baseline_value.0,
                baseline_year: input.baseline_year,
                target_value: input.target_value.0,
                target_year: input.target_year,
                direction: input.direction,
            },
        })
    }
}

impl From<MeasurementInput> for Draft {
    fn from(input: MeasurementInput) -> Self {
        Draft::Measurement(MeasurementDraft {
            indicator: record_id(&input.indicator),
            year: input.year,
            value: input.value.0,
            source: input.source,
            notes: text(input.notes),
        })
    }
}

impl From<EvaluationInput> for Draft {
    fn from(input: EvaluationInput) -> Self {
        Draft::Evaluation(EvaluationDraft {
            plan: input.plan,
            year: input.year,
            payload: EvaluationPayload {
                kind: input.kind,
                status: input.status,
                start_date: input.start_date.map(|d| d.0),
                end_date: input.end_date.map(|d| d.0),
                summary: text(input.summary),
                findings: text(input.findings),
                recommendations: text(input.recommendations),
                document_link: input.document_link,
            },
        })
    }
}
