//! Who is calling: bearer JWT verification and the [`Viewer`] it yields.
//!
//! Tokens come from the AMB's identity provider (RS256/ES256, keys from a JWKS file, picked by
//! `kid`) or, for development and simple setups, are signed with a shared secret (HS256). The
//! accepted algorithms come from configuration, never from the token: a token whose header names
//! another algorithm (`none` included) is refused before any key is looked at, and each
//! algorithm family has its own keys, so an HS256 token can never be checked against an RSA key.
//!
//! No token means an anonymous viewer; a bad token is an error, never a silent downgrade.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::ApiError;
use crate::store;

/// The caller's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// No token: reads what is published.
    Anonymous,
    /// An internal AMB system: reads everything, writes nothing.
    Reader,
    /// An AMB area or service: reports on the actions its unit leads.
    Area,
    /// One of the 36 municipalities: reports its own contributions.
    Municipality,
    /// The plan's coordinators: see and do everything.
    Admin,
}

impl Role {
    /// Every role, in the order of the policy table's columns.
    pub const ALL: [Role; 5] = [
        Role::Anonymous,
        Role::Reader,
        Role::Area,
        Role::Municipality,
        Role::Admin,
    ];

    /// The role named by a token's `role` claim.
    pub fn from_claim(claim: &str) -> Option<Role> {
        match claim {
            "reader" => Some(Role::Reader),
            "area" => Some(Role::Area),
            "municipality" => Some(Role::Municipality),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// The claim naming the role (`None` for anonymous).
    pub fn claim(self) -> Option<&'static str> {
        match self {
            Role::Anonymous => None,
            Role::Reader => Some("reader"),
            Role::Area => Some("area"),
            Role::Municipality => Some("municipality"),
            Role::Admin => Some("admin"),
        }
    }
}

/// The authenticated (or anonymous) caller of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    /// The token's subject.
    pub sub: Option<String>,
    /// The role.
    pub role: Role,
    /// For `area`: the code of its AMB area or service, and the codes of the units within it.
    pub unit: Option<String>,
    /// For `area`: the unit and every organization below it in the registry.
    pub unit_scope: Vec<String>,
    /// For `municipality`: its INE code.
    pub municipality: Option<String>,
    /// When the token expires.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Viewer {
    /// A caller without a token.
    pub fn anonymous() -> Self {
        Viewer {
            sub: None,
            role: Role::Anonymous,
            unit: None,
            unit_scope: Vec::new(),
            municipality: None,
            expires_at: None,
        }
    }
}

/// The claims this API reads.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Claims {
    /// Subject: who the token was issued to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// `admin`, `area`, `municipality` or `reader`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// For `area`: the unit's organization code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// For `municipality`: its INE code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ine: Option<String>,
    /// Expiry, seconds since the epoch (required).
    pub exp: i64,
    /// Not before, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Issued at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Audience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

/// Checks tokens against the configured keys and rules.
pub struct Verifier {
    algorithms: Vec<Algorithm>,
    secret: Option<DecodingKey>,
    jwks: HashMap<String, (DecodingKey, Option<Algorithm>)>,
    issuer: Option<String>,
    audience: Option<String>,
    leeway: u64,
    max_lifetime: i64,
}

fn unauthenticated(message: &str) -> ApiError {
    ApiError::Unauthenticated(message.to_owned())
}

impl Verifier {
    /// Builds the verifier from configuration; a setting that cannot work is an error naming it.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let secret = match &config.jwt_secret {
            Some(s) if s.expose().len() < 32 => {
                anyhow::bail!("PLAN_API_JWT_SECRET must be at least 32 bytes long")
            }
            Some(s) => Some(
                DecodingKey::from_secret(s.expose().as_bytes())
                    .map_err(|e| anyhow::anyhow!("PLAN_API_JWT_SECRET: {e}"))?,
            ),
            None => None,
        };
        let jwks = match &config.jwks_file {
            Some(path) => load_jwks(path)?,
            None => HashMap::new(),
        };
        let listed = config.jwt_algorithm_list();
        let algorithms = if listed.is_empty() {
            let mut algs = Vec::new();
            if secret.is_some() {
                algs.push(Algorithm::HS256);
            }
            if !jwks.is_empty() {
                algs.extend([Algorithm::RS256, Algorithm::ES256]);
            }
            algs
        } else {
            listed
                .iter()
                .map(|a| match a.trim() {
                    "HS256" => Ok(Algorithm::HS256),
                    "RS256" => Ok(Algorithm::RS256),
                    "ES256" => Ok(Algorithm::ES256),
                    other => anyhow::bail!(
                        "PLAN_API_JWT_ALGORITHMS: {other:?} is not one of HS256, RS256, ES256"
                    ),
                })
                .collect::<anyhow::Result<_>>()?
        };
        if algorithms.contains(&Algorithm::HS256) && secret.is_none() {
            anyhow::bail!(
                "PLAN_API_JWT_ALGORITHMS accepts HS256 but PLAN_API_JWT_SECRET is not set"
            );
        }
        if algorithms
            .iter()
            .any(|a| matches!(a, Algorithm::RS256 | Algorithm::ES256))
            && jwks.is_empty()
        {
            anyhow::bail!(
                "PLAN_API_JWT_ALGORITHMS accepts RS256/ES256 but PLAN_API_JWKS_FILE names no key"
            );
        }
        if config.jwt_max_lifetime_secs == 0 {
            anyhow::bail!("PLAN_API_JWT_MAX_LIFETIME_SECS must be at least 1");
        }
        Ok(Verifier {
            algorithms,
            secret,
            jwks,
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
            leeway: config.jwt_leeway_secs,
            max_lifetime: i64::try_from(config.jwt_max_lifetime_secs).unwrap_or(i64::MAX),
        })
    }

    /// Whether any token can be accepted at all.
    pub fn enabled(&self) -> bool {
        !self.algorithms.is_empty()
    }

    /// Verifies `token`'s signature and registered claims; returns its claims.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        if !self.enabled() {
            return Err(unauthenticated("this server accepts no tokens"));
        }
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| unauthenticated("the token is malformed"))?;
        if !self.algorithms.contains(&header.alg) {
            return Err(unauthenticated("the token's algorithm is not accepted"));
        }
        let key = match header.alg {
            Algorithm::HS256 => self.secret.as_ref(),
            _ => {
                let kid = header
                    .kid
                    .as_deref()
                    .ok_or_else(|| unauthenticated("the token names no key (kid)"))?;
                let (key, alg) = self
                    .jwks
                    .get(kid)
                    .ok_or_else(|| unauthenticated("the token's key is unknown"))?;
                if alg.is_some_and(|a| a != header.alg) {
                    return Err(unauthenticated(
                        "the token's algorithm does not fit its key",
                    ));
                }
                Some(key)
            }
        }
        .ok_or_else(|| unauthenticated("the token's algorithm is not accepted"))?;

        let mut validation = Validation::new(header.alg);
        validation.algorithms = vec![header.alg];
        validation.leeway = self.leeway;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp"]);
        match &self.issuer {
            Some(iss) => validation.set_issuer(&[iss]),
            None => validation.iss = None,
        }
        match &self.audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        let data = jsonwebtoken::decode::<Claims>(token, key, &validation).map_err(|e| {
            let message = match e.kind() {
                ErrorKind::ExpiredSignature => "the token has expired",
                ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)",
                ErrorKind::InvalidIssuer => "the token's issuer is not accepted",
                ErrorKind::InvalidAudience => "the token's audience is not accepted",
                ErrorKind::InvalidSignature => "the token's signature is invalid",
                ErrorKind::MissingRequiredClaim(_) => "the token lacks a required claim (exp)",
                ErrorKind::Json(_) => "the token's claims are malformed (exp is required)",
                _ => "the token is invalid",
            };
            unauthenticated(message)
        })?;
        self.check_lifetime(&data.claims)?;
        Ok(data.claims)
    }

    /// Refuses tokens that live longer than `PLAN_API_JWT_MAX_LIFETIME_SECS`: a stolen token
    /// must not stay useful for years. Measured as `exp - iat`, or as what is left of it
    /// (`exp - now`) when the token does not say when it was issued.
    fn check_lifetime(&self, claims: &Claims) -> Result<(), ApiError> {
        let leeway = i64::try_from(self.leeway).unwrap_or(i64::MAX);
        let (lifetime, measured) = match claims.iat {
            Some(iat) => (claims.exp.saturating_sub(iat), "exp - iat"),
            None => (
                claims
                    .exp
                    .saturating_sub(Utc::now().timestamp())
                    .saturating_sub(leeway),
                "exp - now, as the token has no iat",
            ),
        };
        if lifetime > self.max_lifetime {
            return Err(unauthenticated(&format!(
                "the token lives too long: {lifetime} s ({measured}), more than the {} s this \
                 server accepts (PLAN_API_JWT_MAX_LIFETIME_SECS); ask for a shorter-lived token",
                self.max_lifetime
            )));
        }
        Ok(())
    }

    /// The verified claims of an `Authorization` header value (`Bearer <token>`).
    pub fn bearer_claims(&self, authorization: &str) -> Result<Claims, ApiError> {
        let token = authorization
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthenticated("expected the header Authorization: Bearer <token>"))?;
        self.verify(token)
    }

    /// The viewer of a request with this `Authorization` header value (anonymous without one).
    pub async fn viewer_from_header(
        &self,
        db: &DatabaseConnection,
        authorization: Option<&str>,
    ) -> Result<Viewer, ApiError> {
        let Some(value) = authorization else {
            return Ok(Viewer::anonymous());
        };
        let claims = self.bearer_claims(value)?;
        viewer_from_claims(db, claims).await
    }

    /// The viewer of a WebSocket connection, from its `connection_init` payload:
    /// `{"Authorization": "Bearer <token>"}` (any case of the key).
    pub async fn viewer_from_connection_init(
        &self,
        db: &DatabaseConnection,
        payload: &serde_json::Value,
    ) -> Result<Viewer, ApiError> {
        let header = payload.as_object().and_then(|map| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
                .map(|(_, v)| v.as_str().unwrap_or_default())
        });
        self.viewer_from_header(db, header).await
    }
}

fn load_jwks(path: &Path) -> anyhow::Result<HashMap<String, (DecodingKey, Option<Algorithm>)>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("PLAN_API_JWKS_FILE {}: {e}", path.display()))?;
    let set: JwkSet = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!("PLAN_API_JWKS_FILE {}: not a JWK set: {e}", path.display())
    })?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let kid = jwk
            .common
            .key_id
            .clone()
            .ok_or_else(|| anyhow::anyhow!("PLAN_API_JWKS_FILE: every key needs a kid"))?;
        let key = DecodingKey::from_jwk(jwk)
            .map_err(|e| anyhow::anyhow!("PLAN_API_JWKS_FILE: key {kid}: {e}"))?;
        let alg = jwk
            .common
            .key_algorithm
            .and_then(|a| a.to_string().parse::<Algorithm>().ok());
        keys.insert(kid, (key, alg));
    }
    Ok(keys)
}

/// Checks a token's role and scope against the registry and builds its viewer.
pub async fn viewer_from_claims(
    db: &DatabaseConnection,
    claims: Claims,
) -> Result<Viewer, ApiError> {
    let sub = claims
        .sub
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| unauthenticated("the token has no subject (sub)"))?;
    let role = claims
        .role
        .as_deref()
        .and_then(Role::from_claim)
        .ok_or_else(|| unauthenticated("the token's role is unknown"))?;
    let expires_at = DateTime::from_timestamp(claims.exp, 0);
    let mut viewer = Viewer {
        sub: Some(sub),
        role,
        unit: None,
        unit_scope: Vec::new(),
        municipality: None,
        expires_at,
    };
    match (role, claims.unit, claims.ine) {
        (Role::Area, Some(unit), None) => {
            let org = store::organization_by_code(db, &unit)
                .await?
                .filter(|o| matches!(o.kind.as_str(), "AMB_AREA" | "AMB_SERVICE"))
                .ok_or_else(|| unauthenticated("the token's unit is not an AMB area or service"))?;
            viewer.unit_scope = store::organization_subtree(db, org.id).await?;
            viewer.unit = Some(org.code);
        }
        (Role::Area, None, _) => return Err(unauthenticated("an area token needs a unit")),
        (Role::Municipality, None, Some(ine)) => {
            let org = store::municipality(db, &ine).await?.ok_or_else(|| {
                unauthenticated("the token's INE code is not an AMB municipality")
            })?;
            viewer.municipality = org.ine_code;
        }
        (Role::Municipality, _, None) => {
            return Err(unauthenticated(
                "a municipality token needs an INE code (ine)",
            ));
        }
        (Role::Reader | Role::Admin, None, None) => {}
        _ => {
            return Err(unauthenticated(
                "the token's scope does not fit its role (unit is for area, ine for municipality)",
            ));
        }
    }
    Ok(viewer)
}

/// Mints an HS256 token (for `plan-api token` and local development).
pub fn mint_hs256(secret: &str, claims: &Claims) -> anyhow::Result<String> {
    let key = EncodingKey::from_secret(secret.as_bytes())?;
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &key,
    )?)
}
