//! Mid-term and final evaluations of the plan.

use async_graphql::Context;

use super::super::scalars::Date;
use super::super::tr;
use super::record::{localized, record_type};
use crate::i18n::Lang;
use crate::monitoring::{EvaluationKind, EvaluationPayload, EvaluationStatus};

record_type!(
    Evaluation,
    EvaluationPayload,
    "A mid-term or final evaluation of the plan.",
    {
        /// Kind.
        async fn kind(&self) -> EvaluationKind {
            self.p.kind
        }
        /// Status.
        async fn status(&self) -> EvaluationStatus {
            self.p.status
        }
        /// Start.
        async fn start_date(&self) -> Option<Date> {
            self.p.start_date.map(Date)
        }
        /// End.
        async fn end_date(&self) -> Option<Date> {
            self.p.end_date.map(Date)
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
        /// Findings.
        async fn findings(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Language of the text; defaults to the request's language.")]
            lang: Option<Lang>,
        ) -> String {
            tr(ctx, &self.p.findings, lang)
        }
        /// Recommendations.
        async fn recommendations(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Language of the text; defaults to the request's language.")]
            lang: Option<Lang>,
        ) -> String {
            tr(ctx, &self.p.recommendations, lang)
        }
        /// Link to the evaluation document.
        async fn document_link(&self) -> Option<&str> {
            self.p.document_link.as_deref()
        }
    }
);

localized!(Evaluation, |s| ["summary" => &s.p.summary, "findings" => &s.p.findings, "recommendations" => &s.p.recommendations]);
