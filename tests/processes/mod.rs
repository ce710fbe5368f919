//! `plan-api serve` as separate operating-system processes: replicas that learn of each other's
//! commits only through the database (PostgreSQL `NOTIFY`, or nothing when it is switched off),
//! a crash in the middle of a burst of writes (`kill -9`), a webhook lease left by a killed
//! worker, and a stop with requests in flight (SIGTERM).
//!
//! In-process replicas share process-wide wake-ups (the generation trackers, the event pokes),
//! so they cannot show that replicas on different machines hear of each other; these can.
//!
//! The binary is `PLAN_API_BIN` when set (a private copy of a build, for machines where several
//! checkouts share one target directory), else the one Cargo built with these tests. Each
//! process gets free loopback ports, the tests' JWT secret, its own log file (printed when the
//! test fails) and is killed when the test ends, whatever happens.

mod crash;
mod drain;
mod lease;
mod replica_webhooks;
mod replicas;

use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::common::{TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET, data_dir, http_client};

/// Longest a process may take to migrate, seed and answer `/readyz` (a debug build on a busy
/// two-core machine).
const READY_WITHIN: Duration = Duration::from_secs(180);

/// One process test at a time: each runs one or two servers and, for the bounds they measure
/// (2 s), should not compete with another's servers for the CPU.
static TURN: LazyLock<tokio::sync::Mutex<()>> = LazyLock::new(|| tokio::sync::Mutex::new(()));

/// Waits for this test's turn among the process tests; the turn lasts as long as the guard.
pub async fn turn() -> tokio::sync::MutexGuard<'static, ()> {
    TURN.lock().await
}

/// The `plan-api` binary to run.
pub fn binary() -> PathBuf {
    std::env::var_os("PLAN_API_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_plan-api")))
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// One `plan-api serve` process (restartable on the same database and settings).
pub struct Server {
    name: &'static str,
    env: Vec<(String, String)>,
    child: Option<Child>,
    port: u16,
    ops_port: u16,
    dir: tempfile::TempDir,
    client: reqwest::Client,
}

/// A GraphQL answer: its HTTP status and its body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    /// `extensions.code` of the first error.
    pub fn code(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["code"].as_str()
    }

    /// The `data` of a success (status 200, no errors), or a failed test naming `what`.
    pub fn data(&self, what: &str) -> &Value {
        assert!(
            self.status == 200 && self.body.get("errors").is_none(),
            "{what}: {} {}",
            self.status,
            self.body
        );
        &self.body["data"]
    }
}

impl Server {
    /// Starts `plan-api serve` (named `name` in messages) on `database_url` with the tests'
    /// settings, then `settings` (which win), and waits until it is ready.
    pub async fn start(name: &'static str, database_url: &str, settings: &[(&str, &str)]) -> Self {
        let data = data_dir().display().to_string();
        let mut env: Vec<(String, String)> = [
            ("DATABASE_URL", database_url),
            ("PLAN_API_DATA_DIR", data.as_str()),
            ("PLAN_API_JWT_SECRET", TEST_SECRET),
            ("PLAN_API_JWT_ISSUER", TEST_ISSUER),
            ("PLAN_API_JWT_AUDIENCE", TEST_AUDIENCE),
            // Tests send many requests from one address: rate limiting has tests of its own.
            ("PLAN_API_RATE_LIMIT_PER_MINUTE", "0"),
            // Webhook receivers are the test's own, on 127.0.0.1 over plain HTTP.
            ("PLAN_API_WEBHOOK_ALLOW_PRIVATE", "true"),
            ("PLAN_API_WEBHOOK_ALLOW_HTTP", "true"),
            ("RUST_LOG", "info,sqlx=warn,sea_orm=warn"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        for (k, v) in settings {
            env.retain(|(name, _)| name != k);
            env.push(((*k).to_owned(), (*v).to_owned()));
        }
        let mut server = Server {
            name,
            env,
            child: None,
            port: 0,
            ops_port: 0,
            dir: tempfile::tempdir().expect("a folder for the log"),
            client: http_client(),
        };
        server.spawn().await;
        server
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    /// The process's log so far (every start of it).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// Spawns the process on fresh ports and waits for `/readyz`; a port taken meanwhile by
    /// someone else is retried on others.
    async fn spawn(&mut self) {
        for _ in 0..5 {
            self.port = free_port();
            self.ops_port = free_port();
            let log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.log_path())
                .expect("the log file");
            use std::io::Write;
            writeln!(&log, "== {} starts on port {}", self.name, self.port).expect("log");
            // Nothing of the developer's environment: a stray PLAN_API_* variable would change
            // the settings (or, unknown, stop the start).
            let child = Command::new(binary())
                .arg("serve")
                .env_clear()
                .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .env("PLAN_API_LISTEN", format!("127.0.0.1:{}", self.port))
                .env(
                    "PLAN_API_METRICS_LISTEN",
                    format!("127.0.0.1:{}", self.ops_port),
                )
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("log"))
                .stderr(log)
                .kill_on_drop(true)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary().display()));
            self.child = Some(child);
            if self.wait_ready().await {
                return;
            }
        }
        panic!("{} never found free ports:\n{}", self.name, self.log());
    }

    /// Whether the process became ready; `false` when it stopped because its port was taken.
    async fn wait_ready(&mut self) -> bool {
        let started = Instant::now();
        loop {
            let exited = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if let Some(status) = exited {
                let log = self.log();
                if log.contains("Address already in use") {
                    return false;
                }
                panic!("{} stopped at start ({status}):\n{log}", self.name);
            }
            let ready = self
                .client
                .get(format!("{}/readyz", self.url()))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            if ready {
                return true;
            }
            assert!(
                started.elapsed() < READY_WITHIN,
                "{} not ready after {READY_WITHIN:?}:\n{}",
                self.name,
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `http://127.0.0.1:<port>` of the public listener.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The public listener's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The operating system's id of the running process.
    pub fn pid(&self) -> u32 {
        self.child
            .as_ref()
            .and_then(Child::id)
            .expect("a running process")
    }

    /// SIGKILL (`kill -9`): the process ends at once, in the middle of whatever it was doing.
    pub async fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().expect("SIGKILL");
            child.wait().await.expect("reaped");
        }
    }

    /// Sends SIGTERM (what orchestrators send to stop a process); returns when it was sent.
    pub async fn sigterm(&self) -> Instant {
        let pid = self.pid().to_string();
        let at = Instant::now();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("kill");
        assert!(sent.success(), "kill -TERM {pid}: {sent}");
        at
    }

    /// The exit status, if the process ends within `within`.
    pub async fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        let status = tokio::time::timeout(within, child.wait()).await.ok()?;
        let status = status.expect("wait");
        self.child = None;
        Some(status)
    }

    /// Starts the process again on the same database and settings (and new ports).
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "{} is still running", self.name);
        self.spawn().await;
    }

    /// `/metrics` of the operations listener.
    pub async fn metrics(&self) -> String {
        self.client
            .get(format!("http://127.0.0.1:{}/metrics", self.ops_port))
            .send()
            .await
            .expect("metrics answer")
            .text()
            .await
            .expect("metrics text")
    }

    /// Waits (up to 30 s) until the process holds its `LISTEN` on `channel`: a notification
    /// sent before that is not heard, by design.
    pub async fn wait_listening(&self, channel: &str) {
        let line = format!("plan_api_notify_listening{{channel=\"{channel}\"}} 1");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.metrics().await.lines().any(|l| l == line) {
            assert!(
                Instant::now() < deadline,
                "{} never listened on {channel}",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// POSTs a GraphQL document as `auth` (a whole `authorization` value) over `client`; a
    /// transport error (refused, reset, cut off) is returned as such.
    pub async fn try_post(
        &self,
        client: &reqwest::Client,
        auth: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<Answer, reqwest::Error> {
        let mut request = client
            .post(format!("{}/graphql", self.url()))
            .header("content-type", "application/json")
            .body(json!({ "query": query, "variables": variables }).to_string());
        if let Some(a) = auth {
            request = request.header("authorization", a);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Ok(Answer { status, body })
    }

    /// POSTs a GraphQL document as `auth`; the server must answer.
    pub async fn post(&self, auth: Option<&str>, query: &str, variables: Value) -> Answer {
        self.try_post(&self.client, auth, query, variables)
            .await
            .unwrap_or_else(|e| panic!("{} did not answer: {e}", self.name))
    }

    /// GETs `path_and_query` from the public listener: status, `x-cache` and body.
    pub async fn get(&self, path_and_query: &str) -> (u16, String, Value) {
        let response = self
            .client
            .get(format!("{}{path_and_query}", self.url()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{} did not answer: {e}", self.name));
        let status = response.status().as_u16();
        let cache = response
            .headers()
            .get("x-cache")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response.text().await.expect("a body");
        (
            status,
            cache,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            // `kill_on_drop` would too; done here so that the log below is complete.
            let _ = child.start_kill();
        }
        if std::thread::panicking() {
            let log = self.log();
            let lines: Vec<&str> = log.lines().collect();
            let tail = lines[lines.len().saturating_sub(200)..].join("\n");
            eprintln!("---- log of {} (last 200 lines) ----\n{tail}", self.name);
        }
    }
}

// What the process tests write: synthetic progress updates of the International Relations
// Service (responsible for LE1.1-LE1.4), published by a coordinator.

/// Creates a progress update (SUBMITTED when `submit`), with `idempotencyKey`.
pub const CREATE: &str = "mutation($input: ProgressUpdateInput!, $key: String!, $submit: Boolean!) {
  r: createProgressUpdate(input: $input, idempotencyKey: $key, submit: $submit) { id state version } }";
/// Publishes a submitted record.
pub const PUBLISH: &str = "mutation($id: ID!, $v: Int!) {
  r: publishRecord(id: $id, expectedVersion: $v) { id state version } }";

/// The input of a synthetic progress update on `action`, `percent` complete.
pub fn progress(action: &str, percent: u32, note: &str) -> Value {
    json!({
        "action": action, "year": 2024, "status": "IN_PROGRESS", "percentComplete": percent,
        "narrative": { "es": format!("[Synthetic test data] {note}") },
    })
}

/// The reporting unit's `authorization`.
pub fn sri() -> String {
    crate::common::bearer("area", Some("AMB-SRI"), None)
}

/// A coordinator's `authorization`.
pub fn admin() -> String {
    crate::common::bearer("admin", None, None)
}

/// Creates a submitted progress update through `server` and publishes it there; returns its
/// global ID and when the publication was acknowledged.
pub async fn publish_through(
    server: &Server,
    action: &str,
    percent: u32,
    key: &str,
) -> (String, Instant) {
    let created = server
        .post(
            Some(&sri()),
            CREATE,
            json!({ "input": progress(action, percent, key), "key": key, "submit": true }),
        )
        .await;
    let r = &created.data("create")["r"];
    let id = r["id"].as_str().expect("an id").to_owned();
    let published = server
        .post(
            Some(&admin()),
            PUBLISH,
            json!({ "id": id, "v": r["version"] }),
        )
        .await;
    assert_eq!(published.data("publish")["r"]["state"], "PUBLISHED");
    (id, Instant::now())
}
