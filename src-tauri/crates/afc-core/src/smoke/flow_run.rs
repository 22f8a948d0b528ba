//! Running a flow: its variables resolved (secrets from the keyring at run time), each step sent
//! through the environment's client and judged, captured values carried forward, the cleanup
//! steps run whatever happened, and everything recorded with secret values masked.

use std::collections::HashMap;

use reqwest::Method;
use serde_json::Value;

use super::checks::Context;
use super::flow::{Flow, JsonType, Step, references, variable_order};
use super::{CheckResult, CheckStatus, Exchange};
use crate::api::{Call, PlatformClient};
use crate::keyring::SecretString;

/// What a masked value is recorded as.
const MASK: &str = "••••••";

/// Where a flow's `{{env.*}}` and `{{secret.*}}` come from.
pub struct Sources {
    /// `env.API_URL`, `env.ENVIRONMENT` and the environment's plain variables.
    pub env: HashMap<String, String>,
    /// The environment's secret variables, read from the keyring before the run (a missing one
    /// is absent: a step that needs it is skipped, never sent with it empty).
    pub secrets: HashMap<String, SecretString>,
    /// Secrets the keyring could not give, and why.
    pub unreadable: HashMap<String, String>,
    pub run_id: String,
    pub nonce: String,
}

/// Values a flow has resolved so far, and which of them must never be recorded.
struct Scope<'a> {
    sources: &'a Sources,
    vars: HashMap<String, String>,
    captures: HashMap<String, String>,
    masked: Vec<String>,
}

impl Scope<'_> {
    /// `template` with its references filled in, or the name of a secret that is not set.
    fn render(&mut self, template: &str) -> Result<String, String> {
        let mut out = template.to_owned();
        for reference in references(template).unwrap_or_default() {
            let (namespace, name) = reference.split_once('.').unwrap_or_default();
            let value = match namespace {
                "env" => self.sources.env.get(name).cloned().unwrap_or_default(),
                "secret" => match self.sources.secrets.get(name) {
                    Some(s) => {
                        let v = s.expose().to_owned();
                        self.masked.push(v.clone());
                        v
                    }
                    None => {
                        return Err(match self.sources.unreadable.get(name) {
                            Some(why) => format!("the secret {name} could not be read: {why}"),
                            None => format!("the secret {name} is not set in this environment"),
                        });
                    }
                },
                "run" if name == "nonce" => self.sources.nonce.clone(),
                "run" => self.sources.run_id.clone(),
                "vars" => self.vars.get(name).cloned().unwrap_or_default(),
                "capture" => self.captures.get(name).cloned().unwrap_or_default(),
                _ => String::new(),
            };
            out = out.replace(&format!("{{{{{reference}}}}}"), &value);
        }
        Ok(out)
    }

    fn render_json(&mut self, value: &Value) -> Result<Value, String> {
        Ok(match value {
            Value::String(s) => Value::String(self.render(s)?),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.render_json(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.render_json(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => other.clone(),
        })
    }

    /// `text` with every secret value in it replaced by the mask.
    fn mask(&self, text: &str) -> String {
        self.masked
            .iter()
            .filter(|s| !s.is_empty())
            .fold(text.to_owned(), |t, secret| {
                t.replace(secret.as_str(), MASK)
            })
    }
}

/// How a step went.
enum Outcome {
    Passed,
    Failed(String),
    /// Not sent (a secret it needs is not set).
    Skipped(String),
}

/// Runs `flow` (already checked when read); `id` and `suite` name its result.
pub async fn run(
    context: &Context,
    client: &PlatformClient,
    flow: &Flow,
    sources: &Sources,
    result: &mut CheckResult,
) {
    let mut scope = Scope {
        sources,
        vars: HashMap::new(),
        captures: HashMap::new(),
        masked: Vec::new(),
    };
    for name in variable_order(&flow.vars).unwrap_or_default() {
        match scope.render(&flow.vars[&name]) {
            Ok(value) => {
                scope.vars.insert(name, value);
            }
            Err(why) => {
                result.status = CheckStatus::Skip;
                result.reason = Some(format!("vars.{name}: {why}"));
                return;
            }
        }
    }
    let mut verdict: Option<(CheckStatus, String)> = None;
    let mut sent_any = false;
    for step in &flow.steps {
        match one_step(context, client, step, &mut scope, result).await {
            Outcome::Passed => sent_any = true,
            Outcome::Failed(why) => {
                verdict = Some((CheckStatus::Fail, format!("step {}: {why}", step.name)));
                sent_any = true;
                break;
            }
            Outcome::Skipped(why) => {
                verdict = Some((CheckStatus::Skip, format!("step {}: {why}", step.name)));
                break;
            }
        }
    }
    // Cleanup runs whatever happened, once anything was sent that it may have to undo.
    let mut cleanup_failures = Vec::new();
    if sent_any {
        for step in &flow.cleanup {
            match one_step(context, client, step, &mut scope, result).await {
                Outcome::Passed => {}
                Outcome::Failed(why) | Outcome::Skipped(why) => {
                    cleanup_failures.push(format!("cleanup {}: {why}", step.name));
                }
            }
        }
    }
    let (status, mut reason) = verdict.unwrap_or((
        CheckStatus::Pass,
        format!("{} steps passed", flow.steps.len()),
    ));
    if !cleanup_failures.is_empty() {
        reason = format!("{reason}; {}", cleanup_failures.join("; "));
    }
    result.status = if cleanup_failures.is_empty() || status == CheckStatus::Skip {
        status
    } else {
        CheckStatus::Fail
    };
    result.reason = Some(scope.mask(&reason));
    result.latency_ms = Some(result.exchanges.iter().filter_map(|x| x.latency_ms).sum());
    // A secret captured later (a token) may appear in what an earlier step recorded.
    for x in &mut result.exchanges {
        mask_exchange(x, &scope);
    }
}

async fn one_step(
    context: &Context,
    client: &PlatformClient,
    step: &Step,
    scope: &mut Scope<'_>,
    result: &mut CheckResult,
) -> Outcome {
    let rendered = (|| -> Result<_, String> {
        let path = scope.render(&step.path)?;
        let headers: Vec<(String, String)> = step
            .headers
            .iter()
            .map(|(k, v)| Ok((k.clone(), scope.render(v)?)))
            .collect::<Result<_, String>>()?;
        let body = step
            .json
            .as_ref()
            .map(|b| scope.render_json(b))
            .transpose()?;
        Ok((path, headers, body))
    })();
    let (path, headers, body) = match rendered {
        Ok(r) => r,
        Err(why) => return Outcome::Skipped(why),
    };
    let method = Method::from_bytes(step.method.to_uppercase().as_bytes()).unwrap_or(Method::GET);
    let call = Call::get(&path)
        .method(method, body.as_ref())
        .headers(&headers);
    let (exchange, response) = context.send(client, call).await;
    result.exchanges.push(exchange);
    let response = match response {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e.message),
    };
    result.http_status = Some(response.status);
    result.request_id.clone_from(&response.request_id);
    let body: Option<Value> = serde_json::from_slice(&response.body).ok();
    if let Some(why) = judge(step, scope, &response, body.as_ref()) {
        return Outcome::Failed(why);
    }
    for (name, capture) in &step.capture {
        let Some(value) = body.as_ref().and_then(|b| b.pointer(capture.pointer())) else {
            return Outcome::Failed(format!(
                "capture {name}: the answer has nothing at {}",
                capture.pointer()
            ));
        };
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if capture.secret() {
            scope.masked.push(text.clone());
        }
        scope.captures.insert(name.clone(), text);
    }
    Outcome::Passed
}

/// Why the answer does not meet the step's expectations, if it does not.
fn judge(
    step: &Step,
    scope: &mut Scope<'_>,
    r: &crate::api::ApiResponse,
    body: Option<&Value>,
) -> Option<String> {
    let expect = &step.expect;
    let status_ok = match &expect.status {
        Some(s) => s.allows(r.status),
        None => (200..300).contains(&r.status),
    };
    if !status_ok {
        let text = r.text();
        let quote: String = text
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(160)
            .collect();
        return Some(format!("HTTP {}: {}", r.status, scope.mask(&quote)));
    }
    if let Some(max) = expect.max_ms
        && r.latency_ms > max as f64
    {
        return Some(format!("took {:.0} ms, over {max} ms", r.latency_ms));
    }
    for a in &expect.json {
        let Some(body) = body else {
            return Some(format!("the answer is not JSON ({})", r.content_type));
        };
        let found = body.pointer(&a.pointer);
        let problem = if let Some(want) = &a.equals {
            let want = scope.render_json(want).unwrap_or_else(|_| want.clone());
            (found != Some(&want))
                .then(|| format!("{} is {}, not {}", a.pointer, shown(found), want))
        } else if let Some(pattern) = &a.matches {
            let text = match found {
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => Some(other.to_string()),
                None => None,
            };
            let ok = text
                .as_deref()
                .is_some_and(|t| regex::Regex::new(pattern).is_ok_and(|re| re.is_match(t)));
            (!ok).then(|| {
                format!(
                    "{} is {}, which does not match {pattern}",
                    a.pointer,
                    shown(found)
                )
            })
        } else if let Some(exists) = a.exists {
            (found.is_some() != exists).then(|| {
                format!(
                    "{} {}",
                    a.pointer,
                    if exists { "is missing" } else { "is there" }
                )
            })
        } else if let Some(kind) = a.kind {
            let actual = found.map(JsonType::of);
            (actual != Some(kind)).then(|| {
                format!("{} is {}, not of type {:?}", a.pointer, shown(found), kind).to_lowercase()
            })
        } else {
            None
        };
        if let Some(p) = problem {
            return Some(scope.mask(&p));
        }
    }
    for a in &expect.headers {
        let found = r.header(&a.name.to_lowercase());
        let problem = if let Some(want) = &a.equals {
            (found != Some(want.as_str()))
                .then(|| format!("header {} is {:?}, not {want:?}", a.name, found))
        } else if let Some(pattern) = &a.matches {
            let ok =
                found.is_some_and(|v| regex::Regex::new(pattern).is_ok_and(|re| re.is_match(v)));
            (!ok).then(|| {
                format!(
                    "header {} is {:?}, which does not match {pattern}",
                    a.name, found
                )
            })
        } else if let Some(exists) = a.exists {
            (found.is_some() != exists).then(|| {
                format!(
                    "header {} {}",
                    a.name,
                    if exists { "is missing" } else { "is there" }
                )
            })
        } else {
            None
        };
        if let Some(p) = problem {
            return Some(scope.mask(&p));
        }
    }
    None
}

fn shown(value: Option<&Value>) -> String {
    value.map_or_else(
        || "missing".to_owned(),
        |v| {
            let text = v.to_string();
            if text.len() > 80 {
                format!("{}…", &text[..text.floor_char_boundary(80)])
            } else {
                text
            }
        },
    )
}

fn mask_exchange(x: &mut Exchange, scope: &Scope<'_>) {
    x.url = scope.mask(&x.url);
    for (_, v) in x
        .request_headers
        .iter_mut()
        .chain(x.response_headers.iter_mut())
    {
        *v = scope.mask(v);
    }
    x.request_body = x.request_body.as_deref().map(|b| scope.mask(b));
    x.response_body = x.response_body.as_deref().map(|b| scope.mask(b));
}

/// A flow's requests: its steps and its cleanup.
pub fn requests(flow: &Flow) -> u32 {
    u32::try_from(flow.steps.len() + flow.cleanup.len()).unwrap_or(u32::MAX)
}

/// Whether any step changes something (any method but GET and HEAD).
pub fn writes(flow: &Flow) -> bool {
    flow.steps
        .iter()
        .chain(&flow.cleanup)
        .any(|s| !matches!(s.method.to_uppercase().as_str(), "GET" | "HEAD"))
}

/// The references to `{{secret.*}}` in a flow, to read them from the keyring before it runs.
pub fn secret_names(flow: &Flow) -> Vec<String> {
    let mut templates: Vec<String> = flow.vars.values().cloned().collect();
    for step in flow.steps.iter().chain(&flow.cleanup) {
        templates.push(step.path.clone());
        templates.extend(step.headers.values().cloned());
        if let Some(body) = &step.json {
            super::flow::json_strings(body, &mut templates);
        }
    }
    let mut names: Vec<String> = templates
        .iter()
        .flat_map(|t| references(t).unwrap_or_default())
        .filter_map(|r| r.strip_prefix("secret.").map(str::to_owned))
        .collect();
    names.sort();
    names.dedup();
    names
}
