//! Persisted documents: Apollo's Automatic Persisted Queries (a client sends the SHA-256 of its
//! document; on `PERSISTED_QUERY_NOT_FOUND` it sends the document once with its hash, and the
//! server keeps it in a bounded store), and the *trusted documents* reviewed in the
//! repository's `documents/` folder (one named operation per file), addressable by hash over
//! GET so that a CDN caches them. With `PLAN_API_ANONYMOUS_TRUSTED_ONLY`, anonymous callers
//! may send trusted documents only; tokens keep full access.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Value;
use axum::body::Bytes;
use axum::http::StatusCode;
use sha2::{Digest, Sha256};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/trusted_documents.rs"));
}

/// One reviewed document of `documents/`.
#[derive(Debug)]
pub struct TrustedDocument {
    /// The operation's name (the file's name without `.graphql`).
    pub name: String,
    /// SHA-256 of the text, lower-case hex.
    pub hash: String,
    /// The document's text, as in the file.
    pub body: String,
}

/// Why a persisted-document request is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The hash is neither a trusted document nor registered (yet): send the document.
    NotFound,
    /// The document's SHA-256 is not the hash sent with it.
    HashMismatch,
    /// `extensions.persistedQuery` is not `{ version: 1, sha256Hash: <64 hex> }`.
    Malformed(&'static str),
    /// An anonymous caller sent a document that is not trusted while only trusted ones are.
    TrustedOnly,
}

impl Refusal {
    /// Status, `extensions.code` and message, as Apollo clients and routers expect them.
    pub fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            Refusal::NotFound => (
                StatusCode::NOT_FOUND,
                "PERSISTED_QUERY_NOT_FOUND",
                "PersistedQueryNotFound",
            ),
            Refusal::HashMismatch => (
                StatusCode::BAD_REQUEST,
                "PERSISTED_QUERY_HASH_MISMATCH",
                "provided sha does not match query",
            ),
            Refusal::Malformed(message) => (StatusCode::BAD_REQUEST, "BAD_REQUEST", message),
            Refusal::TrustedOnly => (
                StatusCode::FORBIDDEN,
                "TRUSTED_DOCUMENT_REQUIRED",
                "anonymous callers may send only the trusted documents listed at \
                 /graphql/documents (by hash: documentId=sha256:<hash>); send a token for \
                 other queries",
            ),
        }
    }
}

/// The persisted documents of one server.
pub struct Persisted {
    trusted: HashMap<String, Arc<TrustedDocument>>,
    ordered: Vec<Arc<TrustedDocument>>,
    registered: Option<moka::sync::Cache<String, Arc<str>>>,
    trusted_only: bool,
    manifest: Bytes,
}

/// SHA-256 of `text`, lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl Persisted {
    /// The embedded trusted documents, an APQ store of at most `apq_bytes` (0: APQ off), and
    /// the allow-list setting.
    pub fn new(apq_bytes: u64, trusted_only: bool) -> Self {
        let mut ordered = Vec::new();
        // The reviewed documents of `documents/`, then the embeddable widget's, exactly as the
        // widget sends them (so that it works when anonymous callers may send only these).
        let widget = crate::embed::documents();
        let sources = embedded::DOCUMENTS
            .iter()
            .map(|(name, body)| (*name, *body))
            .chain(widget.iter().map(|(name, body)| (*name, body.as_str())));
        for (name, body) in sources {
            match check(name, body) {
                Ok(()) => ordered.push(Arc::new(TrustedDocument {
                    name: name.to_owned(),
                    hash: sha256_hex(body),
                    body: body.to_owned(),
                })),
                Err(why) => tracing::error!(document = name, why, "trusted document skipped"),
            }
        }
        // A retired version (`documents/retired/NAME-DATE.graphql`) is trusted by its hash
        // as long as it is kept, but not listed: clients move to the current version.
        let retired = embedded::RETIRED.iter().filter_map(|(stem, body)| {
            let name = stem.split_once('-').map_or(*stem, |(name, _)| name);
            match check(name, body) {
                Ok(()) => Some(Arc::new(TrustedDocument {
                    name: name.to_owned(),
                    hash: sha256_hex(body),
                    body: (*body).to_owned(),
                })),
                Err(why) => {
                    tracing::error!(document = stem, why, "retired document skipped");
                    None
                }
            }
        });
        let trusted = ordered
            .iter()
            .cloned()
            .chain(retired)
            .map(|d| (d.hash.clone(), d))
            .collect();
        let manifest = serde_json::json!({
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": ordered.iter().map(|d| serde_json::json!({
                "id": d.hash,
                "name": d.name,
                "type": "query",
                "body": d.body,
            })).collect::<Vec<_>>(),
        })
        .to_string();
        let registered = (apq_bytes > 0).then(|| {
            moka::sync::Cache::builder()
                .weigher(|k: &String, v: &Arc<str>| {
                    u32::try_from(k.len() + v.len() + 64).unwrap_or(u32::MAX)
                })
                .max_capacity(apq_bytes)
                .build()
        });
        Persisted {
            trusted,
            ordered,
            registered,
            trusted_only,
            manifest: manifest.into(),
        }
    }

    /// The trusted documents, by name.
    pub fn trusted(&self) -> &[Arc<TrustedDocument>] {
        &self.ordered
    }

    /// The manifest of trusted documents (Apollo's persisted query manifest format).
    pub fn manifest(&self) -> Bytes {
        self.manifest.clone()
    }

    /// Resolves `req`'s persisted document in place: fills in the document of a hash,
    /// registers a document sent with its hash, and applies the allow-list to anonymous
    /// callers.
    pub fn resolve(
        &self,
        req: &mut async_graphql::Request,
        anonymous: bool,
    ) -> Result<(), Refusal> {
        let restricted = anonymous && self.trusted_only;
        let Some(pq) = req.extensions.0.get("persistedQuery") else {
            if restricted && !self.trusted.contains_key(&sha256_hex(&req.query)) {
                crate::metrics::persisted("refused");
                return Err(Refusal::TrustedOnly);
            }
            return Ok(());
        };
        let hash = parse_extension(pq)?;
        if req.query.is_empty() {
            if let Some(doc) = self.trusted.get(&hash) {
                crate::metrics::persisted("hit");
                req.query.clone_from(&doc.body);
                return Ok(());
            }
            if restricted {
                crate::metrics::persisted("refused");
                return Err(Refusal::TrustedOnly);
            }
            return match self.registered.as_ref().and_then(|r| r.get(&hash)) {
                Some(doc) => {
                    crate::metrics::persisted("hit");
                    req.query = doc.to_string();
                    Ok(())
                }
                None => {
                    crate::metrics::persisted("not_found");
                    Err(Refusal::NotFound)
                }
            };
        }
        if sha256_hex(&req.query) != hash {
            crate::metrics::persisted("mismatch");
            return Err(Refusal::HashMismatch);
        }
        if self.trusted.contains_key(&hash) {
            return Ok(());
        }
        if restricted {
            crate::metrics::persisted("refused");
            return Err(Refusal::TrustedOnly);
        }
        if let Some(store) = &self.registered {
            store.insert(hash, Arc::from(req.query.as_str()));
            crate::metrics::persisted("registered");
        }
        Ok(())
    }
}

/// The lower-case hash of `extensions.persistedQuery`.
fn parse_extension(pq: &Value) -> Result<String, Refusal> {
    let Value::Object(fields) = pq else {
        return Err(Refusal::Malformed(
            "extensions.persistedQuery must be an object with version and sha256Hash",
        ));
    };
    match fields.get("version") {
        Some(Value::Number(v)) if v.as_u64() == Some(1) => {}
        _ => return Err(Refusal::Malformed("Unsupported persisted query version")),
    }
    match fields.get("sha256Hash") {
        Some(Value::String(h)) if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(h.to_ascii_lowercase())
        }
        _ => Err(Refusal::Malformed(
            "extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits",
        )),
    }
}

/// A trusted document holds exactly one operation, a query named as its file.
fn check(name: &str, body: &str) -> Result<(), &'static str> {
    use async_graphql::parser::types::OperationType;
    let doc = async_graphql::parser::parse_query(body).map_err(|_| "does not parse")?;
    let mut ops = doc.operations.iter();
    match (ops.next(), ops.next()) {
        (Some((Some(op_name), op)), None)
            if op_name.as_str() == name && op.node.ty == OperationType::Query =>
        {
            Ok(())
        }
        _ => Err("needs exactly one query, named as its file"),
    }
}
