//! Open data outside GraphQL: downloads of each plan as CSV and JSON
//! (`/exports/{plan}/{name}.csv|json`), described as a Frictionless Data Package
//! (`/exports/{plan}/datapackage.json`), their DCAT-AP catalogue (`/exports/catalog.jsonld`),
//! and the annual activity report as a printable page (`/reports/{plan}/{year}`).
//!
//! Everything here is public: it is built with the visibility the policy gives an anonymous
//! caller, whatever token the request carries, so a response can be cached and shared by any
//! proxy. Its validators are known before any row is read: a strong `ETag` derived from the
//! content generation (see [`crate::generation`], bumped in the transaction of every change
//! anonymous callers can see) with what names the representation (download, format, language,
//! crate version), and `Last-Modified` from when that generation was reached. `If-None-Match`
//! and `If-Modified-Since` get a bodiless 304 without reading the data; `Cache-Control` is the
//! API's public one ([`http_cache::PUBLIC`]).
//!
//! Downloads are streamed: rows are written into chunks as they are read (see
//! [`table::Sink`]). The generation is read again after the last row; if it moved meanwhile
//! the body is cut short (an aborted transfer no cache keeps) rather than sent under a tag that
//! names other content.

pub mod catalog;
pub mod datapackage;
pub mod datasets;
mod labels;
mod report_html;
mod svg;
pub mod table;
pub mod turtle;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRef, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use tracing::Instrument;

use crate::config::Config;
use crate::error::ApiError;
use crate::generation::{self, Stamp};
use crate::http_cache;
use crate::i18n::Lang;
use datasets::Dataset;
use table::{Chunk, Format, Sink, StreamError};

/// How long shared caches and browsers may keep a download, and serve it stale while they
/// fetch a fresh one: the API's public policy, the same as anonymous GraphQL GET queries.
pub const CACHE_CONTROL: &str = http_cache::PUBLIC;

/// What the exports read: the database and the configuration, and nothing of the router
/// that serves them (so this module does not depend on `app`).
#[derive(Clone)]
pub struct ExportsState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The configuration (public URL, licence of the downloads).
    pub config: Arc<Config>,
}

/// The routes of this module, to merge into a router whose state `S` yields an
/// [`ExportsState`].
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    ExportsState: FromRef<S>,
{
    Router::new()
        .route("/exports/catalog", get(catalog_negotiated))
        .route("/exports/catalog.jsonld", get(catalog_jsonld))
        .route("/exports/catalog.ttl", get(catalog_turtle))
        .route("/exports/{plan}/datapackage.json", get(datapackage::serve))
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

/// What a download, the data package and the report page read off the request besides their
/// path: the method (a HEAD gets no body), the language ([`language`]; an unknown `?lang=` is
/// answered with its error before anything is read) and the headers (validators).
struct Asked {
    method: Method,
    lang: Lang,
    headers: HeaderMap,
}

impl<S: Send + Sync> FromRequestParts<S> for Asked {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Query(query) = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let lang = language(&query, &parts.headers).map_err(|e| error(&e))?;
        Ok(Asked {
            method: parts.method.clone(),
            lang,
            headers: parts.headers.clone(),
        })
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

/// The validators of one representation, known before its body is read.
struct Validators {
    etag: String,
    last_modified: Option<DateTime<Utc>>,
    vary: &'static str,
    lang: Option<Lang>,
}

impl Validators {
    /// The tag of the representation named by `parts` at the content generation of `stamp`:
    /// 128 bits of the SHA-256 of the crate version, the generation and the parts. A new
    /// generation, another language or format, or another build gives another tag.
    fn new(stamp: Stamp, parts: &[&str], vary: &'static str, lang: Option<Lang>) -> Validators {
        let mut h = Sha256::new();
        h.update(env!("CARGO_PKG_VERSION"));
        h.update([0]);
        h.update(stamp.generation.to_be_bytes());
        for part in parts {
            h.update([0]);
            h.update(part.as_bytes());
        }
        Validators {
            etag: format!("\"{}\"", hex::encode(&h.finalize()[..16])),
            last_modified: stamp.changed_at,
            vary,
            lang,
        }
    }

    /// `304 Not Modified` when the client's copy is current: `If-None-Match` when sent (then
    /// `If-Modified-Since` is ignored, RFC 9110 §13.1.3), else `If-Modified-Since`.
    fn not_modified(&self, request: &HeaderMap) -> Option<Response> {
        let fresh = if request.contains_key(header::IF_NONE_MATCH) {
            http_cache::matching(request, &self.etag).is_some()
        } else {
            let since = request
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| DateTime::parse_from_rfc2822(v).ok());
            match (since, self.last_modified) {
                (Some(since), Some(modified)) => modified.timestamp() <= since.timestamp(),
                _ => false,
            }
        };
        fresh.then(|| self.apply(StatusCode::NOT_MODIFIED.into_response()))
    }

    /// Adds the caching headers to `response`.
    fn apply(&self, mut response: Response) -> Response {
        let h = response.headers_mut();
        http_cache::set_headers(
            h,
            [
                (header::CACHE_CONTROL, CACHE_CONTROL),
                (header::VARY, self.vary),
                (header::ETAG, self.etag.as_str()),
            ],
        );
        if let Some(modified) = self.last_modified {
            let http_date = modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
            http_cache::set_headers(h, [(header::LAST_MODIFIED, http_date.as_str())]);
        }
        if let Some(lang) = self.lang {
            http_cache::set_headers(h, [(header::CONTENT_LANGUAGE, lang.code())]);
        }
        response
    }

    /// A complete response: `body` with its type and these validators. An empty `body` is a
    /// HEAD's: sent with no `Content-Length` rather than a wrong one.
    fn respond(&self, body: Vec<u8>, content_type: &'static str) -> Response {
        let mut r = if body.is_empty() {
            no_length().into_response()
        } else {
            body.into_response()
        };
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        self.apply(r)
    }
}

/// An empty body of unknown length (what a HEAD answer carries).
fn no_length() -> Body {
    Body::from_stream(futures_util::stream::empty::<Result<Bytes, StreamError>>())
}

async fn stamp(db: &DatabaseConnection) -> Result<Stamp, ApiError> {
    Ok(generation::stamp(db).await?)
}

async fn resolve(db: &DatabaseConnection, code: &str) -> Result<entity::plan::Model, ApiError> {
    crate::store::plan_by_code(db, code)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no plan with code {code:?}")))
}

/// `GET /exports/{plan}/{name}.csv|json`.
#[tracing::instrument(skip_all, fields(plan = %plan, file = %file))]
async fn download(
    State(state): State<ExportsState>,
    Path((plan, file)): Path<(String, String)>,
    Asked {
        method,
        lang,
        headers,
    }: Asked,
) -> Response {
    match download_inner(&state, &method, &plan, &file, lang, &headers).await {
        Ok(r) => r,
        Err(e) => error(&e),
    }
}

async fn download_inner(
    state: &ExportsState,
    method: &Method,
    plan: &str,
    file: &str,
    lang: Lang,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let db = &state.db;
    let plan = resolve(db, plan).await?;
    let unknown = || {
        ApiError::NotFound(format!(
            "no download named {file:?}; see /exports/catalog.jsonld"
        ))
    };
    let (name, ext) = file.rsplit_once('.').ok_or_else(unknown)?;
    let dataset = Dataset::parse(name, &plan).ok_or_else(unknown)?;
    let (format, content_type) = match ext {
        "csv" => (Format::Csv, "text/csv; charset=utf-8; header=present"),
        "json" => (Format::Json, "application/json; charset=utf-8"),
        _ => return Err(unknown()),
    };
    let stamp = stamp(db).await?;
    let validators = Validators::new(
        stamp,
        &["download", &plan.code, name, ext, lang.code()],
        "Accept-Language",
        Some(lang),
    );
    if let Some(r) = validators.not_modified(headers) {
        return Ok(r);
    }
    let body = if method == Method::HEAD {
        no_length()
    } else {
        stream(state, plan.clone(), dataset, format, lang, stamp.generation).await?
    };
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let mut response = validators.apply(response);
    if format == Format::Csv {
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

/// The body of a download, produced by a task that writes rows into chunks as it reads them.
/// The first chunk is awaited here, so a failure before it (or a download small enough to be
/// one chunk) is still answered with a proper error status.
async fn stream(
    state: &ExportsState,
    plan: entity::plan::Model,
    dataset: Dataset,
    format: Format,
    lang: Lang,
    generation: i64,
) -> Result<Body, ApiError> {
    let (tx, mut rx) = mpsc::channel::<Chunk>(4);
    let db = state.db.clone();
    tokio::spawn(produce(db, plan, dataset, format, lang, generation, tx).in_current_span());
    let first = match rx.recv().await {
        Some(Ok(bytes)) => bytes,
        Some(Err(StreamError::Moved)) => return Err(ApiError::Unavailable),
        Some(Err(StreamError::Failed)) | None => return Err(ApiError::Internal),
    };
    // A channel's receiver answers `None` again whenever it is polled after its end. An
    // `unfold` panics instead, and a body read through the compression layer is polled once
    // more after its end: every compressed download died with that panic (#24).
    let rest = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let chunks = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok::<Bytes, StreamError>(first) }),
        rest,
    );
    Ok(Body::from_stream(chunks))
}

/// Writes `dataset` into `tx`, then checks that the content generation did not move while
/// the rows were read: only then is the last chunk sent.
async fn produce(
    db: DatabaseConnection,
    plan: entity::plan::Model,
    dataset: Dataset,
    format: Format,
    lang: Lang,
    generation: i64,
    tx: mpsc::Sender<Chunk>,
) {
    let head = vec![
        ("dataset", json!(dataset.name())),
        ("plan", json!(plan.code)),
        ("language", json!(lang.code())),
    ];
    let mut sink = Sink::new(format, head, table::CHUNK, tx.clone());
    let result = async {
        datasets::build(&db, &plan, dataset, lang, &mut sink).await?;
        let rest = sink.finish()?;
        Ok::<_, ApiError>((rest, stamp(&db).await?.generation))
    }
    .await;
    let last = match result {
        Ok((rest, now)) if now == generation => Ok(rest),
        Ok(_) => {
            tracing::info!("published content changed while a download was read; cut short");
            Err(StreamError::Moved)
        }
        Err(e) => {
            if !tx.is_closed() {
                tracing::error!(error = %e, "a download failed");
            }
            Err(StreamError::Failed)
        }
    };
    // A closed channel: the client went away; nothing to tell.
    let _ = tx.send(last).await;
}

/// Which serialization of the catalogue.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CatalogFormat {
    JsonLd,
    Turtle,
}

/// `GET /exports/catalog`: JSON-LD, or Turtle when `Accept` prefers `text/turtle`.
async fn catalog_negotiated(
    State(state): State<ExportsState>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let format = preferred_catalog_format(&headers);
    catalog(&state, &method, &headers, format, "Accept").await
}

/// `GET /exports/catalog.jsonld`.
async fn catalog_jsonld(
    State(state): State<ExportsState>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    catalog(
        &state,
        &method,
        &headers,
        CatalogFormat::JsonLd,
        "Accept-Encoding",
    )
    .await
}

/// `GET /exports/catalog.ttl`.
async fn catalog_turtle(
    State(state): State<ExportsState>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    catalog(
        &state,
        &method,
        &headers,
        CatalogFormat::Turtle,
        "Accept-Encoding",
    )
    .await
}

/// The format `Accept` prefers: Turtle only when `text/turtle` has a higher quality than
/// JSON-LD (or JSON, or any type); JSON-LD otherwise, including when neither is named.
fn preferred_catalog_format(headers: &HeaderMap) -> CatalogFormat {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return CatalogFormat::JsonLd;
    };
    let (mut turtle, mut jsonld) = (0.0f32, 0.0f32);
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let media = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            "text/turtle" => turtle = turtle.max(q),
            "application/ld+json" | "application/json" | "*/*" | "application/*" => {
                jsonld = jsonld.max(q);
            }
            _ => {}
        }
    }
    if turtle > jsonld {
        CatalogFormat::Turtle
    } else {
        CatalogFormat::JsonLd
    }
}

async fn catalog(
    state: &ExportsState,
    method: &Method,
    headers: &HeaderMap,
    format: CatalogFormat,
    vary: &'static str,
) -> Response {
    let result = async {
        let stamp = stamp(&state.db).await?;
        let base = catalog::base_url(state, headers);
        let license = state.config.exports_license.clone().unwrap_or_default();
        let ext = match format {
            CatalogFormat::JsonLd => "jsonld",
            CatalogFormat::Turtle => "ttl",
        };
        let validators = Validators::new(stamp, &["catalog", ext, &base, &license], vary, None);
        if let Some(r) = validators.not_modified(headers) {
            return Ok(r);
        }
        if method == Method::HEAD {
            let content_type = match format {
                CatalogFormat::JsonLd => "application/ld+json; charset=utf-8",
                CatalogFormat::Turtle => "text/turtle; charset=utf-8",
            };
            return Ok(validators.respond(Vec::new(), content_type));
        }
        let doc = catalog::document(state, &base).await?;
        let (body, content_type) = match format {
            CatalogFormat::JsonLd => (
                serde_json::to_vec(&doc).map_err(|e| {
                    tracing::error!(error = %e, "writing the catalogue");
                    ApiError::Internal
                })?,
                "application/ld+json; charset=utf-8",
            ),
            CatalogFormat::Turtle => (
                turtle::from_jsonld(&doc)?.into_bytes(),
                "text/turtle; charset=utf-8",
            ),
        };
        Ok::<_, ApiError>(validators.respond(body, content_type))
    }
    .await;
    result.unwrap_or_else(|e| error(&e))
}

/// `GET /reports/{plan}/{year}`.
#[tracing::instrument(skip_all, fields(plan = %plan, year = %year))]
async fn report_page(
    State(state): State<ExportsState>,
    Path((plan, year)): Path<(String, String)>,
    Asked {
        method,
        lang,
        headers,
    }: Asked,
) -> Response {
    let result = async {
        let plan = resolve(&state.db, &plan).await?;
        let year: i32 = year
            .parse()
            .map_err(|_| ApiError::bad_input("year", "the year must be a number such as 2024"))?;
        if !(plan.start_year..=plan.end_year).contains(&year) {
            // Answered as `annual_report` words it.
            crate::monitoring::annual::annual_report(&state.db, &plan, year).await?;
        }
        let stamp = stamp(&state.db).await?;
        let validators = Validators::new(
            stamp,
            &["report", &plan.code, &year.to_string(), lang.code()],
            "Accept-Language",
            Some(lang),
        );
        if let Some(r) = validators.not_modified(&headers) {
            return Ok(r);
        }
        if method == Method::HEAD {
            return Ok(validators.respond(Vec::new(), "text/html; charset=utf-8"));
        }
        let page = report_html::render(&state.db, &plan, year, lang).await?;
        let mut r = validators.respond(page.html.into_bytes(), "text/html; charset=utf-8");
        let h = r.headers_mut();
        http_cache::set_headers(h, [(header::CONTENT_SECURITY_POLICY, page.csp.as_str())]);
        http_cache::set_headers(h, http_cache::PAGE_HEADERS);
        Ok::<_, ApiError>(r)
    }
    .await;
    result.unwrap_or_else(|e| error(&e))
}
