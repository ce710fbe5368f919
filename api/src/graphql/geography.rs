//! Geographic zones of intervention and partner metropolises.

use async_graphql::{Context, Enum, Object};
use entity::{geographic_zone, zone_line, zone_partner};

use super::matches_filter;
use super::strategy::StrategicLine;
use crate::error::ApiError;
use crate::graphql::scoped::{Scoped, content_object};
use crate::loaders;

/// A geographic zone of intervention.
pub type GeographicZone = Scoped<geographic_zone::Model>;

content_object! {
    /// A geographic zone of intervention.
    #[id = plan_record]
    #[Object]
    impl GeographicZone {
        /// Stable code (`EUROPE`, `MEDITERRANEAN`, `LATIN_AMERICA`, `NORTH_AMERICA`, `ASIA`,
        /// `AFRICA`).
        code;
        /// Name.
        text name;
        /// Introduction: the AMB's relation with the zone.
        text description;
        /// The plan's text around its list of partner metropolises in the zone.
        text partners_statement;
        /// The strategic lines that apply in the zone, and how.
        async fn strategic_lines(&self, ctx: &Context<'_>) -> Result<Vec<ZoneLine>, ApiError> {
            self.children::<loaders::LinesOfZone>(ctx, self.row.id).await
        }
        /// The partner metropolises the plan names in the zone.
        #[graphql(complexity = "10 * child_complexity")]
        async fn partners(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Only the partners with this relation.")] relation: Option<
                PartnerRelation,
            >,
        ) -> Result<Vec<PartnerMetropolis>, ApiError> {
            let partners = self.children::<loaders::PartnersOfZone>(ctx, self.row.id).await?;
            Ok(partners
                .into_iter()
                .filter(|p| matches_filter(relation, &p.row.relation))
                .collect())
        }
    }
}

/// How a strategic line applies in a geographic zone.
pub type ZoneLine = Scoped<zone_line::Model>;

content_object! {
    /// How a strategic line applies in a geographic zone.
    #[id = none]
    #[Object]
    impl ZoneLine {
        /// The zone.
        async fn zone(&self, ctx: &Context<'_>) -> Result<GeographicZone, ApiError> {
            self.parent::<loaders::ZoneById>(ctx, self.row.zone_id).await
        }
        /// The strategic line.
        async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
            self.parent::<loaders::LineById>(ctx, self.row.line_id).await
        }
        /// How the line applies in the zone.
        text text;
    }
}

/// The relation the plan seeks with a partner metropolis.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum PartnerRelation {
    /// A priority (strategic) relation, listed as such by the plan.
    Priority,
    /// A relation to be intensified or increased during the plan.
    ToIntensify,
    /// A relation to be consolidated.
    ToConsolidate,
}

/// A metropolis the plan names as a partner in a zone.
pub type PartnerMetropolis = Scoped<zone_partner::Model>;

content_object! {
    /// A metropolis the plan names as a partner in a zone.
    #[id = plan_record]
    #[Object]
    impl PartnerMetropolis {
        /// Stable code: the name in lower-case ASCII with dashes (`greater-manchester`).
        code;
        /// Name, as the plan writes it.
        text name;
        /// The relation the plan seeks.
        enum relation: PartnerRelation;
        /// The zone.
        async fn zone(&self, ctx: &Context<'_>) -> Result<GeographicZone, ApiError> {
            self.parent::<loaders::ZoneById>(ctx, self.row.zone_id).await
        }
    }
}
