//! One migrated and seeded database per test run, copied for each test that starts from the
//! shipped data (a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL), as the
//! crates.io backend's tests do: the migrations and the first seed run once per run instead of
//! once per test. A copy is then migrated and seeded again as `plan-api serve` would, which
//! finds nothing to do.

use std::path::PathBuf;
use std::sync::OnceLock;

use plan_api::{db, seed};
use sea_orm::ConnectionTrait;

/// The seeded database every copy is made from.
pub enum Template {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A database of the PostgreSQL server, by name.
    Postgres(String),
}

const PREFIX: &str = "plan_api_template_";

/// This run's template, built by the first test that asks (the others wait for it).
pub fn template() -> &'static Template {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    // Built on a thread and runtime of its own: its connections must not outlive the runtime
    // of whichever test happened to ask first.
    TEMPLATE.get_or_init(|| std::thread::spawn(build).join().expect("the template"))
}

fn build() -> Template {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let pid = std::process::id();
        match super::postgres_admin_url() {
            Some(admin_url) => {
                let (admin, _) = db::connect(&admin_url).await.expect("connect");
                drop_stale_databases(&admin).await;
                let name = format!("{PREFIX}{pid}");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create the template");
                admin.close().await.expect("close");
                let (base, _) = admin_url.rsplit_once('/').expect("a database in the URL");
                fill(&format!("{base}/{name}")).await;
                Template::Postgres(name)
            }
            None => {
                remove_stale_files();
                let path = std::env::temp_dir().join(format!("{PREFIX}{pid}.sqlite"));
                let _ = std::fs::remove_file(&path);
                fill(&format!("sqlite://{}?mode=rwc", path.display())).await;
                Template::Sqlite(path)
            }
        }
    })
}

/// Migrates and seeds the database at `url`, then closes every connection to it (a
/// PostgreSQL template must have none; a SQLite file is whole once closed).
async fn fill(url: &str) {
    let (conn, _) = db::connect(url).await.expect("connect to the template");
    db::migrate(&conn).await.expect("migrate the template");
    seed::seed_all(&conn, &super::data_dir())
        .await
        .expect("seed the template");
    conn.close().await.expect("close the template");
}

/// Whether the test process `pid` still runs (its template is in use).
fn alive(pid: &str) -> bool {
    std::path::Path::new("/proc").join(pid).exists()
}

/// Templates of earlier runs that ended (a static is never dropped, so each run leaves one).
async fn drop_stale_databases(admin: &sea_orm::DatabaseConnection) {
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'"),
        ))
        .await
        .expect("list templates");
    for row in rows {
        let name: String = row.try_get("", "datname").expect("datname");
        if !alive(name.trim_start_matches(PREFIX)) {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

fn remove_stale_files() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name
            .strip_prefix(PREFIX)
            .and_then(|n| n.strip_suffix(".sqlite"))
            && !alive(pid)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
