//! Flows: multi-step smoke checks defined in YAML files (format version 1, described in
//! docs/smoke-flows.md with a JSON Schema in docs/smoke-flow.schema.json). A step is a request
//! with templated parts (`{{env.API_URL}}`, `{{secret.NAME}}`, `{{run.id}}`, `{{vars.NAME}}`,
//! `{{capture.NAME}}`) and what its answer must show; `cleanup` steps run after the others
//! whatever happened. A file is checked whole when it is read (syntax, unknown fields,
//! templates, variables, regular expressions), and a broken one is reported with its path, line
//! and what is wrong, never run.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// The flows the console ships: the platform's own journeys.
const SHIPPED: [(&str, &str); 2] = [
    (
        "agent-lifecycle.yaml",
        include_str!("../../flows/agent-lifecycle.yaml"),
    ),
    ("auth.yaml", include_str!("../../flows/auth.yaml")),
];

/// The suite name of the shipped flows.
pub const SHIPPED_SUITE: &str = "shipped flows";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    pub version: u32,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub critical: bool,
    /// Name → template; may use the other namespaces and each other (no cycles).
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub cleanup: Vec<Step>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub name: String,
    #[serde(default = "get")]
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body; its strings are templates.
    #[serde(default)]
    pub json: Option<Value>,
    /// Name → JSON pointer into the answer (or `{pointer, secret: true}` for a value such as a
    /// token, which is then masked wherever it would be recorded).
    #[serde(default)]
    pub capture: BTreeMap<String, Capture>,
    #[serde(default)]
    pub expect: Expect,
}

fn get() -> String {
    "GET".to_owned()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Capture {
    Pointer(String),
    Detailed {
        pointer: String,
        #[serde(default)]
        secret: bool,
    },
}

impl Capture {
    pub fn pointer(&self) -> &str {
        match self {
            Self::Pointer(p) | Self::Detailed { pointer: p, .. } => p,
        }
    }

    pub fn secret(&self) -> bool {
        matches!(self, Self::Detailed { secret: true, .. })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// One status or a list of them; none means any 2xx.
    #[serde(default)]
    pub status: Option<Statuses>,
    #[serde(default)]
    pub json: Vec<JsonAssertion>,
    #[serde(default)]
    pub headers: Vec<HeaderAssertion>,
    /// The step fails when its answer takes longer.
    #[serde(default)]
    pub max_ms: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Statuses {
    One(u16),
    Any(Vec<u16>),
}

impl Statuses {
    pub fn allows(&self, status: u16) -> bool {
        match self {
            Self::One(s) => *s == status,
            Self::Any(list) => list.contains(&status),
        }
    }
}

/// A JSON pointer's value: exactly one of `equals`, `matches`, `exists`, `type`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonAssertion {
    pub pointer: String,
    #[serde(default)]
    pub equals: Option<Value>,
    #[serde(default)]
    pub matches: Option<String>,
    #[serde(default)]
    pub exists: Option<bool>,
    #[serde(default, rename = "type")]
    pub kind: Option<JsonType>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonType {
    String,
    Number,
    Boolean,
    Array,
    Object,
    Null,
}

impl JsonType {
    pub fn of(value: &Value) -> Self {
        match value {
            Value::String(_) => Self::String,
            Value::Number(_) => Self::Number,
            Value::Bool(_) => Self::Boolean,
            Value::Array(_) => Self::Array,
            Value::Object(_) => Self::Object,
            Value::Null => Self::Null,
        }
    }
}

/// A response header: exactly one of `equals`, `matches`, `exists`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderAssertion {
    pub name: String,
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub matches: Option<String>,
    #[serde(default)]
    pub exists: Option<bool>,
}

/// A flow read from a file, or why it cannot run.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// `flow:<file name without extension>`.
    pub id: String,
    pub suite: String,
    /// Where it came from (a path, or the shipped file's name).
    pub origin: String,
    pub flow: Result<Flow, String>,
}

/// The shipped flows, then every `.yaml`/`.yml` file of `suites` (files, or folders read
/// without descending), each suite's files in name order.
pub fn load_all(suites: &[PathBuf]) -> Vec<Loaded> {
    let mut out: Vec<Loaded> = SHIPPED
        .iter()
        .map(|(name, text)| parse(name, SHIPPED_SUITE, name, text))
        .collect();
    for suite in suites {
        let label = suite.display().to_string();
        let files = match flow_files(suite) {
            Ok(files) => files,
            Err(why) => {
                out.push(Loaded {
                    id: format!("flow:{}", stem(suite)),
                    suite: label.clone(),
                    origin: label,
                    flow: Err(why),
                });
                continue;
            }
        };
        for file in files {
            let origin = file.display().to_string();
            let loaded = match std::fs::read_to_string(&file) {
                Ok(text) => parse(&stem(&file), &label, &origin, &text),
                Err(e) => Loaded {
                    id: format!("flow:{}", stem(&file)),
                    suite: label.clone(),
                    origin: origin.clone(),
                    flow: Err(format!("{origin}: cannot be read: {e}")),
                },
            };
            out.push(loaded);
        }
    }
    out
}

fn stem(path: &Path) -> String {
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

fn flow_files(suite: &Path) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(suite)
        .map_err(|e| format!("{}: cannot be read: {e}", suite.display()))?;
    if meta.is_file() {
        return Ok(vec![suite.to_owned()]);
    }
    let entries = std::fs::read_dir(suite)
        .map_err(|e| format!("{}: cannot be read: {e}", suite.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| {
                    x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml")
                })
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Reads one flow file's text; `origin` names it in errors (`path:line:column: what`).
pub fn parse(name: &str, suite: &str, origin: &str, text: &str) -> Loaded {
    let id = format!(
        "flow:{}",
        name.trim_end_matches(".yaml").trim_end_matches(".yml")
    );
    let flow = yaml_serde::from_str::<Flow>(text)
        .map_err(|e| yaml_error(origin, &e))
        .and_then(|flow| {
            check(&flow, text)
                .map(|()| flow)
                .map_err(|(line, why)| match line {
                    Some(line) => format!("{origin}:{line}: {why}"),
                    None => format!("{origin}: {why}"),
                })
        });
    Loaded {
        id,
        suite: suite.to_owned(),
        origin: origin.to_owned(),
        flow,
    }
}

/// A YAML file's error as `origin:line:column: what`.
pub(crate) fn yaml_error(origin: &str, e: &yaml_serde::Error) -> String {
    match e.location() {
        Some(at) => format!(
            "{origin}:{}:{}: {}",
            at.line(),
            at.column(),
            strip_location(&e.to_string())
        ),
        None => format!("{origin}: {e}"),
    }
}

/// yaml_serde's message ends with " at line L column C", which the prefix already says.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// The first line (1-based) of `text` containing `needle`.
pub(crate) fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

type Problem = (Option<usize>, String);

/// What serde cannot check: the version, names, templates, variables, expressions.
fn check(flow: &Flow, text: &str) -> Result<(), Problem> {
    if flow.version != 1 {
        return Err((
            line_of(text, "version"),
            format!(
                "version {} is not known (this console reads version 1)",
                flow.version
            ),
        ));
    }
    if flow.steps.is_empty() {
        return Err((
            line_of(text, "steps"),
            "a flow needs at least one step".into(),
        ));
    }
    let mut names = HashSet::new();
    for step in flow.steps.iter().chain(&flow.cleanup) {
        if !names.insert(step.name.as_str()) {
            return Err((
                line_of(text, &format!("name: {}", step.name)),
                format!("two steps are named \"{}\"", step.name),
            ));
        }
    }
    for (name, template) in &flow.vars {
        for reference in references(template).map_err(|why| (line_of(text, template), why))? {
            known(&reference, flow, &HashSet::new()).map_err(|why| {
                (
                    line_of(text, &format!("{{{{{reference}}}}}")),
                    format!("vars.{name}: {why}"),
                )
            })?;
        }
    }
    variable_order(&flow.vars).map_err(|why| (line_of(text, "vars"), why))?;
    let mut captured: HashSet<&str> = HashSet::new();
    for (i, step) in flow.steps.iter().chain(&flow.cleanup).enumerate() {
        let in_cleanup = i >= flow.steps.len();
        if in_cleanup && i == flow.steps.len() {
            // Cleanup may use what any step captured.
            captured.extend(
                flow.steps
                    .iter()
                    .flat_map(|s| s.capture.keys().map(String::as_str)),
            );
        }
        let at = line_of(text, &format!("name: {}", step.name));
        let mut templates: Vec<&str> = vec![&step.path];
        templates.extend(step.headers.values().map(String::as_str));
        let mut strings = Vec::new();
        if let Some(body) = &step.json {
            json_strings(body, &mut strings);
        }
        templates.extend(strings.iter().map(String::as_str));
        for template in templates {
            for reference in
                references(template).map_err(|why| (at, format!("step {}: {why}", step.name)))?
            {
                known(&reference, flow, &captured).map_err(|why| {
                    (
                        line_of(text, &format!("{{{{{reference}}}}}")).or(at),
                        format!("step {}: {why}", step.name),
                    )
                })?;
            }
        }
        reqwest::Method::from_bytes(step.method.to_uppercase().as_bytes()).map_err(|_| {
            (
                at,
                format!(
                    "step {}: \"{}\" is not an HTTP method",
                    step.name, step.method
                ),
            )
        })?;
        for a in &step.expect.json {
            let given = [
                a.equals.is_some(),
                a.matches.is_some(),
                a.exists.is_some(),
                a.kind.is_some(),
            ];
            if given.iter().filter(|g| **g).count() != 1 {
                return Err((
                    line_of(text, &format!("pointer: {}", a.pointer)).or(at),
                    format!(
                        "step {}: the assertion on {} needs exactly one of equals, matches, exists, type",
                        step.name, a.pointer
                    ),
                ));
            }
        }
        for a in &step.expect.headers {
            let given = [a.equals.is_some(), a.matches.is_some(), a.exists.is_some()];
            if given.iter().filter(|g| **g).count() != 1 {
                return Err((
                    line_of(text, &format!("name: {}", a.name)).or(at),
                    format!(
                        "step {}: the assertion on header {} needs exactly one of equals, matches, exists",
                        step.name, a.name
                    ),
                ));
            }
        }
        let patterns = step
            .expect
            .json
            .iter()
            .filter_map(|a| a.matches.as_deref())
            .chain(
                step.expect
                    .headers
                    .iter()
                    .filter_map(|a| a.matches.as_deref()),
            );
        for pattern in patterns {
            regex::Regex::new(pattern).map_err(|e| {
                (
                    line_of(text, pattern).or(at),
                    format!("step {}: {e}", step.name),
                )
            })?;
        }
        for (name, capture) in &step.capture {
            if !capture.pointer().is_empty() && !capture.pointer().starts_with('/') {
                return Err((
                    at,
                    format!(
                        "step {}: capture {name}: \"{}\" is not a JSON pointer (it starts with /)",
                        step.name,
                        capture.pointer()
                    ),
                ));
            }
        }
        captured.extend(step.capture.keys().map(String::as_str));
    }
    Ok(())
}

/// Every string inside a JSON value.
pub fn json_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| json_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| json_strings(v, out)),
        _ => {}
    }
}

/// The `namespace.name` references of a template.
pub fn references(template: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("\"{template}\" opens {{{{ without closing it"))?;
        out.push(after[..end].trim().to_owned());
        rest = &after[end + 2..];
    }
    Ok(out)
}

/// The namespaces a template may use.
const NAMESPACES: [&str; 5] = ["env", "secret", "run", "vars", "capture"];

fn known(reference: &str, flow: &Flow, captured: &HashSet<&str>) -> Result<(), String> {
    let Some((namespace, name)) = reference.split_once('.') else {
        return Err(format!(
            "{{{{{reference}}}}} names no namespace ({})",
            NAMESPACES.join(", ")
        ));
    };
    match namespace {
        "vars" if !flow.vars.contains_key(name) => {
            Err(format!("{{{{{reference}}}}} is an undefined variable"))
        }
        "capture" if !captured.contains(name) => Err(format!(
            "{{{{{reference}}}}} is not captured by an earlier step"
        )),
        "run" if !["id", "nonce"].contains(&name) => {
            Err(format!("{{{{{reference}}}}}: run has id and nonce"))
        }
        "env" | "secret" | "vars" | "capture" | "run" => Ok(()),
        _ => Err(format!(
            "{{{{{reference}}}}}: unknown namespace {namespace} ({})",
            NAMESPACES.join(", ")
        )),
    }
}

/// The variables in an order where each comes after those it uses, or the cycle.
pub fn variable_order(vars: &BTreeMap<String, String>) -> Result<Vec<String>, String> {
    fn visit(
        name: &str,
        vars: &BTreeMap<String, String>,
        path: &mut Vec<String>,
        done: &mut Vec<String>,
    ) -> Result<(), String> {
        if done.iter().any(|d| d == name) {
            return Ok(());
        }
        if let Some(at) = path.iter().position(|p| p == name) {
            let mut cycle = path[at..].to_vec();
            cycle.push(name.to_owned());
            return Err(format!("a cycle in variables: {}", cycle.join(" → ")));
        }
        path.push(name.to_owned());
        for reference in references(&vars[name]).unwrap_or_default() {
            if let Some(other) = reference.strip_prefix("vars.")
                && vars.contains_key(other)
            {
                visit(other, vars, path, done)?;
            }
        }
        path.pop();
        done.push(name.to_owned());
        Ok(())
    }
    let mut done = Vec::new();
    for name in vars.keys() {
        visit(name, vars, &mut Vec::new(), &mut done)?;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        parse("f", "s", "flows/f.yaml", text).flow.unwrap_err()
    }

    const STEP: &str = "steps:\n  - name: live\n    path: /live\n";

    #[test]
    fn the_shipped_flows_read_cleanly() {
        for loaded in load_all(&[]) {
            assert!(loaded.flow.is_ok(), "{}: {:?}", loaded.origin, loaded.flow);
        }
    }

    #[test]
    fn a_broken_file_says_where_and_what() {
        assert!(
            error(&format!("version: 1\nname: x\n{STEP}  - name: [\n"))
                .starts_with("flows/f.yaml:6:11: steps[1].name: invalid type")
        );
        let unknown = error(&format!(
            "version: 1\nname: x\n{STEP}    expect:\n      json:\n        - pointer: /a\n          equal: 1\n"
        ));
        assert!(
            unknown.starts_with("flows/f.yaml:9:11:") && unknown.contains("unknown field `equal`"),
            "{unknown}"
        );
        let undefined = error(&format!(
            "version: 1\nname: x\nvars:\n  a: \"{{{{vars.b}}}}\"\n{STEP}"
        ));
        assert_eq!(
            undefined,
            "flows/f.yaml:4: vars.a: {{vars.b}} is an undefined variable"
        );
        let cycle = error(&format!(
            "version: 1\nname: x\nvars:\n  a: \"{{{{vars.b}}}}\"\n  b: \"x{{{{vars.a}}}}\"\n{STEP}"
        ));
        assert_eq!(cycle, "flows/f.yaml:3: a cycle in variables: a → b → a");
        let capture = error(
            "version: 1\nname: x\nsteps:\n  - name: me\n    path: /me\n    headers:\n      Authorization: \"Bearer {{capture.token}}\"\n",
        );
        assert_eq!(
            capture,
            "flows/f.yaml:7: step me: {{capture.token}} is not captured by an earlier step"
        );
        let two = error(&format!(
            "version: 1\nname: x\n{STEP}    expect:\n      json:\n        - pointer: /a\n          equals: 1\n          exists: true\n"
        ));
        assert!(
            two.contains("needs exactly one of equals, matches, exists, type"),
            "{two}"
        );
        assert!(
            error(&format!("version: 2\nname: x\n{STEP}")).starts_with("flows/f.yaml:1: version 2")
        );
        assert!(
            error("version: 1\nname: x\nsteps:\n  - name: a\n    path: \"/{{run.x\"\n")
                .contains("without closing it")
        );
    }

    /// docs/smoke-flow.schema.json (for editors) names exactly the fields this reader takes.
    #[test]
    fn the_json_schema_in_docs_matches_the_format() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../docs/smoke-flow.schema.json"
        ))
        .unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        let keys = |v: &Value| -> Vec<String> {
            let mut k: Vec<String> = v["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            k.sort();
            k
        };
        let defs = &schema["$defs"];
        assert_eq!(
            keys(&schema),
            [
                "cleanup",
                "critical",
                "description",
                "name",
                "steps",
                "vars",
                "version"
            ]
        );
        assert_eq!(
            keys(&defs["step"]),
            [
                "capture", "expect", "headers", "json", "method", "name", "path"
            ]
        );
        assert_eq!(
            keys(&defs["expect"]),
            ["headers", "json", "max_ms", "status"]
        );
        assert_eq!(
            keys(&defs["jsonAssertion"]),
            ["equals", "exists", "matches", "pointer", "type"]
        );
        assert_eq!(
            keys(&defs["headerAssertion"]),
            ["equals", "exists", "matches", "name"]
        );
        // And the reader refuses what the schema does not name.
        assert!(
            error(&format!("version: 1\nname: x\nextra: 1\n{STEP}"))
                .contains("unknown field `extra`")
        );
    }

    #[test]
    fn variables_are_ordered_by_use() {
        let vars: BTreeMap<String, String> =
            [("a", "{{vars.c}}-x"), ("b", "y"), ("c", "{{vars.b}}")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        assert_eq!(variable_order(&vars).unwrap(), ["b", "c", "a"]);
    }
}
