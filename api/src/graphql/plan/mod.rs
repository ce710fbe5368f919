//! The plan: its root fields, the plan object and its publication credits. What the plan states
//! as text is in [`narrative`]; how it is run and who made it, in [`governance`].

mod governance;
mod narrative;

pub use governance::*;
pub use narrative::*;

use async_graphql::{Context, Object};
use entity::plan;

use super::geography::GeographicZone;
use super::scalars::Date;
use super::strategy::{FormOfIntervention, StrategicLine};
use super::{db, loaders, matches_filter};
use crate::error::ApiError;
use crate::graphql::scoped::{Scoped, content_object};
use crate::i18n::Lang;
use crate::loaders;

/// Root fields about plans.
#[derive(Default)]
pub struct PlanQuery;

/// Root fields about plans.
#[Object]
impl PlanQuery {
    /// A plan by code; the current plan when `code` is omitted. Never null in practice: an
    /// unknown code is a `NOT_FOUND` error. The field stays nullable as first published, so
    /// that clients generated against the contract keep compiling.
    async fn plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Plan code, e.g. `AMB-PI-2021-2025`; omit it for the current plan.")]
        code: Option<String>,
    ) -> Result<Option<Plan>, ApiError> {
        Ok(Some(Plan::of(
            loaders::plan(loaders(ctx)?, code.as_deref()).await?,
        )))
    }

    /// Every plan loaded, oldest first.
    #[graphql(complexity = "10 * child_complexity")]
    async fn plans(&self, ctx: &Context<'_>) -> Result<Vec<Plan>, ApiError> {
        Ok(loaders::plans(loaders(ctx)?)
            .await?
            .into_iter()
            .map(Plan::of)
            .collect())
    }
}

/// A plan: the Internationalisation Plan of the AMB for a period, with everything it contains.
pub type Plan = Scoped<plan::Model>;

content_object! {
    /// A plan: the Internationalisation Plan of the AMB for a period, with everything it contains.
    #[id = shared]
    #[Object]
    impl Plan {
        /// Stable code, e.g. `AMB-PI-2021-2025`.
        code;
        /// Whether this is the plan served when no plan code is given.
        async fn current(&self) -> bool {
            self.row.current
        }
        /// Full title.
        text title;
        /// Short title.
        text short_title;
        /// First year the plan covers.
        async fn start_year(&self) -> i32 {
            self.row.start_year
        }
        /// Last year the plan covers.
        async fn end_year(&self) -> i32 {
            self.row.end_year
        }
        /// Date the plan was approved.
        async fn approved_on(&self) -> Date {
            Date(self.row.approved_on)
        }
        /// Body that approved the plan.
        text approved_by;
        /// The plan's own sentence recording its approval.
        text approval_statement;
        /// Month of publication, `YYYY-MM`.
        async fn published(&self) -> &str {
            &self.row.published
        }
        /// Place of publication.
        async fn published_place(&self) -> &str {
            &self.row.published_place
        }
        /// Legal deposit number of the printed edition.
        async fn legal_deposit(&self) -> &str {
            &self.row.legal_deposit
        }
        /// Copyright notice.
        async fn copyright(&self) -> &str {
            &self.row.copyright
        }
        /// Languages the plan is published in.
        async fn publication_languages(&self) -> Vec<Lang> {
            self.row
                .publication_languages
                .0
                .iter()
                .filter_map(|c| Lang::from_tag(c))
                .collect()
        }
        /// Why the plan is published in several languages.
        text publication_note;
        /// Credits of the publication (coordination, edition, design, printing, photographs).
        async fn credits(&self) -> Vec<Credit> {
            self.row
                .credits
                .0
                .iter()
                .cloned()
                .map(|row| Credit { row })
                .collect()
        }
        /// The general objective of the plan.
        text general_objective;
        /// The specific objectives (OE1-OE3).
        #[graphql(complexity = "10 * child_complexity")]
        async fn specific_objectives(
            &self,
            ctx: &Context<'_>,
        ) -> Result<Vec<SpecificObjective>, ApiError> {
            self.children::<loaders::ObjectivesOfPlan>(ctx, self.row.id).await
        }
        /// The priority themes.
        #[graphql(complexity = "10 * child_complexity")]
        async fn themes(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Only the themes of this category.")] category: Option<ThemeCategory>,
        ) -> Result<Vec<Theme>, ApiError> {
            let rows = self.children::<loaders::ThemesOfPlan>(ctx, self.row.id).await?;
            Ok(rows
                .into_iter()
                .filter(|m| matches_filter(category, &m.row.category))
                .collect())
        }
        /// The published state of all the plan's actions and indicators.
        async fn progress_summary(
            &self,
            ctx: &Context<'_>,
        ) -> Result<super::report::ProgressSummary, ApiError> {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            let db = db(ctx)?;
            let actions: Vec<String> = entity::action::Entity::find()
                .filter(entity::action::Column::PlanId.eq(self.row.id))
                .all(db)
                .await?
                .into_iter()
                .map(|a| a.code)
                .collect();
            let results: Vec<String> = entity::expected_result::Entity::find()
                .filter(entity::expected_result::Column::PlanId.eq(self.row.id))
                .all(db)
                .await?
                .into_iter()
                .map(|r| r.code)
                .collect();
            let published = super::monitoring::published(ctx, self.row.id).await?;
            Ok(super::report::ProgressSummary(
                crate::monitoring::report::rollup(&published, &actions, &results),
            ))
        }
        /// The strategic lines (LE1-LE5).
        #[graphql(complexity = "10 * child_complexity")]
        async fn strategic_lines(&self, ctx: &Context<'_>) -> Result<Vec<StrategicLine>, ApiError> {
            self.children::<loaders::LinesOfPlan>(ctx, self.row.id).await
        }
        /// The SWOT diagram of the starting point, in document order.
        #[graphql(complexity = "10 * child_complexity")]
        async fn swot(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Only the items of this kind.")] kind: Option<SwotKind>,
        ) -> Result<Vec<SwotItem>, ApiError> {
            let rows = self.children::<loaders::SwotOfPlan>(ctx, self.row.id).await?;
            Ok(rows
                .into_iter()
                .filter(|m| matches_filter(kind, &m.row.kind))
                .collect())
        }
        /// The forms of intervention (a-d).
        #[graphql(complexity = "10 * child_complexity")]
        async fn forms_of_intervention(
            &self,
            ctx: &Context<'_>,
        ) -> Result<Vec<FormOfIntervention>, ApiError> {
            self.children::<loaders::FormsOfPlan>(ctx, self.row.id).await
        }
        /// The geographic zones of intervention.
        #[graphql(complexity = "10 * child_complexity")]
        async fn zones(&self, ctx: &Context<'_>) -> Result<Vec<GeographicZone>, ApiError> {
            self.children::<loaders::ZonesOfPlan>(ctx, self.row.id).await
        }
        /// The glossary of acronyms.
        #[graphql(complexity = "10 * child_complexity")]
        async fn glossary(&self, ctx: &Context<'_>) -> Result<Vec<GlossaryEntry>, ApiError> {
            self.children::<loaders::GlossaryOfPlan>(ctx, self.row.id).await
        }
        /// The people who took part in drafting the plan.
        #[graphql(complexity = "10 * child_complexity")]
        async fn participants(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Only the participants of this group.")] group: Option<ParticipantGroup>,
        ) -> Result<Vec<Participant>, ApiError> {
            let rows = self.children::<loaders::ParticipantsOfPlan>(ctx, self.row.id).await?;
            Ok(rows
                .into_iter()
                .filter(|m| matches_filter(group, &m.row.participant_group))
                .collect())
        }
        /// Governance of the plan: political lead, executive deployment, coordination bodies.
        #[graphql(complexity = "10 * child_complexity")]
        async fn governance(&self, ctx: &Context<'_>) -> Result<Vec<GovernanceItem>, ApiError> {
            self.children::<loaders::GovernanceOfPlan>(ctx, self.row.id).await
        }
        /// The monitoring and evaluation framework: annual report, mid-term and final evaluations.
        #[graphql(complexity = "10 * child_complexity")]
        async fn monitoring(&self, ctx: &Context<'_>) -> Result<Vec<MonitoringCommitment>, ApiError> {
            self.children::<loaders::MonitoringOfPlan>(ctx, self.row.id).await
        }
        /// Figures the plan states, each with its unit and the sentence it comes from.
        #[graphql(complexity = "10 * child_complexity")]
        async fn key_figures(&self, ctx: &Context<'_>) -> Result<Vec<KeyFigure>, ApiError> {
            self.children::<loaders::KeyFiguresOfPlan>(ctx, self.row.id).await
        }
        /// The narrative sections, in document order.
        #[graphql(complexity = "10 * child_complexity")]
        async fn sections(&self, ctx: &Context<'_>) -> Result<Vec<Section>, ApiError> {
            self.children::<loaders::SectionsOfPlan>(ctx, self.row.id).await
        }
        /// One narrative section by code (`presentation`, `introduction`, `methodology`, …).
        async fn section(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Section code.")] code: String,
        ) -> Result<Section, ApiError> {
            let sections = self.children::<loaders::SectionsOfPlan>(ctx, self.row.id).await?;
            sections
                .into_iter()
                .find(|s| s.row.code == code)
                .ok_or_else(|| ApiError::NotFound(format!("no section with code {code:?}")))
        }
    }
}

/// A credit line of the publication.
pub struct Credit {
    row: entity::Credit,
}

content_object! {
    /// A credit line of the publication.
    #[id = none]
    #[Object]
    impl Credit {
        /// What was done ("Coordinación de contenidos").
        text role;
        /// Who did it; several lines are separated by line breaks.
        text text;
    }
}
