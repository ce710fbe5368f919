//! Activities: forums, network meetings, study visits and the like.

use async_graphql::Context;

use super::record::{content_by_code, orgs_by_code, record_type};
use crate::error::ApiError;
use crate::graphql::actors::{Municipality, Organization};
use crate::graphql::geography::{GeographicZone, PartnerMetropolis};
use crate::graphql::scalars::Date;
use crate::graphql::strategy::Action;
use crate::loaders::{ActionCode, PartnerCode, ZoneCode};
use crate::monitoring::{ActivityKind, ActivityPayload};

record_type! {
    #[doc = "An activity: a forum, a network meeting, a joint position, a study or seminar, a delegation received, a study visit, an event or a knowledge transfer."]
    Activity(ActivityPayload) {
        /// Kind of activity.
        async fn kind(&self) -> ActivityKind {
            self.p.kind
        }
        /// Title.
        text title;
        /// Summary.
        text summary;
        /// First day.
        async fn start_date(&self) -> Date {
            Date(self.p.start_date)
        }
        /// Last day, if it lasted more than one.
        async fn end_date(&self) -> Option<Date> {
            self.p.end_date.map(Date)
        }
        /// Where it took place.
        async fn place(&self) -> Option<&str> {
            self.p.place.as_deref()
        }
        /// Links to more information.
        async fn links(&self) -> &[String] {
            &self.p.links
        }
        /// The actions it carries out.
        async fn actions(&self, ctx: &Context<'_>) -> Result<Vec<Action>, ApiError> {
            content_by_code::<ActionCode>(ctx, self.m.plan_id, &self.plan, &self.p.actions).await
        }
        /// The geographic zones it concerns.
        async fn zones(&self, ctx: &Context<'_>) -> Result<Vec<GeographicZone>, ApiError> {
            content_by_code::<ZoneCode>(ctx, self.m.plan_id, &self.plan, &self.p.zones).await
        }
        /// The partner metropolises involved.
        async fn partners(&self, ctx: &Context<'_>) -> Result<Vec<PartnerMetropolis>, ApiError> {
            content_by_code::<PartnerCode>(ctx, self.m.plan_id, &self.plan, &self.p.partners).await
        }
        /// The organizations involved.
        async fn organizations(&self, ctx: &Context<'_>) -> Result<Vec<Organization>, ApiError> {
            orgs_by_code(ctx, &self.p.organizations, Organization::new).await
        }
        /// The municipalities involved.
        async fn municipalities(&self, ctx: &Context<'_>) -> Result<Vec<Municipality>, ApiError> {
            orgs_by_code(ctx, &self.p.municipalities, Municipality::new).await
        }
    }
}
