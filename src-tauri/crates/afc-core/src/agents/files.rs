//! Agent files: one agent per file, JSON or YAML, keys always in the same order (the API's field
//! order), so a folder of agents can live in git and diff cleanly. Reading takes a file (one
//! agent, or a list of them) or a folder of such files; each agent that cannot be read is
//! reported with its file and, for a syntax error, its line, and the others still are.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::ApiAgent;
use crate::{AppError, Result};

/// A file larger than this is not an agent file (the API's agents are kilobytes).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Json,
    Yaml,
}

impl FileFormat {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Yaml => "yaml",
        }
    }

    fn of(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Self::Json),
            "yaml" | "yml" => Some(Self::Yaml),
            _ => None,
        }
    }
}

/// What an import reads: one file (one agent or a list), or a folder of agent files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportFrom {
    File,
    Folder,
}

/// The file an agent is written to: its id with everything but letters, digits, `-`, `_` and
/// inner `.` escaped as `%XX`, so any id makes one file name and no id makes a path.
pub fn file_name(id: &str, format: FileFormat) -> String {
    let mut name = String::with_capacity(id.len() + 5);
    for (i, b) in id.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (b == b'.' && i > 0);
        if keep {
            name.push(char::from(b));
        } else {
            name.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{name}.{}", format.extension())
}

/// An agent's file text.
pub fn render(agent: &ApiAgent, format: FileFormat) -> Result<String> {
    let encoded = match format {
        FileFormat::Json => serde_json::to_string_pretty(agent)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string()),
        FileFormat::Yaml => yaml_serde::to_string(agent).map_err(|e| e.to_string()),
    };
    encoded.map_err(|e| AppError::internal("Could not encode the agent").with_details(e))
}

/// What was written.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportReport {
    pub folder: String,
    /// File names, in id order.
    pub files: Vec<String>,
}

/// Writes each agent to `folder` (created if missing), each file replaced whole (written aside,
/// then renamed) so a reader never sees half a file.
pub fn write_all(folder: &Path, agents: &[ApiAgent], format: FileFormat) -> Result<ExportReport> {
    std::fs::create_dir_all(folder).map_err(|e| AppError::io("create", folder, &e))?;
    let mut files = Vec::with_capacity(agents.len());
    for agent in agents {
        let name = file_name(&agent.id, format);
        let text = render(agent, format)?;
        let mut aside = tempfile::NamedTempFile::new_in(folder)
            .map_err(|e| AppError::io("write", folder, &e))?;
        std::io::Write::write_all(&mut aside, text.as_bytes())
            .map_err(|e| AppError::io("write", aside.path(), &e))?;
        let path = folder.join(&name);
        aside
            .persist(&path)
            .map_err(|e| AppError::io("write", &path, &e.error))?;
        files.push(name);
    }
    Ok(ExportReport {
        folder: folder.display().to_string(),
        files,
    })
}

/// One agent read from a file, or why it could not be.
#[derive(Debug, Clone)]
pub struct ReadAgent {
    /// `support-bot.json`, or `agents.json #3` for the third of a list.
    pub origin: String,
    pub agent: std::result::Result<ApiAgent, String>,
}

/// Every agent in `path`: a file, or each `.json`/`.yaml`/`.yml` file of a folder (not its
/// subfolders), in name order. A file that cannot be parsed at all is one entry saying where.
pub fn read_all(path: &Path) -> Result<Vec<ReadAgent>> {
    let meta = std::fs::metadata(path).map_err(|e| AppError::io("read", path, &e))?;
    if !meta.is_dir() {
        let format = FileFormat::of(path).unwrap_or(FileFormat::Json);
        return read_file(path, format, &display_name(path));
    }
    let mut files: Vec<(PathBuf, FileFormat)> = std::fs::read_dir(path)
        .map_err(|e| AppError::io("read", path, &e))?
        .filter_map(|entry| {
            let p = entry.ok()?.path();
            let format = FileFormat::of(&p)?;
            p.is_file().then_some((p, format))
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut agents = Vec::new();
    for (file, format) in files {
        agents.extend(read_file(&file, format, &display_name(&file))?);
    }
    Ok(agents)
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn read_file(path: &Path, format: FileFormat, name: &str) -> Result<Vec<ReadAgent>> {
    let size = std::fs::metadata(path)
        .map_err(|e| AppError::io("read", path, &e))?
        .len();
    let failed = |reason: String| {
        Ok(vec![ReadAgent {
            origin: name.to_owned(),
            agent: Err(reason),
        }])
    };
    if size > MAX_FILE_BYTES {
        return failed(format!(
            "{size} bytes: larger than an agent file can be ({MAX_FILE_BYTES} bytes)"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| AppError::io("read", path, &e))?;
    let Ok(text) = String::from_utf8(bytes) else {
        return failed("not UTF-8 text".to_owned());
    };
    let parsed: std::result::Result<Value, String> = match format {
        FileFormat::Json => serde_json::from_str(&text).map_err(|e| {
            format!(
                "line {}, column {}: {}",
                e.line(),
                e.column(),
                strip_position(&e.to_string())
            )
        }),
        FileFormat::Yaml => yaml_serde::from_str(&text).map_err(|e| match e.location() {
            Some(at) => format!(
                "line {}, column {}: {}",
                at.line(),
                at.column(),
                strip_position(&e.to_string())
            ),
            None => e.to_string(),
        }),
    };
    let value = match parsed {
        Ok(v) => v,
        Err(reason) => return failed(reason),
    };
    Ok(match value {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| ReadAgent {
                origin: format!("{name} #{}", i + 1),
                agent: agent_of(item),
            })
            .collect(),
        item => vec![ReadAgent {
            origin: name.to_owned(),
            agent: agent_of(item),
        }],
    })
}

/// serde's messages end with " at line L column C", already said up front.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |at| &message[..at])
}

fn agent_of(item: Value) -> std::result::Result<ApiAgent, String> {
    if !item.is_object() {
        return Err("not an agent (expected an object with id, name and instructions)".to_owned());
    }
    serde_json::from_value(item).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(id: &str) -> ApiAgent {
        ApiAgent {
            id: id.into(),
            name: "Ünïcode \"quoted\"\nname".into(),
            instructions: "line 1\nline 2: 'x' \"y\" \\ \t end\n".into(),
            model: "gpt-4o".into(),
            tools: vec![Value::from("search")],
            knowledge_packs: Vec::new(),
            config: serde_json::json!({"temperature": 0.7, "max_tokens": 2000}),
            metadata: serde_json::json!({}),
        }
    }

    #[test]
    fn any_id_makes_one_safe_file_name() {
        assert_eq!(
            file_name("support-bot", FileFormat::Json),
            "support-bot.json"
        );
        assert_eq!(
            file_name("../etc/passwd", FileFormat::Yaml),
            "%2E.%2Fetc%2Fpasswd.yaml"
        );
        assert_eq!(file_name("a b/é", FileFormat::Json), "a%20b%2F%C3%A9.json");
    }

    #[test]
    fn both_formats_round_trip_exactly_with_keys_in_the_apis_order() {
        let dir = tempfile::tempdir().unwrap();
        for format in [FileFormat::Json, FileFormat::Yaml] {
            let report = write_all(dir.path(), &[agent("a"), agent("b")], format).unwrap();
            assert_eq!(report.files.len(), 2);
            let text = std::fs::read_to_string(dir.path().join(&report.files[0])).unwrap();
            let keys = [
                "id",
                "name",
                "instructions",
                "model",
                "tools",
                "knowledge_packs",
                "config",
                "metadata",
            ];
            let at: Vec<usize> = keys.iter().map(|k| text.find(k).unwrap()).collect();
            assert!(
                at.windows(2).all(|w| w[0] < w[1]),
                "{format:?} key order: {text}"
            );
            let back = read_all(&dir.path().join(&report.files[0])).unwrap();
            assert_eq!(back[0].agent.as_ref().unwrap(), &agent("a"));
        }
        // The folder holds both formats of both agents: all four read back.
        assert_eq!(read_all(dir.path()).unwrap().len(), 4);
    }

    #[test]
    fn a_malformed_file_is_named_with_its_line_and_a_list_reports_each_bad_item() {
        let dir = tempfile::tempdir().unwrap();
        let broken = dir.path().join("broken.json");
        std::fs::write(&broken, "{\n  \"id\": \"x\",\n  \"name\": oops\n}\n").unwrap();
        let read = read_all(&broken).unwrap();
        assert_eq!(read[0].origin, "broken.json");
        let reason = read[0].agent.as_ref().unwrap_err();
        assert!(reason.starts_with("line 3, column"), "{reason}");

        let list = dir.path().join("list.yaml");
        std::fs::write(
            &list,
            "- id: a\n  name: A\n  instructions: Hi\n- id: b\n  name: B\n- 7\n",
        )
        .unwrap();
        let read = read_all(&list).unwrap();
        assert!(read[0].agent.is_ok());
        assert_eq!(read[1].origin, "list.yaml #2");
        assert!(read[1].agent.as_ref().unwrap_err().contains("instructions"));
        assert!(read[2].agent.as_ref().unwrap_err().contains("not an agent"));

        let yaml = dir.path().join("bad.yml");
        std::fs::write(&yaml, "id: a\nname: [unclosed\n").unwrap();
        let reason = read_all(&yaml).unwrap()[0].agent.clone().unwrap_err();
        assert!(reason.starts_with("line "), "{reason}");
    }
}
