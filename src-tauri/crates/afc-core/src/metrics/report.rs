//! What an operator reads from `/metrics`: traffic, error ratio, latency percentiles, the busiest
//! endpoints, and the API process's memory and CPU, from one scrape (totals since the process
//! started) or two (rates and percentiles over the window between them).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use ts_rs::TS;

use super::endpoints::{cap, group};
use super::parse::{Exposition, Sample};
use super::quantile::{histogram_quantile, increase};

/// One parsed scrape and when it was taken (seconds since the Unix epoch).
pub struct Scrape<'a> {
    pub exposition: Exposition<'a>,
    pub at: f64,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(optional_fields)]
pub struct Percentiles {
    /// Seconds.
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct EndpointStats {
    /// The route (ids grouped), or `other`.
    pub endpoint: String,
    pub requests: f64,
    pub rate: Option<f64>,
    /// Responses with a 5xx status.
    pub errors: f64,
    pub error_ratio: Option<f64>,
    pub latency: Percentiles,
}

/// The endpoints the console itself polls (as do load balancers): they are counted apart, so
/// the error ratio measures the platform's traffic, not the console's polling of a broken
/// health check (observed: 62 of 62 counted 5xx were the console's own probes).
pub const PROBE_ENDPOINTS: [&str; 4] = ["/live", "/ready", "/health", "/metrics"];

/// Traffic to [`PROBE_ENDPOINTS`].
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct ProbeTraffic {
    pub requests: f64,
    pub errors: f64,
    pub error_ratio: Option<f64>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct ProcessStats {
    pub resident_memory_bytes: Option<f64>,
    /// CPU seconds used since the process started.
    pub cpu_seconds: Option<f64>,
    /// CPU cores in use over the window (1.0 = one full core).
    pub cpu_cores: Option<f64>,
    pub started_at: Option<f64>,
    /// The process restarted between the two scrapes (counters began again).
    pub restarted: bool,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct MetricsReport {
    /// Seconds between the two scrapes; absent for a single scrape (figures are then totals since
    /// the process started).
    pub window_seconds: Option<f64>,
    /// Every request, probes included.
    pub requests: f64,
    pub request_rate: Option<f64>,
    /// 5xx responses and their share, the probe endpoints left out.
    pub errors: f64,
    pub error_ratio: Option<f64>,
    /// The probe endpoints' own figures.
    pub probes: ProbeTraffic,
    pub latency: Percentiles,
    /// Busiest first.
    pub endpoints: Vec<EndpointStats>,
    pub process: ProcessStats,
    /// Samples in the (latest) scrape.
    pub samples: u32,
    pub notes: Vec<String>,
}

/// How to rank endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointOrder {
    /// Most requests first.
    Traffic,
    /// Highest p95 latency first.
    Latency,
    /// Most 5xx responses first.
    Errors,
}

impl MetricsReport {
    /// The first `n` endpoints by `order` (ties by traffic).
    pub fn top(&self, order: EndpointOrder, n: usize) -> Vec<&EndpointStats> {
        let mut list: Vec<&EndpointStats> = self.endpoints.iter().collect();
        let key = |e: &EndpointStats| match order {
            EndpointOrder::Traffic => e.requests,
            EndpointOrder::Latency => e.latency.p95.unwrap_or(f64::NEG_INFINITY),
            EndpointOrder::Errors => e.errors,
        };
        list.sort_by(|a, b| {
            key(b)
                .total_cmp(&key(a))
                .then(b.requests.total_cmp(&a.requests))
        });
        list.truncate(n);
        list
    }
}

/// A series' identity: its name and labels, in a stable order.
fn key(s: &Sample<'_>) -> String {
    let mut labels: Vec<String> = s.labels.iter().map(|(n, v)| format!("{n}={v}")).collect();
    labels.sort();
    format!("{}{{{}}}", s.name, labels.join(","))
}

/// Each current sample named `name` with how much it grew since the previous scrape (or its
/// value, without one or after a restart).
fn growth<'c, 'a>(
    previous: Option<&HashMap<String, f64>>,
    current: &'c Exposition<'a>,
    name: &str,
) -> Vec<(&'c Sample<'a>, f64)> {
    current
        .families
        .iter()
        .flat_map(|f| f.samples.iter())
        .filter(|s| s.name == name && s.value.is_finite())
        .map(|s| {
            let grown = match previous.and_then(|p| p.get(&key(s))) {
                Some(before) => increase(*before, s.value),
                None => s.value,
            };
            (s, grown)
        })
        .collect()
}

#[derive(Default)]
struct Traffic {
    requests: f64,
    errors: f64,
    /// Upper bound (as text, so it can key a map) → cumulative count.
    buckets: BTreeMap<String, f64>,
}

impl Traffic {
    fn merge(&mut self, other: Traffic) {
        self.requests += other.requests;
        self.errors += other.errors;
        for (le, c) in other.buckets {
            *self.buckets.entry(le).or_default() += c;
        }
    }

    fn latency(&self) -> Percentiles {
        let buckets: Vec<(f64, f64)> = self
            .buckets
            .iter()
            .filter_map(|(le, c)| {
                le.parse::<f64>()
                    .ok()
                    .or((le == "+Inf").then_some(f64::INFINITY))
                    .map(|b| (b, *c))
            })
            .collect();
        let q = |q| Some(histogram_quantile(q, &buckets)).filter(|v| v.is_finite());
        Percentiles {
            p50: q(0.5),
            p95: q(0.95),
            p99: q(0.99),
        }
    }
}

fn ratio(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| part / whole)
}

/// The report for `current`, over the window since `previous` when given. At most `top`
/// endpoints are listed; beyond `max_groups` route groups the quietest fold into "other".
pub fn report(
    previous: Option<&Scrape<'_>>,
    current: &Scrape<'_>,
    top: usize,
    max_groups: usize,
) -> MetricsReport {
    let started = |e: &Exposition<'_>| e.scalar("process_start_time_seconds");
    let restarted =
        previous.is_some_and(|p| started(&p.exposition) != started(&current.exposition));
    let before: Option<HashMap<String, f64>> = previous.filter(|_| !restarted).map(|p| {
        p.exposition
            .families
            .iter()
            .flat_map(|f| f.samples.iter())
            .map(|s| (key(s), s.value))
            .collect()
    });
    let window = previous.map(|p| current.at - p.at).filter(|w| *w > 0.0);
    let mut groups: HashMap<String, Traffic> = HashMap::new();
    for (s, grown) in growth(before.as_ref(), &current.exposition, "http_requests_total") {
        let g = groups
            .entry(group(s.label("endpoint").unwrap_or("?")))
            .or_default();
        g.requests += grown;
        if s.label("status_code").is_some_and(|c| c.starts_with('5')) {
            g.errors += grown;
        }
    }
    for (s, grown) in growth(
        before.as_ref(),
        &current.exposition,
        "http_request_duration_seconds_bucket",
    ) {
        let g = groups
            .entry(group(s.label("endpoint").unwrap_or("?")))
            .or_default();
        *g.buckets
            .entry(s.label("le").unwrap_or("").to_owned())
            .or_default() += grown;
    }
    let probes = groups
        .iter()
        .filter(|(name, _)| PROBE_ENDPOINTS.contains(&name.as_str()))
        .fold(ProbeTraffic::default(), |p, (_, t)| ProbeTraffic {
            requests: p.requests + t.requests,
            errors: p.errors + t.errors,
            error_ratio: None,
        });
    let mut total = Traffic::default();
    let grouped = cap(
        groups.into_iter().collect(),
        max_groups,
        |t| t.requests,
        Traffic::merge,
    );
    let mut endpoints: Vec<EndpointStats> = grouped
        .into_iter()
        .map(|(endpoint, t)| {
            let stats = EndpointStats {
                endpoint,
                requests: t.requests,
                rate: window.map(|w| t.requests / w),
                errors: t.errors,
                error_ratio: ratio(t.errors, t.requests),
                latency: t.latency(),
            };
            total.merge(t);
            stats
        })
        .collect();
    endpoints.sort_by(|a, b| {
        b.requests
            .total_cmp(&a.requests)
            .then_with(|| a.endpoint.cmp(&b.endpoint))
    });
    endpoints.truncate(top);
    let cpu = current.exposition.scalar("process_cpu_seconds_total");
    let cpu_before = previous
        .filter(|_| !restarted)
        .and_then(|p| p.exposition.scalar("process_cpu_seconds_total"));
    let mut notes = vec![
        "The API does not count requests that ended in an unhandled 500 (rate-limited ones included): the error ratio can only be lower than what clients saw.".to_owned(),
        format!(
            "The error ratio leaves out the probe endpoints ({}), which the console's own polling feeds; their figures are shown apart.",
            PROBE_ENDPOINTS.join(", ")
        ),
    ];
    if restarted {
        notes.push(
            "The API process restarted between the scrapes: figures count from the restart."
                .to_owned(),
        );
    }
    if window.is_none() {
        notes.push(
            "One scrape: totals since the API process started; rates need a second scrape."
                .to_owned(),
        );
    }
    MetricsReport {
        window_seconds: window,
        requests: total.requests,
        request_rate: window.map(|w| total.requests / w),
        errors: total.errors - probes.errors,
        error_ratio: ratio(
            total.errors - probes.errors,
            total.requests - probes.requests,
        ),
        probes: ProbeTraffic {
            error_ratio: ratio(probes.errors, probes.requests),
            ..probes
        },
        latency: total.latency(),
        endpoints,
        process: ProcessStats {
            resident_memory_bytes: current.exposition.scalar("process_resident_memory_bytes"),
            cpu_seconds: cpu,
            cpu_cores: match (cpu_before, cpu, window) {
                (Some(b), Some(c), Some(w)) => Some(increase(b, c) / w),
                _ => None,
            },
            started_at: started(&current.exposition),
            restarted,
        },
        samples: u32::try_from(current.exposition.sample_count()).unwrap_or(u32::MAX),
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::parse::parse;

    const RECORDED: &str = include_str!("../../../../../tests/fixtures/platform-api/metrics.txt");

    fn exposition(start: f64, cpu: f64, ok: f64, errors: f64, fast: f64, slow: f64) -> String {
        format!(
            "process_start_time_seconds {start}\nprocess_cpu_seconds_total {cpu}\nprocess_resident_memory_bytes 1e8\n\
             # TYPE http_requests_total counter\n\
             http_requests_total{{endpoint=\"/api/v1/agents/a1\",method=\"GET\",status_code=\"200\"}} {ok}\n\
             http_requests_total{{endpoint=\"/api/v1/agents/a2\",method=\"GET\",status_code=\"503\"}} {errors}\n\
             # TYPE http_request_duration_seconds histogram\n\
             http_request_duration_seconds_bucket{{endpoint=\"/api/v1/agents/a1\",le=\"0.1\",method=\"GET\"}} {fast}\n\
             http_request_duration_seconds_bucket{{endpoint=\"/api/v1/agents/a1\",le=\"1.0\",method=\"GET\"}} {all}\n\
             http_request_duration_seconds_bucket{{endpoint=\"/api/v1/agents/a1\",le=\"+Inf\",method=\"GET\"}} {all}\n",
            all = fast + slow
        )
    }

    #[test]
    fn one_scrape_gives_totals_since_start() {
        let r = report(
            None,
            &Scrape {
                exposition: parse(RECORDED).unwrap(),
                at: 0.0,
            },
            5,
            50,
        );
        assert!(r.requests > 0.0 && r.request_rate.is_none());
        assert!(r.latency.p50.is_some());
        assert_eq!(r.process.resident_memory_bytes, Some(1.222656e8));
        // The raw ids fold into the route.
        assert!(
            r.endpoints
                .iter()
                .any(|e| e.endpoint == "/api/v1/agents/{agent_id}")
        );
        assert!(r.endpoints.len() <= 5);
    }

    /// The report over two scrapes `seconds` apart (top 10 endpoints).
    fn between(earlier: &str, later: &str, seconds: f64) -> MetricsReport {
        let scrape = |text, at| Scrape {
            exposition: parse(text).unwrap(),
            at,
        };
        report(Some(&scrape(earlier, 0.0)), &scrape(later, seconds), 10, 50)
    }

    #[test]
    fn two_scrapes_give_rates_error_ratio_and_window_percentiles() {
        let r = between(
            &exposition(1000.0, 10.0, 100.0, 0.0, 100.0, 0.0),
            &exposition(1000.0, 13.0, 160.0, 20.0, 100.0, 80.0),
            20.0,
        );
        // 60 ok + 20 errors in 20 s.
        assert_eq!(r.requests, 80.0);
        assert_eq!(r.request_rate, Some(4.0));
        assert_eq!(r.error_ratio, Some(0.25));
        // All 80 new observations are in (0.1, 1]: p50 = 0.1 + 0.9 * 40/80.
        assert!((r.latency.p50.unwrap() - 0.55).abs() < 1e-9);
        assert_eq!(r.process.cpu_cores, Some(0.15));
        assert_eq!(r.endpoints[0].endpoint, "/api/v1/agents/{agent_id}");
    }

    #[test]
    fn endpoints_rank_by_traffic_latency_or_errors() {
        let text = "# TYPE http_requests_total counter\n\
            http_requests_total{endpoint=\"/busy\",status_code=\"200\"} 100\n\
            http_requests_total{endpoint=\"/flaky\",status_code=\"500\"} 7\n\
            http_requests_total{endpoint=\"/slow\",status_code=\"200\"} 3\n\
            # TYPE http_request_duration_seconds histogram\n\
            http_request_duration_seconds_bucket{endpoint=\"/busy\",le=\"0.1\"} 100\n\
            http_request_duration_seconds_bucket{endpoint=\"/busy\",le=\"+Inf\"} 100\n\
            http_request_duration_seconds_bucket{endpoint=\"/slow\",le=\"0.1\"} 0\n\
            http_request_duration_seconds_bucket{endpoint=\"/slow\",le=\"+Inf\"} 3\n";
        let r = report(
            None,
            &Scrape {
                exposition: parse(text).unwrap(),
                at: 0.0,
            },
            50,
            50,
        );
        let names = |order| {
            r.top(order, 1)
                .iter()
                .map(|e| e.endpoint.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(EndpointOrder::Traffic), ["/busy"]);
        assert_eq!(names(EndpointOrder::Latency), ["/slow"]);
        assert_eq!(names(EndpointOrder::Errors), ["/flaky"]);
    }

    /// The console's own polling of a broken /health must not read as the platform failing.
    #[test]
    fn the_error_ratio_leaves_out_the_probe_endpoints() {
        let text = "# TYPE http_requests_total counter\n\
            http_requests_total{endpoint=\"/health\",status_code=\"503\"} 62\n\
            http_requests_total{endpoint=\"/ready\",status_code=\"503\"} 30\n\
            http_requests_total{endpoint=\"/live\",status_code=\"200\"} 8\n\
            http_requests_total{endpoint=\"/api/v1/agents/\",status_code=\"200\"} 99\n\
            http_requests_total{endpoint=\"/api/v1/agents/x/run\",status_code=\"500\"} 1\n";
        let r = report(
            None,
            &Scrape {
                exposition: parse(text).unwrap(),
                at: 0.0,
            },
            10,
            50,
        );
        assert_eq!(r.requests, 200.0);
        assert_eq!((r.errors, r.error_ratio), (1.0, Some(0.01)));
        assert_eq!((r.probes.requests, r.probes.errors), (100.0, 92.0));
        assert_eq!(r.probes.error_ratio, Some(0.92));
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("leaves out the probe endpoints"))
        );
    }

    #[test]
    fn a_restart_between_scrapes_counts_from_the_restart() {
        let r = between(
            &exposition(1000.0, 50.0, 500.0, 5.0, 500.0, 0.0),
            &exposition(2000.0, 1.0, 30.0, 0.0, 30.0, 0.0),
            10.0,
        );
        assert!(r.process.restarted);
        assert_eq!(r.requests, 30.0);
        assert_eq!(r.request_rate, Some(3.0));
        assert!(r.notes.iter().any(|n| n.contains("restarted")));
    }
}
