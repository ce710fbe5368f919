//! Languages: which one a request asks for, and picking a text's language with fallback.
//!
//! The fallback chain is: the language asked for (the field's `lang` argument, else the
//! request's `Accept-Language`), then Spanish, the language of the source document.

use async_graphql::Enum;
use entity::I18n;

/// A language the plan is published in.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, Default)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum Lang {
    /// Catalan (`ca`).
    Ca,
    /// Spanish (`es`), the language of the source document and the last fallback.
    #[default]
    Es,
    /// English (`en`).
    En,
    /// French (`fr`).
    Fr,
}

impl Lang {
    /// All languages, in the order the plan lists its editions.
    pub const ALL: [Lang; 4] = [Lang::Ca, Lang::Es, Lang::Fr, Lang::En];

    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ca => "ca",
            Lang::Es => "es",
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language of an ISO 639-1 code or a BCP 47 tag (`ca-ES` → Catalan).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        match primary.as_str() {
            "ca" => Some(Lang::Ca),
            "es" => Some(Lang::Es),
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// The best supported language of an `Accept-Language` header, honouring quality values;
    /// `None` when it names none of ours.
    pub fn negotiate(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (index, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::from_tag) else {
                continue;
            };
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            // Higher quality wins; on a tie, the one listed first.
            if best.is_none_or(|(bq, bi, _)| q > bq || (q == bq && index < bi)) {
                best = Some((q, index, lang));
            }
        }
        best.map(|(_, _, lang)| lang)
    }
}

/// The language a request asked for through `Accept-Language`, kept in the request's data.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestLang(pub Lang);

/// `text` in `lang`, else in Spanish, else in any language it has, else empty.
pub fn pick(text: &I18n, lang: Lang) -> String {
    pick_ref(text, lang).to_owned()
}

/// [`pick`], borrowed from `text`.
pub fn pick_ref(text: &I18n, lang: Lang) -> &str {
    text.get(lang.code())
        .or_else(|| text.get(Lang::Es.code()))
        .or_else(|| text.0.values().find(|v| !v.is_empty()).map(String::as_str))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_with_quality_values() {
        assert_eq!(Lang::negotiate("ca-ES,ca;q=0.9,en;q=0.8"), Some(Lang::Ca));
        assert_eq!(Lang::negotiate("de, en-GB;q=0.8, fr;q=0.9"), Some(Lang::Fr));
        assert_eq!(Lang::negotiate("de"), None);
        assert_eq!(Lang::negotiate("en;q=0, es;q=0.1"), Some(Lang::Es));
        assert_eq!(Lang::negotiate("*"), None);
    }

    #[test]
    fn picks_with_fallback_to_spanish() {
        let mut t = I18n::default();
        t.0.insert("es".into(), "Hola".into());
        assert_eq!(pick(&t, Lang::Ca), "Hola");
        t.0.insert("ca".into(), "Hola!".into());
        assert_eq!(pick(&t, Lang::Ca), "Hola!");
    }
}
