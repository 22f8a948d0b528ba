//! The smoke suite as a deploy pipeline runs it, against the fixture API 50 ms away: the
//! built-in checks by afctl (concurrent) beside the same requests made one after another with
//! curl, as the platform's own script makes them; and a suite of 200 flow files, its run time and
//! afctl's peak memory.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use test_support::fixture_api::FixtureApi;

use super::{afctl_run, app_binary, report};

const RUNS: usize = 10;
const LATENCY: Duration = Duration::from_millis(50);

/// The built-in suite's API requests (path, with an Origin), as curl sends them.
const REQUESTS: [(&str, bool); 10] = [
    ("/live", false),
    ("/health", false),
    ("/ready", false),
    ("/", false),
    ("/docs", false),
    ("/redoc", false),
    ("/openapi.json", false),
    ("/api/v1/agents/", false),
    ("/metrics", false),
    ("/live", true),
];

pub fn measure() {
    let api = FixtureApi::builder()
        .rate_limit(1_000_000, 1_000_000)
        .latency(LATENCY)
        .start();
    let url = api.url();
    let config = tempfile::tempdir().expect("a config folder");
    let builtin = [
        "--json",
        "smoke",
        "run",
        "--api-url",
        &url,
        "--skip",
        "flow:*",
    ];
    let mut afctl_ms: Vec<f64> = (0..RUNS)
        .map(|_| afctl_run(config.path(), &builtin))
        .collect();
    let mut curl_ms: Vec<f64> = (0..RUNS).map(|_| curl_sequence(&url)).collect();

    let flows = tempfile::tempdir().expect("a flows folder");
    for i in 0..200 {
        std::fs::write(
            flows.path().join(format!("f{i:03}.yaml")),
            format!("version: 1\nname: Flow {i}\nsteps:\n  - name: live\n    path: /live\n    expect:\n      json:\n        - pointer: /status\n          equals: alive\n"),
        )
        .expect("a flow file");
    }
    let (mut flows_ms, mut flows_mib) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let (ms, mib) = afctl_with_peak_memory(config.path(), &url, flows.path());
        flows_ms.push(ms);
        flows_mib.push(mib);
    }
    println!(
        "smoke checks: fixture API {} ms away, {RUNS} runs each",
        LATENCY.as_millis()
    );
    report(
        "smoke: afctl, built-in suite (12 checks, 10 requests, 8 at once), wall time (ms)",
        &mut afctl_ms,
    );
    report(
        "smoke: curl, the same 10 requests one after another, wall time (ms)",
        &mut curl_ms,
    );
    report(
        "smoke: afctl, 200 flow files (8 at once), wall time (ms)",
        &mut flows_ms,
    );
    report(
        "smoke: afctl, 200 flow files, peak memory (MiB)",
        &mut flows_mib,
    );
}

/// The wall time of the requests made one after another, each by its own curl process.
fn curl_sequence(url: &str) -> f64 {
    let start = Instant::now();
    for (path, origin) in REQUESTS {
        let mut curl = Command::new("curl");
        curl.args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--max-time",
            "10",
        ]);
        if origin {
            curl.args(["-H", "Origin: https://smoke-check.agent-factory.invalid"]);
        }
        let out = curl
            .arg(format!("{url}{path}"))
            .output()
            .expect("curl runs");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "200", "curl {path}");
    }
    start.elapsed().as_secs_f64() * 1000.0
}

/// A run of the 200 flows under GNU time: wall time (ms) and afctl's peak resident memory (MiB).
fn afctl_with_peak_memory(config: &Path, url: &str, flows: &Path) -> (f64, f64) {
    let afctl = app_binary().with_file_name("afctl");
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "peak-rss-kib %M"])
        .arg(&afctl)
        .args([
            "--json",
            "smoke",
            "run",
            "--api-url",
            url,
            "--only",
            "flow:f*",
            "--concurrency",
            "8",
            "--suite",
        ])
        .arg(flows)
        .env("AFC_CONFIG_DIR", config)
        .output()
        .expect("/usr/bin/time runs afctl");
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kib: f64 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss-kib "))
        .and_then(|v| v.trim().parse().ok())
        .expect("GNU time's peak RSS");
    (ms, kib / 1024.0)
}
