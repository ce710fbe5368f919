//! Indicators and their yearly measurements.

use async_graphql::{Context, SimpleObject};

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
    IndicatorDirection, IndicatorPayload, IndicatorStatus, MeasurementPayload, RecordKind,
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
    Indicator(IndicatorPayload) {
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
        /// Measurements the caller may see, by year.
        async fn measurements(&self, ctx: &Context<'_>) -> Result<Vec<Measurement>, ApiError> {
            let key = crate::graphql::linked::LinkedRecords {
                plan_id: self.m.plan_id,
                record_type: RecordKind::Measurement,
                target_type: "INDICATOR",
                code: self.m.id.to_string(),
            };
            let mut out = crate::graphql::linked::visible(ctx, key)
                .await?
                .into_iter()
                .map(|m| Measurement::from_model(m, &self.plan))
                .collect::<Result<Vec<_>, _>>()?;
            out.sort_by_key(|m| (m.m.year, m.m.id));
            Ok(out)
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
