//! Parser throughput on a 1 MiB exposition (target: at least 300 MB/s, the range of Prometheus's
//! own Go parser) and the report over two such scrapes.

use std::hint::black_box;

use afc_core::charts::{Chart, ChartTheme, render_svg};
use afc_core::health::Health;
use afc_core::health::monitor::Point;
use afc_core::metrics::{Scrape, parse, report};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// About 1 MiB shaped like the platform's /metrics: request counters and latency histograms for
/// many raw paths, plus process gauges.
fn exposition(scale: f64) -> String {
    let mut text = String::from(
        "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 1.222656e+08\nprocess_start_time_seconds 1.79566659046e+09\nprocess_cpu_seconds_total 1.93\n\
         # HELP http_requests_total Total HTTP requests\n# TYPE http_requests_total counter\n",
    );
    let mut i = 0;
    let mut hist = String::from(
        "# HELP http_request_duration_seconds HTTP request latency\n# TYPE http_request_duration_seconds histogram\n",
    );
    while text.len() + hist.len() < 1 << 20 {
        let path = format!("/api/v1/agents/agent-{i}/run");
        text.push_str(&format!(
            "http_requests_total{{endpoint=\"{path}\",method=\"POST\",status_code=\"200\"}} {}\n",
            10.0 * scale + f64::from(i)
        ));
        for (n, le) in [
            "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0",
            "+Inf",
        ]
        .iter()
        .enumerate()
        {
            hist.push_str(&format!(
                "http_request_duration_seconds_bucket{{endpoint=\"{path}\",le=\"{le}\",method=\"POST\"}} {}\n",
                (n as f64 + 1.0) * scale
            ));
        }
        i += 1;
    }
    text + &hist
}

fn benches(c: &mut Criterion) {
    let a = exposition(1.0);
    let b = exposition(2.0);
    let mut group = c.benchmark_group("metrics");
    group.throughput(Throughput::Bytes(a.len() as u64));
    group.bench_function("parse 1 MiB exposition", |bench| {
        bench.iter(|| parse(black_box(&a)).unwrap())
    });
    group.finish();
    c.bench_function("metrics: parse two 1 MiB scrapes and report", |bench| {
        bench.iter(|| {
            let first = Scrape {
                exposition: parse(&a).unwrap(),
                at: 0.0,
            };
            let second = Scrape {
                exposition: parse(&b).unwrap(),
                at: 15.0,
            };
            report(Some(&first), &second, 10, 50)
        })
    });
}

/// 10,000 polls (about 3.5 days at the default interval; far more than a chart ever shows).
fn chart_bench(c: &mut Criterion) {
    let start = chrono::Utc::now() - chrono::Duration::seconds(10_000 * 30);
    let points: Vec<Point> = (0..10_000)
        .map(|i| Point {
            at: start + chrono::Duration::seconds(i * 30),
            overall: Health::Healthy,
            dependencies: Vec::new(),
            request_rate: Some(5.0 + (i % 17) as f64),
            error_ratio: Some(0.001 * (i % 7) as f64),
            p50: Some(0.02),
            p95: Some(0.1 + 0.001 * (i % 50) as f64),
            p99: Some(0.4),
            endpoints: Vec::new(),
        })
        .collect();
    let (from, to) = (points[0].at, points[9_999].at);
    c.bench_function(
        "charts: latency chart of 10,000 points (3 lines, SVG 1920x1080)",
        |b| {
            b.iter(|| {
                render_svg(
                    Chart::Latency,
                    black_box(&points),
                    from,
                    to,
                    (1920, 1080),
                    ChartTheme::Light,
                )
                .unwrap()
            })
        },
    );
}

criterion_group!(metrics, benches, chart_bench);
criterion_main!(metrics);
