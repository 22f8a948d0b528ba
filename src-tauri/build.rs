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
        ]));
    tauri_build::try_build(attributes).expect("failed to run the Tauri build script");
}
