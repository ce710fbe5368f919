//! The annual report of a year as the API serves it, in GraphQL (`annualReport(year)`) and in
//! the exports alike: the published, frozen one when there is one, else assembled now from
//! published records.

use entity::annual_report;
use sea_orm::DatabaseConnection;

use super::report::{AnnualReport, assemble};
use super::store;
use crate::error::ApiError;

/// The report of `year` and, when it is published (frozen), its stored row; a year outside
/// the plan is a `BAD_USER_INPUT` on `year`.
pub async fn annual_report(
    db: &DatabaseConnection,
    plan: &entity::plan::Model,
    year: i32,
) -> Result<(AnnualReport, Option<annual_report::Model>), ApiError> {
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
        let report: AnnualReport = serde_json::from_value(stored.content.clone()).map_err(|e| {
            tracing::error!(error = %e, year, "undecodable published annual report");
            ApiError::Internal
        })?;
        return Ok((report, Some(stored)));
    }
    Ok((assemble(db, plan, year).await?, None))
}
