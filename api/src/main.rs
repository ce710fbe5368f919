//! `plan-api`: serve, migrate and seed the open API of the AMB's Internationalisation Plan.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use std::time::Duration;

use plan_api::auth::{Claims, Verifier, mint_hs256};
use plan_api::server::ConnectionLimits;
use plan_api::{AppState, Config, db, ops_router, router, seed};

/// mimalloc instead of the system allocator: a GraphQL response is built from many small
/// short-lived allocations (values, names, texts), where glibc's malloc was a fifth of the CPU
/// of an uncached read (#13).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The open GraphQL API of the AMB's Internationalisation Plan 2021-2025.
///
/// Settings come from defaults, then the --config TOML file, then the environment
/// (DATABASE_URL, PLAN_API_*); see docs/operators.md.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A TOML file of settings (keys as in docs/operators.md, lower case, without PLAN_API_).
    #[arg(long, env = "PLAN_API_CONFIG", global = true)]
    config: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, load the plan and serve HTTP (the default).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Migrate and load (or update) the plan's data files, then exit.
    Seed,
    /// Print the GraphQL schema (SDL), sorted.
    Schema,
    /// Print a development token signed with PLAN_API_JWT_SECRET (HS256).
    Token(TokenArgs),
    /// Migrate, seed, and add plainly synthetic monitoring records for exploring the API.
    DemoData,
    /// Check the data files without a database: print each problem as
    /// `path:line:column: message`; exit status 1 when there is any.
    Check(CheckArgs),
}

/// Where the data files are.
#[derive(clap::Args)]
struct CheckArgs {
    /// The data folder (by default PLAN_API_DATA_DIR, as `serve` reads it).
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
}

/// What the token says.
#[derive(clap::Args)]
struct TokenArgs {
    /// Role: admin, area, municipality or reader.
    #[arg(long)]
    role: String,
    /// For `area`: the unit's organization code (e.g. AMB-SRI).
    #[arg(long)]
    unit: Option<String>,
    /// For `municipality`: its INE code (e.g. 08101).
    #[arg(long)]
    ine: Option<String>,
    /// Subject; by default `dev-<role>`.
    #[arg(long)]
    sub: Option<String>,
    /// Lifetime, e.g. 30m, 1h, 7d.
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
    ttl: Duration,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Check(args)) = &cli.command {
        return check(cli.config.as_deref(), args);
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Serve);
    if matches!(command, Command::Schema) {
        print!("{}", plan_api::graphql::sdl());
        return Ok(());
    }
    let config = Config::load(cli.config.as_deref())?;
    let tracing = plan_api::telemetry::init(&config)?;
    // Before anything is written: every command that writes (serve, seed, demo-data) notifies
    // other replicas only if the configuration says so.
    db::set_pg_notify(config.pg_notify);
    let done = run_command(command, config).await;
    // The spans of the last requests (and webhook attempts) go out before the process ends.
    tracing.finish().await;
    done
}

async fn run_command(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Schema | Command::Check(_) => Ok(()),
        Command::Migrate => {
            let (conn, _) = db::connect_with(&config).await?;
            db::migrate(&conn).await?;
            tracing::info!(database = %config.redacted_database_url(), "migrations applied");
            Ok(())
        }
        Command::Seed => {
            let (conn, _) = db::connect_with(&config).await?;
            db::migrate(&conn).await?;
            for (plan, outcome) in seed::seed_all(&conn, &config.data_dir).await? {
                tracing::info!(plan, ?outcome, "seed");
            }
            Ok(())
        }
        Command::Token(args) => token(&config, args).await,
        Command::DemoData => {
            let (conn, _) = db::connect_with(&config).await?;
            db::migrate(&conn).await?;
            seed::seed_all(&conn, &config.data_dir).await?;
            let created = plan_api::demo::load(&conn)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            tracing::info!(created, "synthetic demo records loaded (marked synthetic)");
            Ok(())
        }
        Command::Serve => serve(config).await,
    }
}

/// `plan-api check`: every problem of the data files on standard output, a summary on
/// standard error. Needs no database, and no setting when `--data-dir` is given.
fn check(config: Option<&std::path::Path>, args: &CheckArgs) -> ExitCode {
    let data_dir = match &args.data_dir {
        Some(dir) => dir.clone(),
        None => match Config::load(config) {
            Ok(config) => shown_relative(&config.data_dir),
            Err(err) => {
                eprintln!("error: {err:#}");
                return ExitCode::FAILURE;
            }
        },
    };
    let report = match seed::check_folder(&data_dir) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    let files = |n: usize| if n == 1 { "file" } else { "files" };
    if report.problems.is_empty() {
        eprintln!(
            "{} {}, {} {}: no problems",
            report.plans,
            if report.plans == 1 { "plan" } else { "plans" },
            report.files,
            files(report.files)
        );
        return ExitCode::SUCCESS;
    }
    for problem in &report.problems {
        println!("{problem}");
    }
    let mut in_files: Vec<&std::path::Path> =
        report.problems.iter().map(|p| p.path.as_path()).collect();
    in_files.dedup();
    let count = report.problems.len();
    eprintln!(
        "{count} {} in {} {}",
        if count == 1 { "problem" } else { "problems" },
        in_files.len(),
        files(in_files.len())
    );
    if !report.unchecked.is_empty() {
        eprintln!(
            "the codes and links of {} are checked once their files read",
            report.unchecked.join(", ")
        );
    }
    ExitCode::FAILURE
}

/// `dir` relative to the working directory when it is inside it (as an editor shows paths),
/// else as it is.
fn shown_relative(dir: &std::path::Path) -> std::path::PathBuf {
    let (Ok(dir), Ok(cwd)) = (dir.canonicalize(), std::env::current_dir()) else {
        return dir.to_owned();
    };
    match dir.strip_prefix(&cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".into(),
        Ok(rel) => rel.to_owned(),
        Err(_) => dir,
    }
}

/// Prints a token after checking it as the server would (so a typo in a unit fails here).
async fn token(config: &Config, args: TokenArgs) -> anyhow::Result<()> {
    let secret = config
        .jwt_secret
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("set PLAN_API_JWT_SECRET (32 bytes or more) first"))?;
    anyhow::ensure!(
        args.ttl.as_secs() <= config.jwt_max_lifetime_secs,
        "--ttl {} is longer than PLAN_API_JWT_MAX_LIFETIME_SECS ({} s): the server would refuse it",
        humantime::format_duration(args.ttl),
        config.jwt_max_lifetime_secs
    );
    let now = chrono::Utc::now().timestamp();
    let ttl = i64::try_from(args.ttl.as_secs())?;
    let claims = Claims {
        sub: Some(args.sub.unwrap_or_else(|| format!("dev-{}", args.role))),
        role: Some(args.role),
        unit: args.unit,
        ine: args.ine,
        exp: now + ttl,
        nbf: None,
        iat: Some(now),
        iss: config.jwt_issuer.clone(),
        aud: config.jwt_audience.clone(),
    };
    let token = mint_hs256(secret.expose(), &claims)?;
    let verifier = Verifier::from_config(config)?;
    // Check the claims as the server would, against the plan's registry loaded from the data
    // files into a scratch in-memory database: minting a token writes to no database. (One
    // connection: each SQLite in-memory connection is a database of its own.)
    let scratch = Config {
        database_url: "sqlite::memory:".to_owned(),
        db_max_connections: 1,
        ..config.clone()
    };
    let (conn, _) = db::connect_with(&scratch).await?;
    db::migrate(&conn).await?;
    seed::seed_all(&conn, &config.data_dir).await?;
    let claims = verifier
        .verify(&token)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    plan_api::auth::viewer_from_claims(&conn, claims)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{token}");
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let verifier = Verifier::from_config(&config)?;
    if !verifier.enabled() {
        tracing::warn!("no PLAN_API_JWT_SECRET or PLAN_API_JWKS_FILE: every caller is anonymous");
    }
    let (conn, statements) = db::connect_with(&config).await?;
    db::migrate(&conn).await?;
    for (plan, outcome) in seed::seed_all(&conn, &config.data_dir).await? {
        tracing::info!(plan, ?outcome, "seed");
    }
    let listen = config.listen;
    let limits = ConnectionLimits::from_config(&config);
    let metrics_listen = config.metrics_listen;
    let webhook_worker = config.webhook_worker;
    let state = AppState::new(conn, statements, verifier, config);
    // The webhook worker: started with the server, stopped after it (see docs/integrators.md, Webhooks).
    let worker = if webhook_worker {
        Some(
            plan_api::webhooks::worker::Worker::start(
                state.db.clone(),
                state.hub.subscribe(),
                plan_api::webhooks::Settings::from_config(&state.config),
            )
            .map_err(|e| anyhow::anyhow!("webhook worker: {e}"))?,
        )
    } else {
        None
    };
    let ops = ops_router(state.clone());
    let app = router(state);
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let ops_listener = tokio::net::TcpListener::bind(metrics_listen)
        .await
        .map_err(|e| anyhow::anyhow!("PLAN_API_METRICS_LISTEN {metrics_listen}: {e}"))?;
    tracing::info!(
        address = %ops_listener.local_addr()?,
        "serving Prometheus metrics at /metrics"
    );
    tokio::spawn(async move {
        if let Err(err) = axum::serve(ops_listener, ops).await {
            tracing::error!(%err, "the metrics listener stopped");
        }
    });
    tracing::info!(
        address = %listener.local_addr()?,
        "serving GraphQL at /graphql and GraphiQL at /graphiql"
    );
    let drain = limits.drain;
    let signalled = std::sync::OnceLock::new();
    let shutdown = async {
        shutdown_signal().await;
        let _ = signalled.set(std::time::Instant::now());
        // The worker stops claiming at once and finishes its attempts while the connections
        // drain: the whole stop fits in the drain time an orchestrator is told to allow.
        if let Some(worker) = &worker {
            worker.stop_claiming();
        }
    };
    plan_api::server::serve(listener, app, limits, shutdown).await?;
    if let Some(worker) = worker {
        // Attempts in flight finish (each within PLAN_API_WEBHOOK_TIMEOUT_SECS) until the end
        // of the drain; one cut short keeps its lease, and its delivery goes out again from
        // the next start or another replica once the lease has run out.
        let left = signalled
            .get()
            .map_or(Duration::ZERO, |at| drain.saturating_sub(at.elapsed()));
        if tokio::time::timeout(left, worker.stop()).await.is_err() {
            tracing::warn!("webhook attempts were still in flight at the end of the drain");
        }
    }
    tracing::info!("stopped after finishing in-flight requests");
    Ok(())
}

/// Ctrl-C or SIGTERM (what orchestrators send): stop accepting, finish in-flight requests.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
