//! The console beside a blank Tauri v2 page (benches/blank-tauri), built with the same profile and
//! versions and launched the same way (directly, with fresh XDG folders, no WebDriver), in turns:
//! the time from the launch to the first frame of the real UI, as each app reports it from inside
//! (AFC_STARTUP_REPORT: the start of `main` and the first paint, wall-clock milliseconds), and the
//! memory (PSS) of the process and its WebKit processes once idle. `scripts/bench.sh` passes the
//! shipped binaries in AFC_BENCH_APP and AFC_BENCH_BLANK.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use test_support::e2e::{Profile, app_identifier};
use test_support::fixture_api::FixtureApi;

use super::{afctl_run, process_tree_pss_kib, report};

const LAUNCHES: usize = 10;
/// How long an app is left alone after its first paint before its memory is read: the first
/// section's queries and WebKit's start-up work are over by then.
const SETTLE: Duration = Duration::from_secs(8);

struct Sample {
    /// The launch (just before spawning) to the first paint of the real UI.
    to_paint_ms: f64,
    /// The start of `main` to the first paint: the launch minus loading the binary.
    main_to_paint_ms: f64,
    pss_mib: f64,
}

fn binary(var: &str, default: PathBuf) -> PathBuf {
    let path = std::env::var_os(var).map_or(default, PathBuf::from);
    assert!(path.is_file(), "{var}: {} is not built", path.display());
    path
}

pub fn measure() {
    let console = binary("AFC_BENCH_APP", super::app_binary().to_owned());
    let blank = binary(
        "AFC_BENCH_BLANK",
        super::app_binary().with_file_name("blank-tauri"),
    );
    let (mut console_samples, mut blank_samples) = (Vec::new(), Vec::new());
    // In turns, so a slow minute of the machine weighs on both alike.
    for _ in 0..LAUNCHES {
        console_samples.push(launch(&console));
        blank_samples.push(launch(&blank));
    }
    println!("side by side: {LAUNCHES} launches each, {SETTLE:?} to settle before memory");
    let console = summarise("console", console_samples);
    let blank = summarise("blank Tauri page", blank_samples);
    println!(
        "ratios (console / blank, medians): first paint {:.2}x, idle PSS {:.2}x",
        console.0 / blank.0,
        console.1 / blank.1
    );
}

/// Reports one app's samples; its medians of (time to first paint, idle PSS).
fn summarise(name: &str, samples: Vec<Sample>) -> (f64, f64) {
    let mut to_paint: Vec<f64> = samples.iter().map(|s| s.to_paint_ms).collect();
    let mut main_to_paint: Vec<f64> = samples.iter().map(|s| s.main_to_paint_ms).collect();
    let mut pss: Vec<f64> = samples.iter().map(|s| s.pss_mib).collect();
    report(
        &format!("{name}: launch to first paint (ms)"),
        &mut to_paint,
    );
    report(
        &format!("{name}: main() to first paint (ms)"),
        &mut main_to_paint,
    );
    report(&format!("{name}: idle PSS, app + WebKit (MiB)"), &mut pss);
    (to_paint[to_paint.len() / 2], pss[pss.len() / 2])
}

fn unix_ms(at: SystemTime) -> f64 {
    at.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
        * 1000.0
}

/// An app started with `profile`'s folders, once it has painted its first frame.
struct Started {
    child: Child,
    /// Wall-clock milliseconds: just before the spawn, the start of `main`, the first paint.
    launched: f64,
    main: f64,
    ready: f64,
}

impl Started {
    fn pss_mib(&self) -> f64 {
        process_tree_pss_kib(self.child.id()) as f64 / 1024.0
    }

    fn stop(mut self) {
        self.child.kill().expect("the app is stopped");
        self.child.wait().expect("the app exits");
    }
}

fn start(binary: &Path, profile: &Profile) -> Started {
    let report_file = profile.dir("startup.json");
    let launched = unix_ms(SystemTime::now());
    let mut child = Command::new(binary)
        .env("XDG_CONFIG_HOME", profile.dir("config"))
        .env("XDG_DATA_HOME", profile.dir("data"))
        .env("XDG_CACHE_HOME", profile.dir("cache"))
        .env("AFC_STARTUP_REPORT", &report_file)
        .env("NO_AT_BRIDGE", "1")
        .env_remove("AFC_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{} starts: {e}", binary.display()));
    let deadline = Instant::now() + Duration::from_secs(60);
    let reported = loop {
        if let Ok(text) = std::fs::read_to_string(&report_file)
            && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
        {
            break v;
        }
        assert!(
            child.try_wait().expect("the app's status").is_none(),
            "{} exited before painting",
            binary.display()
        );
        assert!(
            Instant::now() < deadline,
            "{} never reported its first paint",
            binary.display()
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    Started {
        child,
        launched,
        main: reported["mainUnixMs"].as_f64().expect("mainUnixMs"),
        ready: reported["readyUnixMs"].as_f64().expect("readyUnixMs"),
    }
}

fn launch(binary: &Path) -> Sample {
    let profile = Profile::new();
    let app = start(binary, &profile);
    std::thread::sleep(SETTLE);
    let sample = Sample {
        to_paint_ms: app.ready - app.launched,
        main_to_paint_ms: app.ready - app.main,
        pss_mib: app.pss_mib(),
    };
    app.stop();
    sample
}

/// The console left running with five environments watched every 10 s (each on its own fixture
/// API), its memory read every five minutes: `AFC_BENCH_ONLY=soak`, for AFC_SOAK_MINUTES
/// (60 unless set).
pub fn soak() {
    let minutes: u64 = std::env::var("AFC_SOAK_MINUTES")
        .ok()
        .and_then(|m| m.parse().ok())
        .unwrap_or(60);
    let console = binary("AFC_BENCH_APP", super::app_binary().to_owned());
    let profile = Profile::new();
    let apis: Vec<FixtureApi> = (0..5)
        .map(|_| FixtureApi::builder().rate_limit(6_000, 1_000_000).start())
        .collect();
    let config = profile.dir("config").join(app_identifier());
    for (i, api) in apis.iter().enumerate() {
        let name = format!("env{i}");
        afctl_run(
            &config,
            &[
                "env",
                "add",
                &name,
                "--kind",
                "dev",
                "--api-url",
                &api.url(),
            ],
        );
    }
    let settings_file = config.join("settings.json");
    let mut settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&settings_file).expect("settings"))
            .expect("settings JSON");
    settings["health"] = serde_json::json!({ "intervalSeconds": 10 });
    std::fs::write(&settings_file, settings.to_string()).expect("settings written");

    let app = start(&console, &profile);
    std::thread::sleep(SETTLE);
    let first = app.pss_mib();
    println!("soak: 5 environments every 10 s for {minutes} min; PSS at start {first:.1} MiB");
    let mut highest = first;
    for minute in (5..=minutes).step_by(5) {
        std::thread::sleep(Duration::from_secs(300));
        let now = app.pss_mib();
        highest = highest.max(now);
        let answered: u64 = apis.iter().map(FixtureApi::requests).sum();
        println!(
            "soak: {minute:>3} min  PSS {now:.1} MiB  ({:+.1})  requests answered {answered}",
            now - first
        );
    }
    let last = app.pss_mib();
    println!(
        "soak: growth after {minutes} min {:+.1} MiB (highest {:+.1} MiB)",
        last - first,
        highest - first
    );
    app.stop();
}
