//! `plan-api check` (#26): the real binary on copies of `data/` with deliberate problems (all
//! plainly synthetic edits), every problem reported at once as `path:line:column: message`;
//! the JSON Schemas of `data/schemas/` in [`schemas`].

mod problems;
mod schemas;

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{SECOND_PLAN, data_copy, data_dir, data_with_second_plan};

/// The binary under test: `PLAN_API_BIN` when set (a private copy of a worktree's build),
/// else the one cargo built for these tests.
fn binary() -> PathBuf {
    std::env::var_os("PLAN_API_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_plan-api")),
        PathBuf::from,
    )
}

/// Runs `plan-api check` in `cwd` with `args`, no setting from the environment.
fn check(cwd: &Path, args: &[&str]) -> Output {
    let mut command = std::process::Command::new(binary());
    command.arg("check").args(args).current_dir(cwd);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("PLAN_API_") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    command.output().expect("run plan-api check")
}

fn utf8(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// A folder holding a copy of `data/` (and the synthetic second plan when `second`) as
/// `data/`, so that problems read `data/…:line:column: …` as an editor opens them from the
/// folder.
pub(crate) struct Workspace {
    root: tempfile::TempDir,
    /// Keeps the copy alive.
    _copy: tempfile::TempDir,
}

impl Workspace {
    fn new(second: bool) -> Self {
        let copy = if second {
            data_with_second_plan()
        } else {
            data_copy()
        };
        let root = tempfile::tempdir().expect("tmp");
        std::os::unix::fs::symlink(copy.path(), root.path().join("data")).expect("symlink");
        Self { root, _copy: copy }
    }

    fn data(&self) -> PathBuf {
        self.root.path().join("data")
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.data().join(file)).expect("a data file")
    }

    fn write(&self, file: &str, text: &str) {
        std::fs::write(self.data().join(file), text).expect("write");
    }

    /// Rewrites the only `from` of `file` as `to`.
    fn edit(&self, file: &str, from: &str, to: &str) {
        let text = self.read(file);
        assert_eq!(text.matches(from).count(), 1, "{file}: {from:?} once");
        self.write(file, &text.replacen(from, to, 1));
    }

    /// `data/file:line:column` of the only `needle` of `file` (as it is now), plus `shift`
    /// columns.
    fn at(&self, file: &str, needle: &str, shift: usize) -> String {
        let text = self.read(file);
        assert_eq!(text.matches(needle).count(), 1, "{file}: {needle:?} once");
        let (line, column) = position(&text, needle);
        format!("data/{file}:{line}:{}", column + shift)
    }

    fn check(&self) -> Output {
        check(self.root.path(), &["--data-dir", "data"])
    }
}

/// The 1-based line and column (in characters) of the first `needle` in `text`.
pub(crate) fn position(text: &str, needle: &str) -> (usize, usize) {
    let offset = text.find(needle).expect("the needle");
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[test]
fn the_shipped_data_and_the_synthetic_second_plan_have_no_problems() {
    let out = check(
        Path::new("/"),
        &["--data-dir", &data_dir().display().to_string()],
    );
    assert_eq!(
        (out.status.code(), utf8(&out.stdout), utf8(&out.stderr)),
        (
            Some(0),
            String::new(),
            "1 plan, 7 files: no problems\n".to_owned()
        )
    );
    let both = Workspace::new(true);
    let out = both.check();
    assert_eq!(
        (out.status.code(), utf8(&out.stdout), utf8(&out.stderr)),
        (
            Some(0),
            String::new(),
            "2 plans, 12 files: no problems\n".to_owned()
        )
    );
}

#[test]
fn without_a_data_dir_it_checks_the_one_serve_reads_and_needs_no_database() {
    // The repository's root: the default data folder shows as `data/` from there.
    let root = data_dir()
        .join("..")
        .canonicalize()
        .expect("the repository");
    let mut command = std::process::Command::new(binary());
    command
        .arg("check")
        .current_dir(&root)
        // A database nobody serves: check never connects.
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:9/none")
        .env_remove("PLAN_API_DATA_DIR");
    let out = command.output().expect("run");
    assert_eq!(
        (out.status.code(), utf8(&out.stdout), utf8(&out.stderr)),
        (
            Some(0),
            String::new(),
            "1 plan, 7 files: no problems\n".to_owned()
        )
    );
    // PLAN_API_DATA_DIR is honoured, as `serve` honours it: a folder without plans.
    let empty = tempfile::tempdir().expect("tmp");
    let out = command
        .env("PLAN_API_DATA_DIR", empty.path())
        .output()
        .expect("run");
    assert_eq!(
        (out.status.code(), utf8(&out.stderr)),
        (
            Some(1),
            format!(
                "error: {} holds no plan: a plan is a folder with a plan.toml\n",
                empty.path().display()
            )
        )
    );
}

/// The synthetic second plan's folder in a workspace.
fn second(file: &str) -> String {
    format!("{SECOND_PLAN}/{file}")
}
