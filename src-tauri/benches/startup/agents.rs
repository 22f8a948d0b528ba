//! The Agents section with 10,000 agents on each side (the fixture API's list and a 10,000-row
//! table, half the ids shared): from the click to the first rows painted, the table scrolled
//! through frame by frame, and the window's memory once they are loaded. Measured in the page,
//! across animation frames, so WebDriver's round trips are not counted.

use test_support::e2e::{App, Profile};
use test_support::fixture_api::FixtureApi;
use test_support::postgres::TestDb;

use super::{afctl_run, app_binary, app_pid, process_tree_pss_kib, report};

const N: usize = 10_000;
const RUNS: usize = 5;
const SCROLL_FRAMES: u32 = 300;

/// Idle; a mouse wheel's pace (120 px a frame); a scrollbar dragged hard (2,000 px a frame,
/// about 60 rows: every frame renders a new screenful).
const SPEEDS: [(&str, &str); 3] = [
    ("idle", "0"),
    ("scrolling 120 px a frame", "120"),
    ("scrolling 2,000 px a frame", "2000"),
];

/// Clicks the section and counts animation frames until its table has rows: the time to them,
/// and how many rows the table holds.
const OPEN: &str = "
const done = arguments[arguments.length - 1];
const t0 = performance.now();
document.querySelector('.sidebar button[data-section=agents]').click();
const tick = () => {
  const table = document.querySelector('section[data-section=agents] .data-table');
  if (table && table.querySelector('[role=row][data-source]')) {
    return done({ ms: performance.now() - t0, rows: Number(table.getAttribute('aria-rowcount')) - 1 });
  }
  if (performance.now() - t0 > 25000) return done(null);
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);";

/// Scrolls the table STEP pixels a frame (down, then back up), recording each frame's interval;
/// a frame longer than 1.5 intervals of 60 Hz counts as dropped. STEP 0 measures the idle
/// frame rate (the display's own cadence under Xvfb).
const SCROLL: &str = "
const done = arguments[arguments.length - 1];
const body = document.querySelector('section[data-section=agents] .data-table__body');
const frames = [];
let last = performance.now();
let n = 0;
const step = (now) => {
  frames.push(now - last);
  last = now;
  const down = n < FRAMES / 2;
  body.scrollTop += (down ? 1 : -1) * STEP;
  n += 1;
  if (n < FRAMES) return requestAnimationFrame(step);
  frames.sort((a, b) => a - b);
  done({
    median: frames[Math.floor(frames.length / 2)],
    p95: frames[Math.floor(frames.length * 0.95)],
    dropped: frames.filter((f) => f > 25).length,
    rowsInDom: document.querySelectorAll('section[data-section=agents] .data-table__body [role=row]').length,
  });
};
requestAnimationFrame((now) => { last = now; requestAnimationFrame(step); });";

pub async fn measure() {
    let api = FixtureApi::builder()
        .rate_limit(1_000_000, 1_000_000)
        .start();
    let db = TestDb::create();
    let url = db.url();
    let profile = Profile::new();
    let config = profile.config_dir();
    afctl_run(
        &config,
        &["migrate", "apply", "--yes", "--database-url", &url],
    );
    test_support::scale::seed_agents(&api, &db, N);
    let api_url = api.url();
    afctl_run(
        &config,
        &[
            "env",
            "add",
            "bench",
            "--kind",
            "dev",
            "--api-url",
            &api_url,
            "--db-url",
            &url,
        ],
    );
    afctl_run(&config, &["env", "use", "bench"]);

    let (mut first_ms, mut pss) = (Vec::new(), Vec::new());
    let (mut median_frame, mut p95_frame, mut dropped) = (
        vec![Vec::new(); SPEEDS.len()],
        vec![Vec::new(); SPEEDS.len()],
        vec![Vec::new(); SPEEDS.len()],
    );
    let mut rows = 0.0;
    let mut in_dom = 0.0;
    for _ in 0..RUNS {
        let app = App::launch(&profile, app_binary()).await;
        let opened = app.eval_async(OPEN).await;
        first_ms.push(number(&opened, "ms"));
        rows = number(&opened, "rows");
        for (i, (_, px)) in SPEEDS.iter().enumerate() {
            let script = SCROLL
                .replace("FRAMES", &SCROLL_FRAMES.to_string())
                .replace("STEP", px);
            let scrolled = app.eval_async(&script).await;
            median_frame[i].push(number(&scrolled, "median"));
            p95_frame[i].push(number(&scrolled, "p95"));
            dropped[i].push(number(&scrolled, "dropped"));
            in_dom = number(&scrolled, "rowsInDom");
        }
        pss.push(process_tree_pss_kib(app_pid()) as f64 / 1024.0);
        app.quit().await;
    }
    println!(
        "agents section: {rows} rows ({N} API agents, {N} table rows, half shared); {RUNS} launches; \
         {in_dom} rows in the page after scrolling (virtualised)"
    );
    report(
        "agents: click to the first rows painted, list + table read and joined (ms)",
        &mut first_ms,
    );
    for (i, (speed, _)) in SPEEDS.iter().enumerate() {
        report(
            &format!("agents: {speed}: frame interval, median (ms)"),
            &mut median_frame[i],
        );
        report(
            &format!("agents: {speed}: frame interval, p95 (ms)"),
            &mut p95_frame[i],
        );
        report(
            &format!("agents: {speed}: frames over 25 ms of {SCROLL_FRAMES}"),
            &mut dropped[i],
        );
    }
    report(
        "agents: memory (PSS) with them loaded, app + WebKit (MiB)",
        &mut pss,
    );
}

fn number(result: &serde_json::Value, key: &str) -> f64 {
    result[key]
        .as_f64()
        .unwrap_or_else(|| panic!("the page measured {key}: {result}"))
}
