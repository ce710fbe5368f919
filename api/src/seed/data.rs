//! The shape of the data files (see `data/README.md`), read with serde and checked before
//! anything is written: [`read`] reads every file once and collects every problem (the
//! syntax and shape of each file, placed by [`problems`]), [`check`] what the files must hold
//! beyond their shape, [`vocabulary`] the closed sets of values. `plan-api check` and the seed
//! run the same reading, so they agree on what is wrong.

mod check;
mod problems;
mod read;
mod texts;
pub mod vocabulary;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

pub use problems::{Problem, Problems};

/// Localized text as written in the data files: `title.es = "…"`.
pub type Text = BTreeMap<String, String>;

/// Everything loaded for one plan, plus the shared registry.
#[derive(Debug)]
pub struct Dataset {
    /// The organization registry (without municipalities).
    pub organizations: Vec<Organization>,
    /// The 36 municipalities from `municipalities.tsv`.
    pub municipalities: Vec<Municipality>,
    /// `plan.toml`.
    pub plan: PlanFile,
    /// `sections.toml`.
    pub sections: SectionsFile,
    /// `strategy.toml`.
    pub strategy: StrategyFile,
    /// `geography.toml`.
    pub geography: GeographyFile,
    /// `people.toml`.
    pub people: PeopleFile,
    /// `names.toml` (optional): organizations as this plan's text names them.
    pub names: NamesFile,
    /// `renames.toml` (optional): codes this plan's files changed on purpose.
    pub renames: RenamesFile,
    /// A hash of every file read, to skip a seed that would change nothing.
    pub content_hash: String,
}

/// `names.toml`: the names of organizations as this plan's text uses them, where the shared
/// registry (`organizations.toml`) now names them otherwise (an organization renamed after the
/// plan was approved keeps, in this plan, the name its text used).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamesFile {
    /// One entry per organization named otherwise.
    #[serde(default)]
    pub organizations: Vec<PlanName>,
}

/// An organization's name in one plan.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanName {
    /// The organization's code in the registry.
    pub code: String,
    /// Its name in this plan.
    pub name: Text,
    /// Its acronym in this plan, when it had one.
    pub acronym: Option<Text>,
}

/// `renames.toml`: items of this plan whose code changed on purpose. The seed moves what
/// monitoring records, reports and events say of the old code to the new one (and audits it),
/// instead of refusing to orphan them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenamesFile {
    /// One entry per changed code.
    #[serde(default)]
    pub renames: Vec<Rename>,
}

/// A code changed on purpose.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    /// `line`, `action` or `expected_result`.
    pub kind: String,
    /// The code as it was.
    pub from: String,
    /// The code as it is now.
    pub to: String,
}

/// `organizations.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationsFile {
    /// The registry.
    pub organizations: Vec<Organization>,
}

/// An organization of the registry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    pub code: String,
    pub kind: String,
    pub name: Text,
    pub acronym: Option<Text>,
    pub parent: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A row of `municipalities.tsv`.
#[derive(Debug, Clone)]
pub struct Municipality {
    pub ine_code: String,
    pub control_digit: String,
    pub name: String,
    pub comarca: String,
}

/// `plan.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub plan: Plan,
    pub key_figures: Vec<KeyFigure>,
    pub swot: Vec<SwotItem>,
    pub specific_objectives: Vec<SpecificObjective>,
    pub themes: Vec<Theme>,
    pub governance: Vec<Governance>,
    pub monitoring: Vec<Monitoring>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub code: String,
    pub current: bool,
    pub title: Text,
    pub short_title: Text,
    pub start_year: i32,
    pub end_year: i32,
    pub approved_on: toml::value::Datetime,
    pub approved_by: Text,
    pub approval_statement: Text,
    pub published: String,
    pub published_place: String,
    pub legal_deposit: String,
    pub copyright: String,
    pub publication_languages: Vec<String>,
    pub publication_note: Text,
    pub general_objective: Text,
    #[serde(default)]
    pub credits: Vec<Credit>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credit {
    pub role: Text,
    pub text: Text,
}

/// `sections.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionsFile {
    pub sections: Vec<Section>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub code: String,
    pub numeral: String,
    pub title: Text,
    pub body: Text,
    pub signature: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFigure {
    pub code: String,
    pub label: Text,
    pub value: String,
    pub unit: String,
    pub comparator: String,
    pub year: Option<i32>,
    pub section: String,
    pub sentence: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwotItem {
    pub kind: String,
    pub text: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecificObjective {
    pub code: String,
    pub number: i32,
    pub text: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub code: String,
    pub category: String,
    pub title: Text,
    #[serde(default)]
    pub subtopics: Vec<Text>,
    pub summary_label: Option<Text>,
    pub description: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Governance {
    pub code: String,
    pub title: Text,
    pub summary: Option<Text>,
    pub description: Text,
    #[serde(default)]
    pub organizations: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    pub code: String,
    pub kind: String,
    pub year: Option<i32>,
    pub text: Text,
}

/// `strategy.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyFile {
    pub strategic_lines: Vec<StrategicLine>,
    pub actions: Vec<Action>,
    pub expected_results: Vec<ExpectedResult>,
    pub forms_of_intervention: Vec<FormOfIntervention>,
    pub summary: Vec<SummaryRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategicLine {
    pub code: String,
    pub number: i32,
    pub title: Text,
    pub description: Text,
    #[serde(default)]
    pub scopes: Vec<Scope>,
    /// Lines of earlier plans this one continues (`PLAN/CODE`).
    #[serde(default)]
    pub continues: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    pub code: String,
    pub title: Text,
    pub description: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub code: String,
    pub line: String,
    pub scope: Option<String>,
    pub title: Text,
    pub responsible_text: Text,
    pub involved_text: Text,
    #[serde(default)]
    pub responsible: Vec<String>,
    #[serde(default)]
    pub involved: Vec<String>,
    /// Actions of earlier plans this one continues (`PLAN/CODE`).
    #[serde(default)]
    pub continues: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedResult {
    pub code: String,
    pub line: String,
    pub text: Text,
    /// Expected results of earlier plans this one continues (`PLAN/CODE`).
    #[serde(default)]
    pub continues: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormOfIntervention {
    pub code: String,
    pub letter: String,
    pub title: Text,
    pub description: Text,
    pub contributions: Vec<LineText>,
}

/// A text about one strategic line (a zone's or a form of intervention's).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineText {
    pub line: String,
    pub text: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryRow {
    pub line: String,
    pub zones_and_institutions: Text,
    pub actor_map: Text,
    pub concrete_actions: Vec<Text>,
}

/// `geography.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeographyFile {
    pub zones: Vec<Zone>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub code: String,
    pub name: Text,
    pub description: Text,
    pub partners_statement: Text,
    pub lines: Vec<LineText>,
    pub partners: Vec<Partner>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    pub name: Text,
    pub relation: String,
}

/// `people.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeopleFile {
    pub participants: Vec<Participant>,
    pub glossary: Vec<GlossaryEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub group: String,
    pub institution: Text,
    pub name: String,
    pub position: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryEntry {
    pub acronym: Text,
    pub meaning: Text,
    pub original: Option<String>,
}

/// The plans of `data_dir`: every folder holding a `plan.toml`, by folder name (the plan's
/// code), in name order.
pub fn plan_codes(data_dir: &Path) -> anyhow::Result<Vec<String>> {
    let entries = std::fs::read_dir(data_dir)
        .map_err(|e| anyhow::anyhow!("cannot read the data folder {}: {e}", data_dir.display()))?;
    let mut codes = Vec::new();
    for entry in entries {
        let entry = entry?;
        if entry.path().join("plan.toml").is_file() {
            codes.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    codes.sort();
    anyhow::ensure!(
        !codes.is_empty(),
        "{} holds no plan: a plan is a folder with a plan.toml",
        data_dir.display()
    );
    Ok(codes)
}

/// What `plan-api check` found in a data folder.
#[derive(Debug)]
pub struct Report {
    /// Every problem, sorted by file and position.
    pub problems: Vec<Problem>,
    /// How many plans (folders with a `plan.toml`) the folder holds.
    pub plans: usize,
    /// How many files were read.
    pub files: usize,
    /// Plans whose codes and links were not checked, because one of the files they need
    /// (theirs or the registry) did not read: fixing what is reported shows what else is wrong.
    pub unchecked: Vec<String>,
}

/// Reads and checks every plan of `data_dir` with the shared registry, without a database.
/// Fails only when the folder cannot be listed or holds no plan; every problem in the files is
/// in the report.
pub fn check_folder(data_dir: &Path) -> anyhow::Result<Report> {
    let codes = plan_codes(data_dir)?;
    let reading = read::read_plans(data_dir, &codes, true);
    Ok(Report {
        problems: reading.problems,
        plans: codes.len(),
        files: reading.files,
        unchecked: reading.unchecked,
    })
}

/// Reads and checks every plan of `data_dir` with the shared registry, and what plans say of
/// each other: exactly one is current, and what a plan continues exists in an earlier plan.
/// Nothing is loaded unless all of it holds: the error is [`Problems`], every problem found.
pub fn read_all(data_dir: &Path) -> anyhow::Result<Vec<Dataset>> {
    let codes = plan_codes(data_dir)?;
    let reading = read::read_plans(data_dir, &codes, true);
    if !reading.problems.is_empty() {
        return Err(Problems(reading.problems).into());
    }
    Ok(reading.datasets)
}

/// Reads and checks the registry and the plan in `data_dir/plan_code/` (alone: not what it
/// says of other plans).
pub fn read(data_dir: &Path, plan_code: &str) -> anyhow::Result<Dataset> {
    let reading = read::read_plans(data_dir, &[plan_code.to_owned()], false);
    if !reading.problems.is_empty() {
        return Err(Problems(reading.problems).into());
    }
    reading
        .datasets
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("{}: no plan {plan_code}", data_dir.display()))
}

/// FNV-1a: a stable, dependency-free hash; it only detects changes, it protects nothing.
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl Dataset {
    /// What this plan's items continue: `(kind, code, "PLAN/CODE")`.
    pub fn continuations(&self) -> impl Iterator<Item = (&'static str, &str, &str)> {
        let s = &self.strategy;
        let lines = s.strategic_lines.iter().flat_map(|l| {
            l.continues
                .iter()
                .map(move |c| ("line", l.code.as_str(), c.as_str()))
        });
        let actions = s.actions.iter().flat_map(|a| {
            a.continues
                .iter()
                .map(move |c| ("action", a.code.as_str(), c.as_str()))
        });
        let results = s.expected_results.iter().flat_map(|r| {
            r.continues
                .iter()
                .map(move |c| ("expected_result", r.code.as_str(), c.as_str()))
        });
        lines.chain(actions).chain(results)
    }

    /// What this plan's items continue, with the TOML path in `strategy.toml` of each:
    /// `(path, kind, code, "PLAN/CODE")`.
    fn continuation_paths(&self) -> impl Iterator<Item = (String, &'static str, &str, &str)> {
        fn each<'a, T>(
            list: &'static str,
            kind: &'static str,
            items: &'a [T],
            code_and_continues: impl Fn(&'a T) -> (&'a str, &'a [String]) + 'a,
        ) -> impl Iterator<Item = (String, &'static str, &'a str, &'a str)> {
            items.iter().enumerate().flat_map(move |(i, item)| {
                let (code, continues) = code_and_continues(item);
                continues.iter().enumerate().map(move |(j, target)| {
                    (
                        format!("{list}[{i}].continues[{j}]"),
                        kind,
                        code,
                        target.as_str(),
                    )
                })
            })
        }
        let s = &self.strategy;
        each("strategic_lines", "line", &s.strategic_lines, |l| {
            (l.code.as_str(), l.continues.as_slice())
        })
        .chain(each("actions", "action", &s.actions, |a| {
            (a.code.as_str(), a.continues.as_slice())
        }))
        .chain(each(
            "expected_results",
            "expected_result",
            &s.expected_results,
            |r| (r.code.as_str(), r.continues.as_slice()),
        ))
    }

    /// Whether this plan has an item of `kind` (`line`, `action`, `expected_result`) `code`.
    pub fn has(&self, kind: &str, code: &str) -> bool {
        let s = &self.strategy;
        match kind {
            "line" => s.strategic_lines.iter().any(|l| l.code == code),
            "action" => s.actions.iter().any(|a| a.code == code),
            "expected_result" => s.expected_results.iter().any(|r| r.code == code),
            _ => false,
        }
    }
}
