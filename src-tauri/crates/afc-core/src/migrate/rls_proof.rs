//! Proof that row-level security works, not just that policies exist: where Supabase's auth
//! schema and the `authenticated` role are, every platform table is read as `authenticated`
//! with a stand-in claim, inside a savepoint rolled back at once (the validation's snapshot is
//! read-only, and nothing of the proof outlives it). A recursing policy set fails here exactly
//! as it fails for the platform's users; a leaking one shows other tenants' rows.

use sqlx::{PgConnection, Row};

use crate::Result;
use crate::db::{public, query_error};
use crate::schema::canonical::TABLES;
use crate::schema::introspect::LiveSchema;
use crate::schema::validate::{Finding, Severity, finding};

const OBJECT: &str = "row-level security as authenticated";
const EXPECTED: &str = "every table reads as authenticated, showing only the user's own tenant";

/// A user to read as (a UUID id, since `auth.uid()` is a uuid, and a tenant), as the owner sees
/// the table; without one, a made-up user who must see no tenant's rows.
const CLAIM: &str = "SELECT id::text, tenant_id::text FROM public.users \
     WHERE id::text ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' AND tenant_id IS NOT NULL \
     ORDER BY id LIMIT 1";

/// The made-up user (no row has this id).
const NOBODY: &str = "00000000-0000-4000-8000-00000000af00";

const CAN_BE_AUTHENTICATED: &str = "SELECT CASE WHEN EXISTS \
     (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') \
     THEN pg_has_role('authenticated', 'MEMBER') ELSE false END";

/// What one table showed: rows of other tenants, or the server's refusal.
enum Read {
    Isolated,
    Leaks(i64),
    Failed { code: String, message: String },
}

pub(super) async fn prove(conn: &mut PgConnection, live: &LiveSchema) -> Result<Vec<Finding>> {
    if !live.supabase {
        return Ok(Vec::new());
    }
    let err = |e: sqlx::Error| query_error("reading as authenticated", &e);
    let allowed: bool = sqlx::query_scalar(CAN_BE_AUTHENTICATED)
        .fetch_one(&mut *conn)
        .await
        .map_err(err)?;
    if !allowed {
        return Ok(vec![finding(
            Severity::Info,
            OBJECT.into(),
            EXPECTED,
            "not proved: this session may not act as the authenticated role",
        )]);
    }
    let users_have_tenants = live.column("users", "tenant_id").is_some();
    let claim: Option<(String, String)> = if users_have_tenants {
        sqlx::query(CLAIM)
            .fetch_optional(&mut *conn)
            .await
            .map_err(err)?
            .map(|r| (r.get(0), r.get(1)))
    } else {
        None
    };
    let (user, tenant) = match &claim {
        Some((u, t)) => (u.clone(), Some(t.clone())),
        None => (NOBODY.to_owned(), None),
    };
    let mut results = Vec::new();
    for t in TABLES.iter().filter(|t| live.has_table(t.name)) {
        let scope = if t.name == "tenants" {
            Some("id")
        } else {
            live.column(t.name, "tenant_id").map(|_| "tenant_id")
        };
        results.push((
            t.name,
            read_as(conn, t.name, scope, &user, tenant.as_deref()).await?,
        ));
    }
    Ok(vec![verdict(&results, claim.as_ref())])
}

/// Reads `table` as `authenticated` acting as `user` in a savepoint, rolled back whatever
/// happens; counts the rows whose `scope` column is not `tenant`.
async fn read_as(
    conn: &mut PgConnection,
    table: &str,
    scope: Option<&str>,
    user: &str,
    tenant: Option<&str>,
) -> Result<Read> {
    let err = |e: sqlx::Error| query_error("reading as authenticated", &e);
    sqlx::raw_sql("SAVEPOINT afc_rls_proof; SET LOCAL ROLE authenticated")
        .execute(&mut *conn)
        .await
        .map_err(err)?;
    let claims = serde_json::json!({ "sub": user, "role": "authenticated" }).to_string();
    let read = async {
        sqlx::query(
            "SELECT set_config('request.jwt.claim.sub', $1, true), \
                    set_config('request.jwt.claims', $2, true)",
        )
        .bind(user)
        .bind(&claims)
        .execute(&mut *conn)
        .await?;
        let sql = match scope {
            // Names from the canonical model, quoted all the same.
            Some(column) => format!(
                "SELECT count(*) FILTER (WHERE {}::text IS DISTINCT FROM $1) FROM {}",
                crate::db::ident(column),
                public(table)
            ),
            None => format!("SELECT 0::bigint FROM {} LIMIT 1", public(table)),
        };
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
            .bind(tenant)
            .fetch_optional(&mut *conn)
            .await
    }
    .await;
    sqlx::raw_sql("ROLLBACK TO SAVEPOINT afc_rls_proof; RELEASE SAVEPOINT afc_rls_proof")
        .execute(&mut *conn)
        .await
        .map_err(err)?;
    Ok(match read {
        Ok(None | Some(0)) => Read::Isolated,
        Ok(Some(n)) => Read::Leaks(n),
        Err(sqlx::Error::Database(d)) => Read::Failed {
            code: d.code().map(|c| c.into_owned()).unwrap_or_default(),
            message: d.message().to_owned(),
        },
        Err(e) => return Err(err(e)),
    })
}

fn verdict(results: &[(&str, Read)], claim: Option<&(String, String)>) -> Finding {
    let who = match claim {
        Some((u, t)) => format!("user {u} of tenant {t}"),
        None => "a user with no rows (no user with a UUID id and a tenant to act as)".to_owned(),
    };
    let failed: Vec<(&str, &str, &str)> = results
        .iter()
        .filter_map(|(t, r)| match r {
            Read::Failed { code, message } => Some((*t, code.as_str(), message.as_str())),
            _ => None,
        })
        .collect();
    let leaks: Vec<String> = results
        .iter()
        .filter_map(|(t, r)| match r {
            Read::Leaks(n) => Some(format!("{n} in {t}")),
            _ => None,
        })
        .collect();
    let recursing: Vec<&(&str, &str, &str)> = failed
        .iter()
        .filter(|(_, code, _)| *code == "42P17")
        .collect();
    let names = |list: &[&(&str, &str, &str)]| {
        list.iter()
            .map(|(t, _, _)| *t)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some((_, _, message)) = recursing.first() {
        return finding(
            Severity::Error,
            OBJECT.into(),
            EXPECTED,
            format!(
                "reading {} as {who} fails: {message} (tried in a rolled-back savepoint)",
                names(&recursing)
            ),
        );
    }
    if !leaks.is_empty() {
        return finding(
            Severity::Error,
            OBJECT.into(),
            EXPECTED,
            format!(
                "as {who}, rows of other tenants are visible: {}",
                leaks.join(", ")
            ),
        );
    }
    if !failed.is_empty() {
        let all: Vec<&(&str, &str, &str)> = failed.iter().collect();
        return finding(
            Severity::Warning,
            OBJECT.into(),
            EXPECTED,
            format!(
                "reading {} as {who} fails: {} (Supabase grants authenticated these reads by default)",
                names(&all),
                failed[0].2
            ),
        );
    }
    finding(
        Severity::Info,
        OBJECT.into(),
        EXPECTED,
        format!("works: as {who}, every table shows only that tenant's rows"),
    )
}
