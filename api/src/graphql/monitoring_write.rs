//! Mutations on monitoring records: validated input, the policy asked before anything is
//! written, optimistic concurrency, idempotent creation, and an audit entry for every write.
// Over 700 lines: to be split into modules a newcomer can name under issue 11 (typed domain
// and one service layer), which reshapes this file anyway.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::Datelike;
use entity::{I18n, monitoring_record};
use serde_json::Value;

use super::monitoring::{
    Activity, ActivityKind, Evaluation, EvaluationKind, EvaluationStatus, FundedProject,
    FundingProgramme, Indicator, IndicatorDirection, Measurement, MonitoringRecord, ProgressStatus,
    ProgressUpdate, ProjectRole, ProjectStatus, record_kind,
};
use super::node::GlobalId;
use super::report::{AnnualReportView, ReportingYear};
use super::scalars::{Date, Decimal};
use super::{db, enum_str};
use crate::auth::{Role, Viewer};
use crate::error::{ApiError, FieldError};
use crate::i18n::Lang;
use crate::monitoring::store::{self, Actor, Changes, Link, NewRecord, Transition};
use crate::monitoring::validate::{self, Vocabulary};
use crate::monitoring::{
    ActivityPayload, EvaluationPayload, FundedProjectPayload, IndicatorPayload, MeasurementPayload,
    Milestone, ProgressPayload, kind, state,
};
use crate::policy::{self, Operation, Target};

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
    fn into_i18n(self) -> I18n {
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

use crate::telemetry::RequestId;

struct Writer {
    db: sea_orm::DatabaseConnection,
    viewer: Viewer,
    actor: Actor,
}

fn writer(ctx: &Context<'_>) -> Result<Writer, ApiError> {
    let viewer = policy::viewer(ctx).clone();
    let request_id = ctx
        .data_opt::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    Ok(Writer {
        db: db(ctx)?.clone(),
        actor: Actor {
            viewer: viewer.clone(),
            request_id,
        },
        viewer,
    })
}

/// What is wrong with an idempotency key, if anything.
fn key_problem(key: &str) -> Option<FieldError> {
    let fine = !key.is_empty()
        && key.len() <= 100
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    (!fine).then(|| FieldError {
        field: "idempotencyKey".to_owned(),
        message: "1-100 letters, digits, '-', '_', '.' or ':' (e.g. a UUID)".to_owned(),
    })
}

/// Lists a bad idempotency key with the input's own problems, so one answer names them all.
fn with_key(key: &str, prepared: Result<Prepared, ApiError>) -> Result<Prepared, ApiError> {
    match (prepared, key_problem(key)) {
        (prepared, None) => prepared,
        (Ok(_), Some(problem)) => Err(ApiError::Invalid(vec![problem])),
        (Err(ApiError::Invalid(mut errors)), Some(problem)) => {
            errors.push(problem);
            Err(ApiError::Invalid(errors))
        }
        (Err(other), Some(_)) => Err(other),
    }
}

fn owner(viewer: &Viewer) -> (Option<String>, Option<String>) {
    match viewer.role {
        Role::Area => (viewer.unit.clone(), None),
        Role::Municipality => (None, viewer.municipality.clone()),
        _ => (None, None),
    }
}

/// A municipality's reports always involve the municipality itself.
fn with_own_municipality(viewer: &Viewer, mut list: Vec<String>) -> Vec<String> {
    if let Some(own) = &viewer.municipality
        && !list.contains(own)
    {
        list.insert(0, own.clone());
    }
    list
}

fn plan_years(plan: &entity::plan::Model) -> (i32, i32) {
    (plan.start_year, plan.end_year)
}

fn action_links(vocab: &Vocabulary, actions: &[String]) -> Vec<Link> {
    let mut links = Vec::new();
    for a in actions {
        links.push(("ACTION".to_owned(), a.clone()));
        if let Some(line) = vocab.action_lines.get(a) {
            let link = ("LINE".to_owned(), line.clone());
            if !links.contains(&link) {
                links.push(link);
            }
        }
    }
    links
}

fn codes_links(target: &str, codes: &[String]) -> Vec<Link> {
    codes
        .iter()
        .map(|c| (target.to_owned(), c.clone()))
        .collect()
}

/// The target of a record about an action, for the policy.
async fn action_target(w: &Writer, plan_id: i32, action: &str) -> Result<Target, ApiError> {
    let Some(a) = crate::store::action_by_code(&w.db, plan_id, action).await? else {
        return Ok(Target::default());
    };
    Ok(Target {
        responsible_units: crate::store::responsible_codes(&w.db, a.id).await?,
        ..Target::default()
    })
}

/// The target of an indicator's measurements: the units responsible for its action, or for
/// the actions of its expected result's line.
async fn indicator_target(
    w: &Writer,
    plan_id: i32,
    ind: &IndicatorPayload,
    vocab: &Vocabulary,
) -> Result<Target, ApiError> {
    let actions: Vec<String> = match (&ind.action, &ind.expected_result) {
        (Some(a), _) => vec![a.clone()],
        (None, Some(r)) => {
            let line = vocab.result_lines.get(r);
            vocab
                .action_lines
                .iter()
                .filter(|(_, l)| Some(*l) == line)
                .map(|(a, _)| a.clone())
                .collect()
        }
        _ => Vec::new(),
    };
    let mut units = Vec::new();
    for a in actions {
        units.extend(action_target(w, plan_id, &a).await?.responsible_units);
    }
    Ok(Target {
        responsible_units: units,
        ..Target::default()
    })
}

fn own_target(record_owner: (Option<String>, Option<String>)) -> Target {
    let (unit, muni) = record_owner;
    Target {
        reported_by: unit.or_else(|| muni.clone()),
        municipality: muni,
        ..Target::default()
    }
}

async fn check_year(w: &Writer, plan_id: i32, year: Option<i32>) -> Result<(), ApiError> {
    if let Some(y) = year {
        let closed = store::year_closed(&w.db, plan_id, y).await?;
        policy::check_year_open(&w.viewer, y, closed)?;
    }
    Ok(())
}

/// Loads the record named by `id` if the viewer may see it and it is of `expected` kind.
async fn load_record(
    w: &Writer,
    id: &ID,
    expected: Option<&str>,
) -> Result<(monitoring_record::Model, String), ApiError> {
    let not_found = || ApiError::NotFound(format!("no monitoring record with ID {}", id.as_str()));
    let gid = GlobalId::decode(id).ok_or_else(|| {
        ApiError::bad_input("id", format!("{:?} is not a valid global ID", id.as_str()))
    })?;
    let kind = record_kind(&gid.type_name).ok_or_else(|| {
        ApiError::bad_input(
            "id",
            format!("{} is not a monitoring record", gid.type_name),
        )
    })?;
    if expected.is_some_and(|e| e != kind) {
        return Err(ApiError::bad_input(
            "id",
            format!("this mutation does not take a {}", gid.type_name),
        ));
    }
    let record = store::by_public_id(&w.db, &gid.code)
        .await?
        .ok_or_else(not_found)?;
    let plan = gid.plan.unwrap_or_default();
    let plan_model = crate::store::plan_by_code(&w.db, &plan).await?;
    if record.record_type != kind
        || plan_model.is_none_or(|p| p.id != record.plan_id)
        || !policy::visibility(&w.viewer).sees(&record)
    {
        return Err(not_found());
    }
    Ok((record, plan))
}

fn payload<T: serde::Serialize>(p: &T) -> Result<Value, ApiError> {
    serde_json::to_value(p).map_err(|_| ApiError::Internal)
}

fn decode<T: serde::de::DeserializeOwned>(m: &monitoring_record::Model) -> Result<T, ApiError> {
    serde_json::from_value(m.payload.clone()).map_err(|_| ApiError::Internal)
}

fn wrap<T>(
    m: monitoring_record::Model,
    plan: &str,
    f: fn(monitoring_record::Model, &str) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    f(m, plan)
}

/// What a create or update writes, once validated and authorized.
struct Prepared {
    plan: entity::plan::Model,
    record_type: &'static str,
    code: Option<String>,
    year: Option<i32>,
    payload: Value,
    links: Vec<Link>,
    target: Target,
    op: Operation,
}

async fn plan_of(w: &Writer, code: Option<&str>) -> Result<entity::plan::Model, ApiError> {
    crate::store::resolve_plan(&w.db, code)
        .await
        .map_err(|e| match e {
            ApiError::NotFound(m) => ApiError::bad_input("input.plan", m),
            other => other,
        })
}

async fn prepare_progress(w: &Writer, input: ProgressUpdateInput) -> Result<Prepared, ApiError> {
    policy::check(&w.viewer, Operation::ReportProgress, None)?;
    let plan = plan_of(w, input.plan.as_deref()).await?;
    let vocab = Vocabulary::load(&w.db, plan.id).await?;
    let p = ProgressPayload {
        action: input.action,
        status: enum_str(&input.status),
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
    };
    validate::progress(&p, input.year, plan_years(&plan), &vocab)?;
    Ok(Prepared {
        target: action_target(w, plan.id, &p.action).await?,
        links: action_links(&vocab, std::slice::from_ref(&p.action)),
        record_type: kind::PROGRESS_UPDATE,
        code: None,
        year: Some(input.year),
        payload: payload(&p)?,
        op: Operation::ReportProgress,
        plan,
    })
}

async fn prepare_activity(
    w: &Writer,
    input: ActivityInput,
    record_owner: (Option<String>, Option<String>),
) -> Result<Prepared, ApiError> {
    policy::check(&w.viewer, Operation::ReportActivity, None)?;
    let plan = plan_of(w, input.plan.as_deref()).await?;
    let vocab = Vocabulary::load(&w.db, plan.id).await?;
    let mut p = ActivityPayload {
        kind: enum_str(&input.kind),
        title: input.title.into_i18n(),
        summary: text(input.summary),
        start_date: input.start_date.0,
        end_date: input.end_date.map(|d| d.0),
        place: input
            .place
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty()),
        links: input.links.unwrap_or_default(),
        actions: input.actions.unwrap_or_default(),
        zones: input.zones.unwrap_or_default(),
        partners: input.partners.unwrap_or_default(),
        organizations: input.organizations.unwrap_or_default(),
        municipalities: input.municipalities.unwrap_or_default(),
    };
    // Checked as sent, so that error paths point at the client's own list.
    validate::activity(&p, plan_years(&plan), &vocab)?;
    p.municipalities = with_own_municipality(&w.viewer, std::mem::take(&mut p.municipalities));
    let mut links = vec![("KIND".to_owned(), p.kind.clone())];
    links.extend(action_links(&vocab, &p.actions));
    links.extend(codes_links("ZONE", &p.zones));
    links.extend(codes_links("PARTNER", &p.partners));
    links.extend(codes_links("ORGANIZATION", &p.organizations));
    links.extend(codes_links("MUNICIPALITY", &p.municipalities));
    Ok(Prepared {
        target: own_target(record_owner),
        links,
        record_type: kind::ACTIVITY,
        code: None,
        year: Some(p.start_date.year()),
        payload: payload(&p)?,
        op: Operation::ReportActivity,
        plan,
    })
}

async fn prepare_project(
    w: &Writer,
    input: FundedProjectInput,
    record_owner: (Option<String>, Option<String>),
) -> Result<Prepared, ApiError> {
    policy::check(&w.viewer, Operation::ReportFundedProject, None)?;
    let plan = plan_of(w, input.plan.as_deref()).await?;
    let vocab = Vocabulary::load(&w.db, plan.id).await?;
    let mut p = FundedProjectPayload {
        title: input.title.into_i18n(),
        summary: text(input.summary),
        programme: enum_str(&input.programme),
        role: enum_str(&input.role),
        total_budget: input.total_budget.0.normalize().to_string(),
        grant_amount: input.grant_amount.0.normalize().to_string(),
        start_date: input.start_date.0,
        end_date: input.end_date.map(|d| d.0),
        status: enum_str(&input.status),
        continued_after_funding: input.continued_after_funding,
        links: input.links.unwrap_or_default(),
        actions: input.actions.unwrap_or_default(),
        municipalities: input.municipalities.unwrap_or_default(),
    };
    // Checked as sent, so that error paths point at the client's own list.
    validate::funded_project(&p, plan_years(&plan), &vocab)?;
    p.municipalities = with_own_municipality(&w.viewer, std::mem::take(&mut p.municipalities));
    let mut links = vec![("KIND".to_owned(), p.programme.clone())];
    links.extend(action_links(&vocab, &p.actions));
    links.extend(codes_links("MUNICIPALITY", &p.municipalities));
    Ok(Prepared {
        target: own_target(record_owner),
        links,
        record_type: kind::FUNDED_PROJECT,
        code: None,
        year: Some(p.start_date.year()),
        payload: payload(&p)?,
        op: Operation::ReportFundedProject,
        plan,
    })
}

async fn prepare_indicator(w: &Writer, input: IndicatorInput) -> Result<Prepared, ApiError> {
    policy::check(&w.viewer, Operation::ManageIndicators, None)?;
    let plan = plan_of(w, input.plan.as_deref()).await?;
    let vocab = Vocabulary::load(&w.db, plan.id).await?;
    let code = input.code.trim().to_owned();
    let p = IndicatorPayload {
        name: input.name.into_i18n(),
        unit: input.unit.trim().to_owned(),
        expected_result: input.expected_result,
        action: input.action,
        baseline_value: input.baseline_value.0.normalize().to_string(),
        baseline_year: input.baseline_year,
        target_value: input.target_value.0.normalize().to_string(),
        target_year: input.target_year,
        direction: enum_str(&input.direction),
    };
    validate::indicator(&p, &code, plan_years(&plan), &vocab)?;
    let mut links = Vec::new();
    if let Some(a) = &p.action {
        links.extend(action_links(&vocab, std::slice::from_ref(a)));
    }
    if let Some(r) = &p.expected_result {
        links.push(("EXPECTED_RESULT".to_owned(), r.clone()));
        if let Some(line) = vocab.result_lines.get(r) {
            let link = ("LINE".to_owned(), line.clone());
            if !links.contains(&link) {
                links.push(link);
            }
        }
    }
    Ok(Prepared {
        target: Target::default(),
        links,
        record_type: kind::INDICATOR,
        code: Some(code),
        year: None,
        payload: payload(&p)?,
        op: Operation::ManageIndicators,
        plan,
    })
}

async fn prepare_measurement(w: &Writer, input: MeasurementInput) -> Result<Prepared, ApiError> {
    policy::check(&w.viewer, Operation::RecordMeasurement, None)?;
    let (indicator, plan_code) = load_record(w, &input.indicator, Some(kind::INDICATOR))
        .await
        .map_err(|e| match e {
            ApiError::NotFound(m) | ApiError::BadUserInput { message: m, .. } => {
                ApiError::bad_input("input.indicator", m)
            }
            other => other,
        })?;
    let plan = plan_of(w, Some(&plan_code)).await?;
    let vocab = Vocabulary::load(&w.db, plan.id).await?;
    let ind: IndicatorPayload = decode(&indicator)?;
    let p = MeasurementPayload {
        indicator_id: indicator.id,
        value: input.value.0.normalize().to_string(),
        source: input.source.trim().to_owned(),
        notes: text(input.notes),
    };
    validate::measurement(&p, input.year, plan_years(&plan))?;
    let mut links = vec![("INDICATOR".to_owned(), indicator.id.to_string())];
    if let Some(a) = &ind.action {
        links.extend(action_links(&vocab, std::slice::from_ref(a)));
    }
    Ok(Prepared {
        target: indicator_target(w, plan.id, &ind, &vocab).await?,
        links,
        record_type: kind::MEASUREMENT,
        code: None,
        year: Some(input.year),
        payload: payload(&p)?,
        op: Operation::RecordMeasurement,
        plan,
    })
}

async fn prepare_evaluation(w: &Writer, input: EvaluationInput) -> Result<Prepared, ApiError> {
    policy::check(&w.viewer, Operation::ManageEvaluations, None)?;
    let plan = plan_of(w, input.plan.as_deref()).await?;
    let p = EvaluationPayload {
        kind: enum_str(&input.kind),
        status: enum_str(&input.status),
        start_date: input.start_date.map(|d| d.0),
        end_date: input.end_date.map(|d| d.0),
        summary: text(input.summary),
        findings: text(input.findings),
        recommendations: text(input.recommendations),
        document_link: input
            .document_link
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty()),
    };
    // The plan schedules the mid-term evaluation in 2023 and the final one in 2025.
    let year = input.year.unwrap_or(match input.kind {
        EvaluationKind::MidTerm => 2023,
        EvaluationKind::Final => plan.end_year,
    });
    validate::evaluation(&p, year, plan_years(&plan))?;
    Ok(Prepared {
        target: Target::default(),
        links: vec![("KIND".to_owned(), p.kind.clone())],
        record_type: kind::EVALUATION,
        code: None,
        year: Some(year),
        payload: payload(&p)?,
        op: Operation::ManageEvaluations,
        plan,
    })
}

async fn create(
    w: &Writer,
    prepared: Prepared,
    idempotency_key: &str,
    submit: bool,
) -> Result<(monitoring_record::Model, String), ApiError> {
    policy::check(&w.viewer, prepared.op, Some(&prepared.target))?;
    check_year(w, prepared.plan.id, prepared.year).await?;
    let (owner_unit, owner_municipality) = owner(&w.viewer);
    let new = NewRecord {
        record_type: prepared.record_type,
        code: prepared.code,
        year: prepared.year,
        payload: prepared.payload,
        links: prepared.links,
        owner_unit,
        owner_municipality,
        state: if submit {
            state::SUBMITTED
        } else {
            state::DRAFT
        },
        synthetic: false,
    };
    let (m, _) = store::create(&w.db, prepared.plan.id, &w.actor, new, idempotency_key).await?;
    Ok((m, prepared.plan.code))
}

async fn update(
    w: &Writer,
    current: &monitoring_record::Model,
    expected_version: i32,
    prepared: Prepared,
) -> Result<(monitoring_record::Model, String), ApiError> {
    if prepared.plan.id != current.plan_id {
        return Err(ApiError::bad_input(
            "input.plan",
            "a record cannot move to another plan",
        ));
    }
    policy::check(&w.viewer, prepared.op, Some(&prepared.target))?;
    policy::check_editable(&w.viewer, &current.state)?;
    check_year(w, current.plan_id, current.year).await?;
    check_year(w, current.plan_id, prepared.year).await?;
    let changes = Changes {
        code: prepared.code,
        year: prepared.year,
        payload: prepared.payload,
        links: prepared.links,
    };
    let m = store::update(&w.db, &w.actor, current, expected_version, changes).await?;
    Ok((m, prepared.plan.code))
}

/// The target of an existing record, for the policy (who owns it, which action it is about).
async fn existing_target(
    w: &Writer,
    record: &monitoring_record::Model,
) -> Result<(Operation, Target), ApiError> {
    let owner = (record.owner_unit.clone(), record.owner_municipality.clone());
    Ok(match record.record_type.as_str() {
        kind::PROGRESS_UPDATE => {
            let p: ProgressPayload = decode(record)?;
            (
                Operation::ReportProgress,
                action_target(w, record.plan_id, &p.action).await?,
            )
        }
        kind::MEASUREMENT => {
            let p: MeasurementPayload = decode(record)?;
            let ind = store::get(&w.db, p.indicator_id)
                .await?
                .ok_or(ApiError::Internal)?;
            let vocab = Vocabulary::load(&w.db, record.plan_id).await?;
            (
                Operation::RecordMeasurement,
                indicator_target(w, record.plan_id, &decode(&ind)?, &vocab).await?,
            )
        }
        kind::ACTIVITY => (Operation::ReportActivity, own_target(owner)),
        kind::FUNDED_PROJECT => (Operation::ReportFundedProject, own_target(owner)),
        kind::INDICATOR => (Operation::ManageIndicators, Target::default()),
        _ => (Operation::ManageEvaluations, Target::default()),
    })
}

/// Mutations on monitoring records.
#[derive(Default)]
pub struct MonitoringMutation;

#[Object]
impl MonitoringMutation {
    /// Reports progress on an action for a year (areas: on actions their unit is responsible
    /// for). Created as DRAFT, or SUBMITTED with `submit: true`. Retrying with the same
    /// `idempotencyKey` returns the first result instead of creating a twin.
    async fn create_progress_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The update.")] input: ProgressUpdateInput,
        #[graphql(desc = "A key unique to this creation (e.g. a UUID), reused on retries.")]
        idempotency_key: String,
        #[graphql(desc = "Submit for review at once.", default = false)] submit: bool,
    ) -> Result<ProgressUpdate, ApiError> {
        let w = writer(ctx)?;
        let prepared = with_key(&idempotency_key, prepare_progress(&w, input).await)?;
        let (m, plan) = create(&w, prepared, &idempotency_key, submit).await?;
        wrap(m, &plan, ProgressUpdate::from_model)
    }

    /// Changes a progress update, if it is still at `expectedVersion`.
    async fn update_progress_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The update's ID.")] id: ID,
        #[graphql(desc = "The version you read; a stale one is a CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The update's new content.")] input: ProgressUpdateInput,
    ) -> Result<ProgressUpdate, ApiError> {
        let w = writer(ctx)?;
        let (current, _) = load_record(&w, &id, Some(kind::PROGRESS_UPDATE)).await?;
        let (op, old_target) = existing_target(&w, &current).await?;
        policy::check(&w.viewer, op, Some(&old_target))?;
        let prepared = prepare_progress(&w, input).await?;
        let (m, plan) = update(&w, &current, expected_version, prepared).await?;
        wrap(m, &plan, ProgressUpdate::from_model)
    }

    /// Reports an activity (areas: their own; municipalities: of their municipality).
    async fn create_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity.")] input: ActivityInput,
        #[graphql(desc = "A key unique to this creation (e.g. a UUID), reused on retries.")]
        idempotency_key: String,
        #[graphql(desc = "Submit for review at once.", default = false)] submit: bool,
    ) -> Result<Activity, ApiError> {
        let w = writer(ctx)?;
        let prepared = with_key(
            &idempotency_key,
            prepare_activity(&w, input, owner(&w.viewer)).await,
        )?;
        let (m, plan) = create(&w, prepared, &idempotency_key, submit).await?;
        wrap(m, &plan, Activity::from_model)
    }

    /// Changes an activity, if it is still at `expectedVersion`.
    async fn update_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The activity's ID.")] id: ID,
        #[graphql(desc = "The version you read; a stale one is a CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The activity's new content.")] input: ActivityInput,
    ) -> Result<Activity, ApiError> {
        let w = writer(ctx)?;
        let (current, _) = load_record(&w, &id, Some(kind::ACTIVITY)).await?;
        let owner = (
            current.owner_unit.clone(),
            current.owner_municipality.clone(),
        );
        let prepared = prepare_activity(&w, input, owner).await?;
        let (m, plan) = update(&w, &current, expected_version, prepared).await?;
        wrap(m, &plan, Activity::from_model)
    }

    /// Reports a funded project (areas: their own; municipalities: of their municipality).
    async fn create_funded_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project.")] input: FundedProjectInput,
        #[graphql(desc = "A key unique to this creation (e.g. a UUID), reused on retries.")]
        idempotency_key: String,
        #[graphql(desc = "Submit for review at once.", default = false)] submit: bool,
    ) -> Result<FundedProject, ApiError> {
        let w = writer(ctx)?;
        let prepared = with_key(
            &idempotency_key,
            prepare_project(&w, input, owner(&w.viewer)).await,
        )?;
        let (m, plan) = create(&w, prepared, &idempotency_key, submit).await?;
        wrap(m, &plan, FundedProject::from_model)
    }

    /// Changes a funded project, if it is still at `expectedVersion`.
    async fn update_funded_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's ID.")] id: ID,
        #[graphql(desc = "The version you read; a stale one is a CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The project's new content.")] input: FundedProjectInput,
    ) -> Result<FundedProject, ApiError> {
        let w = writer(ctx)?;
        let (current, _) = load_record(&w, &id, Some(kind::FUNDED_PROJECT)).await?;
        let owner = (
            current.owner_unit.clone(),
            current.owner_municipality.clone(),
        );
        let prepared = prepare_project(&w, input, owner).await?;
        let (m, plan) = update(&w, &current, expected_version, prepared).await?;
        wrap(m, &plan, FundedProject::from_model)
    }

    /// Defines an indicator (coordinators).
    async fn create_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator.")] input: IndicatorInput,
        #[graphql(desc = "A key unique to this creation (e.g. a UUID), reused on retries.")]
        idempotency_key: String,
        #[graphql(desc = "Submit for review at once.", default = false)] submit: bool,
    ) -> Result<Indicator, ApiError> {
        let w = writer(ctx)?;
        let prepared = with_key(&idempotency_key, prepare_indicator(&w, input).await)?;
        let (m, plan) = create(&w, prepared, &idempotency_key, submit).await?;
        wrap(m, &plan, Indicator::from_model)
    }

    /// Changes an indicator, if it is still at `expectedVersion`.
    async fn update_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator's ID.")] id: ID,
        #[graphql(desc = "The version you read; a stale one is a CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The indicator's new content.")] input: IndicatorInput,
    ) -> Result<Indicator, ApiError> {
        let w = writer(ctx)?;
        let (current, _) = load_record(&w, &id, Some(kind::INDICATOR)).await?;
        let prepared = prepare_indicator(&w, input).await?;
        let (m, plan) = update(&w, &current, expected_version, prepared).await?;
        wrap(m, &plan, Indicator::from_model)
    }

    /// Records a yearly value of an indicator (areas: indicators of actions their unit leads).
    async fn create_measurement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measurement.")] input: MeasurementInput,
        #[graphql(desc = "A key unique to this creation (e.g. a UUID), reused on retries.")]
        idempotency_key: String,
        #[graphql(desc = "Submit for review at once.", default = false)] submit: bool,
    ) -> Result<Measurement, ApiError> {
        let w = writer(ctx)?;
        let prepared = with_key(&idempotency_key, prepare_measurement(&w, input).await)?;
        let (m, plan) = create(&w, prepared, &idempotency_key, submit).await?;
        wrap(m, &plan, Measurement::from_model)
    }

    /// Changes a measurement, if it is still at `expectedVersion`.
    async fn update_measurement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measurement's ID.")] id: ID,
        #[graphql(desc = "The version you read; a stale one is a CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The measurement's new content.")] input: MeasurementInput,
    ) -> Result<Measurement, ApiError> {
        let w = writer(ctx)?;
        let (current, _) = load_record(&w, &id, Some(kind::MEASUREMENT)).await?;
        let (op, old_target) = existing_target(&w, &current).await?;
        policy::check(&w.viewer, op, Some(&old_target))?;
        let prepared = prepare_measurement(&w, input).await?;
        let (m, plan) = update(&w, &current, expected_version, prepared).await?;
        wrap(m, &plan, Measurement::from_model)
    }

    /// Records an evaluation (coordinators).
    async fn create_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation.")] input: EvaluationInput,
        #[graphql(desc = "A key unique to this creation (e.g. a UUID), reused on retries.")]
        idempotency_key: String,
        #[graphql(desc = "Submit for review at once.", default = false)] submit: bool,
    ) -> Result<Evaluation, ApiError> {
        let w = writer(ctx)?;
        let prepared = with_key(&idempotency_key, prepare_evaluation(&w, input).await)?;
        let (m, plan) = create(&w, prepared, &idempotency_key, submit).await?;
        wrap(m, &plan, Evaluation::from_model)
    }

    /// Changes an evaluation, if it is still at `expectedVersion`.
    async fn update_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation's ID.")] id: ID,
        #[graphql(desc = "The version you read; a stale one is a CONFLICT.")] expected_version: i32,
        #[graphql(desc = "The evaluation's new content.")] input: EvaluationInput,
    ) -> Result<Evaluation, ApiError> {
        let w = writer(ctx)?;
        let (current, _) = load_record(&w, &id, Some(kind::EVALUATION)).await?;
        let prepared = prepare_evaluation(&w, input).await?;
        let (m, plan) = update(&w, &current, expected_version, prepared).await?;
        wrap(m, &plan, Evaluation::from_model)
    }

    /// Sends a DRAFT or RETURNED record for review (its reporter, or a coordinator).
    async fn submit_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's ID.")] id: ID,
        #[graphql(desc = "The version you read; a stale one is a CONFLICT.")] expected_version: i32,
    ) -> Result<MonitoringRecord, ApiError> {
        let w = writer(ctx)?;
        let (current, plan) = load_record(&w, &id, None).await?;
        let (op, target) = existing_target(&w, &current).await?;
        policy::check(&w.viewer, op, Some(&target))?;
        check_year(&w, current.plan_id, current.year).await?;
        let m = store::transition(
            &w.db,
            &w.actor,
            &current,
            expected_version,
            Transition::Submit,
            None,
        )
        .await?;
        wrap(m, &plan, MonitoringRecord::from_model)
    }

    /// Publishes a SUBMITTED record: it becomes visible to everyone (coordinators). Any other
    /// state is a CONFLICT: a record is published only after its reporter submitted it.
    async fn publish_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's ID.")] id: ID,
        #[graphql(desc = "The version you read; a stale one is a CONFLICT.")] expected_version: i32,
    ) -> Result<MonitoringRecord, ApiError> {
        review(ctx, id, expected_version, Transition::Publish, None).await
    }

    /// Returns a submitted record to its reporter with a comment (coordinators).
    async fn return_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's ID.")] id: ID,
        #[graphql(desc = "The version you read; a stale one is a CONFLICT.")] expected_version: i32,
        #[graphql(desc = "Why it is returned, in one or more languages.")]
        comment: LocalizedTextInput,
    ) -> Result<MonitoringRecord, ApiError> {
        policy::check(policy::viewer(ctx), Operation::Review, None)?;
        let comment = comment.into_i18n();
        let mut c = validate::Checker::default();
        c.text("comment", &comment, true, validate::MAX_TEXT);
        c.finish()?;
        review(
            ctx,
            id,
            expected_version,
            Transition::Return,
            Some(payload(&comment)?),
        )
        .await
    }

    /// Archives a record: withdrawn from view but kept (coordinators). Nothing is deleted.
    async fn archive_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's ID.")] id: ID,
        #[graphql(desc = "The version you read; a stale one is a CONFLICT.")] expected_version: i32,
    ) -> Result<MonitoringRecord, ApiError> {
        review(ctx, id, expected_version, Transition::Archive, None).await
    }

    /// Closes a reporting year: from then on only coordinators change its records.
    async fn close_reporting_year(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year.")] year: i32,
        #[graphql(desc = "The version you read, if any; a stale one is a CONFLICT.")]
        expected_version: Option<i32>,
        #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
    ) -> Result<ReportingYear, ApiError> {
        set_year(ctx, year, expected_version, plan, true).await
    }

    /// Opens a closed reporting year again.
    async fn open_reporting_year(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year.")] year: i32,
        #[graphql(desc = "The version you read, if any; a stale one is a CONFLICT.")]
        expected_version: Option<i32>,
        #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
    ) -> Result<ReportingYear, ApiError> {
        set_year(ctx, year, expected_version, plan, false).await
    }

    /// Publishes the annual activity report of a year as it stands now, freezing it: later
    /// edits of its records never change the published report (coordinators).
    async fn publish_annual_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year.")] year: i32,
        #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
    ) -> Result<AnnualReportView, ApiError> {
        let w = writer(ctx)?;
        policy::check(&w.viewer, Operation::PublishAnnualReport, None)?;
        let plan = crate::store::resolve_plan(&w.db, plan.as_deref()).await?;
        let mut c = validate::Checker::default();
        c.year("year", year, plan_years(&plan));
        c.finish()?;
        let report = crate::monitoring::report::assemble(&w.db, &plan, year).await?;
        let content = payload(&report)?;
        let stored = store::publish_report(&w.db, &w.actor, plan.id, year, content).await?;
        Ok(AnnualReportView::frozen(report, stored))
    }
}

async fn review(
    ctx: &Context<'_>,
    id: ID,
    expected_version: i32,
    step: Transition,
    comment: Option<Value>,
) -> Result<MonitoringRecord, ApiError> {
    let w = writer(ctx)?;
    let op = if step == Transition::Archive {
        Operation::Archive
    } else {
        Operation::Review
    };
    policy::check(&w.viewer, op, None)?;
    let (current, plan) = load_record(&w, &id, None).await?;
    check_year(&w, current.plan_id, current.year).await?;
    let m = store::transition(&w.db, &w.actor, &current, expected_version, step, comment).await?;
    wrap(m, &plan, MonitoringRecord::from_model)
}

async fn set_year(
    ctx: &Context<'_>,
    year: i32,
    expected_version: Option<i32>,
    plan: Option<String>,
    closed: bool,
) -> Result<ReportingYear, ApiError> {
    let w = writer(ctx)?;
    policy::check(&w.viewer, Operation::ManageReportingYears, None)?;
    let plan = crate::store::resolve_plan(&w.db, plan.as_deref()).await?;
    store::ensure_reporting_years(&w.db, &plan).await?;
    let years = store::reporting_years(&w.db, &plan).await?;
    let current = years.into_iter().find(|y| y.year == year).ok_or_else(|| {
        ApiError::bad_input(
            "year",
            format!(
                "must be a year of the plan, {}-{}",
                plan.start_year, plan.end_year
            ),
        )
    })?;
    let m = store::set_year_closed(&w.db, &w.actor, &current, expected_version, closed).await?;
    Ok(ReportingYear(m))
}
