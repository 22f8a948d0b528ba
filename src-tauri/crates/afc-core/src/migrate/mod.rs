//! Database migrations: the shipped SQL (`migrations/`), status, plan (dry run with lint and lock
//! report), and apply under the migration lock. Validation and adoption live in [`crate::schema`].

mod apply;
mod guard;
pub(crate) mod history;
mod lint;
mod lock;
mod overview;
mod plan;
mod revert;
mod source;
pub mod split;
mod status;
mod target;

pub use apply::{ApplyEvent, ApplyOptions, ApplyReport, Failure, apply};
pub(crate) use apply::{LockedSession, failure_error};
pub use guard::check_write_allowed;
pub use lint::{LintFinding, Severity, lint};
pub use lock::Session;
pub use overview::OverviewRow;
pub use plan::{Plan, PlannedMigration, PlannedStatement, build as build_plan, plan};
pub use revert::revert;
pub use source::{Migration, MigrationSet, Requirement};
pub(crate) use status::rows as status_rows;
pub use status::{MigrationRow, MigrationState, StatusReport, status};
pub(crate) use target::query_error;
pub use target::{APPLICATION_NAME, Target};
