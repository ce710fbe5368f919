//! Localized text as stored: one JSON object per text value, language code → text.
//!
//! A JSON column per text field (rather than a translations table) keeps every record readable
//! in one row on SQLite and PostgreSQL alike; search uses its own folded table
//! (`search_entry`), so nothing needs to query inside the JSON.

use std::collections::BTreeMap;

use sea_orm::FromJsonQueryResult;
use serde::{Deserialize, Serialize};

/// One text value in several languages (`{"es": "…", "ca": "…"}`), keyed by ISO 639-1 code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct I18n(pub BTreeMap<String, String>);

impl I18n {
    /// The text in `lang`, if that translation exists and is not empty.
    pub fn get(&self, lang: &str) -> Option<&str> {
        self.0
            .get(lang)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }
}

/// An ordered list of localized texts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct I18nList(pub Vec<I18n>);

/// An ordered list of plain strings (codes, aliases, language codes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct StringList(pub Vec<String>);

/// A credit line of the publication (coordination, edition, design, printing, photographs).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    /// What was done ("Coordinación de contenidos").
    pub role: I18n,
    /// Who did it.
    pub text: I18n,
}

/// The publication's credit lines, in document order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct CreditList(pub Vec<Credit>);
