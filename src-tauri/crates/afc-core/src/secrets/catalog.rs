//! The platform's environment variables (`spec/env-catalog.md`): what each is for, whether it is
//! secret, whether the platform needs it, whether its code reads it at all, and how to check it.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Database,
    Telemetry,
    Cache,
    Llm,
    LlmTools,
    Auth,
    Billing,
    Api,
    Observability,
    Limits,
    Cors,
    Storage,
    Flags,
    Marketplace,
    Email,
    Registry,
    Client,
    /// Variables the operator added that the catalog does not know.
    Custom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    Plain,
    /// The whole value is secret.
    Secret,
    /// A URL that may embed a password: kept in the keyring like a secret.
    UrlWithPassword,
}

impl Sensitivity {
    pub fn is_secret(self) -> bool {
        self != Self::Plain
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    Required,
    RequiredInProduction,
    Recommended,
    RecommendedInProduction,
    /// At least one of the LLM keys is recommended.
    OneLlmKey,
    Optional,
}

/// How a value is checked (see [`super::validate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    None,
    PostgresUrl,
    RedisUrl,
    HttpsUrl,
    Url,
    Bool,
    Port,
    PositiveInt,
    Prefix(&'static [&'static str]),
    OneOf(&'static [&'static str]),
    Rate,
    JwtSecret,
    Origins,
}

#[derive(Debug, Clone, Copy)]
pub struct VarSpec {
    pub name: &'static str,
    pub category: Category,
    pub sensitivity: Sensitivity,
    pub requirement: Requirement,
    pub default: Option<&'static str>,
    /// Whether the platform's code reads the variable at all.
    pub read: bool,
    /// What the catalog says about its use, e.g. "fallback only" or "client tools".
    pub note: &'static str,
    pub check: Check,
}

#[allow(clippy::too_many_arguments)] // one positional row per variable, like the catalog table
const fn var(
    name: &'static str,
    category: Category,
    sensitivity: Sensitivity,
    requirement: Requirement,
    default: Option<&'static str>,
    read: bool,
    note: &'static str,
    check: Check,
) -> VarSpec {
    VarSpec {
        name,
        category,
        sensitivity,
        requirement,
        default,
        read,
        note,
        check,
    }
}

use Category as C;
use Check as K;
use Requirement as R;
use Sensitivity::{Plain as P, Secret as S, UrlWithPassword as U};

const BOOL: K = K::Bool;

pub const JWT_PLACEHOLDERS: &[&str] = &[
    "your-secret-key-change-in-production",
    "change-me-in-production",
];

/// Every variable, in the catalog's order. One line each, like the table it comes from.
#[rustfmt::skip]
pub const CATALOG: &[VarSpec] = &[
    var("DATABASE_URL", C::Database, U, R::Required, None, true, "", K::PostgresUrl),
    var("POSTGRES_USER", C::Database, P, R::Optional, Some("agent_factory"), true, "fallback only", K::None),
    var("POSTGRES_HOST", C::Database, P, R::Optional, Some("localhost"), true, "fallback only", K::None),
    var("POSTGRES_PORT", C::Database, P, R::Optional, Some("5432"), true, "fallback only", K::Port),
    var("POSTGRES_DB", C::Database, P, R::Optional, Some("agent_factory"), true, "fallback only", K::None),
    var("POSTGRES_PASSWORD", C::Database, S, R::Optional, None, true, "fallback only", K::None),
    var("SUPABASE_URL", C::Database, P, R::RecommendedInProduction, None, true, "when set the platform forces sslmode=require and rewrites port 5432 to the 6543 pooler", K::HttpsUrl),
    var("SUPABASE_USE_POOLER", C::Database, P, R::Optional, Some("true"), true, "", BOOL),
    var("SUPABASE_ANON_KEY", C::Database, S, R::Optional, None, true, "storage", K::None),
    var("SUPABASE_SERVICE_ROLE_KEY", C::Database, S, R::RecommendedInProduction, None, true, "storage", K::None),
    var("TELEMETRY_DATABASE_URL", C::Telemetry, U, R::Optional, Some("DATABASE_URL"), true, "", K::PostgresUrl),
    var("REDIS_HOST", C::Cache, P, R::Optional, Some("localhost"), true, "the cache uses these, not REDIS_URL", K::None),
    var("REDIS_PORT", C::Cache, P, R::Optional, Some("6379"), true, "the cache uses these, not REDIS_URL", K::Port),
    var("REDIS_URL", C::Cache, U, R::Recommended, Some("redis://localhost:6379/0"), true, "only the validator and job queue read it", K::RedisUrl),
    var("OPENAI_API_KEY", C::Llm, S, R::OneLlmKey, None, true, "", K::Prefix(&["sk-"])),
    var("ANTHROPIC_API_KEY", C::Llm, S, R::OneLlmKey, None, true, "", K::Prefix(&["sk-ant-"])),
    var("SERPER_API_KEY", C::LlmTools, S, R::Optional, None, true, "", K::None),
    var("JWT_SECRET_KEY", C::Auth, S, R::RequiredInProduction, None, true, "the default is an insecure placeholder", K::JwtSecret),
    var("JWT_ALGORITHM", C::Auth, P, R::Optional, Some("HS256"), false, "fixed at HS256", K::None),
    var("JWT_EXPIRATION_HOURS", C::Auth, P, R::Optional, Some("24"), false, "tokens always expire after 30 minutes", K::None),
    var("API_KEY_ENABLED", C::Auth, P, R::Optional, Some("false"), false, "", BOOL),
    var("API_KEY_SECRET", C::Auth, S, R::Optional, None, false, "", K::None),
    var("STRIPE_SECRET_KEY", C::Billing, S, R::Optional, None, true, "", K::Prefix(&["sk_"])),
    var("STRIPE_WEBHOOK_SECRET", C::Billing, S, R::Optional, None, true, "", K::Prefix(&["whsec_"])),
    var("STRIPE_PUBLISHABLE_KEY", C::Billing, P, R::Optional, None, false, "", K::Prefix(&["pk_"])),
    var("DEBUG", C::Api, P, R::Optional, Some("false"), true, "tracebacks leak in 500 bodies when true", BOOL),
    var("ENVIRONMENT", C::Api, P, R::Optional, Some("development"), true, "", K::OneOf(&["development", "staging", "production"])),
    var("API_HOST", C::Api, P, R::Optional, Some("0.0.0.0"), true, "validator only", K::None),
    var("API_PORT", C::Api, P, R::Optional, Some("8000"), true, "validator only", K::Port),
    var("API_BASE_URL", C::Api, P, R::Optional, Some("http://localhost:8000"), false, "the console's own notion of where the API is", K::Url),
    var("LOG_LEVEL", C::Observability, P, R::Optional, Some("INFO"), true, "", K::OneOf(&["DEBUG", "INFO", "WARNING", "ERROR"])),
    var("LOG_FORMAT", C::Observability, P, R::Optional, Some("json"), false, "", K::None),
    var("TELEMETRY_ENABLED", C::Observability, P, R::Optional, Some("true"), false, "", BOOL),
    var("METRICS_ENABLED", C::Observability, P, R::Optional, Some("true"), false, "metrics are always on the API port", BOOL),
    var("METRICS_PORT", C::Observability, P, R::Optional, Some("9090"), false, "metrics are always on the API port", K::Port),
    var("TRACING_ENABLED", C::Observability, P, R::Optional, Some("false"), false, "", BOOL),
    var("TRACING_BACKEND", C::Observability, P, R::Optional, None, false, "", K::None),
    var("JAEGER_ENDPOINT", C::Observability, P, R::Optional, None, false, "", K::None),
    var("SENTRY_DSN", C::Observability, U, R::Optional, None, true, "", K::Url),
    var("SENTRY_RELEASE", C::Observability, P, R::Optional, None, true, "", K::None),
    var("SENTRY_TRACES_SAMPLE_RATE", C::Observability, P, R::Optional, Some("0.1"), true, "", K::Rate),
    var("SENTRY_PROFILES_SAMPLE_RATE", C::Observability, P, R::Optional, Some("0.1"), true, "", K::Rate),
    var("SENTRY_ENVIRONMENT", C::Observability, P, R::Optional, Some("production"), false, "ENVIRONMENT is used instead", K::None),
    var("APM_ENABLED", C::Observability, P, R::Optional, Some("false"), true, "", BOOL),
    var("RATE_LIMIT_PER_MINUTE", C::Limits, P, R::Optional, Some("60"), true, "", K::PositiveInt),
    var("RATE_LIMIT_PER_HOUR", C::Limits, P, R::Optional, Some("1000"), true, "", K::PositiveInt),
    var("RATE_LIMIT_ENABLED", C::Limits, P, R::Optional, Some("true"), false, "always on", BOOL),
    var("CORS_ORIGINS", C::Cors, P, R::Optional, Some("*"), true, "", K::Origins),
    var("CORS_CREDENTIALS", C::Cors, P, R::Optional, Some("true"), false, "", BOOL),
    var("STORAGE_TYPE", C::Storage, P, R::Optional, Some("local"), true, "", K::OneOf(&["local", "supabase", "s3"])),
    var("SUPABASE_STORAGE_BUCKET", C::Storage, P, R::Optional, Some("agent-factory"), true, "", K::None),
    var("STORAGE_PATH", C::Storage, P, R::Optional, Some("./storage"), true, "", K::None),
    var("AWS_ACCESS_KEY_ID", C::Storage, S, R::Optional, None, true, "s3 storage", K::None),
    var("AWS_SECRET_ACCESS_KEY", C::Storage, S, R::Optional, None, true, "s3 storage", K::None),
    var("AWS_S3_BUCKET", C::Storage, P, R::Optional, None, true, "s3 storage", K::None),
    var("AWS_REGION", C::Storage, P, R::Optional, Some("us-east-1"), true, "s3 storage", K::None),
    var("FEATURE_BLUEPRINT_MARKETPLACE", C::Flags, P, R::Optional, Some("true"), false, "", BOOL),
    var("FEATURE_BILLING", C::Flags, P, R::Optional, Some("true"), false, "", BOOL),
    var("FEATURE_MULTI_TENANT", C::Flags, P, R::Optional, Some("true"), false, "", BOOL),
    var("MARKETPLACE_URL", C::Marketplace, P, R::Optional, None, false, "", K::Url),
    var("MARKETPLACE_API_KEY", C::Marketplace, S, R::Optional, None, false, "", K::None),
    var("SMTP_HOST", C::Email, P, R::Optional, None, false, "", K::None),
    var("SMTP_PORT", C::Email, P, R::Optional, None, false, "", K::Port),
    var("SMTP_USER", C::Email, P, R::Optional, None, false, "", K::None),
    var("SMTP_FROM", C::Email, P, R::Optional, None, false, "", K::None),
    var("SMTP_PASSWORD", C::Email, S, R::Optional, None, false, "", K::None),
    var("REGISTRY_CACHE_TTL", C::Registry, P, R::Optional, Some("3600"), true, "integer seconds", K::PositiveInt),
    var("AGENT_FACTORY_API_URL", C::Client, P, R::Optional, Some("http://localhost:8000"), true, "client tools", K::Url),
    var("AGENT_FACTORY_API_KEY", C::Client, S, R::Optional, None, true, "client tools", K::Prefix(&["af_"])),
];

pub fn lookup(name: &str) -> Option<&'static VarSpec> {
    CATALOG.iter().find(|v| v.name == name)
}

/// Whether a variable's value belongs in the keyring. Variables the catalog does not know are
/// treated as secret when their name says so (KEY, SECRET, PASSWORD, TOKEN, DSN, PRIVATE,
/// CREDENTIAL) or their value is a URL with a password: erring towards the keyring loses nothing.
pub fn is_secret(name: &str, value: Option<&str>) -> bool {
    if let Some(spec) = lookup(name) {
        return spec.sensitivity.is_secret();
    }
    const HINTS: &[&str] = &[
        "KEY",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "TOKEN",
        "DSN",
        "PRIVATE",
        "CREDENTIAL",
    ];
    let upper = name.to_ascii_uppercase();
    HINTS.iter().any(|h| upper.contains(h))
        || value.is_some_and(|v| {
            url::Url::parse(v).is_ok_and(|u| u.password().is_some_and(|p| !p.is_empty()))
        })
}

/// Variable names the platform (and a shell) accept: a letter or `_`, then letters, digits, `_`.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 128
}

/// One catalog entry as the window shows it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct CatalogEntry {
    pub name: String,
    pub category: Category,
    pub sensitivity: Sensitivity,
    pub requirement: Requirement,
    pub default: Option<String>,
    pub read: bool,
    pub note: String,
}

impl From<&VarSpec> for CatalogEntry {
    fn from(v: &VarSpec) -> Self {
        Self {
            name: v.name.to_owned(),
            category: v.category,
            sensitivity: v.sensitivity,
            requirement: v.requirement,
            default: v.default.map(str::to_owned),
            read: v.read,
            note: v.note.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_has_the_platforms_variables_once_each() {
        assert!(CATALOG.len() >= 40, "{}", CATALOG.len());
        let mut names: Vec<_> = CATALOG.iter().map(|v| v.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len(), "duplicate names");
        assert!(CATALOG.iter().all(|v| is_valid_name(v.name)));
    }

    #[test]
    fn secrets_are_recognised_by_catalog_name_and_value() {
        assert!(is_secret("DATABASE_URL", None));
        assert!(is_secret("JWT_SECRET_KEY", None));
        assert!(!is_secret("DEBUG", Some("true")));
        assert!(
            !is_secret("STRIPE_PUBLISHABLE_KEY", None),
            "the catalog wins"
        );
        assert!(is_secret("MY_SERVICE_TOKEN", None));
        assert!(is_secret("UPSTREAM", Some("https://u:pw@example.com")));
        assert!(!is_secret("UPSTREAM", Some("https://example.com")));
    }

    #[test]
    fn names() {
        assert!(is_valid_name("_X1"));
        assert!(!is_valid_name("1X"));
        assert!(!is_valid_name("A-B"));
        assert!(!is_valid_name(""));
    }
}
