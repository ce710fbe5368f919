//! Full-text search across the plan's content and the organization registry.

use async_graphql::{Context, ID, Object, SimpleObject};

use super::db;
use super::node::{Node, load_nodes};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::store;

/// The `search` root field.
#[derive(Default)]
pub struct SearchQuery;

/// The order of types in the results: the plan's structure first, then its context.
const TYPE_ORDER: &[&str] = &[
    "StrategicLine",
    "LineScope",
    "Action",
    "ExpectedResult",
    "SpecificObjective",
    "Theme",
    "FormOfIntervention",
    "GeographicZone",
    "PartnerMetropolis",
    "SwotItem",
    "KeyFigure",
    "GovernanceItem",
    "MonitoringCommitment",
    "Organization",
    "Municipality",
    "GlossaryEntry",
    "Section",
    "Participant",
    "Plan",
];

/// The `search` root field.
#[Object]
impl SearchQuery {
    /// Finds plan content and organizations whose text contains `text`, ignoring case and
    /// accents (`cooperacion` finds `Cooperación`). One hit per record, the plan's structure
    /// (lines, actions, results) first.
    #[graphql(complexity = "super::list_cost(first, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Text to look for: 2 to 200 characters.")] text: String,
        #[graphql(
            desc = "How many hits to return (default 20, at most the server's page size cap: 100 unless configured)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Search the text in this language only; by default every language is searched."
        )]
        lang: Option<Lang>,
        #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
    ) -> Result<Vec<SearchHit>, ApiError> {
        let folded = store::search_text("text", &text)?;
        let limit = crate::pagination::page_size(super::page_cap(ctx), first)? as usize;
        let db = db(ctx)?;
        let plan = store::resolve_plan(db, plan.as_deref()).await?;
        let langs = lang.map(|l| [l.code(), crate::seed::NEUTRAL_LANG]);
        let entries = store::search(db, plan.id, &folded, langs.as_ref().map(|l| &l[..])).await?;
        let rank = |t: &str| {
            TYPE_ORDER
                .iter()
                .position(|x| *x == t)
                .unwrap_or(usize::MAX)
        };
        let mut entries: Vec<_> = entries.into_iter().collect();
        entries.sort_by_key(|e| (rank(&e.record_type), e.position, e.id));
        let mut seen = std::collections::HashSet::new();
        entries.retain(|e| seen.insert((e.record_type.clone(), e.record_code.clone())));
        entries.truncate(limit);
        let keys: Vec<(String, String)> = entries
            .iter()
            .map(|e| (e.record_type.clone(), e.record_code.clone()))
            .collect();
        let mut nodes = load_nodes(db, Some(&plan), &keys).await?;
        Ok(entries
            .into_iter()
            .filter_map(|e| {
                let node = nodes.remove(&(e.record_type.clone(), e.record_code.clone()))?;
                Some(SearchHit {
                    id: node_id(&e.record_type, &plan.code, &e.record_code),
                    type_name: e.record_type,
                    code: e.record_code,
                    field: e.field,
                    lang: Lang::from_tag(&e.lang),
                    snippet: snippet(&e.text, &e.folded, &folded),
                    node,
                })
            })
            .collect())
    }
}

fn node_id(type_name: &str, plan: &str, code: &str) -> ID {
    match type_name {
        "Plan" | "Organization" | "Municipality" => super::GlobalId::of_shared(type_name, code),
        _ => super::GlobalId::of_plan_record(type_name, plan, code),
    }
}

/// Up to about 160 characters of `text` around the first match.
fn snippet(text: &str, folded_text: &str, folded_query: &str) -> String {
    const WIDTH: usize = 160;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= WIDTH {
        return text.to_owned();
    }
    // Folding keeps one character per character except for collapsed white space, so the
    // match's character offset in the folded text is close to the one in the original.
    let at = folded_text
        .find(folded_query)
        .map(|byte| folded_text[..byte].chars().count())
        .unwrap_or(0);
    let start = at.saturating_sub(WIDTH / 3).min(chars.len() - WIDTH);
    let end = (start + WIDTH).min(chars.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// A record that matched a search.
#[derive(SimpleObject)]
pub struct SearchHit {
    /// Global ID of the record.
    pub id: ID,
    /// GraphQL type of the record (`Action`, `StrategicLine`, `Organization`, …).
    #[graphql(name = "type")]
    pub type_name: String,
    /// Code of the record.
    pub code: String,
    /// The field that matched (`title`, `description`, `text`, …).
    pub field: String,
    /// Language of the text that matched; null for names that are the same in every language.
    pub lang: Option<Lang>,
    /// The matching text, shortened around the match.
    pub snippet: String,
    /// The record itself.
    pub node: Node,
}
