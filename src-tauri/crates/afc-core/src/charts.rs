//! Charts of an environment's history, drawn in Rust with plotters as SVG: request rate, error
//! ratio and latency over time, in the window's light or dark palette, at any size (the window's
//! panel, or presentation size for export).

use chrono::{DateTime, Utc};
use plotters::prelude::*;
use serde::Deserialize;
use ts_rs::TS;

use crate::health::monitor::Point;
use crate::{AppError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Chart {
    RequestRate,
    ErrorRatio,
    Latency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChartTheme {
    Light,
    Dark,
}

struct Palette {
    background: RGBColor,
    text: RGBColor,
    grid: RGBColor,
    lines: [RGBColor; 3],
}

/// The window's theme colours (as in its stylesheet): background, text, grid, then the lines.
fn palette(theme: ChartTheme) -> Palette {
    let [background, text, grid, first, second, third] = match theme {
        ChartTheme::Light => [0xffffff, 0x1a202c, 0xdde1e8, 0x4338ca, 0xb54708, 0xb42318],
        ChartTheme::Dark => [0x161a22, 0xe2e8f0, 0x343c4a, 0xa5b4fc, 0xfdb022, 0xfda29b],
    };
    Palette {
        background: rgb(background),
        text: rgb(text),
        grid: rgb(grid),
        lines: [rgb(first), rgb(second), rgb(third)],
    }
}

fn rgb(hex: u32) -> RGBColor {
    let [_, r, g, b] = hex.to_be_bytes();
    RGBColor(r, g, b)
}

/// A line's label and its (time, value) points.
type Line = (&'static str, Vec<(f64, f64)>);

/// The lines of a chart, and the y axis's label.
fn lines(chart: Chart, points: &[Point]) -> (&'static str, Vec<Line>) {
    let at = |p: &Point| p.at.timestamp_millis() as f64 / 1000.0;
    let series = |f: fn(&Point) -> Option<f64>| {
        points
            .iter()
            .filter_map(|p| f(p).filter(|v| v.is_finite()).map(|v| (at(p), v)))
            .collect::<Vec<_>>()
    };
    match chart {
        Chart::RequestRate => (
            "requests per second",
            vec![("requests/s", series(|p| p.request_rate))],
        ),
        Chart::ErrorRatio => (
            "5xx share of requests (%)",
            vec![("errors %", series(|p| p.error_ratio.map(|r| r * 100.0)))],
        ),
        Chart::Latency => (
            "latency (ms)",
            vec![
                ("p50", series(|p| p.p50.map(|s| s * 1000.0))),
                ("p95", series(|p| p.p95.map(|s| s * 1000.0))),
                ("p99", series(|p| p.p99.map(|s| s * 1000.0))),
            ],
        ),
    }
}

fn chart_error(e: impl std::fmt::Display) -> AppError {
    AppError::internal("Could not draw the chart").with_details(e.to_string())
}

/// The chart as an SVG document of `width`×`height` pixels, for the points between `from` and `to`.
pub fn render_svg(
    chart: Chart,
    points: &[Point],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    size: (u32, u32),
    theme: ChartTheme,
) -> Result<String> {
    let mut svg = String::new();
    {
        let colors = palette(theme);
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&colors.background).map_err(chart_error)?;
        let (y_label, lines) = lines(chart, points);
        let (x0, x1) = (from.timestamp() as f64, to.timestamp() as f64);
        let y_max = lines
            .iter()
            .flat_map(|(_, l)| l.iter().map(|(_, y)| *y))
            .fold(0.0_f64, f64::max);
        let y_max = if y_max > 0.0 { y_max * 1.15 } else { 1.0 };
        let font = |px| ("sans-serif", px).into_font().color(&colors.text);
        let mut ctx = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1.max(x0 + 1.0), 0.0..y_max)
            .map_err(chart_error)?;
        let span = x1 - x0;
        ctx.configure_mesh()
            .light_line_style(colors.grid.mix(0.4))
            .bold_line_style(colors.grid)
            .axis_style(colors.grid)
            .label_style(font(15))
            .axis_desc_style(font(15))
            .y_desc(y_label)
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&|t| {
                DateTime::from_timestamp(*t as i64, 0)
                    .map(|d| {
                        d.with_timezone(&chrono::Local)
                            .format(if span > 6.0 * 3600.0 {
                                "%H:%M"
                            } else {
                                "%H:%M:%S"
                            })
                            .to_string()
                    })
                    .unwrap_or_default()
            })
            .draw()
            .map_err(chart_error)?;
        for (i, (name, data)) in lines.into_iter().enumerate() {
            let color = colors.lines[i % colors.lines.len()];
            // Points as well as lines, so a lone sample is visible.
            ctx.draw_series(LineSeries::new(data, color.stroke_width(2)).point_size(3))
                .map_err(chart_error)?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
                });
        }
        ctx.configure_series_labels()
            .label_font(font(15))
            .background_style(colors.background.mix(0.8))
            .border_style(colors.grid)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(chart_error)?;
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

/// A sparkline of one endpoint's request rate over the points: a line and nothing else.
pub fn sparkline_svg(
    endpoint: &str,
    points: &[Point],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    theme: ChartTheme,
) -> Result<String> {
    let data: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| {
            p.endpoints
                .iter()
                .find(|(e, _)| e == endpoint)
                .map(|(_, r)| (p.at.timestamp_millis() as f64 / 1000.0, *r))
        })
        .collect();
    let mut svg = String::new();
    {
        let colors = palette(theme);
        let root = SVGBackend::with_string(&mut svg, (120, 24)).into_drawing_area();
        let y_max = data
            .iter()
            .map(|(_, y)| *y)
            .fold(0.0_f64, f64::max)
            .max(f64::MIN_POSITIVE)
            * 1.1;
        let (x0, x1) = (from.timestamp() as f64, to.timestamp() as f64);
        let mut ctx = ChartBuilder::on(&root)
            .margin(2)
            .build_cartesian_2d(x0..x1.max(x0 + 1.0), 0.0..y_max)
            .map_err(chart_error)?;
        ctx.draw_series(LineSeries::new(data, colors.lines[0].stroke_width(1)))
            .map_err(chart_error)?;
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::Health;

    fn points(n: i64) -> Vec<Point> {
        (0..n)
            .map(|i| Point {
                at: DateTime::from_timestamp(1_800_000_000 + i * 30, 0).unwrap(),
                overall: Health::Healthy,
                dependencies: Vec::new(),
                request_rate: Some(2.0 + (i % 5) as f64),
                error_ratio: Some(0.01 * (i % 3) as f64),
                p50: Some(0.02),
                p95: Some(0.2),
                p99: Some(0.5),
                endpoints: vec![("/a".into(), i as f64)],
            })
            .collect()
    }

    #[test]
    fn draws_each_chart_with_its_lines_and_labels() {
        let p = points(120);
        let (from, to) = (p[0].at, p[119].at);
        let svg = render_svg(Chart::Latency, &p, from, to, (800, 300), ChartTheme::Dark).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("width=\"800\""));
        assert!(svg.contains("latency (ms)") && svg.contains("\np95\n") && svg.contains("\np99\n"));
        // Per percentile, in the dark palette's colours: a line, a legend mark and a dot for each
        // of the 120 samples.
        for color in ["#A5B4FC", "#FDB022", "#FDA29B"] {
            assert_eq!(
                svg.matches(&format!("stroke=\"{color}\"")).count(),
                2 + 120,
                "{color}"
            );
        }
        // Dark palette: the background is the window's dark surface.
        assert!(svg.contains("#161A22"));
        let light = render_svg(
            Chart::RequestRate,
            &p,
            from,
            to,
            (1920, 1080),
            ChartTheme::Light,
        )
        .unwrap();
        assert!(light.contains("requests per second") && light.contains("#FFFFFF"));
    }

    #[test]
    fn sparklines_draw_one_endpoint_without_axes() {
        let p = points(30);
        let svg = sparkline_svg("/a", &p, p[0].at, p[29].at, ChartTheme::Light).unwrap();
        assert!(svg.contains("width=\"120\"") && svg.contains("stroke=\"#4338CA\""));
        assert!(!svg.contains("<text"), "no labels on a sparkline");
        let none = sparkline_svg("/missing", &p, p[0].at, p[29].at, ChartTheme::Light).unwrap();
        assert!(!none.contains("#4338CA"));
    }

    #[test]
    fn an_empty_history_draws_axes_only() {
        let now = Utc::now();
        let svg = render_svg(
            Chart::ErrorRatio,
            &[],
            now - chrono::Duration::hours(1),
            now,
            (400, 200),
            ChartTheme::Light,
        )
        .unwrap();
        assert!(svg.contains("5xx share"));
        // Only the legend mark carries the line colour: no line or dot was drawn.
        assert_eq!(svg.matches("stroke=\"#4338CA\"").count(), 1);
    }
}
