//! Plan periods side by side (#26): every folder of the data directory holding a `plan.toml`
//! is a plan; exactly one is current; later plans continue items of earlier ones; an
//! organization renamed later keeps, in each plan, the name that plan's text used. The second
//! plan is the plainly synthetic one of `tests/fixtures/plans/`.

mod continuity;
mod folders;
mod life;

use std::path::Path;

use serde_json::{Value, json};

use crate::common::{SECOND_PLAN, TestApp, data_with_second_plan};

const FIRST_PLAN: &str = "AMB-PI-2021-2025";

/// An app serving the plans of `dir`.
async fn app_on(dir: &Path) -> TestApp {
    let dir = dir.to_owned();
    TestApp::with(move |c| c.data_dir = dir).await
}

/// Rewrites `from` as `to` in the data file `file` of `dir` (exactly once).
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("a data file");
    assert_eq!(text.matches(from).count(), 1, "{file}: {from:?} once");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

/// Makes `code` the current plan of `dir` and the other not.
fn make_current(dir: &Path, code: &str) {
    let (on, off) = if code == SECOND_PLAN {
        (SECOND_PLAN, FIRST_PLAN)
    } else {
        (FIRST_PLAN, SECOND_PLAN)
    };
    let set = |plan: &str, value: bool| {
        let path = dir.join(plan).join("plan.toml");
        let text = std::fs::read_to_string(&path).expect("plan.toml");
        let text = text
            .replace("current = true", &format!("current = {value}"))
            .replace("current = false", &format!("current = {value}"));
        std::fs::write(&path, text).expect("write");
    };
    set(off, false);
    set(on, true);
}

fn codes(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|v| v["code"].as_str().expect("a code").to_owned())
        .collect()
}
