//! Checks one variable's value against the catalog, and one environment's variables as a whole.

use serde::Serialize;
use ts_rs::TS;

use super::catalog::{self, Check, JWT_PLACEHOLDERS, Requirement};
use crate::environments::EnvKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Finding {
    pub severity: Severity,
    pub message: String,
}

impl Finding {
    fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
        }
    }
    fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            message: message.into(),
        }
    }
}

/// Problems with `value` for variable `name` in an environment of `kind`. Messages never quote
/// the value: it may be secret.
pub fn check_value(name: &str, value: &str, kind: EnvKind) -> Vec<Finding> {
    let Some(spec) = catalog::lookup(name) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    if let Some(problem) = check_format(spec.check, value) {
        findings.push(Finding::error(problem));
    }
    findings.extend(ignored_by_the_platform(name, value));
    if kind == EnvKind::Production {
        findings.extend(production_warning(name, value));
    }
    findings
}

fn check_format(check: Check, value: &str) -> Option<String> {
    let v = value.trim();
    match check {
        Check::None => None,
        Check::PostgresUrl => (!v.starts_with("postgresql://")).then(|| {
            if v.starts_with("postgres://") || v.starts_with("postgresql+") {
                "Must start with postgresql:// — the platform rejects postgres:// and driver-qualified schemes at start-up".to_owned()
            } else {
                "Must be a postgresql:// URL".to_owned()
            }
        }).or_else(|| url_problem(v)),
        Check::RedisUrl => if v.starts_with("redis://") || v.starts_with("rediss://") {
            url_problem(v)
        } else {
            Some("Must start with redis:// or rediss://".to_owned())
        },
        Check::HttpsUrl => if v.starts_with("https://") {
            url_problem(v)
        } else {
            Some("Must be an https:// URL".to_owned())
        },
        Check::Url => url_problem(v),
        Check::Bool => (!matches!(v.to_ascii_lowercase().as_str(), "true" | "false" | "1" | "0" | "yes" | "no"))
            .then(|| "Must be true or false".to_owned()),
        Check::Port => (!v.parse::<u16>().is_ok_and(|p| p > 0))
            .then(|| "Must be a port number (1–65535)".to_owned()),
        Check::PositiveInt => (!v.parse::<u64>().is_ok_and(|n| n > 0))
            .then(|| "Must be a positive whole number".to_owned()),
        Check::Prefix(prefixes) => (!prefixes.iter().any(|p| v.starts_with(p)))
            .then(|| format!("Must start with {}", prefixes.join(" or "))),
        Check::OneOf(options) => (!options.contains(&v))
            .then(|| format!("Must be one of: {}", options.join(", "))),
        Check::Rate => (!v.parse::<f64>().is_ok_and(|r| (0.0..=1.0).contains(&r)))
            .then(|| "Must be a number from 0 to 1".to_owned()),
        Check::JwtSecret => if JWT_PLACEHOLDERS.contains(&v) {
            Some("Is the platform's published placeholder: anyone can forge tokens".to_owned())
        } else if v.chars().count() < 32 {
            Some("Must be at least 32 characters".to_owned())
        } else {
            None
        },
        Check::Origins => v
            .split(',')
            .map(str::trim)
            .find(|o| *o != "*" && url::Url::parse(o).is_err())
            .map(|o| format!("\"{o}\" is not an origin (scheme://host[:port])")),
    }
}

fn url_problem(v: &str) -> Option<String> {
    url::Url::parse(v)
        .err()
        .map(|e| format!("Is not a valid URL ({e})"))
}

/// Values the platform reads but does not act on.
fn ignored_by_the_platform(name: &str, value: &str) -> Option<Finding> {
    // The cache's constructor defaults its port before it reads the variable (env-catalog.md).
    (name == "REDIS_PORT" && value.trim() != "6379").then(|| {
        Finding::warning(
            "Has no effect: the platform's cache always connects to port 6379 (it reads REDIS_HOST only); run Redis on 6379 or change the platform",
        )
    })
}

fn production_warning(name: &str, value: &str) -> Option<Finding> {
    let v = value.trim();
    match name {
        "DEBUG" if matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes") => Some(
            Finding::warning("DEBUG is on in production: 500 responses include tracebacks"),
        ),
        "CORS_ORIGINS" if v.split(',').any(|o| o.trim() == "*") => Some(Finding::warning(
            "CORS_ORIGINS allows every origin (*) in production",
        )),
        "ENVIRONMENT" if v != "production" => Some(Finding::warning(
            "ENVIRONMENT is not \"production\" in a production environment",
        )),
        _ => None,
    }
}

/// What is missing from an environment: required variables (errors) and recommended ones
/// (warnings), by name. `present` says whether a variable has a value.
pub fn missing(kind: EnvKind, present: impl Fn(&str) -> bool) -> Vec<(String, Finding)> {
    let production = kind == EnvKind::Production;
    let mut out = Vec::new();
    for spec in catalog::CATALOG.iter().filter(|s| !present(s.name)) {
        let finding = match spec.requirement {
            Requirement::Required => {
                Finding::error("Required: the platform does not start without it")
            }
            Requirement::RequiredInProduction if production => {
                Finding::error("Required in production")
            }
            Requirement::RequiredInProduction | Requirement::Recommended => {
                Finding::warning("Recommended")
            }
            Requirement::RecommendedInProduction if production => {
                Finding::warning("Recommended in production")
            }
            Requirement::OneLlmKey
                if !present("OPENAI_API_KEY") && !present("ANTHROPIC_API_KEY") =>
            {
                Finding::warning(
                    "Set one LLM key (OPENAI_API_KEY or ANTHROPIC_API_KEY): agents cannot run without one",
                )
            }
            _ => continue,
        };
        out.push((spec.name.to_owned(), finding));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(name: &str, value: &str, kind: EnvKind) -> Option<Finding> {
        check_value(name, value, kind).into_iter().next()
    }

    #[test]
    fn database_url_scheme() {
        assert!(first("DATABASE_URL", "postgresql://u@h/db", EnvKind::Dev).is_none());
        let f = first("DATABASE_URL", "postgres://u@h/db", EnvKind::Dev).unwrap();
        assert!(f.message.contains("rejects postgres://"), "{}", f.message);
        assert!(first("DATABASE_URL", "postgresql+asyncpg://u@h/db", EnvKind::Dev).is_some());
    }

    #[test]
    fn formats() {
        assert!(first("REDIS_URL", "rediss://h:6380/0", EnvKind::Dev).is_none());
        assert!(first("REDIS_URL", "http://h", EnvKind::Dev).is_some());
        assert!(first("POSTGRES_PORT", "5432", EnvKind::Dev).is_none());
        assert!(first("POSTGRES_PORT", "54x", EnvKind::Dev).is_some());
        assert!(first("POSTGRES_PORT", "70000", EnvKind::Dev).is_some());
        assert!(first("SUPABASE_URL", "http://x.supabase.co", EnvKind::Dev).is_some());
        assert!(first("ANTHROPIC_API_KEY", "sk-ant-abc", EnvKind::Dev).is_none());
        assert!(first("OPENAI_API_KEY", "pk-abc", EnvKind::Dev).is_some());
        assert!(first("SENTRY_TRACES_SAMPLE_RATE", "1.5", EnvKind::Dev).is_some());
        assert!(first("LOG_LEVEL", "INFO", EnvKind::Dev).is_none());
        assert!(first("LOG_LEVEL", "info", EnvKind::Dev).is_some());
        assert!(
            first(
                "CORS_ORIGINS",
                "https://a.example, https://b.example",
                EnvKind::Dev
            )
            .is_none()
        );
        assert!(first("CORS_ORIGINS", "a.example", EnvKind::Dev).is_some());
        assert!(first("CUSTOM_THING", "anything", EnvKind::Dev).is_none());
    }

    #[test]
    fn jwt_secret_rules_never_quote_the_value() {
        let f = first("JWT_SECRET_KEY", "change-me-in-production", EnvKind::Dev).unwrap();
        assert!(f.message.contains("placeholder"));
        let f = first("JWT_SECRET_KEY", "short-secret", EnvKind::Dev).unwrap();
        assert!(!f.message.contains("short-secret"));
        assert!(first("JWT_SECRET_KEY", &"x".repeat(32), EnvKind::Dev).is_none());
    }

    #[test]
    fn a_non_default_redis_port_is_flagged_as_ignored() {
        let f = first("REDIS_PORT", "6390", EnvKind::Dev).unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.message.starts_with("Has no effect"), "{}", f.message);
        assert!(first("REDIS_PORT", "6379", EnvKind::Dev).is_none());
    }

    #[test]
    fn production_warnings() {
        assert!(first("DEBUG", "true", EnvKind::Dev).is_none());
        assert_eq!(
            first("DEBUG", "true", EnvKind::Production)
                .unwrap()
                .severity,
            Severity::Warning
        );
        assert!(first("CORS_ORIGINS", "*", EnvKind::Production).is_some());
        assert!(first("CORS_ORIGINS", "*", EnvKind::Staging).is_none());
    }

    #[test]
    fn missing_variables_depend_on_the_kind() {
        let none = |_: &str| false;
        let dev = missing(EnvKind::Dev, none);
        let prod = missing(EnvKind::Production, none);
        let severity = |list: &[(String, Finding)], name: &str| {
            list.iter()
                .find(|(n, _)| n == name)
                .map(|(_, f)| f.severity)
        };
        assert_eq!(severity(&dev, "DATABASE_URL"), Some(Severity::Error));
        assert_eq!(severity(&dev, "JWT_SECRET_KEY"), Some(Severity::Warning));
        assert_eq!(severity(&prod, "JWT_SECRET_KEY"), Some(Severity::Error));
        assert_eq!(severity(&prod, "SUPABASE_URL"), Some(Severity::Warning));
        assert_eq!(severity(&dev, "SUPABASE_URL"), None);
        assert_eq!(severity(&dev, "OPENAI_API_KEY"), Some(Severity::Warning));
        let with_anthropic = missing(EnvKind::Dev, |n| n == "ANTHROPIC_API_KEY");
        assert_eq!(severity(&with_anthropic, "OPENAI_API_KEY"), None);
    }
}
