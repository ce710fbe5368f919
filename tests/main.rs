//! Integration tests: every test drives the real HTTP router against its own fresh database,
//! migrated and seeded from `data/` exactly as `plan-api serve` does.

#![expect(
    clippy::expect_used,
    reason = "a broken fixture should fail the test loudly, outside #[test] fns too"
)]

mod common;

mod api;
mod auth;
mod bounded;
mod caching;
mod changes;
mod check;
mod content;
mod demo;
mod documents;
mod embed;
mod exports;
mod i18n;
mod introspection;
mod layering;
mod leaks;
mod linked;
mod monitoring;
mod permissions;
mod plans;
mod processes;
mod readme;
mod scale;
mod schema;
mod search;
mod seed;
mod serving;
mod snapshot;
mod statements;
mod traces;
mod upgrade;
mod webhooks;
