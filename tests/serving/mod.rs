//! Production serving: abuse limits, GraphQL over HTTP, CORS, compression, readiness,
//! metrics, configuration and database faults.

mod config;
mod http;
mod limits;
mod operations;
mod panics;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestApp, token};

fn post_raw(body: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut b = Request::post("/graphql");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body.to_owned())).expect("request")
}
