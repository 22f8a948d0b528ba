//! A blank Tauri v2 page that reports, as the console does, when its first frame was painted: the
//! baseline of the start-up benchmark (scripts/bench.sh). Kept as small as a Tauri app can be.

use std::time::{SystemTime, UNIX_EPOCH};

fn unix_ms() -> f64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH);
    now.unwrap_or_default().as_secs_f64() * 1000.0
}

/// Writes {"mainUnixMs", "readyUnixMs"} where AFC_STARTUP_REPORT says (the console's format).
#[tauri::command]
fn ready(started: tauri::State<'_, f64>) {
    if let Some(file) = std::env::var_os("AFC_STARTUP_REPORT") {
        let report = format!(
            r#"{{"mainUnixMs":{},"readyUnixMs":{}}}"#,
            *started,
            unix_ms()
        );
        std::fs::write(file, report).expect("the start-up report is written");
    }
}

fn main() {
    let started = unix_ms();
    tauri::Builder::default()
        .manage(started)
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the blank app runs");
}
