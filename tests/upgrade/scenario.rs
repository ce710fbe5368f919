//! What the previous release's users did, in order (synthetic data, marked as such): areas,
//! a municipality and coordinators reported, reviewed, archived, closed a year and published
//! a report. Each record is written as that release's mutations wrote it, from the request they
//! took (see `p1_request` for one in full).

use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

use super::previous_release::{PLAN, Release};
use super::rows::{ADMIN, Event, HOSPITALET, Record, SRI, Step};
use crate::common::{data_dir, data_file};

/// What was written, for the checks.
pub struct Written {
    pub p0: Record,
    pub p1: Record,
    pub p2: Record,
    pub a1: Record,
    pub a1_comment: Value,
    pub f1: Record,
    pub i1: Record,
    pub m1: Record,
    pub e1: Record,
    pub events: Vec<Event>,
    pub audit: Vec<Value>,
    pub line_count: usize,
}

impl Written {
    /// Every record.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        [
            &self.p0, &self.p1, &self.p2, &self.a1, &self.f1, &self.i1, &self.m1, &self.e1,
        ]
        .into_iter()
    }
}

/// The create of the 2023 progress update of LE1.1, as its reporter sent it.
pub const CREATE_P1: &str = "mutation($input: ProgressUpdateInput!, $key: String!) {
    r: createProgressUpdate(input: $input, idempotencyKey: $key, submit: true) { id state } }";

const P1_NARRATIVE_ES: &str = "[Datos sintéticos de prueba] Seguimiento de 2023.";
const P1_NARRATIVE_CA: &str = "[Dades sintètiques de prova] Seguiment del 2023.";
const P1_MILESTONE: &str = "[Datos sintéticos de prueba] Hito";
const EVIDENCE: &str = "https://example.org/synthetic-evidence";

/// The variables of [`CREATE_P1`].
pub fn p1_request() -> Value {
    json!({
        "key": "release-p1",
        "input": {
            "action": "LE1.1", "year": 2023, "status": "IN_PROGRESS", "percentComplete": 60,
            "narrative": { "es": P1_NARRATIVE_ES, "ca": P1_NARRATIVE_CA },
            "milestones": [{ "date": "2023-06-30", "text": { "es": P1_MILESTONE } }],
            "evidenceLinks": [EVIDENCE],
        },
    })
}

/// A progress update created after the upgrade, submitted.
pub const CREATE_NEW: &str = r#"mutation { r: createProgressUpdate(idempotencyKey: "after-upgrade",
    submit: true, input: { action: "LE1.3", year: 2024, status: NOT_STARTED, percentComplete: 0,
    narrative: { es: "[Datos sintéticos de prueba] Tras la actualización." } }) { id } }"#;

/// The previous release's data, written in the order its users wrote it.
pub async fn write(db: &DatabaseConnection) -> Written {
    let mut r = Release::install(db).await;
    let le1 = [("ACTION", "LE1.1"), ("LINE", "LE1")];

    let progress = |status: &str, percent: i32, narrative: Value, milestones: Value| {
        json!({ "action": "LE1.1", "status": status, "percent_complete": percent,
                "narrative": narrative, "milestones": milestones, "evidence_links": [] })
    };
    let narrative = json!({ "es": "[Datos sintéticos de prueba] Seguimiento de 2022." });
    let payload = progress("IN_PROGRESS", 40, narrative, json!([]));
    let kind = "PROGRESS_UPDATE";
    let mut p0 = r
        .create(
            SRI,
            kind,
            None,
            Some(2022),
            payload,
            &le1,
            true,
            "release-p0",
        )
        .await;
    r.step(ADMIN, &mut p0, Step::Publish, None).await;

    let f1_payload = json!({
        "title": { "es": "[Datos sintéticos de prueba] Proyecto Interreg" }, "summary": {},
        "programme": "INTERREG", "role": "PARTNER", "total_budget": "1234567.89",
        "grant_amount": "987654.01", "start_date": "2022-01-01", "end_date": "2024-12-31",
        "status": "IN_EXECUTION", "continued_after_funding": null, "links": [],
        "actions": ["LE2.2"], "municipalities": ["08101"],
    });
    let links = [
        ("KIND", "INTERREG"),
        ("ACTION", "LE2.2"),
        ("LINE", "LE2"),
        ("MUNICIPALITY", "08101"),
    ];
    let kind = "FUNDED_PROJECT";
    let mut f1 = r
        .create(
            SRI,
            kind,
            None,
            Some(2022),
            f1_payload,
            &links,
            true,
            "release-f1",
        )
        .await;
    r.step(ADMIN, &mut f1, Step::Publish, None).await;

    let i1_payload = json!({
        "name": { "es": "[Datos sintéticos de prueba] Proyectos europeos" }, "unit": "projects",
        "expected_result": "LE2.R1", "action": null, "baseline_value": "50",
        "baseline_year": 2020, "target_value": "60", "target_year": 2025,
        "direction": "INCREASE",
    });
    let links = [("EXPECTED_RESULT", "LE2.R1"), ("LINE", "LE2")];
    let code = Some("SYN-LE2-1");
    let mut i1 = r
        .create(
            ADMIN,
            "INDICATOR",
            code,
            None,
            i1_payload,
            &links,
            true,
            "release-i1",
        )
        .await;
    r.step(ADMIN, &mut i1, Step::Publish, None).await;

    r.close_year(ADMIN, 2021).await;
    let (report, line_count) = report_2022(&p0, &f1, &i1);
    r.publish_report(ADMIN, 2022, report).await;

    let request = p1_request();
    let payload = progress(
        "IN_PROGRESS",
        60,
        json!({ "es": P1_NARRATIVE_ES, "ca": P1_NARRATIVE_CA }),
        json!([{ "date": "2023-06-30", "text": { "es": P1_MILESTONE } }]),
    );
    let mut payload = payload;
    payload["evidence_links"] = json!([EVIDENCE]);
    let key = request["key"].as_str().expect("key");
    let kind = "PROGRESS_UPDATE";
    let mut p1 = r
        .create(SRI, kind, None, Some(2023), payload, &le1, true, key)
        .await;
    r.step(ADMIN, &mut p1, Step::Publish, None).await;

    let m1_payload = json!({ "indicator_id": i1.id, "value": "55.5",
                             "source": "[Synthetic test data]", "notes": {} });
    let indicator = i1.id.to_string();
    let links = [("INDICATOR", indicator.as_str())];
    let kind = "MEASUREMENT";
    let mut m1 = r
        .create(
            ADMIN,
            kind,
            None,
            Some(2023),
            m1_payload,
            &links,
            true,
            "release-m1",
        )
        .await;
    r.step(ADMIN, &mut m1, Step::Publish, None).await;

    let a1_payload = json!({
        "kind": "FORUM", "title": { "ca": "[Dades sintètiques de prova] Fòrum municipal" },
        "summary": {}, "start_date": "2023-05-10", "end_date": null,
        "place": "L'Hospitalet de Llobregat", "links": [], "actions": ["LE1.2"], "zones": [],
        "partners": [], "organizations": [], "municipalities": ["08101"],
    });
    let links = [
        ("KIND", "FORUM"),
        ("ACTION", "LE1.2"),
        ("LINE", "LE1"),
        ("MUNICIPALITY", "08101"),
    ];
    let kind = "ACTIVITY";
    let mut a1 = r
        .create(
            HOSPITALET,
            kind,
            None,
            Some(2023),
            a1_payload,
            &links,
            true,
            "release-a1",
        )
        .await;
    let a1_comment = json!({ "ca": "[Dades sintètiques de prova] Hi falta la data de cloenda." });
    r.step(ADMIN, &mut a1, Step::Return, Some(a1_comment.clone()))
        .await;

    r.step(ADMIN, &mut f1, Step::Archive, None).await;

    let p2_payload = json!({ "action": "LE1.2", "status": "NOT_STARTED", "percent_complete": 0,
        "narrative": { "es": "[Datos sintéticos de prueba] Borrador." }, "milestones": [],
        "evidence_links": [] });
    let links = [("ACTION", "LE1.2"), ("LINE", "LE1")];
    let kind = "PROGRESS_UPDATE";
    let p2 = r
        .create(
            SRI,
            kind,
            None,
            Some(2024),
            p2_payload,
            &links,
            false,
            "release-p2",
        )
        .await;
    let e1_payload = json!({
        "kind": "MID_TERM", "status": "PLANNED", "start_date": null, "end_date": null,
        "summary": { "es": "[Datos sintéticos de prueba] Evaluación intermedia" },
        "findings": {}, "recommendations": {}, "document_link": null,
    });
    let links = [("KIND", "MID_TERM")];
    let e1 = r
        .create(
            ADMIN,
            "EVALUATION",
            None,
            Some(2023),
            e1_payload,
            &links,
            false,
            "release-e1",
        )
        .await;

    Written {
        p0,
        p1,
        p2,
        a1,
        a1_comment,
        f1,
        i1,
        m1,
        e1,
        events: r.events,
        audit: r.audit,
        line_count,
    }
}

/// The report of 2022 as that release's `assemble` built it when it was published: every line
/// and action of the plan (titles in every language, from `data/`), LE1.1's 2022 progress,
/// the Interreg project active that year (on LE2.2, in 08101), the indicator of LE2.R1 with
/// no value yet. Its line count too.
fn report_2022(p0: &Record, f1: &Record, i1: &Record) -> (Value, usize) {
    let strategy = data_file(&format!("{PLAN}/strategy.toml"));
    let to_json = |v: &toml::Value| serde_json::to_value(v).expect("JSON");
    let actions = strategy["actions"].as_array().expect("actions");
    let p = &f1.payload;
    let project = json!({
        "id": f1.id, "title": p["title"], "programme": p["programme"], "role": p["role"],
        "total_budget": p["total_budget"], "grant_amount": p["grant_amount"],
        "status": p["status"], "continued_after_funding": null,
        "municipalities": p["municipalities"], "synthetic": false,
    });
    let lines: Vec<Value> = strategy["strategic_lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|line| {
            let code = line["code"].as_str().expect("code");
            let line_actions: Vec<Value> = actions
                .iter()
                .filter(|a| a["line"].as_str() == Some(code))
                .map(|a| {
                    let reported = a["code"].as_str() == Some("LE1.1");
                    json!({
                        "code": a["code"].as_str(), "title": to_json(&a["title"]),
                        "status": reported.then_some("IN_PROGRESS"),
                        "percent_complete": reported.then_some(40),
                        "narrative": reported.then(|| p0.payload["narrative"].clone()),
                    })
                })
                .collect();
            let le2 = code == "LE2";
            json!({
                "code": code, "title": to_json(&line["title"]), "actions": line_actions,
                "activities": [],
                "funded_projects": if le2 { json!([project]) } else { json!([]) },
                "indicators": if le2 {
                    json!([{ "id": i1.id, "code": "SYN-LE2-1", "name": i1.payload["name"],
                             "unit": "projects", "value": null, "status": "NO_DATA" }])
                } else {
                    json!([])
                },
            })
        })
        .collect();
    let hospitalet = std::fs::read_to_string(data_dir().join("municipalities.tsv"))
        .expect("the municipalities")
        .lines()
        .find_map(|l| {
            l.strip_prefix("08101\t")?
                .split('\t')
                .nth(1)
                .map(str::to_owned)
        })
        .expect("08101");
    let count = lines.len();
    let report = json!({
        "plan_code": PLAN, "year": 2022, "lines": lines, "activities": [],
        "funded_projects": [project],
        "municipalities": [{ "ine_code": "08101", "name": hospitalet, "activities": 0,
                             "funded_projects": 1 }],
    });
    (report, count)
}
