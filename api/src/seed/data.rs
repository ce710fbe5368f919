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
    /// A hash of every file read, to skip a seed that would change nothing.
    pub content_hash: String,
}

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
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedResult {
    pub code: String,
    pub line: String,
    pub text: Text,
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
    let dataset = Dataset {
        organizations: organizations.organizations,
        municipalities,
        plan,
        sections,
        strategy,
        geography,
        people,
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
