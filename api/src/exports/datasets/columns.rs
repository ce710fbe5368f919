//! Every download as one table: each column's name, what it holds and how its cell is read from
//! a row, side by side. The header row, the JSON `columns`, the data package's Table Schemas
//! ([`crate::exports::datapackage`]) and every row's cells all come from the same entries, so a
//! column cannot be added, removed or moved in one of them and not in the others; the sink still
//! checks every cell against its column (see [`Column::holds`]).
//!
//! `required` and `unique` are stated only where the data guarantees them: a unique index, a
//! foreign key, a validation that refuses the record without it, or a value written for every
//! row.

use entity::monitoring_record;
use entity::{action, expected_result, line_scope, organization, strategic_line};
use rust_decimal::Decimal;

use super::Dataset;
use crate::exports::table::{Cell, Column, Kind};
use crate::i18n::{Lang, pick};
use crate::monitoring::report::{self, ReportAction, ReportLine};
use crate::monitoring::{
    ActivityKind, ActivityPayload, EvaluationKind, EvaluationPayload, EvaluationStatus,
    FundedProjectPayload, FundingProgramme, IndicatorDirection, IndicatorPayload, IndicatorStatus,
    MeasurementPayload, ProgressPayload, ProgressStatus, ProjectRole, ProjectStatus,
};

/// A download's columns in order, each with the function that reads its cell from a row `R`.
pub(super) type Table<'t, R> = &'t [(Column, fn(&R) -> Cell)];

/// The [`Table`] of a monitoring download, for rows that borrow anything: the lifetime is
/// inside the `fn` pointer, so the rows may borrow pages read after the table was chosen.
pub(super) type RecTable<'t, P, X> = &'t [(Column, fn(&Rec<'_, P, X>) -> Cell)];

/// Declares a download's [`Table`]:
///
/// ```text
/// columns! { /// doc
///     NAME: RowType = |r| {
///         "name" Kind flags… => cell,
///     }
/// }
/// ```
///
/// Each line is one column: its name (the CSV header and the JSON key), its [`Kind`]
/// (`OneOf(NAMES)` with its set of values), any of the [`Column`] builders `required`, `unique`
/// and `key`, and after `=>` the expression that reads the column's cell from the row `r`. The
/// constant is a `&[(Column, fn(&RowType) -> Cell)]`, so a `'_` in `RowType` stands for any
/// lifetime, as in any `fn` pointer.
///
/// `|r| record { … }` declares a monitoring download (rows of [`Rec`]): its columns are the
/// record's `id` (the key), then those listed, then `synthetic` and `published_at`, which
/// every monitoring download ends with.
macro_rules! columns {
    (@ $r:ident [$($entry:expr),*]) => { [$($entry),*] };
    (@ $r:ident record [$($entry:expr),*]) => {[
        (Column::new("id", Kind::Code).key(), |$r| Cell::text(&$r.m.public_id)),
        $($entry,)*
        (Column::new("synthetic", Kind::Bool).required(), |$r| Cell::Bool($r.m.synthetic)),
        // A published record always has that date.
        (Column::new("published_at", Kind::DateTime).required(), |$r| published_at($r.m)),
    ]};
    ($(
        $(#[$doc:meta])* $name:ident: $row:ty = |$r:ident| $($record:ident)? {
            $($col:literal $kind:ident $(($set:expr))? $($flag:ident)* => $cell:expr,)*
        }
    )*) => {$(
        $(#[$doc])*
        pub(super) const $name: &[(Column, fn(&$row) -> Cell)] = &columns!(@ $r $($record)? [$(
            (Column::new($col, Kind::$kind $(($set))?)$(.$flag())*, |$r| $cell)
        ),*]);
    )*};
}

/// A row of a monitoring download: a published record, its payload, what the download looked
/// up for it (`x`), and the language of its texts.
pub(super) struct Rec<'a, P, X = ()> {
    pub(super) m: &'a monitoring_record::Model,
    pub(super) p: &'a P,
    pub(super) x: X,
    pub(super) lang: Lang,
}

/// A row of a content download: the item, what the download looked up beside it (`x`), and
/// the language of its texts.
pub(super) struct Row<'a, T, X = ()> {
    pub(super) it: &'a T,
    pub(super) x: X,
    pub(super) lang: Lang,
}

impl<P, X> Rec<'_, P, X> {
    fn t(&self, text: &entity::I18n) -> Cell {
        Cell::Text(pick(text, self.lang))
    }
}

impl<T, X> Row<'_, T, X> {
    fn t(&self, text: &entity::I18n) -> Cell {
        Cell::Text(pick(text, self.lang))
    }
}

/// What an action's row reads beside the action: its line and scope, and the organizations
/// responsible for it and involved in it, in order.
pub(super) struct ActionLinks<'a> {
    pub(super) line: Option<&'a strategic_line::Model>,
    pub(super) scope: Option<&'a line_scope::Model>,
    pub(super) responsible: Vec<&'a organization::Model>,
    pub(super) involved: Vec<&'a organization::Model>,
}

fn codes(orgs: &[&organization::Model]) -> Cell {
    Cell::List(orgs.iter().map(|o| o.code.clone()).collect())
}

fn names(orgs: &[&organization::Model], lang: Lang) -> Cell {
    Cell::List(orgs.iter().map(|o| pick(&o.name, lang)).collect())
}

fn int(n: impl Into<i64>) -> Cell {
    Cell::Int(n.into())
}

fn decimal(d: Decimal) -> Cell {
    Cell::Decimal(d.normalize().to_string())
}

fn date(d: Option<chrono::NaiveDate>) -> Cell {
    Cell::opt(d.map(|d| d.to_string()))
}

/// A record's reporting year (a record may have none).
fn year(m: &monitoring_record::Model) -> Cell {
    m.year.map_or(Cell::Null, int)
}

/// When a record was published, RFC 3339.
fn published_at(m: &monitoring_record::Model) -> Cell {
    Cell::opt(m.published_at.map(|t| t.to_rfc3339()))
}

columns! {
    /// `actions`.
    ACTIONS: Row<'_, action::Model, ActionLinks<'_>> = |r| {
        "code" Code key => Cell::text(&r.it.code),
        "strategic_line_code" Code required => Cell::opt(r.x.line.map(|l| l.code.clone())),
        "strategic_line_title" Text required => Cell::opt(r.x.line.map(|l| pick(&l.title, r.lang))),
        "scope_code" Code => Cell::opt(r.x.scope.map(|s| s.code.clone())),
        "scope_title" Text => Cell::opt(r.x.scope.map(|s| pick(&s.title, r.lang))),
        "title" Text required => r.t(&r.it.title),
        "responsible_codes" List => codes(&r.x.responsible),
        "responsible_names" List => names(&r.x.responsible, r.lang),
        "involved_codes" List => codes(&r.x.involved),
        "involved_names" List => names(&r.x.involved, r.lang),
        "responsible_text" Text => r.t(&r.it.responsible_text),
        "involved_text" Text => r.t(&r.it.involved_text),
    }

    /// `organizations`, beside the code of each one's parent.
    ORGANIZATIONS: Row<'_, organization::Model, Option<&str>> = |r| {
        "code" Code key => Cell::text(&r.it.code),
        "kind" Code required => Cell::text(&r.it.kind),
        "name" Text required => r.t(&r.it.name),
        "acronym" Text => Cell::opt(
            r.it.acronym_i18n.as_ref().map(|a| pick(a, r.lang)).or_else(|| r.it.acronym.clone())
        ),
        "parent_code" Code => Cell::opt(r.x),
        "ine_code" Code => Cell::opt(r.it.ine_code.as_deref()),
        "comarca" Text => Cell::opt(r.it.comarca.as_deref()),
    }

    /// `municipalities`, beside the codes of the actions that involve each one.
    MUNICIPALITIES: Row<'_, organization::Model, Vec<String>> = |r| {
        "ine_code" Code key => Cell::text(r.it.ine_code.as_deref().unwrap_or(&r.it.code)),
        "code" Code required unique => Cell::text(&r.it.code),
        "name" Text required => r.t(&r.it.name),
        "comarca" Text => Cell::opt(r.it.comarca.as_deref()),
        "action_count" Integer required => int(r.x.len() as i64),
        "action_codes" List => Cell::List(r.x.clone()),
    }

    /// `expected-results`, beside the code of each one's line.
    EXPECTED_RESULTS: Row<'_, expected_result::Model, Option<&str>> = |r| {
        "code" Code key => Cell::text(&r.it.code),
        "strategic_line_code" Code required => Cell::opt(r.x),
        "text" Text required => r.t(&r.it.text),
    }

    /// `progress-updates`, beside the title of each one's action.
    PROGRESS_UPDATES: Rec<'_, ProgressPayload, Option<&entity::I18n>> = |r| record {
        "year" Year => year(r.m),
        "action_code" Code required => Cell::text(&r.p.action),
        "action_title" Text => Cell::opt(r.x.map(|a| pick(a, r.lang))),
        "status" OneOf(ProgressStatus::NAMES) required => Cell::text(r.p.status.as_str()),
        "percent_complete" Percent required => int(r.p.percent_complete),
        "narrative" Text => r.t(&r.p.narrative),
        "evidence_links" List => Cell::List(r.p.evidence_links.clone()),
    }

    /// `activities`.
    ACTIVITIES: Rec<'_, ActivityPayload> = |r| record {
        "year" Year => year(r.m),
        "kind" OneOf(ActivityKind::NAMES) required => Cell::text(r.p.kind.as_str()),
        "title" Text required => r.t(&r.p.title),
        "summary" Text => r.t(&r.p.summary),
        "start_date" Date required => date(Some(r.p.start_date)),
        "end_date" Date => date(r.p.end_date),
        "place" Text => Cell::opt(r.p.place.clone()),
        "action_codes" List => Cell::List(r.p.actions.clone()),
        "zone_codes" List => Cell::List(r.p.zones.clone()),
        "partner_codes" List => Cell::List(r.p.partners.clone()),
        "organization_codes" List => Cell::List(r.p.organizations.clone()),
        "municipality_ine_codes" List => Cell::List(r.p.municipalities.clone()),
        "links" List => Cell::List(r.p.links.clone()),
    }

    /// `funded-projects`.
    FUNDED_PROJECTS: Rec<'_, FundedProjectPayload> = |r| record {
        "year" Year => year(r.m),
        "programme" OneOf(FundingProgramme::NAMES) required => Cell::text(r.p.programme.as_str()),
        "role" OneOf(ProjectRole::NAMES) required => Cell::text(r.p.role.as_str()),
        "title" Text required => r.t(&r.p.title),
        "summary" Text => r.t(&r.p.summary),
        "total_budget_eur" Decimal required => decimal(r.p.total_budget),
        "grant_amount_eur" Decimal required => decimal(r.p.grant_amount),
        "start_date" Date required => date(Some(r.p.start_date)),
        "end_date" Date => date(r.p.end_date),
        "status" OneOf(ProjectStatus::NAMES) required => Cell::text(r.p.status.as_str()),
        "continued_after_funding" Bool =>
            r.p.continued_after_funding.map_or(Cell::Null, Cell::Bool),
        "action_codes" List => Cell::List(r.p.actions.clone()),
        "municipality_ine_codes" List => Cell::List(r.p.municipalities.clone()),
        "links" List => Cell::List(r.p.links.clone()),
    }

    /// `indicators`, beside each one's latest published measurement: `(year, value)`.
    INDICATORS: Rec<'_, IndicatorPayload, Option<(i32, Decimal)>> = |r| record {
        "code" Code unique => Cell::opt(r.m.code.as_deref()),
        "name" Text required => r.t(&r.p.name),
        "unit" Text required => Cell::text(&r.p.unit),
        "expected_result_code" Code => Cell::opt(r.p.expected_result.as_deref()),
        "action_code" Code => Cell::opt(r.p.action.as_deref()),
        "baseline_value" Decimal required => decimal(r.p.baseline_value),
        "baseline_year" Year required => int(r.p.baseline_year),
        "target_value" Decimal required => decimal(r.p.target_value),
        "target_year" Year required => int(r.p.target_year),
        "direction" OneOf(IndicatorDirection::NAMES) required => Cell::text(r.p.direction.as_str()),
        "latest_value" Decimal => r.x.map_or(Cell::Null, |(_, v)| decimal(v)),
        "latest_year" Year => r.x.map_or(Cell::Null, |(y, _)| int(y)),
        "status" OneOf(IndicatorStatus::NAMES) required =>
            Cell::text(report::indicator_status(r.p, r.x).as_str()),
    }

    /// `measurements`, beside the public id and code of each one's indicator (when that is
    /// published: an indicator that is not is not named).
    MEASUREMENTS: Rec<'_, MeasurementPayload, Option<&(String, Option<String>)>> = |r| record {
        "indicator_id" Code => Cell::opt(r.x.map(|i| i.0.clone())),
        "indicator_code" Code => Cell::opt(r.x.and_then(|i| i.1.clone())),
        "year" Year => year(r.m),
        "value" Decimal required => decimal(r.p.value),
        "source" Text required => Cell::text(&r.p.source),
        "notes" Text => r.t(&r.p.notes),
    }

    /// `evaluations`.
    EVALUATIONS: Rec<'_, EvaluationPayload> = |r| record {
        "kind" OneOf(EvaluationKind::NAMES) required => Cell::text(r.p.kind.as_str()),
        "year" Year => year(r.m),
        "status" OneOf(EvaluationStatus::NAMES) required => Cell::text(r.p.status.as_str()),
        "start_date" Date => date(r.p.start_date),
        "end_date" Date => date(r.p.end_date),
        "summary" Text => r.t(&r.p.summary),
        "findings" Text => r.t(&r.p.findings),
        "recommendations" Text => r.t(&r.p.recommendations),
        "document_link" Text => Cell::opt(r.p.document_link.clone()),
    }

    /// `annual-report-{year}`: one row per action, beside the year and the action's line, so
    /// the year and the action code are its key.
    ANNUAL_REPORT: Row<'_, ReportAction, (i32, &ReportLine)> = |r| {
        "year" Year key => int(r.x.0),
        "strategic_line_code" Code required => Cell::text(&r.x.1.code),
        "strategic_line_title" Text required => r.t(&r.x.1.title),
        "action_code" Code key => Cell::text(&r.it.code),
        "action_title" Text required => r.t(&r.it.title),
        "status" OneOf(ProgressStatus::NAMES) => Cell::opt(r.it.status.map(|s| s.as_str())),
        "percent_complete" Percent => r.it.percent_complete.map_or(Cell::Null, int),
        "narrative" Text => r.it.narrative.as_ref().map_or(Cell::Null, |n| r.t(n)),
        "line_activities" Integer required => int(r.x.1.activities.len() as i64),
        "line_funded_projects" Integer required => int(r.x.1.funded_projects.len() as i64),
        "line_indicators" Integer required => int(r.x.1.indicators.len() as i64),
    }
}

/// The columns of `table`, in order.
pub(super) fn heads<R>(table: Table<'_, R>) -> Vec<Column> {
    table.iter().map(|(column, _)| *column).collect()
}

/// The cells of `row`, one per column of `table`.
pub(super) fn cells<R>(table: Table<'_, R>, row: &R) -> Vec<Cell> {
    table.iter().map(|(_, cell)| cell(row)).collect()
}

impl Dataset {
    /// The download's columns, in order.
    pub fn columns(self) -> Vec<Column> {
        match self {
            Dataset::Actions => heads(ACTIONS),
            Dataset::Organizations => heads(ORGANIZATIONS),
            Dataset::Municipalities => heads(MUNICIPALITIES),
            Dataset::ExpectedResults => heads(EXPECTED_RESULTS),
            Dataset::ProgressUpdates => heads(PROGRESS_UPDATES),
            Dataset::Activities => heads(ACTIVITIES),
            Dataset::FundedProjects => heads(FUNDED_PROJECTS),
            Dataset::Indicators => heads(INDICATORS),
            Dataset::Measurements => heads(MEASUREMENTS),
            Dataset::Evaluations => heads(EVALUATIONS),
            Dataset::AnnualReport(_) => heads(ANNUAL_REPORT),
        }
    }
}
