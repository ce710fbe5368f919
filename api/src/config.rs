//! One typed configuration: defaults, overridden by a TOML file (`PLAN_API_CONFIG` or
//! `--config`), overridden by the environment (`DATABASE_URL`, `PLAN_API_*`). Validated once at
//! start, with a message that names the bad setting. Secrets never print. Traces follow
//! OpenTelemetry's standard `OTEL_*` variables instead (see [`crate::traces::Settings`]).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Every setting of the service. `Debug` prints the database URL with its password hidden.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Database URL: `sqlite://FILE?mode=rwc` (the embedded default) or `postgres://…`.
    pub database_url: String,
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// Folder holding the plan's data files.
    pub data_dir: PathBuf,
    /// Largest number of pooled database connections.
    pub db_max_connections: u32,
    /// Seconds to wait for a new database connection.
    pub db_connect_timeout_secs: u64,
    /// Seconds a request waits for a pooled connection before failing with
    /// `SERVICE_UNAVAILABLE`.
    pub db_acquire_timeout_secs: u64,

    /// HS256 shared secret for bearer tokens (at least 32 bytes). Enables HS256.
    pub jwt_secret: Option<Secret>,
    /// JSON Web Key Set file with the identity provider's public keys. Enables RS256/ES256.
    pub jwks_file: Option<PathBuf>,
    /// Accepted signature algorithms, comma-separated (HS256, RS256, ES256); by default
    /// HS256 when a secret is set, RS256 and ES256 when a key set is.
    pub jwt_algorithms: Option<String>,
    /// Required `iss` of tokens, when set.
    pub jwt_issuer: Option<String>,
    /// Required `aud` of tokens, when set.
    pub jwt_audience: Option<String>,
    /// Clock leeway, in seconds, when checking `exp` and `nbf`.
    pub jwt_leeway_secs: u64,

    /// Deepest selection nesting accepted.
    pub max_depth: usize,
    /// Highest query cost accepted (every field costs 1; a list or connection multiplies its
    /// fields by its page size).
    pub max_complexity: usize,
    /// Most aliases in one document.
    pub max_aliases: usize,
    /// Most operations in one batched request.
    pub max_batch: usize,
    /// Longest query text, in bytes.
    pub max_query_bytes: usize,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest page size (`first`).
    pub max_page_size: u64,
    /// Milliseconds a request may run before it is answered with `SERVICE_UNAVAILABLE`.
    pub request_timeout_ms: u64,
    /// Requests per minute allowed per caller (token subject, else client address); 0 turns
    /// rate limiting off.
    pub rate_limit_per_minute: u32,
    /// Requests a caller may send in a burst above the steady rate.
    pub rate_limit_burst: u32,
    /// Whether `X-Forwarded-For` is believed for the client address (behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Whether introspection (and field suggestions in errors) are on.
    pub introspection: bool,
    /// Which other sites' pages may read answers in a browser (CORS): unset (or `*`) for any
    /// origin, a comma-separated list of origins to allow only those, `none` for no CORS at
    /// all. See [`Config::cors`].
    pub cors_origins: Option<String>,
    /// Log format: `text` or `json`.
    pub log_format: String,

    /// Seconds between two prunings of the rate limiter's idle entries.
    pub rate_limit_prune_secs: u64,
    /// Most GraphQL requests executing at once; the excess waits up to `queue_timeout_ms` for
    /// a place, then gets 503 `SERVICE_UNAVAILABLE` with `Retry-After`.
    pub max_in_flight: usize,
    /// Milliseconds a request may wait for a place among those in flight.
    pub queue_timeout_ms: u64,
    /// Most open client connections; further connections are closed at once.
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers (also how long an idle keep-alive
    /// connection stays open).
    pub header_read_timeout_secs: u64,
    /// Seconds a client has to send a request's body.
    pub body_read_timeout_secs: u64,
    /// Largest request head (request line and headers), in bytes; larger gets 431.
    pub max_header_bytes: usize,
    /// Most distinct operation names used as metric labels; other names count as `other`.
    pub metrics_max_operations: usize,
    /// Address of the operations listener serving `/metrics` (loopback by default: the
    /// metrics name every caller's operations, so they stay off the public listener).
    pub metrics_listen: SocketAddr,
    /// Longest lifetime of a token accepted, in seconds: `exp - iat`, or `exp - now` when the
    /// token has no `iat`. Longer-lived tokens are refused (`UNAUTHENTICATED`).
    pub jwt_max_lifetime_secs: u64,
    /// The public base URL of the API (`https://api.example.org`), used for the absolute
    /// links of the DCAT catalogue; unset, the request's `Host` over plain HTTP.
    pub public_url: Option<String>,
    /// URL of the licence the downloads are published under (set by the publisher; unset,
    /// the catalogue states the plan's copyright line instead).
    pub exports_license: Option<String>,

    /// Bytes of anonymous query responses kept in memory (0 turns the response cache off).
    pub response_cache_bytes: u64,
    /// Bytes of documents registered through Automatic Persisted Queries (0 turns APQ
    /// registration off; trusted documents are always served by hash).
    pub apq_store_bytes: u64,
    /// Whether anonymous callers may send only the trusted documents of `documents/`.
    pub anonymous_trusted_only: bool,
    /// Whether plan content is served from an in-memory snapshot per content generation
    /// (`false`: every content read goes to the database).
    pub content_snapshot: bool,
    /// Bytes of parsed documents and operation costs kept for documents sent again (0: every
    /// request is parsed and run through the full schema).
    pub document_cache_bytes: u64,
    /// Milliseconds between two reads of the content generation (the fallback when a change
    /// committed elsewhere is not notified); at most 600000 (ten minutes).
    pub generation_check_ms: u64,
    /// How often, in milliseconds, each replica reads the event log for changes it was not
    /// told of (the fallback behind in-process wake-ups and PostgreSQL `NOTIFY`).
    pub events_poll_ms: u64,
    /// Whether, on PostgreSQL, this process sends `NOTIFY` with its commits and `LISTEN`s for
    /// other replicas' (content generation and events). `false` leaves replicas to learn of each
    /// other's changes from their periodic reads alone (`generation_check_ms`, `events_poll_ms`,
    /// `webhook_poll_ms`), for connection poolers that cannot hold a `LISTEN`, and for the tests
    /// that show what `NOTIFY` alone delivers.
    pub pg_notify: bool,
    /// Most WebSocket (subscription) connections open at once from one client address.
    pub ws_max_connections_per_client: usize,
    /// Most subscriptions running at once on one WebSocket connection.
    pub ws_max_subscriptions_per_connection: usize,
    /// Seconds between the server's keep-alive pings on a WebSocket connection; a connection
    /// that sends nothing (not even a pong) for three intervals is closed.
    pub ws_keepalive_secs: u64,

    /// Whether this replica runs the webhook delivery worker (any number of replicas may).
    pub webhook_worker: bool,
    /// Whether webhook endpoints may be loopback, private (RFC 1918, ULA), link-local or CGNAT
    /// addresses (for tests and closed networks; cloud metadata addresses stay refused).
    pub webhook_allow_private: bool,
    /// Whether webhook endpoints may use plain `http://` (otherwise `https://` only).
    pub webhook_allow_http: bool,
    /// Seconds a delivery is retried after its event before it is given up.
    pub webhook_retry_window_secs: u64,
    /// Milliseconds before the first retry; each further retry waits twice as long (with
    /// jitter), up to `webhook_backoff_max_secs`.
    pub webhook_backoff_base_ms: u64,
    /// Longest wait between two attempts, in seconds.
    pub webhook_backoff_max_secs: u64,
    /// Failed attempts in a row after which an endpoint is disabled (0: never).
    pub webhook_disable_after_failures: u32,
    /// Seconds an attempt may take (connecting, sending, the receiver's answer).
    pub webhook_timeout_secs: u64,
    /// Milliseconds between two looks at the outbox when nothing woke the worker.
    pub webhook_poll_ms: u64,
    /// Seconds the previous secret keeps signing after a rotation (unless the rotation says).
    pub webhook_secret_grace_secs: u64,
    /// Deliveries attempted at once per replica (at most one per endpoint).
    pub webhook_concurrency: usize,
    /// Seconds a worker's claim on a delivery outlives the attempt's timeout: after that, a
    /// delivery whose worker died (killed, its machine lost) is taken up by another worker.
    pub webhook_lease_margin_secs: u64,
    /// Seconds in-flight requests (and webhook attempts) get to finish after SIGTERM; then what
    /// is still open is closed and the process exits.
    pub shutdown_drain_secs: u64,

    /// Trace export and sampling, from OpenTelemetry's standard `OTEL_*` variables (not from
    /// the file: they are the same for every OpenTelemetry program an operator runs).
    #[serde(skip)]
    pub traces: crate::traces::Settings,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://plan-api.sqlite?mode=rwc".to_owned(),
            listen: SocketAddr::from(([127, 0, 0, 1], 8000)),
            data_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data")),
            db_max_connections: 10,
            db_connect_timeout_secs: 5,
            db_acquire_timeout_secs: 3,
            jwt_secret: None,
            jwks_file: None,
            jwt_algorithms: None,
            jwt_issuer: None,
            jwt_audience: None,
            jwt_leeway_secs: 30,
            max_depth: 10,
            max_complexity: 50_000,
            max_aliases: 30,
            max_batch: 10,
            max_query_bytes: 32 * 1024,
            max_body_bytes: 1024 * 1024,
            max_page_size: 100,
            request_timeout_ms: 30_000,
            rate_limit_per_minute: 600,
            rate_limit_burst: 60,
            trust_forwarded_for: false,
            introspection: true,
            cors_origins: None,
            log_format: "text".to_owned(),
            rate_limit_prune_secs: 60,
            max_in_flight: 64,
            queue_timeout_ms: 250,
            max_connections: 1024,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 30,
            max_header_bytes: 16 * 1024,
            metrics_max_operations: 50,
            metrics_listen: SocketAddr::from(([127, 0, 0, 1], 9464)),
            jwt_max_lifetime_secs: 24 * 60 * 60,
            public_url: None,
            exports_license: None,
            response_cache_bytes: 64 * 1024 * 1024,
            apq_store_bytes: 8 * 1024 * 1024,
            anonymous_trusted_only: false,
            content_snapshot: true,
            document_cache_bytes: 8 * 1024 * 1024,
            generation_check_ms: 500,
            events_poll_ms: 1000,
            pg_notify: true,
            ws_max_connections_per_client: 8,
            ws_max_subscriptions_per_connection: 10,
            ws_keepalive_secs: 15,
            webhook_worker: true,
            webhook_allow_private: false,
            webhook_allow_http: false,
            webhook_retry_window_secs: 24 * 60 * 60,
            webhook_backoff_base_ms: 5_000,
            webhook_backoff_max_secs: 60 * 60,
            webhook_disable_after_failures: 30,
            webhook_timeout_secs: 10,
            webhook_poll_ms: 5_000,
            webhook_secret_grace_secs: 24 * 60 * 60,
            webhook_concurrency: 8,
            webhook_lease_margin_secs: 30,
            shutdown_drain_secs: 30,
            traces: crate::traces::Settings::default(),
        }
    }
}

impl Config {
    /// Defaults < `file` (if any) < environment; then validated.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        Self::load_from(file, std::env::vars())
    }

    /// Defaults < `file` (if any) < the variables `vars` (`DATABASE_URL` and `PLAN_API_*`, as
    /// the process environment would give them); then validated. Tests pass their own
    /// variables, so they never read the developer's.
    pub fn load_from(
        file: Option<&Path>,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Config> {
        let vars: Vec<(String, String)> = vars.into_iter().collect();
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            anyhow::ensure!(
                path.exists(),
                "configuration file {} not found",
                path.display()
            );
            figment = figment.merge(Toml::file(path));
        }
        let mut config: Config = figment
            .merge(env_layer(vars.iter().cloned()))
            .extract()
            .map_err(|e| anyhow::anyhow!("bad configuration: {e}"))?;
        config.traces =
            crate::traces::Settings::from_vars(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks values that parse but cannot work.
    pub fn validate(&self) -> anyhow::Result<()> {
        use anyhow::ensure;
        ensure!(
            self.database_url.starts_with("sqlite:") || self.database_url.starts_with("postgres"),
            "DATABASE_URL must start with sqlite: or postgres://"
        );
        ensure!(
            self.db_max_connections > 0,
            "PLAN_API_DB_MAX_CONNECTIONS must be at least 1"
        );
        ensure!(
            (1..=crate::pagination::PAGE_SIZE_CEILING).contains(&self.max_page_size),
            "PLAN_API_MAX_PAGE_SIZE must be between 1 and {}",
            crate::pagination::PAGE_SIZE_CEILING
        );
        ensure!(self.max_batch > 0, "PLAN_API_MAX_BATCH must be at least 1");
        ensure!(self.max_depth > 0, "PLAN_API_MAX_DEPTH must be at least 1");
        ensure!(
            self.request_timeout_ms > 0,
            "PLAN_API_REQUEST_TIMEOUT_MS must be at least 1"
        );
        ensure!(
            matches!(self.log_format.as_str(), "text" | "json"),
            "PLAN_API_LOG_FORMAT must be text or json"
        );
        ensure!(
            self.max_in_flight > 0,
            "PLAN_API_MAX_IN_FLIGHT must be at least 1"
        );
        ensure!(
            self.max_connections > 0,
            "PLAN_API_MAX_CONNECTIONS must be at least 1"
        );
        ensure!(
            self.header_read_timeout_secs > 0 && self.body_read_timeout_secs > 0,
            "PLAN_API_HEADER_READ_TIMEOUT_SECS and PLAN_API_BODY_READ_TIMEOUT_SECS must be at least 1"
        );
        ensure!(
            self.rate_limit_prune_secs > 0,
            "PLAN_API_RATE_LIMIT_PRUNE_SECS must be at least 1"
        );
        // hyper's smallest read buffer is 8 KiB: a head limit below it cannot be enforced.
        ensure!(
            (8192..=1024 * 1024).contains(&self.max_header_bytes),
            "PLAN_API_MAX_HEADER_BYTES must be between 8192 and 1048576"
        );
        for (name, url) in [
            ("PLAN_API_PUBLIC_URL", &self.public_url),
            ("PLAN_API_EXPORTS_LICENSE", &self.exports_license),
        ] {
            if let Some(url) = url {
                ensure!(
                    (url.starts_with("https://") || url.starts_with("http://"))
                        && !url.contains(char::is_whitespace),
                    "{name} must be an http or https URL"
                );
            }
        }
        ensure!(
            (1..=600_000).contains(&self.generation_check_ms),
            "PLAN_API_GENERATION_CHECK_MS must be between 1 and 600000 (ten minutes)"
        );
        ensure!(
            self.events_poll_ms > 0 && self.ws_keepalive_secs > 0,
            "PLAN_API_EVENTS_POLL_MS and PLAN_API_WS_KEEPALIVE_SECS must be at least 1"
        );
        ensure!(
            self.ws_max_connections_per_client > 0 && self.ws_max_subscriptions_per_connection > 0,
            "PLAN_API_WS_MAX_CONNECTIONS_PER_CLIENT and PLAN_API_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION must be at least 1"
        );
        ensure!(
            self.webhook_backoff_base_ms > 0
                && self.webhook_backoff_max_secs > 0
                && self.webhook_timeout_secs > 0
                && self.webhook_poll_ms > 0
                && self.webhook_concurrency > 0,
            "PLAN_API_WEBHOOK_BACKOFF_BASE_MS, PLAN_API_WEBHOOK_BACKOFF_MAX_SECS, PLAN_API_WEBHOOK_TIMEOUT_SECS, PLAN_API_WEBHOOK_POLL_MS and PLAN_API_WEBHOOK_CONCURRENCY must be at least 1"
        );
        ensure!(
            self.webhook_lease_margin_secs > 0,
            "PLAN_API_WEBHOOK_LEASE_MARGIN_SECS must be at least 1"
        );
        ensure!(
            self.shutdown_drain_secs > 0,
            "PLAN_API_SHUTDOWN_DRAIN_SECS must be at least 1"
        );
        if let Some(s) = &self.jwt_secret {
            ensure!(
                s.expose().len() >= 32,
                "PLAN_API_JWT_SECRET must be at least 32 bytes long"
            );
        }
        self.cors().map_err(anyhow::Error::msg)?;
        Ok(())
    }

    /// The accepted JWT algorithms, as listed.
    pub fn jwt_algorithm_list(&self) -> Vec<String> {
        split_list(self.jwt_algorithms.as_deref())
    }

    /// The CORS policy `cors_origins` asks for, or why it cannot be one (naming the setting).
    ///
    /// Unset, any origin may read: what the API serves without a token is public, and it
    /// authenticates by bearer token only, never by cookie, so a page of another site learns
    /// nothing a server-side client could not fetch (GitHub's API answers `*` for the same
    /// reason). Listed origins must be written as browsers send them in `Origin`, or they
    /// would never match: scheme, host and port only, without a path or a trailing slash.
    pub fn cors(&self) -> Result<Cors, String> {
        const NAME: &str = "PLAN_API_CORS_ORIGINS";
        let Some(value) = self.cors_origins.as_deref() else {
            return Ok(Cors::AnyOrigin);
        };
        let items = split_list(Some(value));
        match items.as_slice() {
            [] => Err(format!(
                "{NAME} is empty: leave it unset to allow any origin, set it to none to turn \
                 CORS off, or list the origins to allow"
            )),
            [only] if only == "*" => Ok(Cors::AnyOrigin),
            [only] if only.eq_ignore_ascii_case("none") => Ok(Cors::Off),
            _ => items
                .iter()
                .map(|item| {
                    if item == "*" || item.eq_ignore_ascii_case("none") {
                        return Err(format!(
                            "{NAME}: {item} stands alone, not in a list of origins"
                        ));
                    }
                    let origin = url::Url::parse(item)
                        .ok()
                        .filter(|u| matches!(u.scheme(), "http" | "https"))
                        .map(|u| u.origin().ascii_serialization())
                        .ok_or_else(|| {
                            format!(
                                "{NAME}: {item:?} is not an http or https origin (such as \
                                 https://www.example.cat)"
                            )
                        })?;
                    if origin != *item {
                        return Err(format!(
                            "{NAME}: write {item:?} as browsers send it, {origin:?} (scheme, \
                             host and port only)"
                        ));
                    }
                    Ok(origin)
                })
                .collect::<Result<_, _>>()
                .map(Cors::Origins),
        }
    }

    /// The database URL with any password hidden, for logs.
    pub fn redacted_database_url(&self) -> String {
        match self.database_url.split_once('@') {
            Some((creds, host)) => match creds.rsplit_once(':') {
                Some((user, _)) if user.contains("//") && user.matches(':').count() == 1 => {
                    format!("{user}:***@{host}")
                }
                _ => format!("***@{host}"),
            },
            None => self.database_url.clone(),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Every field but the database URL, which may hold a password, through the serialized
        // form (secrets already serialize as `***`); the URL redacted.
        let mut fields = match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(fields)) => fields,
            _ => serde_json::Map::new(),
        };
        fields.insert(
            "database_url".to_owned(),
            serde_json::Value::String(self.redacted_database_url()),
        );
        write!(f, "Config {}", serde_json::Value::Object(fields))
    }
}

fn split_list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Which other sites' pages may read the API's answers in a browser: see [`Config::cors`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cors {
    /// Every origin: `Access-Control-Allow-Origin: *`, never with credentials (the default).
    AnyOrigin,
    /// Only these origins, each as browsers send it in `Origin`.
    Origins(Vec<String>),
    /// No CORS headers: browsers keep every other site's pages from reading answers.
    Off,
}

/// A secret setting: never printed, not even by `Debug` or in a serialized config.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// A secret with this value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret's value, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Never the value: a serialized configuration (figment's defaults layer, `Debug`) must
        // not carry it. The defaults hold no secret, so nothing real is lost.
        s.serialize_str("***")
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The environment layer: `DATABASE_URL` and every `PLAN_API_*` variable (but `PLAN_API_CONFIG`,
/// the file's path, and `PLAN_API_TEST_DATABASE_URL`, the tests' database) as the setting of
/// the same name in lower case, its value parsed as figment parses environment values.
fn env_layer(vars: impl IntoIterator<Item = (String, String)>) -> Serialized<figment::value::Dict> {
    let mut dict = figment::value::Dict::new();
    for (name, value) in vars {
        let key = match name.strip_prefix("PLAN_API_") {
            Some("CONFIG" | "TEST_DATABASE_URL") | Some("") => continue,
            Some(rest) => rest.to_ascii_lowercase(),
            None if name == "DATABASE_URL" => "database_url".to_owned(),
            None => continue,
        };
        let Ok(value) = value.parse::<figment::value::Value>();
        dict.insert(key, value);
    }
    Serialized::defaults(dict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print_and_passwords_are_redacted() {
        let c = Config {
            jwt_secret: Some(Secret::new("super-secret-value-of-32-bytes-or-more")),
            database_url: "postgres://plan:hunter2@db:5432/plan".into(),
            ..Config::default()
        };
        let debug = format!("{c:?}");
        assert!(!debug.contains("super-secret"), "{debug}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(
            debug.contains("postgres://plan:***@db:5432/plan"),
            "{debug}"
        );
        let serialized = serde_json::to_string(&c).unwrap_or_default();
        assert!(!serialized.contains("super-secret"), "{serialized}");
        assert_eq!(
            c.redacted_database_url(),
            "postgres://plan:***@db:5432/plan"
        );
    }

    #[test]
    fn validation_names_the_bad_setting() {
        let c = Config {
            log_format: "xml".into(),
            ..Config::default()
        };
        assert!(format!("{}", c.validate().unwrap_err()).contains("PLAN_API_LOG_FORMAT"));
        let c = Config {
            jwt_secret: Some(Secret::new("short")),
            ..Config::default()
        };
        assert!(format!("{}", c.validate().unwrap_err()).contains("PLAN_API_JWT_SECRET"));
    }

    #[test]
    fn notify_lease_drain_and_check_interval_are_read_and_bounded() {
        let vars = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>()
        };
        let c = Config::load_from(
            None,
            vars(&[
                ("PLAN_API_PG_NOTIFY", "false"),
                ("PLAN_API_GENERATION_CHECK_MS", "600000"),
                ("PLAN_API_WEBHOOK_LEASE_MARGIN_SECS", "2"),
                ("PLAN_API_SHUTDOWN_DRAIN_SECS", "5"),
            ]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (
                c.pg_notify,
                c.generation_check_ms,
                c.webhook_lease_margin_secs,
                c.shutdown_drain_secs
            ),
            (false, 600_000, 2, 5)
        );
        for (name, value, says) in [
            (
                "PLAN_API_GENERATION_CHECK_MS",
                "600001",
                "between 1 and 600000",
            ),
            ("PLAN_API_GENERATION_CHECK_MS", "0", "between 1 and 600000"),
            ("PLAN_API_WEBHOOK_LEASE_MARGIN_SECS", "0", "at least 1"),
            ("PLAN_API_SHUTDOWN_DRAIN_SECS", "0", "at least 1"),
            ("PLAN_API_PG_NOTIFY", "sometimes", "pg_notify"),
        ] {
            let err = match Config::load_from(None, vars(&[(name, value)])) {
                Ok(_) => panic!("{name}={value} was accepted"),
                Err(e) => format!("{e:#}"),
            };
            assert!(err.contains(says), "{name}={value}: {err}");
        }
    }

    #[test]
    fn cors_is_open_by_default_listed_or_off() {
        let cors = |value: Option<&str>| {
            Config {
                cors_origins: value.map(str::to_owned),
                ..Config::default()
            }
            .cors()
        };
        assert_eq!(cors(None), Ok(Cors::AnyOrigin));
        assert_eq!(cors(Some(" * ")), Ok(Cors::AnyOrigin));
        assert_eq!(cors(Some("None")), Ok(Cors::Off));
        assert_eq!(
            cors(Some("https://www.l-h.cat, http://127.0.0.1:8080")),
            Ok(Cors::Origins(vec![
                "https://www.l-h.cat".to_owned(),
                "http://127.0.0.1:8080".to_owned()
            ]))
        );
        for (value, expected) in [
            ("", "PLAN_API_CORS_ORIGINS is empty"),
            (" , ", "PLAN_API_CORS_ORIGINS is empty"),
            ("https://a.example, *", "* stands alone"),
            ("none, https://a.example", "none stands alone"),
            (
                "www.l-h.cat",
                "\"www.l-h.cat\" is not an http or https origin",
            ),
            ("ftp://files.example", "is not an http or https origin"),
            (
                "https://www.l-h.cat/",
                "write \"https://www.l-h.cat/\" as browsers send it, \"https://www.l-h.cat\"",
            ),
            ("https://WWW.L-H.CAT", "\"https://www.l-h.cat\""),
            ("https://www.l-h.cat:443", "\"https://www.l-h.cat\""),
        ] {
            let err = cors(Some(value)).expect_err(value);
            assert!(err.contains(expected), "{value:?}: {err}");
            let c = Config {
                cors_origins: Some(value.to_owned()),
                ..Config::default()
            };
            assert_eq!(c.validate().expect_err(value).to_string(), err);
        }
    }
}
