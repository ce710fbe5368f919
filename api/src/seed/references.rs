//! A seed never orphans monitoring data. Before a changed file is loaded, every code that
//! monitoring records link to (actions, lines, expected results, zones, partners,
//! organizations, municipalities), that records are owned by (units) or that a published annual
//! report names (lines, actions) must still be in the files; a plan that is in the database must
//! still have its folder. Otherwise the seed refuses, listing what would be orphaned, and writes
//! nothing. A code changed on purpose is named in the plan's `renames.toml`: the records' links
//! move to the new code, each record's move audited (`RELINK`); a published report stays as it
//! was published (it names the code of its day).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use entity::{annual_report, monitoring_record, plan, record_link};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
};

use super::content::partner_code;
use super::data::Dataset;
use crate::monitoring::report::AnnualReport;
use crate::monitoring::store::{self, Actor};

/// How many referring records an orphaned code lists (then "and N more").
const LISTED: u64 = 5;

/// A code the files changed on purpose whose links move with it.
#[derive(Debug)]
pub(super) struct Move {
    plan_id: i32,
    /// The hash of the plan's files, naming the seed run in the audit trail.
    content_hash: String,
    target_type: &'static str,
    from: String,
    to: String,
}

/// The link kinds a plan's files define, with the file that defines them.
const PLAN_KINDS: &[(&str, &str)] = &[
    ("LINE", "strategy.toml"),
    ("ACTION", "strategy.toml"),
    ("EXPECTED_RESULT", "strategy.toml"),
    ("ZONE", "geography.toml"),
    ("PARTNER", "geography.toml"),
];

/// The link kinds of the shared registry, with the file that defines them.
const REGISTRY_KINDS: &[(&str, &str)] = &[
    ("ORGANIZATION", "organizations.toml"),
    ("MUNICIPALITY", "municipalities.tsv"),
];

/// The kind of link a `renames.toml` kind moves.
fn link_kind(rename_kind: &str) -> Option<&'static str> {
    match rename_kind {
        "line" => Some("LINE"),
        "action" => Some("ACTION"),
        "expected_result" => Some("EXPECTED_RESULT"),
        _ => None,
    }
}

/// Every code of `kind` in the files of `ds`.
fn codes(ds: &Dataset, kind: &str) -> HashSet<String> {
    let s = &ds.strategy;
    match kind {
        "LINE" => s.strategic_lines.iter().map(|l| l.code.clone()).collect(),
        "ACTION" => s.actions.iter().map(|a| a.code.clone()).collect(),
        "EXPECTED_RESULT" => s.expected_results.iter().map(|r| r.code.clone()).collect(),
        "ZONE" => ds.geography.zones.iter().map(|z| z.code.clone()).collect(),
        "PARTNER" => ds
            .geography
            .zones
            .iter()
            .flat_map(|z| z.partners.iter().map(partner_code))
            .collect(),
        "ORGANIZATION" => ds.organizations.iter().map(|o| o.code.clone()).collect(),
        "MUNICIPALITY" => ds
            .municipalities
            .iter()
            .map(|m| m.ine_code.clone())
            .collect(),
        _ => HashSet::new(),
    }
}

/// Checks that loading `plans` orphans nothing; returns the link moves their `renames.toml`
/// ask for. Refuses (an error listing every orphan) otherwise; writes nothing either way.
pub(super) async fn check(
    txn: &DatabaseTransaction,
    plans: &[Dataset],
) -> anyhow::Result<Vec<Move>> {
    let by_code: HashMap<&str, &Dataset> = plans
        .iter()
        .map(|ds| (ds.plan.plan.code.as_str(), ds))
        .collect();
    let mut orphans = Vec::new();
    let mut moves = Vec::new();
    for p in plan::Entity::find()
        .order_by_asc(plan::Column::Id)
        .all(txn)
        .await?
    {
        let Some(ds) = by_code.get(p.code.as_str()) else {
            orphans.push(gone_plan(txn, &p).await?);
            continue;
        };
        let renames: HashMap<(&str, &str), &str> = ds
            .renames
            .renames
            .iter()
            .filter_map(|r| Some(((link_kind(&r.kind)?, r.from.as_str()), r.to.as_str())))
            .collect();
        let linked: Vec<(String, String)> = record_link::Entity::find()
            .select_only()
            .column(record_link::Column::TargetType)
            .column(record_link::Column::TargetCode)
            .distinct()
            .filter(record_link::Column::RecordId.in_subquery(records_of(p.id)))
            .order_by_asc(record_link::Column::TargetType)
            .order_by_asc(record_link::Column::TargetCode)
            .into_tuple()
            .all(txn)
            .await?;
        let mut known: HashMap<&str, HashSet<String>> = HashMap::new();
        for &(kind, file) in PLAN_KINDS.iter().chain(REGISTRY_KINDS) {
            known.insert(kind, codes(ds, kind));
            for (_, code) in linked.iter().filter(|(t, _)| t == kind) {
                if known[kind].contains(code) {
                    continue;
                }
                match renames.get(&(kind, code.as_str())) {
                    Some(to) => moves.push(Move {
                        plan_id: p.id,
                        content_hash: ds.content_hash.clone(),
                        target_type: kind,
                        from: code.clone(),
                        to: (*to).to_owned(),
                    }),
                    None => {
                        let what = format!("{} {code} (gone from {file})", kind_name(kind));
                        orphans.push(linked_by(txn, &p, kind, code, &what).await?);
                    }
                }
            }
        }
        orphans.extend(owners_gone(txn, &p, &known["ORGANIZATION"]).await?);
        orphans.extend(reports_naming_gone(txn, &p, &known, &renames).await?);
    }
    if orphans.is_empty() {
        return Ok(moves);
    }
    let mut msg = String::from(
        "the data files would orphan monitoring data, so nothing was loaded; restore what they \
         refer to, or name an item's new code in its plan's renames.toml (see data/README.md):",
    );
    for o in &orphans {
        let _ = write!(msg, "\n  - {o}");
    }
    anyhow::bail!(msg)
}

/// Moves the links of `moves` inside `txn`, auditing each record moved.
pub(super) async fn relink(txn: &DatabaseTransaction, moves: &[Move]) -> anyhow::Result<()> {
    for m in moves {
        let actor = Actor::seed(&m.content_hash);
        store::move_links(txn, &actor, m.plan_id, m.target_type, &m.from, &m.to).await?;
    }
    Ok(())
}

/// `SELECT id FROM monitoring_record WHERE plan_id = ?`.
fn records_of(plan_id: i32) -> sea_orm::sea_query::SelectStatement {
    monitoring_record::Entity::find()
        .select_only()
        .column(monitoring_record::Column::Id)
        .filter(monitoring_record::Column::PlanId.eq(plan_id))
        .into_query()
}

/// How an author knows each link kind.
fn kind_name(kind: &str) -> &'static str {
    match kind {
        "LINE" => "strategic line",
        "ACTION" => "action",
        "EXPECTED_RESULT" => "expected result",
        "ZONE" => "geographic zone",
        "PARTNER" => "partner metropolis",
        "ORGANIZATION" => "organization",
        _ => "municipality",
    }
}

/// The records `q` finds, as [`list`] words them (the first [`LISTED`] by id, and how many).
async fn listed(
    txn: &DatabaseTransaction,
    q: Select<monitoring_record::Entity>,
) -> anyhow::Result<String> {
    let total = q.clone().count(txn).await?;
    let first = q
        .order_by_asc(monitoring_record::Column::Id)
        .limit(LISTED)
        .all(txn)
        .await?;
    Ok(list(&first, total))
}

/// `n record(s): the first few as TYPE public-id (year, STATE), and N more`.
fn list(records: &[monitoring_record::Model], total: u64) -> String {
    let mut out = format!(
        "{total} monitoring record{}: ",
        if total == 1 { "" } else { "s" }
    );
    let named: Vec<String> = records
        .iter()
        .map(|r| {
            let year = r.year.map_or_else(String::new, |y| format!("{y}, "));
            format!("{} {} ({year}{})", r.record_type, r.public_id, r.state)
        })
        .collect();
    out.push_str(&named.join(", "));
    if total > records.len() as u64 {
        let _ = write!(out, " and {} more", total - records.len() as u64);
    }
    out
}

/// The records of plan `p` linking to `kind` `code`.
async fn linked_by(
    txn: &DatabaseTransaction,
    p: &plan::Model,
    kind: &str,
    code: &str,
    what: &str,
) -> anyhow::Result<String> {
    let q = store::linking_to(p.id, kind, code);
    Ok(format!(
        "{}: {what} is linked by {}",
        p.code,
        listed(txn, q).await?
    ))
}

/// The records of plan `p` owned by a unit the registry no longer has.
async fn owners_gone(
    txn: &DatabaseTransaction,
    p: &plan::Model,
    organizations: &HashSet<String>,
) -> anyhow::Result<Vec<String>> {
    let units: Vec<String> = monitoring_record::Entity::find()
        .select_only()
        .column(monitoring_record::Column::OwnerUnit)
        .distinct()
        .filter(monitoring_record::Column::PlanId.eq(p.id))
        .filter(monitoring_record::Column::OwnerUnit.is_not_null())
        .into_tuple::<Option<String>>()
        .all(txn)
        .await?
        .into_iter()
        .flatten()
        .filter(|u| !organizations.contains(u))
        .collect();
    let mut out = Vec::new();
    for unit in units {
        let q = monitoring_record::Entity::find()
            .filter(monitoring_record::Column::PlanId.eq(p.id))
            .filter(monitoring_record::Column::OwnerUnit.eq(unit.as_str()));
        out.push(format!(
            "{}: organization {unit} (gone from organizations.toml) owns {}",
            p.code,
            listed(txn, q).await?
        ));
    }
    Ok(out)
}

/// The published annual reports of plan `p` naming a line or action the files no longer
/// have (a renamed one is fine: the report names the code of its day).
async fn reports_naming_gone(
    txn: &DatabaseTransaction,
    p: &plan::Model,
    known: &HashMap<&str, HashSet<String>>,
    renames: &HashMap<(&str, &str), &str>,
) -> anyhow::Result<Vec<String>> {
    let mut gone: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for r in annual_report::Entity::find()
        .filter(annual_report::Column::PlanId.eq(p.id))
        .order_by_asc(annual_report::Column::Year)
        .all(txn)
        .await?
    {
        // A report that no longer decodes is reported where it is read; it names nothing here.
        let Ok(report) = serde_json::from_value::<AnnualReport>(r.content) else {
            continue;
        };
        let mut named = Vec::new();
        for line in &report.lines {
            named.push(("LINE", &line.code));
            named.extend(line.actions.iter().map(|a| ("ACTION", &a.code)));
        }
        for (kind, code) in named {
            if !known[kind].contains(code) && !renames.contains_key(&(kind, code.as_str())) {
                gone.entry(r.year)
                    .or_default()
                    .push(format!("{} {code}", kind_name(kind)));
            }
        }
    }
    Ok(gone
        .into_iter()
        .map(|(year, items)| {
            format!(
                "{}: the published annual report {year} names {} (gone from strategy.toml)",
                p.code,
                items.join(", ")
            )
        })
        .collect())
}

/// A plan in the database whose folder is gone.
async fn gone_plan(txn: &DatabaseTransaction, p: &plan::Model) -> anyhow::Result<String> {
    let records = monitoring_record::Entity::find()
        .filter(monitoring_record::Column::PlanId.eq(p.id))
        .count(txn)
        .await?;
    let reports = annual_report::Entity::find()
        .filter(annual_report::Column::PlanId.eq(p.id))
        .count(txn)
        .await?;
    Ok(format!(
        "{code}: the plan is in the database ({records} monitoring records, {reports} published \
         annual reports, its change feed) but {code}/plan.toml is gone; a seed never removes a \
         plan: restore its folder",
        code = p.code
    ))
}
