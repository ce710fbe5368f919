//! The response cache for anonymous callers: the final bytes of a query's response, keyed by
//! everything that determines them — the document (with insignificant whitespace, commas and
//! comments removed), the operation name, the variables (keys sorted), the language, the
//! caller's visibility class and the content generation. A hit skips parsing, validation and
//! execution. Callers with a token (who may see unpublished records) never use it.
//!
//! An anonymous GET is also looked up by its exact query string (the URL after `?`), before the
//! string is decoded: a portal repeating the same URL, with a document or a persisted
//! document's hash, is answered without parsing anything. That key is stored beside the
//! document's key when the response is stored, and shares its entry.
//!
//! Bounded in bytes (moka, weighed by key and body); emptied when a new content generation is
//! seen, and keyed by it too, so an entry filled before a commit is never served after it.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_graphql::Value;
use axum::body::Bytes;

use crate::generation::Tracker;
use crate::i18n::Lang;

/// The visibility class of anonymous callers: published records only.
const ANONYMOUS: &str = "public";

/// A stored response.
pub struct Cached {
    /// The response body, as sent.
    pub body: Bytes,
    /// Its strong entity tag, quoted.
    pub etag: String,
    /// The operation's cost, for the request log.
    pub cost: usize,
    /// The operation's metric label.
    pub label: std::sync::Arc<str>,
}

/// The cache of one server.
pub struct ResponseCache {
    entries: Option<moka::sync::Cache<String, Arc<Cached>>>,
    /// The content generation the entries belong to.
    pub generation: Arc<Tracker>,
    /// Requests answered by their URL key (for tests and the benchmark's checks).
    url_hits: AtomicU64,
}

impl ResponseCache {
    /// A cache of at most `max_bytes` (0 turns it off) following `generation`.
    pub fn new(max_bytes: u64, generation: Arc<Tracker>) -> Self {
        let entries = (max_bytes > 0).then(|| {
            moka::sync::Cache::builder()
                .weigher(|k: &String, v: &Arc<Cached>| {
                    let weight = k.len() + v.body.len() + v.label.len() + v.etag.len() + 96;
                    u32::try_from(weight).unwrap_or(u32::MAX)
                })
                .max_capacity(max_bytes)
                .build()
        });
        if let Some(cache) = &entries {
            let cache = cache.clone();
            generation.on_change(move |generation| {
                // Traced when it empties something: the answers that follow are rebuilt.
                let _span = (cache.entry_count() > 0).then(|| {
                    tracing::info_span!(
                        target: crate::traces::TARGET,
                        "response_cache.invalidate",
                        plan_api.generation = generation,
                        plan_api.entries = cache.entry_count(),
                    )
                    .entered()
                });
                cache.invalidate_all();
            });
        }
        ResponseCache {
            entries,
            generation,
            url_hits: AtomicU64::new(0),
        }
    }

    /// The key of an anonymous caller's single operation, or `None` when the cache is off or
    /// the current generation is not known (a bump on its way).
    pub fn key(&self, req: &async_graphql::Request, lang: Lang) -> Option<String> {
        self.entries.as_ref()?;
        let generation = self.generation.current()?;
        let mut key = String::with_capacity(req.query.len() + 64);
        let _ = write!(key, "{generation}\u{0}{ANONYMOUS}\u{0}{}\u{0}", lang.code());
        key.push_str(req.operation_name.as_deref().unwrap_or_default());
        key.push('\u{0}');
        for (name, value) in req.variables.iter() {
            key.push_str(name.as_str());
            key.push('=');
            canonical(value, &mut key);
            key.push(',');
        }
        key.push('\u{0}');
        normalize(&req.query, &mut key);
        Some(key)
    }

    /// The key of an anonymous GET by its exact query string (`None` when the cache is off or
    /// the current generation is not known). Its fourth part starts with `?`, which no
    /// operation name holds, so it never meets a document's key.
    pub fn url_key(&self, query_string: &str, lang: Lang) -> Option<String> {
        self.entries.as_ref()?;
        let generation = self.generation.current()?;
        let mut key = String::with_capacity(query_string.len() + 48);
        let _ = write!(
            key,
            "{generation}\u{0}{ANONYMOUS}\u{0}{}\u{0}?{query_string}",
            lang.code()
        );
        Some(key)
    }

    /// The stored response for `key`.
    pub fn get(&self, key: &str) -> Option<Arc<Cached>> {
        let hit = self.entries.as_ref()?.get(key);
        crate::metrics::response_cache(if hit.is_some() { "hit" } else { "miss" });
        hit
    }

    /// The stored response for a URL key, not counted yet: a miss goes on to the document's
    /// key, which counts it, and a hit counts when it is served ([`Self::served_by_url`]),
    /// after the rate limit.
    pub fn get_by_url(&self, key: &str) -> Option<Arc<Cached>> {
        self.entries.as_ref()?.get(key)
    }

    /// Counts a response served by its URL key.
    pub fn served_by_url(&self) {
        crate::metrics::response_cache("hit");
        self.url_hits.fetch_add(1, Ordering::Relaxed);
    }

    /// How many requests were answered by their URL key.
    pub fn url_hits(&self) -> u64 {
        self.url_hits.load(Ordering::Relaxed)
    }

    /// Files an entry found by its document's key under a URL key as well, so that the next
    /// request with that URL finds it without decoding.
    pub fn alias(&self, url_key: String, value: Arc<Cached>) {
        if let Some(entries) = &self.entries {
            entries.insert(url_key, value);
        }
    }

    /// Stores a response under its document's key, and under its URL key when there is one.
    pub fn put(&self, key: String, url_key: Option<String>, value: Cached) {
        if let Some(entries) = &self.entries {
            let value = Arc::new(value);
            if let Some(url_key) = url_key {
                entries.insert(url_key, value.clone());
            }
            entries.insert(key, value);
        }
    }
}

/// A value as JSON with object keys sorted, so that `{a, b}` and `{b, a}` share a key.
pub(crate) fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(fields) => {
            let mut sorted: Vec<_> = fields.iter().collect();
            sorted.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
            out.push('{');
            for (name, v) in sorted {
                let _ = write!(out, "{:?}:", name.as_str());
                canonical(v, out);
                out.push(',');
            }
            out.push('}');
        }
        Value::List(items) => {
            out.push('[');
            for v in items {
                canonical(v, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::String(s) => {
            let _ = write!(out, "{s:?}");
        }
        Value::Enum(name) => {
            let _ = write!(out, "#{}", name.as_str());
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

/// Appends `doc` with its ignored tokens (white space, line ends, commas, comments, a byte
/// order mark) outside strings replaced by a single space: documents that differ only in
/// those are the same document to GraphQL, and get the same key.
pub fn normalize(doc: &str, out: &mut String) {
    let mut chars = doc.chars().peekable();
    let mut gap = false;
    let mut started = false;
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' | ',' | '\u{feff}' => gap = true,
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' || c == '\r' {
                        break;
                    }
                }
                gap = true;
            }
            '"' => {
                if gap && started {
                    out.push(' ');
                }
                gap = false;
                started = true;
                out.push('"');
                // A block string ("""…""") or a plain one: copied as written.
                let block = chars.peek() == Some(&'"') && {
                    let mut ahead = chars.clone();
                    ahead.next();
                    ahead.peek() == Some(&'"')
                };
                if block {
                    out.push_str("\"\"");
                    chars.next();
                    chars.next();
                    let mut quotes = 0;
                    while let Some(c) = chars.next() {
                        out.push(c);
                        if c == '\\' && quotes == 0 {
                            if let Some(n) = chars.next() {
                                out.push(n);
                            }
                            continue;
                        }
                        quotes = if c == '"' { quotes + 1 } else { 0 };
                        if quotes == 3 {
                            break;
                        }
                    }
                } else {
                    while let Some(c) = chars.next() {
                        out.push(c);
                        match c {
                            '\\' => {
                                if let Some(n) = chars.next() {
                                    out.push(n);
                                }
                            }
                            '"' | '\n' | '\r' => break,
                            _ => {}
                        }
                    }
                }
            }
            _ => {
                if gap && started {
                    out.push(' ');
                }
                gap = false;
                started = true;
                out.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    fn n(doc: &str) -> String {
        let mut out = String::new();
        normalize(doc, &mut out);
        out
    }

    #[test]
    fn ignored_tokens_collapse_but_strings_stay() {
        assert_eq!(
            n("{ plan {\n  code,  title } } # hi"),
            "{ plan { code title } }"
        );
        assert_eq!(n("{plan{code}}"), "{plan{code}}");
        assert_eq!(
            n(r#"{ search(text: "a,  b # c") { code } }"#),
            r#"{ search(text: "a,  b # c") { code } }"#
        );
        assert_eq!(n(r#"{ s(t: "x\"  y") }"#), r#"{ s(t: "x\"  y") }"#);
        assert_eq!(
            n("{ s(t: \"\"\"a  \\\"\"\"  b\"\"\") }"),
            "{ s(t: \"\"\"a  \\\"\"\"  b\"\"\") }"
        );
        assert_ne!(n("{ a b }"), n("{ ab }"));
    }
}
