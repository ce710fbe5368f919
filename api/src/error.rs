//! The one error type of the API and its mapping to the wire.
//!
//! Resolvers return [`ApiError`] through `?`; async-graphql keeps it as the error's source and
//! [`classify`] turns it into a stable `extensions.code` once per response. Database errors are
//! logged with their detail here and reach clients only as `INTERNAL` or `SERVICE_UNAVAILABLE`.

use async_graphql::{ErrorExtensionValues, ErrorExtensions, ServerError};
use sea_orm::DbErr;

/// Every error a client can see.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// The record asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// An argument is invalid; `field` names it.
    #[error("{message}")]
    BadUserInput {
        /// What is wrong, for a person to read.
        message: String,
        /// The argument or input field at fault.
        field: String,
    },
    /// Several inputs are invalid at once; each names its field path (`input.percentComplete`).
    #[error("{}", invalid_message(.0))]
    Invalid(Vec<FieldError>),
    /// The record changed since the client read it, or an idempotency key was reused for a
    /// different request. Nothing was changed.
    #[error("{message}")]
    Conflict {
        /// What clashed.
        message: String,
        /// The record's version now, when a stale version was sent.
        current_version: Option<i32>,
    },
    /// The request's credentials are missing or bad (HTTP 401).
    #[error("{0}")]
    Unauthenticated(String),
    /// The viewer may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The database cannot be reached.
    #[error("the service is temporarily unavailable; try again shortly")]
    Unavailable,
    /// Anything else: the detail is in the server log, never in the response.
    #[error("internal error")]
    Internal,
}

impl ApiError {
    /// A `BAD_USER_INPUT` error about `field`.
    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            message: message.into(),
            field: field.to_owned(),
        }
    }

    /// The stable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadUserInput { .. } | Self::Invalid(_) => "BAD_USER_INPUT",
            Self::Conflict { .. } => "CONFLICT",
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Unavailable => "SERVICE_UNAVAILABLE",
            Self::Internal => "INTERNAL",
        }
    }
}

/// One invalid input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field (`input.milestones[1].date`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

fn invalid_message(errors: &[FieldError]) -> String {
    let parts: Vec<String> = errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect();
    format!("invalid input: {}", parts.join("; "))
}

/// Whether a database error means the database is out of reach (rather than a bad query).
fn unreachable(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => matches!(
            e.as_ref(),
            Sqlx::Io(_)
                | Sqlx::PoolTimedOut
                | Sqlx::PoolClosed
                | Sqlx::WorkerCrashed
                | Sqlx::Tls(_)
        ),
        _ => false,
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        match err {
            ref e if unreachable(e) => {
                tracing::error!(error = %err, "database unavailable");
                Self::Unavailable
            }
            _ => {
                tracing::error!(error = %err, "database error");
                Self::Internal
            }
        }
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.to_string()).extend_with(|_, e| {
            e.set("code", self.code());
            match self {
                Self::BadUserInput { field, .. } => e.set("field", field.as_str()),
                Self::Invalid(errors) => {
                    if let Some(first) = errors.first() {
                        e.set("field", first.field.as_str());
                    }
                    let list: Vec<async_graphql::Value> = errors
                        .iter()
                        .map(|f| {
                            let mut map = async_graphql::indexmap::IndexMap::new();
                            map.insert(async_graphql::Name::new("field"), f.field.as_str().into());
                            map.insert(
                                async_graphql::Name::new("message"),
                                f.message.as_str().into(),
                            );
                            async_graphql::Value::Object(map)
                        })
                        .collect();
                    e.set("fieldErrors", list);
                }
                Self::Conflict {
                    current_version: Some(v),
                    ..
                } => e.set("currentVersion", *v),
                _ => {}
            }
        })
    }
}

/// Gives every error of a response its `extensions.code`.
///
/// Errors raised by resolvers carry an [`ApiError`] as their source. The others come from
/// async-graphql itself: an argument value of the wrong type or outside its enum (`lang: DE`)
/// is `BAD_USER_INPUT` naming the argument; any other error without a path is a parse or
/// validation error of the document; with a path, a value that could not be coerced.
pub fn classify(err: &mut ServerError) {
    if let Some(api) = err.source::<ApiError>() {
        let extended = api.extend();
        err.message = extended.message;
        err.extensions = extended.extensions;
        return;
    }
    let argument = err
        .message
        .strip_prefix("Invalid value for argument \"")
        .and_then(|rest| rest.split_once('"'))
        .map(|(name, _)| name.to_owned());
    let code = if argument.is_some() || !err.path.is_empty() {
        "BAD_USER_INPUT"
    } else {
        "GRAPHQL_VALIDATION_FAILED"
    };
    let ext = err
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if ext.get("code").is_none() {
        ext.set("code", code);
        if let Some(argument) = argument {
            ext.set("field", argument);
        }
    }
}
