//! Indicators and their yearly measurements.

use async_graphql::{Context, Object, SimpleObject};

use super::published::published;
use super::record::{content_by_code, record_type};
use crate::error::ApiError;
use crate::graphql::scalars::Decimal;
use crate::graphql::strategy::{Action, ExpectedResult};
use crate::graphql::{db, loaders};
use crate::loaders::{ActionCode, RecordById, ResultCode};
use crate::monitoring::report::INDICATOR_STATUS_METHOD;
use crate::monitoring::service::Reads;
use crate::monitoring::{
    IndicatorDirection, IndicatorPayload, IndicatorStatus, MeasurementPayload,
};
use crate::policy;

/// A value in a year.
#[derive(SimpleObject)]
pub struct YearValue {
    /// The value.
    pub value: Decimal,
    /// The year.
    pub year: i32,
}

fn year_value(value: rust_decimal::Decimal, year: i32) -> YearValue {
    YearValue {
        value: Decimal(value),
        year,
    }
}

record_type! {
    /// An indicator measuring an expected result or an action, with its baseline and target.
    Indicator(IndicatorPayload) #[Object] {
        /// Code, unique in the plan.
        async fn code(&self) -> Option<&str> {
            self.m.code.as_deref()
        }
        /// Name.
        text name;
        /// Unit of measurement.
        async fn unit(&self) -> &str {
            &self.p.unit
        }
        /// The expected result it measures.
        async fn expected_result(
            &self,
            ctx: &Context<'_>,
        ) -> Result<Option<ExpectedResult>, ApiError> {
            let Some(code) = &self.p.expected_result else {
                return Ok(None);
            };
            let codes = std::slice::from_ref(code);
            Ok(content_by_code::<ResultCode>(ctx, self.m.plan_id, &self.plan, codes)
                .await?
                .pop())
        }
        /// The action it measures.
        async fn action(&self, ctx: &Context<'_>) -> Result<Option<Action>, ApiError> {
            let Some(code) = &self.p.action else {
                return Ok(None);
            };
            Ok(
                content_by_code::<ActionCode>(ctx, self.m.plan_id, &self.plan, std::slice::from_ref(code))
                    .await?
                    .pop(),
            )
        }
        /// Baseline.
        async fn baseline(&self) -> YearValue {
            year_value(self.p.baseline_value, self.p.baseline_year)
        }
        /// Target.
        async fn target(&self) -> YearValue {
            year_value(self.p.target_value, self.p.target_year)
        }
        /// Which way is better.
        async fn direction(&self) -> IndicatorDirection {
            self.p.direction
        }
        /// Measurements the caller may see, oldest year first: the newest 1,000 at most
        /// (`measurementsConnection` pages through them all).
        #[graphql(
            deprecation = "Returns at most the newest 1,000 measurements. Use `measurementsConnection`, which pages through all of them with `first`/`after` and gives their `totalCount`."
        )]
        async fn measurements(&self, ctx: &Context<'_>) -> Result<Vec<Measurement>, ApiError> {
            let key = super::nested::indicator_key(&self.m);
            let mut out =
                super::nested::linked_newest(ctx, key, &self.plan, Measurement::from_model).await?;
            out.sort_by_key(|m| (m.m.year, m.m.id));
            Ok(out)
        }
        /// Measurements the caller may see, most recently recorded first, a page at a time.
        #[graphql(complexity = "crate::graphql::list_cost(first, child_complexity)")]
        async fn measurements_connection(
            &self,
            ctx: &Context<'_>,
            #[graphql(
                desc = "How many to return (default 20, at most the server's page size cap: 100 unless configured)."
            )]
            first: Option<i32>,
            #[graphql(desc = "Return the measurements after this cursor.")] after: Option<String>,
        ) -> Result<MeasurementConnection, ApiError> {
            let key = super::nested::indicator_key(&self.m);
            let (items, page, total) = super::nested::linked_page(
                ctx,
                key,
                &self.plan,
                first,
                after,
                Measurement::from_model,
            )
            .await?;
            Ok(MeasurementConnection::new(items, page, total))
        }
        /// The latest published value.
        async fn latest_value(&self, ctx: &Context<'_>) -> Result<Option<YearValue>, ApiError> {
            let published = published(ctx, self.m.plan_id).await?;
            Ok(published
                .latest_measurement(self.m.id)
                .map(|(y, v)| year_value(v, y)))
        }
        /// Where the indicator stands, from its latest published measurement.
        async fn status(&self, ctx: &Context<'_>) -> Result<IndicatorStatus, ApiError> {
            let published = published(ctx, self.m.plan_id).await?;
            Ok(published.status_of(self.m.id, &self.p))
        }
        /// How `status` is computed.
        async fn status_method(&self) -> &'static str {
            INDICATOR_STATUS_METHOD
        }
    }
}

record_type! {
    /// A yearly measurement of an indicator.
    Measurement(MeasurementPayload) {
        /// The indicator.
        async fn indicator(&self, ctx: &Context<'_>) -> Result<Option<Indicator>, ApiError> {
            let row = crate::loaders::one::<RecordById>(loaders(ctx)?, self.p.indicator_id).await?;
            let reads = Reads::new(db(ctx)?.clone(), policy::viewer(ctx));
            row.filter(|m| reads.sees(m))
                .map(|m| Indicator::from_model(m, &self.plan))
                .transpose()
        }
        /// The value.
        async fn value(&self) -> Decimal {
            Decimal(self.p.value)
        }
        /// Where the value comes from.
        async fn source(&self) -> &str {
            &self.p.source
        }
        /// Notes.
        text notes;
    }
}

crate::connection!(
    MeasurementConnection,
    MeasurementEdge,
    Measurement,
    "A page of an indicator's measurements.",
    "A measurement in a page."
);
