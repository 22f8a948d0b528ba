//! Percentiles and rates as Prometheus computes them, so the console's figures match what an
//! operator would get from PromQL on the same data.

/// `histogram_quantile(q, …)`: `buckets` are (upper bound, cumulative count), in any order, and
/// must include `+Inf`. Linear interpolation inside the bucket holding the rank; the first
/// bucket starts at 0 (when its bound is positive); a rank in the `+Inf` bucket answers the
/// highest finite bound. NaN when there are no observations or no `+Inf` bucket.
pub fn histogram_quantile(q: f64, buckets: &[(f64, f64)]) -> f64 {
    if q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    let mut b: Vec<(f64, f64)> = buckets.to_vec();
    b.sort_by(|x, y| x.0.total_cmp(&y.0));
    // Counts must not decrease (Prometheus repairs small inconsistencies the same way).
    for i in 1..b.len() {
        if b[i].1 < b[i - 1].1 {
            b[i].1 = b[i - 1].1;
        }
    }
    let Some(&(last_bound, total)) = b.last() else {
        return f64::NAN;
    };
    if last_bound != f64::INFINITY || b.len() < 2 || total == 0.0 || total.is_nan() {
        return f64::NAN;
    }
    let rank = q * total;
    let i = b
        .iter()
        .position(|(_, c)| *c >= rank)
        .unwrap_or(b.len() - 1);
    if i == b.len() - 1 {
        return b[b.len() - 2].0;
    }
    let (upper, count) = b[i];
    if i == 0 && upper <= 0.0 {
        return upper;
    }
    let (lower, below) = if i == 0 { (0.0, 0.0) } else { b[i - 1] };
    let in_bucket = count - below;
    if in_bucket == 0.0 {
        return upper;
    }
    lower + (upper - lower) * ((rank - below) / in_bucket)
}

/// How much a counter grew between two scrapes. A lower value means the process restarted and
/// the counter began again from zero: the growth is then the new value (as Prometheus's
/// `increase` treats a reset).
pub fn increase(previous: f64, current: f64) -> f64 {
    if current >= previous {
        current - previous
    } else {
        current
    }
}

/// Per-second rate of a counter over `seconds`.
pub fn rate(previous: f64, current: f64, seconds: f64) -> Option<f64> {
    (seconds > 0.0).then(|| increase(previous, current) / seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INF: f64 = f64::INFINITY;

    #[test]
    fn quantiles_match_hand_computed_values() {
        // 10 observations ≤ 0.1, 20 more ≤ 0.5, 10 more ≤ 1, none above.
        let b = [(0.1, 10.0), (0.5, 30.0), (1.0, 40.0), (INF, 40.0)];
        // p50: rank 20, in (0.1, 0.5] with 20 there, 10 below: 0.1 + 0.4 * 10/20 = 0.3.
        assert!((histogram_quantile(0.5, &b) - 0.3).abs() < 1e-12);
        // p95: rank 38, in (0.5, 1] with 10 there, 30 below: 0.5 + 0.5 * 8/10 = 0.9.
        assert!((histogram_quantile(0.95, &b) - 0.9).abs() < 1e-12);
        // p10: rank 4, first bucket from 0: 0.1 * 4/10 = 0.04.
        assert!((histogram_quantile(0.1, &b) - 0.04).abs() < 1e-12);
        // Observations above the last finite bound answer that bound.
        let tail = [(0.1, 1.0), (1.0, 2.0), (INF, 10.0)];
        assert_eq!(histogram_quantile(0.99, &tail), 1.0);
        // Order does not matter.
        let shuffled = [(INF, 40.0), (0.5, 30.0), (0.1, 10.0), (1.0, 40.0)];
        assert!((histogram_quantile(0.5, &shuffled) - 0.3).abs() < 1e-12);
    }

    #[test]
    fn quantile_edge_cases() {
        assert!(histogram_quantile(0.5, &[(0.1, 0.0), (INF, 0.0)]).is_nan());
        assert!(histogram_quantile(0.5, &[(0.1, 3.0), (1.0, 4.0)]).is_nan());
        assert!(histogram_quantile(0.5, &[]).is_nan());
        assert_eq!(
            histogram_quantile(-1.0, &[(0.1, 1.0), (INF, 1.0)]),
            f64::NEG_INFINITY
        );
        assert_eq!(histogram_quantile(2.0, &[(0.1, 1.0), (INF, 1.0)]), INF);
        // A negative first bound is returned as is.
        assert_eq!(histogram_quantile(0.5, &[(-1.0, 2.0), (INF, 2.0)]), -1.0);
    }

    #[test]
    fn rates_handle_counter_resets() {
        assert_eq!(rate(100.0, 160.0, 30.0), Some(2.0));
        // Restarted: the counter fell from 100 to 12, so 12 happened since the restart.
        assert_eq!(increase(100.0, 12.0), 12.0);
        assert_eq!(rate(100.0, 12.0, 6.0), Some(2.0));
        assert_eq!(rate(1.0, 2.0, 0.0), None);
    }
}
