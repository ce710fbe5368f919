//! Activities: forums, network meetings, study visits and the like.

use std::sync::Arc;

use async_graphql::Context;

use super::super::actors::{Municipality, Organization};
use super::super::geography::{GeographicZone, PartnerMetropolis};
use super::super::scalars::Date;
use super::super::strategy::Action;
use super::super::{loaders, tr};
use super::record::{actions_by_code, localized, orgs_by_code, record_type};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::loaders::{ByCode, PartnerCode, ZoneCode};
use crate::monitoring::{ActivityKind, ActivityPayload};

record_type!(
    Activity,
    ActivityPayload,
    "An activity: a forum, a network meeting, a joint position, a study or seminar, a delegation received, a study visit, an event or a knowledge transfer.",
    {
        /// Kind of activity.
        async fn kind(&self) -> ActivityKind {
            self.p.kind
        }
        /// Title.
        async fn title(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Language of the text; defaults to the request's language.")]
            lang: Option<Lang>,
        ) -> String {
            tr(ctx, &self.p.title, lang)
        }
        /// Summary.
        async fn summary(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Language of the text; defaults to the request's language.")]
            lang: Option<Lang>,
        ) -> String {
            tr(ctx, &self.p.summary, lang)
        }
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
            actions_by_code(ctx, self.m.plan_id, &self.plan, &self.p.actions).await
        }
        /// The geographic zones it concerns.
        async fn zones(&self, ctx: &Context<'_>) -> Result<Vec<GeographicZone>, ApiError> {
            let keys: Vec<ByCode<ZoneCode>> = self
                .p
                .zones
                .iter()
                .map(|c| ByCode::new(self.m.plan_id, c.clone()))
                .collect();
            let mut found = loaders(ctx)?.load_many(keys.iter().cloned()).await?;
            Ok(keys
                .iter()
                .filter_map(|k| found.remove(k))
                .map(|m| GeographicZone::new(Arc::new(m), Arc::from(self.plan.as_str())))
                .collect())
        }
        /// The partner metropolises involved.
        async fn partners(&self, ctx: &Context<'_>) -> Result<Vec<PartnerMetropolis>, ApiError> {
            let keys: Vec<ByCode<PartnerCode>> = self
                .p
                .partners
                .iter()
                .map(|c| ByCode::new(self.m.plan_id, c.clone()))
                .collect();
            let mut found = loaders(ctx)?.load_many(keys.iter().cloned()).await?;
            Ok(keys
                .iter()
                .filter_map(|k| found.remove(k))
                .map(|m| PartnerMetropolis::new(Arc::new(m), Arc::from(self.plan.as_str())))
                .collect())
        }
        /// The organizations involved.
        async fn organizations(&self, ctx: &Context<'_>) -> Result<Vec<Organization>, ApiError> {
            Ok(orgs_by_code(ctx, &self.p.organizations)
                .await?
                .into_iter()
                .map(|m| Organization::new(Arc::new(m)))
                .collect())
        }
        /// The municipalities involved.
        async fn municipalities(&self, ctx: &Context<'_>) -> Result<Vec<Municipality>, ApiError> {
            Ok(orgs_by_code(ctx, &self.p.municipalities)
                .await?
                .into_iter()
                .map(|m| Municipality::new(Arc::new(m)))
                .collect())
        }
    }
);

localized!(Activity, |s| ["title" => &s.p.title, "summary" => &s.p.summary]);
