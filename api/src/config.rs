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

    /// HS256 shared secret for bearer tokens (at least 32 bytes). Enables HS256.
    #[arg(
        long,
        env = "PLAN_API_JWT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub jwt_secret: Option<Secret>,

    /// JSON Web Key Set file with the identity provider's public keys. Enables RS256 and ES256.
    #[arg(long, env = "PLAN_API_JWKS_FILE", global = true)]
    pub jwks_file: Option<std::path::PathBuf>,

    /// Accepted signature algorithms, comma-separated (HS256, RS256, ES256). By default: HS256
    /// when a secret is set, RS256 and ES256 when a key set is.
    #[arg(
        long,
        env = "PLAN_API_JWT_ALGORITHMS",
        global = true,
        value_delimiter = ','
    )]
    pub jwt_algorithms: Vec<String>,

    /// Required `iss` of tokens, when set.
    #[arg(long, env = "PLAN_API_JWT_ISSUER", global = true)]
    pub jwt_issuer: Option<String>,

    /// Required `aud` of tokens, when set.
    #[arg(long, env = "PLAN_API_JWT_AUDIENCE", global = true)]
    pub jwt_audience: Option<String>,

    /// Clock leeway, in seconds, when checking `exp` and `nbf`.
    #[arg(
        long,
        env = "PLAN_API_JWT_LEEWAY_SECS",
        default_value_t = 30,
        global = true
    )]
    pub jwt_leeway_secs: u64,

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

/// A secret setting: never printed, not even by `Debug`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The secret's value, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}
