//! Folding text for accent- and case-insensitive search, identically on every database.
//!
//! The folded form is computed here, in Rust, both when the seed indexes a text and when a
//! query searches it, so SQLite and PostgreSQL compare the same bytes with a plain `LIKE`.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases `text`, removes diacritics (`Cooperación` → `cooperacion`, `Àrea` → `area`,
/// `coopération` → `cooperation`) and collapses runs of white space to one space.
pub fn fold(text: &str) -> String {
    let stripped: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A `LIKE` pattern that matches `needle` anywhere, with `\` escaping `%`, `_` and itself.
pub fn contains_pattern(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_space() {
        assert_eq!(
            fold("Cooperación  Internacional"),
            "cooperacion internacional"
        );
        assert_eq!(fold("Àrea Metropolitana"), "area metropolitana");
        assert_eq!(fold("coopération"), "cooperation");
        assert_eq!(
            fold("L'Hospitalet de Llobregat"),
            "l'hospitalet de llobregat"
        );
    }

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(contains_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
