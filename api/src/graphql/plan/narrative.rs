//! What the plan states as text: its narrative sections, key figures, SWOT diagram, specific
//! objectives and priority themes.

use async_graphql::{Enum, Object};
use entity::{key_figure, section, specific_objective, swot_item, theme};

use crate::error::ApiError;
use crate::graphql::scalars::Decimal;
use crate::graphql::scoped::{Scoped, content_object};

/// A narrative section of the plan (presentation, introduction, methodology, …).
pub type Section = Scoped<section::Model>;

content_object! {
    /// A narrative section of the plan (presentation, introduction, methodology, …).
    #[id = plan_record]
    #[Object]
    impl Section {
        /// Stable code (`presentation`, `introduction`, `methodology`, `starting-point`, …).
        code;
        /// Roman numeral of the section in the document; empty for unnumbered sections.
        async fn numeral(&self) -> &str {
            &self.row.numeral
        }
        /// Heading.
        text title;
        /// Full text: paragraphs separated by a blank line, list items on lines starting `- `.
        text body;
        /// Who signs the section, when it is signed.
        text? signature;
    }
}

/// Unit of a key figure.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum FigureUnit {
    /// Municipalities.
    Municipality,
    /// People.
    Person,
    /// Euros.
    Eur,
    /// Per cent (0-100).
    Percent,
    /// Percentage points.
    PercentagePoint,
    /// Projects.
    Project,
    /// Interviews.
    Interview,
    /// Institutions.
    Institution,
    /// Metropolises.
    Metropolis,
    /// Years.
    Year,
    /// A fraction of a whole (0-1).
    Fraction,
}

/// How a key figure's value relates to the quantity the plan states.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum Comparator {
    /// Exactly the value.
    Exact,
    /// More than the value ("más de").
    MoreThan,
    /// About the value ("aproximadamente").
    About,
}

/// A figure the plan states.
pub type KeyFigure = Scoped<key_figure::Model>;

content_object! {
    /// A figure the plan states.
    #[id = plan_record]
    #[Object]
    impl KeyFigure {
        /// Stable code.
        code;
        /// Short label.
        text label;
        /// The value, an exact decimal in `unit` (e.g. 3200000 people, 9460000 EUR).
        async fn value(&self) -> Result<Decimal, ApiError> {
            self.row
                .value
                .parse()
                .map(Decimal)
                .map_err(|_| ApiError::Internal)
        }
        /// Unit of the value.
        enum unit: FigureUnit;
        /// Whether the plan states the value exactly, as a minimum, or approximately.
        enum comparator: Comparator;
        /// Year the figure refers to, when the plan says.
        async fn year(&self) -> Option<i32> {
            self.row.year
        }
        /// Code of the section the figure comes from.
        async fn section_code(&self) -> &str {
            &self.row.section_code
        }
        /// The sentence the figure comes from, verbatim.
        text sentence;
    }
}

/// Quadrant of the SWOT diagram.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum SwotKind {
    /// Strength (fortaleza).
    Strength,
    /// Weakness (debilidad).
    Weakness,
    /// Opportunity (oportunidad).
    Opportunity,
    /// Threat (amenaza).
    Threat,
}

/// An item of the SWOT diagram.
pub type SwotItem = Scoped<swot_item::Model>;

content_object! {
    /// An item of the SWOT diagram.
    #[id = plan_record]
    #[Object]
    impl SwotItem {
        /// Stable code: the kind's initial and the item's number within it (`S1`, `W12`, `T5`).
        code;
        /// Quadrant.
        enum kind: SwotKind;
        /// The item.
        text text;
    }
}

/// A specific objective of the plan.
pub type SpecificObjective = Scoped<specific_objective::Model>;

content_object! {
    /// A specific objective of the plan.
    #[id = plan_record]
    #[Object]
    impl SpecificObjective {
        /// Stable code (`OE1`-`OE3`).
        code;
        /// Number of the objective.
        async fn number(&self) -> i32 {
            self.row.position
        }
        /// The objective.
        text text;
    }
}

/// Why a theme is a priority.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum ThemeCategory {
    /// A core competence of the AMB under Law 31/2010.
    OwnCompetence,
    /// A field gaining weight.
    Growing,
    /// Another field with a strong metropolitan dimension.
    Other,
}

/// A priority theme.
pub type Theme = Scoped<theme::Model>;

content_object! {
    /// A priority theme.
    #[id = plan_record]
    #[Object]
    impl Theme {
        /// Stable code.
        code;
        /// Why it is a priority.
        enum category: ThemeCategory;
        /// Name.
        text title;
        /// Sub-topics.
        text[] subtopics;
        /// The theme as worded in the closing summary table, when it appears there.
        text? summary_label;
        /// Description, when the plan gives one.
        text? description;
    }
}
