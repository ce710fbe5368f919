//! What the data files must hold beyond their shape: codes unique, links to items that
//! exist, texts in the four languages, values from their vocabularies, dates that are dates,
//! one current plan, continuations of earlier plans' items. Each problem is filed where it is,
//! so that a typo fails `plan-api check` and the seed with every problem listed, instead of
//! loading a half-linked plan.

use std::collections::{HashMap, HashSet};

mod plan;
mod strategy;

pub(super) use plan::plan;

use super::problems::At;
use super::read::Reader;
use super::texts::{self, Texts};
use super::vocabulary::{LANGUAGES, ORGANIZATION_KINDS, Shape, Vocabulary};
use super::{Dataset, Municipality, Organization};

/// Where the shared files are among the files read.
pub(super) struct Files {
    pub organizations: usize,
    pub municipalities: usize,
}

/// Where one plan's files are among the files read.
#[derive(Clone)]
pub(super) struct PlanFiles {
    pub plan: usize,
    pub sections: usize,
    pub strategy: usize,
    pub geography: usize,
    pub people: usize,
    pub names: Option<usize>,
    pub renames: Option<usize>,
}

impl Reader {
    fn at(&mut self, file: usize, path: impl Into<String>, message: String) {
        self.problem(file, At::Toml(path.into()), message);
    }

    /// Files a problem for every text of `texts` without the four languages, or with a key
    /// that is not one of them.
    fn texts(&mut self, file: usize, texts: Texts<'_>) {
        for (path, text) in texts.0 {
            let field = path.rsplit('.').next().unwrap_or(&path).to_owned();
            let missing: Vec<&str> = LANGUAGES
                .values
                .iter()
                .copied()
                .filter(|l| !text.contains_key(*l))
                .collect();
            if !missing.is_empty() {
                self.at(
                    file,
                    path.clone(),
                    format!(
                        "{field} has no {} text (every text has es, ca, en and fr)",
                        missing.join(", ")
                    ),
                );
            }
            for key in text.keys().filter(|k| !LANGUAGES.allows(k)) {
                self.at(
                    file,
                    format!("{path}.{key}"),
                    format!("{field}.{key}: unknown language (every text has es, ca, en and fr)"),
                );
            }
        }
    }

    /// Files a problem for each value of `values` outside `vocabulary`.
    fn vocabulary<'v>(
        &mut self,
        file: usize,
        vocabulary: &Vocabulary,
        values: impl IntoIterator<Item = (String, &'v str)>,
    ) {
        for (path, value) in values {
            if let Some(message) = vocabulary.problem(value) {
                self.at(file, path, message);
            }
        }
    }

    /// Files a problem for each code of `codes` without the shape `shape`, and for each seen
    /// before (naming the line of the first).
    fn unique<'c>(
        &mut self,
        file: usize,
        what: &str,
        shape: Shape,
        codes: impl IntoIterator<Item = (String, &'c str)>,
    ) {
        let mut first: HashMap<&str, String> = HashMap::new();
        for (path, code) in codes {
            if !shape.fits(code) {
                let message = format!("{what} code {code:?}: {}", shape.describe());
                self.at(file, path.clone(), message);
            }
            match first.get(code) {
                Some(earlier) => {
                    let (line, _) = self.line_of(file, earlier);
                    self.at(
                        file,
                        path,
                        format!("{what} {code} is listed twice (first on line {line})"),
                    );
                }
                None => {
                    first.insert(code, path);
                }
            }
        }
    }

    fn line_of(&self, file: usize, path: &str) -> (usize, usize) {
        let placed = super::problems::place(
            &self.sources,
            vec![super::problems::Pending {
                file,
                at: At::Toml(path.to_owned()),
                message: String::new(),
            }],
        );
        placed.first().map_or((1, 1), |p| (p.line, p.column))
    }
}

/// The registry: organizations and municipalities, shared by every plan.
pub(super) fn registry(
    r: &mut Reader,
    files: &Files,
    orgs: &[Organization],
    munis: &[(usize, Municipality)],
) {
    let f = files.organizations;
    r.unique(
        f,
        "organization",
        Shape::Code,
        orgs.iter()
            .enumerate()
            .map(|(i, o)| (format!("organizations[{i}].code"), o.code.as_str())),
    );
    r.vocabulary(
        f,
        &ORGANIZATION_KINDS,
        orgs.iter()
            .enumerate()
            .map(|(i, o)| (format!("organizations[{i}].kind"), o.kind.as_str())),
    );
    let codes: HashSet<&str> = orgs
        .iter()
        .map(|o| o.code.as_str())
        .chain(munis.iter().map(|(_, m)| m.ine_code.as_str()))
        .collect();
    for (i, o) in orgs.iter().enumerate() {
        if let Some(parent) = o.parent.as_deref().filter(|p| !codes.contains(p)) {
            r.at(
                f,
                format!("organizations[{i}].parent"),
                format!("organization {}: unknown parent {parent}", o.code),
            );
        }
    }
    r.texts(f, texts::organizations(orgs));
    let orgs: HashSet<&str> = orgs.iter().map(|o| o.code.as_str()).collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (line, m) in munis {
        let at = At::Line(*line, 1);
        if let Some(first) = seen.insert(&m.ine_code, *line) {
            let message = format!(
                "INE code {} is listed twice (first on line {first})",
                m.ine_code
            );
            r.problem(files.municipalities, at, message);
        } else if orgs.contains(m.ine_code.as_str()) {
            let message = format!(
                "INE code {} is also an organization's code in organizations.toml",
                m.ine_code
            );
            r.problem(files.municipalities, at, message);
        }
    }
}

/// `(path, value)` of field `field` of every item of the list `list`.
fn enumerate<'a, T>(
    list: &str,
    field: &str,
    items: &'a [T],
    value: impl Fn(&'a T) -> &'a String,
) -> Vec<(String, &'a str)> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| (format!("{list}[{i}].{field}"), value(item).as_str()))
        .collect()
}

/// What plans say of each other: exactly one is current; what a plan continues is an item of
/// a plan that starts earlier.
pub(super) fn across(r: &mut Reader, plans: &[(PlanFiles, Dataset)]) {
    let current: Vec<&(PlanFiles, Dataset)> =
        plans.iter().filter(|(_, d)| d.plan.plan.current).collect();
    // The plan.toml files of `some`, for the message.
    let shown = |some: &[&(PlanFiles, Dataset)]| {
        some.iter()
            .map(|(f, _)| r.sources[f.plan].path.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let message = match current.len() {
        1 => None,
        0 => Some(format!(
            "no plan is current: set `current = true` in the plan.toml of exactly one of {}",
            shown(&plans.iter().collect::<Vec<_>>())
        )),
        n => Some(format!(
            "exactly one plan may be current, and {n} say `current = true`: {}",
            shown(&current)
        )),
    };
    if let Some(message) = message {
        let pointed = if current.is_empty() {
            plans.iter().collect()
        } else {
            current
        };
        for (files, _) in pointed {
            r.at(files.plan, "plan.current", message.clone());
        }
    }
    for (files, d) in plans {
        for (path, kind, who, target) in d.continuation_paths() {
            let problem = match target.split_once('/') {
                None => Some(format!(
                    "{kind} {who} continues {target:?}, which is not PLAN/CODE"
                )),
                Some((plan, code)) => match plans.iter().find(|(_, p)| p.plan.plan.code == plan) {
                    None => Some(format!("{kind} {who} continues {target}: no plan {plan}")),
                    Some((_, earlier))
                        if earlier.plan.plan.start_year >= d.plan.plan.start_year =>
                    {
                        Some(format!(
                            "{kind} {who} continues {target}, but {plan} does not start earlier"
                        ))
                    }
                    Some((_, earlier)) if !earlier.has(kind, code) => Some(format!(
                        "{kind} {who} continues {target}: {plan} has no {kind} {code}"
                    )),
                    Some(_) => None,
                },
            };
            if let Some(message) = problem {
                r.at(files.strategy, path, message);
            }
        }
    }
}
