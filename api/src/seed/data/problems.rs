//! Problems in the data files, each at the line and column an editor opens: reading collects
//! them all (it does not stop at the first), then `plan-api check` prints them and the seed
//! refuses with them.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

/// A problem in a data file, shown as `path:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The file, as the data folder was given joined with the file's place in it.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// Every problem found, sorted by file and position: the seed's error when the files do not
/// hold, one problem a line.
#[derive(Debug)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// Where in a file a problem is.
#[derive(Debug, Clone)]
pub(super) enum At {
    /// A TOML path into the file, `actions[3].responsible[1]`: the value there (or the
    /// nearest enclosing one that exists).
    Toml(String),
    /// A byte offset (the TOML parser's and serde's errors carry one).
    Offset(usize),
    /// A line and column (TSV rows).
    Line(usize, usize),
}

/// One file read: its path and text, kept to place the problems found later.
pub(super) struct Source {
    pub path: PathBuf,
    pub text: String,
}

/// A problem not yet placed: which file, where in it, what.
pub(super) struct Pending {
    pub file: usize,
    pub at: At,
    pub message: String,
}

/// Turns pending problems into placed ones, parsing each file with spans once, and sorts them.
pub(super) fn place(sources: &[Source], pending: Vec<Pending>) -> Vec<Problem> {
    let mut parsed: Vec<Option<Spanned<DeTable<'_>>>> = (0..sources.len()).map(|_| None).collect();
    let mut problems: Vec<Problem> = pending
        .into_iter()
        .map(|p| {
            let source = &sources[p.file];
            let (line, column) = match p.at {
                At::Line(line, column) => (line, column),
                At::Offset(offset) => line_column(&source.text, offset),
                At::Toml(path) => {
                    let table = parsed[p.file]
                        .get_or_insert_with(|| DeTable::parse_recoverable(&source.text).0);
                    line_column(&source.text, locate(table, &path).start)
                }
            };
            Problem {
                path: source.path.clone(),
                line,
                column,
                message: p.message,
            }
        })
        .collect();
    problems.sort();
    problems.dedup();
    problems
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// One step of a TOML path.
enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

/// `actions[3].responsible[1]` → `actions`, 3, `responsible`, 1.
fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            out.push(Step::Key(key));
        }
        for index in pieces {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                out.push(Step::Index(i));
            }
        }
    }
    out
}

/// The span of the value at `path`, or of the nearest enclosing value that exists.
fn locate(root: &Spanned<DeTable<'_>>, path: &str) -> Range<usize> {
    let mut span = root.span();
    let mut table = Some(root.get_ref());
    let mut array: Option<&DeArray<'_>> = None;
    for step in steps(path) {
        let found = match (step, table, array) {
            (Step::Key(key), Some(t), _) => {
                t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
            }
            (Step::Index(i), _, Some(a)) => a.get(i),
            _ => None,
        };
        let Some(value) = found else { break };
        span = value.span();
        table = value.get_ref().as_table();
        array = value.get_ref().as_array();
    }
    span
}

/// Reads `text` as `T`, collecting every syntax error, or else every element that does not
/// fit `T`'s shape (unknown or missing field, wrong type): serde stops at the first error, so
/// the array element holding it is left out and the rest read again, until the rest reads.
/// Returns `T` only when the whole file read.
pub(super) fn deserialize<T: DeserializeOwned>(text: &str) -> Result<T, Vec<(usize, String)>> {
    let (mut table, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        return Err(syntax.iter().map(offset_message).collect());
    }
    let mut errors = Vec::new();
    // Each round leaves one element out, so this ends; the bound keeps a pathological file
    // from taking long (its first hundred problems are plenty to start with).
    for _ in 0..100 {
        match T::deserialize(toml::de::Deserializer::from(table.clone())) {
            Ok(value) if errors.is_empty() => return Ok(value),
            Ok(_) => return Err(errors),
            Err(e) => {
                let error = offset_message(&e);
                let left_out = leave_out(table.get_mut(), error.0);
                errors.push(error);
                if !left_out {
                    break;
                }
            }
        }
    }
    Err(errors)
}

fn offset_message(e: &toml::de::Error) -> (usize, String) {
    (
        e.span().map_or(0, |s| s.start),
        e.message().trim_end().to_owned(),
    )
}

/// Leaves out of `table` the innermost array element whose text holds `offset`; false when
/// no element does.
fn leave_out(table: &mut DeTable<'_>, offset: usize) -> bool {
    for (_, value) in table.iter_mut() {
        if !extent(value).contains(&offset) {
            continue;
        }
        let span = value.span();
        match value.get_mut() {
            DeValue::Table(inner) => return leave_out(inner, offset),
            DeValue::Array(items) => {
                let Some(i) = items.iter().position(|v| extent(v).contains(&offset)) else {
                    return false;
                };
                if let DeValue::Table(inner) = items.as_mut()[i].get_mut()
                    && leave_out(inner, offset)
                {
                    return true;
                }
                let mut kept = DeArray::new();
                for (j, item) in items.iter().enumerate() {
                    if j != i {
                        kept.push(item.clone());
                    }
                }
                *value = Spanned::new(span, DeValue::Array(kept));
                return true;
            }
            _ => return false,
        }
    }
    false
}

/// The bytes a value's text covers: an array of tables' element spans only its `[[header]]`,
/// so its keys and values count too.
fn extent(value: &Spanned<DeValue<'_>>) -> Range<usize> {
    let mut range = value.span();
    let mut widen = |r: Range<usize>| {
        range.start = range.start.min(r.start);
        range.end = range.end.max(r.end);
    };
    match value.get_ref() {
        DeValue::Table(t) => {
            for (k, v) in t.iter() {
                widen(k.span());
                widen(extent(v));
            }
        }
        DeValue::Array(a) => {
            for v in a.iter() {
                widen(extent(v));
            }
        }
        _ => {}
    }
    range
}
