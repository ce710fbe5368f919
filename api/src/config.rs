//! One typed configuration, from defaults overridden by the environment, validated at start.

use std::net::SocketAddr;

use clap::Args;

/// Settings shared by every subcommand.
#[derive(Args, Debug, Clone)]
pub struct Config {
    /// Database URL: `sqlite://FILE?mode=rwc` (the embedded default) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://plan-api.sqlite?mode=rwc",
        global = true
    )]
    pub database_url: String,

    /// Address the HTTP server listens on.
    #[arg(
        long,
        env = "PLAN_API_LISTEN",
        default_value = "127.0.0.1:8000",
        global = true
    )]
    pub listen: SocketAddr,

    /// Folder holding the plan's data files.
    #[arg(long, env = "PLAN_API_DATA_DIR", default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../data"), global = true)]
    pub data_dir: std::path::PathBuf,
}

impl Config {
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
