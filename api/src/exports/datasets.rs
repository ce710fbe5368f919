//! The downloads of a plan, each written row by row into a [`Sink`] from the existing read
//! side: the plan's entities, [`crate::store`], and the monitoring store filtered by the
//! visibility the policy gives an anonymous caller. Nothing here decides visibility itself.
//!
//! Monitoring records, which grow with every publication, are read [`PAGE`] at a time and
//! written as they come; the plan's content (fixed by its data files: tens of rows) and the
//! annual report (one stored document) are read whole and written row by row.
//!
//! Over 700 lines because each of the 15 downloads is one `match` arm naming its columns next to
//! the values written under them; splitting the arms would separate a header from its cells.

use std::collections::HashMap;

use entity::{
    action, action_organization, expected_result, line_scope, organization, strategic_line,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::table::{Cell, Sink};
use crate::auth::Viewer;
use crate::error::ApiError;
use crate::i18n::{Lang, pick};
use crate::monitoring::report;
use crate::monitoring::store::{self as mstore, RecordQuery};
use crate::monitoring::{
    ActivityPayload, EvaluationPayload, FundedProjectPayload, IndicatorPayload, MeasurementPayload,
    ProgressPayload, RecordKind,
};
use crate::policy;

/// One download of a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dataset {
    /// Actions with their line, scope, responsible and involved organizations.
    Actions,
    /// The registry of organizations.
    Organizations,
    /// The 36 municipalities with the actions that involve them.
    Municipalities,
    /// Expected results per strategic line.
    ExpectedResults,
    /// Published progress updates.
    ProgressUpdates,
    /// Published activities.
    Activities,
    /// Published funded projects.
    FundedProjects,
    /// Published indicators.
    Indicators,
    /// Published measurements.
    Measurements,
    /// Published evaluations.
    Evaluations,
    /// The annual activity report of a year: one row per action.
    AnnualReport(i32),
}

/// Every download that does not depend on a year, in catalogue order.
pub const FIXED: [Dataset; 10] = [
    Dataset::Actions,
    Dataset::Organizations,
    Dataset::Municipalities,
    Dataset::ExpectedResults,
    Dataset::ProgressUpdates,
    Dataset::Activities,
    Dataset::FundedProjects,
    Dataset::Indicators,
    Dataset::Measurements,
    Dataset::Evaluations,
];

impl Dataset {
    /// The download's stable name (the file name without its extension).
    pub fn name(self) -> String {
        match self {
            Dataset::Actions => "actions".into(),
            Dataset::Organizations => "organizations".into(),
            Dataset::Municipalities => "municipalities".into(),
            Dataset::ExpectedResults => "expected-results".into(),
            Dataset::ProgressUpdates => "progress-updates".into(),
            Dataset::Activities => "activities".into(),
            Dataset::FundedProjects => "funded-projects".into(),
            Dataset::Indicators => "indicators".into(),
            Dataset::Measurements => "measurements".into(),
            Dataset::Evaluations => "evaluations".into(),
            Dataset::AnnualReport(year) => format!("annual-report-{year}"),
        }
    }

    /// The dataset named `name`, if it is one of `plan`'s.
    pub fn parse(name: &str, plan: &entity::plan::Model) -> Option<Dataset> {
        if let Some(year) = name.strip_prefix("annual-report-") {
            let year: i32 = year.parse().ok()?;
            return (plan.start_year..=plan.end_year)
                .contains(&year)
                .then_some(Dataset::AnnualReport(year));
        }
        FIXED.into_iter().find(|d| d.name() == name)
    }

    /// Every download of `plan`.
    pub fn all(plan: &entity::plan::Model) -> Vec<Dataset> {
        FIXED
            .into_iter()
            .chain((plan.start_year..=plan.end_year).map(Dataset::AnnualReport))
            .collect()
    }

    /// A one-line English description, for the catalogue.
    pub fn description(self) -> String {
        match self {
            Dataset::Actions => "The plan's actions with their strategic line, scope, and the organizations responsible for them and involved in them (codes and names).".into(),
            Dataset::Organizations => "The registry of organizations named by the plan: AMB areas and services, bodies, networks and municipalities.".into(),
            Dataset::Municipalities => "The 36 municipalities of the metropolitan area with the actions that involve them.".into(),
            Dataset::ExpectedResults => "The expected results of each strategic line.".into(),
            Dataset::ProgressUpdates => "Published progress updates of the actions, per reporting year.".into(),
            Dataset::Activities => "Published activities (forums, network meetings, study visits, …) carrying out the plan.".into(),
            Dataset::FundedProjects => "Published funded projects (FEDER, Horizon Europe, …) with their exact amounts in EUR.".into(),
            Dataset::Indicators => "Published indicators with baseline, target, latest published value and status.".into(),
            Dataset::Measurements => "Published yearly measurements of the indicators.".into(),
            Dataset::Evaluations => "Published mid-term and final evaluations.".into(),
            Dataset::AnnualReport(y) => format!("The annual activity report of {y}: each action with the progress reported for the year, and the year's activities, funded projects and indicators per strategic line."),
        }
    }
}

/// A record's reporting year, or null.
fn year(m: &entity::monitoring_record::Model) -> Cell {
    m.year.map_or(Cell::Null, |y| Cell::Int(y.into()))
}

/// When a record was published, RFC 3339, or null.
fn published_at(m: &entity::monitoring_record::Model) -> Cell {
    Cell::opt(m.published_at.map(|t| t.to_rfc3339()))
}

fn date(d: Option<chrono::NaiveDate>) -> Cell {
    Cell::opt(d.map(|d| d.to_string()))
}

/// Builds `dataset` of `plan` in `lang`, with only what an anonymous caller may see.
pub async fn build(
    db: &DatabaseConnection,
    plan: &entity::plan::Model,
    dataset: Dataset,
    lang: Lang,
    out: &mut Sink,
) -> Result<(), ApiError> {
    let t = |text: &entity::I18n| Cell::Text(pick(text, lang));
    match dataset {
        Dataset::Actions => actions(db, plan, lang, out).await,
        Dataset::Organizations => {
            let all = organization::Entity::find()
                .order_by_asc(organization::Column::Position)
                .all(db)
                .await?;
            let codes: HashMap<i32, &str> = all.iter().map(|o| (o.id, o.code.as_str())).collect();
            out.start(&[
                "code",
                "kind",
                "name",
                "acronym",
                "parent_code",
                "ine_code",
                "comarca",
            ])?;
            for o in &all {
                out.push(vec![
                    Cell::text(&o.code),
                    Cell::text(&o.kind),
                    t(&o.name),
                    Cell::opt(
                        o.acronym_i18n
                            .as_ref()
                            .map(|a| pick(a, lang))
                            .or_else(|| o.acronym.clone()),
                    ),
                    Cell::opt(o.parent_id.and_then(|p| codes.get(&p).copied())),
                    Cell::opt(o.ine_code.as_deref()),
                    Cell::opt(o.comarca.as_deref()),
                ])
                .await?;
            }
            Ok(())
        }
        Dataset::Municipalities => municipalities(db, plan, lang, out).await,
        Dataset::ExpectedResults => {
            let lines = lines(db, plan.id).await?;
            let results = expected_result::Entity::find()
                .filter(expected_result::Column::PlanId.eq(plan.id))
                .order_by_asc(expected_result::Column::Position)
                .all(db)
                .await?;
            out.start(&["code", "strategic_line_code", "text"])?;
            for r in &results {
                out.push(vec![
                    Cell::text(&r.code),
                    Cell::opt(lines.get(&r.line_id).map(|l| l.code.as_str())),
                    t(&r.text),
                ])
                .await?;
            }
            Ok(())
        }
        Dataset::ProgressUpdates => {
            let actions = action_titles(db, plan.id).await?;
            out.start(&[
                "id",
                "year",
                "action_code",
                "action_title",
                "status",
                "percent_complete",
                "narrative",
                "evidence_links",
                "synthetic",
                "published_at",
            ])?;
            let mut pages = Pages::new(db, plan.id, RecordKind::ProgressUpdate);
            while let Some(page) = pages.next::<ProgressPayload>().await? {
                for (m, p) in page {
                    out.push(vec![
                        Cell::text(&m.public_id),
                        year(&m),
                        Cell::text(&p.action),
                        Cell::opt(actions.get(&p.action).map(|a| pick(a, lang))),
                        Cell::text(p.status.as_str()),
                        Cell::Int(p.percent_complete.into()),
                        t(&p.narrative),
                        Cell::List(p.evidence_links.clone()),
                        Cell::Bool(m.synthetic),
                        published_at(&m),
                    ])
                    .await?;
                }
            }
            Ok(())
        }
        Dataset::Activities => {
            out.start(&[
                "id",
                "year",
                "kind",
                "title",
                "summary",
                "start_date",
                "end_date",
                "place",
                "action_codes",
                "zone_codes",
                "partner_codes",
                "organization_codes",
                "municipality_ine_codes",
                "links",
                "synthetic",
                "published_at",
            ])?;
            let mut pages = Pages::new(db, plan.id, RecordKind::Activity);
            while let Some(page) = pages.next::<ActivityPayload>().await? {
                for (m, a) in page {
                    out.push(vec![
                        Cell::text(&m.public_id),
                        year(&m),
                        Cell::text(a.kind.as_str()),
                        t(&a.title),
                        t(&a.summary),
                        date(Some(a.start_date)),
                        date(a.end_date),
                        Cell::opt(a.place.clone()),
                        Cell::List(a.actions.clone()),
                        Cell::List(a.zones.clone()),
                        Cell::List(a.partners.clone()),
                        Cell::List(a.organizations.clone()),
                        Cell::List(a.municipalities.clone()),
                        Cell::List(a.links.clone()),
                        Cell::Bool(m.synthetic),
                        published_at(&m),
                    ])
                    .await?;
                }
            }
            Ok(())
        }
        Dataset::FundedProjects => {
            out.start(&[
                "id",
                "year",
                "programme",
                "role",
                "title",
                "summary",
                "total_budget_eur",
                "grant_amount_eur",
                "start_date",
                "end_date",
                "status",
                "continued_after_funding",
                "action_codes",
                "municipality_ine_codes",
                "links",
                "synthetic",
                "published_at",
            ])?;
            let mut pages = Pages::new(db, plan.id, RecordKind::FundedProject);
            while let Some(page) = pages.next::<FundedProjectPayload>().await? {
                for (m, p) in page {
                    out.push(vec![
                        Cell::text(&m.public_id),
                        year(&m),
                        Cell::text(p.programme.as_str()),
                        Cell::text(p.role.as_str()),
                        t(&p.title),
                        t(&p.summary),
                        Cell::Decimal(p.total_budget.normalize().to_string()),
                        Cell::Decimal(p.grant_amount.normalize().to_string()),
                        date(Some(p.start_date)),
                        date(p.end_date),
                        Cell::text(p.status.as_str()),
                        p.continued_after_funding.map_or(Cell::Null, Cell::Bool),
                        Cell::List(p.actions.clone()),
                        Cell::List(p.municipalities.clone()),
                        Cell::List(p.links.clone()),
                        Cell::Bool(m.synthetic),
                        published_at(&m),
                    ])
                    .await?;
                }
            }
            Ok(())
        }
        Dataset::Indicators => {
            // The latest published measurement of each indicator, read page by page.
            let mut latest: HashMap<i32, (i32, i32, rust_decimal::Decimal)> = HashMap::new();
            let mut pages = Pages::new(db, plan.id, RecordKind::Measurement);
            while let Some(page) = pages.next::<MeasurementPayload>().await? {
                for (m, p) in page {
                    let Some(y) = m.year else { continue };
                    let entry = latest.entry(p.indicator_id).or_insert((y, m.id, p.value));
                    if (y, m.id) > (entry.0, entry.1) {
                        *entry = (y, m.id, p.value);
                    }
                }
            }
            out.start(&[
                "id",
                "code",
                "name",
                "unit",
                "expected_result_code",
                "action_code",
                "baseline_value",
                "baseline_year",
                "target_value",
                "target_year",
                "direction",
                "latest_value",
                "latest_year",
                "status",
                "synthetic",
                "published_at",
            ])?;
            let mut pages = Pages::new(db, plan.id, RecordKind::Indicator);
            while let Some(page) = pages.next::<IndicatorPayload>().await? {
                for (m, i) in &page {
                    let latest = latest.get(&m.id).map(|(y, _, v)| (*y, *v));
                    out.push(vec![
                        Cell::text(&m.public_id),
                        Cell::opt(m.code.as_deref()),
                        t(&i.name),
                        Cell::text(&i.unit),
                        Cell::opt(i.expected_result.as_deref()),
                        Cell::opt(i.action.as_deref()),
                        Cell::Decimal(i.baseline_value.normalize().to_string()),
                        Cell::Int(i.baseline_year.into()),
                        Cell::Decimal(i.target_value.normalize().to_string()),
                        Cell::Int(i.target_year.into()),
                        Cell::text(i.direction.as_str()),
                        latest.map_or(Cell::Null, |(_, v)| {
                            Cell::Decimal(v.normalize().to_string())
                        }),
                        latest.map_or(Cell::Null, |(y, _)| Cell::Int(y.into())),
                        Cell::text(report::indicator_status(i, latest).as_str()),
                        Cell::Bool(m.synthetic),
                        published_at(m),
                    ])
                    .await?;
                }
            }
            Ok(())
        }
        Dataset::Measurements => {
            let indicators: HashMap<i32, (String, Option<String>)> =
                published::<IndicatorPayload>(db, plan.id, RecordKind::Indicator)
                    .await?
                    .into_iter()
                    .map(|(m, _)| (m.id, (m.public_id, m.code)))
                    .collect();
            out.start(&[
                "id",
                "indicator_id",
                "indicator_code",
                "year",
                "value",
                "source",
                "notes",
                "synthetic",
                "published_at",
            ])?;
            let mut pages = Pages::new(db, plan.id, RecordKind::Measurement);
            while let Some(page) = pages.next::<MeasurementPayload>().await? {
                for (m, p) in page {
                    // An indicator that is not published is not named.
                    let ind = indicators.get(&p.indicator_id);
                    out.push(vec![
                        Cell::text(&m.public_id),
                        Cell::opt(ind.map(|i| i.0.clone())),
                        Cell::opt(ind.and_then(|i| i.1.clone())),
                        year(&m),
                        Cell::Decimal(p.value.normalize().to_string()),
                        Cell::text(&p.source),
                        t(&p.notes),
                        Cell::Bool(m.synthetic),
                        published_at(&m),
                    ])
                    .await?;
                }
            }
            Ok(())
        }
        Dataset::Evaluations => {
            out.start(&[
                "id",
                "kind",
                "year",
                "status",
                "start_date",
                "end_date",
                "summary",
                "findings",
                "recommendations",
                "document_link",
                "synthetic",
                "published_at",
            ])?;
            let mut pages = Pages::new(db, plan.id, RecordKind::Evaluation);
            while let Some(page) = pages.next::<EvaluationPayload>().await? {
                for (m, e) in page {
                    out.push(vec![
                        Cell::text(&m.public_id),
                        Cell::text(e.kind.as_str()),
                        year(&m),
                        Cell::text(e.status.as_str()),
                        date(e.start_date),
                        date(e.end_date),
                        t(&e.summary),
                        t(&e.findings),
                        t(&e.recommendations),
                        Cell::opt(e.document_link.clone()),
                        Cell::Bool(m.synthetic),
                        published_at(&m),
                    ])
                    .await?;
                }
            }
            Ok(())
        }
        Dataset::AnnualReport(y) => {
            let (report, published) = super::report::annual_report(db, plan, y).await?;
            out.extra("year", serde_json::json!(y));
            out.extra("published", serde_json::json!(published.is_some()));
            out.extra(
                "publishedAt",
                serde_json::json!(published.map(|p| p.to_rfc3339())),
            );
            out.start(&[
                "year",
                "strategic_line_code",
                "strategic_line_title",
                "action_code",
                "action_title",
                "status",
                "percent_complete",
                "narrative",
                "line_activities",
                "line_funded_projects",
                "line_indicators",
            ])?;
            for line in &report.lines {
                for a in &line.actions {
                    out.push(vec![
                        Cell::Int(y.into()),
                        Cell::text(&line.code),
                        t(&line.title),
                        Cell::text(&a.code),
                        t(&a.title),
                        Cell::opt(a.status.clone()),
                        a.percent_complete
                            .map_or(Cell::Null, |p| Cell::Int(p.into())),
                        a.narrative.as_ref().map_or(Cell::Null, t),
                        Cell::Int(line.activities.len() as i64),
                        Cell::Int(line.funded_projects.len() as i64),
                        Cell::Int(line.indicators.len() as i64),
                    ])
                    .await?;
                }
            }
            Ok(())
        }
    }
}

/// The plan's published records of `record_type`, decoded, oldest first: the records the
/// policy lets an anonymous caller see.
pub async fn published<T: serde::de::DeserializeOwned>(
    db: &DatabaseConnection,
    plan_id: i32,
    record_type: RecordKind,
) -> Result<Vec<(entity::monitoring_record::Model, T)>, ApiError> {
    let vis = policy::visibility(&Viewer::anonymous());
    let q = RecordQuery::new(plan_id, record_type);
    let rows = mstore::all(db, &q, &vis).await?;
    rows.into_iter()
        .map(|m| {
            let p = serde_json::from_value(m.payload.clone()).map_err(|e| {
                tracing::error!(record = m.id, error = %e, "undecodable monitoring payload");
                ApiError::Internal
            })?;
            Ok((m, p))
        })
        .collect()
}

/// How many monitoring records a download reads at a time.
pub const PAGE: u64 = 200;

/// The plan's published records of one kind, oldest first, a page at a time: the records the
/// policy lets an anonymous caller see.
struct Pages<'db> {
    inner: sea_orm::Paginator<
        'db,
        DatabaseConnection,
        sea_orm::SelectModel<entity::monitoring_record::Model>,
    >,
}

impl<'db> Pages<'db> {
    fn new(db: &'db DatabaseConnection, plan_id: i32, record_type: RecordKind) -> Self {
        use entity::monitoring_record;
        let vis = policy::visibility(&Viewer::anonymous());
        let q = RecordQuery::new(plan_id, record_type);
        Pages {
            inner: monitoring_record::Entity::find()
                .filter(mstore::record_condition(&q, &vis))
                .order_by_asc(monitoring_record::Column::Id)
                .paginate(db, PAGE),
        }
    }

    /// The next page, decoded; `None` after the last.
    async fn next<T: serde::de::DeserializeOwned>(
        &mut self,
    ) -> Result<Option<Vec<(entity::monitoring_record::Model, T)>>, ApiError> {
        let Some(rows) = self.inner.fetch_and_next().await? else {
            return Ok(None);
        };
        rows.into_iter()
            .map(decode)
            .collect::<Result<_, _>>()
            .map(Some)
    }
}

fn decode<T: serde::de::DeserializeOwned>(
    m: entity::monitoring_record::Model,
) -> Result<(entity::monitoring_record::Model, T), ApiError> {
    let p = serde_json::from_value(m.payload.clone()).map_err(|e| {
        tracing::error!(record = m.id, error = %e, "undecodable monitoring payload");
        ApiError::Internal
    })?;
    Ok((m, p))
}

async fn lines(
    db: &DatabaseConnection,
    plan_id: i32,
) -> Result<HashMap<i32, strategic_line::Model>, ApiError> {
    Ok(strategic_line::Entity::find()
        .filter(strategic_line::Column::PlanId.eq(plan_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect())
}

async fn action_titles(
    db: &DatabaseConnection,
    plan_id: i32,
) -> Result<HashMap<String, entity::I18n>, ApiError> {
    Ok(plan_actions(db, plan_id)
        .await?
        .into_iter()
        .map(|a| (a.code, a.title))
        .collect())
}

async fn plan_actions(
    db: &DatabaseConnection,
    plan_id: i32,
) -> Result<Vec<action::Model>, ApiError> {
    Ok(action::Entity::find()
        .filter(action::Column::PlanId.eq(plan_id))
        .order_by_asc(action::Column::Position)
        .all(db)
        .await?)
}

/// Links between the plan's actions and organizations, in order.
async fn action_links(
    db: &DatabaseConnection,
    actions: &[action::Model],
) -> Result<Vec<action_organization::Model>, ApiError> {
    Ok(action_organization::Entity::find()
        .filter(action_organization::Column::ActionId.is_in(actions.iter().map(|a| a.id)))
        .order_by_asc(action_organization::Column::Position)
        .all(db)
        .await?)
}

async fn actions(
    db: &DatabaseConnection,
    plan: &entity::plan::Model,
    lang: Lang,
    out: &mut Sink,
) -> Result<(), ApiError> {
    let lines = lines(db, plan.id).await?;
    let scopes: HashMap<i32, line_scope::Model> = line_scope::Entity::find()
        .filter(line_scope::Column::PlanId.eq(plan.id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let actions = plan_actions(db, plan.id).await?;
    let links = action_links(db, &actions).await?;
    let orgs: HashMap<i32, organization::Model> = organization::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    out.start(&[
        "code",
        "strategic_line_code",
        "strategic_line_title",
        "scope_code",
        "scope_title",
        "title",
        "responsible_codes",
        "responsible_names",
        "involved_codes",
        "involved_names",
        "responsible_text",
        "involved_text",
    ])?;
    for a in &actions {
        let of_role = |role: &str| -> Vec<&organization::Model> {
            links
                .iter()
                .filter(|l| l.action_id == a.id && l.role == role)
                .filter_map(|l| orgs.get(&l.organization_id))
                .collect()
        };
        let (resp, inv) = (of_role("RESPONSIBLE"), of_role("INVOLVED"));
        let codes = |list: &[&organization::Model]| {
            Cell::List(list.iter().map(|o| o.code.clone()).collect())
        };
        let names = |list: &[&organization::Model]| {
            Cell::List(list.iter().map(|o| pick(&o.name, lang)).collect())
        };
        let line = lines.get(&a.line_id);
        let scope = a.scope_id.and_then(|s| scopes.get(&s));
        out.push(vec![
            Cell::text(&a.code),
            Cell::opt(line.map(|l| l.code.clone())),
            Cell::opt(line.map(|l| pick(&l.title, lang))),
            Cell::opt(scope.map(|s| s.code.clone())),
            Cell::opt(scope.map(|s| pick(&s.title, lang))),
            Cell::Text(pick(&a.title, lang)),
            codes(&resp),
            names(&resp),
            codes(&inv),
            names(&inv),
            Cell::Text(pick(&a.responsible_text, lang)),
            Cell::Text(pick(&a.involved_text, lang)),
        ])
        .await?;
    }
    Ok(())
}

async fn municipalities(
    db: &DatabaseConnection,
    plan: &entity::plan::Model,
    lang: Lang,
    out: &mut Sink,
) -> Result<(), ApiError> {
    let munis = crate::store::municipalities(db).await?;
    let actions = plan_actions(db, plan.id).await?;
    let links = action_links(db, &actions).await?;
    out.start(&[
        "ine_code",
        "code",
        "name",
        "comarca",
        "action_count",
        "action_codes",
    ])?;
    for m in &munis {
        // As `Municipality.actions`: the actions naming it, and those naming the metropolitan
        // municipalities as a group (its parent in the registry), in any role.
        let mut orgs = vec![m.id];
        orgs.extend(m.parent_id);
        let codes: Vec<String> = actions
            .iter()
            .filter(|a| {
                links
                    .iter()
                    .any(|l| l.action_id == a.id && orgs.contains(&l.organization_id))
            })
            .map(|a| a.code.clone())
            .collect();
        out.push(vec![
            Cell::text(m.ine_code.as_deref().unwrap_or(&m.code)),
            Cell::text(&m.code),
            Cell::Text(pick(&m.name, lang)),
            Cell::opt(m.comarca.as_deref()),
            Cell::Int(codes.len() as i64),
            Cell::List(codes),
        ])
        .await?;
    }
    Ok(())
}
