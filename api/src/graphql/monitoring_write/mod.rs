//! Mutations on monitoring records: a thin layer over `monitoring::service`, which decides
//! (policy, validation, links, store, audit). Here GraphQL inputs become domain drafts,
//! stored records become GraphQL objects, and the service's domain field names become
//! argument paths ([`argument_path`]).

mod inputs;

use async_graphql::{Context, ID, Object};
use entity::monitoring_record;

use super::db;
use super::monitoring::{
    Activity, Evaluation, FundedProject, Indicator, Measurement, MonitoringRecord, ProgressUpdate,
};
use super::report::{AnnualReportView, ReportingYear};
use crate::error::{ApiError, FieldError};
use crate::monitoring::service::{Draft, Service, Written};
use crate::monitoring::store::Actor;
use crate::policy;
use crate::telemetry::RequestId;

use inputs::record_id;
pub use inputs::{
    ActivityInput, EvaluationInput, FundedProjectInput, IndicatorInput, LocalizedTextInput,
    MeasurementInput, ProgressUpdateInput,
};

/// The service, acting for the request's viewer.
fn service(ctx: &Context<'_>) -> Result<Service, ApiError> {
    let viewer = policy::viewer(ctx).clone();
    let request_id = ctx
        .data_opt::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    Ok(Service::new(db(ctx)?.clone(), Actor { viewer, request_id }))
}

/// How a GraphQL record type wraps a stored record (`ProgressUpdate::from_model`, …).
type FromModel<T> = fn(monitoring_record::Model, &str) -> Result<T, ApiError>;

/// Creates a record from its GraphQL input; what every `create…` mutation does.
async fn create<T>(
    ctx: &Context<'_>,
    input: impl Into<Draft>,
    idempotency_key: &str,
    submit: bool,
    from_model: FromModel<T>,
) -> Result<T, ApiError> {
    let written = service(ctx)?
        .create(input.into(), idempotency_key, submit)
        .await
        .map_err(with_input)?;
    from_model(written.record, &written.plan)
}

/// Changes a record from its GraphQL input; what every `update…` mutation does.
async fn update<T>(
    ctx: &Context<'_>,
    id: &ID,
    expected_version: i32,
    input: impl Into<Draft>,
    from_model: FromModel<T>,
) -> Result<T, ApiError> {
    let written = service(ctx)?
        .update(&record_id(id), expected_version, input.into())
        .await
        .map_err(with_input)?;
    from_model(written.record, &written.plan)
}

/// The answer of a review step (submit, publish, return, archive).
fn reviewed(written: Result<Written, ApiError>) -> Result<MonitoringRecord, ApiError> {
    let written = written.map_err(without_input)?;
    MonitoringRecord::from_model(written.record, &written.plan)
}

/// Arguments of the mutations, as the service names them; any other field is inside `input`.
const ARGUMENTS: &[&str] = &["id", "idempotency_key", "expected_version", "comment"];

/// The argument path of a domain field path: `percent_complete` → `input.percentComplete`,
/// `milestones[1].text.ca` → `input.milestones[1].text.ca`, `idempotency_key` →
/// `idempotencyKey`. `in_input` says whether the mutation takes an `input` (for the others,
/// `year` and `plan` are arguments of their own).
pub fn argument_path(field: &str, in_input: bool) -> String {
    let camel = crate::graphql::graphql_name(field);
    let head = field.split(['.', '[']).next().unwrap_or(field);
    if in_input && !ARGUMENTS.contains(&head) {
        format!("input.{camel}")
    } else {
        camel
    }
}

/// Maps the field paths of an error to argument paths.
fn map_fields(err: ApiError, in_input: bool) -> ApiError {
    match err {
        ApiError::Invalid(errors) => ApiError::Invalid(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: argument_path(&e.field, in_input),
                    message: e.message,
                })
                .collect(),
        ),
        ApiError::BadUserInput { message, field } => ApiError::BadUserInput {
            message,
            field: argument_path(&field, in_input),
        },
        other => other,
    }
}

fn with_input(err: ApiError) -> ApiError {
    map_fields(err, true)
}

fn without_input(err: ApiError) -> ApiError {
    map_fields(err, false)
}

/// Declares [`RecordMutation`]: the `create…` and `update…` mutations of each record kind,
/// which differ only in their names, types and descriptions. For each kind,
///
/// ```text
/// Activity(ActivityInput) {
///     /// Reports an activity (…).                       // the create mutation's description
///     create create_activity: "The activity.";          // …and its `input`'s
///     /// Changes an activity, if it is still at `expectedVersion`.
///     update update_activity: "The activity's ID.", "The activity's new content.";
/// }
/// ```
///
/// writes `create_activity(input: ActivityInput!, idempotencyKey: String!, submit: Boolean! =
/// false): Activity!` over [`create`], and `update_activity(id: ID!, expectedVersion: Int!,
/// input: ActivityInput!): Activity!` over [`update`], with the arguments every kind shares
/// described once here.
macro_rules! record_mutations {
    ($(
        $record:ident($input:ident) {
            $(#[doc = $create_doc:tt])*
            create $create:ident: $input_desc:tt;
            $(#[doc = $update_doc:tt])*
            update $update:ident: $id_desc:tt, $content_desc:tt;
        }
    )*) => {
        /// The `create…` and `update…` mutations of monitoring records.
        #[derive(Default)]
        pub struct RecordMutation;

        #[Object]
        impl RecordMutation {$(
            $(#[doc = $create_doc])*
            async fn $create(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = $input_desc)] input: $input,
                #[graphql(desc = "A key unique to this creation (e.g. a UUID), reused on retries.")]
                idempotency_key: String,
                #[graphql(desc = "Submit for review at once.", default = false)] submit: bool,
            ) -> Result<$record, ApiError> {
                create(ctx, input, &idempotency_key, submit, $record::from_model).await
            }

            $(#[doc = $update_doc])*
            async fn $update(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = $id_desc)] id: ID,
                #[graphql(desc = "The version you read; a stale one is a CONFLICT.")]
                expected_version: i32,
                #[graphql(desc = $content_desc)] input: $input,
            ) -> Result<$record, ApiError> {
                update(ctx, &id, expected_version, input, $record::from_model).await
            }
        )*}
    };
}

record_mutations! {
    ProgressUpdate(ProgressUpdateInput) {
        /// Reports progress on an action for a year (areas: on actions their unit is responsible
        /// for). Created as DRAFT, or SUBMITTED with `submit: true`. Retrying with the same
        /// `idempotencyKey` returns the first result instead of creating a twin.
        create create_progress_update: "The update.";
        /// Changes a progress update, if it is still at `expectedVersion`.
        update update_progress_update: "The update's ID.", "The update's new content.";
    }
    Activity(ActivityInput) {
        /// Reports an activity (areas: their own; municipalities: of their municipality).
        create create_activity: "The activity.";
        /// Changes an activity, if it is still at `expectedVersion`.
        update update_activity: "The activity's ID.", "The activity's new content.";
    }
    FundedProject(FundedProjectInput) {
        /// Reports a funded project (areas: their own; municipalities: of their municipality).
        create create_funded_project: "The project.";
        /// Changes a funded project, if it is still at `expectedVersion`.
        update update_funded_project: "The project's ID.", "The project's new content.";
    }
    Indicator(IndicatorInput) {
        /// Defines an indicator (coordinators).
        create create_indicator: "The indicator.";
        /// Changes an indicator, if it is still at `expectedVersion`.
        update update_indicator: "The indicator's ID.", "The indicator's new content.";
    }
    Measurement(MeasurementInput) {
        /// Records a yearly value of an indicator (areas: indicators of actions their unit leads).
        create create_measurement: "The measurement.";
        /// Changes a measurement, if it is still at `expectedVersion`.
        update update_measurement: "The measurement's ID.", "The measurement's new content.";
    }
    Evaluation(EvaluationInput) {
        /// Records an evaluation (coordinators).
        create create_evaluation: "The evaluation.";
        /// Changes an evaluation, if it is still at `expectedVersion`.
        update update_evaluation: "The evaluation's ID.", "The evaluation's new content.";
    }
}

/// Declares [`ReviewMutation`]: the review steps that take only the record and the version
/// read. Each line `submit_record => submit;`, after its description, writes
/// `submitRecord(id: ID!, expectedVersion: Int!): MonitoringRecord!` over the service's
/// method of that name.
macro_rules! review_mutations {
    ($($(#[doc = $doc:tt])* $field:ident => $step:ident;)*) => {
        /// The review steps of monitoring records that take no comment.
        #[derive(Default)]
        pub struct ReviewMutation;

        #[Object]
        impl ReviewMutation {$(
            $(#[doc = $doc])*
            async fn $field(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The record's ID.")] id: ID,
                #[graphql(desc = "The version you read; a stale one is a CONFLICT.")]
                expected_version: i32,
            ) -> Result<MonitoringRecord, ApiError> {
                reviewed(service(ctx)?.$step(&record_id(&id), expected_version).await)
            }
        )*}
    };
}

review_mutations! {
    /// Sends a DRAFT or RETURNED record for review (its reporter, or a coordinator).
    submit_record => submit;
    /// Publishes a SUBMITTED record: it becomes visible to everyone (coordinators). Any other
    /// state is a CONFLICT: a record is published only after its reporter submitted it.
    publish_record => publish;
    /// Archives a record: withdrawn from view but kept (coordinators). Nothing is deleted.
    archive_record => archive;
}

/// The other mutations on monitoring records: returning one with a comment, reporting years,
/// the annual report.
#[derive(Default)]
pub struct MonitoringMutation;

#[Object]
impl MonitoringMutation {
    /// Returns a submitted record to its reporter with a comment (coordinators).
    async fn return_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's ID.")] id: ID,
        #[graphql(desc = "The version you read; a stale one is a CONFLICT.")] expected_version: i32,
        #[graphql(desc = "Why it is returned, in one or more languages.")]
        comment: LocalizedTextInput,
    ) -> Result<MonitoringRecord, ApiError> {
        reviewed(
            service(ctx)?
                .send_back(&record_id(&id), expected_version, comment.into_i18n())
                .await,
        )
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
        let year = service(ctx)?
            .set_year_closed(plan.as_deref(), year, expected_version, true)
            .await
            .map_err(without_input)?;
        Ok(ReportingYear(year))
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
        let year = service(ctx)?
            .set_year_closed(plan.as_deref(), year, expected_version, false)
            .await
            .map_err(without_input)?;
        Ok(ReportingYear(year))
    }

    /// Publishes the annual activity report of a year as it stands now, freezing it: later
    /// edits of its records never change the published report (coordinators).
    async fn publish_annual_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year.")] year: i32,
        #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
    ) -> Result<AnnualReportView, ApiError> {
        let (report, stored) = service(ctx)?
            .publish_annual_report(plan.as_deref(), year)
            .await
            .map_err(without_input)?;
        Ok(AnnualReportView::frozen(report, stored))
    }
}

#[cfg(test)]
mod tests {
    use super::argument_path;

    #[test]
    fn domain_fields_map_to_argument_paths() {
        assert_eq!(
            argument_path("percent_complete", true),
            "input.percentComplete"
        );
        assert_eq!(
            argument_path("milestones[1].text.ca", true),
            "input.milestones[1].text.ca"
        );
        assert_eq!(
            argument_path("evidence_links[0]", true),
            "input.evidenceLinks[0]"
        );
        assert_eq!(argument_path("idempotency_key", true), "idempotencyKey");
        assert_eq!(argument_path("id", true), "id");
        assert_eq!(argument_path("comment", false), "comment");
        assert_eq!(argument_path("year", false), "year");
        assert_eq!(argument_path("year", true), "input.year");
    }
}
