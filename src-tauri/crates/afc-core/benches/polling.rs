//! CPU used by watching ten environments, each polled every second (30 times the default rate):
//! API probes and /metrics from a local fixture API (running in this process, so its own CPU is
//! included), the console's own PostgreSQL and Redis checks, parsing, reports and history.
//! Prints the share of one core used over 20 seconds.

use std::time::{Duration, Instant};

use afc_core::Console;
use afc_core::environments::connection::{parse_database_url, parse_redis_url};
use afc_core::environments::{ConnectionSecrets, EnvKind, Environment};
use afc_core::health::monitor::PollPolicy;
use afc_core::health::watch::{WatchState, poll};
use afc_core::paths::AppPaths;
use test_support::fixture_api::FixtureApi;

fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(usage.ru_utime) + t(usage.ru_stime)
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let console = Console::load(AppPaths::under(dir.path()), "bench").unwrap();
    let api = FixtureApi::start();
    let names: Vec<String> = (0..10).map(|i| format!("env{i}")).collect();
    for name in &names {
        let mut env = Environment::new(name, EnvKind::Dev);
        env.api_url = Some(api.url());
        env.database = Some(
            parse_database_url("postgresql://postgres@127.0.0.1:5432/test?sslmode=disable")
                .unwrap()
                .0,
        );
        env.redis = Some(parse_redis_url("redis://127.0.0.1:6379/0").unwrap().0);
        runtime
            .block_on(console.create_environment(env, ConnectionSecrets::default()))
            .unwrap();
    }
    let policy = PollPolicy {
        base: Duration::from_secs(1),
        ..PollPolicy::default()
    };
    let mut watches: Vec<WatchState> = names.iter().map(|_| WatchState::default()).collect();
    let seconds = 20;
    let (wall, cpu) = (Instant::now(), cpu_seconds());
    for tick in 0..seconds {
        let polls = runtime.block_on(async { futures_join(&console, &names).await });
        for (w, p) in watches.iter_mut().zip(polls) {
            w.record(p, &policy);
        }
        let next = Duration::from_secs(tick + 1);
        if let Some(rest) = next.checked_sub(wall.elapsed()) {
            std::thread::sleep(rest);
        }
    }
    let used = cpu_seconds() - cpu;
    let elapsed = wall.elapsed().as_secs_f64();
    println!(
        "polling 10 environments every second for {elapsed:.0} s: {used:.2} CPU s, {:.1}% of one core ({} requests served by the fixture API)",
        100.0 * used / elapsed,
        api.requests()
    );
}

/// The ten polls of one tick, concurrently.
async fn futures_join(console: &Console, names: &[String]) -> Vec<afc_core::health::watch::Poll> {
    futures_util::future::join_all(names.iter().map(|n| poll(console, n)))
        .await
        .into_iter()
        .map(|p| p.expect("a poll"))
        .collect()
}
