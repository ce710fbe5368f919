//! Forms of intervention, what they contribute to each line, and the plan's closing summary
//! table.

use async_graphql::{Context, Object};
use entity::{form_contribution, form_of_intervention, summary_row};

use super::StrategicLine;
use crate::error::ApiError;
use crate::graphql::scoped::{Scoped, content_object};
use crate::loaders;

/// A form (modality) of intervention through which the lines are carried out.
pub type FormOfIntervention = Scoped<form_of_intervention::Model>;

content_object! {
    /// A form (modality) of intervention through which the lines are carried out.
    #[id = plan_record]
    #[Object]
    impl FormOfIntervention {
        /// Stable code (`FI-A` … `FI-D`).
        code;
        /// Letter in the document (a-d).
        async fn letter(&self) -> &str {
            &self.row.letter
        }
        /// Name.
        text title;
        /// Description.
        text description;
        /// What the form contributes to each strategic line.
        #[graphql(complexity = "10 * child_complexity")]
        async fn contributions(&self, ctx: &Context<'_>) -> Result<Vec<FormContribution>, ApiError> {
            self.children::<loaders::ContributionsOfForm>(ctx, self.row.id).await
        }
    }
}

/// What a form of intervention contributes to a strategic line.
pub type FormContribution = Scoped<form_contribution::Model>;

content_object! {
    /// What a form of intervention contributes to a strategic line.
    #[id = none]
    #[Object]
    impl FormContribution {
        /// The strategic line.
        async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
            self.parent::<loaders::LineById>(ctx, self.row.line_id).await
        }
        /// The form of intervention.
        async fn form_of_intervention(
            &self,
            ctx: &Context<'_>,
        ) -> Result<FormOfIntervention, ApiError> {
            self.parent::<loaders::FormById>(ctx, self.row.form_id).await
        }
        /// The contribution.
        text text;
    }
}

/// A strategic line's row of the plan's closing summary table.
pub type SummaryRow = Scoped<summary_row::Model>;

content_object! {
    /// A strategic line's row of the plan's closing summary table.
    #[id = none]
    #[Object]
    impl SummaryRow {
        /// Priority geographic zones and institutions.
        text zones_and_institutions;
        /// The map of actors.
        text actor_map;
        /// The concrete actions, as the table summarises them.
        text[] concrete_actions;
    }
}
