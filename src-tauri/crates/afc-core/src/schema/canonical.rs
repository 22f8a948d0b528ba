//! The canonical Agent Factory schema (the platform's `schema.md`) as data, for validation and
//! repair. `migrations/` builds it; a test proves a migrated database validates clean against it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    Varchar,
    Text,
    Json,
    Timestamp,
    Double,
    Integer,
    Boolean,
}

impl SqlType {
    /// The name information_schema reports (`data_type`).
    pub fn catalog_name(self) -> &'static str {
        match self {
            Self::Varchar => "character varying",
            Self::Text => "text",
            Self::Json => "json",
            Self::Timestamp => "timestamp without time zone",
            Self::Double => "double precision",
            Self::Integer => "integer",
            Self::Boolean => "boolean",
        }
    }

    pub fn ddl(self) -> &'static str {
        match self {
            Self::Varchar => "varchar",
            Self::Timestamp => "timestamp",
            other => other.catalog_name(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub ty: SqlType,
    pub not_null: bool,
    /// The server default as written in the migration.
    pub default: Option<&'static str>,
    /// The referenced table (always its `id`).
    pub references: Option<&'static str>,
}

#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [Column],
}

#[derive(Debug, Clone, Copy)]
pub struct Index {
    pub name: &'static str,
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub unique: bool,
    /// Looked up by name by the platform's own validator.
    pub required_by_platform: bool,
}

pub const NOW: &str = "(now() AT TIME ZONE 'utc')";

const fn col(name: &'static str, ty: SqlType) -> Column {
    Column {
        name,
        ty,
        not_null: false,
        default: None,
        references: None,
    }
}

impl Column {
    const fn nn(mut self) -> Self {
        self.not_null = true;
        self
    }

    const fn default(mut self, d: &'static str) -> Self {
        self.default = Some(d);
        self
    }

    const fn refs(mut self, table: &'static str) -> Self {
        self.references = Some(table);
        self
    }

    pub fn is_identity(&self) -> bool {
        self.ty == SqlType::Integer && self.name == "id"
    }
}

use SqlType::{Boolean, Double, Integer, Json, Text, Timestamp, Varchar};

const ID: Column = col("id", Varchar).nn();
const CREATED: Column = col("created_at", Timestamp).default(NOW);
const UPDATED: Column = col("updated_at", Timestamp).default(NOW);
const TENANT: Column = col("tenant_id", Varchar).refs("tenants");
const CREATED_BY: Column = col("created_by", Varchar).refs("users");

pub const TABLES: &[Table] = &[
    Table {
        name: "tenants",
        columns: &[
            ID,
            col("name", Varchar).nn(),
            col("slug", Varchar).nn(),
            col("is_active", Boolean).default("true"),
            col("plan", Varchar).default("'free'"),
            col("resource_quota", Json).default("'{}'::json"),
            col("usage", Json).default("'{}'::json"),
            CREATED,
            UPDATED,
        ],
    },
    Table {
        name: "users",
        columns: &[
            ID,
            col("email", Varchar).nn(),
            col("hashed_password", Varchar).nn(),
            col("is_active", Boolean).default("true"),
            col("is_superuser", Boolean).default("false"),
            TENANT,
            col("roles", Json).default("'[]'::json"),
            col("permissions", Json).default("'[]'::json"),
            CREATED,
            UPDATED,
        ],
    },
    Table {
        name: "agents",
        columns: &[
            ID,
            col("name", Varchar).nn(),
            col("instructions", Text).nn(),
            col("model", Varchar).default("'gpt-4o'"),
            TENANT,
            CREATED_BY,
            CREATED,
            UPDATED,
        ],
    },
    Table {
        name: "workflows",
        columns: &[
            ID,
            col("name", Varchar).nn(),
            col("definition", Json).nn(),
            TENANT,
            CREATED_BY,
            CREATED,
            UPDATED,
        ],
    },
    Table {
        name: "blueprints",
        columns: &[
            ID,
            col("name", Varchar).nn(),
            col("description", Text),
            col("version", Varchar).nn(),
            col("definition", Json).nn(),
            col("pricing_model", Varchar).default("'free'"),
            col("price", Double).default("0"),
            col("publisher_id", Varchar).refs("users"),
            col("is_public", Boolean).default("false"),
            col("downloads", Integer).default("0"),
            col("rating", Double).default("0"),
            col("reviews_count", Integer).default("0"),
            CREATED,
            UPDATED,
        ],
    },
    Table {
        name: "executions",
        columns: &[
            ID,
            col("execution_type", Varchar).nn(),
            col("resource_id", Varchar).nn(),
            col("status", Varchar).nn(),
            col("input_data", Json),
            col("output_data", Json),
            col("error", Text),
            col("execution_time", Double),
            TENANT,
            CREATED_BY,
            CREATED,
            col("completed_at", Timestamp),
        ],
    },
    Table {
        name: "audit_logs",
        columns: &[
            col("id", Integer).nn(),
            col("event_type", Varchar).nn(),
            col("user_id", Varchar).refs("users"),
            col("resource_type", Varchar),
            col("resource_id", Varchar),
            col("action", Varchar),
            col("success", Boolean).default("true"),
            col("details", Json),
            col("ip_address", Varchar),
            CREATED,
        ],
    },
    Table {
        name: "api_keys",
        columns: &[
            ID,
            col("key_hash", Varchar).nn(),
            col("name", Varchar).nn(),
            TENANT.nn(),
            col("user_id", Varchar).nn().refs("users"),
            col("permissions", Json).default("'[]'::json"),
            col("last_used_at", Timestamp),
            col("expires_at", Timestamp),
            col("is_active", Boolean).default("true"),
            CREATED,
            UPDATED,
        ],
    },
    Table {
        name: "projects",
        columns: &[
            ID,
            col("name", Varchar).nn(),
            col("project_type", Varchar).default("'saas_app'"),
            TENANT.nn(),
            CREATED_BY.nn(),
            col("config", Json).default("'{}'::json"),
            col("is_active", Boolean).default("true"),
            CREATED,
            UPDATED,
        ],
    },
    Table {
        name: "plans",
        columns: &[
            ID,
            col("name", Varchar).nn(),
            col("plan_type", Varchar).nn(),
            col("price_monthly", Double).default("0"),
            col("price_yearly", Double).default("0"),
            col("currency", Varchar).default("'USD'"),
            col("features", Json).default("'{}'::json"),
            col("limits", Json).default("'{}'::json"),
            col("is_active", Boolean).default("true"),
            CREATED,
            UPDATED,
        ],
    },
    Table {
        name: "subscriptions",
        columns: &[
            ID,
            TENANT.nn(),
            col("plan_id", Varchar).nn().refs("plans"),
            col("status", Varchar).default("'active'"),
            col("billing_cycle", Varchar).default("'monthly'"),
            col("current_period_start", Timestamp).nn(),
            col("current_period_end", Timestamp).nn(),
            col("stripe_subscription_id", Varchar),
            col("stripe_customer_id", Varchar),
            CREATED,
            UPDATED,
        ],
    },
    Table {
        name: "usage_records",
        columns: &[
            ID,
            TENANT.nn(),
            col("subscription_id", Varchar).refs("subscriptions"),
            col("billing_unit", Varchar).nn(),
            col("quantity", Double).nn(),
            col("unit_price", Double).default("0"),
            col("total_cost", Double).default("0"),
            col("currency", Varchar).default("'USD'"),
            col("period_start", Timestamp).nn(),
            col("period_end", Timestamp).nn(),
            CREATED,
        ],
    },
];

const fn ix(name: &'static str, table: &'static str, columns: &'static [&'static str]) -> Index {
    Index {
        name,
        table,
        columns,
        unique: false,
        required_by_platform: false,
    }
}

const fn unique(name: &'static str, table: &'static str, column: &'static [&'static str]) -> Index {
    Index {
        name,
        table,
        columns: column,
        unique: true,
        required_by_platform: true,
    }
}

pub const INDEXES: &[Index] = &[
    unique("ix_users_email", "users", &["email"]),
    unique("ix_tenants_slug", "tenants", &["slug"]),
    unique("ix_api_keys_key_hash", "api_keys", &["key_hash"]),
    Index {
        required_by_platform: true,
        ..ix("ix_audit_logs_created_at", "audit_logs", &["created_at"])
    },
    ix("ix_tenants_is_active", "tenants", &["is_active"]),
    ix("ix_agents_tenant_id", "agents", &["tenant_id"]),
    ix("ix_agents_created_by", "agents", &["created_by"]),
    ix("ix_workflows_tenant_id", "workflows", &["tenant_id"]),
    ix("ix_workflows_created_by", "workflows", &["created_by"]),
    ix(
        "ix_blueprints_publisher_id",
        "blueprints",
        &["publisher_id"],
    ),
    ix("ix_executions_tenant_id", "executions", &["tenant_id"]),
    ix("ix_executions_created_by", "executions", &["created_by"]),
    ix("ix_executions_status", "executions", &["status"]),
    ix(
        "ix_executions_tenant_status",
        "executions",
        &["tenant_id", "status"],
    ),
    ix(
        "ix_executions_tenant_created",
        "executions",
        &["tenant_id", "created_at"],
    ),
    ix("ix_executions_created_at", "executions", &["created_at"]),
    ix(
        "ix_executions_completed_at",
        "executions",
        &["completed_at"],
    ),
    ix("ix_api_keys_is_active", "api_keys", &["is_active"]),
    ix("ix_api_keys_last_used_at", "api_keys", &["last_used_at"]),
    ix("ix_api_keys_expires_at", "api_keys", &["expires_at"]),
    ix("ix_projects_tenant_id", "projects", &["tenant_id"]),
    ix("ix_projects_created_by", "projects", &["created_by"]),
    ix(
        "ix_subscriptions_tenant_id",
        "subscriptions",
        &["tenant_id"],
    ),
    ix("ix_subscriptions_status", "subscriptions", &["status"]),
    ix(
        "ix_usage_records_tenant_id",
        "usage_records",
        &["tenant_id"],
    ),
    ix(
        "ix_usage_records_tenant_period",
        "usage_records",
        &["tenant_id", "period_start", "period_end"],
    ),
];

/// The Alembic revision the platform's tooling must find.
pub const ALEMBIC_HEAD: &str = "003";

pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// Every foreign key as (table, column, referenced table).
pub fn foreign_keys() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    TABLES.iter().flat_map(|t| {
        t.columns
            .iter()
            .filter_map(move |c| c.references.map(|r| (t.name, c.name, r)))
    })
}

/// The column definition for `CREATE TABLE` / `ADD COLUMN` (without NOT NULL when `nullable`).
pub fn column_ddl(c: &Column, nullable: bool) -> String {
    let mut s = format!("{} {}", crate::db::ident(c.name), c.ty.ddl());
    if c.is_identity() {
        s.push_str(" GENERATED BY DEFAULT AS IDENTITY");
    }
    if let Some(d) = c.default {
        s.push_str(&format!(" DEFAULT {d}"));
    }
    if c.not_null && !nullable {
        s.push_str(" NOT NULL");
    }
    s
}

pub fn create_table_sql(t: &Table) -> String {
    let mut lines: Vec<String> = t
        .columns
        .iter()
        .map(|c| format!("    {}", column_ddl(c, false)))
        .collect();
    lines.push("    PRIMARY KEY (id)".to_owned());
    format!(
        "CREATE TABLE {} (\n{}\n)",
        crate::db::public(t.name),
        lines.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_counts_in_the_spec() {
        assert_eq!(TABLES.len(), 12);
        assert_eq!(foreign_keys().count(), 17);
        assert_eq!(INDEXES.len(), 26);
        assert_eq!(
            INDEXES.iter().filter(|i| !i.required_by_platform).count(),
            22
        );
    }
}
