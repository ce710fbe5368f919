//! What the policy is asked about a record: its [`Target`]. Built here, by [`target`] alone,
//! for the writes of this service and for `viewer { can(…) }`, so that what a client is shown
//! it may do is what it will be allowed to do.

use entity::monitoring_record;
use sea_orm::DatabaseConnection;

use super::{decode, owner_of};
use crate::auth::Viewer;
use crate::error::ApiError;
use crate::monitoring::validate::Vocabulary;
use crate::monitoring::{IndicatorPayload, MeasurementPayload, ProgressPayload, RecordKind};
use crate::policy::{Operation, Target};

/// What a write is about, as far as the policy needs it.
pub enum About<'a> {
    /// A record about an action of the plan (a progress update, or a measurement of an
    /// indicator of the action): the units responsible for it decide.
    Action {
        /// The plan.
        plan_id: i32,
        /// The action's code.
        code: &'a str,
    },
    /// The measurements of an indicator: the units responsible for its action, or for the
    /// actions of its expected result's line.
    Indicator {
        /// The plan.
        plan_id: i32,
        /// The indicator.
        indicator: &'a IndicatorPayload,
        /// The plan's codes.
        vocab: &'a Vocabulary,
    },
    /// A record the viewer reports now, involving `municipality` (by default, the viewer's own).
    NewReport {
        /// The municipality the record belongs to, when not the viewer's own.
        municipality: Option<&'a str>,
    },
    /// A stored record: who reported it.
    Reported(&'a monitoring_record::Model),
}

/// The target of `about`, for `viewer`.
pub async fn target(
    db: &DatabaseConnection,
    viewer: &Viewer,
    about: About<'_>,
) -> Result<Target, ApiError> {
    Ok(match about {
        About::Action { plan_id, code } => Target {
            responsible_units: responsible_units(db, plan_id, code).await?,
            ..Target::default()
        },
        About::Indicator {
            plan_id,
            indicator,
            vocab,
        } => {
            let actions: Vec<String> = match (&indicator.action, &indicator.expected_result) {
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
                units.extend(responsible_units(db, plan_id, &a).await?);
            }
            Target {
                responsible_units: units,
                ..Target::default()
            }
        }
        About::NewReport { municipality } => {
            let (unit, own) = owner_of(viewer);
            let municipality = municipality.map(str::to_owned).or(own.clone());
            Target {
                reported_by: unit.or(own),
                municipality,
                ..Target::default()
            }
        }
        About::Reported(record) => Target::of_record(record),
    })
}

async fn responsible_units(
    db: &DatabaseConnection,
    plan_id: i32,
    action: &str,
) -> Result<Vec<String>, ApiError> {
    Ok(
        match crate::store::action_by_code(db, plan_id, action).await? {
            Some(a) => crate::store::responsible_codes(db, a.id).await?,
            None => Vec::new(),
        },
    )
}

/// The operation that changes a stored record of this kind, and its target.
pub async fn of_existing(
    db: &DatabaseConnection,
    viewer: &Viewer,
    record: &monitoring_record::Model,
) -> Result<(Operation, Target), ApiError> {
    let kind = RecordKind::of_stored(&record.record_type).ok_or(ApiError::Internal)?;
    Ok(match kind {
        RecordKind::ProgressUpdate => {
            let p: ProgressPayload = decode(record)?;
            let about = About::Action {
                plan_id: record.plan_id,
                code: &p.action,
            };
            (Operation::ReportProgress, target(db, viewer, about).await?)
        }
        RecordKind::Measurement => {
            let p: MeasurementPayload = decode(record)?;
            let indicator = crate::monitoring::store::get(db, p.indicator_id)
                .await?
                .ok_or(ApiError::Internal)?;
            let vocab = Vocabulary::load(db, record.plan_id).await?;
            let about = About::Indicator {
                plan_id: record.plan_id,
                indicator: &decode(&indicator)?,
                vocab: &vocab,
            };
            (
                Operation::RecordMeasurement,
                target(db, viewer, about).await?,
            )
        }
        RecordKind::Activity => (Operation::ReportActivity, Target::of_record(record)),
        RecordKind::FundedProject => (Operation::ReportFundedProject, Target::of_record(record)),
        RecordKind::Indicator => (Operation::ManageIndicators, Target::default()),
        RecordKind::Evaluation => (Operation::ManageEvaluations, Target::default()),
    })
}
