//! Creating and updating records: each kind's draft is checked (policy, then validation),
//! linked to what it is about, and written with its audit entry.

use chrono::Datelike;
use entity::{I18n, monitoring_record};
use rust_decimal::Decimal;
use serde_json::Value;

use super::targets::{self, About};
use super::{RecordId, Service, Written, decode, owner_of, to_json};
use crate::error::{ApiError, FieldError};
use crate::monitoring::store::{self, Changes, Link, NewRecord};
use crate::monitoring::validate::{self, Vocabulary};
use crate::monitoring::{
    ActivityPayload, EvaluationKind, EvaluationPayload, FundedProjectPayload, IndicatorPayload,
    MeasurementPayload, ProgressPayload, RecordKind, ReviewState,
};
use crate::policy::{self, Operation, Target};

/// A progress update of an action for a year.
#[derive(Clone, Debug)]
pub struct ProgressDraft {
    /// Plan code; the current plan when `None`.
    pub plan: Option<String>,
    /// The reporting year.
    pub year: i32,
    /// Its fields.
    pub payload: ProgressPayload,
}

/// An activity; its year is its start date's.
#[derive(Clone, Debug)]
pub struct ActivityDraft {
    /// Plan code; the current plan when `None`.
    pub plan: Option<String>,
    /// Its fields.
    pub payload: ActivityPayload,
}

/// A funded project; its year is its start date's.
#[derive(Clone, Debug)]
pub struct FundedProjectDraft {
    /// Plan code; the current plan when `None`.
    pub plan: Option<String>,
    /// Its fields.
    pub payload: FundedProjectPayload,
}

/// An indicator.
#[derive(Clone, Debug)]
pub struct IndicatorDraft {
    /// Plan code; the current plan when `None`.
    pub plan: Option<String>,
    /// Its code, unique in the plan.
    pub code: String,
    /// Its fields.
    pub payload: IndicatorPayload,
}

/// A measurement of an indicator; its plan is the indicator's.
#[derive(Clone, Debug)]
pub struct MeasurementDraft {
    /// The indicator.
    pub indicator: RecordId,
    /// The year measured.
    pub year: i32,
    /// The value.
    pub value: Decimal,
    /// Where it comes from.
    pub source: String,
    /// Notes.
    pub notes: I18n,
}

/// An evaluation.
#[derive(Clone, Debug)]
pub struct EvaluationDraft {
    /// Plan code; the current plan when `None`.
    pub plan: Option<String>,
    /// The year it evaluates; by default the plan's schedule for its kind.
    pub year: Option<i32>,
    /// Its fields.
    pub payload: EvaluationPayload,
}

/// What a client sends to create or change a record, of any kind.
#[derive(Clone, Debug)]
pub enum Draft {
    /// A progress update.
    Progress(ProgressDraft),
    /// An activity.
    Activity(ActivityDraft),
    /// A funded project.
    FundedProject(FundedProjectDraft),
    /// An indicator.
    Indicator(IndicatorDraft),
    /// A measurement.
    Measurement(MeasurementDraft),
    /// An evaluation.
    Evaluation(EvaluationDraft),
}

impl Draft {
    /// The kind of record it makes.
    pub fn kind(&self) -> RecordKind {
        match self {
            Draft::Progress(_) => RecordKind::ProgressUpdate,
            Draft::Activity(_) => RecordKind::Activity,
            Draft::FundedProject(_) => RecordKind::FundedProject,
            Draft::Indicator(_) => RecordKind::Indicator,
            Draft::Measurement(_) => RecordKind::Measurement,
            Draft::Evaluation(_) => RecordKind::Evaluation,
        }
    }
}

/// What a create or update writes, once validated and authorized.
struct Prepared {
    plan: entity::plan::Model,
    record_type: RecordKind,
    code: Option<String>,
    year: Option<i32>,
    payload: Value,
    links: Vec<Link>,
    target: Target,
    op: Operation,
}

/// What is wrong with an idempotency key, if anything.
fn key_problem(key: &str) -> Option<FieldError> {
    let fine = !key.is_empty()
        && key.len() <= 100
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    (!fine).then(|| FieldError {
        field: "idempotency_key".to_owned(),
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

/// A municipality's reports always involve the municipality itself.
fn with_own_municipality(own: Option<&String>, mut list: Vec<String>) -> Vec<String> {
    if let Some(own) = own
        && !list.contains(own)
    {
        list.insert(0, own.clone());
    }
    list
}

/// A short text without surrounding blanks; none when nothing is left.
fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

fn plan_years(plan: &entity::plan::Model) -> (i32, i32) {
    (plan.start_year, plan.end_year)
}

/// Links to actions, each followed by its strategic line (once).
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

impl Service {
    /// Creates a record from `draft`, as DRAFT (or SUBMITTED with `submit`). A retry with the
    /// same `idempotency_key` and content returns the first result.
    pub async fn create(
        &self,
        draft: Draft,
        idempotency_key: &str,
        submit: bool,
    ) -> Result<Written, ApiError> {
        let owner = owner_of(self.viewer());
        let prepared = with_key(idempotency_key, self.prepare(draft, None).await)?;
        policy::check(self.viewer(), prepared.op, Some(&prepared.target))?;
        self.check_year(prepared.plan.id, prepared.year).await?;
        let new = NewRecord {
            record_type: prepared.record_type,
            code: prepared.code,
            year: prepared.year,
            payload: prepared.payload,
            links: prepared.links,
            owner_unit: owner.0,
            owner_municipality: owner.1,
            state: if submit {
                ReviewState::Submitted
            } else {
                ReviewState::Draft
            },
            synthetic: self.synthetic,
        };
        let (record, created) = store::create(
            &self.db,
            prepared.plan.id,
            &self.actor,
            new,
            idempotency_key,
        )
        .await?;
        Ok(Written {
            record,
            plan: prepared.plan.code,
            created,
        })
    }

    /// Replaces the content of the record `id` with `draft`, if it is still at
    /// `expected_version`.
    pub async fn update(
        &self,
        id: &RecordId,
        expected_version: i32,
        draft: Draft,
    ) -> Result<Written, ApiError> {
        let kind = draft.kind();
        let (current, _) = self.load(id, Some(kind), "id").await?;
        if matches!(kind, RecordKind::ProgressUpdate | RecordKind::Measurement) {
            // Who may change it depends on what it is about now, not only on the new content.
            let (op, old_target) = targets::of_existing(&self.db, self.viewer(), &current).await?;
            policy::check(self.viewer(), op, Some(&old_target))?;
        }
        let prepared = self.prepare(draft, Some(&current)).await?;
        if prepared.plan.id != current.plan_id {
            return Err(ApiError::bad_input(
                "plan",
                "a record cannot move to another plan",
            ));
        }
        policy::check(self.viewer(), prepared.op, Some(&prepared.target))?;
        policy::check_editable(self.viewer(), &current.state)?;
        self.check_year(current.plan_id, current.year).await?;
        self.check_year(current.plan_id, prepared.year).await?;
        let changes = Changes {
            code: prepared.code,
            year: prepared.year,
            payload: prepared.payload,
            links: prepared.links,
        };
        let record =
            store::update(&self.db, &self.actor, &current, expected_version, changes).await?;
        Ok(Written {
            record,
            plan: prepared.plan.code,
            created: false,
        })
    }

    /// Checks `draft` (a change of `current` when given) and works out what to write.
    async fn prepare(
        &self,
        draft: Draft,
        current: Option<&monitoring_record::Model>,
    ) -> Result<Prepared, ApiError> {
        match draft {
            Draft::Progress(d) => self.prepare_progress(d).await,
            Draft::Activity(d) => self.prepare_activity(d, current).await,
            Draft::FundedProject(d) => self.prepare_project(d, current).await,
            Draft::Indicator(d) => self.prepare_indicator(d).await,
            Draft::Measurement(d) => self.prepare_measurement(d).await,
            Draft::Evaluation(d) => self.prepare_evaluation(d).await,
        }
    }

    /// The target of a record the viewer reports (`current`'s reporter for a change).
    async fn reporter_target(
        &self,
        current: Option<&monitoring_record::Model>,
    ) -> Result<Target, ApiError> {
        let about = match current {
            Some(record) => About::Reported(record),
            None => About::NewReport { municipality: None },
        };
        targets::target(&self.db, self.viewer(), about).await
    }

    async fn prepare_progress(&self, d: ProgressDraft) -> Result<Prepared, ApiError> {
        policy::check(self.viewer(), Operation::ReportProgress, None)?;
        let plan = self.plan(d.plan.as_deref()).await?;
        let vocab = Vocabulary::load(&self.db, plan.id).await?;
        let p = d.payload;
        validate::progress(&p, d.year, plan_years(&plan), &vocab)?;
        let about = About::Action {
            plan_id: plan.id,
            code: &p.action,
        };
        Ok(Prepared {
            target: targets::target(&self.db, self.viewer(), about).await?,
            links: action_links(&vocab, std::slice::from_ref(&p.action)),
            record_type: RecordKind::ProgressUpdate,
            code: None,
            year: Some(d.year),
            payload: to_json(&p)?,
            op: Operation::ReportProgress,
            plan,
        })
    }

    async fn prepare_activity(
        &self,
        d: ActivityDraft,
        current: Option<&monitoring_record::Model>,
    ) -> Result<Prepared, ApiError> {
        policy::check(self.viewer(), Operation::ReportActivity, None)?;
        let plan = self.plan(d.plan.as_deref()).await?;
        let vocab = Vocabulary::load(&self.db, plan.id).await?;
        let mut p = d.payload;
        p.place = trimmed(p.place.take());
        // Checked as sent, so that error paths point at the client's own list.
        validate::activity(&p, plan_years(&plan), &vocab)?;
        p.municipalities = with_own_municipality(
            self.viewer().municipality.as_ref(),
            std::mem::take(&mut p.municipalities),
        );
        let mut links = vec![("KIND".to_owned(), p.kind.as_str().to_owned())];
        links.extend(action_links(&vocab, &p.actions));
        links.extend(codes_links("ZONE", &p.zones));
        links.extend(codes_links("PARTNER", &p.partners));
        links.extend(codes_links("ORGANIZATION", &p.organizations));
        links.extend(codes_links("MUNICIPALITY", &p.municipalities));
        Ok(Prepared {
            target: self.reporter_target(current).await?,
            links,
            record_type: RecordKind::Activity,
            code: None,
            year: Some(p.start_date.year()),
            payload: to_json(&p)?,
            op: Operation::ReportActivity,
            plan,
        })
    }

    async fn prepare_project(
        &self,
        d: FundedProjectDraft,
        current: Option<&monitoring_record::Model>,
    ) -> Result<Prepared, ApiError> {
        policy::check(self.viewer(), Operation::ReportFundedProject, None)?;
        let plan = self.plan(d.plan.as_deref()).await?;
        let vocab = Vocabulary::load(&self.db, plan.id).await?;
        let mut p = d.payload;
        // Checked as sent, so that error paths point at the client's own list.
        validate::funded_project(&p, plan_years(&plan), &vocab)?;
        p.municipalities = with_own_municipality(
            self.viewer().municipality.as_ref(),
            std::mem::take(&mut p.municipalities),
        );
        let mut links = vec![("KIND".to_owned(), p.programme.as_str().to_owned())];
        links.extend(action_links(&vocab, &p.actions));
        links.extend(codes_links("MUNICIPALITY", &p.municipalities));
        Ok(Prepared {
            target: self.reporter_target(current).await?,
            links,
            record_type: RecordKind::FundedProject,
            code: None,
            year: Some(p.start_date.year()),
            payload: to_json(&p)?,
            op: Operation::ReportFundedProject,
            plan,
        })
    }

    async fn prepare_indicator(&self, d: IndicatorDraft) -> Result<Prepared, ApiError> {
        policy::check(self.viewer(), Operation::ManageIndicators, None)?;
        let plan = self.plan(d.plan.as_deref()).await?;
        let vocab = Vocabulary::load(&self.db, plan.id).await?;
        let code = d.code.trim().to_owned();
        let mut p = d.payload;
        p.unit = p.unit.trim().to_owned();
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
            record_type: RecordKind::Indicator,
            code: Some(code),
            year: None,
            payload: to_json(&p)?,
            op: Operation::ManageIndicators,
            plan,
        })
    }

    async fn prepare_measurement(&self, d: MeasurementDraft) -> Result<Prepared, ApiError> {
        policy::check(self.viewer(), Operation::RecordMeasurement, None)?;
        let (indicator, plan_code) = self
            .load(&d.indicator, Some(RecordKind::Indicator), "indicator")
            .await
            .map_err(|e| match e {
                ApiError::NotFound(m) => ApiError::bad_input("indicator", m),
                other => other,
            })?;
        let plan = self.plan(Some(&plan_code)).await?;
        let vocab = Vocabulary::load(&self.db, plan.id).await?;
        let ind: IndicatorPayload = decode(&indicator)?;
        let p = MeasurementPayload {
            indicator_id: indicator.id,
            value: d.value.normalize(),
            source: d.source.trim().to_owned(),
            notes: d.notes,
        };
        validate::measurement(&p, d.year, plan_years(&plan))?;
        let mut links = vec![("INDICATOR".to_owned(), indicator.id.to_string())];
        if let Some(a) = &ind.action {
            links.extend(action_links(&vocab, std::slice::from_ref(a)));
        }
        let about = About::Indicator {
            plan_id: plan.id,
            indicator: &ind,
            vocab: &vocab,
        };
        Ok(Prepared {
            target: targets::target(&self.db, self.viewer(), about).await?,
            links,
            record_type: RecordKind::Measurement,
            code: None,
            year: Some(d.year),
            payload: to_json(&p)?,
            op: Operation::RecordMeasurement,
            plan,
        })
    }

    async fn prepare_evaluation(&self, d: EvaluationDraft) -> Result<Prepared, ApiError> {
        policy::check(self.viewer(), Operation::ManageEvaluations, None)?;
        let plan = self.plan(d.plan.as_deref()).await?;
        let mut p = d.payload;
        p.document_link = trimmed(p.document_link.take());
        // The plan schedules the mid-term evaluation in 2023 and the final one in 2025.
        let year = d.year.unwrap_or(match p.kind {
            EvaluationKind::MidTerm => 2023,
            EvaluationKind::Final => plan.end_year,
        });
        validate::evaluation(&p, year, plan_years(&plan))?;
        Ok(Prepared {
            target: Target::default(),
            links: vec![("KIND".to_owned(), p.kind.as_str().to_owned())],
            record_type: RecordKind::Evaluation,
            code: None,
            year: Some(year),
            payload: to_json(&p)?,
            op: Operation::ManageEvaluations,
            plan,
        })
    }
}
