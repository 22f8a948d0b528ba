//! The starting points offered on first run and when adding an environment.

use serde::Serialize;
use ts_rs::TS;

use super::connection::TlsPolicy;
use super::model::{EnvKind, Environment, RedisConnection};
use crate::db::DbConnection;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Preset {
    pub id: String,
    pub title: String,
    pub description: String,
    /// The environment it creates; names can be changed before saving.
    pub environment: Environment,
}

fn local_db(port: u16, database: &str, user: &str) -> DbConnection {
    DbConnection {
        host: "127.0.0.1".into(),
        port,
        database: database.into(),
        user: user.into(),
        tls: TlsPolicy::default_for("127.0.0.1"),
        ca_cert: None,
        has_password: false,
    }
}

fn local_redis() -> RedisConnection {
    RedisConnection {
        host: "127.0.0.1".into(),
        port: 6379,
        db: 0,
        username: None,
        tls: false,
        has_password: false,
    }
}

pub fn presets() -> Vec<Preset> {
    let mut local = Environment::new("local", EnvKind::Dev);
    local.api_url = Some("http://127.0.0.1:8000".into());
    local.database = Some(local_db(5432, "agent_factory", "agent_factory"));
    local.redis = Some(local_redis());

    let mut supa_local = Environment::new("supabase-local", EnvKind::Dev);
    supa_local.api_url = Some("http://127.0.0.1:54321".into());
    supa_local.database = Some(local_db(54322, "postgres", "postgres"));
    supa_local.redis = Some(local_redis());

    let mut cloud = Environment::new("production", EnvKind::Production);
    cloud.api_url = Some("https://api.example.com".into());
    cloud.database = Some(DbConnection {
        host: "db.<project-ref>.supabase.co".into(),
        port: 5432,
        database: "postgres".into(),
        user: "postgres".into(),
        tls: TlsPolicy::VerifyFull,
        ca_cert: None,
        has_password: false,
    });

    vec![
        Preset {
            id: "local".into(),
            title: "Local".into(),
            description: "The API on this machine (127.0.0.1:8000), PostgreSQL on 5432, Redis on 6379.".into(),
            environment: local,
        },
        Preset {
            id: "supabase-local".into(),
            title: "Supabase local development".into(),
            description: "`supabase start`: the API gateway on 54321 and PostgreSQL on 54322.".into(),
            environment: supa_local,
        },
        Preset {
            id: "supabase-cloud".into(),
            title: "Supabase cloud".into(),
            description: "A hosted project: replace <project-ref> with your project's reference. Direct connection with full TLS verification; protected.".into(),
            environment: cloud,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_apart_from_the_cloud_placeholder() {
        let all = presets();
        assert_eq!(all.len(), 3);
        for p in &all {
            p.environment.validate().unwrap();
        }
        let cloud = &all[2].environment;
        assert_eq!(cloud.safety, super::super::SafetyLevel::Protected);
        assert!(
            cloud
                .database
                .as_ref()
                .unwrap()
                .host
                .contains("<project-ref>")
        );
    }
}
