//! Whole-process measurements: the desktop app's start to its first paint and its memory once idle,
//! side by side with a blank Tauri page (side_by_side.rs), afctl's run time, the Agents section
//! with 10,000 agents on each side (agents.rs), the SQL console with a million-row result (sql.rs),
//! and the smoke suite against an API 50 ms away
//! beside the same requests made with curl (smoke.rs). Run with `scripts/bench.sh`
//! (needs the same display, D-Bus session and tauri-driver as the end-to-end tests); the figures
//! go in docs/benchmarks.md. Not criterion: each sample is a whole app launch, measured from outside.

mod agents;
mod side_by_side;
mod smoke;
mod sql;

use std::path::Path;
use std::time::Instant;

/// The app binary `cargo bench` built (benches get the same variable as integration tests).
fn app_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_agent-factory-console"))
}

const AFCTL_RUNS: usize = 50;

/// `AFC_BENCH_ONLY=startup`, `=agents`, `=sql` or `=smoke` runs that part alone (to measure it
/// again after a change without the rest); `=soak` runs the hour-long memory soak, which the full
/// run leaves out.
#[tokio::main]
async fn main() {
    match std::env::var("AFC_BENCH_ONLY").as_deref() {
        Ok("agents") => return agents::measure().await,
        Ok("smoke") => return smoke::measure(),
        Ok("sql") => return sql::measure().await,
        Ok("startup") => return side_by_side::measure(),
        Ok("soak") => return side_by_side::soak(),
        _ => {}
    }
    side_by_side::measure();
    let config = tempfile::tempdir().expect("a config folder");
    let mut afctl_ms = afctl_runs(config.path(), &["--json", "info"]);
    // Validation of an up-to-date local database, as a CI step runs it.
    let db = test_support::postgres::TestDb::create();
    let url = db.url();
    afctl_run(
        config.path(),
        &["migrate", "apply", "--yes", "--database-url", &url],
    );
    let mut validate_ms = afctl_runs(
        config.path(),
        &["--json", "migrate", "validate", "--database-url", &url],
    );
    println!("afctl runs: {AFCTL_RUNS}");
    report("afctl --json info, wall time (ms)", &mut afctl_ms);
    report(
        "afctl migrate validate (local, up to date), wall time (ms)",
        &mut validate_ms,
    );
    agents::measure().await;
    sql::measure().await;
    smoke::measure();
}

/// Wall times of `AFCTL_RUNS` whole afctl runs with `args`.
fn afctl_runs(config: &Path, args: &[&str]) -> Vec<f64> {
    (0..AFCTL_RUNS).map(|_| afctl_run(config, args)).collect()
}

/// The wall time (ms) of one whole run of the release afctl beside the app, which must succeed.
fn afctl_run(config: &Path, args: &[&str]) -> f64 {
    let afctl = app_binary().with_file_name("afctl");
    let start = Instant::now();
    let out = std::process::Command::new(&afctl)
        .args(args)
        .env("AFC_CONFIG_DIR", config)
        .output()
        .unwrap_or_else(|e| panic!("{} runs: {e}", afctl.display()));
    assert!(
        out.status.success(),
        "afctl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed().as_secs_f64() * 1000.0
}

fn report(what: &str, samples: &mut [f64]) {
    samples.sort_by(f64::total_cmp);
    let median = samples[samples.len() / 2];
    let (min, max) = (samples[0], samples[samples.len() - 1]);
    println!("{what}: median {median:.1}, min {min:.1}, max {max:.1}");
}

/// The running app's pid (one app at a time, as the harness guarantees).
fn app_pid() -> u32 {
    let name = std::path::Path::new(env!("CARGO_BIN_EXE_agent-factory-console"));
    let pids: Vec<u32> = processes()
        .filter(|(pid, _)| {
            std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == name)
        })
        .map(|(pid, _)| pid)
        .collect();
    assert_eq!(pids.len(), 1, "exactly one app running: {pids:?}");
    pids[0]
}

/// (pid, parent pid) of every process.
fn processes() -> impl Iterator<Item = (u32, u32)> {
    std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(|entry| {
            let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // The command name is in parentheses and may contain spaces: parse after the last ')'.
            let ppid = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some((pid, ppid))
        })
}

/// Proportional set size of `root` and all its descendants (the web and network processes):
/// shared libraries are split between the processes that map them, so the sum is not inflated
/// the way summed RSS would be.
fn process_tree_pss_kib(root: u32) -> u64 {
    let all: Vec<(u32, u32)> = processes().collect();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            all.iter()
                .filter(|(_, ppid)| *ppid == parent)
                .map(|(pid, _)| *pid),
        );
        i += 1;
    }
    tree.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|rollup| {
            let line = rollup.lines().find(|l| l.starts_with("Pss:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .sum()
}
