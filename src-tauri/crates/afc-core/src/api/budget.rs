//! The API's rate limit as the console sees it: one budget per API (the platform limits per
//! client address, so every environment and every caller on this machine draws on the same
//! 60 a minute), fed by the `X-RateLimit-*` headers of each response that gets through.
//!
//! The platform's limiter answers a **bare 500** (no headers at all), byte for byte the same as
//! any other unhandled error, so a 500 is judged from what came before it: the remaining count
//! of the last responses, counted down by the requests sent since, or a 500 on `/live`, which
//! has no other way to fail. A judged limit pauses every caller until the window has passed.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::{AppError, ErrorCode, Result};

/// The platform's window: requests age out of the per-minute count after this.
pub const WINDOW: Duration = Duration::from_secs(60);
/// How long after a reading another one may be an older count arriving late.
const REORDER: Duration = Duration::from_secs(1);

/// A 500 counts as the limiter's when the estimate says at most this many were left.
const NEARLY_EXHAUSTED: u32 = 1;

/// What the budget knows now, for display ("52 of 60 left this minute") and for callers
/// deciding whether to start work.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct BudgetView {
    pub limit_minute: Option<u32>,
    /// The last count the API gave, less the requests sent since (None before any response).
    pub remaining_minute: Option<u32>,
    pub remaining_hour: Option<u32>,
    /// Set while calls are held back because the limit was (probably) reached.
    #[ts(optional, type = "string")]
    pub paused_until: Option<DateTime<Utc>>,
    pub summary: String,
}

#[derive(Debug, Default)]
struct State {
    limit_minute: Option<u32>,
    /// The last `X-RateLimit-Remaining-Minute` and when it was seen.
    remaining_minute: Option<(u32, Instant)>,
    remaining_hour: Option<u32>,
    /// Requests sent since the last count was seen.
    sent_since: u32,
    /// The counts seen in the last `REORDER`, for answers arriving out of order.
    recent: std::collections::VecDeque<(u32, Instant)>,
    paused_until: Option<(Instant, DateTime<Utc>)>,
    /// Why the pause began: the evidence quoted to the operator.
    evidence: Option<String>,
}

impl State {
    /// The last count less what was sent since; a count older than the window says nothing.
    fn estimate(&self, now: Instant) -> Option<u32> {
        let (remaining, seen) = self.remaining_minute?;
        if now.duration_since(seen) >= WINDOW {
            return self.limit_minute;
        }
        Some(remaining.saturating_sub(self.sent_since))
    }

    fn paused(&mut self, now: Instant) -> Option<DateTime<Utc>> {
        match self.paused_until {
            Some((until, at)) if until > now => Some(at),
            Some(_) => {
                self.paused_until = None;
                self.evidence = None;
                None
            }
            None => None,
        }
    }
}

#[derive(Debug, Default)]
pub struct RateBudget {
    state: Mutex<State>,
}

/// The rate-limit headers of one response.
#[derive(Debug, Clone, Copy, Default)]
pub struct RateHeaders {
    pub limit_minute: Option<u32>,
    pub remaining_minute: Option<u32>,
    pub remaining_hour: Option<u32>,
}

impl RateHeaders {
    pub fn read(headers: &reqwest::header::HeaderMap) -> Self {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u32>().ok())
        };
        Self {
            limit_minute: number("x-ratelimit-limit-minute"),
            remaining_minute: number("x-ratelimit-remaining-minute"),
            remaining_hour: number("x-ratelimit-remaining-hour"),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.remaining_minute.is_none() && self.remaining_hour.is_none()
    }
}

impl RateBudget {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Counters only: a panic elsewhere cannot leave them meaningless.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Called before each request: refuses while the limit is (probably) reached, without
    /// sending anything, and counts the request otherwise.
    pub fn before_send(&self, what: &str) -> Result<()> {
        let now = Instant::now();
        let mut s = self.lock();
        if let Some(until) = s.paused(now) {
            return Err(paused_error(what, until, s.evidence.as_deref()));
        }
        s.sent_since = s.sent_since.saturating_add(1);
        Ok(())
    }

    /// A response that got through: its headers reset the estimate.
    pub fn observe(&self, headers: RateHeaders) {
        if headers.is_empty() {
            return;
        }
        let mut s = self.lock();
        if let Some(limit) = headers.limit_minute {
            s.limit_minute = Some(limit);
        }
        if let Some(remaining) = headers.remaining_minute {
            let now = Instant::now();
            // Answers to concurrent requests arrive in any order: a higher count seen within a
            // moment of a lower one is an older count arriving late, not room regained. Only
            // the last moment's counts are compared, so room that is regained shows soon after.
            s.recent.retain(|(_, at)| now.duration_since(*at) < REORDER);
            s.recent.push_back((remaining, now));
            let fresh = s.recent.iter().map(|(r, _)| *r).min().unwrap_or(remaining);
            s.remaining_minute = Some((fresh, now));
            s.sent_since = 0;
        }
        if headers.remaining_hour.is_some() {
            s.remaining_hour = headers.remaining_hour;
        }
    }

    /// Judges a 500 that carried no rate-limit headers. Returns the evidence when it was
    /// probably the limiter (and pauses every caller until the window has passed).
    pub fn judge_500(&self, path: &str) -> Option<String> {
        let now = Instant::now();
        let mut s = self.lock();
        // This request was counted in `sent_since`; the estimate before it is one more.
        let before = s.estimate(now).map(|e| e.saturating_add(1));
        let evidence = match (path == "/live", s.remaining_minute, before) {
            (true, _, _) => Some(
                "/live answered 500, and it has no other way to fail than the rate limiter"
                    .to_owned(),
            ),
            (false, Some((last, _)), Some(left)) if left <= NEARLY_EXHAUSTED => Some(format!(
                "the last response said {last} left this minute, and {} request(s) were sent since",
                s.sent_since.saturating_sub(1)
            )),
            _ => None,
        }?;
        let wall = Utc::now()
            + chrono::Duration::from_std(WINDOW).unwrap_or(chrono::Duration::seconds(60));
        s.paused_until = Some((now + WINDOW, wall));
        s.evidence = Some(evidence.clone());
        Some(evidence)
    }

    /// Whether `n` more requests fit in this minute's budget (an unknown budget fits).
    pub fn check_room(&self, what: &str, n: u32) -> Result<()> {
        let now = Instant::now();
        let mut s = self.lock();
        if let Some(until) = s.paused(now) {
            return Err(paused_error(what, until, s.evidence.as_deref()));
        }
        match s.estimate(now) {
            Some(left) if left < n => Err(AppError::new(
                ErrorCode::RateLimited,
                format!(
                    "{what} needs {n} request(s), but only {left} are left of the API's rate limit this minute"
                ),
            )
            .with_details(
                "The platform limits requests per client address (60 a minute); wait a minute and try again."
                    .to_owned(),
            )),
            _ => Ok(()),
        }
    }

    /// How long until `n` more requests fit (None: they fit now, or the budget is not known).
    /// A count that said too few left is trusted until the window has passed since it was seen:
    /// by then every request it counted has aged out of the platform's sliding window.
    pub fn room_in(&self, n: u32) -> Option<Duration> {
        let now = Instant::now();
        let mut s = self.lock();
        if s.paused(now).is_some() {
            return s.paused_until.map(|(until, _)| until - now);
        }
        let left = s.estimate(now)?;
        if left >= n {
            return None;
        }
        let (_, seen) = s.remaining_minute?;
        Some(
            (seen + WINDOW)
                .saturating_duration_since(now)
                .max(Duration::from_millis(100)),
        )
    }

    pub fn view(&self) -> BudgetView {
        let now = Instant::now();
        let mut s = self.lock();
        let paused_until = s.paused(now);
        let remaining_minute = s.estimate(now);
        let summary = match (paused_until, remaining_minute, s.limit_minute) {
            (Some(until), _, _) => format!(
                "rate-limited (probably) until {}",
                until.format("%H:%M:%S UTC")
            ),
            (None, Some(left), Some(limit)) => format!("{left} of {limit} left this minute"),
            (None, Some(left), None) => format!("{left} left this minute"),
            (None, None, _) => "not known yet".to_owned(),
        };
        BudgetView {
            limit_minute: s.limit_minute,
            remaining_minute,
            remaining_hour: s.remaining_hour,
            paused_until,
            summary,
        }
    }

    /// When calls may resume, if they are paused.
    pub fn paused_until(&self) -> Option<Instant> {
        let now = Instant::now();
        let mut s = self.lock();
        s.paused(now)?;
        s.paused_until.map(|(until, _)| until)
    }
}

fn paused_error(what: &str, until: DateTime<Utc>, evidence: Option<&str>) -> AppError {
    AppError::new(
        ErrorCode::RateLimited,
        format!(
            "{what} was not sent: the API is rate-limited (probably) until {}",
            until.format("%H:%M:%S UTC")
        ),
    )
    .with_details(format!(
        "{}. The platform answers a request over its limit (60 a minute per client address) with a bare 500; the console waits for the window to pass.",
        evidence.unwrap_or("an earlier 500 looked like the rate limiter")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(limit: u32, remaining: u32) -> RateHeaders {
        RateHeaders {
            limit_minute: Some(limit),
            remaining_minute: Some(remaining),
            remaining_hour: Some(900),
        }
    }

    #[test]
    fn counts_down_from_the_last_response() {
        let b = RateBudget::default();
        assert_eq!(b.view().summary, "not known yet");
        b.before_send("x").unwrap();
        b.observe(headers(60, 52));
        assert_eq!(b.view().summary, "52 of 60 left this minute");
        b.before_send("x").unwrap();
        b.before_send("x").unwrap();
        assert_eq!(b.view().remaining_minute, Some(50));
        assert!(b.check_room("a smoke run", 50).is_ok());
        let e = b.check_room("a smoke run", 51).unwrap_err();
        assert_eq!(e.code, ErrorCode::RateLimited);
        assert!(e.message.contains("only 50 are left"), "{e:?}");
    }

    #[test]
    fn answers_to_concurrent_requests_arriving_out_of_order_keep_the_lowest_count() {
        let b = RateBudget::default();
        for _ in 0..3 {
            b.before_send("x").unwrap();
        }
        // Counted by the server as 52, 51, 50; answered in the order 51, 50, 52.
        for left in [51, 50, 52] {
            b.observe(headers(60, left));
        }
        assert_eq!(b.view().remaining_minute, Some(50));
    }

    #[test]
    fn room_is_promised_when_the_window_of_the_last_count_has_passed() {
        let b = RateBudget::default();
        assert_eq!(
            b.room_in(5),
            None,
            "an unknown budget does not hold work back"
        );
        b.before_send("x").unwrap();
        b.observe(headers(60, 3));
        assert_eq!(b.room_in(3), None);
        let wait = b.room_in(4).expect("only 3 left");
        assert!(
            wait > WINDOW - Duration::from_secs(5) && wait <= WINDOW,
            "{wait:?}"
        );
    }

    #[test]
    fn a_500_after_a_low_count_is_the_limiter_and_pauses_callers() {
        let b = RateBudget::default();
        b.before_send("x").unwrap();
        b.observe(headers(60, 1));
        b.before_send("x").unwrap();
        b.before_send("x").unwrap();
        let evidence = b.judge_500("/health").expect("judged rate-limited");
        assert!(evidence.contains("said 1 left"), "{evidence}");
        let e = b.before_send("/metrics").unwrap_err();
        assert_eq!(e.code, ErrorCode::RateLimited);
        assert!(e.details.unwrap().contains("said 1 left"));
        assert!(
            b.view()
                .summary
                .starts_with("rate-limited (probably) until")
        );
        assert!(b.paused_until().is_some());
    }

    #[test]
    fn a_500_with_room_left_is_not_the_limiter_but_one_on_live_is() {
        let b = RateBudget::default();
        b.before_send("x").unwrap();
        b.observe(headers(60, 40));
        b.before_send("x").unwrap();
        assert_eq!(b.judge_500("/health"), None);
        assert!(b.before_send("x").is_ok());
        // Nothing seen yet: only /live tells.
        let fresh = RateBudget::default();
        fresh.before_send("x").unwrap();
        assert_eq!(fresh.judge_500("/api/v1/agents/"), None);
        assert!(fresh.judge_500("/live").unwrap().contains("/live"));
    }
}
