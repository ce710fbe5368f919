//! The HTTP router and its handlers, in one place.

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::OperationType;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use tower_http::trace::TraceLayer;

use std::sync::Arc;

use crate::auth::Verifier;
use crate::db::StatementCounter;
use crate::error::{ApiError, classify};
use crate::graphql::{PlanSchema, RequestId, build_schema, published_cache};
use crate::i18n::{Lang, RequestLang};
use crate::loaders::new_loaders;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The GraphQL schema.
    pub schema: PlanSchema,
    /// The database pool.
    pub db: DatabaseConnection,
    /// SQL statements executed so far (for tests and metrics).
    pub statements: StatementCounter,
    /// Bearer token verification.
    pub verifier: Arc<Verifier>,
}

impl AppState {
    /// State over an open, migrated and seeded database.
    pub fn new(db: DatabaseConnection, statements: StatementCounter, verifier: Verifier) -> Self {
        Self {
            schema: build_schema(db.clone()),
            db,
            statements,
            verifier: Arc::new(verifier),
        }
    }
}

/// The query GraphiQL opens on: the plan's outline, in the caller's language.
pub const EXAMPLE_QUERY: &str = r#"# The open API of the AMB's Internationalisation Plan 2021-2025.
# Press the run button (or Ctrl-Enter). Open the Docs panel to explore every type.
{
  plan {
    code
    title
    approvedOn
    generalObjective
    specificObjectives { code text }
    strategicLines {
      code
      title
      actions { code title responsibleUnits { code name } }
      expectedResults { code text }
    }
  }
  search(text: "cooperacion", first: 5) { type code snippet }
}
"#;

/// The router: GraphQL over HTTP, GraphiQL, health.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::temporary("/graphiql") }))
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphiql", get(graphiql))
        .route("/healthz", get(|| async { "ok" }))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The language asked for by `Accept-Language`, Spanish when it names none of ours.
fn request_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::negotiate)
        .unwrap_or_default()
}

/// A GraphQL-shaped error response outside execution (bad credentials, database down).
fn error_response(err: &ApiError) -> Response {
    let status = match err {
        ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let body = serde_json::json!({
        "errors": [{ "message": err.to_string(), "extensions": { "code": err.code() } }]
    });
    let mut response = (status, axum::Json(body)).into_response();
    if let ApiError::Unauthenticated(message) = err {
        // RFC 6750: tell the client which scheme and why; quotes cannot appear in messages.
        let challenge = format!(
            "Bearer realm=\"plan-api\", error=\"invalid_token\", error_description=\"{}\"",
            message.replace('"', "'")
        );
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
    }
    response
}

async fn execute(state: &AppState, headers: &HeaderMap, req: async_graphql::Request) -> Response {
    let lang = request_lang(headers);
    // Only the Authorization header counts: a token in the query string is ignored, since
    // URLs end up in logs and browser histories.
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or_default());
    let viewer = match state
        .verifier
        .viewer_from_header(&state.db, authorization)
        .await
    {
        Ok(viewer) => viewer,
        Err(err) => return error_response(&err),
    };
    let request_id = request_id(headers);
    let req = req
        .data(new_loaders(state.db.clone()))
        .data(published_cache())
        .data(viewer)
        .data(RequestId(request_id.clone()))
        .data(RequestLang(lang));
    let mut resp = state.schema.execute(req).await;
    resp.errors.iter_mut().for_each(classify);
    let mut out = GraphQLResponse::from(resp).into_response();
    if let Ok(value) = HeaderValue::from_str(lang.code()) {
        out.headers_mut().insert(header::CONTENT_LANGUAGE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        out.headers_mut().insert("x-request-id", value);
    }
    out
}

/// The request's id: the client's `x-request-id` when it is a sane token, else a new UUID.
/// It is returned to the client and recorded in the audit trail of every write.
fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 128
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        })
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

async fn graphql_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    req: GraphQLRequest,
) -> Response {
    execute(&state, &headers, req.into_inner()).await
}

/// GET carries queries only: a mutation over GET could be triggered by a link or an image.
async fn graphql_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    req: GraphQLRequest,
) -> Response {
    let req = req.into_inner();
    if let Ok(doc) = async_graphql::parser::parse_query(&req.query) {
        let op_type = match req.operation_name.as_deref() {
            Some(name) => doc
                .operations
                .iter()
                .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
                .map(|(_, op)| op.node.ty),
            None => doc.operations.iter().next().map(|(_, op)| op.node.ty),
        };
        if op_type.is_some_and(|t| t != OperationType::Query) {
            let body = serde_json::json!({
                "errors": [{
                    "message": "only queries may be sent with GET; send mutations with POST",
                    "extensions": { "code": "BAD_REQUEST" }
                }]
            });
            return (
                StatusCode::METHOD_NOT_ALLOWED,
                [(header::ALLOW, "POST")],
                axum::Json(body),
            )
                .into_response();
        }
    }
    execute(&state, &headers, req).await
}

async fn graphiql() -> Html<String> {
    let page = GraphiQLSource::build()
        .endpoint("/graphql")
        .title("AMB Internationalisation Plan API")
        .finish();
    let default_query = serde_json::to_string(EXAMPLE_QUERY).unwrap_or_default();
    Html(page.replacen(
        "defaultEditorToolsVisibility: true,",
        &format!("defaultEditorToolsVisibility: true,\n          defaultQuery: {default_query},"),
        1,
    ))
}
