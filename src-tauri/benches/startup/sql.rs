//! The SQL console with a 1,000,000-row result: from the click on Run to the first rows painted
//! (measured in the page, across animation frames), then *Fetch more* until the window holds its
//! most (10,000 rows) while the grid is scrolled, and the window's memory before the query,
//! with the first page, and at the most it holds.

use test_support::e2e::{App, Profile};
use test_support::postgres::TestDb;

use super::{afctl_run, app_binary, app_pid, process_tree_pss_kib, report};

const RUNS: usize = 5;

/// Clicks Run and counts frames until the result's grid shows rows.
const RUN: &str = "
const done = arguments[arguments.length - 1];
const t0 = performance.now();
document.querySelector('button[data-action=run-statement]').click();
const tick = () => {
  if (document.querySelector('.db__result [role=row] .mono')) return done(performance.now() - t0);
  if (performance.now() - t0 > 25000) return done(null);
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);";

/// Fetches more until the window holds its most rows, scrolling the grid to its end each time;
/// the rows held.
const FETCH_ALL: &str = "
const done = arguments[arguments.length - 1];
const grid = () => document.querySelector('.db__result .data-table__body');
const step = () => {
  const more = document.querySelector('button[data-action=fetch-more]');
  if (!more || more.disabled) {
    return done(Number(document.querySelector('.db__result .data-table').getAttribute('aria-rowcount')) - 1);
  }
  const before = document.querySelector('.db__result .data-table').getAttribute('aria-rowcount');
  more.click();
  const wait = () => {
    if (document.querySelector('.db__result .data-table').getAttribute('aria-rowcount') !== before) {
      const g = grid();
      if (g) g.scrollTop = g.scrollHeight;
      return requestAnimationFrame(step);
    }
    requestAnimationFrame(wait);
  };
  requestAnimationFrame(wait);
};
step();";

pub async fn measure() {
    let db = TestDb::create();
    db.sql("CREATE TABLE big AS SELECT i AS id, md5(i::text) AS hash, now() AS at FROM generate_series(1, 1000000) i; ANALYZE big;");
    let url = db.url();
    let profile = Profile::new();
    let config = profile.config_dir();
    afctl_run(
        &config,
        &["env", "add", "bench", "--kind", "dev", "--db-url", &url],
    );
    afctl_run(&config, &["env", "use", "bench"]);
    let (mut first_ms, mut idle, mut first_page, mut held_most) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut held = 0.0;
    for _ in 0..RUNS {
        let app = App::launch(&profile, app_binary()).await;
        app.open("database").await;
        app.choose_tab("[data-tab=sql]").await;
        app.type_code(".cm-content", "SELECT * FROM big").await;
        idle.push(process_tree_pss_kib(app_pid()) as f64 / 1024.0);
        let ms = app.eval_async(RUN).await;
        first_ms.push(ms.as_f64().expect("the first rows were painted"));
        first_page.push(process_tree_pss_kib(app_pid()) as f64 / 1024.0);
        held = app
            .eval_async(FETCH_ALL)
            .await
            .as_f64()
            .expect("the rows held");
        held_most.push(process_tree_pss_kib(app_pid()) as f64 / 1024.0);
        app.quit().await;
    }
    println!(
        "sql console: SELECT * FROM big (1,000,000 rows); {RUNS} launches; {held} rows held at most"
    );
    report(
        "sql: click on Run to the first rows painted (ms)",
        &mut first_ms,
    );
    report("sql: memory (PSS) before the query (MiB)", &mut idle);
    report(
        "sql: memory (PSS) with the first 500 rows (MiB)",
        &mut first_page,
    );
    report(
        "sql: memory (PSS) holding its most rows, scrolled to the end (MiB)",
        &mut held_most,
    );
}
