//! The desktop shell: a thin adapter from Tauri to afc-core. Commands parse arguments, call one
//! afc-core function and map the result; no domain logic lives here (docs/architecture.md).

mod clipboard;
mod commands;
mod desktop;
mod dialogs;
mod events;
pub mod startup;
mod state;
mod window;

use state::AppState;

/// The window's disposable view state (ui/src/backend/viewState.ts).
const VIEW_STATE_STORE: &str = "view-state.json";

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

    let builder = tauri::Builder::default();
    #[cfg(not(target_os = "linux"))]
    let builder = builder.plugin(tauri_plugin_clipboard_manager::init());
    builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_store::Builder::default().build())
        .manage(state)
        .setup(|app| {
            // Created here under a fixed name: the window may only use this one.
            tauri_plugin_store::StoreExt::store(app, VIEW_STATE_STORE)?;
            window::create_main(app.handle())?;
            events::start(app.handle())?;
            Ok(())
        })
        .on_window_event(window::on_event)
        // Every command in src/commands/, as build.rs found them (command-surface).
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handlers.rs")))
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Tauri event loop failed");
}
