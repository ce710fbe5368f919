//! How the plan is run and who made it: governance, monitoring commitments, participants and
//! the glossary.

use std::sync::Arc;

use async_graphql::{Context, Enum, Object};
use entity::{glossary_entry, governance_item, monitoring_commitment, participant};

use crate::error::ApiError;
use crate::graphql::loaders;
use crate::graphql::scoped::{Scoped, content_object};
use crate::loaders;

/// An element of the plan's governance.
pub type GovernanceItem = Scoped<governance_item::Model>;

content_object! {
    /// An element of the plan's governance.
    #[id = plan_record]
    #[Object]
    impl GovernanceItem {
        /// Stable code (`political-lead`, `executive-deployment`, `municipal-coordination`, …).
        code;
        /// Name.
        text title;
        /// The item as worded in the closing summary table, when it appears there.
        text? summary;
        /// Description from the governance section.
        text description;
        /// The organizations it names.
        #[graphql(complexity = "10 * child_complexity")]
        async fn organizations(
            &self,
            ctx: &Context<'_>,
        ) -> Result<Vec<crate::graphql::actors::Organization>, ApiError> {
            let codes = self
                .row
                .organizations
                .0
                .iter()
                .cloned()
                .map(loaders::OrgByCode);
            let loaders = loaders(ctx)?;
            let mut found = loaders.load_many(codes).await?;
            let rows = self
                .row
                .organizations
                .0
                .iter()
                .filter_map(|c| found.remove(&loaders::OrgByCode(c.clone())))
                .map(Arc::new)
                .collect();
            crate::graphql::actors::Organization::named_in(loaders, self.row.plan_id, rows).await
        }
    }
}

/// Kind of monitoring commitment.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum MonitoringKind {
    /// The annual activity report.
    AnnualActivityReport,
    /// The mid-term evaluation.
    MidTermEvaluation,
    /// The final evaluation.
    FinalEvaluation,
}

/// A commitment of the monitoring and evaluation framework.
pub type MonitoringCommitment = Scoped<monitoring_commitment::Model>;

content_object! {
    /// A commitment of the monitoring and evaluation framework.
    #[id = plan_record]
    #[Object]
    impl MonitoringCommitment {
        /// Stable code.
        code;
        /// Kind.
        enum kind: MonitoringKind;
        /// Year it is due, when the plan says.
        async fn year(&self) -> Option<i32> {
            self.row.year
        }
        /// The commitment, as the plan words it.
        text text;
    }
}

/// Group of the participants list.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum ParticipantGroup {
    /// Área Metropolitana de Barcelona.
    Amb,
    /// Other public administrations.
    OtherPublicAdministrations,
    /// Public and private institutions.
    PublicPrivateInstitutions,
}

/// A person who took part in drafting the plan.
pub type Participant = Scoped<participant::Model>;

content_object! {
    /// A person who took part in drafting the plan.
    #[id = plan_record]
    #[Object]
    impl Participant {
        /// Stable code (`P001`…, in document order).
        code;
        /// Full name.
        async fn name(&self) -> &str {
            &self.row.name
        }
        /// Position held, as the plan lists it.
        text position = job_title;
        /// Institution, as the plan writes it.
        text organization_name = institution;
        /// Group of the participants list.
        enum group: ParticipantGroup = participant_group;
    }
}

/// An acronym of the plan's glossary.
pub type GlossaryEntry = Scoped<glossary_entry::Model>;

content_object! {
    /// An acronym of the plan's glossary.
    #[id = plan_record]
    #[Object]
    impl GlossaryEntry {
        /// The acronym, in the language asked for (`ODS` in Spanish, `SDG` in English).
        text acronym = acronym_i18n;
        /// Stable code: the acronym in its Spanish form.
        code;
        /// What it stands for.
        text meaning;
        /// The name in its original language, when the glossary gives it.
        async fn original(&self) -> Option<&str> {
            self.row.original.as_deref()
        }
        /// The organization the acronym names, when it is one of the registry.
        async fn organization(
            &self,
            ctx: &Context<'_>,
        ) -> Result<Option<crate::graphql::actors::Organization>, ApiError> {
            let key = loaders::OrgByAcronym(self.row.acronym.clone());
            Ok(loaders(ctx)?
                .load_one(key)
                .await?
                .map(|m| crate::graphql::actors::Organization::new(std::sync::Arc::new(m))))
        }
    }
}
