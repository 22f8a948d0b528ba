//! Validation: the database against the canonical schema and the shipped migrations (their
//! checksums, and whether any is pending, missing or dirty). Reads only, in one snapshot.

use super::source::MigrationSet;
use super::status::{MigrationRow, MigrationState, rows};
use crate::Result;
use crate::db::Database;
use crate::schema::introspect::{self, LiveSchema};
use crate::schema::validate::{Finding, Severity, compare, counts, finding};
use crate::schema::{Shape, ValidationReport};

/// Compares the database with the canonical schema and the shipped migrations. Reads only.
pub async fn validate(db: &Database, set: &MigrationSet) -> Result<ValidationReport> {
    let mut conn = db.read().await?;
    let live = introspect::read(&mut conn).await?;
    let rows = rows(&mut conn, set).await?;
    let mut findings = compare(&live);
    compare_history(&live, &rows, &mut findings);
    findings.extend(super::rls_proof::prove(&mut conn, &live).await?);
    findings.sort_by_key(|f| f.severity);
    let (errors, warnings, infos) = counts(&findings);
    Ok(ValidationReport {
        target: db.label.clone(),
        environment: db.environment.clone(),
        shape: Shape::detect(&live),
        checked_at: chrono::Utc::now(),
        errors,
        warnings,
        infos,
        findings,
    })
}

fn compare_history(live: &LiveSchema, rows: &[MigrationRow], out: &mut Vec<Finding>) {
    if !live.console_history {
        out.push(finding(
            Severity::Warning,
            "migration history".into(),
            "managed by the console",
            "no console history: adopt this database (afctl migrate adopt)",
        ));
        return;
    }
    for r in rows {
        let (severity, found) = match r.state {
            MigrationState::Applied | MigrationState::Baselined | MigrationState::NotApplicable => {
                continue;
            }
            MigrationState::Pending => (Severity::Warning, "pending".to_owned()),
            MigrationState::Modified => (
                Severity::Error,
                "the shipped file changed after it was applied (checksum differs)".to_owned(),
            ),
            MigrationState::Missing => {
                (Severity::Error, "applied, but no longer shipped".to_owned())
            }
            MigrationState::Dirty => (
                Severity::Error,
                "started and did not finish (dirty)".to_owned(),
            ),
        };
        out.push(finding(
            severity,
            format!("migration {}", r.file),
            "applied, checksum as shipped",
            found,
        ));
    }
}
