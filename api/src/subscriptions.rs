//! GraphQL subscriptions over WebSocket on `/graphql`, in the `graphql-transport-ws` protocol
//! (what the `graphql-ws` client and GraphiQL speak).
//!
//! The token comes in `connection_init` (`{"Authorization": "Bearer …"}`) and is checked by the
//! same verifier as HTTP requests; a bad one closes the connection (4403). Each client address
//! may hold `PLAN_API_WS_MAX_CONNECTIONS_PER_CLIENT` connections, each running
//! `PLAN_API_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION` subscriptions. The server pings every
//! `PLAN_API_WS_KEEPALIVE_SECS`; a connection silent for three intervals is closed.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::Data;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::FromRequestParts;
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};

use crate::auth::Verifier;
use crate::config::Config;
use crate::graphql::{PlanSchema, SubscriptionSlots};

/// The subprotocol spoken.
const PROTOCOL: &str = "graphql-transport-ws";

/// Whether a request asks to become a WebSocket.
pub fn is_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Open WebSocket connections per client address.
#[derive(Debug, Default)]
pub struct ClientCount(Mutex<HashMap<IpAddr, usize>>);

/// A connection's place in [`ClientCount`], given back when it closes.
pub struct ClientSlot {
    count: Arc<ClientCount>,
    address: Option<IpAddr>,
}

impl ClientCount {
    fn enter(self: &Arc<Self>, address: Option<IpAddr>, max: usize) -> Option<ClientSlot> {
        if let Some(ip) = address {
            let mut map = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let n = map.entry(ip).or_insert(0);
            if *n >= max {
                return None;
            }
            *n += 1;
        }
        Some(ClientSlot {
            count: self.clone(),
            address,
        })
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        if let Some(ip) = self.address {
            let mut map = self
                .count
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(n) = map.get_mut(&ip) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    map.remove(&ip);
                }
            }
        }
    }
}

fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// What a subscription connection needs from the server: just these parts, so that this module
/// does not depend on the router's state (`app`), which calls it.
#[derive(Clone)]
pub struct SubscriptionsState {
    /// The GraphQL schema the subscriptions run in.
    pub schema: PlanSchema,
    /// The database pool (for `connection_init`'s token).
    pub db: sea_orm::DatabaseConnection,
    /// Bearer token verification.
    pub verifier: Arc<Verifier>,
    /// The configuration (connection and subscription limits, keep-alive).
    pub config: Arc<Config>,
    /// Open connections per client address.
    pub ws_clients: Arc<ClientCount>,
}

/// Upgrades a `GET /graphql` with `Upgrade: websocket` to a subscription connection.
pub async fn upgrade(
    state: SubscriptionsState,
    request: axum::extract::Request,
    address: Option<IpAddr>,
) -> Response {
    let (mut parts, _body) = request.into_parts();
    let offered = parts
        .headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !offered.split(',').any(|p| p.trim() == PROTOCOL) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "WebSocket connections must offer the graphql-transport-ws subprotocol",
        );
    }
    // The one protocol spoken, whatever else the client offered besides.
    parts.headers.insert(
        header::SEC_WEBSOCKET_PROTOCOL,
        header::HeaderValue::from_static(PROTOCOL),
    );
    let Ok(protocol) = GraphQLProtocol::from_request_parts(&mut parts, &()).await else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "unknown subprotocol",
        );
    };
    let ws = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    let config = state.config.clone();
    let Some(slot) = state
        .ws_clients
        .enter(address, config.ws_max_connections_per_client)
    else {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            &format!(
                "at most {} subscription connections may be open at once from one address",
                config.ws_max_connections_per_client
            ),
        );
    };
    let limit = config.max_query_bytes.max(4096) * 2;
    ws.protocols([PROTOCOL])
        .max_message_size(limit)
        .max_frame_size(limit)
        .on_upgrade(move |socket| async move {
            let keepalive = Duration::from_secs(config.ws_keepalive_secs);
            let (mut sink, stream) = socket.split();
            // The GraphQL side writes into a channel; one writer merges it with the pings.
            let (tx, mut rx) = tokio::sync::mpsc::channel::<Message>(64);
            let writer = tokio::spawn(async move {
                let mut ticker = tokio::time::interval(keepalive);
                ticker.tick().await;
                loop {
                    let message = tokio::select! {
                        m = rx.recv() => match m {
                            Some(m) => m,
                            None => break,
                        },
                        _ = ticker.tick() => Message::Text(r#"{"type":"ping"}"#.into()),
                    };
                    if sink.send(message).await.is_err() {
                        break;
                    }
                }
                let _ = sink.close().await;
            });
            // async-graphql closes a refused `connection_init` with 1002; the protocol says
            // 4403 (Forbidden), which is what clients such as graphql-ws act on.
            let refused = Arc::new(AtomicBool::new(false));
            let refused_out = refused.clone();
            let out = futures_util::sink::unfold(tx, move |tx, message: Message| {
                let refused = refused_out.clone();
                async move {
                    let message = match message {
                        Message::Close(Some(mut frame))
                            if frame.code == 1002 && refused.load(Ordering::Acquire) =>
                        {
                            frame.code = 4403;
                            Message::Close(Some(frame))
                        }
                        other => other,
                    };
                    tx.send(message)
                        .await
                        .map(|()| tx)
                        .map_err(|_| axum::Error::new("the connection is closed"))
                }
            });
            let verifier = state.verifier.clone();
            let db = state.db.clone();
            let max_subscriptions = config.ws_max_subscriptions_per_connection;
            GraphQLWebSocket::new_with_pair(out, stream, state.schema.clone(), protocol)
                .keepalive_timeout(keepalive * 3)
                .on_connection_init(move |payload| async move {
                    let viewer = verifier
                        .viewer_from_connection_init(&db, &payload)
                        .await
                        .map_err(|e| {
                            refused.store(true, Ordering::Release);
                            async_graphql::Error::new(e.to_string())
                        })?;
                    let mut data = Data::default();
                    data.insert(viewer);
                    data.insert(SubscriptionSlots::new(max_subscriptions));
                    Ok(data)
                })
                .serve()
                .await;
            let _ = writer.await;
            drop(slot);
        })
}
