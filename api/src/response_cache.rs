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
//!
//! One execution per miss: concurrent anonymous requests for the same missing key wait for
//! the first one ([`ResponseCache::join`]) and are answered from what it stores, so a
//! publication under load (every key missing at once) costs one recomputation per key. When
//! the first stores nothing (an error, a timeout, a client gone), the others run on their own.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

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
    /// The keys being computed, each with the channel its leader closes when it is done.
    flights: Mutex<HashMap<String, watch::Receiver<()>>>,
    /// Misses that executed their operation (for tests and the benchmark's checks).
    executions: AtomicU64,
}

/// A request's part in the computation of a missing key.
pub enum Flight<'a> {
    /// It computes the response; the others wait until this is dropped.
    Lead(Lead<'a>),
    /// Another request computes it: wait with [`Follow::wait`], then look again.
    Follow(Follow),
}

/// The computation of one key, under way until dropped (stored or not).
pub struct Lead<'a> {
    cache: &'a ResponseCache,
    key: String,
    /// Dropped with the lead, which ends every follower's wait.
    _running: watch::Sender<()>,
}

impl Drop for Lead<'_> {
    fn drop(&mut self) {
        // Out of the table before the followers are released: a request arriving later looks
        // the key up in the cache, or leads a computation of its own.
        self.cache.flights().remove(&self.key);
    }
}

/// A wait for another request's computation.
pub struct Follow(watch::Receiver<()>);

impl Follow {
    /// Returns once the leading request is done (stored its response, or gave up): the
    /// value never changes, so this ends when the lead's sender is dropped.
    pub async fn wait(mut self) {
        while self.0.changed().await.is_ok() {}
    }
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
            flights: Mutex::default(),
            executions: AtomicU64::new(0),
        }
    }

    /// Joins the computation of the missing `key`: leads it, or follows the request that
    /// does.
    pub fn join(&self, key: &str) -> Flight<'_> {
        let mut flights = self.flights();
        if let Some(running) = flights.get(key) {
            return Flight::Follow(Follow(running.clone()));
        }
        let (running, wait) = watch::channel(());
        flights.insert(key.to_owned(), wait);
        drop(flights);
        crate::metrics::response_cache("miss");
        self.executions.fetch_add(1, Ordering::Relaxed);
        Flight::Lead(Lead {
            cache: self,
            key: key.to_owned(),
            _running: running,
        })
    }

    /// The table of computations under way (whole even if a holder panicked: every change
    /// to it is one insert or remove).
    fn flights(&self) -> std::sync::MutexGuard<'_, HashMap<String, watch::Receiver<()>>> {
        self.flights
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many missing keys were computed (each concurrent group of requests once).
    pub fn executions(&self) -> u64 {
        self.executions.load(Ordering::Relaxed)
    }

    /// The stored response for `key`, for a request that waited for its computation: counted
    /// as a hit when there is one.
    pub fn after_wait(&self, key: &str) -> Option<Arc<Cached>> {
        let hit = self.entries.as_ref()?.get(key);
        if hit.is_some() {
            crate::metrics::response_cache("hit");
        }
        hit
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
    /// A hit is counted here; a miss where it is computed ([`Self::join`], [`Self::missed`]).
    pub fn get(&self, key: &str) -> Option<Arc<Cached>> {
        let hit = self.entries.as_ref()?.get(key);
        if hit.is_some() {
            crate::metrics::response_cache("hit");
        }
        hit
    }

    /// Counts a miss computed outside single flight (its leader stored nothing).
    pub fn missed(&self) {
        crate::metrics::response_cache("miss");
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
