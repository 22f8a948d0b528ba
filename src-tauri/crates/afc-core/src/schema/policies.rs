//! Row-level security policies that are not the console's. A Supabase project set up by the
//! platform's docs carries the platform's own policy file: English-named policies whose tenant
//! scoping selects from `users` — including the policy on `users` itself, so every read as
//! `authenticated` fails with "infinite recursion detected in policy for relation users".
//! Policies are OR-ed: adding the console's beside them fixes nothing, so they are found here
//! and replaced (dropped by name, then the console's created).

use super::canonical::TABLES;
use super::introspect::LiveSchema;
use crate::db::{ident, public};

/// Every policy the console's migrations create, by table (0004_supabase_rls, and what
/// 0005_rls_keep_owners replaces it with). A test (integration `rls`) keeps it equal to the
/// shipped files.
pub const CONSOLE_POLICIES: &[(&str, &str)] = &[
    ("tenants", "tenants_select_own"),
    ("tenants", "tenants_service_role_all"),
    ("users", "users_select_own_tenant"),
    ("users", "users_update_self"),
    ("users", "users_service_role_all"),
    ("agents", "agents_select_own_tenant"),
    ("agents", "agents_insert_own_tenant"),
    ("agents", "agents_update_own_tenant"),
    ("agents", "agents_delete_own"),
    ("workflows", "workflows_select_own_tenant"),
    ("workflows", "workflows_insert_own_tenant"),
    ("workflows", "workflows_update_own_tenant"),
    ("workflows", "workflows_delete_own"),
    ("blueprints", "blueprints_select_public_or_own"),
    ("blueprints", "blueprints_insert_own"),
    ("blueprints", "blueprints_update_own"),
    ("blueprints", "blueprints_delete_own"),
    ("executions", "executions_select_own_tenant"),
    ("executions", "executions_insert_own_tenant"),
    ("executions", "executions_update_own_tenant"),
    ("audit_logs", "audit_logs_select_own_or_tenant"),
    ("audit_logs", "audit_logs_service_role_all"),
    ("api_keys", "api_keys_all_own"),
    ("api_keys", "api_keys_select_own"),
    ("api_keys", "api_keys_insert_own"),
    ("api_keys", "api_keys_update_own"),
    ("api_keys", "api_keys_delete_own"),
    ("projects", "projects_select_own_tenant"),
    ("projects", "projects_insert_own_tenant"),
    ("projects", "projects_update_own_tenant"),
    ("plans", "plans_select_active"),
    ("plans", "plans_service_role_all"),
    ("subscriptions", "subscriptions_select_own_tenant"),
    ("subscriptions", "subscriptions_service_role_all"),
    ("usage_records", "usage_records_select_own_tenant"),
    ("usage_records", "usage_records_service_role_all"),
];

/// A policy as the database holds it (`pg_policies`).
#[derive(Debug, Clone)]
pub struct LivePolicy {
    pub table: String,
    pub name: String,
    /// ALL, SELECT, INSERT, UPDATE or DELETE.
    pub command: String,
    pub using: Option<String>,
    pub with_check: Option<String>,
}

impl LivePolicy {
    pub fn is_console(&self) -> bool {
        CONSOLE_POLICIES.contains(&(self.table.as_str(), self.name.as_str()))
    }

    /// `DROP POLICY` for it, names quoted (they are read from the database).
    pub fn drop_sql(&self) -> String {
        format!(
            "DROP POLICY {} ON {}",
            ident(&self.name),
            public(&self.table)
        )
    }

    /// The tables with row-level security enabled that its expressions select from: each read
    /// of such a table runs that table's policies too, so a policy on `users` that selects from
    /// `users` recurses without end.
    pub fn reads_guarded(&self, live: &LiveSchema) -> Vec<String> {
        let mut found: Vec<String> = [&self.using, &self.with_check]
            .into_iter()
            .flatten()
            .flat_map(|e| selected_tables(e))
            .filter(|t| live.rls.get(t).is_some_and(|(enabled, _)| *enabled))
            .collect();
        found.sort();
        found.dedup();
        found
    }
}

/// The policies on the platform's tables that the console did not create.
pub fn foreign(live: &LiveSchema) -> impl Iterator<Item = &LivePolicy> {
    live.policies
        .iter()
        .filter(|p| TABLES.iter().any(|t| t.name == p.table) && !p.is_console())
}

/// Table names after FROM or JOIN in an expression as `pg_get_expr` prints it (`public.` and
/// double quotes taken off). Only reads what PostgreSQL itself printed, so the shapes are few.
fn selected_tables(expr: &str) -> Vec<String> {
    let words: Vec<&str> = expr
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .filter(|w| w[0].eq_ignore_ascii_case("from") || w[0].eq_ignore_ascii_case("join"))
        .map(|w| {
            let name = w[1].strip_prefix("public.").unwrap_or(w[1]);
            name.trim_matches('"').to_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_tables_an_expression_selects_from() {
        let platform = "(tenant_id IN ( SELECT users.tenant_id\n   FROM users\n  WHERE ((users.id)::text = (auth.uid())::text)))";
        assert_eq!(selected_tables(platform), ["users"]);
        assert_eq!(
            selected_tables(
                "(EXISTS ( SELECT 1 FROM public.\"Users\" u JOIN public.tenants t ON true))"
            ),
            ["Users", "tenants"]
        );
        assert!(selected_tables("(tenant_id = afc_current_tenant_id())").is_empty());
    }
}
