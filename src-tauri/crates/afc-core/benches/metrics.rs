//! Parser throughput on a 1 MiB exposition (target: at least 300 MB/s, the range of Prometheus's
//! own Go parser) and the report over two such scrapes.

use std::hint::black_box;

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

criterion_group!(metrics, benches);
criterion_main!(metrics);
