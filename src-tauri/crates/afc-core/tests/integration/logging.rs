//! The real subscriber writing a real rotated file (one test: the subscriber is process-global).

use afc_core::logging::{LogTargets, Logging, redact};
use afc_core::settings::LogLevel;

#[test]
fn file_log_is_redacted_and_its_level_changes_at_run_time() {
    let dir = tempfile::tempdir().unwrap();
    let logging = Logging::init_ignoring_env(
        LogTargets {
            file: Some((dir.path(), "console")),
            stderr: false,
        },
        LogLevel::Info,
    )
    .unwrap();

    let secret = "postgres://app:s3cr3t-Pa55@db.example.supabase.co:5432/postgres";
    assert!(redact::redactor().register("s3cr3t-Pa55"));
    tracing::info!(url = secret, "connecting");
    tracing::debug!("hidden-at-info");
    assert!(logging.set_level(LogLevel::Debug).unwrap());
    tracing::debug!("shown-at-debug");
    drop(logging); // flushes the background writer

    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("console.") && name.ends_with(".log"),
        "{name}"
    );
    let log = std::fs::read_to_string(&files[0]).unwrap();
    assert!(log.contains("connecting"), "{log}");
    assert!(!log.contains("s3cr3t-Pa55"), "{log}");
    assert!(log.contains("app:[REDACTED]@db.example"), "{log}");
    assert!(!log.contains("hidden-at-info"), "{log}");
    assert!(log.contains("shown-at-debug"), "{log}");
}
