//! Geographic zones of intervention and partner metropolises.

use async_graphql::{Context, Enum, ID, Object};
use entity::{geographic_zone, zone_line, zone_partner};

use super::node::GlobalId;
use super::strategy::{StrategicLine, line};
use super::{db_enum, loaders, tr_ref};
use crate::error::ApiError;
use crate::graphql::scoped::Scoped;
use crate::i18n::Lang;
use crate::loaders::{self, many, one};

/// A geographic zone of intervention.
pub type GeographicZone = Scoped<geographic_zone::Model>;

/// A geographic zone of intervention.
#[Object]
impl GeographicZone {
    /// Every localized text of the record, in every language it has (list items are named
    /// `field[index]`).
    async fn translations(
        &self,
        #[graphql(desc = "Only these fields (by their GraphQL names); all when omitted.")]
        fields: Option<Vec<String>>,
    ) -> Vec<super::FieldTranslations> {
        super::translations_of(super::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        super::languages_of(&super::Localized::texts(self))
    }
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        GlobalId::of_plan_record("GeographicZone", &self.plan, &self.row.code)
    }
    /// Stable code (`EUROPE`, `MEDITERRANEAN`, `LATIN_AMERICA`, `NORTH_AMERICA`, `ASIA`,
    /// `AFRICA`).
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// Name.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.name, lang)
    }
    /// Introduction: the AMB's relation with the zone.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.description, lang)
    }
    /// The plan's text around its list of partner metropolises in the zone.
    async fn partners_statement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.partners_statement, lang)
    }
    /// The strategic lines that apply in the zone, and how.
    async fn strategic_lines(&self, ctx: &Context<'_>) -> Result<Vec<ZoneLine>, ApiError> {
        let rows = many::<loaders::LinesOfZone>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
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
        let rows = many::<loaders::PartnersOfZone>(loaders(ctx)?, self.row.id).await?;
        let mut out = Vec::new();
        for m in rows {
            if relation.is_none_or(|r| db_enum::<PartnerRelation>(&m.relation).ok() == Some(r)) {
                out.push(self.child(m));
            }
        }
        Ok(out)
    }
}

/// How a strategic line applies in a geographic zone.
pub type ZoneLine = Scoped<zone_line::Model>;

/// How a strategic line applies in a geographic zone.
#[Object]
impl ZoneLine {
    /// Every localized text of the record, in every language it has (list items are named
    /// `field[index]`).
    async fn translations(
        &self,
        #[graphql(desc = "Only these fields (by their GraphQL names); all when omitted.")]
        fields: Option<Vec<String>>,
    ) -> Vec<super::FieldTranslations> {
        super::translations_of(super::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        super::languages_of(&super::Localized::texts(self))
    }
    /// The zone.
    async fn zone(&self, ctx: &Context<'_>) -> Result<GeographicZone, ApiError> {
        one::<loaders::ZoneById>(loaders(ctx)?, self.row.zone_id)
            .await?
            .map(|m| self.child(m))
            .ok_or(ApiError::Internal)
    }
    /// The strategic line.
    async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
        line(ctx, self.row.line_id, &self.plan).await
    }
    /// How the line applies in the zone.
    async fn text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.text, lang)
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

/// A metropolis the plan names as a partner in a zone.
#[Object]
impl PartnerMetropolis {
    /// Every localized text of the record, in every language it has (list items are named
    /// `field[index]`).
    async fn translations(
        &self,
        #[graphql(desc = "Only these fields (by their GraphQL names); all when omitted.")]
        fields: Option<Vec<String>>,
    ) -> Vec<super::FieldTranslations> {
        super::translations_of(super::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        super::languages_of(&super::Localized::texts(self))
    }
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        GlobalId::of_plan_record("PartnerMetropolis", &self.plan, &self.row.code)
    }
    /// Stable code: the name in lower-case ASCII with dashes (`greater-manchester`).
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// Name, as the plan writes it.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.name, lang)
    }
    /// The relation the plan seeks.
    async fn relation(&self) -> Result<PartnerRelation, ApiError> {
        db_enum(&self.row.relation)
    }
    /// The zone.
    async fn zone(&self, ctx: &Context<'_>) -> Result<GeographicZone, ApiError> {
        one::<loaders::ZoneById>(loaders(ctx)?, self.row.zone_id)
            .await?
            .map(|m| self.child(m))
            .ok_or(ApiError::Internal)
    }
}

impl super::Localized for GeographicZone {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("name".into(), &self.row.name),
            ("description".into(), &self.row.description),
            ("partnersStatement".into(), &self.row.partners_statement),
        ]
    }
}

impl super::Localized for ZoneLine {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.row.text)]
    }
}

impl super::Localized for PartnerMetropolis {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("name".into(), &self.row.name)]
    }
}
