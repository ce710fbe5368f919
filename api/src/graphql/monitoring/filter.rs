//! The filter the monitoring lists share, and its translation into a store query.

use async_graphql::{Context, InputObject};

use crate::error::ApiError;
use crate::graphql::db;
use crate::graphql::scalars::DateTime;
use crate::monitoring::store::RecordQuery;
use crate::monitoring::{RecordKind, ReviewState};

/// Conditions on monitoring records; all must hold. Unknown codes are `BAD_USER_INPUT`.
#[derive(InputObject, Default)]
pub struct MonitoringFilter {
    /// Plan code; the current plan when omitted.
    pub plan: Option<String>,
    /// Records about the actions of this strategic line (`LE2`).
    pub strategic_line: Option<String>,
    /// Records about this action (`LE2.1`).
    pub action: Option<String>,
    /// Records about this geographic zone (`EUROPE`).
    pub zone: Option<String>,
    /// Records involving this partner metropolis (its code, e.g. `greater-manchester`).
    pub partner: Option<String>,
    /// Records involving this municipality (INE code).
    pub municipality: Option<String>,
    /// Records involving this organization (code).
    pub organization: Option<String>,
    /// The kind: an `ActivityKind` for activities, a `FundingProgramme` for funded projects,
    /// an `EvaluationKind` for evaluations.
    pub kind: Option<String>,
    /// The reporting year (for funded projects, the year they start).
    pub year: Option<i32>,
    /// The review state.
    pub state: Option<ReviewState>,
    /// Only records created or changed (edited, submitted, published, …) at or after this
    /// instant: for simple polling, pass the time of your previous poll (changes within that
    /// same second come again; the change feed `changes` gives exact cursors instead).
    pub updated_since: Option<DateTime>,
}

/// Turns a filter into a record query, checking every code.
pub(crate) async fn record_query(
    ctx: &Context<'_>,
    record_type: RecordKind,
    filter: MonitoringFilter,
) -> Result<(RecordQuery, entity::plan::Model), ApiError> {
    use crate::monitoring::validate::Vocabulary;
    let db = db(ctx)?;
    let plan = crate::store::resolve_plan(db, filter.plan.as_deref()).await?;
    // The vocabulary is only needed to check codes the filter names.
    let names_codes = filter.action.is_some()
        || filter.zone.is_some()
        || filter.partner.is_some()
        || filter.municipality.is_some()
        || filter.organization.is_some();
    let vocab = if names_codes {
        Vocabulary::load(db, plan.id).await?
    } else {
        Vocabulary::default()
    };
    let mut links = Vec::new();
    let mut check =
        |field: &str, target: &str, value: Option<String>, known: bool| -> Result<(), ApiError> {
            if let Some(v) = value {
                if !known {
                    return Err(ApiError::bad_input(
                        &format!("filter.{field}"),
                        format!("unknown {field} {v:?}"),
                    ));
                }
                links.push((target.to_owned(), v));
            }
            Ok(())
        };
    let line_known = match &filter.strategic_line {
        Some(code) => crate::store::line_by_code(db, plan.id, code)
            .await?
            .is_some(),
        None => true,
    };
    check(
        "strategicLine",
        "LINE",
        filter.strategic_line.clone(),
        line_known,
    )?;
    for (field, target, value, codes) in [
        ("action", "ACTION", &filter.action, &vocab.actions),
        ("zone", "ZONE", &filter.zone, &vocab.zones),
        ("partner", "PARTNER", &filter.partner, &vocab.partners),
        (
            "municipality",
            "MUNICIPALITY",
            &filter.municipality,
            &vocab.municipalities,
        ),
        (
            "organization",
            "ORGANIZATION",
            &filter.organization,
            &vocab.organizations,
        ),
    ] {
        let known = value.as_ref().is_none_or(|v| codes.contains(v));
        check(field, target, value.clone(), known)?;
    }
    let kinds = record_type.link_kinds();
    let kind_known = filter
        .kind
        .as_ref()
        .is_none_or(|k| kinds.contains(&k.as_str()));
    check("kind", "KIND", filter.kind.clone(), kind_known)?;
    Ok((
        RecordQuery {
            year: filter.year,
            state: filter.state,
            links,
            updated_since: filter.updated_since.map(|t| t.0),
            ..RecordQuery::new(plan.id, record_type)
        },
        plan,
    ))
}
