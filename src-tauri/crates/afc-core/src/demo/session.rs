//! A demo in progress: which step, what the steps captured, each result and the run log. Saved
//! (atomically) after every step, so a crash or restart resumes at the same step; the report
//! after the demo is made from it.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::run::{Captured, StepResult, StepStatus};
use super::script::Script;
use crate::{AppError, Result};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DemoProgress {
    pub environment: String,
    /// The script as it was loaded (`quick`, or a file's path): a resume reads it again.
    pub script: String,
    pub run_id: String,
    /// RFC 3339.
    pub started_at: String,
    /// The step on screen (an index into the script's steps; the length when finished).
    pub current: usize,
    pub captured: Captured,
    /// The last result of each step performed, in the order performed.
    pub results: Vec<StepResult>,
    pub log: Vec<LogLine>,
    /// Presenter time so far (the timer), kept across a restart.
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    #[serde(default)]
    pub finished: bool,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LogLine {
    /// RFC 3339.
    pub at: String,
    #[ts(optional)]
    pub step_id: Option<String>,
    pub line: String,
}

impl DemoProgress {
    pub fn new(environment: &str, script: &str, run_id: String) -> Self {
        Self {
            environment: environment.to_owned(),
            script: script.to_owned(),
            run_id,
            started_at: chrono::Utc::now().to_rfc3339(),
            current: 0,
            captured: Captured::default(),
            results: Vec::new(),
            log: Vec::new(),
            elapsed_ms: 0,
            finished: false,
        }
    }

    pub fn note(&mut self, step_id: Option<&str>, line: impl Into<String>) {
        self.log.push(LogLine {
            at: chrono::Utc::now().to_rfc3339(),
            step_id: step_id.map(str::to_owned),
            line: line.into(),
        });
    }

    /// Keeps `result` as the step's latest and logs it.
    pub fn record(&mut self, result: StepResult) {
        let line = match &result.error {
            Some(e) => format!("{}: {} — {e}", status_word(result.status), result.check),
            None => format!("{}: {}", status_word(result.status), result.check),
        };
        self.note(
            Some(&result.step_id),
            format!(
                "{line} ({} ms, {} request(s))",
                result.duration_ms, result.requests
            ),
        );
        self.results.retain(|r| r.step_id != result.step_id);
        self.results.push(result);
    }

    pub fn result(&self, step_id: &str) -> Option<&StepResult> {
        self.results.iter().find(|r| r.step_id == step_id)
    }

    /// `<data>/demo/<env>.json`.
    pub fn file(data_dir: &Path, environment: &str) -> PathBuf {
        crate::jsonl::per_environment(&data_dir.join("demo"), environment).with_extension("json")
    }

    pub fn save(&self, data_dir: &Path) -> Result<()> {
        let path = Self::file(data_dir, &self.environment);
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| {
            AppError::internal("Could not encode the demo's progress").with_details(e.to_string())
        })?;
        crate::atomic::write(&path, &bytes)
    }

    /// The saved progress of `environment`'s demo, if one was saved; an unreadable file is
    /// reported, never silently replaced.
    pub fn load(data_dir: &Path, environment: &str) -> Result<Option<Self>> {
        let path = Self::file(data_dir, environment);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                AppError::invalid_input(format!(
                    "The saved demo progress in {} is not readable: {e}",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AppError::io("read", &path, &e)),
        }
    }

    pub fn forget(data_dir: &Path, environment: &str) -> Result<()> {
        let path = Self::file(data_dir, environment);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(AppError::io("remove", &path, &e))
            }
            _ => Ok(()),
        }
    }

    /// The report after the demo (or a rehearsal).
    pub fn report(&self, script: &Script) -> DemoReport {
        let steps: Vec<ReportStep> = script
            .steps
            .iter()
            .map(|s| {
                let r = self.result(&s.id);
                let retries = self
                    .log
                    .iter()
                    .filter(|l| l.step_id.as_deref() == Some(&s.id) && l.line.starts_with("retry"))
                    .count();
                ReportStep {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    status: r.map(|r| r.status),
                    check: r.map(|r| r.check.clone()),
                    error: r.and_then(|r| r.error.clone()),
                    recovery_used: r.is_some_and(|r| r.status != StepStatus::Passed) || retries > 0,
                    retries: u32::try_from(retries).unwrap_or(u32::MAX),
                    duration_ms: r.map_or(0, |r| r.duration_ms),
                    requests: r.map_or(0, |r| r.requests),
                    target_seconds: s.target_seconds,
                }
            })
            .collect();
        DemoReport {
            environment: self.environment.clone(),
            script: script.name.clone(),
            title: script.title.clone(),
            run_id: self.run_id.clone(),
            started_at: self.started_at.clone(),
            target_seconds: script.target_seconds(),
            elapsed_ms: self.elapsed_ms,
            requests: steps.iter().map(|s| s.requests).sum(),
            passed: steps
                .iter()
                .filter(|s| s.status == Some(StepStatus::Passed))
                .count() as u32,
            failed: steps
                .iter()
                .filter(|s| s.status == Some(StepStatus::Failed))
                .count() as u32,
            steps,
            log: self.log.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DemoReport {
    pub environment: String,
    pub script: String,
    pub title: String,
    pub run_id: String,
    pub started_at: String,
    pub target_seconds: u32,
    /// Presenter time (a rehearsal: the simulated time).
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    pub requests: u32,
    pub passed: u32,
    pub failed: u32,
    pub steps: Vec<ReportStep>,
    pub log: Vec<LogLine>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportStep {
    pub id: String,
    pub title: String,
    /// Absent for a step never reached.
    #[ts(optional)]
    pub status: Option<StepStatus>,
    #[ts(optional)]
    pub check: Option<String>,
    #[ts(optional)]
    pub error: Option<String>,
    pub recovery_used: bool,
    pub retries: u32,
    #[ts(type = "number")]
    pub duration_ms: u64,
    pub requests: u32,
    pub target_seconds: u32,
}

/// A step's status as a word (`passed`, `error path`).
pub fn status_word(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Passed => "passed",
        StepStatus::Failed => "failed",
        StepStatus::ErrorPath => "error path",
        StepStatus::Skipped => "skipped",
    }
}

impl DemoReport {
    pub fn ok(&self) -> bool {
        self.failed == 0 && self.steps.iter().all(|s| s.status.is_some())
    }

    pub fn to_markdown(&self) -> String {
        let mut s = format!(
            "# Demo report: {}\n\n{} on **{}**, run {} started {}.\n\n",
            self.title, self.script, self.environment, self.run_id, self.started_at
        );
        let _ = writeln!(
            s,
            "{} passed, {} failed of {} steps · {} API requests · {} of {} target\n",
            self.passed,
            self.failed,
            self.steps.len(),
            self.requests,
            clock(self.elapsed_ms / 1000),
            clock(u64::from(self.target_seconds))
        );
        s.push_str("| step | result | check | action time | target | requests | recovery |\n|---|---|---|---|---|---|---|\n");
        for step in &self.steps {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} ms | {} s | {} | {} |",
                cell(&step.title),
                step.status.map_or("not reached", status_word),
                cell(
                    step.error
                        .as_deref()
                        .or(step.check.as_deref())
                        .unwrap_or("")
                ),
                step.duration_ms,
                step.target_seconds,
                step.requests,
                if step.recovery_used {
                    format!("yes ({} retries)", step.retries)
                } else {
                    "no".to_owned()
                }
            );
        }
        s.push_str("\n## Run log\n\n");
        for l in &self.log {
            let _ = writeln!(
                s,
                "- {} {}{}",
                l.at,
                l.step_id
                    .as_deref()
                    .map(|i| format!("[{i}] "))
                    .unwrap_or_default(),
                l.line
            );
        }
        s
    }
}

impl DemoReport {
    /// JUnit XML (Jenkins' schema, as the smoke report): one test case per step; a step that
    /// showed its error path passes, one never reached is skipped.
    pub fn junit(&self) -> String {
        let esc = crate::smoke::xml_escape;
        let count = |s: StepStatus| self.steps.iter().filter(|x| x.status == Some(s)).count();
        let skipped = self
            .steps
            .iter()
            .filter(|x| matches!(x.status, None | Some(StepStatus::Skipped)))
            .count();
        let seconds = |ms: u64| format!("{:.3}", ms as f64 / 1000.0);
        let time: u64 = self.steps.iter().map(|s| s.duration_ms).sum();
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let name = esc(&format!(
            "Agent Factory demo rehearsal: {} on {}",
            self.script, self.environment
        ));
        let _ = writeln!(
            x,
            "<testsuites name=\"{name}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{}\">",
            self.steps.len(),
            count(StepStatus::Failed),
            seconds(time)
        );
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{skipped}\" time=\"{}\" timestamp=\"{}\" hostname=\"{}\" id=\"0\" package=\"demo\">",
            esc(&self.script),
            self.steps.len(),
            count(StepStatus::Failed),
            seconds(time),
            esc(self.started_at.get(..19).unwrap_or(&self.started_at)),
            esc(&self.environment)
        );
        let _ = writeln!(
            x,
            "    <properties><property name=\"requests\" value=\"{}\"/><property name=\"simulated-seconds\" value=\"{}\"/></properties>",
            self.requests,
            self.elapsed_ms / 1000
        );
        for step in &self.steps {
            let _ = write!(
                x,
                "    <testcase name=\"{}\" classname=\"demo.{}\" time=\"{}\"",
                esc(&step.id),
                esc(&self.script),
                seconds(step.duration_ms)
            );
            match step.status {
                Some(StepStatus::Failed) => {
                    let why = esc(step.error.as_deref().unwrap_or("failed"));
                    let _ = writeln!(
                        x,
                        ">\n      <failure message=\"{why}\" type=\"check\">{}</failure>\n    </testcase>",
                        esc(&step.title)
                    );
                }
                None | Some(StepStatus::Skipped) => {
                    let _ = writeln!(
                        x,
                        ">\n      <skipped>not performed</skipped>\n    </testcase>"
                    );
                }
                Some(_) => x.push_str("/>\n"),
            }
        }
        x.push_str("    <system-out/>\n    <system-err/>\n  </testsuite>\n</testsuites>\n");
        x
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// `m:ss`.
pub fn clock(seconds: u64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}
