//! Managing endpoints and reading the delivery log: validation first (every problem at once,
//! nothing written unless all pass), then one transaction.

use std::collections::HashMap;

use chrono::Utc;
use entity::{event, webhook_attempt, webhook_delivery, webhook_endpoint};
use sea_orm::sea_query::Order;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use tracing::instrument;

use super::{DeliveryStatus, Settings, guard};
use crate::error::{ApiError, FieldError};
use crate::events::ChangeType;
use crate::pagination::Page;
use crate::store::page_of;
use crate::traces::TARGET;

/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 500;
/// Most endpoints registered at once.
pub const MAX_ENDPOINTS: u64 = 100;
/// Longest grace period of a rotation (30 days).
pub const MAX_GRACE_SECS: i64 = 30 * 24 * 60 * 60;

/// What a create or an update sets (an update leaves out what it keeps).
#[derive(Clone, Debug, Default)]
pub struct EndpointInput {
    /// The URL deliveries are POSTed to.
    pub url: Option<String>,
    /// The change types wanted.
    pub event_types: Option<Vec<ChangeType>>,
    /// What it is for.
    pub description: Option<String>,
}

/// A validated input: the URL in its normal form and the types as stored.
struct Checked {
    url: Option<String>,
    event_types: Option<serde_json::Value>,
    description: Option<String>,
}

async fn check(settings: &Settings, input: EndpointInput) -> Result<Checked, ApiError> {
    let mut problems = Vec::new();
    let mut problem = |field: &str, message: String| {
        problems.push(FieldError {
            field: format!("input.{field}"),
            message,
        })
    };
    let mut url = None;
    if let Some(raw) = &input.url {
        match guard::parse_url(raw, settings.allow_http) {
            Err(p) => problem("url", format!("the URL {p}")),
            Ok(parsed) => match guard::check_target(&parsed, settings.allow_private).await {
                Err(p) => problem("url", format!("the URL's host {p}")),
                Ok(()) => url = Some(parsed.to_string()),
            },
        }
    }
    let event_types = match &input.event_types {
        Some(t) if t.is_empty() => {
            problem("eventTypes", "name at least one change type".into());
            None
        }
        Some(t) if t.iter().any(|c| !c.is_deliverable()) => {
            let mut refused: Vec<&str> = t
                .iter()
                .filter(|c| !c.is_deliverable())
                .map(|c| c.as_str())
                .collect();
            refused.dedup();
            let deliverable: Vec<&str> = ChangeType::ALL
                .into_iter()
                .filter(|c| c.is_deliverable())
                .map(ChangeType::as_str)
                .collect();
            problem(
                "eventTypes",
                format!(
                    "{} never reach webhooks (they are steps of a review, not public); \
                     choose among {}",
                    refused.join(" and "),
                    deliverable.join(", ")
                ),
            );
            None
        }
        Some(t) => {
            let mut names: Vec<&str> = t.iter().map(|c| c.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            Some(serde_json::json!(names))
        }
        None => None,
    };
    let description = input.description.map(|d| d.trim().to_owned());
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
    {
        problem(
            "description",
            format!("must be at most {MAX_DESCRIPTION} characters"),
        );
    }
    if problems.is_empty() {
        Ok(Checked {
            url,
            event_types,
            description,
        })
    } else {
        Err(ApiError::Invalid(problems))
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("no webhook endpoint has the ID {id:?}"))
}

/// The endpoint with the public ID `id`, or `NOT_FOUND`.
#[instrument(target = TARGET, name = "store.webhooks.find", skip_all)]
pub async fn find(db: &DatabaseConnection, id: &str) -> Result<webhook_endpoint::Model, ApiError> {
    webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::PublicId.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| not_found(id))
}

fn secret() -> Result<String, ApiError> {
    super::sign::new_secret().ok_or_else(|| {
        tracing::error!("no randomness for a webhook secret");
        ApiError::Internal
    })
}

/// Registers an endpoint; returns it with its secret (shown this once).
#[instrument(target = TARGET, name = "store.webhooks.create", skip_all)]
pub async fn create(
    db: &DatabaseConnection,
    settings: &Settings,
    created_by: &str,
    input: EndpointInput,
) -> Result<(webhook_endpoint::Model, String), ApiError> {
    let mut missing = Vec::new();
    if input.url.is_none() {
        missing.push("url");
    }
    if input.event_types.is_none() {
        missing.push("eventTypes");
    }
    if let Some(field) = missing.first() {
        return Err(ApiError::bad_input(
            &format!("input.{field}"),
            format!("{field} is required"),
        ));
    }
    let checked = check(settings, input).await?;
    if webhook_endpoint::Entity::find().count(db).await? >= MAX_ENDPOINTS {
        return Err(ApiError::Conflict {
            message: format!(
                "at most {MAX_ENDPOINTS} webhook endpoints may be registered; delete one first"
            ),
            current_version: None,
        });
    }
    let secret = secret()?;
    let now = Utc::now();
    let model = webhook_endpoint::ActiveModel {
        id: NotSet,
        public_id: Set(uuid::Uuid::new_v4().to_string()),
        url: Set(checked.url.unwrap_or_default()),
        description: Set(checked.description.unwrap_or_default()),
        event_types: Set(checked.event_types.unwrap_or_default()),
        enabled: Set(true),
        disabled_reason: Set(None),
        secret: Set(secret.clone()),
        previous_secret: Set(None),
        previous_secret_expires_at: Set(None),
        consecutive_failures: Set(0),
        created_by: Set(created_by.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok((model, secret))
}

/// Changes what `input` names; the rest stays.
#[instrument(target = TARGET, name = "store.webhooks.update", skip_all)]
pub async fn update(
    db: &DatabaseConnection,
    settings: &Settings,
    id: &str,
    input: EndpointInput,
) -> Result<webhook_endpoint::Model, ApiError> {
    let current = find(db, id).await?;
    let checked = check(settings, input).await?;
    let mut active = current.into_active_model();
    if let Some(url) = checked.url {
        active.url = Set(url);
    }
    if let Some(types) = checked.event_types {
        active.event_types = Set(types);
    }
    if let Some(d) = checked.description {
        active.description = Set(d);
    }
    active.updated_at = Set(Utc::now());
    Ok(active.update(db).await?)
}

/// Enables or disables an endpoint. A disabled endpoint gets no new events and its pending
/// deliveries wait; enabling it clears its failure count and resumes them at once.
#[instrument(target = TARGET, name = "store.webhooks.set_enabled", skip_all)]
pub async fn set_enabled(
    db: &DatabaseConnection,
    id: &str,
    enabled: bool,
) -> Result<webhook_endpoint::Model, ApiError> {
    let current = find(db, id).await?;
    let txn = db.begin().await?;
    let now = Utc::now();
    let endpoint_id = current.id;
    let mut active = current.into_active_model();
    active.enabled = Set(enabled);
    active.disabled_reason = Set(None);
    if enabled {
        active.consecutive_failures = Set(0);
        webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::NextAttemptAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(webhook_delivery::Column::EndpointId.eq(endpoint_id))
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()))
            .exec(&txn)
            .await?;
    }
    active.updated_at = Set(now);
    let model = active.update(&txn).await?;
    txn.commit().await?;
    Ok(model)
}

/// Deletes an endpoint with its queue and delivery log.
#[instrument(target = TARGET, name = "store.webhooks.delete", skip_all)]
pub async fn delete(db: &DatabaseConnection, id: &str) -> Result<(), ApiError> {
    let current = find(db, id).await?;
    let txn = db.begin().await?;
    let deliveries = webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::Id)
        .filter(webhook_delivery::Column::EndpointId.eq(current.id));
    webhook_attempt::Entity::delete_many()
        .filter(
            webhook_attempt::Column::DeliveryId
                .in_subquery(sea_orm::QueryTrait::into_query(deliveries)),
        )
        .exec(&txn)
        .await?;
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::EndpointId.eq(current.id))
        .exec(&txn)
        .await?;
    webhook_endpoint::Entity::delete_by_id(current.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Replaces the secret; the previous one keeps signing (alongside) for `grace` (the default
/// grace when `None`), so receivers can switch without losing a delivery. Returns the new secret.
#[instrument(target = TARGET, name = "store.webhooks.rotate", skip_all)]
pub async fn rotate(
    db: &DatabaseConnection,
    settings: &Settings,
    id: &str,
    grace_secs: Option<i64>,
) -> Result<(webhook_endpoint::Model, String), ApiError> {
    let grace = match grace_secs {
        None => {
            chrono::Duration::from_std(settings.secret_grace).unwrap_or(chrono::Duration::zero())
        }
        Some(s) if (0..=MAX_GRACE_SECS).contains(&s) => chrono::Duration::seconds(s),
        Some(_) => {
            return Err(ApiError::bad_input(
                "graceSeconds",
                format!("graceSeconds must be between 0 and {MAX_GRACE_SECS} (30 days)"),
            ));
        }
    };
    let current = find(db, id).await?;
    let secret = secret()?;
    let now = Utc::now();
    let previous = current.secret.clone();
    let mut active = current.into_active_model();
    active.secret = Set(secret.clone());
    if grace > chrono::Duration::zero() {
        active.previous_secret = Set(Some(previous));
        active.previous_secret_expires_at = Set(Some(now + grace));
    } else {
        active.previous_secret = Set(None);
        active.previous_secret_expires_at = Set(None);
    }
    active.updated_at = Set(now);
    Ok((active.update(db).await?, secret))
}

/// One page of endpoints, oldest first, and how many there are.
#[instrument(target = TARGET, name = "store.webhooks.list", skip_all)]
pub async fn list(
    db: &DatabaseConnection,
    page: Page,
) -> Result<(Vec<webhook_endpoint::Model>, u64), ApiError> {
    let order = (webhook_endpoint::Column::Id, Order::Asc);
    Ok(page_of(db, webhook_endpoint::Entity::find(), order, page).await?)
}

/// A delivery with its event and attempts.
#[derive(Clone, Debug)]
pub struct DeliveryRecord {
    /// The delivery.
    pub delivery: webhook_delivery::Model,
    /// The event delivered.
    pub event: Option<event::Model>,
    /// Its attempts, first first.
    pub attempts: Vec<webhook_attempt::Model>,
}

/// One page of an endpoint's deliveries, newest first (optionally of one status), with their
/// events and attempts (three queries whatever the page size), and how many there are.
#[instrument(target = TARGET, name = "store.webhooks.deliveries", skip_all)]
pub async fn deliveries(
    db: &DatabaseConnection,
    endpoint_id: i32,
    status: Option<DeliveryStatus>,
    page: Page,
) -> Result<(Vec<DeliveryRecord>, u64), ApiError> {
    let mut q = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint_id));
    if let Some(s) = status {
        q = q.filter(webhook_delivery::Column::Status.eq(s.as_str()));
    }
    let order = (webhook_delivery::Column::Id, Order::Desc);
    let (rows, total) = page_of(db, q, order, page).await?;
    let mut events: HashMap<i32, event::Model> = event::Entity::find()
        .filter(event::Column::Id.is_in(rows.iter().map(|d| d.event_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let mut attempts: HashMap<i32, Vec<webhook_attempt::Model>> = HashMap::new();
    for a in webhook_attempt::Entity::find()
        .filter(webhook_attempt::Column::DeliveryId.is_in(rows.iter().map(|d| d.id)))
        .order_by_asc(webhook_attempt::Column::Id)
        .all(db)
        .await?
    {
        attempts.entry(a.delivery_id).or_default().push(a);
    }
    let records = rows
        .into_iter()
        .map(|d| DeliveryRecord {
            event: events.remove(&d.event_id),
            attempts: attempts.remove(&d.id).unwrap_or_default(),
            delivery: d,
        })
        .collect();
    Ok((records, total))
}
