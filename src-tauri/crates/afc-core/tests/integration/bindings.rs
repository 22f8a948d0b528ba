//! The TypeScript types in `ui/src/backend/bindings/` are generated from these Rust types.
//! This test fails when they are stale; `AFC_UPDATE_BINDINGS=1 cargo test -p afc-core --test bindings`
//! (or `npm run bindings` in ui/) rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

/// Every type that crosses IPC, directly or as a field of another.
fn export_all(dir: &Path) {
    let cfg = Config::new().with_out_dir(dir);
    afc_core::AppError::export_all(&cfg).unwrap();
    afc_core::app_info::AppInfo::export_all(&cfg).unwrap();
    afc_core::settings::Preferences::export_all(&cfg).unwrap();
    afc_core::environments::EnvironmentList::export_all(&cfg).unwrap();
    afc_core::environments::ConnectionSecrets::export_all(&cfg).unwrap();
    afc_core::environments::presets::Preset::export_all(&cfg).unwrap();
    afc_core::environments::connection::PastedDatabaseUrl::export_all(&cfg).unwrap();
    afc_core::environments::connection::PastedRedisUrl::export_all(&cfg).unwrap();
    afc_core::environments::ConnectionMode::export_all(&cfg).unwrap();
    afc_core::probe::ConnectionTest::export_all(&cfg).unwrap();
    afc_core::secrets::KeyringStatus::export_all(&cfg).unwrap();
    afc_core::secrets::VariablesView::export_all(&cfg).unwrap();
    afc_core::secrets::ImportSource::export_all(&cfg).unwrap();
    afc_core::secrets::PreviewedImport::export_all(&cfg).unwrap();
    afc_core::secrets::ImportSummary::export_all(&cfg).unwrap();
    afc_core::secrets::ExportSummary::export_all(&cfg).unwrap();
    afc_core::secrets::drift::DriftBoard::export_all(&cfg).unwrap();
    afc_core::audit::AuditLogView::export_all(&cfg).unwrap();
    afc_core::migrate::StatusReport::export_all(&cfg).unwrap();
    afc_core::migrate::Plan::export_all(&cfg).unwrap();
    afc_core::migrate::ApplyEvent::export_all(&cfg).unwrap();
    afc_core::migrate::ApplyReport::export_all(&cfg).unwrap();
    afc_core::migrate::OverviewRow::export_all(&cfg).unwrap();
    afc_core::schema::ValidationReport::export_all(&cfg).unwrap();
    afc_core::migrate::AdoptionPlan::export_all(&cfg).unwrap();
    afc_core::health::watch::EnvHealthView::export_all(&cfg).unwrap();
    afc_core::health::settings::HealthSettings::export_all(&cfg).unwrap();
    afc_core::metrics::MetricsReport::export_all(&cfg).unwrap();
    afc_core::charts::Chart::export_all(&cfg).unwrap();
    afc_core::charts::ChartTheme::export_all(&cfg).unwrap();
}

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../ui/src/backend/bindings")
}

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ts"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn typescript_bindings_are_current() {
    let fresh = tempfile::tempdir().unwrap();
    export_all(fresh.path());
    let expected = read_dir(fresh.path());
    let committed_dir = committed_dir();

    if std::env::var_os("AFC_UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed_dir);
        std::fs::create_dir_all(&committed_dir).unwrap();
        for (name, text) in &expected {
            std::fs::write(committed_dir.join(name), text).unwrap();
        }
    }

    let committed = read_dir(&committed_dir);
    let stale: Vec<_> = expected
        .keys()
        .chain(committed.keys())
        .filter(|name| expected.get(*name) != committed.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "TypeScript bindings are stale: {stale:?}. Run `AFC_UPDATE_BINDINGS=1 cargo test -p afc-core --test bindings` and commit ui/src/backend/bindings/."
    );
}
