//! Reporting years: a closed year's records are changed by coordinators only.

use entity::reporting_year;

use super::Service;
use crate::error::ApiError;
use crate::monitoring::store;
use crate::policy::{self, Operation};

impl Service {
    /// Closes (`closed`) or opens again the reporting `year` of `plan` (the current plan when
    /// `None`), if it is still at `expected_version` when one is given.
    pub async fn set_year_closed(
        &self,
        plan: Option<&str>,
        year: i32,
        expected_version: Option<i32>,
        closed: bool,
    ) -> Result<reporting_year::Model, ApiError> {
        policy::check(self.viewer(), Operation::ManageReportingYears, None)?;
        let plan = crate::store::resolve_plan(&self.db, plan).await?;
        store::ensure_reporting_years(&self.db, &plan).await?;
        let years = store::reporting_years(&self.db, &plan).await?;
        let current = years.into_iter().find(|y| y.year == year).ok_or_else(|| {
            ApiError::bad_input(
                "year",
                format!(
                    "must be a year of the plan, {}-{}",
                    plan.start_year, plan.end_year
                ),
            )
        })?;
        store::set_year_closed(&self.db, &self.actor, &current, expected_version, closed).await
    }
}
