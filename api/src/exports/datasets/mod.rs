//! The downloads of a plan, each written row by row into a [`Sink`] from the existing read
//! side: the plan's entities, [`crate::store`], and the monitoring store filtered by the
//! visibility the policy gives an anonymous caller. Nothing here decides visibility itself.
//!
//! Monitoring records, which grow with every publication, are read [`PAGE`] at a time and
//! written as they come; the plan's content (fixed by its data files: tens of rows) and the
//! annual report (one stored document) are read whole and written row by row.
//!
//! [`build`] has one `match` arm per download: it reads what the rows need and writes each row
//! through the download's table in [`columns`], which holds each column's name, type and
//! constraints beside how its cell is read (the data package's Table Schemas are written from
//! it too). What the arms read is in [`records`] (monitoring records, a page at a time) and
//! [`content`] (the plan's actions and municipalities).

mod columns;
mod content;
mod records;

use std::collections::HashMap;

use entity::monitoring_record::Model;
use entity::{expected_result, organization};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::table::Sink;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::monitoring::report;
use crate::monitoring::{IndicatorPayload, MeasurementPayload, ProgressPayload, RecordKind};
use columns::{
    ACTIVITIES, ANNUAL_REPORT, EVALUATIONS, EXPECTED_RESULTS, FUNDED_PROJECTS, INDICATORS,
    MEASUREMENTS, ORGANIZATIONS, PROGRESS_UPDATES, Rec, RecTable, Row, cells, heads,
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

/// Builds `dataset` of `plan` in `lang`, with only what an anonymous caller may see.
pub async fn build(
    db: &DatabaseConnection,
    plan: &entity::plan::Model,
    dataset: Dataset,
    lang: Lang,
    out: &mut Sink,
) -> Result<(), ApiError> {
    use RecordKind::{Activity, Evaluation, FundedProject, Indicator, Measurement, ProgressUpdate};
    let pages = |kind| Pages::new(db, plan.id, kind);
    match dataset {
        Dataset::Actions => actions(db, plan, lang, out).await,
        Dataset::Organizations => {
            let all = organization::Entity::find()
                .order_by_asc(organization::Column::Position)
                .all(db)
                .await?;
            let codes: HashMap<i32, &str> = all.iter().map(|o| (o.id, o.code.as_str())).collect();
            out.start(heads(ORGANIZATIONS))?;
            for it in &all {
                let x = it.parent_id.and_then(|p| codes.get(&p).copied());
                out.push(cells(ORGANIZATIONS, &Row { it, x, lang })).await?;
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
            out.start(heads(EXPECTED_RESULTS))?;
            for it in &results {
                let x = lines.get(&it.line_id).map(|l| l.code.as_str());
                out.push(cells(EXPECTED_RESULTS, &Row { it, x, lang }))
                    .await?;
            }
            Ok(())
        }
        Dataset::ProgressUpdates => {
            let actions = action_titles(db, plan.id).await?;
            let title = |_: &Model, p: &ProgressPayload| actions.get(&p.action);
            write_pages(pages(ProgressUpdate), PROGRESS_UPDATES, lang, out, title).await
        }
        Dataset::Activities => write_pages(pages(Activity), ACTIVITIES, lang, out, |_, _| ()).await,
        Dataset::FundedProjects => {
            write_pages(pages(FundedProject), FUNDED_PROJECTS, lang, out, |_, _| ()).await
        }
        Dataset::Indicators => {
            // The latest published measurement of each indicator, picked by the database.
            let standing = report::Standing::load(db, plan.id).await?;
            let latest = |m: &Model, _: &IndicatorPayload| standing.latest_measurement(m.id);
            write_pages(pages(Indicator), INDICATORS, lang, out, latest).await
        }
        Dataset::Measurements => {
            let indicators: HashMap<i32, (String, Option<String>)> =
                published::<IndicatorPayload>(db, plan.id, Indicator)
                    .await?
                    .into_iter()
                    .map(|(m, _)| (m.id, (m.public_id, m.code)))
                    .collect();
            let of = |_: &Model, p: &MeasurementPayload| indicators.get(&p.indicator_id);
            write_pages(pages(Measurement), MEASUREMENTS, lang, out, of).await
        }
        Dataset::Evaluations => {
            write_pages(pages(Evaluation), EVALUATIONS, lang, out, |_, _| ()).await
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
            out.start(heads(ANNUAL_REPORT))?;
            for line in &report.lines {
                for it in &line.actions {
                    let x = (y, line);
                    out.push(cells(ANNUAL_REPORT, &Row { it, x, lang })).await?;
                }
            }
            Ok(())
        }
    }
}

/// Writes the published records `pages` reads as rows of `table`; `beside` looks up what a
/// row reads beside its record.
async fn write_pages<P: serde::de::DeserializeOwned, X>(
    mut pages: Pages<'_>,
    table: RecTable<'_, P, X>,
    lang: Lang,
    out: &mut Sink,
    beside: impl Fn(&Model, &P) -> X,
) -> Result<(), ApiError> {
    out.start(heads(table))?;
    while let Some(page) = pages.next::<P>().await? {
        for (m, p) in &page {
            let x = beside(m, p);
            out.push(cells(table, &Rec { m, p, x, lang })).await?;
        }
    }
    Ok(())
}
