//! Webhook endpoints and their delivery log (coordinators only): a thin layer over
//! [`crate::webhooks`], which decides.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::{webhook_attempt, webhook_endpoint};

use super::changes::Change;
use super::db;
use super::scalars::DateTime;
use crate::error::ApiError;
use crate::events::ChangeType;
use crate::policy::{self, Operation, PolicyGuard};
use crate::webhooks::store::{self, DeliveryRecord, EndpointInput};
use crate::webhooks::{self, DeliveryErrorClass, DeliveryStatus, Settings};

/// A URL the service POSTs changes to, signed as the Standard Webhooks specification says.
pub struct WebhookEndpoint(webhook_endpoint::Model);

/// A URL the service POSTs changes to, signed as the Standard Webhooks specification says.
#[Object]
impl WebhookEndpoint {
    /// The endpoint's ID.
    async fn id(&self) -> ID {
        ID(self.0.public_id.clone())
    }
    /// Where deliveries are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// What the endpoint is for.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The change types delivered to it (public changes only: what anonymous callers see in
    /// the change feed).
    async fn event_types(&self) -> Vec<ChangeType> {
        webhooks::stored_types(&self.0)
    }
    /// Whether new changes are queued for it and deliveries attempted.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    /// Why the service disabled it (after repeated failure); null when enabled or disabled by a
    /// coordinator.
    async fn disabled_reason(&self) -> Option<&str> {
        self.0.disabled_reason.as_deref()
    }
    /// Failed attempts since the last successful delivery.
    async fn consecutive_failures(&self) -> i32 {
        self.0.consecutive_failures
    }
    /// Until when the secret replaced by the last rotation still signs deliveries (alongside the
    /// new one); null when only the current secret signs.
    async fn previous_secret_expires_at(&self) -> Option<DateTime> {
        self.0
            .previous_secret_expires_at
            .filter(|t| *t > chrono::Utc::now())
            .map(DateTime)
    }
    /// When it was registered.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it was last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// The delivery log, newest first: each change queued for this endpoint, its status and
    /// every attempt.
    #[graphql(complexity = "super::list_cost(first, child_complexity)")]
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (default 20, at most the server's page size cap).")]
        first: Option<i32>,
        #[graphql(desc = "A cursor from an earlier page: only what came after it.")] after: Option<
            String,
        >,
        #[graphql(desc = "Only deliveries in this status.")] status: Option<DeliveryStatus>,
    ) -> Result<WebhookDeliveryConnection, ApiError> {
        let page = super::page(ctx, first, after.as_deref())?;
        let (rows, total) = store::deliveries(db(ctx)?, self.0.id, status, page).await?;
        Ok(WebhookDeliveryConnection::new(
            rows.into_iter().map(WebhookDelivery).collect(),
            page,
            total,
        ))
    }
}

/// One change queued for one endpoint, and what became of it.
pub struct WebhookDelivery(DeliveryRecord);

/// One change queued for one endpoint, and what became of it.
#[Object]
impl WebhookDelivery {
    /// The `webhook-id` header sent with every attempt of this delivery (receivers use it to
    /// drop duplicates).
    async fn id(&self) -> ID {
        ID(self.0.delivery.message_id.clone())
    }
    /// The change delivered, as the feed shows it to coordinators: its `sequence` is the
    /// log's own, while the body sent carries the public feed's number and cursor.
    async fn change(&self) -> Option<Change> {
        self.0.event.clone().map(Change::in_whole_log)
    }
    /// Where it stands.
    async fn status(&self) -> Result<DeliveryStatus, ApiError> {
        DeliveryStatus::from_stored(&self.0.delivery.status).ok_or(ApiError::Internal)
    }
    /// Attempts made so far, counting one whose outcome was never recorded (its worker died
    /// while the receiver had the request; it was sent again after the worker's lease ran out),
    /// which `attempts` does not list.
    async fn attempt_count(&self) -> i32 {
        // The claims, not the recorded outcomes: an attempt cut off by a crash reached the
        // receiver all the same, and its number is missing from `attempts`.
        self.0.delivery.attempts
    }
    /// Every attempt whose outcome was recorded, first first.
    async fn attempts(&self) -> Vec<WebhookAttempt> {
        self.0
            .attempts
            .iter()
            .cloned()
            .map(WebhookAttempt)
            .collect()
    }
    /// When the next attempt is due; null once delivered or given up.
    async fn next_attempt_at(&self) -> Option<DateTime> {
        (self.0.delivery.status == DeliveryStatus::Pending.as_str())
            .then_some(DateTime(self.0.delivery.next_attempt_at))
    }
    /// When it was queued (in the transaction of its change).
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.delivery.created_at)
    }
    /// When it was delivered or given up.
    async fn completed_at(&self) -> Option<DateTime> {
        self.0.delivery.completed_at.map(DateTime)
    }
}

/// One attempt at a delivery.
pub struct WebhookAttempt(webhook_attempt::Model);

/// One attempt at a delivery.
#[Object]
impl WebhookAttempt {
    /// 1 for the first attempt.
    async fn number(&self) -> i32 {
        self.0.number
    }
    /// When it was made.
    async fn attempted_at(&self) -> DateTime {
        DateTime(self.0.attempted_at)
    }
    /// How long it took, in milliseconds.
    async fn duration_ms(&self) -> i32 {
        self.0.duration_ms
    }
    /// The HTTP status the receiver answered with; null when it did not answer.
    async fn status_code(&self) -> Option<i32> {
        self.0.status_code
    }
    /// Whether the receiver answered 2xx.
    async fn succeeded(&self) -> bool {
        self.0.error_class.is_none()
    }
    /// Why it failed; null when it succeeded.
    async fn error_class(&self) -> Option<DeliveryErrorClass> {
        self.0
            .error_class
            .as_deref()
            .and_then(DeliveryErrorClass::from_stored)
    }
    /// A short description of the failure (never the receiver's answer).
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
}

crate::connection!(
    WebhookEndpointConnection,
    WebhookEndpointEdge,
    WebhookEndpoint,
    "A page of webhook endpoints, oldest first.",
    "A webhook endpoint in a page."
);

crate::connection!(
    WebhookDeliveryConnection,
    WebhookDeliveryEdge,
    WebhookDelivery,
    "A page of an endpoint's delivery log, newest first.",
    "A delivery in a page of the log."
);

/// A new webhook endpoint.
#[derive(InputObject)]
pub struct CreateWebhookEndpointInput {
    /// Where to POST changes: an `https` URL whose host resolves to public addresses; the
    /// final URL (redirects are not followed).
    pub url: String,
    /// The change types to deliver (at least one). Only public changes are delivered, so the
    /// types about unpublished records (`RECORD_SUBMITTED`, `RECORD_RETURNED`) are refused.
    pub event_types: Vec<ChangeType>,
    /// What the endpoint is for (at most 500 characters).
    #[graphql(default)]
    pub description: String,
}

/// Changes to a webhook endpoint; what is left out stays as it is.
#[derive(InputObject)]
pub struct UpdateWebhookEndpointInput {
    /// A new URL (same rules as at creation).
    pub url: Option<String>,
    /// A new list of change types (at least one; the same types as at creation).
    pub event_types: Option<Vec<ChangeType>>,
    /// A new description.
    pub description: Option<String>,
}

/// An endpoint with its signing secret, shown this once.
#[derive(SimpleObject)]
pub struct WebhookEndpointWithSecret {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// The signing secret (`whsec_` + base64, the Standard Webhooks format). It is not shown
    /// again: store it in the receiving system now.
    pub secret: String,
}

/// What a deletion removed.
#[derive(SimpleObject)]
pub struct DeletedWebhookEndpoint {
    /// The ID of the endpoint deleted (with its queue and delivery log).
    pub id: ID,
}

fn settings<'a>(ctx: &Context<'a>) -> Result<&'a Settings, ApiError> {
    ctx.data::<Arc<Settings>>()
        .map(|s| s.as_ref())
        .map_err(|_| ApiError::Internal)
}

/// Reading webhook endpoints.
#[derive(Default)]
pub struct WebhooksQuery;

/// Reading webhook endpoints.
#[Object]
impl WebhooksQuery {
    /// The registered webhook endpoints, oldest first (coordinators). Secrets are never shown
    /// here.
    #[graphql(
        guard = "PolicyGuard(Operation::ManageWebhooks)",
        complexity = "first.unwrap_or(20).max(0) as usize * child_complexity"
    )]
    async fn webhook_endpoints(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (default 20, at most the server's page size cap).")]
        first: Option<i32>,
        #[graphql(desc = "A cursor from an earlier page: only what came after it.")] after: Option<
            String,
        >,
    ) -> Result<WebhookEndpointConnection, ApiError> {
        let page = super::page(ctx, first, after.as_deref())?;
        let (rows, total) = store::list(db(ctx)?, page).await?;
        Ok(WebhookEndpointConnection::new(
            rows.into_iter().map(WebhookEndpoint).collect(),
            page,
            total,
        ))
    }

    /// One webhook endpoint by ID (coordinators); `NOT_FOUND` when there is none.
    #[graphql(guard = "PolicyGuard(Operation::ManageWebhooks)")]
    async fn webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's ID.")] id: ID,
    ) -> Result<WebhookEndpoint, ApiError> {
        Ok(WebhookEndpoint(store::find(db(ctx)?, &id).await?))
    }
}

/// Managing webhook endpoints (coordinators).
#[derive(Default)]
pub struct WebhooksMutation;

/// Managing webhook endpoints (coordinators).
#[Object]
impl WebhooksMutation {
    /// Registers an endpoint. Public changes of the chosen types are queued for it from now on
    /// and POSTed signed. The answer holds the signing secret, which is not shown again.
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint.")] input: CreateWebhookEndpointInput,
    ) -> Result<WebhookEndpointWithSecret, ApiError> {
        let viewer = policy::viewer(ctx);
        policy::check(viewer, Operation::ManageWebhooks, None)?;
        let input = EndpointInput {
            url: Some(input.url),
            event_types: Some(input.event_types),
            description: Some(input.description),
        };
        let subject = viewer.sub.as_deref().unwrap_or("unknown");
        let (model, secret) = store::create(db(ctx)?, settings(ctx)?, subject, input).await?;
        Ok(WebhookEndpointWithSecret {
            endpoint: WebhookEndpoint(model),
            secret,
        })
    }

    /// Changes an endpoint's URL, change types or description. Deliveries already queued keep
    /// going to it (to the new URL).
    async fn update_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's ID.")] id: ID,
        #[graphql(desc = "What to change.")] input: UpdateWebhookEndpointInput,
    ) -> Result<WebhookEndpoint, ApiError> {
        policy::check(policy::viewer(ctx), Operation::ManageWebhooks, None)?;
        let input = EndpointInput {
            url: input.url,
            event_types: input.event_types,
            description: input.description,
        };
        Ok(WebhookEndpoint(
            store::update(db(ctx)?, settings(ctx)?, &id, input).await?,
        ))
    }

    /// Stops queuing changes for an endpoint; its pending deliveries wait until it is enabled
    /// again. A consumer catches up on what it missed from the change feed (`changes(after:)`
    /// with the last `cursor` it received).
    async fn disable_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's ID.")] id: ID,
    ) -> Result<WebhookEndpoint, ApiError> {
        set_enabled(ctx, &id, false).await
    }

    /// Enables an endpoint again (also one the service disabled after repeated failure): its
    /// failure count is cleared and its pending deliveries are attempted at once.
    async fn enable_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's ID.")] id: ID,
    ) -> Result<WebhookEndpoint, ApiError> {
        set_enabled(ctx, &id, true).await
    }

    /// Deletes an endpoint with its queue and delivery log.
    async fn delete_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's ID.")] id: ID,
    ) -> Result<DeletedWebhookEndpoint, ApiError> {
        policy::check(policy::viewer(ctx), Operation::ManageWebhooks, None)?;
        store::delete(db(ctx)?, &id).await?;
        Ok(DeletedWebhookEndpoint { id })
    }

    /// Replaces an endpoint's signing secret. The previous secret keeps signing alongside the
    /// new one for the grace period (`webhook-signature` then carries two signatures), so the
    /// receiver can switch to the new secret without a delivery failing verification. The
    /// answer holds the new secret, which is not shown again.
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's ID.")] id: ID,
        #[graphql(
            desc = "Seconds the previous secret keeps signing (0 to 2592000); the server's \
                    default (24 hours unless configured) when omitted; 0 stops it at once."
        )]
        grace_seconds: Option<i64>,
    ) -> Result<WebhookEndpointWithSecret, ApiError> {
        policy::check(policy::viewer(ctx), Operation::ManageWebhooks, None)?;
        let (model, secret) = store::rotate(db(ctx)?, settings(ctx)?, &id, grace_seconds).await?;
        Ok(WebhookEndpointWithSecret {
            endpoint: WebhookEndpoint(model),
            secret,
        })
    }
}

/// Disables or enables the endpoint `id` (the viewer must manage webhooks).
async fn set_enabled(
    ctx: &Context<'_>,
    id: &ID,
    enabled: bool,
) -> Result<WebhookEndpoint, ApiError> {
    policy::check(policy::viewer(ctx), Operation::ManageWebhooks, None)?;
    Ok(WebhookEndpoint(
        store::set_enabled(db(ctx)?, id, enabled).await?,
    ))
}
