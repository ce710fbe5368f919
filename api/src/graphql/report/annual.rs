//! The annual activity report of a year: computed from published records, or frozen once
//! published.

use crate::graphql::text_object;
use async_graphql::Object;
use entity::annual_report;

use crate::graphql::monitoring::{IndicatorStatus, ProgressStatus};
use crate::graphql::scalars::{Date, DateTime, Decimal};
use crate::monitoring::report::{self, AnnualReport};

/// The annual activity report of a year.
pub struct AnnualReportView {
    pub(super) report: AnnualReport,
    pub(super) published: Option<(chrono::DateTime<chrono::Utc>, String)>,
}

impl AnnualReportView {
    /// A published report.
    pub(crate) fn frozen(report: AnnualReport, stored: annual_report::Model) -> Self {
        Self {
            report,
            published: Some((stored.published_at, stored.published_by)),
        }
    }
}

/// The annual activity report of a year, per strategic line, from published records. Once
/// published it is frozen: later edits never change it.
#[Object(name = "AnnualReport")]
impl AnnualReportView {
    /// The year.
    async fn year(&self) -> i32 {
        self.report.year
    }
    /// The plan's code.
    async fn plan_code(&self) -> &str {
        &self.report.plan_code
    }
    /// Whether this is the published, frozen report (false: assembled now from published
    /// records, and will change as records are published).
    async fn published(&self) -> bool {
        self.published.is_some()
    }
    /// When it was published.
    async fn published_at(&self) -> Option<DateTime> {
        self.published.as_ref().map(|(at, _)| DateTime(*at))
    }
    /// Per strategic line.
    #[graphql(complexity = "10 * child_complexity")]
    async fn strategic_lines(&self) -> Vec<ReportLineView<'_>> {
        self.report.lines.iter().map(ReportLineView).collect()
    }
    /// Every activity of the year.
    #[graphql(complexity = "10 * child_complexity")]
    async fn activities(&self) -> Vec<ReportActivityView<'_>> {
        self.report
            .activities
            .iter()
            .map(ReportActivityView)
            .collect()
    }
    /// Every funded project active in the year.
    #[graphql(complexity = "10 * child_complexity")]
    async fn funded_projects(&self) -> Vec<ReportProjectView<'_>> {
        self.report
            .funded_projects
            .iter()
            .map(ReportProjectView)
            .collect()
    }
    /// Contributions by municipality.
    #[graphql(complexity = "10 * child_complexity")]
    async fn municipalities(&self) -> Vec<MunicipalityContributionView<'_>> {
        self.report
            .municipalities
            .iter()
            .map(MunicipalityContributionView)
            .collect()
    }
}

/// A strategic line in the annual report.
pub struct ReportLineView<'a>(&'a report::ReportLine);

text_object! {
    /// A strategic line in the annual report.
    #[texts = 0]
    #[Object(name = "AnnualReportLine")]
    impl ReportLineView<'_> {
        /// Line code.
        async fn code(&self) -> &str {
            &self.0.code
        }
        /// Line title.
        text title;
        /// The line's actions with the year's progress.
        #[graphql(complexity = "10 * child_complexity")]
        async fn actions(&self) -> Vec<ReportActionView<'_>> {
            self.0.actions.iter().map(ReportActionView).collect()
        }
        /// Activities of the year carrying out the line's actions.
        #[graphql(complexity = "10 * child_complexity")]
        async fn activities(&self) -> Vec<ReportActivityView<'_>> {
            self.0.activities.iter().map(ReportActivityView).collect()
        }
        /// Funded projects active in the year serving the line's actions.
        #[graphql(complexity = "10 * child_complexity")]
        async fn funded_projects(&self) -> Vec<ReportProjectView<'_>> {
            self.0
                .funded_projects
                .iter()
                .map(ReportProjectView)
                .collect()
        }
        /// Indicators of the line with the year's values.
        #[graphql(complexity = "10 * child_complexity")]
        async fn indicators(&self) -> Vec<ReportIndicatorView<'_>> {
            self.0.indicators.iter().map(ReportIndicatorView).collect()
        }
    }
}

/// An action in the annual report.
pub struct ReportActionView<'a>(&'a report::ReportAction);

text_object! {
    /// An action in the annual report.
    #[texts = 0]
    #[Object(name = "AnnualReportAction")]
    impl ReportActionView<'_> {
        /// Action code.
        async fn code(&self) -> &str {
            &self.0.code
        }
        /// Action title.
        text title;
        /// Status reported for the year, if any.
        async fn status(&self) -> Option<ProgressStatus> {
            self.0.status
        }
        /// Percent complete reported for the year.
        async fn percent_complete(&self) -> Option<i32> {
            self.0.percent_complete
        }
        /// Narrative of the year.
        text? narrative;
    }
}

/// An activity in the annual report.
pub struct ReportActivityView<'a>(&'a report::ReportActivity);

text_object! {
    /// An activity in the annual report.
    #[texts = 0]
    #[Object(name = "AnnualReportActivity")]
    impl ReportActivityView<'_> {
        /// Kind.
        async fn kind(&self) -> crate::graphql::monitoring::ActivityKind {
            self.0.kind
        }
        /// Title.
        text title;
        /// Summary.
        text summary;
        /// First day.
        async fn start_date(&self) -> Date {
            Date(self.0.start_date)
        }
        /// Last day.
        async fn end_date(&self) -> Option<Date> {
            self.0.end_date.map(Date)
        }
        /// Where.
        async fn place(&self) -> Option<&str> {
            self.0.place.as_deref()
        }
        /// INE codes of the municipalities involved.
        async fn municipalities(&self) -> &[String] {
            &self.0.municipalities
        }
        /// Whether it is synthetic demonstration data.
        async fn synthetic(&self) -> bool {
            self.0.synthetic
        }
    }
}

/// A funded project in the annual report.
pub struct ReportProjectView<'a>(&'a report::ReportProject);

text_object! {
    /// A funded project in the annual report.
    #[texts = 0]
    #[Object(name = "AnnualReportProject")]
    impl ReportProjectView<'_> {
        /// Title.
        text title;
        /// Programme.
        async fn programme(&self) -> crate::graphql::monitoring::FundingProgramme {
            self.0.programme
        }
        /// The AMB's role.
        async fn role(&self) -> crate::graphql::monitoring::ProjectRole {
            self.0.role
        }
        /// Total budget, EUR.
        async fn total_budget(&self) -> Decimal {
            Decimal(self.0.total_budget)
        }
        /// Grant, EUR.
        async fn grant_amount(&self) -> Decimal {
            Decimal(self.0.grant_amount)
        }
        /// Status.
        async fn status(&self) -> crate::graphql::monitoring::ProjectStatus {
            self.0.status
        }
        /// Whether it continued after EU funding.
        async fn continued_after_funding(&self) -> Option<bool> {
            self.0.continued_after_funding
        }
        /// INE codes of the participating municipalities.
        async fn municipalities(&self) -> &[String] {
            &self.0.municipalities
        }
        /// Whether it is synthetic demonstration data.
        async fn synthetic(&self) -> bool {
            self.0.synthetic
        }
    }
}

/// An indicator in the annual report.
pub struct ReportIndicatorView<'a>(&'a report::ReportIndicator);

text_object! {
    /// An indicator in the annual report.
    #[texts = 0]
    #[Object(name = "AnnualReportIndicator")]
    impl ReportIndicatorView<'_> {
        /// Code.
        async fn code(&self) -> &str {
            &self.0.code
        }
        /// Name.
        text name;
        /// Unit.
        async fn unit(&self) -> &str {
            &self.0.unit
        }
        /// The year's published value.
        async fn value(&self) -> Option<Decimal> {
            self.0.value.map(Decimal)
        }
        /// Status as of the year.
        async fn status(&self) -> IndicatorStatus {
            self.0.status
        }
    }
}

/// What a municipality contributed in the year.
pub struct MunicipalityContributionView<'a>(&'a report::MunicipalityContribution);

/// What a municipality contributed in the year.
#[Object(name = "MunicipalityContribution")]
impl MunicipalityContributionView<'_> {
    /// INE code.
    async fn ine_code(&self) -> &str {
        &self.0.ine_code
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Activities of the year involving it.
    async fn activities(&self) -> u64 {
        self.0.activities as u64
    }
    /// Funded projects active in the year in which it participates.
    async fn funded_projects(&self) -> u64 {
        self.0.funded_projects as u64
    }
}
