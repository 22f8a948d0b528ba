//! Demo scripts: the walkthrough as data (format version 1, described in
//! docs/demo-script-format.md with a JSON Schema in docs/demo-script.schema.json). A script is
//! steps, each with what to say, one action from a fixed set the console performs, what the
//! audience should see, a check that proves it worked, a recovery tip and a target duration; it
//! may run another script's steps first (`after`). A file is checked whole when it is read, and a
//! broken one is reported with its path, line and what is wrong, never run.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::smoke::flow::{line_of, yaml_error};
use crate::{AppError, ErrorCode, Result};

/// The scripts the console ships: the platform's quick and extended demos.
const SHIPPED: [(&str, &str); 2] = [
    ("quick.yaml", include_str!("../../demo/quick.yaml")),
    ("extended.yaml", include_str!("../../demo/extended.yaml")),
];

/// More steps than a presenter can give in an afternoon is a mistake in the file.
pub const MAX_STEPS: usize = 200;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ScriptFile {
    pub version: u32,
    pub name: String,
    pub title: String,
    /// The whole demo's target, in minutes (the timer's goal).
    pub target_minutes: u32,
    /// Another script (a shipped name or a file beside this one) whose steps come first.
    #[serde(default)]
    #[ts(optional)]
    pub after: Option<String>,
    pub steps: Vec<Step>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Unique in the script: progress is saved by it.
    pub id: String,
    pub title: String,
    /// Speaker notes (Markdown), for the presenter only.
    pub say: String,
    /// `action: show_health`, or `action: {create_agent: {…}}` (a map, not a YAML tag).
    #[serde(with = "yaml_serde::with::singleton_map")]
    #[ts(as = "Action")]
    pub action: Action,
    /// What the audience should see.
    pub audience: String,
    /// What proves it worked (defaults to the action's own check).
    #[serde(default)]
    #[ts(optional)]
    pub check: Option<Check>,
    /// What to do when the check fails.
    pub recovery: String,
    /// Seconds the step should take, talking included.
    pub target_seconds: u32,
}

/// What the console does for a step. `{run}` in a text is replaced by the run's short id, so
/// one rehearsal's agent does not overwrite another's.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The API's health, each dependency with its latency.
    ShowHealth,
    /// Opens a URL in the system browser: a path on the API (`/docs`) or an http(s) URL.
    OpenUrl { url: String },
    /// `POST /api/v1/agents/` and show it in the list.
    CreateAgent {
        id: String,
        name: String,
        instructions: String,
        #[serde(default)]
        #[ts(optional)]
        model: Option<String>,
    },
    /// `POST /api/v1/agents/{id}/run` on the agent the script created (or `agent`).
    RunAgent {
        input: String,
        #[serde(default)]
        #[ts(optional)]
        agent: Option<String>,
    },
    /// Request rate, latency percentiles and error ratio since the demo started.
    ShowMetricsDelta,
    /// `POST /api/v1/auth/signup`, then the tenant and user rows it created.
    SignUp { email: String },
    /// `POST /api/v1/workflows/` with the created agent in two steps (needs a sign-up's token).
    CreateWorkflow { id: String, name: String },
    /// `GET /api/v1/blueprints/` and the seeded demo blueprint's row.
    ListBlueprints,
    /// Executions, the business metrics summary and the request totals.
    ShowObservability,
    /// Deletes what the demo created on stage (the agent, the workflow).
    CleanUp,
    /// A read-only query's result (at most 50 rows shown).
    Sql { query: String },
    /// A slide of Markdown.
    Slide { markdown: String },
}

/// A check from the fixed set; each fits some actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// `/health` said healthy.
    Healthy,
    /// `/health` answered (healthy or degraded with its reasons).
    HealthAnswers,
    /// The URL answered 200.
    UrlAnswers,
    /// The created agent is in the API's list.
    AgentListed,
    /// The run completed (a run without an LLM key is the error path).
    RunCompleted,
    /// `http_requests_total` grew since the demo started.
    RequestsCounted,
    /// The signed-up user's tenant and user rows are in the database.
    RowsCreated,
    /// The workflow's status answers.
    WorkflowStatus,
    /// The demo blueprint's row is in the database and the marketplace answers.
    BlueprintRow,
    /// The metrics summary answers.
    SummaryAnswers,
    /// What the demo created is gone.
    CleanedUp,
    /// The query returned at least one row.
    RowsReturned,
    /// Nothing to prove (a slide).
    None,
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Self::ShowHealth => "show_health",
            Self::OpenUrl { .. } => "open_url",
            Self::CreateAgent { .. } => "create_agent",
            Self::RunAgent { .. } => "run_agent",
            Self::ShowMetricsDelta => "show_metrics_delta",
            Self::SignUp { .. } => "sign_up",
            Self::CreateWorkflow { .. } => "create_workflow",
            Self::ListBlueprints => "list_blueprints",
            Self::ShowObservability => "show_observability",
            Self::CleanUp => "clean_up",
            Self::Sql { .. } => "sql",
            Self::Slide { .. } => "slide",
        }
    }

    /// The checks that can prove this action worked; the first is its default.
    pub fn checks(&self) -> &'static [Check] {
        use Check::*;
        match self {
            Self::ShowHealth => &[HealthAnswers, Healthy, None],
            Self::OpenUrl { .. } => &[UrlAnswers, None],
            Self::CreateAgent { .. } => &[AgentListed, None],
            Self::RunAgent { .. } => &[RunCompleted, None],
            Self::ShowMetricsDelta => &[RequestsCounted, None],
            Self::SignUp { .. } => &[RowsCreated, None],
            Self::CreateWorkflow { .. } => &[WorkflowStatus, None],
            Self::ListBlueprints => &[BlueprintRow, None],
            Self::ShowObservability => &[SummaryAnswers, None],
            Self::CleanUp => &[CleanedUp, None],
            Self::Sql { .. } => &[RowsReturned, None],
            Self::Slide { .. } => &[None],
        }
    }

    /// API requests the action and its check make when all goes well (the checklist compares
    /// the script's sum with the rate limit left).
    pub fn requests(&self) -> u32 {
        match self {
            // /live, /health, /ready
            Self::ShowHealth => 3,
            Self::OpenUrl { url } if url.starts_with('/') => 1,
            Self::OpenUrl { .. } | Self::Sql { .. } | Self::Slide { .. } => 0,
            // POST, then the list (an agent) or the status (a workflow)
            Self::CreateAgent { .. } | Self::CreateWorkflow { .. } => 2,
            // the rows it shows are the database's
            Self::SignUp { .. } | Self::RunAgent { .. } | Self::ShowMetricsDelta => 1,
            Self::ListBlueprints => 1,
            // the summary and the executions
            Self::ShowObservability => 2,
            // DELETE agent + GET agent, DELETE workflow + GET workflow
            Self::CleanUp => 4,
        }
    }
}

impl Step {
    pub fn check(&self) -> Check {
        self.check.unwrap_or(self.action.checks()[0])
    }
}

/// A script ready to run: its steps with the ones of the scripts it comes after first.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Script {
    pub name: String,
    pub title: String,
    pub target_minutes: u32,
    /// Where it was read from (a file), or `shipped:NAME`.
    pub origin: String,
    pub steps: Vec<Step>,
}

impl Script {
    /// API requests the whole script makes when all goes well (with `/metrics` read when the
    /// demo starts, for the metrics step to compare with).
    pub fn requests(&self) -> u32 {
        let baseline = u32::from(self.shows_metrics());
        self.steps.iter().map(|s| s.action.requests()).sum::<u32>() + baseline
    }

    /// A step shows the metrics since the demo began: `/metrics` is read when it starts.
    pub fn shows_metrics(&self) -> bool {
        self.steps
            .iter()
            .any(|s| s.action == Action::ShowMetricsDelta)
    }

    pub fn runs_an_agent(&self) -> bool {
        self.steps
            .iter()
            .any(|s| matches!(s.action, Action::RunAgent { .. }))
    }

    pub fn target_seconds(&self) -> u32 {
        self.target_minutes * 60
    }
}

/// The shipped scripts' names (`quick`, `extended`).
pub fn shipped_names() -> Vec<&'static str> {
    SHIPPED
        .iter()
        .map(|(file, _)| file.trim_end_matches(".yaml"))
        .collect()
}

/// A shipped script by name (`quick`), or a script file (a path).
pub fn load(name_or_path: &str) -> Result<Script> {
    let mut seen = Vec::new();
    resolve(name_or_path, None, &mut seen)
}

/// The text of a shipped script (by name) or a script file, for an operator's own copy.
pub fn text(name_or_path: &str) -> Result<String> {
    Ok(source(name_or_path, None)?.1)
}

/// Whether `name` is one of the shipped scripts (what the window may choose by name; files come
/// from a native dialog).
pub fn is_shipped(name: &str) -> bool {
    shipped_names().contains(&name)
}

/// A script's text, read from a file or shipped: (origin, text, folder for its `after`).
fn source(name: &str, beside: Option<&Path>) -> Result<(String, String, Option<PathBuf>)> {
    let file = name.trim_end_matches(".yaml");
    if let Some((_, text)) = SHIPPED
        .iter()
        .find(|(f, _)| f.trim_end_matches(".yaml") == file)
        && !name.contains('/')
        && beside.is_none_or(|dir| !dir.join(name).exists())
    {
        return Ok((format!("shipped:{file}"), (*text).to_owned(), None));
    }
    let path = match beside {
        Some(dir) if Path::new(name).is_relative() => dir.join(name),
        _ => PathBuf::from(name),
    };
    let text = std::fs::read_to_string(&path).map_err(|e| AppError::io("read", &path, &e))?;
    let dir = path.parent().map(Path::to_path_buf);
    Ok((path.display().to_string(), text, dir))
}

fn resolve(name: &str, beside: Option<&Path>, seen: &mut Vec<String>) -> Result<Script> {
    let (origin, text, dir) = source(name, beside)?;
    if seen.contains(&origin) {
        seen.push(origin);
        return Err(AppError::invalid_input(format!(
            "The scripts come after each other in a cycle: {}",
            seen.join(" → ")
        )));
    }
    seen.push(origin.clone());
    let file = parse(&origin, &text)?;
    let mut steps = match &file.after {
        Some(first) => resolve(first, dir.as_deref(), seen)?.steps,
        None => Vec::new(),
    };
    steps.extend(file.steps);
    if steps.len() > MAX_STEPS {
        return Err(AppError::invalid_input(format!(
            "{origin}:{}: {} steps in all: a demo has at most {MAX_STEPS}",
            line_of(&text, "steps:").unwrap_or(1),
            steps.len()
        )));
    }
    let mut ids = HashSet::new();
    if let Some(dup) = steps.iter().find(|s| !ids.insert(s.id.as_str())) {
        return Err(AppError::invalid_input(format!(
            "{origin}:{}: step id \"{}\" is used twice (ids must be unique, the scripts it comes after included)",
            line_of(&text, &format!("id: {}", dup.id)).unwrap_or(1),
            dup.id
        )));
    }
    Ok(Script {
        name: file.name,
        title: file.title,
        target_minutes: file.target_minutes,
        origin,
        steps,
    })
}

/// One script file's text, checked whole; `origin` names it in errors (`path:line: what`).
pub fn parse(origin: &str, text: &str) -> Result<ScriptFile> {
    let bad = |message: String| AppError::new(ErrorCode::InvalidInput, message);
    let file: ScriptFile = yaml_serde::from_str(text).map_err(|e| bad(yaml_error(origin, &e)))?;
    let at = |needle: &str| line_of(text, needle).unwrap_or(1);
    if file.version != 1 {
        return Err(bad(format!(
            "{origin}:{}: version {} is not known (this console reads version 1)",
            at("version"),
            file.version
        )));
    }
    if file.steps.is_empty() {
        return Err(bad(format!(
            "{origin}:{}: a script needs at least one step",
            at("steps")
        )));
    }
    if file.steps.len() > MAX_STEPS {
        return Err(bad(format!(
            "{origin}:{}: {} steps: a demo has at most {MAX_STEPS}",
            at("steps:"),
            file.steps.len()
        )));
    }
    for step in &file.steps {
        let line = at(&format!("id: {}", step.id));
        if step.id.trim().is_empty() || step.title.trim().is_empty() {
            return Err(bad(format!(
                "{origin}:{line}: a step needs an id and a title"
            )));
        }
        if let Some(check) = step.check
            && !step.action.checks().contains(&check)
        {
            return Err(bad(format!(
                "{origin}:{line}: step \"{}\": check {} does not fit action {} (it takes {})",
                step.id,
                wire(check),
                step.action.name(),
                step.action
                    .checks()
                    .iter()
                    .map(|c| wire(*c))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if let Action::OpenUrl { url } = &step.action
            && !(url.starts_with('/') || url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(bad(format!(
                "{origin}:{line}: step \"{}\": open_url takes a path on the API (/docs) or an http(s) URL, not \"{url}\"",
                step.id
            )));
        }
    }
    Ok(file)
}

fn wire(check: Check) -> String {
    match serde_json::to_value(check) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{check:?}"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn schema() -> Value {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../docs/demo-script.schema.json"
        ))
        .unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn keys(v: &Value) -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    }

    #[test]
    fn the_json_schema_in_docs_matches_the_format() {
        let schema = schema();
        assert_eq!(
            keys(&schema),
            [
                "after",
                "name",
                "steps",
                "target_minutes",
                "title",
                "version"
            ]
        );
        assert_eq!(
            keys(&schema["$defs"]["step"]),
            [
                "action",
                "audience",
                "check",
                "id",
                "recovery",
                "say",
                "target_seconds",
                "title"
            ]
        );
        // Every action of every shipped script is one the schema names, and the other way round.
        let mut named: Vec<String> = Vec::new();
        for choice in schema["$defs"]["action"]["oneOf"].as_array().unwrap() {
            match choice.get("enum") {
                Some(units) => named.extend(
                    units
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|u| u.as_str().unwrap().to_owned()),
                ),
                None => named.extend(keys(choice)),
            }
        }
        named.sort();
        let mut actions: Vec<&str> = [
            Action::ShowHealth,
            Action::OpenUrl { url: String::new() },
            Action::CreateAgent {
                id: String::new(),
                name: String::new(),
                instructions: String::new(),
                model: None,
            },
            Action::RunAgent {
                input: String::new(),
                agent: None,
            },
            Action::ShowMetricsDelta,
            Action::SignUp {
                email: String::new(),
            },
            Action::CreateWorkflow {
                id: String::new(),
                name: String::new(),
            },
            Action::ListBlueprints,
            Action::ShowObservability,
            Action::CleanUp,
            Action::Sql {
                query: String::new(),
            },
            Action::Slide {
                markdown: String::new(),
            },
        ]
        .iter()
        .map(Action::name)
        .collect();
        actions.sort_unstable();
        assert_eq!(named, actions);
        let checks: Vec<String> = schema["$defs"]["step"]["properties"]["check"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        for check in checks {
            let parsed: Check = serde_json::from_value(Value::String(check.clone())).unwrap();
            assert_eq!(wire(parsed), check);
        }
    }

    #[test]
    fn a_script_reads_back_as_it_was_written() {
        for name in shipped_names() {
            let text = text(name).unwrap();
            let file = parse(name, &text).unwrap();
            let again = yaml_serde::to_string(&file).unwrap();
            let reread = parse(name, &again).unwrap();
            assert_eq!(
                serde_json::to_value(&reread.steps).unwrap(),
                serde_json::to_value(&file.steps).unwrap()
            );
        }
    }
}
