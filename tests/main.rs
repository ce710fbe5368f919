//! Integration tests: every test drives the real HTTP router against its own fresh database,
//! migrated and seeded from `data/` exactly as `plan-api serve` does.

mod common;

mod api;
mod content;
mod schema;
mod search;
mod seed;
