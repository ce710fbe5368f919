//! The test harness: a fresh database per test, the real router, and helpers to call it.

use std::path::{Path, PathBuf};

mod template;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use plan_api::auth::Verifier;
use plan_api::{AppState, Config, db, ops_router, router, seed};
use serde_json::{Value, json};
use tower::ServiceExt;

/// The repository's `data/` folder.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data")
}

/// The data file `path` (relative to `data/`), parsed: expected values come from the files, never
/// from the API under test.
pub fn data_file(path: &str) -> toml::Value {
    let text = std::fs::read_to_string(data_dir().join(path)).expect("a data file");
    toml::from_str(&text).expect("TOML")
}

/// How many entries data file `file` holds at the dotted `path`; arrays on the way are walked
/// (`"zones.partners"`: the partners of every zone), a table counts as one.
pub fn data_count(file: &str, path: &str) -> usize {
    fn count(value: &toml::Value, keys: &[&str]) -> usize {
        match (value, keys) {
            (toml::Value::Array(items), _) => items.iter().map(|v| count(v, keys)).sum(),
            (_, []) => 1,
            (toml::Value::Table(table), [key, rest @ ..]) => {
                table.get(*key).map_or(0, |v| count(v, rest))
            }
            _ => 0,
        }
    }
    count(&data_file(file), &path.split('.').collect::<Vec<_>>())
}

/// A copy of `data/` in a fresh temporary folder, for tests that edit data files.
pub fn data_copy() -> tempfile::TempDir {
    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read_dir") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("type").is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copy");
            }
        }
    }
    let dir = tempfile::tempdir().expect("tmp");
    copy_dir(&data_dir(), dir.path());
    dir
}

/// A copy of `data/` with the synthetic second plan of `tests/fixtures/plans/` beside the real
/// one (the real one stays current).
pub fn data_with_second_plan() -> tempfile::TempDir {
    let dir = data_copy();
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/plans");
    let to = dir.path().join(SECOND_PLAN);
    std::fs::create_dir_all(&to).expect("mkdir");
    for entry in std::fs::read_dir(fixture.join(SECOND_PLAN)).expect("the fixture") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
    dir
}

/// The code of the synthetic second plan (`tests/fixtures/plans/`).
pub const SECOND_PLAN: &str = "SYNTH-2026-2030";

/// Settings for the tests that count SQL statements: the response cache off (every request
/// executes) and nothing reading the pool in the background (the generation tracker, the event
/// hub and the webhook worker would add their statements now and then).
pub fn counting(c: &mut Config) {
    c.response_cache_bytes = 0;
    c.generation_check_ms = 600_000;
    c.events_poll_ms = 600_000;
    c.webhook_worker = false;
}

/// The municipalities of `data/municipalities.tsv` (its rows after the header).
pub fn municipality_count() -> usize {
    let text = std::fs::read_to_string(data_dir().join("municipalities.tsv")).expect("the TSV");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count()
}

/// One test's application: its own database, migrated and seeded, behind the real router.
pub struct TestApp {
    pub router: Router,
    /// The operations router (`/metrics`), served on its own listener in production.
    pub ops: Router,
    pub state: AppState,
    _database: TestDatabase,
}

/// A database that exists for one test.
///
/// SQLite by default: a file in a temporary folder. With `PLAN_API_TEST_DATABASE_URL` set to a
/// PostgreSQL server's URL (e.g. `postgres://postgres@127.0.0.1:5432/postgres`), a database of
/// its own on that server, dropped when the test ends.
pub enum TestDatabase {
    Sqlite(#[expect(dead_code, reason = "held for its Drop")] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// Serves `router` on a loopback port for the rest of the test (a webhook receiver, a trace
/// collector); its address.
pub async fn serve_on_loopback(router: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// The PostgreSQL server's URL when the tests run on PostgreSQL.
fn postgres_admin_url() -> Option<String> {
    std::env::var("PLAN_API_TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
}

impl TestDatabase {
    /// A new empty database and its URL (tests that start `plan-api serve` processes give the
    /// URL to them; the database lives as long as the value).
    pub async fn create() -> (Self, String) {
        Self::make(None).await
    }

    /// A copy of this run's migrated and seeded database (see [`template`]) and its URL.
    pub async fn seeded() -> (Self, String) {
        use sea_orm::ConnectionTrait;
        let (database, url) = Self::make(Some(template::template())).await;
        // Every database has a name of its own, by which a process's trackers learn of the
        // bumps of its own writes: a copy must not answer to the template's, or a bump in one
        // test would hold back the response cache of every other.
        let (conn, _) = db::connect(&url).await.expect("connect to the copy");
        conn.execute_unprepared(&format!(
            "UPDATE content_generation SET instance = '{}'",
            uuid::Uuid::new_v4()
        ))
        .await
        .expect("name the copy");
        conn.close().await.expect("close");
        (database, url)
    }

    async fn make(from: Option<&template::Template>) -> (Self, String) {
        if let Some(admin_url) = postgres_admin_url() {
            use sea_orm::ConnectionTrait;
            static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let name = format!("plan_api_test_{}_{n}", std::process::id());
            let copy = match from {
                Some(template::Template::Postgres(t)) => format!(" TEMPLATE {t}"),
                _ => String::new(),
            };
            let (admin, _) = db::connect(&admin_url)
                .await
                .expect("connect to PostgreSQL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}{copy}"))
                .await
                .expect("create the test database");
            admin.close().await.expect("close");
            let (base, _) = admin_url.rsplit_once('/').expect("a database in the URL");
            let url = format!("{base}/{name}");
            return (Self::Postgres { admin_url, name }, url);
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("test.sqlite");
        if let Some(template::Template::Sqlite(t)) = from {
            std::fs::copy(t, &file).expect("copy the template");
        }
        let url = format!("sqlite://{}?mode=rwc", file.display());
        (Self::Sqlite(dir), url)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Self::Postgres { admin_url, name } = self else {
            return;
        };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop runs outside async code: use a runtime of its own on a thread of its own.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                use sea_orm::ConnectionTrait;
                let (admin, _) = db::connect(&admin_url).await.expect("connect");
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .expect("drop the test database");
            });
        })
        .join();
        if dropped.is_err() {
            eprintln!("could not drop test database");
        }
    }
}

/// A response, decoded.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    /// The body as sent, for what decoding loses (the order of keys).
    pub text: String,
}

impl Reply {
    /// `extensions.code` of the first error.
    pub fn error_code(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["code"].as_str()
    }

    /// The first error's message.
    pub fn error_message(&self) -> &str {
        self.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
    }

    /// The `data` of a reply that must be a success: status 200 and no errors (`context` says
    /// whose request it was, in the failure message).
    pub fn expect_data(&self, context: &str) -> Value {
        assert_eq!(self.status, StatusCode::OK, "{context}: {}", self.body);
        assert!(
            self.body.get("errors").is_none(),
            "{context}: unexpected errors: {}",
            self.body["errors"]
        );
        self.body["data"].clone()
    }

    /// Checks that a request was refused for its credentials: status 401 and `UNAUTHENTICATED`
    /// (`context` says whose request it was, in the failure message).
    pub fn expect_unauthenticated(&self, context: &str) {
        assert_eq!(
            self.status,
            StatusCode::UNAUTHORIZED,
            "{context}: {}",
            self.body
        );
        assert_eq!(self.error_code(), Some("UNAUTHENTICATED"), "{context}");
    }

    /// The value of header `name`, empty when there is none.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The paths of the first error's `extensions.fieldErrors` (every input problem, in order).
    pub fn field_errors(&self) -> Vec<String> {
        self.body["errors"][0]["extensions"]["fieldErrors"]
            .as_array()
            .unwrap_or_else(|| panic!("no fieldErrors: {}", self.body))
            .iter()
            .map(|e| e["field"].as_str().expect("a field").to_owned())
            .collect()
    }

    /// The message of the field error at `i`.
    pub fn field_message(&self, i: usize) -> &str {
        self.body["errors"][0]["extensions"]["fieldErrors"][i]["message"]
            .as_str()
            .unwrap_or_default()
    }
}

impl TestApp {
    /// A new application on a fresh database (see [`TestDatabase`]).
    pub async fn new() -> Self {
        Self::with(|_| {}).await
    }

    /// A new application whose configuration `configure` adjusts.
    pub async fn with(configure: impl FnOnce(&mut Config)) -> Self {
        Self::build(configure, |url| url).await
    }

    /// A new application, reaching its database through the URL `route` makes of the real one
    /// (to put a proxy in between).
    pub async fn build(
        configure: impl FnOnce(&mut Config),
        route: impl FnOnce(String) -> String,
    ) -> Self {
        Self::build_on(configure, route, None::<fn(&_) -> std::future::Ready<()>>).await
    }

    /// A new application on a database that `before` fills first; then the migrations and the
    /// seed run as `plan-api serve` runs them: an upgrade of what `before` left.
    pub async fn upgraded(before: impl AsyncFnOnce(&sea_orm::DatabaseConnection)) -> Self {
        Self::build_on(|_| {}, |url| url, Some(before)).await
    }

    /// Builds the app; a test that starts from the shipped data with nothing `before` gets a
    /// copy of the run's seeded database (see [`TestDatabase::seeded`]), which the migrations
    /// and the seed below then find up to date.
    async fn build_on(
        configure: impl FnOnce(&mut Config),
        route: impl FnOnce(String) -> String,
        before: Option<impl AsyncFnOnce(&sea_orm::DatabaseConnection)>,
    ) -> Self {
        let mut config = test_config();
        configure(&mut config);
        let (database, database_url) = if before.is_none() && config.data_dir == data_dir() {
            TestDatabase::seeded().await
        } else {
            TestDatabase::create().await
        };
        config.database_url = route(database_url);
        let (conn, statements) = db::connect_with(&config).await.expect("connect");
        if let Some(before) = before {
            before(&conn).await;
        }
        db::migrate(&conn).await.expect("migrate");
        seed::seed_all(&conn, &config.data_dir).await.expect("seed");
        let verifier = Verifier::from_config(&config).expect("test verifier");
        let state = AppState::new(conn, statements, verifier, config);
        Self {
            router: router(state.clone()),
            ops: ops_router(state.clone()),
            state,
            _database: database,
        }
    }

    /// Serves this app over TCP on a loopback port with the production connection loop
    /// (hyper, its timeouts and limits), for tests that must see what a real client sees:
    /// chunked and compressed bodies, connection errors. Its base URL, `http://127.0.0.1:…`.
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(plan_api::server::serve(
            listener,
            self.router.clone(),
            plan_api::server::ConnectionLimits::from_config(&self.state.config),
            std::future::pending(),
        ));
        format!("http://{addr}")
    }

    /// Whether the tests run on PostgreSQL.
    pub fn on_postgres() -> bool {
        std::env::var("PLAN_API_TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
    }

    /// Sends `request` through the router.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        Self::send_to(&self.router, request).await
    }

    /// GETs `uri` from the operations listener's router.
    pub async fn ops_get(&self, uri: &str) -> Reply {
        Self::send_to(
            &self.ops,
            Request::get(uri).body(Body::empty()).expect("request"),
        )
        .await
    }

    pub async fn send_to(router: &Router, request: Request<Body>) -> Reply {
        let response = router
            .clone()
            .oneshot(request)
            .await
            .expect("router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(text.clone()));
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    /// POSTs a GraphQL document with variables and extra headers.
    pub async fn post(&self, query: &str, variables: Value, headers: &[(&str, &str)]) -> Reply {
        let mut builder = Request::post("/graphql").header("content-type", "application/json");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let body = json!({ "query": query, "variables": variables }).to_string();
        self.send(builder.body(Body::from(body)).expect("request"))
            .await
    }

    /// POSTs a GraphQL document and returns its `data`, failing the test on any error.
    pub async fn data(&self, query: &str) -> Value {
        let reply = self.post(query, json!({}), &[]).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(
            reply.body.get("errors").is_none(),
            "unexpected errors: {}",
            reply.body["errors"]
        );
        reply.body["data"].clone()
    }

    /// GETs `uri`.
    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    /// POSTs a GraphQL document with variables as `who`.
    pub async fn post_as(&self, who: Who, query: &str, variables: Value) -> Reply {
        self.post_as_with(who, query, variables, &[]).await
    }

    /// POSTs a GraphQL document with variables as `who`, with extra headers.
    pub async fn post_as_with(
        &self,
        who: Who,
        query: &str,
        variables: Value,
        extra: &[(&str, &str)],
    ) -> Reply {
        let authorization = who.authorization();
        let mut headers: Vec<(&str, &str)> = extra.to_vec();
        if let Some(a) = &authorization {
            headers.push(("authorization", a));
        }
        self.post(query, variables, &headers).await
    }

    /// POSTs a GraphQL document as `who` and returns its `data`, failing the test on any error.
    pub async fn data_as(&self, who: Who, query: &str, variables: Value) -> Value {
        let reply = self.post_as(who, query, variables).await;
        reply.expect_data(&format!("{who:?}"))
    }

    /// POSTs a GraphQL document with `authorization` (a whole header value), if any.
    pub async fn post_auth(
        &self,
        authorization: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Reply {
        let headers: Vec<(&str, &str)> = authorization
            .map(|a| ("authorization", a))
            .into_iter()
            .collect();
        self.post(query, variables, &headers).await
    }

    /// POSTs a GraphQL document with `authorization`, if any, and returns its `data`, failing
    /// the test on any error.
    pub async fn data_auth(
        &self,
        authorization: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Value {
        let reply = self.post_auth(authorization, query, variables).await;
        reply.expect_data("request")
    }
}

/// Who calls: a role of the policy table, with the unit or municipality it acts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// No token.
    Anonymous,
    /// A reader: sees everything, changes nothing.
    Reader,
    /// A unit of the AMB, by its organization code.
    Area(&'static str),
    /// A municipality, by its INE code.
    Municipality(&'static str),
    /// A coordinator.
    Admin,
}

/// The International Relations Service: responsible for LE1.1-LE1.4 (and more of LE1-LE3).
pub const SRI: Who = Who::Area("AMB-SRI");
/// The area containing the International Relations and International Cooperation services.
pub const AIC: Who = Who::Area("AMB-AIC");
/// The Economic Development Agency: responsible for LE4.1-LE4.5.
pub const ADE: Who = Who::Area("AMB-ADE");
/// L'Hospitalet de Llobregat.
pub const HOSPITALET: Who = Who::Municipality("08101");
/// Barcelona.
pub const BARCELONA: Who = Who::Municipality("08019");

impl Who {
    /// The `authorization` header of a valid token for this caller (none when anonymous).
    pub fn authorization(self) -> Option<String> {
        let jwt = match self {
            Who::Anonymous => return None,
            Who::Reader => token("reader", None, None),
            Who::Area(unit) => token("area", Some(unit), None),
            Who::Municipality(ine) => token("municipality", None, Some(ine)),
            Who::Admin => token("admin", None, None),
        };
        Some(format!("Bearer {jwt}"))
    }
}

// The review steps of a monitoring record, each returning `r { id state version }` (variables
// `id` and `v`, the expected version; a return also takes a `comment`).
pub const SUBMIT: &str = "mutation($id: ID!, $v: Int!) {
    r: submitRecord(id: $id, expectedVersion: $v) { id state version } }";
pub const PUBLISH: &str = "mutation($id: ID!, $v: Int!) {
    r: publishRecord(id: $id, expectedVersion: $v) { id state version } }";
pub const ARCHIVE: &str = "mutation($id: ID!, $v: Int!) {
    r: archiveRecord(id: $id, expectedVersion: $v) { id state version } }";
pub const RETURN: &str = "mutation($id: ID!, $v: Int!, $comment: LocalizedTextInput!) {
    r: returnRecord(id: $id, expectedVersion: $v, comment: $comment) { id state version } }";

/// The HS256 secret of the test server.
pub const TEST_SECRET: &str = "test-secret-of-at-least-thirty-two-bytes";
/// The issuer the test server requires.
pub const TEST_ISSUER: &str = "https://idp.amb.test";
/// The audience the test server requires.
pub const TEST_AUDIENCE: &str = "plan-api";

/// The fixed test keys (see `tests/keys/README.md`).
pub fn keys_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/keys")
}

/// The configuration of the test server: HS256, RS256 and ES256 with an issuer and audience.
pub fn test_config() -> Config {
    Config {
        jwt_secret: Some(plan_api::config::Secret::new(TEST_SECRET)),
        jwks_file: Some(keys_dir().join("jwks.json")),
        jwt_algorithms: Some("HS256,RS256,ES256".into()),
        jwt_issuer: Some(TEST_ISSUER.into()),
        jwt_audience: Some(TEST_AUDIENCE.into()),
        data_dir: data_dir(),
        // Tests send many requests from one address: rate limiting has tests of its own.
        rate_limit_per_minute: 0,
        ..Config::default()
    }
}

/// Claims of a valid token for `role` (with `unit` or `ine` as given), valid for an hour.
pub fn claims(role: &str, unit: Option<&str>, ine: Option<&str>) -> serde_json::Map<String, Value> {
    let now = chrono::Utc::now().timestamp();
    let mut c = serde_json::Map::new();
    c.insert("sub".into(), json!(format!("test-{role}")));
    c.insert("role".into(), json!(role));
    if let Some(unit) = unit {
        c.insert("unit".into(), json!(unit));
    }
    if let Some(ine) = ine {
        c.insert("ine".into(), json!(ine));
    }
    c.insert("iat".into(), json!(now));
    c.insert("exp".into(), json!(now + 3600));
    c.insert("iss".into(), json!(TEST_ISSUER));
    c.insert("aud".into(), json!(TEST_AUDIENCE));
    c
}

/// Signs `claims` with HS256 and `secret`.
pub fn hs256(claims: &serde_json::Map<String, Value>, secret: &[u8]) -> String {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret).expect("key"),
    )
    .expect("sign")
}

/// Signs `claims` with the PEM private key `file` of `tests/keys`, as `kid`.
pub fn signed_with(
    alg: jsonwebtoken::Algorithm,
    file: &str,
    kid: &str,
    claims: &serde_json::Map<String, Value>,
) -> String {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
    let pem = std::fs::read(keys_dir().join(file)).expect("key file");
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(&pem),
        _ => EncodingKey::from_rsa_pem(&pem),
    }
    .expect("key");
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_owned());
    encode(&header, claims, &key).expect("sign")
}

/// The `authorization` header of a valid token for `role`.
pub fn bearer(role: &str, unit: Option<&str>, ine: Option<&str>) -> String {
    format!("Bearer {}", token(role, unit, ine))
}

/// The `authorization` header of a valid token for `role` whose subject is `sub`.
pub fn bearer_with_subject(role: &str, unit: Option<&str>, ine: Option<&str>, sub: &str) -> String {
    let mut c = claims(role, unit, ine);
    c.insert("sub".into(), json!(sub));
    format!("Bearer {}", hs256(&c, TEST_SECRET.as_bytes()))
}

/// A valid HS256 token for `role`.
pub fn token(role: &str, unit: Option<&str>, ine: Option<&str>) -> String {
    hs256(&claims(role, unit, ine), TEST_SECRET.as_bytes())
}

/// The strings of `value` (an array of objects) under `key`.
pub fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v[key].as_str().expect("a string").to_owned())
        .collect()
}

/// An HTTP client as an integrator's would be, except that it never decodes a body itself
/// (tests compare the bytes on the wire): no proxy, no redirects.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// `bytes` decoded from the content coding `coding` (`identity`, `gzip` or `br`).
pub fn decode(coding: &str, bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    match coding {
        "identity" => out.extend_from_slice(bytes),
        "gzip" => {
            flate2::read::GzDecoder::new(bytes)
                .read_to_end(&mut out)
                .expect("a complete gzip stream");
        }
        "br" => {
            brotli_decompressor::Decompressor::new(bytes, 4096)
                .read_to_end(&mut out)
                .expect("a complete brotli stream");
        }
        other => panic!("no decoder for {other}"),
    }
    out
}

/// Inserts a copy of monitoring record `r` under `code`, with copies of its links; returns the
/// copy's id. The copy is made behind the API's back (no event, no generation bump): tests
/// that multiply the data with it turn the response cache off.
pub async fn copy_record(
    db: &impl sea_orm::ConnectionTrait,
    r: &entity::monitoring_record::Model,
    code: Option<String>,
) -> i32 {
    use entity::{monitoring_record, record_link};
    use sea_orm::{ActiveValue::NotSet, ColumnTrait, EntityTrait, QueryFilter, Set};
    let copy = monitoring_record::ActiveModel {
        id: NotSet,
        public_id: Set(uuid::Uuid::new_v4().to_string()),
        code: Set(code),
        idempotency_key: Set(None),
        ..monitoring_record::ActiveModel::from(r.clone())
    };
    let id = monitoring_record::Entity::insert(copy)
        .exec(db)
        .await
        .expect("insert record")
        .last_insert_id;
    let links = record_link::Entity::find()
        .filter(record_link::Column::RecordId.eq(r.id))
        .all(db)
        .await
        .expect("links");
    for l in links {
        let link = record_link::ActiveModel {
            id: NotSet,
            record_id: Set(id),
            ..record_link::ActiveModel::from(l)
        };
        record_link::Entity::insert(link)
            .exec(db)
            .await
            .expect("insert link");
    }
    id
}
