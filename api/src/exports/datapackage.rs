//! The CSV downloads of a plan as a Frictionless Data Package (`/exports/{plan}/datapackage.json`,
//! Data Package v2): one tabular resource per download, its `path` the download's absolute URL,
//! with the CSV dialect we write and a Table Schema written from the same column table as the
//! CSV ([`Dataset::columns`]), so `frictionless validate` on the package checks every download.
//!
//! One package per language (`?lang=`, as every download): the resources of a package are the 15
//! distinct tables, each pointing at its download in that language. A package listing every
//! table four times would have tools load each table four times under four names.
//!
//! Version 2 because the `|`-separated cells are declared as what they are, a `list` with its
//! `delimiter`; version 1 has no list type.

use axum::extract::{Path, State};
use axum::http::Method;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::datasets::Dataset;
use super::table::{Column, Kind, LIST_SEPARATOR};
use super::{Asked, ExportsState, Validators, catalog, error, resolve, stamp};
use crate::error::ApiError;
use crate::i18n::{Lang, pick};

/// The JSON Schema profile of a v2 data package: what the package declares as `$schema`.
pub const PROFILE: &str = "https://datapackage.org/profiles/2.0/datapackage.json";

/// The specification the package conforms to, as the catalogue's `dct:conformsTo` names it.
pub const SPECIFICATION: &str = "https://datapackage.org/standard/data-package/";

const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// `GET /exports/{plan}/datapackage.json`.
#[tracing::instrument(skip_all, fields(plan = %plan))]
pub(super) async fn serve(
    State(state): State<ExportsState>,
    Path(plan): Path<String>,
    Asked {
        method,
        lang,
        headers,
    }: Asked,
) -> Response {
    let result = async {
        let plan = resolve(&state.db, &plan).await?;
        let base = catalog::base_url(&state, &headers);
        let license = state.config.exports_license.clone();
        let validators = Validators::new(
            stamp(&state.db).await?,
            &[
                "datapackage",
                &plan.code,
                lang.code(),
                &base,
                license.as_deref().unwrap_or_default(),
            ],
            "Accept-Language",
            Some(lang),
        );
        if let Some(r) = validators.not_modified(&headers) {
            return Ok(r);
        }
        if method == Method::HEAD {
            return Ok(validators.respond(Vec::new(), CONTENT_TYPE));
        }
        let created = super::last_modified(&state.db, &plan).await?;
        let doc = document(&plan, lang, &base, license.as_deref(), created);
        let body = serde_json::to_vec(&doc).map_err(|e| {
            tracing::error!(error = %e, "writing the data package");
            ApiError::Internal
        })?;
        Ok::<_, ApiError>(validators.respond(body, CONTENT_TYPE))
    }
    .await;
    result.unwrap_or_else(|e| error(&e))
}

/// The data package of `plan`'s downloads in `lang`, links starting with `base`; `license` is
/// the licence URL of the downloads, if the publisher set one; `created` is when the content
/// it describes last changed.
pub fn document(
    plan: &entity::plan::Model,
    lang: Lang,
    base: &str,
    license: Option<&str>,
    created: DateTime<Utc>,
) -> Value {
    let resources: Vec<Value> = Dataset::all(plan)
        .into_iter()
        .map(|dataset| {
            let name = dataset.name();
            json!({
                "name": name,
                "type": "table",
                "path": format!("{base}/exports/{}/{name}.csv?lang={}", plan.code, lang.code()),
                "title": format!("{} — {name}", pick(&plan.short_title, lang)),
                "description": dataset.description(),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {
                    "header": true,
                    "delimiter": ",",
                    "lineTerminator": "\r\n",
                    "quoteChar": "\"",
                    "doubleQuote": true,
                },
                "schema": schema(&dataset.columns()),
            })
        })
        .collect();
    let mut doc = json!({
        "$schema": PROFILE,
        "name": plan.code.to_ascii_lowercase(),
        "id": format!("{base}/exports/{}/datapackage.json", plan.code),
        "title": pick(&plan.title, lang),
        "description": "The plan's content and its published monitoring records, as CSV downloads of this API with the Table Schema of each. Lists of codes or links share one cell, separated by `|`; amounts and indicator values are exact decimals.",
        "homepage": format!("{base}/graphiql"),
        "keywords": [plan.code],
        "created": created.to_rfc3339(),
        "contributors": [{
            "title": catalog::PUBLISHER_NAME,
            "path": catalog::PUBLISHER_URI,
            "roles": ["publisher"],
        }],
        "resources": resources,
    });
    if let Some(url) = license {
        doc["licenses"] = json!([{ "path": url }]);
    }
    doc
}

/// The Table Schema of a download: its columns in order, empty cells as missing values, and its
/// primary key.
pub fn schema(columns: &[Column]) -> Value {
    let key: Vec<&str> = columns.iter().filter(|c| c.key).map(|c| c.name).collect();
    let mut schema = json!({
        "fields": columns.iter().map(field).collect::<Vec<_>>(),
        "missingValues": [""],
    });
    if !key.is_empty() {
        schema["primaryKey"] = json!(key);
    }
    schema
}

/// One field: the column's type as the CSV writes it, and its constraints.
fn field(c: &Column) -> Value {
    let mut f = Map::new();
    f.insert("name".into(), json!(c.name));
    let mut constraints = Map::new();
    let kind = match c.kind {
        Kind::Code | Kind::Text => "string",
        Kind::OneOf(values) => {
            constraints.insert("enum".into(), json!(values));
            "string"
        }
        Kind::Integer => "integer",
        Kind::Percent => {
            constraints.insert("minimum".into(), json!(0));
            constraints.insert("maximum".into(), json!(100));
            "integer"
        }
        Kind::Year => "year",
        Kind::Decimal => {
            f.insert("bareNumber".into(), json!(true));
            f.insert("decimalChar".into(), json!("."));
            "number"
        }
        Kind::Bool => {
            f.insert("trueValues".into(), json!(["true"]));
            f.insert("falseValues".into(), json!(["false"]));
            "boolean"
        }
        Kind::Date => "date",
        Kind::DateTime => "datetime",
        Kind::List => {
            f.insert("delimiter".into(), json!(LIST_SEPARATOR));
            f.insert("itemType".into(), json!("string"));
            "list"
        }
    };
    f.insert("type".into(), json!(kind));
    if c.required {
        constraints.insert("required".into(), json!(true));
    }
    if c.unique {
        constraints.insert("unique".into(), json!(true));
    }
    if !constraints.is_empty() {
        f.insert("constraints".into(), Value::Object(constraints));
    }
    Value::Object(f)
}
