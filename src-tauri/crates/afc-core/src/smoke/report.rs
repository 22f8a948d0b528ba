//! A run written for others: JUnit XML for CI systems (one test suite per suite of checks, valid
//! against Jenkins' JUnit schema, which GitLab, GitHub and Azure also read: a skip's reason is the
//! text of `<skipped>`, which takes no attributes there) and Markdown for a deploy ticket.

use std::fmt::Write;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{CheckStatus, SmokeDiff, SmokeReport, SmokeRun};
use crate::{AppError, Result};

/// What a run is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Json,
    Junit,
    Markdown,
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Junit => "xml",
            Self::Markdown => "md",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Json => "JSON",
            Self::Junit => "JUnit XML",
            Self::Markdown => "Markdown",
        }
    }
}

/// The report in `format` (JSON: the run and its comparison).
pub fn render(report: &SmokeReport, format: ReportFormat) -> Result<String> {
    Ok(match format {
        ReportFormat::Json => {
            let mut text = serde_json::to_string_pretty(report).map_err(|e| {
                AppError::internal("Could not format the run").with_details(e.to_string())
            })?;
            text.push('\n');
            text
        }
        ReportFormat::Junit => junit(&report.run),
        ReportFormat::Markdown => markdown(&report.run, &report.diff),
    })
}

/// The run as JUnit XML.
pub fn junit(run: &SmokeRun) -> String {
    let mut suites: Vec<&str> = Vec::new();
    for c in &run.checks {
        if !suites.contains(&c.suite.as_str()) {
            suites.push(&c.suite);
        }
    }
    let seconds = |ms: Option<f64>| format!("{:.3}", ms.unwrap_or(0.0) / 1000.0);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{}\">",
        esc(&format!("Agent Factory smoke checks: {}", run.environment)),
        run.checks.len(),
        run.count(CheckStatus::Fail),
        seconds(Some(run.duration_ms)),
    );
    for (i, suite) in suites.iter().enumerate() {
        let checks: Vec<_> = run.checks.iter().filter(|c| c.suite == *suite).collect();
        let count = |s| checks.iter().filter(|c| c.status == s).count();
        let time: f64 = checks.iter().filter_map(|c| c.latency_ms).sum();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\" timestamp=\"{}\" hostname=\"{}\" id=\"{i}\" package=\"smoke\">",
            esc(suite),
            checks.len(),
            count(CheckStatus::Fail),
            count(CheckStatus::Skip),
            seconds(Some(time)),
            run.started_at.format("%Y-%m-%dT%H:%M:%S"),
            esc(run.api_url.as_deref().unwrap_or("localhost")),
        );
        let _ = writeln!(
            x,
            "    <properties><property name=\"environment\" value=\"{}\"/></properties>",
            esc(&run.environment)
        );
        for c in checks {
            let _ = write!(
                x,
                "    <testcase name=\"{}\" classname=\"smoke.{}\" time=\"{}\"",
                esc(&c.id),
                esc(suite),
                seconds(c.latency_ms)
            );
            let reason = esc(c.reason.as_deref().unwrap_or_default());
            let details = esc(&format!(
                "{}\nHTTP status: {}\nrequest id: {}\ncritical: {}",
                c.name,
                c.http_status.map_or("-".to_owned(), |s| s.to_string()),
                c.request_id.as_deref().unwrap_or("-"),
                c.critical
            ));
            match c.status {
                CheckStatus::Pass => x.push_str("/>\n"),
                CheckStatus::Skip => {
                    let _ = writeln!(x, ">\n      <skipped>{reason}</skipped>\n    </testcase>");
                }
                CheckStatus::Fail => {
                    let kind = if c.critical { "critical" } else { "warning" };
                    let _ = writeln!(
                        x,
                        ">\n      <failure message=\"{reason}\" type=\"{kind}\">{details}</failure>\n    </testcase>"
                    );
                }
            }
        }
        x.push_str("    <system-out/>\n    <system-err/>\n  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

/// XML text or attribute value. Written here rather than with an XML crate because XML 1.0
/// also forbids most control characters, which escaping libraries pass through; they are
/// dropped (a reason quoting a binary body could otherwise make the report unreadable).
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The run as Markdown: the outcome, what changed since the last runs, and a table of checks.
pub fn markdown(run: &SmokeRun, diff: &SmokeDiff) -> String {
    let mut m = String::new();
    let _ = writeln!(
        m,
        "## Smoke checks: {} — {}\n",
        run.environment,
        outcome_word(run)
    );
    let _ = writeln!(
        m,
        "{} · {} checks: {} passed, {} failed, {} skipped · {} API requests · {:.1} s\n",
        run.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        run.checks.len(),
        run.count(CheckStatus::Pass),
        run.count(CheckStatus::Fail),
        run.count(CheckStatus::Skip),
        run.requests,
        run.duration_ms / 1000.0
    );
    for (label, ids) in [
        ("Newly failing", &diff.newly_failing),
        ("Still failing", &diff.still_failing),
        ("Fixed", &diff.fixed),
    ] {
        if !ids.is_empty() {
            let _ = writeln!(m, "- **{label}**: {}", ids.join(", "));
        }
    }
    for s in &diff.slower {
        let _ = writeln!(
            m,
            "- **Slower**: {} ({:.0} ms, was {:.0} ms)",
            s.id, s.now_ms, s.baseline_ms
        );
    }
    m.push_str("\n| | check | critical | HTTP | ms | request id | reason |\n|---|---|---|---|---|---|---|\n");
    for c in &run.checks {
        let mark = match c.status {
            CheckStatus::Pass => "✅",
            CheckStatus::Fail => "❌",
            CheckStatus::Skip => "⏭️",
        };
        let _ = writeln!(
            m,
            "| {mark} | {} | {} | {} | {} | {} | {} |",
            cell(&c.id),
            if c.critical { "yes" } else { "no" },
            c.http_status.map_or(String::new(), |s| s.to_string()),
            c.latency_ms.map_or(String::new(), |l| format!("{l:.0}")),
            cell(c.request_id.as_deref().unwrap_or_default()),
            cell(c.reason.as_deref().unwrap_or_default())
        );
    }
    m
}

fn outcome_word(run: &SmokeRun) -> &'static str {
    match run.outcome {
        super::RunOutcome::Passed => "passed",
        super::RunOutcome::Warned => "passed with warnings",
        super::RunOutcome::Failed => "FAILED",
        super::RunOutcome::Incomplete => "incomplete",
    }
}

/// A table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_control_characters_dropped() {
        assert_eq!(esc("a<b>&\"c'\u{1}\n"), "a&lt;b&gt;&amp;&quot;c&apos;&#10;");
    }
}
