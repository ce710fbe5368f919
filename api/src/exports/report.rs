//! The annual report of a year as the API serves it: the published, frozen one when there is
//! one, else assembled now from published records (as `annualReport(year)` does).

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::error::ApiError;
use crate::monitoring::report::{AnnualReport, assemble};
use crate::monitoring::store;

/// The report of `year` and, when it is published (frozen), when.
pub async fn annual_report(
    db: &DatabaseConnection,
    plan: &entity::plan::Model,
    year: i32,
) -> Result<(AnnualReport, Option<DateTime<Utc>>), ApiError> {
    if !(plan.start_year..=plan.end_year).contains(&year) {
        return Err(ApiError::bad_input(
            "year",
            format!(
                "must be a year of the plan, {}-{}",
                plan.start_year, plan.end_year
            ),
        ));
    }
    if let Some(stored) = store::published_report(db, plan.id, year).await? {
        let report: AnnualReport = serde_json::from_value(stored.content).map_err(|e| {
            tracing::error!(error = %e, year, "undecodable published annual report");
            ApiError::Internal
        })?;
        return Ok((report, Some(stored.published_at)));
    }
    Ok((assemble(db, plan, year).await?, None))
}
