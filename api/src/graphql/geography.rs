//! Geographic zones of intervention and partner metropolises.

use async_graphql::{Context, Enum, ID, Object};
use entity::{geographic_zone, zone_line, zone_partner};

use super::node::GlobalId;
use super::strategy::{StrategicLine, line};
use super::{db_enum, loaders, tr};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::loaders::{self as l, many, one};

/// A geographic zone of intervention.
pub struct GeographicZone(pub(crate) geographic_zone::Model, pub(crate) String);

impl GeographicZone {
    pub(crate) fn new(m: geographic_zone::Model, plan: &str) -> Self {
        Self(m, plan.to_owned())
    }
}

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
        GlobalId::of_plan_record("GeographicZone", &self.1, &self.0.code)
    }
    /// Stable code (`EUROPE`, `MEDITERRANEAN`, `LATIN_AMERICA`, `NORTH_AMERICA`, `ASIA`,
    /// `AFRICA`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.name, lang)
    }
    /// Introduction: the AMB's relation with the zone.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.description, lang)
    }
    /// The plan's text around its list of partner metropolises in the zone.
    async fn partners_statement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.partners_statement, lang)
    }
    /// The strategic lines that apply in the zone, and how.
    async fn strategic_lines(&self, ctx: &Context<'_>) -> Result<Vec<ZoneLine>, ApiError> {
        let rows = many::<l::LinesOfZone>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| ZoneLine(m, self.1.clone()))
            .collect())
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
        let rows = many::<l::PartnersOfZone>(loaders(ctx)?, self.0.id).await?;
        let mut out = Vec::new();
        for m in rows {
            if relation.is_none_or(|r| db_enum::<PartnerRelation>(&m.relation).ok() == Some(r)) {
                out.push(PartnerMetropolis(m, self.1.clone()));
            }
        }
        Ok(out)
    }
}

/// How a strategic line applies in a geographic zone.
pub struct ZoneLine(pub(crate) zone_line::Model, pub(crate) String);

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
        one::<l::ZoneById>(loaders(ctx)?, self.0.zone_id)
            .await?
            .map(|m| GeographicZone(m, self.1.clone()))
            .ok_or(ApiError::Internal)
    }
    /// The strategic line.
    async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
        line(ctx, self.0.line_id, &self.1).await
    }
    /// How the line applies in the zone.
    async fn text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.text, lang)
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
pub struct PartnerMetropolis(pub(crate) zone_partner::Model, pub(crate) String);

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
        GlobalId::of_plan_record("PartnerMetropolis", &self.1, &self.0.code)
    }
    /// Stable code: the name in lower-case ASCII with dashes (`greater-manchester`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name, as the plan writes it.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.name, lang)
    }
    /// The relation the plan seeks.
    async fn relation(&self) -> Result<PartnerRelation, ApiError> {
        db_enum(&self.0.relation)
    }
    /// The zone.
    async fn zone(&self, ctx: &Context<'_>) -> Result<GeographicZone, ApiError> {
        one::<l::ZoneById>(loaders(ctx)?, self.0.zone_id)
            .await?
            .map(|m| GeographicZone(m, self.1.clone()))
            .ok_or(ApiError::Internal)
    }
}

impl super::Localized for GeographicZone {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("name".into(), &self.0.name),
            ("description".into(), &self.0.description),
            ("partnersStatement".into(), &self.0.partners_statement),
        ]
    }
}

impl super::Localized for ZoneLine {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.0.text)]
    }
}

impl super::Localized for PartnerMetropolis {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("name".into(), &self.0.name)]
    }
}
