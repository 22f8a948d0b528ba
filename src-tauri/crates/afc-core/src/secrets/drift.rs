//! The drift board: every environment's variables side by side. Secret values are compared by a
//! keyed hash (HMAC-SHA256 with a key kept in the keyring), so equal secrets are recognised
//! without revealing them; the window gets only "same as" groups, never the hashes.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use ts_rs::TS;

use super::{SecretString, validate};
use crate::console::Console;
use crate::environments::{EnvKind, Environment};
use crate::{AppError, ErrorCode, Result};

const DRIFT_KEY: &str = "@drift-key";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DriftStatus {
    Equal,
    Different,
    /// Absent from at least one environment (absence counts as drift).
    Missing,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct DriftCell {
    pub present: bool,
    /// Plain values only.
    pub value: Option<String>,
    /// Secret values: cells with the same group hold the same value (1, 2, …).
    pub group: Option<u32>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DriftRow {
    pub name: String,
    pub secret: bool,
    pub status: DriftStatus,
    /// One per environment, in the board's order.
    pub cells: Vec<DriftCell>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DriftEnvironment {
    pub name: String,
    pub kind: EnvKind,
    pub color: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DriftWarning {
    pub environment: String,
    pub variable: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DriftBoard {
    pub environments: Vec<DriftEnvironment>,
    pub rows: Vec<DriftRow>,
    pub warnings: Vec<DriftWarning>,
}

impl DriftBoard {
    pub fn drifted(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.status != DriftStatus::Equal)
            .count()
    }
}

/// A variable's value as the board compares it.
enum Seen {
    Plain(String),
    Secret([u8; 32]),
}

impl Console {
    async fn drift_key(&self) -> Result<SecretString> {
        if let Some(key) = self.keyring.get(DRIFT_KEY).await? {
            return Ok(key);
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| {
            AppError::internal("No randomness available").with_details(e.to_string())
        })?;
        let key = SecretString::new(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
        self.keyring.set(DRIFT_KEY, &key).await?;
        Ok(key)
    }

    /// The board for `names` (all environments when empty).
    pub async fn drift(&self, names: &[String]) -> Result<DriftBoard> {
        let all = self.environments()?.environments;
        let envs: Vec<Environment> = if names.is_empty() {
            all
        } else {
            names
                .iter()
                .map(|n| {
                    all.iter()
                        .find(|e| &e.name == n)
                        .cloned()
                        .ok_or_else(|| crate::environments::not_found(n))
                })
                .collect::<Result<_>>()?
        };
        let needs_keyring = envs.iter().any(|e| e.variables.values().any(|v| v.secret));
        let key = if needs_keyring {
            Some(self.drift_key().await?)
        } else {
            None
        };
        let mut seen: Vec<BTreeMap<String, Seen>> = Vec::new();
        let mut secret_warnings = Vec::new();
        for env in &envs {
            let mut values = BTreeMap::new();
            for (name, value) in self.all_values(env).await {
                let value = value?;
                let value = if env.variables[&name].secret {
                    let secret = value.ok_or_else(|| {
                        AppError::new(
                            ErrorCode::NotFound,
                            format!(
                                "{name} is listed in {} but the keyring holds no value for it",
                                env.name
                            ),
                        )
                    })?;
                    if env.kind == EnvKind::Production {
                        secret_warnings.extend(
                            validate::check_value(&name, secret.expose(), env.kind)
                                .into_iter()
                                .map(|f| DriftWarning {
                                    environment: env.name.clone(),
                                    variable: name.clone(),
                                    message: f.message,
                                }),
                        );
                    }
                    let key = key.as_ref().expect("fetched when any variable is secret");
                    Seen::Secret(keyed_hash(key, secret.expose()))
                } else {
                    Seen::Plain(value.map(|v| v.expose().to_owned()).unwrap_or_default())
                };
                values.insert(name, value);
            }
            seen.push(values);
        }
        let mut board = board(&envs, &seen);
        board.warnings.splice(0..0, secret_warnings);
        Ok(board)
    }
}

fn keyed_hash(key: &SecretString, value: &str) -> [u8; 32] {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.expose().as_bytes()).expect("HMAC takes any key length");
    mac.update(value.as_bytes());
    mac.finalize().into_bytes().into()
}

fn board(envs: &[Environment], seen: &[BTreeMap<String, Seen>]) -> DriftBoard {
    let mut names: Vec<&String> = seen.iter().flat_map(|m| m.keys()).collect();
    names.sort_unstable();
    names.dedup();
    let mut rows = Vec::new();
    for name in names {
        let secret = envs
            .iter()
            .any(|e| e.variables.get(name).is_some_and(|v| v.secret));
        let mut groups: Vec<[u8; 32]> = Vec::new();
        let cells: Vec<DriftCell> = seen
            .iter()
            .map(|m| match m.get(name) {
                None => DriftCell {
                    present: false,
                    value: None,
                    group: None,
                },
                Some(Seen::Plain(v)) => DriftCell {
                    present: true,
                    value: Some(v.clone()),
                    group: None,
                },
                Some(Seen::Secret(h)) => {
                    let at = groups.iter().position(|g| g == h).unwrap_or_else(|| {
                        groups.push(*h);
                        groups.len() - 1
                    });
                    DriftCell {
                        present: true,
                        value: None,
                        group: Some(at as u32 + 1),
                    }
                }
            })
            .collect();
        let all_present = cells.iter().all(|c| c.present);
        let first = &cells[0];
        let all_equal = cells
            .iter()
            .all(|c| c.value == first.value && c.group == first.group);
        let status = if !all_present {
            DriftStatus::Missing
        } else if all_equal {
            DriftStatus::Equal
        } else {
            DriftStatus::Different
        };
        rows.push(DriftRow {
            name: name.clone(),
            secret,
            status,
            cells,
        });
    }
    DriftBoard {
        environments: envs
            .iter()
            .map(|e| DriftEnvironment {
                name: e.name.clone(),
                kind: e.kind,
                color: e.color.clone(),
            })
            .collect(),
        warnings: production_warnings(envs, seen),
        rows,
    }
}

fn production_warnings(envs: &[Environment], seen: &[BTreeMap<String, Seen>]) -> Vec<DriftWarning> {
    let mut out = Vec::new();
    for (env, values) in envs
        .iter()
        .zip(seen)
        .filter(|(e, _)| e.kind == EnvKind::Production)
    {
        let mut warn = |variable: &str, message: String| {
            out.push(DriftWarning {
                environment: env.name.clone(),
                variable: variable.to_owned(),
                message,
            });
        };
        for (name, value) in values {
            if let Seen::Plain(v) = value {
                for f in validate::check_value(name, v, EnvKind::Production) {
                    if f.severity == validate::Severity::Warning {
                        warn(name, f.message);
                    }
                }
            }
        }
        if !env.variables.contains_key("JWT_SECRET_KEY") {
            warn("JWT_SECRET_KEY", "Not set: the platform falls back to a published placeholder, so anyone can forge tokens".to_owned());
        }
        for (name, value) in values {
            let Seen::Secret(hash) = value else { continue };
            for (other, other_values) in envs
                .iter()
                .zip(seen)
                .filter(|(e, _)| e.kind != EnvKind::Production)
            {
                if matches!(other_values.get(name), Some(Seen::Secret(h)) if h == hash) {
                    warn(
                        name,
                        format!(
                            "The same value is used in {} ({}): a leak there exposes production",
                            other.name,
                            other.kind.as_str()
                        ),
                    );
                }
            }
        }
    }
    out
}
