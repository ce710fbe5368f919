//! The open API of the AMB's Internationalisation Plan: library side of the `plan-api` binary.
//!
//! One request flows in one direction: HTTP ([`app`]) → language ([`i18n`]) → GraphQL
//! resolvers ([`graphql`]) → per-request loaders ([`loaders`]) and queries ([`store`]) →
//! database. Nothing flows back: the store knows nothing of GraphQL, GraphQL nothing of HTTP.

pub mod app;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod documents;
pub mod embed;
pub mod error;
pub mod events;
pub mod exports;
pub mod fold;
pub mod generation;
pub mod graphiql;
pub mod graphql;
pub mod http_cache;
pub mod i18n;
pub mod ids;
pub mod limits;
pub mod loaders;
pub mod metrics;
pub mod monitoring;
pub mod pagination;
pub mod persisted;
pub mod policy;
pub mod relations;
pub mod response_cache;
pub mod seed;
pub mod server;
pub mod snapshot;
pub mod store;
pub mod subscriptions;
pub mod telemetry;
pub mod traces;
pub mod webhooks;

pub use app::{AppState, ops_router, router};
pub use config::Config;
pub use error::ApiError;
