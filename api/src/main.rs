//! `plan-api`: serve, migrate and seed the open API of the AMB's Internationalisation Plan.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plan_api::{AppState, Config, db, router, seed};
use tracing_subscriber::EnvFilter;

/// The open GraphQL API of the AMB's Internationalisation Plan 2021-2025.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
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
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn")),
        )
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Schema => {
            print!("{}", plan_api::graphql::sdl());
            Ok(())
        }
        Command::Migrate => {
            let (conn, _) = db::connect(&config.database_url).await?;
            db::migrate(&conn).await?;
            tracing::info!(database = %config.redacted_database_url(), "migrations applied");
            Ok(())
        }
        Command::Seed => {
            let (conn, _) = db::connect(&config.database_url).await?;
            db::migrate(&conn).await?;
            for outcome in seed::seed_all(&conn, &config.data_dir).await? {
                tracing::info!(?outcome, "seed");
            }
            Ok(())
        }
        Command::Serve => serve(config).await,
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let (conn, statements) = db::connect(&config.database_url).await?;
    db::migrate(&conn).await?;
    for outcome in seed::seed_all(&conn, &config.data_dir).await? {
        tracing::info!(?outcome, "seed");
    }
    let app = router(AppState::new(conn, statements));
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    tracing::info!(
        address = %listener.local_addr()?,
        database = %config.redacted_database_url(),
        "serving GraphQL at /graphql and GraphiQL at /graphiql"
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
