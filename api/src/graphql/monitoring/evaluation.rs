//! Mid-term and final evaluations of the plan.

use super::record::record_type;
use crate::graphql::scalars::Date;
use crate::monitoring::{EvaluationKind, EvaluationPayload, EvaluationStatus};

record_type! {
    /// A mid-term or final evaluation of the plan.
    Evaluation(EvaluationPayload) {
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
        text summary;
        /// Findings.
        text findings;
        /// Recommendations.
        text recommendations;
        /// Link to the evaluation document.
        async fn document_link(&self) -> Option<&str> {
            self.p.document_link.as_deref()
        }
    }
}
