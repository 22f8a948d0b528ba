fn main() {
    // The product's layout keeps tauri.conf.json at the repository root.
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        // Our own commands get permissions too, so capabilities/ lists exactly what the window may call.
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "get_app_info",
            "get_preferences",
            "save_preferences",
            "get_startup_notices",
            "list_environments",
            "environment_presets",
            "create_environment",
            "update_environment",
            "duplicate_environment",
            "delete_environment",
            "set_current_environment",
            "test_connection",
            "test_draft_connection",
            "split_database_url",
            "split_redis_url",
            "keyring_status",
            "list_variables",
            "set_variable",
            "remove_variable",
            "reveal_variable",
            "copy_variable",
            "preview_import",
            "apply_import",
            "export_variables",
            "drift_board",
            "audit_log",
            "migration_status",
            "migration_plan",
            "apply_migrations",
            "cancel_migrations",
            "revert_migrations",
            "validate_schema",
            "export_validation",
            "adoption_plan",
            "adopt_database",
            "migration_overview",
            "health_overview",
            "health_check_now",
            "set_health_interval",
        ]));
    tauri_build::try_build(attributes).expect("failed to run the Tauri build script");
}
