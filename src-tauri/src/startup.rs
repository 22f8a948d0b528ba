//! How long the console takes to show its real UI: from the start of `main` to the UI's first
//! paint of a section (its `ui_ready` call). Logged once; with `AFC_STARTUP_REPORT` naming a file,
//! also written there as JSON for the start-up benchmark (`scripts/bench.sh`), which launches the
//! blank Tauri app of `benches/blank-tauri` the same way and compares.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

static STARTED: OnceLock<SystemTime> = OnceLock::new();
static READY: OnceLock<SystemTime> = OnceLock::new();

/// Called first thing in `main`, before any thread or GTK starts.
pub fn mark_start() {
    STARTED.get_or_init(SystemTime::now);
    #[cfg(target_os = "linux")]
    choose_renderer();
}

/// WebKitGTK's DMA-BUF renderer hands frames to the GPU; on a machine without a GPU render node
/// (a virtual machine, remote X, Xvfb) it falls back to software and paints slowly: the window's
/// first full frame took about 900 ms there against about 90 ms with the shared-memory renderer,
/// which also kept 116 MiB less (docs/benchmarks.md). So without a render node the console asks
/// for the shared-memory renderer, unless the operator set WEBKIT_DISABLE_DMABUF_RENDERER.
#[cfg(target_os = "linux")]
fn choose_renderer() {
    const VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
    let render_node = std::fs::read_dir("/dev/dri").is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    });
    if !render_node && std::env::var_os(VAR).is_none() {
        // SAFETY: called at the top of `main`, before any other thread exists to read the
        // environment at the same time.
        unsafe { std::env::set_var(VAR, "1") };
    }
}

/// The UI painted its first section; later calls (a reload) change nothing.
pub fn mark_ready() {
    let ready = SystemTime::now();
    if READY.set(ready).is_err() {
        return;
    }
    let Some(&started) = STARTED.get() else {
        return;
    };
    let ms = ready
        .duration_since(started)
        .unwrap_or_default()
        .as_secs_f64()
        * 1000.0;
    tracing::info!("the window showed its first section {ms:.0} ms after start");
    if let Some(file) = std::env::var_os("AFC_STARTUP_REPORT") {
        let report =
            serde_json::json!({ "mainUnixMs": unix_ms(started), "readyUnixMs": unix_ms(ready) });
        if let Err(e) = std::fs::write(&file, report.to_string()) {
            tracing::warn!("could not write the start-up report: {e}");
        }
    }
}

fn unix_ms(at: SystemTime) -> f64 {
    at.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
        * 1000.0
}
