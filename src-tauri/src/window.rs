//! The main window: created with the geometry the operator left it in, and that geometry saved
//! again (debounced) whenever it moves or is resized.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

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
    let theme = match settings.preferences.theme {
        ThemePreference::System => None,
        ThemePreference::Light => Some(tauri::Theme::Light),
        ThemePreference::Dark => Some(tauri::Theme::Dark),
    };
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
