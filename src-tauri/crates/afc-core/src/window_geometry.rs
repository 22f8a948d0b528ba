//! Remembering the window's size and position, and restoring it safely: a monitor that was
//! unplugged, or a resolution that shrank, must never put the window out of reach.

use serde::{Deserialize, Serialize};

/// The window's outer position and inner size in physical pixels, as the windowing system reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowGeometry {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    pub maximized: bool,
}

/// A monitor's area in physical pixels, and how many physical pixels make one logical pixel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Monitor {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub scale: f64,
}

/// Smallest window the layout is designed for, in logical pixels.
pub const MIN_WIDTH: u32 = 900;
pub const MIN_HEIGHT: u32 = 600;

impl WindowGeometry {
    /// The geometry to restore on these monitors: moved and shrunk as needed to lie wholly on the
    /// monitor it overlaps most. `None` when it overlaps none (the app then centres its default).
    pub fn fit(self, monitors: &[Monitor]) -> Option<Self> {
        let area = |m: &Monitor| {
            overlap(self.x, self.width, m.x, m.width) * overlap(self.y, self.height, m.y, m.height)
        };
        let monitor = monitors
            .iter()
            .filter(|m| area(m) > 0)
            .max_by_key(|m| area(m))?;
        let physical = |logical: u32| (f64::from(logical) * monitor.scale).round() as u32;
        let width = self.width.max(physical(MIN_WIDTH)).min(monitor.width);
        let height = self.height.max(physical(MIN_HEIGHT)).min(monitor.height);
        Some(Self {
            x: clamp_start(self.x, width, monitor.x, monitor.width),
            y: clamp_start(self.y, height, monitor.y, monitor.height),
            width,
            height,
            maximized: self.maximized,
        })
    }
}

fn overlap(start: i32, len: u32, other_start: i32, other_len: u32) -> u64 {
    let (a0, a1) = (i64::from(start), i64::from(start) + i64::from(len));
    let (b0, b1) = (
        i64::from(other_start),
        i64::from(other_start) + i64::from(other_len),
    );
    (a1.min(b1) - a0.max(b0)).max(0) as u64
}

fn clamp_start(start: i32, len: u32, bound_start: i32, bound_len: u32) -> i32 {
    let max_start = i64::from(bound_start) + i64::from(bound_len) - i64::from(len);
    i64::from(start).clamp(
        i64::from(bound_start),
        max_start.max(i64::from(bound_start)),
    ) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL_HD: Monitor = monitor(0, 1920, 1080, 1.0);
    const RIGHT: Monitor = monitor(1920, 1280, 1024, 1.0);
    const RETINA: Monitor = monitor(0, 2880, 1800, 2.0);

    const fn monitor(x: i32, width: u32, height: u32, scale: f64) -> Monitor {
        Monitor {
            x,
            y: 0,
            width,
            height,
            scale,
        }
    }

    fn geo(x: i32, y: i32, width: u32, height: u32) -> WindowGeometry {
        WindowGeometry {
            x,
            y,
            width,
            height,
            maximized: false,
        }
    }

    #[test]
    fn a_window_on_screen_is_restored_exactly() {
        let g = geo(100, 80, 1200, 800);
        assert_eq!(g.fit(&[FULL_HD]), Some(g));
    }

    #[test]
    fn a_window_on_an_unplugged_monitor_is_not_restored() {
        assert_eq!(geo(2000, 100, 1000, 700).fit(&[FULL_HD]), None);
        assert_eq!(geo(100, 100, 1000, 700).fit(&[]), None);
    }

    #[test]
    fn a_window_hanging_off_the_edge_is_pulled_onto_its_main_monitor() {
        // Mostly on the right monitor, hanging past its right edge.
        let fitted = geo(2600, 500, 1000, 700).fit(&[FULL_HD, RIGHT]).unwrap();
        assert_eq!(fitted, geo(2200, 324, 1000, 700));
    }

    #[test]
    fn a_window_larger_than_its_monitor_is_shrunk_to_fit() {
        let fitted = geo(-50, -50, 4000, 3000).fit(&[FULL_HD]).unwrap();
        assert_eq!(fitted, geo(0, 0, 1920, 1080));
    }

    #[test]
    fn a_tiny_window_grows_to_the_minimum_size() {
        let fitted = geo(10, 10, 200, 100).fit(&[FULL_HD]).unwrap();
        assert_eq!((fitted.width, fitted.height), (MIN_WIDTH, MIN_HEIGHT));
    }

    #[test]
    fn the_minimum_size_scales_with_the_monitor() {
        let fitted = geo(0, 0, 1000, 700).fit(&[RETINA]).unwrap();
        assert_eq!(
            (fitted.width, fitted.height),
            (2 * MIN_WIDTH, 2 * MIN_HEIGHT)
        );
    }

    #[test]
    fn maximised_state_is_kept() {
        let g = WindowGeometry {
            maximized: true,
            ..geo(0, 0, 1000, 700)
        };
        assert!(g.fit(&[FULL_HD]).unwrap().maximized);
    }
}
