//! The desktop shell: a thin adapter from Tauri to afc-core. Commands parse arguments, call one
//! afc-core function and map the result; no domain logic lives here (docs/architecture.md).

mod commands;
mod state;
mod window;

use state::AppState;

pub fn run() {
    let state = match AppState::init() {
        Ok(state) => state,
        Err(e) => {
            // Nothing else can tell the operator yet: no window, maybe no log file.
            eprintln!(
                "Agent Factory Console could not start: {} ({})",
                e.message, e.code
            );
            if let Some(details) = e.details {
                eprintln!("{details}");
            }
            std::process::exit(2);
        }
    };
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting");

    tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(state)
        .setup(|app| Ok(window::create_main(app.handle())?))
        .on_window_event(window::on_event)
        .invoke_handler(tauri::generate_handler![
            commands::app_info::get_app_info,
            commands::preferences::get_preferences,
            commands::preferences::save_preferences,
            commands::preferences::get_startup_notices,
            commands::environments::list_environments,
            commands::environments::environment_presets,
            commands::environments::create_environment,
            commands::environments::update_environment,
            commands::environments::duplicate_environment,
            commands::environments::delete_environment,
            commands::environments::set_current_environment,
            commands::environments::test_connection,
            commands::environments::test_draft_connection,
            commands::environments::split_database_url,
            commands::environments::split_redis_url,
            commands::secrets::keyring_status,
            commands::secrets::list_variables,
            commands::secrets::set_variable,
            commands::secrets::remove_variable,
            commands::secrets::reveal_variable,
            commands::secrets::copy_variable,
            commands::secrets::preview_import,
            commands::secrets::apply_import,
            commands::secrets::export_variables,
            commands::secrets::drift_board,
            commands::secrets::audit_log,
            commands::migrations::migration_status,
            commands::migrations::migration_plan,
            commands::migrations::apply_migrations,
            commands::migrations::cancel_migrations,
            commands::migrations::revert_migrations,
            commands::migrations::validate_schema,
            commands::migrations::export_validation,
            commands::migrations::adoption_plan,
            commands::migrations::adopt_database,
            commands::migrations::migration_overview,
            commands::health::health_overview,
            commands::health::health_check_now,
            commands::health::save_health_settings,
            commands::health::health_chart,
            commands::health::health_settings,
            commands::health::health_sparklines,
            commands::health::export_health_csv,
            commands::health::save_chart_png,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Tauri event loop failed");
}
