//! The downloads of a plan, each written row by row into a [`Sink`] from the existing read
//! side: the plan's entities, [`crate::store`], and the monitoring store filtered by the
//! visibility the policy gives an anonymous caller. Nothing here decides visibility itself.
//!
//! Monitoring records, which grow with every publication, are read [`PAGE`] at a time and
//! written as they come; the plan's content (fixed by its data files: tens of rows) and the
//! annual report (one stored document) are read whole and written row by row.
//!
//! [`build`] is long on purpose: each of the 15 downloads is one `match` arm writing one cell
//! per column, in the order of [`Dataset::columns`] (the table in [`columns`] of names, types
//! and constraints that the data package's Table Schemas are written from too; the sink checks
//! every cell against its column). What the arms read is in [`records`] (monitoring records, a
//! page at a time) and [`content`] (the plan's actions and municipalities).

mod columns;
mod content;
mod records;

use std::collections::HashMap;

use entity::{expected_result, organization};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::table::{Cell, Sink};
use crate::error::ApiError;
use crate::i18n::{Lang, pick};
use crate::monitoring::report;
use crate::monitoring::{
    ActivityPayload, EvaluationPayload, FundedProjectPayload, IndicatorPayload, MeasurementPayload,
    ProgressPayload, RecordKind,
};
use content::{action_titles, actions, lines, municipalities};
use records::Pages;
pub use records::{PAGE, published};

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
            out.start(dataset.columns())?;
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
            out.start(dataset.columns())?;
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
            out.start(dataset.columns())?;
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
            out.start(dataset.columns())?;
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
            out.start(dataset.columns())?;
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
            // The latest published measurement of each indicator, picked by the database.
            let standing = report::Standing::load(db, plan.id).await?;
            out.start(dataset.columns())?;
            let mut pages = Pages::new(db, plan.id, RecordKind::Indicator);
            while let Some(page) = pages.next::<IndicatorPayload>().await? {
                for (m, i) in &page {
                    let latest = standing.latest_measurement(m.id);
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
            out.start(dataset.columns())?;
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
            out.start(dataset.columns())?;
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
            let (report, published) = crate::monitoring::annual::annual_report(db, plan, y).await?;
            let published = published.map(|p| p.published_at);
            out.extra("year", serde_json::json!(y));
            out.extra("published", serde_json::json!(published.is_some()));
            out.extra(
                "publishedAt",
                serde_json::json!(published.map(|p| p.to_rfc3339())),
            );
            out.start(dataset.columns())?;
            for line in &report.lines {
                for a in &line.actions {
                    out.push(vec![
                        Cell::Int(y.into()),
                        Cell::text(&line.code),
                        t(&line.title),
                        Cell::text(&a.code),
                        t(&a.title),
                        Cell::opt(a.status.map(|s| s.as_str())),
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
