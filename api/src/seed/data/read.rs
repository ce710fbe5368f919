//! Reading the data folder: every file once, every problem collected (see [`super::problems`]),
//! and the datasets only when nothing is wrong.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::check::{self, Files, PlanFiles};
use super::problems::{At, Pending, Problem, Source, deserialize, place};
use super::{
    Dataset, Fnv64, GeographyFile, Municipality, NamesFile, OrganizationsFile, PeopleFile,
    PlanFile, RenamesFile, SectionsFile, StrategyFile,
};

/// What reading the plans of a data folder found.
pub(super) struct Reading {
    /// The plans, when no problem was found (else empty).
    pub datasets: Vec<Dataset>,
    /// Every problem, sorted by file and position.
    pub problems: Vec<Problem>,
    /// How many files were read.
    pub files: usize,
    /// Plans whose codes and links were not checked because some file did not read.
    pub unchecked: Vec<String>,
}

/// The files of one plan folder, as read.
struct PlanRead {
    code: String,
    files: PlanFiles,
    plan: Option<PlanFile>,
    sections: Option<SectionsFile>,
    strategy: Option<StrategyFile>,
    geography: Option<GeographyFile>,
    people: Option<PeopleFile>,
    names: Option<NamesFile>,
    renames: Option<RenamesFile>,
}

/// The files read so far and the problems found in them.
pub(super) struct Reader {
    data_dir: PathBuf,
    pub sources: Vec<Source>,
    pub pending: Vec<Pending>,
}

impl Reader {
    /// Reads `rel` (a path inside the data folder); `None` (and a problem) when it cannot be
    /// read. Its index is where problems in it are filed.
    fn open(&mut self, rel: &str) -> usize {
        let path = self.data_dir.join(rel);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                let message = if e.kind() == std::io::ErrorKind::NotFound {
                    "missing: a plan folder has plan.toml, sections.toml, strategy.toml, \
                     geography.toml and people.toml"
                        .to_owned()
                } else {
                    format!("cannot read: {e}")
                };
                self.pending.push(Pending {
                    file: self.sources.len(),
                    at: At::Line(1, 1),
                    message,
                });
                String::new()
            }
        };
        self.sources.push(Source { path, text });
        self.sources.len() - 1
    }

    /// Files a problem at `at` of file `file`.
    pub(super) fn problem(&mut self, file: usize, at: At, message: String) {
        self.pending.push(Pending { file, at, message });
    }

    /// Reads file `file` as `T`, filing every problem of its syntax and shape.
    fn toml<T: DeserializeOwned>(&mut self, file: usize) -> Option<T> {
        if self.pending.iter().any(|p| p.file == file) {
            return None;
        }
        match deserialize(&self.sources[file].text) {
            Ok(value) => Some(value),
            Err(errors) => {
                for (offset, message) in errors {
                    self.problem(file, At::Offset(offset), message);
                }
                None
            }
        }
    }

    /// Reads the optional file `rel` as `T` (its default when absent).
    fn optional<T: DeserializeOwned + Default>(&mut self, rel: &str) -> (Option<usize>, Option<T>) {
        if !self.data_dir.join(rel).is_file() {
            return (None, Some(T::default()));
        }
        let file = self.open(rel);
        (Some(file), self.toml(file))
    }

    /// The FNV hash of files `files` (names and texts), as the seed state keeps it.
    fn hash(&self, files: &[usize]) -> String {
        let mut hasher = Fnv64::default();
        for &file in files {
            let source = &self.sources[file];
            hasher.write(
                source
                    .path
                    .file_name()
                    .map(|n| n.as_encoded_bytes())
                    .unwrap_or_default(),
            );
            hasher.write(source.text.as_bytes());
        }
        format!("{:016x}", hasher.0)
    }
}

/// Reads the registry and the plans `codes` of `data_dir`, checks each and (with `across`)
/// what they say of each other.
pub(super) fn read_plans(data_dir: &Path, codes: &[String], across: bool) -> Reading {
    let mut r = Reader {
        data_dir: data_dir.to_owned(),
        sources: Vec::new(),
        pending: Vec::new(),
    };
    let orgs_file = r.open("organizations.toml");
    let organizations = r.toml::<OrganizationsFile>(orgs_file);
    let munis_file = r.open("municipalities.tsv");
    let municipalities = parse_municipalities(&mut r, munis_file);
    let mut plans: Vec<PlanRead> = codes
        .iter()
        .map(|code| {
            let mut file = |name: &str| r.open(&format!("{code}/{name}"));
            let files = PlanFiles {
                plan: file("plan.toml"),
                sections: file("sections.toml"),
                strategy: file("strategy.toml"),
                geography: file("geography.toml"),
                people: file("people.toml"),
                names: None,
                renames: None,
            };
            let (names_file, names) = r.optional(&format!("{code}/names.toml"));
            let (renames_file, renames) = r.optional(&format!("{code}/renames.toml"));
            PlanRead {
                code: code.clone(),
                plan: r.toml(files.plan),
                sections: r.toml(files.sections),
                strategy: r.toml(files.strategy),
                geography: r.toml(files.geography),
                people: r.toml(files.people),
                names,
                renames,
                files: PlanFiles {
                    names: names_file,
                    renames: renames_file,
                    ..files
                },
            }
        })
        .collect();

    let mut unchecked = Vec::new();
    let mut datasets = Vec::new();
    let registry = match (organizations, municipalities) {
        (Some(orgs), Some(munis)) => Some((orgs.organizations, munis)),
        _ => None,
    };
    if let Some((orgs, munis)) = &registry {
        let files = Files {
            organizations: orgs_file,
            municipalities: munis_file,
        };
        check::registry(&mut r, &files, orgs, munis);
    }
    for p in &mut plans {
        let read = (
            registry.as_ref(),
            p.plan.take(),
            p.sections.take(),
            p.strategy.take(),
            p.geography.take(),
            p.people.take(),
            p.names.take(),
            p.renames.take(),
        );
        let (
            Some((orgs, munis)),
            Some(plan),
            Some(sections),
            Some(strategy),
            Some(geography),
            Some(people),
            Some(names),
            Some(renames),
        ) = read
        else {
            unchecked.push(p.code.clone());
            continue;
        };
        let mut hashed = vec![orgs_file, munis_file];
        hashed.extend([
            p.files.plan,
            p.files.sections,
            p.files.strategy,
            p.files.geography,
            p.files.people,
        ]);
        hashed.extend(p.files.names);
        hashed.extend(p.files.renames);
        let dataset = Dataset {
            organizations: orgs.clone(),
            municipalities: munis.iter().map(|(_, m)| m.clone()).collect(),
            plan,
            sections,
            strategy,
            geography,
            people,
            names,
            renames,
            content_hash: r.hash(&hashed),
        };
        check::plan(&mut r, &p.files, &p.code, &dataset);
        datasets.push((p.files.clone(), dataset));
    }
    if across && unchecked.is_empty() {
        check::across(&mut r, &datasets);
    }
    let files = r.sources.len();
    let problems = place(&r.sources, r.pending);
    Reading {
        datasets: if problems.is_empty() {
            datasets.into_iter().map(|(_, d)| d).collect()
        } else {
            Vec::new()
        },
        problems,
        files,
        unchecked,
    }
}

/// The rows of `municipalities.tsv` after its header, each with its line number.
fn parse_municipalities(r: &mut Reader, file: usize) -> Option<Vec<(usize, Municipality)>> {
    if r.pending.iter().any(|p| p.file == file) {
        return None;
    }
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in r.sources[file].text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [ine, digit, name, comarca] = cols[..] else {
            problems.push((
                n + 1,
                format!(
                    "expected 4 columns separated by tabs (INE code, control digit, name, \
                     comarca), found {}",
                    cols.len()
                ),
            ));
            continue;
        };
        if ine.len() != 5 || !ine.bytes().all(|b| b.is_ascii_digit()) {
            problems.push((n + 1, format!("bad INE code {ine:?}: five digits")));
            continue;
        }
        out.push((
            n + 1,
            Municipality {
                ine_code: ine.to_owned(),
                control_digit: digit.to_owned(),
                name: name.to_owned(),
                comarca: comarca.to_owned(),
            },
        ));
    }
    let ok = problems.is_empty();
    for (line, message) in problems {
        r.problem(file, At::Line(line, 1), message);
    }
    ok.then_some(out)
}
