//! Sending spans to the collector without ever making a request wait for it.
//!
//! A finished span is put in a bounded queue with `try_send`: when the queue is full (the
//! collector is slow, unreachable or refusing), the span is dropped and counted in
//! `plan_api_trace_spans_dropped_total{reason="queue_full"}`; nothing blocks. One task on the
//! server's runtime takes spans off the queue in batches (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, at
//! the latest every `OTEL_BSP_SCHEDULE_DELAY`) and sends one batch at a time, each within
//! `OTEL_BSP_EXPORT_TIMEOUT`; a batch that fails is dropped and counted
//! (`reason="export_failed"`). So at most `OTEL_BSP_MAX_QUEUE_SIZE` spans wait, and one batch
//! is in flight.
//!
//! The SDK's own batch processor has the same bounds but keeps its dropped count to itself
//! and sends from a thread of its own with a blocking HTTP client; this one reports to
//! `/metrics` and sends with the async client the webhooks use.

use std::time::{Duration, Instant};

use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter as _, SpanProcessor};
use tokio::sync::{mpsc, watch};

use super::Settings;

/// The span processor: the sending end of the queue.
pub(super) struct Queue {
    spans: mpsc::Sender<SpanData>,
    /// `plan_api_trace_spans_dropped_total` for a full queue and a stopped exporter.
    full: metrics::Counter,
    stopped: metrics::Counter,
}

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queue")
            .field("room", &self.spans.capacity())
            .finish()
    }
}

/// The exporting task, and how to stop it.
pub(super) struct Exporting {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

/// How long the last batches may take to go out when the process stops.
const FINISH_WITHIN: Duration = Duration::from_secs(5);

/// How often a collector that keeps failing is mentioned in the log.
const WARN_EVERY: Duration = Duration::from_secs(60);

impl Exporting {
    /// Sends what is queued (within [`FINISH_WITHIN`]) and ends the task.
    pub(super) async fn finish(self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(FINISH_WITHIN, self.task)
            .await
            .is_err()
        {
            tracing::warn!("the last spans were not exported before the stop");
        }
    }
}

/// The queue and its exporting task, sending to `endpoint` (an OTLP/HTTP traces URL).
pub(super) fn start(
    endpoint: &str,
    settings: &Settings,
    resource: &opentelemetry_sdk::Resource,
) -> anyhow::Result<(Queue, Exporting)> {
    // The webhooks install the same provider; one per process, whoever is first.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .user_agent(concat!("plan-api/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| anyhow::anyhow!("cannot build the HTTP client for traces: {e}"))?;
    let mut exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(client)
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(endpoint)
        .with_timeout(settings.timeout)
        .with_headers(settings.headers.iter().cloned().collect())
        .build()
        .map_err(|e| anyhow::anyhow!("OTEL_EXPORTER_OTLP_ENDPOINT: {e}"))?;
    exporter.set_resource(resource);
    crate::metrics::trace_export_started();
    let (spans, queued) = mpsc::channel(settings.max_queue);
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(run(
        exporter,
        queued,
        stopped,
        settings.max_batch,
        settings.delay,
        settings.export_timeout,
    ));
    let queue = Queue {
        spans,
        full: crate::metrics::trace_spans_dropped_counter("queue_full"),
        stopped: crate::metrics::trace_spans_dropped_counter("stopped"),
    };
    Ok((queue, Exporting { stop, task }))
}

impl SpanProcessor for Queue {
    fn on_start(&self, _span: &mut opentelemetry_sdk::trace::Span, _cx: &opentelemetry::Context) {}

    fn on_end(&self, span: SpanData) {
        // Recorded but not sampled (no sampler here decides so): nothing to send.
        if !span.span_context.is_sampled() {
            return;
        }
        match self.spans.try_send(span) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => self.full.increment(1),
            Err(mpsc::error::TrySendError::Closed(_)) => self.stopped.increment(1),
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        // The queue is drained by `Exporting::finish`, which can wait without blocking a
        // runtime thread.
        Ok(())
    }
}

async fn run(
    exporter: opentelemetry_otlp::SpanExporter,
    mut queued: mpsc::Receiver<SpanData>,
    mut stopped: watch::Receiver<bool>,
    max_batch: usize,
    delay: Duration,
    export_timeout: Duration,
) {
    let mut failures = Failures::default();
    let mut batch = Vec::with_capacity(max_batch);
    loop {
        let deadline = tokio::time::sleep(delay);
        tokio::pin!(deadline);
        let mut stopping = false;
        while batch.len() < max_batch {
            tokio::select! {
                received = queued.recv() => match received {
                    Some(span) => batch.push(span),
                    None => { stopping = true; break; }
                },
                () = &mut deadline => break,
                _ = stopped.changed() => { stopping = true; break; }
            }
        }
        if stopping {
            // What is queued now goes out, in batches, and nothing after.
            queued.close();
            while let Some(span) = queued.recv().await {
                batch.push(span);
                if batch.len() == max_batch {
                    send(&exporter, &mut batch, export_timeout, &mut failures).await;
                }
            }
            send(&exporter, &mut batch, export_timeout, &mut failures).await;
            return;
        }
        send(&exporter, &mut batch, export_timeout, &mut failures).await;
    }
}

/// Export failures, for a log line that neither repeats on every batch nor stays silent.
#[derive(Default)]
struct Failures {
    since_warned: u64,
    warned_at: Option<Instant>,
}

async fn send(
    exporter: &opentelemetry_otlp::SpanExporter,
    batch: &mut Vec<SpanData>,
    within: Duration,
    failures: &mut Failures,
) {
    if batch.is_empty() {
        return;
    }
    let spans = std::mem::take(batch);
    let n = spans.len() as u64;
    let error = match tokio::time::timeout(within, exporter.export(spans)).await {
        Ok(Ok(())) => {
            crate::metrics::trace_spans_exported(n);
            return;
        }
        Ok(Err(err)) => err.to_string(),
        Err(_) => format!("no answer within {} ms", within.as_millis()),
    };
    crate::metrics::trace_spans_dropped("export_failed", n);
    crate::metrics::trace_export_failed();
    failures.since_warned += 1;
    if failures
        .warned_at
        .is_none_or(|at| at.elapsed() >= WARN_EVERY)
    {
        tracing::warn!(
            %error,
            failed_exports = failures.since_warned,
            "cannot export traces to the collector; their spans are dropped (see plan_api_trace_spans_dropped_total)"
        );
        failures.since_warned = 0;
        failures.warned_at = Some(Instant::now());
    }
}
