//! Content fidelity: the API serves the plan exactly as the source document states it.
//!
//! Every expected value below is copied from the source document
//! (`shared/seed/000_62b7333340a25744.txt`, the Spanish edition of the *Plan de
//! Internacionalización del Área Metropolitana de Barcelona 2021-2025*), not from `data/`:
//! these tests check the data against the document. Extraction errors of the source are
//! expected fixed (words split across pages joined, photo captions and markup left out).

mod annexes;
mod diagnosis;
mod document;
mod governance;
mod lines;
mod registry;
mod results;
mod zones;

use serde_json::Value;

use crate::common::{TestApp, strings};

// ------------------------------------------------------------------ helpers

/// Runs `query` on a fresh, seeded application and returns its `data`.
async fn query(query: &str) -> Value {
    TestApp::new().await.data(query).await
}

/// Runs `{ plan { <fields> } }` and returns the plan.
async fn plan(fields: &str) -> Value {
    query(&format!("{{ plan {{ {fields} }} }}")).await["plan"].clone()
}

/// The string at `value`.
fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
}

/// The elements of the array at `value`.
fn items(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected an array, got {value}"))
}

/// The element of the array `value` whose `key` is `wanted`.
fn find<'a>(value: &'a Value, key: &str, wanted: &str) -> &'a Value {
    items(value)
        .iter()
        .find(|v| v[key] == wanted)
        .unwrap_or_else(|| panic!("no element with {key} = {wanted} in {value}"))
}

/// The strings of a plain array of strings.
fn string_list(value: &Value) -> Vec<String> {
    items(value).iter().map(|v| text(v).to_owned()).collect()
}

/// The codes of an array of objects with a `code`.
fn codes(value: &Value) -> Vec<String> {
    strings(value, "code")
}

/// `LE{line}.1` … `LE{line}.{count}`.
fn action_codes(line: u32, count: u32) -> Vec<String> {
    (1..=count).map(|n| format!("LE{line}.{n}")).collect()
}

/// The 29 action codes of the plan, in document order.
fn all_action_codes() -> Vec<String> {
    [(1, 13), (2, 4), (3, 6), (4, 5), (5, 1)]
        .into_iter()
        .flat_map(|(line, count)| action_codes(line, count))
        .collect()
}

/// Photo captions and page furniture of the source: none of them is plan content.
const CAPTIONS: &[&str] = &[
    "Vista de la ciudad de Barcelona desde el Tibidabo",
    "Swietochowice",
    "Parque de Torreblanca",
    "Frente marítimo de Badalona",
    "Reunión de la European Metropolitan Authorities (EMA) en Lyon",
    "Reunión de la EMA con la comisaria europea",
    "Reunión del proyecto RiConnect",
    "en Oporto, Portugal. 2021",
    "Terminal de Zimpeto",
    "Congreso de Metropolis en Johannesburgo",
    "Montreal, Canadá.",
    "Seúl, Corea del Sur.",
    "Bienal de Arquitectura y Urbanismo en Seúl. 2017",
    "Tabla de contenidos",
];

/// Markup and extraction leftovers that must not reach any text.
const LEFTOVERS: &[&str] = &["**", "<i>", "<b>", "</", "»", "Metro-\n", "Metro- "];

fn assert_clean(what: &str, body: &str) {
    for caption in CAPTIONS {
        assert!(
            !body.contains(caption),
            "{what} contains the photo caption {caption:?}"
        );
    }
    for leftover in LEFTOVERS {
        assert!(!body.contains(leftover), "{what} contains {leftover:?}");
    }
}
