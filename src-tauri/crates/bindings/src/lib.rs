//! What the window's TypeScript knows of Rust, generated and never hand-kept:
//!
//! - `ui/src/backend/bindings/*.ts`: every type that crosses IPC (ts-rs, from afc-core),
//! - `ui/src/backend/bindings/index.ts`: their index,
//! - `ui/src/backend/commands.gen.ts`: one function per Tauri command (command-surface, from
//!   `src-tauri/src/commands/`).
//!
//! `npm run bindings` (this crate's binary) writes them; this crate's test fails when what is
//! committed differs from what would be written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

/// Where the generated files live, relative to the root.
pub const BINDINGS_DIR: &str = "ui/src/backend/bindings";
pub const CLIENT_FILE: &str = "ui/src/backend/commands.gen.ts";

/// Every type that crosses IPC, directly or as a field of another.
fn export_types(dir: &Path) -> Result<(), ts_rs::ExportError> {
    let cfg = Config::new().with_out_dir(dir);
    afc_core::AppError::export_all(&cfg)?;
    afc_core::app_info::AppInfo::export_all(&cfg)?;
    afc_core::settings::Preferences::export_all(&cfg)?;
    afc_core::environments::EnvironmentList::export_all(&cfg)?;
    afc_core::environments::ConnectionSecrets::export_all(&cfg)?;
    afc_core::environments::presets::Preset::export_all(&cfg)?;
    afc_core::environments::connection::PastedDatabaseUrl::export_all(&cfg)?;
    afc_core::environments::connection::PastedRedisUrl::export_all(&cfg)?;
    afc_core::environments::ConnectionMode::export_all(&cfg)?;
    afc_core::probe::ConnectionTest::export_all(&cfg)?;
    afc_core::probe::ProbeTarget::export_all(&cfg)?;
    afc_core::secrets::KeyringStatus::export_all(&cfg)?;
    afc_core::secrets::VariablesView::export_all(&cfg)?;
    afc_core::secrets::ImportSource::export_all(&cfg)?;
    afc_core::secrets::PreviewedImport::export_all(&cfg)?;
    afc_core::secrets::VariableChange::export_all(&cfg)?;
    afc_core::secrets::ImportSummary::export_all(&cfg)?;
    afc_core::secrets::ExportSummary::export_all(&cfg)?;
    afc_core::secrets::drift::DriftBoard::export_all(&cfg)?;
    afc_core::audit::AuditLogView::export_all(&cfg)?;
    afc_core::audit::AuditAction::export_all(&cfg)?;
    afc_core::guard::Decision::export_all(&cfg)?;
    afc_core::guard::Confirmation::export_all(&cfg)?;
    afc_core::jobs::JobInfo::export_all(&cfg)?;
    afc_core::jobs::JobUpdate::export_all(&cfg)?;
    afc_core::migrate::StatusReport::export_all(&cfg)?;
    afc_core::migrate::Plan::export_all(&cfg)?;
    afc_core::migrate::ApplyEvent::export_all(&cfg)?;
    afc_core::migrate::ApplyReport::export_all(&cfg)?;
    afc_core::migrate::OverviewRow::export_all(&cfg)?;
    afc_core::schema::ValidationReport::export_all(&cfg)?;
    afc_core::migrate::AdoptionPlan::export_all(&cfg)?;
    afc_core::agents::AgentsView::export_all(&cfg)?;
    afc_core::agents::NewAgent::export_all(&cfg)?;
    afc_core::agents::RunRequest::export_all(&cfg)?;
    afc_core::agents::RunResult::export_all(&cfg)?;
    afc_core::agents::TableChoices::export_all(&cfg)?;
    afc_core::agents::ReconcilePreview::export_all(&cfg)?;
    afc_core::agents::TableOwner::export_all(&cfg)?;
    afc_core::agents::RunRecord::export_all(&cfg)?;
    afc_core::agents::ExecutionFilter::export_all(&cfg)?;
    afc_core::agents::ExecutionsView::export_all(&cfg)?;
    afc_core::agents::AgentPlan::export_all(&cfg)?;
    afc_core::agents::BulkReport::export_all(&cfg)?;
    afc_core::agents::BulkEvent::export_all(&cfg)?;
    afc_core::agents::ExportReport::export_all(&cfg)?;
    afc_core::agents::FileFormat::export_all(&cfg)?;
    afc_core::agents::ImportFrom::export_all(&cfg)?;
    afc_core::agents::AgentsOverviewRow::export_all(&cfg)?;
    afc_core::smoke::CheckInfo::export_all(&cfg)?;
    afc_core::smoke::SmokeOptions::export_all(&cfg)?;
    afc_core::smoke::SmokeReport::export_all(&cfg)?;
    afc_core::smoke::SmokeEvent::export_all(&cfg)?;
    afc_core::smoke::ReportFormat::export_all(&cfg)?;
    afc_core::smoke::SmokeSchedule::export_all(&cfg)?;
    afc_core::dbadmin::catalog::ObjectNames::export_all(&cfg)?;
    afc_core::dbadmin::catalog::TableDetail::export_all(&cfg)?;
    afc_core::dbadmin::catalog::Completion::export_all(&cfg)?;
    afc_core::dbadmin::browse::Page::export_all(&cfg)?;
    afc_core::dbadmin::browse::PageRequest::export_all(&cfg)?;
    afc_core::dbadmin::edits::StagedEdits::export_all(&cfg)?;
    afc_core::dbadmin::edits::EditPlan::export_all(&cfg)?;
    afc_core::dbadmin::edits::EditOutcome::export_all(&cfg)?;
    afc_core::dbadmin::export::ExportFormat::export_all(&cfg)?;
    afc_core::dbadmin::export::ExportProgress::export_all(&cfg)?;
    afc_core::dbadmin::sql::SqlOutcome::export_all(&cfg)?;
    afc_core::dbadmin::sql::StatementSpan::export_all(&cfg)?;
    afc_core::dbadmin::sql::HistoryEntry::export_all(&cfg)?;
    afc_core::dbadmin::sql::Snippet::export_all(&cfg)?;
    afc_core::dbadmin::sql::SqlTab::export_all(&cfg)?;
    afc_core::dbadmin::sql::Explained::export_all(&cfg)?;
    afc_core::dbadmin::activity::Activity::export_all(&cfg)?;
    afc_core::dbadmin::advisor::Advice::export_all(&cfg)?;
    afc_core::demo::DemoRows::export_all(&cfg)?;
    afc_core::demo::SeedPreview::export_all(&cfg)?;
    afc_core::demo::SeedOutcome::export_all(&cfg)?;
    afc_core::demo::Checklist::export_all(&cfg)?;
    afc_core::demo::DemoView::export_all(&cfg)?;
    afc_core::demo::AudienceView::export_all(&cfg)?;
    afc_core::demo::DemoReport::export_all(&cfg)?;
    afc_core::demo::RehearsalStep::export_all(&cfg)?;
    afc_core::demo::StepStatus::export_all(&cfg)?;
    afc_core::sandbox::SandboxStatus::export_all(&cfg)?;
    afc_core::diagnostics::DiagnosticsSummary::export_all(&cfg)?;
    afc_core::health::watch::EnvHealthView::export_all(&cfg)?;
    afc_core::health::settings::HealthSettings::export_all(&cfg)?;
    afc_core::metrics::MetricsReport::export_all(&cfg)?;
    afc_core::charts::Chart::export_all(&cfg)?;
    afc_core::charts::ChartTheme::export_all(&cfg)?;
    Ok(())
}

/// Every generated file, by its path relative to the root.
pub fn generate() -> Result<BTreeMap<PathBuf, String>, String> {
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    export_types(scratch.path()).map_err(|e| e.to_string())?;
    let mut files = BTreeMap::new();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(scratch.path()).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or("a generated file name that is not UTF-8")?
            .to_owned();
        names.push(name.trim_end_matches(".ts").to_owned());
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        files.insert(Path::new(BINDINGS_DIR).join(&name), text);
    }
    names.sort();
    let index: String = std::iter::once(
        "// Generated by `npm run bindings` from the Rust types; do not edit.\n".to_owned(),
    )
    .chain(
        names
            .iter()
            .map(|n| format!("export type {{ {n} }} from \"./{n}\";\n")),
    )
    .collect();
    files.insert(Path::new(BINDINGS_DIR).join("index.ts"), index);
    let commands = command_surface::scan(&root().join("src-tauri/src/commands"))?;
    files.insert(
        PathBuf::from(CLIENT_FILE),
        command_surface::ts_client(&commands),
    );
    Ok(files)
}

/// The files that differ between what would be generated and what is on disk (missing,
/// changed, or left over in the bindings folder).
pub fn stale(files: &BTreeMap<PathBuf, String>) -> Vec<PathBuf> {
    let root = root();
    let mut out: Vec<PathBuf> = files
        .iter()
        .filter(|(path, text)| std::fs::read_to_string(root.join(path)).ok().as_ref() != Some(text))
        .map(|(path, _)| path.clone())
        .collect();
    if let Ok(entries) = std::fs::read_dir(root.join(BINDINGS_DIR)) {
        for e in entries.flatten() {
            let path = Path::new(BINDINGS_DIR).join(e.file_name());
            if !files.contains_key(&path) {
                out.push(path);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_committed_typescript_is_what_the_rust_generates() {
        let files = super::generate().unwrap();
        assert!(files.len() > 80, "{} files", files.len());
        let stale = super::stale(&files);
        assert!(
            stale.is_empty(),
            "Generated TypeScript is stale: {stale:?}. Run `npm --prefix ui run bindings` and commit the result."
        );
    }
}
