//! The static-bytes baseline of `bench/portal.py`: an axum server that answers
//! `/<n>` (GET or POST) with the bytes of the n-th file given on the command line, held in
//! memory, as `application/json`. It measures what this machine can push for the same response
//! bytes with the same HTTP stack, and nothing else.
//!
//! Usage: `static_bytes ADDR FILE...` (for example `static_bytes 127.0.0.1:18500 a.json b.json`),
//! then `curl http://127.0.0.1:18500/0`.

use std::net::SocketAddr;

use axum::{
    Router,
    body::Bytes,
    http::{StatusCode, header},
    response::IntoResponse,
    routing::any,
};

/// The allocator `plan-api` uses, so that the baseline differs from it only in what it does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr: SocketAddr = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: static_bytes ADDR FILE..."))?
        .parse()?;
    let mut router = Router::new();
    for (index, path) in args.enumerate() {
        let bytes = Bytes::from(std::fs::read(&path)?);
        router = router.route(
            &format!("/{index}"),
            any(move || {
                let bytes = bytes.clone();
                async move {
                    (
                        StatusCode::OK,
                        [(header::CONTENT_TYPE, "application/json")],
                        bytes,
                    )
                        .into_response()
                }
            }),
        );
    }
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("static bytes listening on http://{addr}/");
    axum::serve(listener, router).await?;
    Ok(())
}
