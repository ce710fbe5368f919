//! Documents parsed once: what a GraphQL document needs before it runs (parsing, the alias
//! count, the document rules), worked out the first time it is seen and kept for the next
//! request that sends it; and the lean execution of a document already seen.
//!
//! Portals send the same few documents over and over. Parsing one is a tenth of the CPU of an
//! uncached full-tree read (#13); so is the chain of schema extensions that async-graphql runs
//! around every field while any extension is installed. So:
//!
//! - [`Documents::prepare`] parses a document once and keeps it ([`Prepared`]), with its
//!   alias count and the verdict of the document rules (depth, good-faith introspection);
//! - the first run of a document with given variables goes through the full schema, whose
//!   extensions check the rules and measure the operation's cost; that cost is kept too;
//! - later runs of it ([`Documents::execute`]) hand async-graphql the parsed document and use
//!   the *lean* schema, built the same way but without extensions; the kept cost and the order
//!   of the response's keys (the other two things the extensions do) are put back here, so the
//!   response is the same, byte for byte.
//!
//! Both stores are bounded in bytes (moka) by `PLAN_API_DOCUMENT_CACHE_BYTES`; 0 turns this off
//! (every request parsed and run through the full schema). Validation still runs on every
//! request: it depends on the variables.

use std::sync::Arc;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use tracing::Instrument;

use crate::graphql::{PlanSchema, check_document_rules, in_selection_order};

/// A document, parsed and checked.
pub struct Prepared {
    /// The parsed document.
    pub document: ExecutableDocument,
    /// How many aliases it has, fragments included.
    pub aliases: usize,
    /// The document rules' verdict: `Err` holds the message of a refused document.
    pub rules: Result<(), String>,
}

/// The documents (and costs) of one server.
pub struct Documents {
    parsed: Option<moka::sync::Cache<String, Arc<Prepared>>>,
    costs: Option<moka::sync::Cache<String, usize>>,
    max_depth: usize,
    max_complexity: usize,
    lean_runs: std::sync::atomic::AtomicU64,
}

/// What a parsed document is taken to weigh, per byte of its text (its syntax tree: positions,
/// names, vectors).
const TREE_BYTES_PER_BYTE: usize = 16;

impl Documents {
    /// Stores of at most `max_bytes` in all (0 turns them off), checking documents against
    /// `max_depth` and reporting costs against `max_complexity`.
    pub fn new(max_bytes: u64, max_depth: usize, max_complexity: usize) -> Self {
        let weight = |bytes: usize| u32::try_from(bytes + 96).unwrap_or(u32::MAX);
        let parsed = (max_bytes > 0).then(|| {
            moka::sync::Cache::builder()
                .weigher(move |k: &String, _: &Arc<Prepared>| {
                    weight(k.len() * (1 + TREE_BYTES_PER_BYTE))
                })
                .max_capacity(max_bytes / 4 * 3)
                .build()
        });
        let costs = (max_bytes > 0).then(|| {
            moka::sync::Cache::builder()
                .weigher(move |k: &String, _: &usize| weight(k.len()))
                .max_capacity(max_bytes / 4)
                .build()
        });
        Self {
            parsed,
            costs,
            max_depth,
            max_complexity,
            lean_runs: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// How many operations ran through the lean schema (for tests and the log).
    pub fn lean_runs(&self) -> u64 {
        self.lean_runs.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The document `query`, parsed and checked (kept for next time); `None` when it does not
    /// parse (execution reports the syntax error, as GraphQL does).
    pub fn prepare(&self, query: &str) -> Option<Arc<Prepared>> {
        if let Some(parsed) = &self.parsed
            && let Some(prepared) = parsed.get(query)
        {
            return Some(prepared);
        }
        let document = {
            let _parse = crate::traces::parse_span().entered();
            async_graphql::parser::parse_query(query).ok()?
        };
        let prepared = Arc::new(Prepared {
            aliases: count_aliases(&document),
            rules: check_document_rules(&document, self.max_depth),
            document,
        });
        if let Some(parsed) = &self.parsed {
            parsed.insert(query.to_owned(), prepared.clone());
        }
        Some(prepared)
    }

    /// Runs `request` (whose document is `prepared`): through the lean schema when this
    /// document with these variables has run before, else through the full one (and its cost
    /// is kept).
    pub async fn execute(
        &self,
        full: &PlanSchema,
        lean: &PlanSchema,
        mut request: async_graphql::Request,
        prepared: Option<&Prepared>,
    ) -> async_graphql::Response {
        let (Some(costs), Some(prepared)) = (&self.costs, prepared) else {
            return full.execute(request).await;
        };
        let key = cost_key(&request);
        if prepared.rules.is_ok()
            && let Some(cost) = costs.get(&key)
        {
            self.lean_runs
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let operation_name = request.operation_name.clone();
            request.set_parsed_query(prepared.document.clone());
            let mut response = lean
                .execute(request)
                .instrument(crate::traces::lean_execution_span())
                .await;
            in_selection_order(
                &mut response.data,
                &prepared.document,
                operation_name.as_deref(),
            );
            crate::telemetry::attach_cost(&mut response, cost, self.max_complexity);
            return response;
        }
        request.set_parsed_query(prepared.document.clone());
        let response = full.execute(request).await;
        if response.errors.is_empty() {
            costs.insert(key, crate::telemetry::cost_of(&response));
        }
        response
    }
}

/// What an operation's cost depends on: its document, operation name and variables.
fn cost_key(request: &async_graphql::Request) -> String {
    let mut key = String::with_capacity(request.query.len() + 32);
    key.push_str(request.operation_name.as_deref().unwrap_or_default());
    key.push('\u{0}');
    for (name, value) in request.variables.iter() {
        key.push_str(name.as_str());
        key.push('=');
        crate::response_cache::canonical(value, &mut key);
        key.push(',');
    }
    key.push('\u{0}');
    key.push_str(&request.query);
    key
}

/// Counts the aliases of a document, fragments included.
fn count_aliases(doc: &ExecutableDocument) -> usize {
    fn walk(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(f) => {
                    usize::from(f.node.alias.is_some()) + walk(&f.node.selection_set.node)
                }
                Selection::InlineFragment(f) => walk(&f.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    doc.operations
        .iter()
        .map(|(_, op)| walk(&op.node.selection_set.node))
        .chain(
            doc.fragments
                .values()
                .map(|f| walk(&f.node.selection_set.node)),
        )
        .sum()
}
