//! A database as the previous release left it: its migrations, then rows written the way its
//! code wrote them (column by column, JSON by JSON), for the tables later migrations touch.
//!
//! **Which release.** `main` has no tags; a release is what `main` ran. The migration that
//! comes last in the list, `m20261201_000016_generation_changed_at`, reached `main` with
//! 29c0ce2 ("Merge branch 'wt16'", 2026-12-01 18:46), and `m20261201_000015_webhooks` right
//! after it with ef6daad. The commit before both, 212c642 ("Merge issue 15 (parts 1-3)",
//! 15:45), ran the first [`MIGRATIONS`] of today's list (plan content, monitoring, private
//! IDs, events, content generation): a state deployments really had. Everything written here
//! follows that commit's code (`api/src/monitoring/store.rs`, `api/src/events/mod.rs`,
//! `api/src/graphql/monitoring_write.rs`, `api/src/monitoring/report.rs` at 212c642). It had
//! no webhooks, so there are no webhook rows to carry over. Later migrations (whatever this
//! branch adds) run after it in the test, without a list here.
//!
//! The plan's content tables have not changed since the first migration; they are loaded by
//! `plan_api::seed::load_content`, the same code every release's seed ran for them.

use chrono::{DateTime, Utc};
use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, Value as Sql};
use serde_json::{Value, json};

use super::rows::{Actor, Event, Record, Step, fnv, global_id};
use crate::common::data_dir;

/// How many of today's migrations the previous release ran.
pub const MIGRATIONS: u32 = 5;

/// The plan the rows belong to.
pub const PLAN: &str = "AMB-PI-2021-2025";

/// The database being written, and what was written to it.
pub struct Release<'a> {
    db: &'a DatabaseConnection,
    pub plan_id: i32,
    pub events: Vec<Event>,
    /// The audit entries, oldest first, as the API names them: `operation`, `recordType`,
    /// `recordId` (a record's global ID).
    pub audit: Vec<Value>,
}

async fn insert(db: &DatabaseConnection, table: &str, row: Vec<(&str, Sql)>) -> i32 {
    let (columns, values): (Vec<&str>, Vec<Sql>) = row.into_iter().unzip();
    let mut q = Query::insert();
    q.into_table(Alias::new(table))
        .columns(columns.into_iter().map(Alias::new))
        .values_panic(values.into_iter().map(Into::into))
        .returning_col(Alias::new("id"));
    let row = db.query_one(&q).await.expect(table).expect("a row");
    row.try_get("", "id").expect("its id")
}

fn now() -> Sql {
    Utc::now().into()
}

fn text(value: Option<&str>) -> Sql {
    value.map(str::to_owned).into()
}

impl<'a> Release<'a> {
    /// The previous release's migrations, then what its `seed_all` wrote: the content, the seed
    /// state, a `PLAN_CONTENT_CHANGED` event, a bumped generation, the open reporting years.
    pub async fn install(db: &'a DatabaseConnection) -> Release<'a> {
        Migrator::up(db, Some(MIGRATIONS))
            .await
            .expect("the previous release's migrations");
        let hash = plan_api::seed::load_content(db, &data_dir(), PLAN)
            .await
            .expect("the plan's content");
        let mut select = Query::select();
        select
            .column(Alias::new("id"))
            .from(Alias::new("plan"))
            .and_where(Expr::col(Alias::new("code")).eq(PLAN));
        let plan = db.query_one(&select).await.expect("plan").expect("a plan");
        let mut release = Release {
            db,
            plan_id: plan.try_get("", "id").expect("id"),
            events: Vec::new(),
            audit: Vec::new(),
        };
        insert(
            db,
            "seed_state",
            vec![
                ("plan_code", PLAN.into()),
                ("content_hash", hash.clone().into()),
                ("loaded_at", now()),
            ],
        )
        .await;
        let payload = json!({ "contentHash": hash });
        release.plan_event("PLAN_CONTENT_CHANGED", payload).await;
        release.bump().await;
        for year in 2021..=2025 {
            let row = vec![
                ("plan_id", release.plan_id.into()),
                ("year", year.into()),
                ("closed", false.into()),
                ("version", 1.into()),
                ("closed_at", Option::<DateTime<Utc>>::None.into()),
                ("closed_by", text(None)),
            ];
            insert(db, "reporting_year", row).await;
        }
        release
    }

    async fn bump(&self) {
        let mut q = Query::update();
        q.table(Alias::new("content_generation"))
            .value(
                Alias::new("generation"),
                Expr::col(Alias::new("generation")).add(1),
            )
            .and_where(Expr::col(Alias::new("id")).eq(1));
        self.db.execute(&q).await.expect("bump");
    }

    /// `events::append`: the plan's code added to the payload.
    async fn event(&mut self, event: Event, mut payload: Value) {
        payload["plan"] = json!(PLAN);
        let row = vec![
            ("plan_id", self.plan_id.into()),
            ("event_type", event.event_type.into()),
            ("node_id", event.node_id.clone().into()),
            ("occurred_at", now()),
            ("public", event.public.into()),
            ("owner_unit", text(event.owner.0)),
            ("owner_municipality", text(event.owner.1)),
            ("payload", payload.into()),
        ];
        insert(self.db, "event", row).await;
        self.events.push(event);
    }

    async fn plan_event(&mut self, event_type: &'static str, payload: Value) {
        let event = Event {
            event_type,
            node_id: global_id(&format!("Plan:{PLAN}")),
            public: true,
            owner: (None, None),
        };
        self.event(event, payload).await;
    }

    /// `NewEvent::record`: public when published, or when a published record is archived.
    async fn record_event(&mut self, event_type: &'static str, r: &Record, previous: Option<&str>) {
        let public = event_type == "RECORD_PUBLISHED"
            || (event_type == "RECORD_ARCHIVED" && previous == Some("PUBLISHED"));
        let event = Event {
            event_type,
            node_id: r.node_id(),
            public,
            owner: r.owner,
        };
        let payload = json!({
            "recordType": r.type_name(), "state": r.state, "previousState": previous,
            "version": r.version, "year": r.year,
        });
        self.event(event, payload).await;
    }

    /// `store::audit`; `target` is the row's id and, as the API names them, its type and, for
    /// a record, its global ID.
    #[expect(
        clippy::too_many_arguments,
        reason = "one column each, as the release had"
    )]
    async fn audit(
        &mut self,
        who: Actor,
        record_type: &str,
        (record_id, type_name, node): (i32, &str, Option<String>),
        owner: (Option<&str>, Option<&str>),
        operation: &'static str,
        before: Option<Value>,
        after: Value,
    ) {
        let row = vec![
            ("plan_id", self.plan_id.into()),
            ("at", now()),
            ("actor_sub", who.sub.into()),
            ("actor_role", who.role.into()),
            ("actor_unit", text(who.unit)),
            ("actor_municipality", text(who.municipality)),
            ("record_type", record_type.into()),
            ("record_id", record_id.into()),
            ("owner_unit", text(owner.0)),
            ("owner_municipality", text(owner.1)),
            ("operation", operation.into()),
            ("before", before.into()),
            ("after", after.into()),
            (
                "request_id",
                format!("release-212c642-{}", self.audit.len()).into(),
            ),
        ];
        insert(self.db, "audit_entry", row).await;
        let entry = json!({ "operation": operation, "recordType": type_name, "recordId": node });
        self.audit.push(entry);
    }

    /// `store::create` as the release's mutations called it: the record (its request hash by
    /// that release's formula), its links, a `CREATE` audit entry, and `RECORD_SUBMITTED`
    /// when created submitted.
    #[expect(clippy::too_many_arguments, reason = "what a create request carried")]
    pub async fn create(
        &mut self,
        who: Actor,
        record_type: &'static str,
        code: Option<&str>,
        year: Option<i32>,
        payload: Value,
        links: &[(&str, &str)],
        submit: bool,
        key: &str,
    ) -> Record {
        let state = if submit { "SUBMITTED" } else { "DRAFT" };
        let links: Vec<(String, String)> = links
            .iter()
            .map(|(t, c)| ((*t).to_owned(), (*c).to_owned()))
            .collect();
        let owner = who.owner();
        let principal = json!([
            who.role,
            who.unit,
            who.municipality,
            who.sub,
            owner.0,
            owner.1
        ]);
        let content = json!([record_type, code, year, payload, links, state]);
        let mut r = Record {
            id: 0,
            public_id: uuid::Uuid::new_v4().to_string(),
            record_type,
            code: code.map(str::to_owned),
            year,
            state,
            version: 1,
            payload,
            links,
            review_comment: None,
            owner,
        };
        let row = vec![
            ("plan_id", self.plan_id.into()),
            ("record_type", record_type.into()),
            ("code", r.code.clone().into()),
            ("year", year.into()),
            ("state", state.into()),
            ("version", 1.into()),
            ("payload", r.payload.clone().into()),
            ("review_comment", Option::<Value>::None.into()),
            ("public_id", r.public_id.clone().into()),
            ("owner_sub", who.sub.into()),
            ("owner_role", who.role.into()),
            ("owner_unit", text(owner.0)),
            ("owner_municipality", text(owner.1)),
            ("idempotency_key", key.into()),
            (
                "request_hash",
                fnv(&format!("v2:{principal}:{content}")).into(),
            ),
            ("synthetic", false.into()),
            ("created_at", now()),
            ("updated_at", now()),
            ("published_at", Option::<DateTime<Utc>>::None.into()),
        ];
        r.id = insert(self.db, "monitoring_record", row).await;
        for (position, (t, c)) in r.links.iter().enumerate() {
            let row = vec![
                ("record_id", r.id.into()),
                ("target_type", t.clone().into()),
                ("target_code", c.clone().into()),
                (
                    "position",
                    i32::try_from(position).expect("few links").into(),
                ),
            ];
            insert(self.db, "record_link", row).await;
        }
        let (after, target) = (r.snapshot(), (r.id, r.type_name(), Some(r.node_id())));
        self.audit(who, record_type, target, owner, "CREATE", None, after)
            .await;
        if submit {
            self.record_event("RECORD_SUBMITTED", &r, None).await;
        }
        r
    }

    /// `store::transition`: the new state and version, the published date or the comment, an
    /// audit entry, the event, and a new generation when public content changed.
    pub async fn step(&mut self, who: Actor, r: &mut Record, step: Step, comment: Option<Value>) {
        let before = r.clone();
        let (to, operation, event) = match step {
            Step::Publish => ("PUBLISHED", "PUBLISH", "RECORD_PUBLISHED"),
            Step::Return => ("RETURNED", "RETURN", "RECORD_RETURNED"),
            Step::Archive => ("ARCHIVED", "ARCHIVE", "RECORD_ARCHIVED"),
        };
        r.state = to;
        r.version += 1;
        let mut q = Query::update();
        q.table(Alias::new("monitoring_record"))
            .value(Alias::new("state"), to)
            .value(Alias::new("version"), r.version)
            .value(Alias::new("updated_at"), Utc::now())
            .and_where(Expr::col(Alias::new("id")).eq(r.id));
        match step {
            Step::Publish => {
                r.review_comment = None;
                q.value(Alias::new("published_at"), Utc::now())
                    .value(Alias::new("review_comment"), Expr::cust("NULL"));
            }
            Step::Return => {
                r.review_comment = comment.clone();
                q.value(Alias::new("review_comment"), comment);
            }
            Step::Archive => {}
        }
        self.db.execute(&q).await.expect("a review step");
        let owner = r.owner;
        self.audit(
            who,
            r.record_type,
            (r.id, r.type_name(), Some(r.node_id())),
            owner,
            operation,
            Some(before.snapshot()),
            r.snapshot(),
        )
        .await;
        self.record_event(event, r, Some(before.state)).await;
        if to == "PUBLISHED" || before.state == "PUBLISHED" {
            self.bump().await;
        }
    }

    /// `store::set_year_closed(.., true)`.
    pub async fn close_year(&mut self, who: Actor, year: i32) {
        let mut q = Query::update();
        q.table(Alias::new("reporting_year"))
            .value(Alias::new("closed"), true)
            .value(Alias::new("closed_at"), Utc::now())
            .value(Alias::new("closed_by"), who.sub)
            .value(Alias::new("version"), 2)
            .and_where(Expr::col(Alias::new("plan_id")).eq(self.plan_id))
            .and_where(Expr::col(Alias::new("year")).eq(year));
        self.db.execute(&q).await.expect("close the year");
        let mut select = Query::select();
        select
            .column(Alias::new("id"))
            .from(Alias::new("reporting_year"))
            .and_where(Expr::col(Alias::new("year")).eq(year));
        let id = self
            .db
            .query_one(&select)
            .await
            .expect("year")
            .expect("row");
        let before = json!({ "year": year, "closed": false, "version": 1 });
        let after = json!({ "year": year, "closed": true, "version": 2 });
        let id = id.try_get("", "id").expect("id");
        let target = (id, "ReportingYear", None);
        self.audit(
            who,
            "REPORTING_YEAR",
            target,
            (None, None),
            "CLOSE_YEAR",
            Some(before),
            after,
        )
        .await;
        self.plan_event("REPORTING_YEAR_CLOSED", json!({ "year": year }))
            .await;
        self.bump().await;
    }

    /// `store::publish_report`: `content` is the report as that release's `assemble` built it.
    pub async fn publish_report(&mut self, who: Actor, year: i32, content: Value) {
        let row = vec![
            ("plan_id", self.plan_id.into()),
            ("year", year.into()),
            ("published_at", now()),
            ("published_by", who.sub.into()),
            ("content", content.into()),
        ];
        let id = insert(self.db, "annual_report", row).await;
        let after = json!({ "year": year });
        let target = (id, "AnnualReport", None);
        self.audit(
            who,
            "ANNUAL_REPORT",
            target,
            (None, None),
            "PUBLISH_REPORT",
            None,
            after,
        )
        .await;
        self.plan_event("ANNUAL_REPORT_PUBLISHED", json!({ "year": year }))
            .await;
        self.bump().await;
    }
}
