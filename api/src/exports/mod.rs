//! Open data outside GraphQL: downloads of each plan as CSV and JSON
//! (`/exports/{plan}/{name}.csv|json`), their DCAT-AP catalogue (`/exports/catalog.jsonld`),
//! and the annual activity report as a printable page (`/reports/{plan}/{year}`).
//!
//! Everything here is public: it is built with the visibility the policy gives an anonymous
//! caller, whatever token the request carries, so a response can be cached and shared by any
//! proxy. Each response has a strong `ETag` (a hash of its bytes), a `Last-Modified` (the last
//! seed or publication of the plan) and `Cache-Control: public, max-age=60,
//! stale-while-revalidate=600`; `If-None-Match` gets a bodiless 304.

pub mod catalog;
pub mod datasets;
pub mod report;
mod report_html;
mod svg;
pub mod table;

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::error::ApiError;
use crate::i18n::Lang;
use datasets::Dataset;
use table::JsonMeta;

/// How long shared caches and browsers may keep a download, and serve it stale while they
/// fetch a fresh one: the same for every public response of this module.
pub const CACHE_CONTROL: &str = "public, max-age=60, stale-while-revalidate=600";

/// The routes of this module, to merge into the public router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/exports/catalog.jsonld", get(catalog_jsonld))
        .route("/exports/{plan}/{file}", get(download))
        .route("/reports/{plan}/{year}", get(report_page))
}

/// The language of a response: `?lang=` (es, ca, en, fr), else `Accept-Language`, else
/// Spanish, the language of the source document. An unknown `lang` is an error, not a guess.
fn language(query: &HashMap<String, String>, headers: &HeaderMap) -> Result<Lang, ApiError> {
    match query.get("lang") {
        Some(tag) => Lang::from_tag(tag).ok_or_else(|| {
            ApiError::bad_input(
                "lang",
                format!("unknown language {tag:?}; use es, ca, en or fr"),
            )
        }),
        None => Ok(headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::negotiate)
            .unwrap_or_default()),
    }
}

/// An error as the rest of the API words it (`errors[0].extensions.code`), with its status.
fn error(err: &ApiError) -> Response {
    let status = match err {
        ApiError::NotFound(_) => StatusCode::NOT_FOUND,
        ApiError::BadUserInput { .. } | ApiError::Invalid(_) => StatusCode::BAD_REQUEST,
        ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut ext = json!({ "code": err.code() });
    if let ApiError::BadUserInput { field, .. } = err {
        ext["field"] = json!(field);
    }
    let body = json!({ "errors": [{ "message": err.to_string(), "extensions": ext }] });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// The last time anything an anonymous caller sees of `plan` changed: the last seed of the
/// data files, or the last publication of a record or report of the plan.
pub async fn last_modified(
    db: &DatabaseConnection,
    plan: &entity::plan::Model,
) -> Result<DateTime<Utc>, ApiError> {
    use entity::{annual_report, monitoring_record};
    let seeded = crate::store::seed_states(db)
        .await?
        .into_iter()
        .map(|s| s.loaded_at)
        .max();
    let record = monitoring_record::Entity::find()
        .filter(monitoring_record::Column::PlanId.eq(plan.id))
        .filter(monitoring_record::Column::PublishedAt.is_not_null())
        .order_by_desc(monitoring_record::Column::PublishedAt)
        .one(db)
        .await?
        .and_then(|r| r.published_at);
    let report = annual_report::Entity::find()
        .filter(annual_report::Column::PlanId.eq(plan.id))
        .order_by_desc(annual_report::Column::PublishedAt)
        .one(db)
        .await?
        .map(|r| r.published_at);
    Ok([seeded, record, report]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or_default())
}

/// A public, cacheable response: `ETag` from the bytes, 304 when the client has them.
fn cached(
    request: &HeaderMap,
    body: Vec<u8>,
    content_type: &'static str,
    modified: DateTime<Utc>,
    lang: Option<Lang>,
) -> Response {
    let digest = Sha256::digest(&body);
    let etag = format!(
        "\"{}\"",
        digest[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let fresh = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*");
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = body.into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    };
    let h = response.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    let http_date = modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    if let Ok(v) = HeaderValue::from_str(&http_date) {
        h.insert(header::LAST_MODIFIED, v);
    }
    if let Some(lang) = lang {
        h.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(lang.code()),
        );
    }
    response
}

async fn resolve(db: &DatabaseConnection, code: &str) -> Result<entity::plan::Model, ApiError> {
    crate::store::plan_by_code(db, code)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no plan with code {code:?}")))
}

/// `GET /exports/{plan}/{name}.csv|json`.
#[tracing::instrument(skip_all, fields(plan = %plan, file = %file))]
async fn download(
    State(state): State<AppState>,
    Path((plan, file)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    match download_inner(&state, &plan, &file, &query, &headers).await {
        Ok(r) => r,
        Err(e) => error(&e),
    }
}

async fn download_inner(
    state: &AppState,
    plan: &str,
    file: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let lang = language(query, headers)?;
    let db = &state.db;
    let plan = resolve(db, plan).await?;
    let unknown = || {
        ApiError::NotFound(format!(
            "no download named {file:?}; see /exports/catalog.jsonld"
        ))
    };
    let (name, ext) = file.rsplit_once('.').ok_or_else(unknown)?;
    let dataset = Dataset::parse(name, &plan).ok_or_else(unknown)?;
    let table = datasets::build(db, &plan, dataset, lang).await?;
    let modified = last_modified(db, &plan).await?;
    let (body, content_type) = match ext {
        "csv" => (
            table.to_csv().map_err(|e| {
                tracing::error!(error = %e, "writing CSV");
                ApiError::Internal
            })?,
            "text/csv; charset=utf-8; header=present",
        ),
        "json" => {
            let mut extra = Vec::new();
            if let Dataset::AnnualReport(year) = dataset {
                let published = report::annual_report(db, &plan, year).await?.1;
                extra.push(("year", json!(year)));
                extra.push(("published", json!(published.is_some())));
                extra.push(("publishedAt", json!(published.map(|p| p.to_rfc3339()))));
            }
            let meta = JsonMeta {
                dataset: name,
                plan: &plan.code,
                language: lang.code(),
                extra,
            };
            (
                table.to_json(&meta).map_err(|e| {
                    tracing::error!(error = %e, "writing JSON");
                    ApiError::Internal
                })?,
                "application/json; charset=utf-8",
            )
        }
        _ => return Err(unknown()),
    };
    let mut response = cached(headers, body, content_type, modified, Some(lang));
    if ext == "csv" {
        let disposition = format!(
            "attachment; filename=\"{}-{name}-{}.csv\"",
            plan.code,
            lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, v);
        }
    }
    Ok(response)
}

/// `GET /exports/catalog.jsonld`.
async fn catalog_jsonld(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match catalog::jsonld(&state, &headers).await {
        Ok((body, modified)) => cached(
            &headers,
            body,
            "application/ld+json; charset=utf-8",
            modified,
            None,
        ),
        Err(e) => error(&e),
    }
}

/// `GET /reports/{plan}/{year}`.
#[tracing::instrument(skip_all, fields(plan = %plan, year = %year))]
async fn report_page(
    State(state): State<AppState>,
    Path((plan, year)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let lang = language(&query, &headers)?;
        let plan = resolve(&state.db, &plan).await?;
        let year: i32 = year
            .parse()
            .map_err(|_| ApiError::bad_input("year", "the year must be a number such as 2024"))?;
        let page = report_html::render(&state.db, &plan, year, lang).await?;
        let modified = last_modified(&state.db, &plan).await?;
        Ok::<_, ApiError>((page, modified, lang))
    }
    .await;
    match result {
        Ok((page, modified, lang)) => {
            let mut r = cached(
                &headers,
                page.html.into_bytes(),
                "text/html; charset=utf-8",
                modified,
                Some(lang),
            );
            let h = r.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&page.csp) {
                h.insert(header::CONTENT_SECURITY_POLICY, v);
            }
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            h.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            r
        }
        Err(e) => error(&e),
    }
}
