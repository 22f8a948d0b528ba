//! Database migrations: the shipped SQL (`migrations/`), status, plan (dry run with lint and lock
//! report), apply and revert under the migration lock, validation against the canonical schema
//! and the shipped checksums, and adoption of databases built the old ways.

mod adopt;
mod apply;
pub(crate) mod history;
mod lint;
mod lock;
mod overview;
mod plan;
mod revert;
mod rls_proof;
mod source;
pub mod split;
mod status;
mod validate;
mod write;

pub use crate::schema::Severity;
pub use adopt::{AdoptionPlan, BackfillProposal, Backfills, Blocker, RepairStep, adoption_plan};
pub use apply::{ApplyEvent, ApplyOptions, ApplyReport, Failure, MigrationRun, apply};
pub use lint::{LintFinding, lint};
pub use lock::Session;
pub use overview::OverviewRow;
pub use plan::{Plan, PlannedMigration, PlannedStatement, build as build_plan, plan};
pub use revert::revert;
pub use source::{Migration, MigrationSet, Requirement};
pub use status::{MigrationRow, MigrationState, StatusReport, status};
pub use validate::validate;
pub use write::MigrationWrite;

/// `application_name` of every migration connection: how other sessions (and the lock-holder
/// report) recognise the console.
pub const APPLICATION_NAME: &str = "agent-factory-console migrate";
