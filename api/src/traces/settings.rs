//! The trace settings: OpenTelemetry's standard `OTEL_*` variables, read and checked once at
//! start beside the rest of the configuration, so that a typo stops the start with a message
//! naming the variable instead of silently exporting nothing.
//!
//! Only what this service supports is accepted: OTLP over HTTP/protobuf, and the samplers of
//! the specification that need no remote service. Header values (often a collector's API key)
//! are kept out of `Debug` and out of every message.

use std::time::Duration;

/// Which traces are recorded (and exported): `OTEL_TRACES_SAMPLER` and its argument.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sampling {
    /// `always_on`: every trace, whatever the caller decided.
    AlwaysOn,
    /// `always_off`: none.
    AlwaysOff,
    /// `traceidratio`: this share of traces, by trace id, whatever the caller decided.
    TraceIdRatio(f64),
    /// `parentbased_always_on` (the default): the caller's decision, every trace this service
    /// starts.
    ParentBasedAlwaysOn,
    /// `parentbased_always_off`: the caller's decision, none of the traces this service starts.
    ParentBasedAlwaysOff,
    /// `parentbased_traceidratio`: the caller's decision, this share of the traces this service
    /// starts.
    ParentBasedTraceIdRatio(f64),
}

/// Where and how spans are exported, and which are recorded.
#[derive(Clone, PartialEq)]
pub struct Settings {
    /// The collector's OTLP/HTTP traces URL (`…/v1/traces`); `None`: nothing is exported (trace
    /// context is still read from requests, returned and passed on to webhooks).
    pub endpoint: Option<String>,
    /// `service.name` of the exported spans.
    pub service_name: String,
    /// Which traces are recorded.
    pub sampling: Sampling,
    /// Extra headers of the export requests (`OTEL_EXPORTER_OTLP_HEADERS`), decoded.
    pub headers: Vec<(String, String)>,
    /// How long one export request may take.
    pub timeout: Duration,
    /// Most finished spans waiting for export; more are dropped (and counted).
    pub max_queue: usize,
    /// Most spans sent in one export request.
    pub max_batch: usize,
    /// Longest wait before the spans waiting are sent.
    pub delay: Duration,
    /// How long one export may take, its retries included.
    pub export_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            endpoint: None,
            service_name: "plan-api".to_owned(),
            sampling: Sampling::ParentBasedAlwaysOn,
            headers: Vec::new(),
            timeout: Duration::from_secs(10),
            max_queue: 2048,
            max_batch: 512,
            delay: Duration::from_secs(5),
            export_timeout: Duration::from_secs(30),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Settings")
            .field("endpoint", &self.endpoint)
            .field("service_name", &self.service_name)
            .field("sampling", &self.sampling)
            .field("header_names", &header_names)
            .field("timeout", &self.timeout)
            .field("max_queue", &self.max_queue)
            .field("max_batch", &self.max_batch)
            .field("delay", &self.delay)
            .field("export_timeout", &self.export_timeout)
            .finish()
    }
}

impl Settings {
    /// The settings the `OTEL_*` variables among `vars` give (the others are ignored).
    pub fn from_vars<'a>(
        vars: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> anyhow::Result<Settings> {
        let vars: std::collections::HashMap<&str, &str> = vars
            .into_iter()
            .filter(|(name, value)| name.starts_with("OTEL_") && !value.trim().is_empty())
            .map(|(name, value)| (name, value.trim()))
            .collect();
        let get = |name: &str| vars.get(name).copied();
        // The traces-specific variable wins over the general one, as the specification says.
        let either = |traces: &'static str, general: &'static str| {
            get(traces)
                .map(|v| (traces, v))
                .or_else(|| get(general).map(|v| (general, v)))
        };
        let mut s = Settings::default();
        if let Some(name) = get("OTEL_SERVICE_NAME") {
            s.service_name = name.to_owned();
        }
        s.sampling = sampling(get("OTEL_TRACES_SAMPLER"), get("OTEL_TRACES_SAMPLER_ARG"))?;
        let exporting = match get("OTEL_TRACES_EXPORTER") {
            None | Some("otlp") => true,
            Some("none") => false,
            Some(other) => anyhow::bail!(
                "OTEL_TRACES_EXPORTER={other} is not supported: use otlp (the default) or none"
            ),
        };
        let disabled = match get("OTEL_SDK_DISABLED") {
            None => false,
            Some(v) if v.eq_ignore_ascii_case("true") => true,
            Some(v) if v.eq_ignore_ascii_case("false") => false,
            Some(_) => anyhow::bail!("OTEL_SDK_DISABLED must be true or false"),
        };
        if let Some((name, protocol)) = either(
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
            "OTEL_EXPORTER_OTLP_PROTOCOL",
        ) {
            anyhow::ensure!(
                protocol == "http/protobuf",
                "{name}={protocol} is not supported: traces are exported over http/protobuf \
                 (an OpenTelemetry Collector or Jaeger listens for it on port 4318)"
            );
        }
        let endpoint = match (
            get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
            get("OTEL_EXPORTER_OTLP_ENDPOINT"),
        ) {
            (Some(url), _) => Some(checked_url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", url)?),
            (None, Some(base)) => {
                let base = checked_url("OTEL_EXPORTER_OTLP_ENDPOINT", base)?;
                Some(format!("{}/v1/traces", base.trim_end_matches('/')))
            }
            (None, None) => None,
        };
        s.endpoint = endpoint.filter(|_| exporting && !disabled);
        if let Some((name, value)) = either(
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
            "OTEL_EXPORTER_OTLP_HEADERS",
        ) {
            s.headers = headers(name, value)?;
        }
        if let Some((name, value)) = either(
            "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
            "OTEL_EXPORTER_OTLP_TIMEOUT",
        ) {
            s.timeout = millis(name, value)?;
        }
        if let Some(v) = get("OTEL_BSP_MAX_QUEUE_SIZE") {
            s.max_queue = count("OTEL_BSP_MAX_QUEUE_SIZE", v)?;
        }
        if let Some(v) = get("OTEL_BSP_MAX_EXPORT_BATCH_SIZE") {
            s.max_batch = count("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", v)?;
        }
        // As the specification says: a batch never holds more than the queue.
        s.max_batch = s.max_batch.min(s.max_queue);
        if let Some(v) = get("OTEL_BSP_SCHEDULE_DELAY") {
            s.delay = millis("OTEL_BSP_SCHEDULE_DELAY", v)?;
        }
        if let Some(v) = get("OTEL_BSP_EXPORT_TIMEOUT") {
            s.export_timeout = millis("OTEL_BSP_EXPORT_TIMEOUT", v)?;
        }
        Ok(s)
    }
}

fn sampling(name: Option<&str>, arg: Option<&str>) -> anyhow::Result<Sampling> {
    let ratio = || -> anyhow::Result<f64> {
        match arg {
            None => Ok(1.0),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|r| (0.0..=1.0).contains(r))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "OTEL_TRACES_SAMPLER_ARG must be a number between 0 and 1 (the share of \
                         traces recorded), not {v:?}"
                    )
                }),
        }
    };
    Ok(match name.unwrap_or("parentbased_always_on") {
        "always_on" => Sampling::AlwaysOn,
        "always_off" => Sampling::AlwaysOff,
        "traceidratio" => Sampling::TraceIdRatio(ratio()?),
        "parentbased_always_on" => Sampling::ParentBasedAlwaysOn,
        "parentbased_always_off" => Sampling::ParentBasedAlwaysOff,
        "parentbased_traceidratio" => Sampling::ParentBasedTraceIdRatio(ratio()?),
        other => anyhow::bail!(
            "OTEL_TRACES_SAMPLER={other} is not supported: use parentbased_always_on (the \
             default), parentbased_traceidratio, parentbased_always_off, traceidratio, \
             always_on or always_off"
        ),
    })
}

fn checked_url(name: &str, value: &str) -> anyhow::Result<String> {
    let ok = url::Url::parse(value)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    anyhow::ensure!(
        ok,
        "{name} must be an http:// or https:// URL (e.g. http://otel-collector:4318), not {value:?}"
    );
    Ok(value.to_owned())
}

/// `name=value` pairs separated by commas, values percent-encoded (W3C Baggage format, as the
/// specification says). Messages name the entry, never its value.
fn headers(var: &str, value: &str) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (i, entry) in value.split(',').enumerate() {
        if entry.trim().is_empty() {
            continue;
        }
        let parsed = entry.split_once('=').and_then(|(n, v)| {
            let name = n.trim();
            let value = percent_encoding::percent_decode_str(v.trim())
                .decode_utf8()
                .ok()?
                .into_owned();
            let valid = axum::http::HeaderName::from_bytes(name.as_bytes()).is_ok()
                && axum::http::HeaderValue::from_str(&value).is_ok();
            valid.then(|| (name.to_ascii_lowercase(), value))
        });
        match parsed {
            Some(pair) => out.push(pair),
            None => anyhow::bail!(
                "{var}: entry {} is not name=value with a valid header name and value",
                i + 1
            ),
        }
    }
    Ok(out)
}

fn millis(name: &str, value: &str) -> anyhow::Result<Duration> {
    value
        .parse::<u64>()
        .ok()
        .filter(|&ms| ms > 0)
        .map(Duration::from_millis)
        .ok_or_else(|| anyhow::anyhow!("{name} must be a number of milliseconds, at least 1"))
}

fn count(name: &str, value: &str) -> anyhow::Result<usize> {
    value
        .parse::<usize>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| anyhow::anyhow!("{name} must be a whole number, at least 1"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        Settings::from_vars(pairs.iter().copied())
    }

    #[test]
    fn nothing_set_exports_nothing_and_follows_the_caller() {
        let s = of(&[("HOME", "/root"), ("PLAN_API_LISTEN", "x")]).unwrap_or_default();
        assert_eq!(s, Settings::default());
        assert_eq!(s.endpoint, None);
        assert_eq!(s.sampling, Sampling::ParentBasedAlwaysOn);
        assert_eq!(s.service_name, "plan-api");
    }

    #[test]
    fn the_endpoint_gets_the_traces_path_unless_it_is_the_traces_one() {
        let s = of(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")]);
        assert_eq!(
            s.ok().and_then(|s| s.endpoint).as_deref(),
            Some("http://collector:4318/v1/traces")
        );
        let s = of(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            (
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "https://traces.example/ingest",
            ),
        ]);
        assert_eq!(
            s.ok().and_then(|s| s.endpoint).as_deref(),
            Some("https://traces.example/ingest")
        );
        for off in [
            ("OTEL_SDK_DISABLED", "true"),
            ("OTEL_TRACES_EXPORTER", "none"),
        ] {
            let s = of(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), off]);
            assert_eq!(s.ok().map(|s| s.endpoint), Some(None), "{off:?}");
        }
    }

    #[test]
    fn samplers_and_their_ratio_are_read() {
        let cases = [
            ("always_on", None, Sampling::AlwaysOn),
            ("always_off", None, Sampling::AlwaysOff),
            ("traceidratio", Some("0.25"), Sampling::TraceIdRatio(0.25)),
            ("traceidratio", None, Sampling::TraceIdRatio(1.0)),
            ("parentbased_always_on", None, Sampling::ParentBasedAlwaysOn),
            (
                "parentbased_always_off",
                None,
                Sampling::ParentBasedAlwaysOff,
            ),
            (
                "parentbased_traceidratio",
                Some("0"),
                Sampling::ParentBasedTraceIdRatio(0.0),
            ),
        ];
        for (name, arg, expected) in cases {
            let mut vars = vec![("OTEL_TRACES_SAMPLER", name)];
            if let Some(arg) = arg {
                vars.push(("OTEL_TRACES_SAMPLER_ARG", arg));
            }
            assert_eq!(of(&vars).ok().map(|s| s.sampling), Some(expected), "{name}");
        }
    }

    #[test]
    fn bad_values_stop_the_start_naming_the_variable_and_never_a_header_value() {
        for (vars, says) in [
            (
                vec![("OTEL_TRACES_SAMPLER", "sometimes")],
                "OTEL_TRACES_SAMPLER=sometimes is not supported",
            ),
            (
                vec![
                    ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
                    ("OTEL_TRACES_SAMPLER_ARG", "1.5"),
                ],
                "OTEL_TRACES_SAMPLER_ARG must be a number between 0 and 1",
            ),
            (
                vec![("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")],
                "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL",
            ),
            (
                vec![("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")],
                "OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported",
            ),
            (
                vec![("OTEL_TRACES_EXPORTER", "zipkin")],
                "OTEL_TRACES_EXPORTER=zipkin is not supported",
            ),
            (
                vec![("OTEL_BSP_MAX_QUEUE_SIZE", "0")],
                "OTEL_BSP_MAX_QUEUE_SIZE must be a whole number",
            ),
            (
                vec![("OTEL_EXPORTER_OTLP_TIMEOUT", "10s")],
                "OTEL_EXPORTER_OTLP_TIMEOUT must be a number of milliseconds",
            ),
            (
                vec![(
                    "OTEL_EXPORTER_OTLP_HEADERS",
                    "api-key=ok,x-secret-TOKENVALUE",
                )],
                "OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not name=value",
            ),
        ] {
            let err = match of(&vars) {
                Ok(s) => panic!("{vars:?} accepted: {s:?}"),
                Err(e) => e.to_string(),
            };
            assert!(err.contains(says), "{vars:?}: {err}");
            assert!(!err.contains("TOKENVALUE"), "{err}");
        }
    }

    #[test]
    fn headers_are_decoded_and_never_printed() {
        let s = of(&[
            (
                "OTEL_EXPORTER_OTLP_HEADERS",
                "Authorization=Basic%20c2VjcmV0,x-scope=amb",
            ),
            ("OTEL_BSP_MAX_QUEUE_SIZE", "4"),
            ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "100"),
        ])
        .unwrap_or_default();
        assert_eq!(
            s.headers,
            vec![
                ("authorization".to_owned(), "Basic c2VjcmV0".to_owned()),
                ("x-scope".to_owned(), "amb".to_owned())
            ]
        );
        assert_eq!((s.max_queue, s.max_batch), (4, 4));
        let debug = format!("{s:?}");
        assert!(!debug.contains("c2VjcmV0"), "{debug}");
        assert!(debug.contains("authorization"), "{debug}");
    }
}
