//! What is computed from published records: an action's current progress, indicator status,
//! roll-ups per line and plan, and the annual activity report.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use entity::{I18n, action, expected_result, monitoring_record, organization, strategic_line};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use super::store::{self, RecordQuery};
use super::{
    ActivityKind, ActivityPayload, FundedProjectPayload, FundingProgramme, IndicatorDirection,
    IndicatorPayload, IndicatorStatus, MeasurementPayload, ProgressPayload, ProgressStatus,
    ProjectRole, ProjectStatus, RecordKind, Visibility,
};
use crate::error::ApiError;

/// How [`indicator_status`] decides, for clients to show beside the status.
pub const INDICATOR_STATUS_METHOD: &str = "Compares the latest published measurement with a \
straight line from the baseline (value, year) to the target (value, year): ACHIEVED when it has \
reached the target; DETERIORATION when it is worse than the baseline; ON_TRACK when it is at \
least where the straight line is in the measurement's year; OFF_TRACK otherwise; NO_DATA when no \
measurement is published. 'Better' follows the indicator's direction (INCREASE or DECREASE).";

/// An indicator's status, given its latest published measurement `(year, value)`.
pub fn indicator_status(ind: &IndicatorPayload, latest: Option<(i32, Decimal)>) -> IndicatorStatus {
    let Some((year, value)) = latest else {
        return IndicatorStatus::NoData;
    };
    // Work as if higher were always better.
    let sign = match ind.direction {
        IndicatorDirection::Decrease => Decimal::NEGATIVE_ONE,
        IndicatorDirection::Increase => Decimal::ONE,
    };
    let (value, base, target) = (
        value * sign,
        ind.baseline_value * sign,
        ind.target_value * sign,
    );
    if value >= target {
        return IndicatorStatus::Achieved;
    }
    if value < base {
        return IndicatorStatus::Deterioration;
    }
    let span = Decimal::from(ind.target_year - ind.baseline_year);
    let expected = if span.is_zero() {
        target
    } else {
        let elapsed = Decimal::from((year - ind.baseline_year).max(0)).min(span);
        base + (target - base) * elapsed / span
    };
    if value >= expected {
        IndicatorStatus::OnTrack
    } else {
        IndicatorStatus::OffTrack
    }
}

/// The published records of the plan that the annual report of a year shows, decoded: read by
/// the database's selection (the year's latest progress of each action, the year's
/// activities, the projects started by the year's end, the latest measurement of each
/// indicator by then), not every record of the plan.
pub struct Published {
    /// The latest progress update of the year of each action that has one.
    pub progress: Vec<(monitoring_record::Model, ProgressPayload)>,
    /// The activities of the year.
    pub activities: Vec<(monitoring_record::Model, ActivityPayload)>,
    /// The funded projects started in the year or before.
    pub projects: Vec<(monitoring_record::Model, FundedProjectPayload)>,
    /// Indicators.
    pub indicators: Vec<(monitoring_record::Model, IndicatorPayload)>,
    /// The latest measurement of each indicator up to the year.
    pub measurements: Vec<(monitoring_record::Model, MeasurementPayload)>,
}

fn decode<T: serde::de::DeserializeOwned>(
    rows: Vec<monitoring_record::Model>,
) -> Vec<(monitoring_record::Model, T)> {
    rows.into_iter()
        .filter_map(|m| {
            let p = serde_json::from_value(m.payload.clone()).ok()?;
            Some((m, p))
        })
        .collect()
}

impl Published {
    /// Loads what the report of `year` of the plan `plan_id` shows: five statements.
    pub async fn load(db: &DatabaseConnection, plan_id: i32, year: i32) -> Result<Self, ApiError> {
        let vis = Visibility::PublishedOnly;
        let q = |record_type| RecordQuery::new(plan_id, record_type);
        let mut progress =
            decode::<ProgressPayload>(store::latest_progress(db, plan_id, Some(year)).await?);
        progress.retain(|(m, _)| m.year == Some(year));
        let activities = RecordQuery {
            year: Some(year),
            ..q(RecordKind::Activity)
        };
        let projects = RecordQuery {
            up_to_year: Some(year),
            ..q(RecordKind::FundedProject)
        };
        Ok(Published {
            progress,
            activities: decode(store::all(db, &activities, &vis).await?),
            projects: decode(store::all(db, &projects, &vis).await?),
            indicators: decode(store::all(db, &q(RecordKind::Indicator), &vis).await?),
            measurements: decode(store::latest_measurements(db, plan_id, Some(year)).await?),
        })
    }

    /// The latest published measurement of an indicator up to `year`: `(year, value)`.
    pub fn latest_measurement(
        &self,
        indicator_id: i32,
        year: Option<i32>,
    ) -> Option<(i32, Decimal)> {
        self.measurements
            .iter()
            .filter(|(m, p)| {
                p.indicator_id == indicator_id
                    && m.year.is_some_and(|my| year.is_none_or(|y| my <= y))
            })
            .max_by_key(|(m, _)| (m.year, m.id))
            .and_then(|(m, p)| m.year.map(|y| (y, p.value)))
    }

    /// An indicator's status from its latest published measurement up to `year`.
    pub fn status_of(&self, id: i32, ind: &IndicatorPayload, year: Option<i32>) -> IndicatorStatus {
        indicator_status(ind, self.latest_measurement(id, year))
    }
}

/// What the summaries and the indicators' statuses need of a plan's published records: one
/// row per action and per indicator, selected by the database ([`store::latest_progress`],
/// [`store::latest_measurements`]), however many records the plan holds.
pub struct Standing {
    /// The current progress of each action (its latest published update), by action code.
    pub progress: HashMap<String, ProgressPayload>,
    /// The latest published measurement of each indicator, by its record id: `(year, value)`.
    pub measurements: HashMap<i32, (i32, Decimal)>,
    /// The published indicators, oldest first.
    pub indicators: Vec<(monitoring_record::Model, IndicatorPayload)>,
}

impl Standing {
    /// Reads the standing of the plan `plan_id`: three statements.
    pub async fn load(db: &DatabaseConnection, plan_id: i32) -> Result<Self, ApiError> {
        let progress = decode::<ProgressPayload>(store::latest_progress(db, plan_id, None).await?)
            .into_iter()
            .map(|(_, p)| (p.action.clone(), p))
            .collect();
        let measurements =
            decode::<MeasurementPayload>(store::latest_measurements(db, plan_id, None).await?)
                .into_iter()
                .filter_map(|(m, p)| Some((p.indicator_id, (m.year?, p.value))))
                .collect();
        let q = RecordQuery::new(plan_id, RecordKind::Indicator);
        let indicators = decode(store::all(db, &q, &Visibility::PublishedOnly).await?);
        Ok(Standing {
            progress,
            measurements,
            indicators,
        })
    }

    /// The latest published measurement of the indicator `id`: `(year, value)`.
    pub fn latest_measurement(&self, id: i32) -> Option<(i32, Decimal)> {
        self.measurements.get(&id).copied()
    }

    /// An indicator's status from its latest published measurement.
    pub fn status_of(&self, id: i32, ind: &IndicatorPayload) -> IndicatorStatus {
        indicator_status(ind, self.latest_measurement(id))
    }
}

/// Counts of a roll-up.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Rollup {
    /// Actions in scope.
    pub actions: usize,
    /// Actions with no published progress.
    pub not_reported: usize,
    /// Actions by status of their current progress.
    pub by_status: Vec<(ProgressStatus, usize)>,
    /// Mean percent complete of the actions with published progress.
    pub mean_percent_complete: Option<f64>,
    /// Indicators by status.
    pub indicators_by_status: Vec<(IndicatorStatus, usize)>,
}

/// The roll-up of `action_codes` and of the indicators measuring them or `result_codes`.
pub fn rollup(standing: &Standing, action_codes: &[String], result_codes: &[String]) -> Rollup {
    let reported: Vec<&ProgressPayload> = action_codes
        .iter()
        .filter_map(|c| standing.progress.get(c))
        .collect();
    let by_status = ProgressStatus::ALL
        .iter()
        .map(|s| (*s, reported.iter().filter(|p| p.status == *s).count()))
        .collect();
    let mean = (!reported.is_empty()).then(|| {
        reported
            .iter()
            .map(|p| f64::from(p.percent_complete))
            .sum::<f64>()
            / reported.len() as f64
    });
    let statuses: Vec<IndicatorStatus> = standing
        .indicators
        .iter()
        .filter(|(_, i)| {
            i.action.as_ref().is_some_and(|a| action_codes.contains(a))
                || i.expected_result
                    .as_ref()
                    .is_some_and(|r| result_codes.contains(r))
        })
        .map(|(m, i)| standing.status_of(m.id, i))
        .collect();
    Rollup {
        actions: action_codes.len(),
        not_reported: action_codes.len() - reported.len(),
        by_status,
        mean_percent_complete: mean,
        indicators_by_status: IndicatorStatus::ALL
            .iter()
            .map(|s| (*s, statuses.iter().filter(|x| *x == s).count()))
            .collect(),
    }
}

/// An action in the annual report.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ReportAction {
    /// Code.
    pub code: String,
    /// Title.
    pub title: I18n,
    /// Status of its latest progress update of the year, if any.
    pub status: Option<ProgressStatus>,
    /// Percent complete, if reported.
    pub percent_complete: Option<i32>,
    /// Narrative of the year.
    pub narrative: Option<I18n>,
}

/// An activity in the annual report.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ReportActivity {
    /// The record's id.
    pub id: i32,
    /// Kind.
    pub kind: ActivityKind,
    /// Title.
    pub title: I18n,
    /// Summary.
    pub summary: I18n,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: Option<NaiveDate>,
    /// Place.
    pub place: Option<String>,
    /// Municipalities involved.
    pub municipalities: Vec<String>,
    /// Synthetic demonstration data.
    pub synthetic: bool,
}

/// A funded project in the annual report.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ReportProject {
    /// The record's id.
    pub id: i32,
    /// Title.
    pub title: I18n,
    /// Programme.
    pub programme: FundingProgramme,
    /// Role of the AMB.
    pub role: ProjectRole,
    /// Total budget, EUR.
    pub total_budget: Decimal,
    /// Grant, EUR.
    pub grant_amount: Decimal,
    /// Status.
    pub status: ProjectStatus,
    /// Whether it continued after EU funding.
    pub continued_after_funding: Option<bool>,
    /// Participating municipalities.
    pub municipalities: Vec<String>,
    /// Synthetic demonstration data.
    pub synthetic: bool,
}

/// An indicator's value in the annual report.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ReportIndicator {
    /// The record's id.
    pub id: i32,
    /// Code.
    pub code: String,
    /// Name.
    pub name: I18n,
    /// Unit.
    pub unit: String,
    /// The year's published value, if measured.
    pub value: Option<Decimal>,
    /// Status as of the year.
    pub status: IndicatorStatus,
}

/// A strategic line's part of the annual report.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ReportLine {
    /// Code.
    pub code: String,
    /// Title.
    pub title: I18n,
    /// The line's actions, with the year's progress.
    pub actions: Vec<ReportAction>,
    /// Activities of the year carrying out the line's actions.
    pub activities: Vec<ReportActivity>,
    /// Funded projects active in the year serving the line's actions.
    pub funded_projects: Vec<ReportProject>,
    /// Indicators of the line's results and actions, with the year's values.
    pub indicators: Vec<ReportIndicator>,
}

/// What a municipality contributed in the year.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MunicipalityContribution {
    /// INE code.
    pub ine_code: String,
    /// Name.
    pub name: String,
    /// Activities of the year involving it.
    pub activities: usize,
    /// Funded projects active in the year in which it participates.
    pub funded_projects: usize,
}

/// The annual activity report of a year.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AnnualReport {
    /// The plan's code.
    pub plan_code: String,
    /// The year.
    pub year: i32,
    /// Per strategic line.
    pub lines: Vec<ReportLine>,
    /// Every activity of the year.
    pub activities: Vec<ReportActivity>,
    /// Every funded project active in the year.
    pub funded_projects: Vec<ReportProject>,
    /// Contributions by municipality (those with any).
    pub municipalities: Vec<MunicipalityContribution>,
}

fn report_activity(m: &monitoring_record::Model, a: &ActivityPayload) -> ReportActivity {
    ReportActivity {
        id: m.id,
        kind: a.kind,
        title: a.title.clone(),
        summary: a.summary.clone(),
        start_date: a.start_date,
        end_date: a.end_date,
        place: a.place.clone(),
        municipalities: a.municipalities.clone(),
        synthetic: m.synthetic,
    }
}

fn report_project(m: &monitoring_record::Model, p: &FundedProjectPayload) -> ReportProject {
    ReportProject {
        id: m.id,
        title: p.title.clone(),
        programme: p.programme,
        role: p.role,
        total_budget: p.total_budget.normalize(),
        grant_amount: p.grant_amount.normalize(),
        status: p.status,
        continued_after_funding: p.continued_after_funding,
        municipalities: p.municipalities.clone(),
        synthetic: m.synthetic,
    }
}

/// Assembles the report of `year` from the published records, as they are now.
pub async fn assemble(
    db: &DatabaseConnection,
    plan: &entity::plan::Model,
    year: i32,
) -> Result<AnnualReport, ApiError> {
    let published = Published::load(db, plan.id, year).await?;
    let lines = strategic_line::Entity::find()
        .filter(strategic_line::Column::PlanId.eq(plan.id))
        .order_by_asc(strategic_line::Column::Position)
        .all(db)
        .await?;
    let actions = action::Entity::find()
        .filter(action::Column::PlanId.eq(plan.id))
        .order_by_asc(action::Column::Position)
        .all(db)
        .await?;
    let results = expected_result::Entity::find()
        .filter(expected_result::Column::PlanId.eq(plan.id))
        .all(db)
        .await?;
    let municipalities = crate::store::municipalities(db).await?;

    let of_year: Vec<_> = published
        .activities
        .iter()
        .filter(|(_, a)| a.start_date.year() == year)
        .collect();
    let active: Vec<_> = published
        .projects
        .iter()
        .filter(|(_, p)| p.start_date.year() <= year && p.end_date.is_none_or(|e| e.year() >= year))
        .collect();
    let progress_of_year: HashMap<&str, &(monitoring_record::Model, ProgressPayload)> = {
        let mut map: HashMap<&str, &(monitoring_record::Model, ProgressPayload)> = HashMap::new();
        for entry in published
            .progress
            .iter()
            .filter(|(m, _)| m.year == Some(year))
        {
            if map
                .get(entry.1.action.as_str())
                .is_none_or(|(o, _)| entry.0.id > o.id)
            {
                map.insert(entry.1.action.as_str(), entry);
            }
        }
        map
    };

    let mut report_lines = Vec::new();
    for line in &lines {
        let line_actions: Vec<&action::Model> =
            actions.iter().filter(|a| a.line_id == line.id).collect();
        let codes: Vec<&str> = line_actions.iter().map(|a| a.code.as_str()).collect();
        let result_codes: Vec<&str> = results
            .iter()
            .filter(|r| r.line_id == line.id)
            .map(|r| r.code.as_str())
            .collect();
        let touches = |linked: &[String]| linked.iter().any(|c| codes.contains(&c.as_str()));
        report_lines.push(ReportLine {
            code: line.code.clone(),
            title: line.title.clone(),
            actions: line_actions
                .iter()
                .map(|a| {
                    let p = progress_of_year.get(a.code.as_str()).map(|(_, p)| p);
                    ReportAction {
                        code: a.code.clone(),
                        title: a.title.clone(),
                        status: p.map(|p| p.status),
                        percent_complete: p.map(|p| p.percent_complete),
                        narrative: p.map(|p| p.narrative.clone()),
                    }
                })
                .collect(),
            activities: of_year
                .iter()
                .filter(|(_, a)| touches(&a.actions))
                .map(|(m, a)| report_activity(m, a))
                .collect(),
            funded_projects: active
                .iter()
                .filter(|(_, p)| touches(&p.actions))
                .map(|(m, p)| report_project(m, p))
                .collect(),
            indicators: published
                .indicators
                .iter()
                .filter(|(_, i)| {
                    i.action
                        .as_ref()
                        .is_some_and(|a| codes.contains(&a.as_str()))
                        || i.expected_result
                            .as_ref()
                            .is_some_and(|r| result_codes.contains(&r.as_str()))
                })
                .map(|(m, i)| ReportIndicator {
                    id: m.id,
                    code: m.code.clone().unwrap_or_default(),
                    name: i.name.clone(),
                    unit: i.unit.clone(),
                    value: published
                        .latest_measurement(m.id, Some(year))
                        .filter(|(y, _)| *y == year)
                        .map(|(_, v)| v.normalize()),
                    status: published.status_of(m.id, i, Some(year)),
                })
                .collect(),
        });
    }
    let contributions = municipalities
        .iter()
        .filter_map(|m: &organization::Model| {
            let ine = m.ine_code.clone()?;
            let activities = of_year
                .iter()
                .filter(|(_, a)| a.municipalities.contains(&ine))
                .count();
            let projects = active
                .iter()
                .filter(|(_, p)| p.municipalities.contains(&ine))
                .count();
            (activities + projects > 0).then(|| MunicipalityContribution {
                name: crate::i18n::pick(&m.name, crate::i18n::Lang::Es),
                ine_code: ine,
                activities,
                funded_projects: projects,
            })
        })
        .collect();
    Ok(AnnualReport {
        plan_code: plan.code.clone(),
        year,
        lines: report_lines,
        activities: of_year.iter().map(|(m, a)| report_activity(m, a)).collect(),
        funded_projects: active.iter().map(|(m, p)| report_project(m, p)).collect(),
        municipalities: contributions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().expect("a decimal")
    }

    fn ind(direction: IndicatorDirection) -> IndicatorPayload {
        IndicatorPayload {
            name: I18n::default(),
            unit: "projects".into(),
            expected_result: None,
            action: None,
            baseline_value: dec("10"),
            baseline_year: 2021,
            target_value: dec("20"),
            target_year: 2025,
            direction,
        }
    }

    #[test]
    fn indicator_status_follows_the_straight_line() {
        use IndicatorStatus::*;
        let up = ind(IndicatorDirection::Increase);
        let at = |y: i32, v: &str| Some((y, dec(v)));
        assert_eq!(indicator_status(&up, None), NoData);
        assert_eq!(indicator_status(&up, at(2023, "20")), Achieved);
        assert_eq!(indicator_status(&up, at(2023, "9")), Deterioration);
        assert_eq!(indicator_status(&up, at(2023, "15")), OnTrack);
        assert_eq!(indicator_status(&up, at(2023, "14.9")), OffTrack);
        let down = IndicatorPayload {
            baseline_value: dec("20"),
            target_value: dec("10"),
            ..ind(IndicatorDirection::Decrease)
        };
        assert_eq!(indicator_status(&down, at(2023, "15")), OnTrack);
        assert_eq!(indicator_status(&down, at(2023, "21")), Deterioration);
        assert_eq!(indicator_status(&down, at(2024, "10")), Achieved);
    }
}
