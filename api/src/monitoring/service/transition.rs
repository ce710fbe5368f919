//! Moving records through their review (submit, publish, return, archive) and publishing the
//! annual report.

use entity::{I18n, annual_report, monitoring_record};

use super::{RecordId, Service, Written, targets, to_json};
use crate::error::ApiError;
use crate::monitoring::store::{self, Transition};
use crate::monitoring::validate;
use crate::policy::{self, Operation};

impl Service {
    /// Sends a DRAFT or RETURNED record for review (its reporter, or a coordinator).
    pub async fn submit(&self, id: &RecordId, expected_version: i32) -> Result<Written, ApiError> {
        let (current, plan) = self.load(id, None, "id").await?;
        let (op, target) = targets::of_existing(&self.db, self.viewer(), &current).await?;
        policy::check(self.viewer(), op, Some(&target))?;
        self.step(current, plan, expected_version, Transition::Submit, None)
            .await
    }

    /// Publishes a SUBMITTED record (coordinators).
    pub async fn publish(&self, id: &RecordId, expected_version: i32) -> Result<Written, ApiError> {
        self.review(id, expected_version, Transition::Publish, None)
            .await
    }

    /// Returns a SUBMITTED record to its reporter with `comment` (coordinators).
    pub async fn send_back(
        &self,
        id: &RecordId,
        expected_version: i32,
        comment: I18n,
    ) -> Result<Written, ApiError> {
        policy::check(self.viewer(), Operation::Review, None)?;
        let mut c = validate::Checker::default();
        c.text("comment", &comment, true, validate::MAX_TEXT);
        c.finish()?;
        let comment = to_json(&comment)?;
        self.review(id, expected_version, Transition::Return, Some(comment))
            .await
    }

    /// Archives a record: withdrawn from view, kept (coordinators).
    pub async fn archive(&self, id: &RecordId, expected_version: i32) -> Result<Written, ApiError> {
        self.review(id, expected_version, Transition::Archive, None)
            .await
    }

    async fn review(
        &self,
        id: &RecordId,
        expected_version: i32,
        step: Transition,
        comment: Option<serde_json::Value>,
    ) -> Result<Written, ApiError> {
        let op = if step == Transition::Archive {
            Operation::Archive
        } else {
            Operation::Review
        };
        policy::check(self.viewer(), op, None)?;
        let (current, plan) = self.load(id, None, "id").await?;
        self.step(current, plan, expected_version, step, comment)
            .await
    }

    /// Moves `current` (of `plan`), which the viewer may move, one `step` if its year is open
    /// to the viewer and it is still at `expected_version`.
    async fn step(
        &self,
        current: monitoring_record::Model,
        plan: String,
        expected_version: i32,
        step: Transition,
        comment: Option<serde_json::Value>,
    ) -> Result<Written, ApiError> {
        self.check_year(current.plan_id, current.year).await?;
        let record = store::transition(
            &self.db,
            &self.actor,
            &current,
            expected_version,
            step,
            comment,
        )
        .await?;
        Ok(Written {
            record,
            plan,
            created: false,
        })
    }

    /// Publishes the annual report of `year` as it stands now, frozen (coordinators).
    pub async fn publish_annual_report(
        &self,
        plan: Option<&str>,
        year: i32,
    ) -> Result<
        (
            crate::monitoring::report::AnnualReport,
            annual_report::Model,
        ),
        ApiError,
    > {
        policy::check(self.viewer(), Operation::PublishAnnualReport, None)?;
        let plan = crate::store::resolve_plan(&self.db, plan).await?;
        let mut c = validate::Checker::default();
        c.year("year", year, (plan.start_year, plan.end_year));
        c.finish()?;
        let report = crate::monitoring::report::assemble(&self.db, &plan, year).await?;
        let content = to_json(&report)?;
        let stored = store::publish_report(&self.db, &self.actor, plan.id, year, content).await?;
        Ok((report, stored))
    }
}
