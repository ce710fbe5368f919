//! HTTP behaviour, errors, pagination, Relay IDs, languages and query efficiency.

mod endpoints;
mod errors;
mod lists;
mod nodes;
mod plan_tree;

use axum::http::StatusCode;
use serde_json::json;

use crate::common::{Reply, TestApp, data_count, data_file, strings};
