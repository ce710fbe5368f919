//! The spans of a GraphQL operation: the operation itself and its parse, validate and execute
//! phases.
//!
//! A document seen for the first time is parsed (`graphql.parse`, in [`crate::documents`],
//! under the request's span: documents are parsed before their operations run), then runs
//! through the full schema, whose [`Phases`] extension wraps validation
//! (`graphql.validate`) and execution (`graphql.execute`). A document run before with the same
//! variables takes the lean path (see [`crate::documents`]): no parse, and the lean schema has
//! no extensions, so its operation shows a single `graphql.execute` span marked
//! `graphql.document.reused` — the fast validation it still gets runs inside that span. An
//! answer from the response cache runs no operation at all: its request span says
//! `plan_api.response_cache = hit`.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextValidation,
};
use async_graphql::{Response, ServerError, ValidationResult};
use tracing::Instrument;

use super::TARGET;

/// The extension of the full schema that gives validation and execution a span each. (Parsing
/// has its span where documents are parsed, in [`crate::documents`]: the schema's own parse
/// hook runs for documents already parsed too.)
pub struct Phases(Arc<PhasesOfOne>);

impl Default for Phases {
    fn default() -> Self {
        Phases(Arc::new(PhasesOfOne))
    }
}

impl ExtensionFactory for Phases {
    fn create(&self) -> Arc<dyn Extension> {
        // Stateless: every request shares one.
        self.0.clone()
    }
}

/// The extension itself.
pub struct PhasesOfOne;

#[async_trait::async_trait]
impl Extension for PhasesOfOne {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let span = tracing::info_span!(
            target: TARGET,
            "graphql.validate",
            graphql.complexity = tracing::field::Empty,
        );
        let result = next.run(ctx).instrument(span.clone()).await;
        if let Ok(valid) = &result {
            span.record("graphql.complexity", valid.complexity as u64);
        }
        result
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        next.run(ctx, operation_name)
            .instrument(tracing::info_span!(target: TARGET, "graphql.execute"))
            .await
    }
}

/// The span of parsing a document.
pub fn parse_span() -> tracing::Span {
    tracing::info_span!(target: TARGET, "graphql.parse")
}

/// The span of a document run again through the lean schema (validation and execution).
pub fn lean_execution_span() -> tracing::Span {
    tracing::info_span!(
        target: TARGET,
        "graphql.execute",
        graphql.document.reused = true
    )
}

/// The span of one operation: `label` is its name as the metrics know it (a bounded set, never
/// what a client made up beyond it), `kind` its type (`query`, `mutation`, `subscription`;
/// empty when the document does not parse). [`record_outcome`] adds what came of it.
pub fn operation_span(label: &str, kind: &'static str) -> tracing::Span {
    let name = if kind.is_empty() {
        "GraphQL operation".to_owned()
    } else {
        format!("{kind} {label}")
    };
    tracing::info_span!(
        target: TARGET,
        "graphql.operation",
        otel.name = name,
        otel.status_code = tracing::field::Empty,
        graphql.operation.name = label,
        graphql.operation.type = kind,
        graphql.errors = tracing::field::Empty,
    )
}

/// Records on an [`operation_span`] how many errors its response holds (their messages may
/// quote the request: only the count is kept).
pub fn record_outcome(span: &tracing::Span, response: &Response) {
    if !response.errors.is_empty() {
        span.record("graphql.errors", response.errors.len() as u64);
        span.record("otel.status_code", "error");
    }
}
