//! The plan's content in memory: one immutable snapshot per content generation, shared by every
//! request.
//!
//! The content tables (plans, lines, actions, organizations, zones, SWOT, glossary, …) change
//! only when `plan-api seed` loads changed data files, and that bumps the content generation
//! (see [`crate::generation`]) in the same transaction. So the content read at generation `G`
//! stays true until `G + 1`: every request of that generation can share one copy, read once,
//! with its JSON texts decoded once, instead of asking the database level by level.
//!
//! - Built lazily, by the first request that needs content once a new generation is known; a
//!   burst of requests at that moment waits for one build (single flight), not one each.
//! - While the generation is unknown or a bump of this process is still on its way (the
//!   tracker's [`Tracker::current`] is `None`), and when a build fails, requests read the
//!   database as before: the snapshot is a shortcut, never the only way.
//! - Monitoring data is not in it: it changes without a seed and depends on the caller.
//! - `PLAN_API_CONTENT_SNAPSHOT=false` turns it off (every read goes to the database).

use std::any::TypeId;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use entity::{action, organization, plan, strategic_line};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QueryOrder};

use crate::error::ApiError;
use crate::generation::Tracker;
use crate::relations::{Grouped, HashMap, Rel, Relations};

/// Rows of a plan's table by plan id, then code (looked up by `&str`, without allocating).
type ByCode<M> = HashMap<i32, HashMap<String, Arc<M>>>;

/// The plan's content at one content generation.
pub struct Snapshot {
    /// The generation it was read at (or a newer one).
    pub generation: i64,
    relations: Relations,
    /// Every plan, oldest first (as [`crate::store::plans`]).
    plans: Vec<Arc<plan::Model>>,
    /// Strategic lines by plan id, then code.
    lines_by_code: ByCode<strategic_line::Model>,
    /// Actions by plan id, then code.
    actions_by_code: ByCode<action::Model>,
    organizations_by_code: HashMap<String, Arc<organization::Model>>,
}

impl Snapshot {
    /// Reads every content relation of `db`.
    pub async fn build(db: &DatabaseConnection, generation: i64) -> Result<Self, DbErr> {
        let mut relations = Relations::default();
        crate::relations::load_content(db, &mut relations).await?;
        let plans = plan::Entity::find()
            .order_by_asc(plan::Column::StartYear)
            .order_by_asc(plan::Column::Code)
            .all(db)
            .await?
            .into_iter()
            .map(Arc::new)
            .collect();
        let lines_by_code = by_plan_and_code(strategic_line::Entity::find().all(db).await?, |m| {
            (m.plan_id, m.code.clone())
        });
        let actions_by_code = by_plan_and_code(action::Entity::find().all(db).await?, |m| {
            (m.plan_id, m.code.clone())
        });
        let organizations_by_code = organization::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.code.clone(), Arc::new(m)))
            .collect();
        Ok(Self {
            generation,
            relations,
            plans,
            lines_by_code,
            actions_by_code,
            organizations_by_code,
        })
    }

    /// The rows of relation `R` by key; `None` when `R` is not content.
    pub(crate) fn relation<R: Rel>(&self) -> Option<&Grouped<R::Row>> {
        self.relations
            .get(&TypeId::of::<R>())?
            .downcast_ref::<Grouped<R::Row>>()
    }

    /// The rows of relation `R` for `key` (empty when none); `None` when `R` is not content.
    pub(crate) fn rows<R: Rel>(&self, key: i32) -> Option<&[R::Row]> {
        let grouped = self.relation::<R>()?;
        Some(grouped.get(&key).map_or(&[], Vec::as_slice))
    }

    /// Every plan, oldest first.
    pub fn plans(&self) -> &[Arc<plan::Model>] {
        &self.plans
    }

    /// The plan with `code`, or the current plan when `code` is `None` (as
    /// [`crate::store::resolve_plan`], with the same errors).
    pub fn resolve_plan(&self, code: Option<&str>) -> Result<&Arc<plan::Model>, ApiError> {
        match code {
            Some(code) => self
                .plans
                .iter()
                .find(|p| p.code == code)
                .ok_or_else(|| ApiError::NotFound(format!("no plan with code {code:?}"))),
            // The current one; among several (or none), the latest to start.
            None => self
                .plans
                .iter()
                .rev()
                .max_by_key(|p| (p.current, p.start_year))
                .ok_or_else(|| ApiError::NotFound("no plan has been loaded".to_owned())),
        }
    }

    /// A strategic line of plan `plan_id` by code.
    pub fn line_by_code(&self, plan_id: i32, code: &str) -> Option<&Arc<strategic_line::Model>> {
        self.lines_by_code.get(&plan_id)?.get(code)
    }

    /// An action of plan `plan_id` by code.
    pub fn action_by_code(&self, plan_id: i32, code: &str) -> Option<&Arc<action::Model>> {
        self.actions_by_code.get(&plan_id)?.get(code)
    }

    /// An organization by code.
    pub fn organization_by_code(&self, code: &str) -> Option<&Arc<organization::Model>> {
        self.organizations_by_code.get(code)
    }
}

/// `rows` by plan id, then code (`key` gives both).
fn by_plan_and_code<M>(rows: Vec<M>, key: fn(&M) -> (i32, String)) -> ByCode<M> {
    let mut out = ByCode::default();
    for m in rows {
        let (plan_id, code) = key(&m);
        out.entry(plan_id).or_default().insert(code, Arc::new(m));
    }
    out
}

/// The current snapshot of one database, rebuilt when its content generation moves on.
pub struct Snapshots {
    tracker: Arc<Tracker>,
    latest: RwLock<Option<Arc<Snapshot>>>,
    /// Held while building: the single flight.
    building: tokio::sync::Mutex<()>,
    /// Snapshots built so far (for tests and the log).
    builds: std::sync::atomic::AtomicU64,
}

impl Snapshots {
    /// Snapshots following `tracker`'s generation.
    pub fn new(tracker: Arc<Tracker>) -> Self {
        Self {
            tracker,
            latest: RwLock::new(None),
            building: tokio::sync::Mutex::new(()),
            builds: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// How many snapshots this process has built.
    pub fn builds(&self) -> u64 {
        self.builds.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn latest_at_least(&self, generation: i64) -> Option<Arc<Snapshot>> {
        let latest = self.latest.read().ok()?;
        latest
            .as_ref()
            .filter(|s| s.generation >= generation)
            .cloned()
    }

    /// The snapshot of the current generation, built now if it is not there yet; `None` when
    /// the generation is not known (read the database instead) or the build failed.
    pub async fn current(&self, db: &DatabaseConnection) -> Option<Arc<Snapshot>> {
        let generation = self.tracker.current()?;
        if let Some(s) = self.latest_at_least(generation) {
            return Some(s);
        }
        let _flight = self.building.lock().await;
        // Someone else may have built it while this request waited.
        if let Some(s) = self.latest_at_least(generation) {
            return Some(s);
        }
        let started = Instant::now();
        let span = tracing::info_span!(
            target: crate::traces::TARGET,
            "snapshot.build",
            plan_api.generation = generation,
        );
        match tracing::Instrument::instrument(Snapshot::build(db, generation), span).await {
            Ok(snapshot) => {
                let snapshot = Arc::new(snapshot);
                if let Ok(mut latest) = self.latest.write() {
                    *latest = Some(snapshot.clone());
                }
                self.builds
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                tracing::info!(
                    generation,
                    ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    "content snapshot built"
                );
                Some(snapshot)
            }
            Err(err) => {
                tracing::warn!(%err, generation, "content snapshot not built; reading the database");
                None
            }
        }
    }
}
