//! Database spans: statement groups (a DataLoader batch, a store call) as `tracing` spans
//! (`#[tracing::instrument]` with the target [`super::TARGET`], where the group is), and each
//! statement in them as a span of its own, made from the connection's statement callback.
//!
//! A statement's span names the database and the statement's kind (`SELECT`, `INSERT`, …) and
//! never its text or parameters. It is made only when spans are exported, and only inside a
//! sampled trace: the background readers' periodic statements (the event log, the content
//! generation, the webhook outbox) belong to no request, and are not traced.

use std::time::SystemTime;

use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, SpanKind, Status, TraceContextExt, Tracer as _};
use sea_orm::DatabaseBackend;

use super::TRACER;

/// The name of a DataLoader's key type, for its batches' spans (`db.batch`, whose attributes
/// are `plan_api.loader`, this name, and `plan_api.keys`, how many keys the batch holds).
pub fn loader_name<K>() -> String {
    short_type_name(std::any::type_name::<K>())
}

/// `a::b::C<d::E>` → `C<E>`: a type's name without its paths.
fn short_type_name(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut segment = String::new();
    for c in full.chars() {
        match c {
            '<' | '>' | ',' | ' ' => {
                out.push_str(segment.rsplit("::").next().unwrap_or_default());
                segment.clear();
                out.push(c);
            }
            _ => segment.push(c),
        }
    }
    out.push_str(segment.rsplit("::").next().unwrap_or_default());
    out
}

/// Makes the span of one executed statement (from sea-orm's statement callback), as a child
/// of the current span, when that span is sampled.
pub fn statement(info: &sea_orm::metric::Info<'_>) {
    let Some(tracer) = TRACER.get().filter(|_| super::exporting()) else {
        return;
    };
    let parent = opentelemetry::Context::current();
    if !parent.span().span_context().is_sampled() {
        return;
    }
    let end = SystemTime::now();
    let start = end.checked_sub(info.elapsed).unwrap_or(end);
    let operation = info
        .statement
        .sql
        .split_whitespace()
        .next()
        .map(str::to_ascii_uppercase)
        .filter(|w| w.len() <= 16 && w.chars().all(|c| c.is_ascii_alphabetic()))
        .unwrap_or_else(|| "STATEMENT".to_owned());
    let system = match info.statement.db_backend {
        DatabaseBackend::Postgres => "postgresql",
        DatabaseBackend::Sqlite => "sqlite",
        _ => "other_sql",
    };
    let mut span = tracer
        .span_builder(operation.clone())
        .with_kind(SpanKind::Client)
        .with_start_time(start)
        .with_attributes([
            KeyValue::new("db.system.name", system),
            KeyValue::new("db.operation.name", operation),
        ])
        .start_with_context(tracer, &parent);
    if info.failed {
        span.set_status(Status::error(""));
    }
    span.end_with_timestamp(end);
}

#[cfg(test)]
mod tests {
    #[test]
    fn type_names_lose_their_paths() {
        assert_eq!(
            super::short_type_name("plan_api::loaders::By<plan_api::loaders::ActionsOfLine>"),
            "By<ActionsOfLine>"
        );
        assert_eq!(super::short_type_name("OrgByCode"), "OrgByCode");
    }
}
