//! The DCAT-AP catalogue of the downloads, built as JSON-LD (and written as Turtle from it): one `dcat:Dataset` per download of each
//! plan, with a distribution per format and language (CSV and JSON in es, ca, en and fr; the
//! annual reports also as the HTML page), publisher, languages, temporal coverage, themes and
//! modification date, so that a CKAN-style harvester (ckanext-dcat) can import it. Each plan's
//! Frictionless Data Package is one more dataset, its distributions `dct:conformsTo` the
//! Data Package specification.

use axum::http::{HeaderMap, header};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::ExportsState;
use super::datasets::Dataset;
use crate::error::ApiError;
use crate::i18n::{Lang, pick};

/// The EU Publications Office authority code of a language.
fn eu_language(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => "http://publications.europa.eu/resource/authority/language/SPA",
        Lang::Ca => "http://publications.europa.eu/resource/authority/language/CAT",
        Lang::En => "http://publications.europa.eu/resource/authority/language/ENG",
        Lang::Fr => "http://publications.europa.eu/resource/authority/language/FRA",
    }
}

/// The publisher: the AMB, as the plan's own copyright line names it.
pub const PUBLISHER_URI: &str = "https://www.amb.cat/";

/// The publisher's name.
pub const PUBLISHER_NAME: &str = "Àrea Metropolitana de Barcelona";

/// The absolute URL downloads are served from: `PLAN_API_PUBLIC_URL`, else this request's
/// `Host` over plain HTTP (fine behind no proxy; set the setting behind one).
pub fn base_url(state: &ExportsState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

fn date(y: i32, m: u32, d: u32) -> Value {
    json!({ "@value": format!("{y:04}-{m:02}-{d:02}"), "@type": "xsd:date" })
}

/// The catalogue as a JSON-LD document: the one model of the catalogue, served as JSON-LD
/// and, through [`super::turtle`], as Turtle. Links start with `base`.
pub async fn document(state: &ExportsState, base: &str) -> Result<Value, ApiError> {
    let db = &state.db;
    let plans = crate::store::plans(db).await?;
    let publisher = json!({
        "@id": PUBLISHER_URI,
        "@type": "foaf:Agent",
        "foaf:name": PUBLISHER_NAME,
    });
    let languages: Vec<Value> = Lang::ALL
        .iter()
        .map(|l| json!({ "@id": eu_language(*l) }))
        .collect();
    let themes = json!([
        { "@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE" },
        { "@id": "http://publications.europa.eu/resource/authority/data-theme/INTR" },
    ]);
    let mut datasets = Vec::new();
    let mut newest = DateTime::<Utc>::default();
    for plan in &plans {
        let modified = super::last_modified(db, plan).await?;
        newest = newest.max(modified);
        let modified = json!({ "@value": modified.to_rfc3339(), "@type": "xsd:dateTime" });
        let rights = match &state.config.exports_license {
            Some(url) => ("dct:license", json!({ "@id": url })),
            None => (
                "dct:rights",
                json!({ "@type": "dct:RightsStatement", "rdfs:label": plan.copyright }),
            ),
        };
        for dataset in Dataset::all(plan) {
            let name = dataset.name();
            let id = format!("{base}/exports/{}/{name}", plan.code);
            let (start, end) = match dataset {
                Dataset::AnnualReport(y) => (y, y),
                _ => (plan.start_year, plan.end_year),
            };
            let mut distributions = Vec::new();
            for (ext, format, media) in [
                ("csv", "CSV", "text/csv"),
                ("json", "JSON", "application/json"),
            ] {
                for lang in Lang::ALL {
                    let url = format!("{id}.{ext}?lang={}", lang.code());
                    let mut d = json!({
                        "@id": url,
                        "@type": "dcat:Distribution",
                        "dct:title": format!("{name}.{ext} ({})", lang.code()),
                        "dcat:accessURL": { "@id": url },
                        "dcat:downloadURL": { "@id": url },
                        "dct:format": { "@id": format!("http://publications.europa.eu/resource/authority/file-type/{format}") },
                        "dcat:mediaType": { "@id": format!("https://www.iana.org/assignments/media-types/{media}") },
                        "dct:language": { "@id": eu_language(lang) },
                        "dct:modified": modified,
                    });
                    d[rights.0] = rights.1.clone();
                    distributions.push(d);
                }
            }
            if let Dataset::AnnualReport(y) = dataset {
                for lang in Lang::ALL {
                    let url = format!("{base}/reports/{}/{y}?lang={}", plan.code, lang.code());
                    let mut d = json!({
                        "@id": url,
                        "@type": "dcat:Distribution",
                        "dct:title": format!("report {y} ({})", lang.code()),
                        "dcat:accessURL": { "@id": url },
                        "dct:format": { "@id": "http://publications.europa.eu/resource/authority/file-type/HTML" },
                        "dcat:mediaType": { "@id": "https://www.iana.org/assignments/media-types/text/html" },
                        "dct:language": { "@id": eu_language(lang) },
                        "dct:modified": modified,
                    });
                    d[rights.0] = rights.1.clone();
                    distributions.push(d);
                }
            }
            datasets.push(json!({
                "@id": id,
                "@type": "dcat:Dataset",
                "dct:identifier": format!("{}/{name}", plan.code),
                "dct:title": [
                    { "@value": format!("{} — {name}", pick(&plan.short_title, Lang::Es)), "@language": "es" },
                    { "@value": format!("{} — {name}", pick(&plan.short_title, Lang::Ca)), "@language": "ca" },
                    { "@value": format!("{} — {name}", pick(&plan.short_title, Lang::En)), "@language": "en" },
                    { "@value": format!("{} — {name}", pick(&plan.short_title, Lang::Fr)), "@language": "fr" },
                ],
                "dct:description": { "@value": dataset.description(), "@language": "en" },
                "dct:publisher": publisher,
                "dct:language": languages,
                "dcat:theme": themes,
                "dcat:keyword": [
                    { "@value": plan.code, "@language": "es" },
                    { "@value": name, "@language": "en" },
                ],
                "dct:temporal": {
                    "@type": "dct:PeriodOfTime",
                    "dcat:startDate": date(start, 1, 1),
                    "dcat:endDate": date(end, 12, 31),
                },
                "dct:modified": modified,
                "dcat:distribution": distributions,
            }));
        }
        let common = Common {
            publisher: &publisher,
            languages: &languages,
            themes: &themes,
            modified: &modified,
            rights: &rights,
        };
        datasets.push(package_dataset(plan, base, &common));
    }
    let catalog = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": format!("{base}/exports/catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": [
            { "@value": "Open data of the AMB's Internationalisation Plan", "@language": "en" },
        ],
        "dct:description": {
            "@value": "Downloads of the plan's content and of its published monitoring records, as CSV and JSON in Spanish, Catalan, English and French.",
            "@language": "en",
        },
        "dct:publisher": publisher,
        "dct:language": languages,
        "dct:modified": { "@value": newest.to_rfc3339(), "@type": "xsd:dateTime" },
        "foaf:homepage": { "@id": format!("{base}/graphiql") },
        "dcat:dataset": datasets,
    });
    Ok(catalog)
}

/// What every dataset of a plan states alike.
struct Common<'a> {
    publisher: &'a Value,
    languages: &'a [Value],
    themes: &'a Value,
    modified: &'a Value,
    /// `dct:license` or `dct:rights`, and its value.
    rights: &'a (&'static str, Value),
}

/// The plan's data package as one more dataset: a distribution per language, each the
/// package's JSON conforming to the Frictionless Data Package specification, which describes
/// every CSV download of the plan in that language with its Table Schema.
fn package_dataset(plan: &entity::plan::Model, base: &str, common: &Common<'_>) -> Value {
    let id = format!("{base}/exports/{}/datapackage", plan.code);
    let distributions: Vec<Value> = Lang::ALL
        .iter()
        .map(|lang| {
            let url = format!("{id}.json?lang={}", lang.code());
            let mut d = json!({
                "@id": url,
                "@type": "dcat:Distribution",
                "dct:title": format!("datapackage.json ({})", lang.code()),
                "dcat:accessURL": { "@id": url },
                "dcat:downloadURL": { "@id": url },
                "dct:format": { "@id": "http://publications.europa.eu/resource/authority/file-type/JSON" },
                "dcat:mediaType": { "@id": "https://www.iana.org/assignments/media-types/application/json" },
                "dct:conformsTo": { "@id": super::datapackage::SPECIFICATION },
                "dct:language": { "@id": eu_language(*lang) },
                "dct:modified": common.modified,
            });
            d[common.rights.0] = common.rights.1.clone();
            d
        })
        .collect();
    let title = |lang: Lang| {
        json!({
            "@value": format!("{} — datapackage", pick(&plan.short_title, lang)),
            "@language": lang.code(),
        })
    };
    json!({
        "@id": id,
        "@type": "dcat:Dataset",
        "dct:identifier": format!("{}/datapackage", plan.code),
        "dct:title": [title(Lang::Es), title(Lang::Ca), title(Lang::En), title(Lang::Fr)],
        "dct:description": {
            "@value": "Every CSV download of the plan described as a Frictionless Data Package: one resource per download, with its CSV dialect and a Table Schema (types, constraints, primary key) for every column.",
            "@language": "en",
        },
        "dct:publisher": common.publisher,
        "dct:language": common.languages,
        "dcat:theme": common.themes,
        "dcat:keyword": [
            { "@value": plan.code, "@language": "es" },
            { "@value": "datapackage", "@language": "en" },
        ],
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": date(plan.start_year, 1, 1),
            "dcat:endDate": date(plan.end_year, 12, 31),
        },
        "dct:modified": common.modified,
        "dcat:distribution": distributions,
    })
}
