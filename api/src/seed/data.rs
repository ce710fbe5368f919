//! The shape of the data files (see `data/README.md`), read with serde and checked before
//! anything is written.
//!
//! Just over 600 lines, kept whole on purpose: each data file's shape sits next to the checks
//! of that shape, so a newcomer changing `data/` reads one file.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::i18n::Lang;

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

/// The kinds of item a rename or a continuation may name.
pub const RENAMABLE_KINDS: &[&str] = &["line", "action", "expected_result"];

/// `organizations.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationsFile {
    /// The registry.
    pub organizations: Vec<Organization>,
}

/// An organization of the registry.
#[derive(Debug, Deserialize)]
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
#[derive(Debug)]
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

/// Reads and checks every plan of `data_dir` with the shared registry, and what plans say of
/// each other: exactly one is current, and what a plan continues exists in an earlier plan.
/// Nothing is loaded unless all of it holds.
pub fn read_all(data_dir: &Path) -> anyhow::Result<Vec<Dataset>> {
    let mut plans = Vec::new();
    for code in plan_codes(data_dir)? {
        plans.push(read(data_dir, &code)?);
    }
    let current: Vec<String> = plans
        .iter()
        .filter(|d| d.plan.plan.current)
        .map(|d| {
            data_dir
                .join(&d.plan.plan.code)
                .join("plan.toml")
                .display()
                .to_string()
        })
        .collect();
    match current.len() {
        1 => {}
        0 => anyhow::bail!(
            "no plan is current: set `current = true` in the plan.toml of exactly one of {}",
            plans
                .iter()
                .map(|d| data_dir
                    .join(&d.plan.plan.code)
                    .join("plan.toml")
                    .display()
                    .to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => anyhow::bail!(
            "exactly one plan may be current, and {} say `current = true`: {}",
            current.len(),
            current.join(", ")
        ),
    }
    for d in &plans {
        for (kind, who, target) in d.continuations() {
            let (plan, code) = target.split_once('/').ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: {kind} {who} continues {target:?}, which is not PLAN/CODE",
                    d.plan.plan.code
                )
            })?;
            let earlier = plans
                .iter()
                .find(|p| p.plan.plan.code == plan)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "{}: {kind} {who} continues {target}: no plan {plan}",
                        d.plan.plan.code
                    )
                })?;
            anyhow::ensure!(
                earlier.plan.plan.start_year < d.plan.plan.start_year,
                "{}: {kind} {who} continues {target}, but {plan} does not start earlier",
                d.plan.plan.code
            );
            anyhow::ensure!(
                earlier.has(kind, code),
                "{}: {kind} {who} continues {target}: {plan} has no {kind} {code}",
                d.plan.plan.code
            );
        }
    }
    Ok(plans)
}

/// Reads and checks the registry and the plan in `data_dir/plan_code/`.
pub fn read(data_dir: &Path, plan_code: &str) -> anyhow::Result<Dataset> {
    let mut hasher = Fnv64::default();
    let mut read_text = |path: &Path| -> anyhow::Result<String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        hasher.write(
            path.file_name()
                .map(|n| n.as_encoded_bytes())
                .unwrap_or_default(),
        );
        hasher.write(text.as_bytes());
        Ok(text)
    };
    fn parse<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> anyhow::Result<T> {
        toml::from_str(text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }
    let orgs_path = data_dir.join("organizations.toml");
    let organizations: OrganizationsFile = parse(&orgs_path, &read_text(&orgs_path)?)?;
    let muni_path = data_dir.join("municipalities.tsv");
    let municipalities = parse_municipalities(&read_text(&muni_path)?)?;
    let dir = data_dir.join(plan_code);
    let p = dir.join("plan.toml");
    let plan: PlanFile = parse(&p, &read_text(&p)?)?;
    let p = dir.join("sections.toml");
    let sections: SectionsFile = parse(&p, &read_text(&p)?)?;
    let p = dir.join("strategy.toml");
    let strategy: StrategyFile = parse(&p, &read_text(&p)?)?;
    let p = dir.join("geography.toml");
    let geography: GeographyFile = parse(&p, &read_text(&p)?)?;
    let p = dir.join("people.toml");
    let people: PeopleFile = parse(&p, &read_text(&p)?)?;
    let p = dir.join("names.toml");
    let names: NamesFile = if p.is_file() {
        parse(&p, &read_text(&p)?)?
    } else {
        NamesFile::default()
    };
    let p = dir.join("renames.toml");
    let renames: RenamesFile = if p.is_file() {
        parse(&p, &read_text(&p)?)?
    } else {
        RenamesFile::default()
    };
    let dataset = Dataset {
        organizations: organizations.organizations,
        municipalities,
        plan,
        sections,
        strategy,
        geography,
        people,
        names,
        renames,
        content_hash: format!("{:016x}", hasher.0),
    };
    dataset.check(plan_code)?;
    Ok(dataset)
}

fn parse_municipalities(tsv: &str) -> anyhow::Result<Vec<Municipality>> {
    let mut out = Vec::new();
    for (n, line) in tsv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [ine, digit, name, comarca] = cols[..] else {
            anyhow::bail!("municipalities.tsv line {}: expected 4 columns", n + 1);
        };
        anyhow::ensure!(
            ine.len() == 5 && ine.bytes().all(|b| b.is_ascii_digit()),
            "municipalities.tsv line {}: bad INE code {ine:?}",
            n + 1
        );
        out.push(Municipality {
            ine_code: ine.to_owned(),
            control_digit: digit.to_owned(),
            name: name.to_owned(),
            comarca: comarca.to_owned(),
        });
    }
    Ok(out)
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

    /// Cross-checks codes and vocabularies so that a typo fails the seed with a clear message
    /// instead of loading a half-linked plan.
    fn check(&self, plan_code: &str) -> anyhow::Result<()> {
        use anyhow::ensure;
        ensure!(
            self.plan.plan.code == plan_code,
            "plan.toml has code {:?} but lives in folder {plan_code:?}",
            self.plan.plan.code
        );
        NaiveDate::parse_from_str(&self.plan.plan.approved_on.to_string(), "%Y-%m-%d")
            .map_err(|e| anyhow::anyhow!("plan.approved_on: {e}"))?;
        let mut orgs = HashSet::new();
        for o in &self.organizations {
            ensure!(
                orgs.insert(o.code.as_str()),
                "organization {} listed twice",
                o.code
            );
            ensure!(
                ORGANIZATION_KINDS.contains(&o.kind.as_str()),
                "organization {}: unknown kind {}",
                o.code,
                o.kind
            );
        }
        for acronym in self
            .organizations
            .iter()
            .filter_map(|o| o.acronym.as_ref())
            .chain(self.people.glossary.iter().map(|g| &g.acronym))
        {
            ensure!(
                acronym.contains_key("es"),
                "an acronym lacks its Spanish form: {acronym:?}"
            );
        }
        for m in &self.municipalities {
            ensure!(
                orgs.insert(m.ine_code.as_str()),
                "INE code {} clashes",
                m.ine_code
            );
        }
        for o in &self.organizations {
            if let Some(parent) = &o.parent {
                ensure!(
                    orgs.contains(parent.as_str()),
                    "{}: unknown parent {parent}",
                    o.code
                );
            }
        }
        let lines: HashSet<&str> = self
            .strategy
            .strategic_lines
            .iter()
            .map(|l| l.code.as_str())
            .collect();
        let scopes: HashSet<&str> = self
            .strategy
            .strategic_lines
            .iter()
            .flat_map(|l| l.scopes.iter().map(|s| s.code.as_str()))
            .collect();
        let line_refs = self
            .strategy
            .actions
            .iter()
            .map(|a| (&a.code, &a.line))
            .chain(
                self.strategy
                    .expected_results
                    .iter()
                    .map(|r| (&r.code, &r.line)),
            )
            .chain(self.strategy.summary.iter().map(|s| (&s.line, &s.line)))
            .chain(
                self.strategy
                    .forms_of_intervention
                    .iter()
                    .flat_map(|f| f.contributions.iter().map(move |c| (&f.code, &c.line))),
            )
            .chain(
                self.geography
                    .zones
                    .iter()
                    .flat_map(|z| z.lines.iter().map(move |l| (&z.code, &l.line))),
            );
        for (who, line) in line_refs {
            ensure!(
                lines.contains(line.as_str()),
                "{who}: unknown strategic line {line}"
            );
        }
        for a in &self.strategy.actions {
            if let Some(scope) = &a.scope {
                ensure!(
                    scopes.contains(scope.as_str()),
                    "{}: unknown scope {scope}",
                    a.code
                );
            }
            for org in a.responsible.iter().chain(&a.involved) {
                ensure!(
                    orgs.contains(org.as_str()),
                    "{}: unknown organization {org}",
                    a.code
                );
            }
        }
        for g in &self.plan.governance {
            for org in &g.organizations {
                ensure!(
                    orgs.contains(org.as_str()),
                    "{}: unknown organization {org}",
                    g.code
                );
            }
        }
        let vocab: [(&str, &[&str], Vec<&str>); 6] = [
            (
                "swot kind",
                &["STRENGTH", "WEAKNESS", "OPPORTUNITY", "THREAT"],
                self.plan.swot.iter().map(|s| s.kind.as_str()).collect(),
            ),
            (
                "theme category",
                &["OWN_COMPETENCE", "GROWING", "OTHER"],
                self.plan
                    .themes
                    .iter()
                    .map(|t| t.category.as_str())
                    .collect(),
            ),
            (
                "partner relation",
                &["PRIORITY", "TO_INTENSIFY", "TO_CONSOLIDATE"],
                self.geography
                    .zones
                    .iter()
                    .flat_map(|z| z.partners.iter().map(|p| p.relation.as_str()))
                    .collect(),
            ),
            (
                "participant group",
                &[
                    "AMB",
                    "OTHER_PUBLIC_ADMINISTRATIONS",
                    "PUBLIC_PRIVATE_INSTITUTIONS",
                ],
                self.people
                    .participants
                    .iter()
                    .map(|p| p.group.as_str())
                    .collect(),
            ),
            (
                "monitoring kind",
                &[
                    "ANNUAL_ACTIVITY_REPORT",
                    "MID_TERM_EVALUATION",
                    "FINAL_EVALUATION",
                ],
                self.plan
                    .monitoring
                    .iter()
                    .map(|m| m.kind.as_str())
                    .collect(),
            ),
            (
                "key figure comparator",
                &["EXACT", "MORE_THAN", "ABOUT"],
                self.plan
                    .key_figures
                    .iter()
                    .map(|k| k.comparator.as_str())
                    .collect(),
            ),
        ];
        for (what, allowed, used) in vocab {
            for value in used {
                ensure!(allowed.contains(&value), "unknown {what} {value}");
            }
        }
        for k in &self.plan.key_figures {
            ensure!(
                k.value.parse::<rust_decimal::Decimal>().is_ok(),
                "key figure {}: value {:?} is not a decimal",
                k.code,
                k.value
            );
        }
        for code in self.plan.plan.publication_languages.iter() {
            ensure!(Lang::from_tag(code).is_some(), "unknown language {code}");
        }
        let mut named = HashSet::new();
        for n in &self.names.organizations {
            ensure!(
                orgs.contains(n.code.as_str()),
                "names.toml: unknown organization {}",
                n.code
            );
            ensure!(
                named.insert(n.code.as_str()),
                "names.toml: organization {} named twice",
                n.code
            );
        }
        for r in &self.renames.renames {
            ensure!(
                RENAMABLE_KINDS.contains(&r.kind.as_str()),
                "renames.toml: unknown kind {:?} (line, action or expected_result)",
                r.kind
            );
            ensure!(
                self.has(&r.kind, &r.to),
                "renames.toml: {} {} is renamed to {}, which this plan has no {} of",
                r.kind,
                r.from,
                r.to,
                r.kind
            );
            ensure!(
                !self.has(&r.kind, &r.from),
                "renames.toml: {} {} is renamed to {}, but this plan still has {}",
                r.kind,
                r.from,
                r.to,
                r.from
            );
        }
        Ok(())
    }
}

/// The kinds an organization can have.
pub const ORGANIZATION_KINDS: &[&str] = &[
    "AMB_BODY",
    "AMB_AREA",
    "AMB_SERVICE",
    "MUNICIPALITY",
    "NETWORK",
    "EU_BODY",
    "UN_BODY",
    "MULTILATERAL",
    "RESEARCH",
    "GOVERNMENT",
    "ECONOMIC",
    "CIVIL_SOCIETY",
    "GROUP",
];
