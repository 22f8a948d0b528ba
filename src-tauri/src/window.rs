//! The main window: created with the geometry the operator left it in, and that geometry saved
//! again (debounced) whenever it moves or is resized.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use afc_core::AppError;
use afc_core::app_info::PRODUCT_NAME;
use afc_core::settings::ThemePreference;
use afc_core::window_geometry::{MIN_HEIGHT, MIN_WIDTH, Monitor, WindowGeometry};
use tauri::{
    AppHandle, Manager, PhysicalPosition, PhysicalSize, WebviewUrl, WebviewWindowBuilder, Window,
    WindowEvent,
};

use crate::state::AppState;

const MAIN: &str = "main";
/// A drag produces a stream of move/resize events; save once it settles.
const SAVE_DEBOUNCE: Duration = Duration::from_millis(300);
static SAVE_GENERATION: AtomicU64 = AtomicU64::new(0);

pub fn create_main(app: &AppHandle) -> tauri::Result<()> {
    let settings = app.state::<AppState>().console.settings.get();
    // Start with the saved theme so native decorations match before the UI has loaded.
    let theme = saved_theme(app);
    let window = WebviewWindowBuilder::new(app, MAIN, WebviewUrl::default())
        .title(PRODUCT_NAME)
        .inner_size(1280.0, 800.0)
        .min_inner_size(f64::from(MIN_WIDTH), f64::from(MIN_HEIGHT))
        .theme(theme)
        .center()
        .visible(false)
        .build()?;

    let monitors: Vec<Monitor> = window
        .available_monitors()?
        .iter()
        .map(|m| Monitor {
            x: m.position().x,
            y: m.position().y,
            width: m.size().width,
            height: m.size().height,
            scale: m.scale_factor(),
        })
        .collect();
    // Without a saved geometry that fits, the builder's centred default stands.
    if let Some(g) = settings.window.and_then(|g| g.fit(&monitors)) {
        window.set_position(PhysicalPosition::new(g.x, g.y))?;
        window.set_size(PhysicalSize::new(g.width, g.height))?;
        if g.maximized {
            window.maximize()?;
        }
    }
    window.show()
}

const AUDIENCE: &str = "audience";

/// The monitors by number (1-based) with their size, as the operator chooses among them.
pub fn monitor_names(app: &AppHandle) -> Result<Vec<String>, AppError> {
    let main = app
        .get_webview_window(MAIN)
        .ok_or_else(|| AppError::internal("The main window is gone"))?;
    Ok(main
        .available_monitors()
        .map_err(window_error)?
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let name = m.name().map_or(String::new(), |n| format!(" {n}"));
            format!("{}{name} ({}×{})", i + 1, m.size().width, m.size().height)
        })
        .collect())
}

fn window_error(e: tauri::Error) -> AppError {
    AppError::internal("The window system refused").with_details(e.to_string())
}

/// Opens the audience window (or brings it back) on monitor `monitor` (1-based) when it is
/// connected, else on the presenter's; says where it went.
pub fn open_audience(
    app: &AppHandle,
    monitor: Option<u32>,
    fullscreen: bool,
) -> Result<String, AppError> {
    let window = match app.get_webview_window(AUDIENCE) {
        Some(w) => w,
        None => {
            WebviewWindowBuilder::new(app, AUDIENCE, WebviewUrl::App("index.html#audience".into()))
                .title(format!("{PRODUCT_NAME} — audience"))
                .inner_size(1024.0, 640.0)
                .theme(saved_theme(app))
                .visible(false)
                .build()
                .map_err(window_error)?
        }
    };
    let monitors = window.available_monitors().map_err(window_error)?;
    let wanted = monitor.and_then(|n| usize::try_from(n).ok()?.checked_sub(1));
    let (target, said) = match wanted.and_then(|i| monitors.get(i).map(|m| (i, m))) {
        Some((i, m)) => (Some(m), format!("on monitor {}", i + 1)),
        None if wanted.is_some() => (
            None,
            format!(
                "on this monitor: monitor {} is not connected ({} found)",
                wanted.unwrap_or(0) + 1,
                monitors.len()
            ),
        ),
        None => (None, "on this monitor".to_owned()),
    };
    if let Some(m) = target {
        window
            .set_position(PhysicalPosition::new(m.position().x, m.position().y))
            .map_err(window_error)?;
    }
    window.set_fullscreen(fullscreen).map_err(window_error)?;
    window.show().map_err(window_error)?;
    window.set_focus().map_err(window_error)?;
    Ok(said)
}

fn saved_theme(app: &AppHandle) -> Option<tauri::Theme> {
    match app
        .state::<AppState>()
        .console
        .settings
        .get()
        .preferences
        .theme
    {
        ThemePreference::System => None,
        ThemePreference::Light => Some(tauri::Theme::Light),
        ThemePreference::Dark => Some(tauri::Theme::Dark),
    }
}

pub fn on_event(window: &Window, event: &WindowEvent) {
    if window.label() != MAIN {
        return;
    }
    match event {
        WindowEvent::Moved(_) | WindowEvent::Resized(_) => schedule_save(window.clone()),
        WindowEvent::CloseRequested { .. } => save_now(window),
        _ => {}
    }
}

fn schedule_save(window: Window) {
    let generation = SAVE_GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SAVE_DEBOUNCE).await;
        if SAVE_GENERATION.load(Ordering::SeqCst) == generation {
            save_now(&window);
        }
    });
}

fn save_now(window: &Window) {
    let state = window.state::<AppState>();
    let previous = state.console.settings.get().window;
    let geometry = match current_geometry(window, previous) {
        Ok(Some(g)) => g,
        Ok(None) => return,
        Err(e) => return tracing::warn!(error = %e, "could not read the window geometry"),
    };
    if let Err(e) = state.console.settings.update(|s| s.window = Some(geometry)) {
        tracing::warn!(error = %e, details = ?e.details, "could not save the window geometry");
    }
}

/// `None` while minimised (nothing worth remembering). When maximised, the normal geometry is
/// kept so un-maximising after a restart returns to it.
fn current_geometry(
    window: &Window,
    previous: Option<WindowGeometry>,
) -> tauri::Result<Option<WindowGeometry>> {
    if window.is_minimized()? {
        return Ok(None);
    }
    if window.is_maximized()? {
        return Ok(previous.map(|g| WindowGeometry {
            maximized: true,
            ..g
        }));
    }
    let position = window.outer_position()?;
    let size = window.inner_size()?;
    Ok(Some(WindowGeometry {
        x: position.x,
        y: position.y,
        width: size.width,
        height: size.height,
        maximized: false,
    }))
}
