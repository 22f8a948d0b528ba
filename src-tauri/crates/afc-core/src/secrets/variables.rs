//! One environment's variables: listing with validation, setting, revealing, `.env` import and
//! export, and the check afctl and the window share.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::SecretString;
use super::catalog::{self, Category, Requirement};
use super::dotenv::{self, DotenvProblem, ParsedDotenv};
use super::validate::{self, Finding, Severity};
use crate::audit::{AuditAction, Event, Outcome};
use crate::console::Console;
use crate::environments::{Environment, StoredVar, account, not_found};
use crate::guard::Confirmation;
use crate::{AppError, ErrorCode, Result};

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct VariableRow {
    pub name: String,
    pub category: Category,
    pub secret: bool,
    pub requirement: Requirement,
    /// Whether the platform's code reads it (the catalog says so where it does not).
    pub read: bool,
    pub note: String,
    pub default: Option<String>,
    /// Not in the catalog: added by the operator.
    pub custom: bool,
    pub is_set: bool,
    /// Plain values only; secret values are fetched on explicit reveal.
    pub value: Option<String>,
    pub findings: Vec<Finding>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct VariablesView {
    pub environment: String,
    pub rows: Vec<VariableRow>,
    /// Set when secret values could not be read to validate them.
    pub keyring_error: Option<AppError>,
}

impl VariablesView {
    pub fn errors(&self) -> usize {
        self.rows
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|f| f.severity == Severity::Error)
            .count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    New,
    Changed,
    Unchanged,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct ImportRow {
    pub name: String,
    pub line: u32,
    pub secret: bool,
    pub action: ImportAction,
    /// The value for plain variables; secrets are never echoed.
    pub value: Option<String>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    pub environment: String,
    pub rows: Vec<ImportRow>,
    pub problems: Vec<DotenvProblem>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub environment: String,
    pub added: u32,
    pub changed: u32,
    pub unchanged: u32,
    pub secrets: u32,
    /// Lines skipped as invalid.
    pub skipped: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportSummary {
    pub environment: String,
    pub path: String,
    pub variables: u32,
    pub secrets: u32,
}

/// What [`Console::change_variable`] does to a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VariableChange {
    Remove,
    /// Keep a custom secret as plain text (its value moves to the settings file).
    MakePlain,
}

impl VariableChange {
    /// What the write policy and the audit log call it.
    pub fn action(self) -> AuditAction {
        match self {
            Self::Remove => AuditAction::VariableDelete,
            Self::MakePlain => AuditAction::VariableMakePlain,
        }
    }
}

/// Where the `.env` text to import comes from (the window's import dialog).
#[derive(Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ImportSource {
    /// A file the operator chooses in the native open dialog, which the backend opens.
    File,
    /// Pasted text (no `Debug` on this type: it would print secrets).
    Text { text: String },
}

/// A preview the window shows, with the id that applies exactly this preview.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewedImport {
    #[ts(type = "number")]
    pub id: u64,
    pub preview: ImportPreview,
    /// The file's path, or "pasted text".
    pub source: String,
}

/// Whether `name` is kept in the keyring when set to `value`: the catalog decides for its
/// variables; a custom one keeps what it is (once secret, it stays secret until the operator
/// runs `make_plain`), and a new one is what the operator asked, or what its name suggests.
fn kept_secret(
    env: &Environment,
    name: &str,
    value: &str,
    requested: Option<bool>,
) -> Result<bool> {
    if let Some(spec) = catalog::lookup(name) {
        return Ok(spec.sensitivity.is_secret());
    }
    let stored = env.variables.get(name).map(|v| v.secret);
    match (stored, requested) {
        (Some(true), Some(false)) => Err(AppError::invalid_input(format!(
            "{name} is kept in the OS keyring, and setting it does not change that"
        ))
        .with_details(
            "To keep it as plain text instead (its value is then written to the settings file), use \"Store as plain text\" in the Secrets section or afctl secrets make-plain.",
        )),
        (Some(stored), None) => Ok(stored),
        (_, Some(requested)) => Ok(requested),
        (None, None) => Ok(catalog::is_secret(name, Some(value))),
    }
}

/// The `.env` text of a file the operator chose: UTF-8 text of a sensible size, not a binary
/// (a NUL byte) such as `/proc/self/environ`.
pub fn read_env_file(path: &Path) -> Result<String> {
    const LIMIT: u64 = 1024 * 1024;
    let size = std::fs::metadata(path)
        .map_err(|e| AppError::io("read", path, &e))?
        .len();
    if size > LIMIT {
        return Err(AppError::invalid_input(format!(
            "{} is {size} bytes: too large for a .env file (the limit is 1 MiB)",
            path.display()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| AppError::io("read", path, &e))?;
    if bytes.contains(&0) {
        return Err(AppError::invalid_input(format!(
            "{} holds binary data (a NUL byte), not .env text",
            path.display()
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        AppError::invalid_input(format!("{} is not UTF-8 text", path.display())).with_details(
            format!(
                "The first invalid byte is at offset {}",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

impl Console {
    /// A variable's value: plain from the settings, secret from the keyring.
    async fn value_of(&self, env: &Environment, name: &str) -> Result<Option<SecretString>> {
        match env.variables.get(name) {
            None => Ok(None),
            Some(StoredVar { secret: true, .. }) => {
                self.keyring.get(&account(&env.name, name)).await
            }
            Some(StoredVar { value, .. }) => Ok(value.clone().map(SecretString::plain)),
        }
    }

    /// The values of `names` (None where one is not set), the secrets fetched from the keyring
    /// together. Only owned values are held while they are fetched, so the future can go to a
    /// spawned job.
    pub(crate) async fn values_of(
        &self,
        env: &Environment,
        names: &[String],
    ) -> Vec<Result<Option<SecretString>>> {
        let secret: Vec<String> = names
            .iter()
            .filter(|n| env.variables.get(*n).is_some_and(|v| v.secret))
            .cloned()
            .collect();
        let accounts = secret.iter().map(|n| account(&env.name, n)).collect();
        let mut fetched: BTreeMap<String, Result<Option<SecretString>>> = secret
            .into_iter()
            .zip(self.keyring.get_many(accounts).await)
            .collect();
        names
            .iter()
            .map(|n| match env.variables.get(n) {
                Some(StoredVar { secret: true, .. }) => fetched.remove(n).unwrap_or(Ok(None)),
                Some(StoredVar { value, .. }) => Ok(value.clone().map(SecretString::plain)),
                None => Ok(None),
            })
            .collect()
    }

    /// Every variable's value, secrets read from the keyring concurrently (each read is a D-Bus
    /// round trip; one after another they made the Secrets view several times slower).
    pub(crate) async fn all_values(
        &self,
        env: &Environment,
    ) -> BTreeMap<String, Result<Option<SecretString>>> {
        let secret_names: Vec<&String> = env
            .variables
            .iter()
            .filter(|(_, v)| v.secret)
            .map(|(k, _)| k)
            .collect();
        let accounts = secret_names.iter().map(|n| account(&env.name, n)).collect();
        let fetched = self.keyring.get_many(accounts).await;
        let mut values: BTreeMap<String, Result<Option<SecretString>>> =
            secret_names.into_iter().cloned().zip(fetched).collect();
        for (name, stored) in env.variables.iter().filter(|(_, v)| !v.secret) {
            values.insert(
                name.clone(),
                Ok(stored.value.clone().map(SecretString::plain)),
            );
        }
        values
    }

    /// All catalog variables plus the environment's own, each validated.
    pub async fn variables(&self, env_name: &str) -> Result<VariablesView> {
        let env = self.environment(env_name)?;
        let mut keyring_error = None;
        let mut values: BTreeMap<String, Option<SecretString>> = BTreeMap::new();
        for (name, value) in self.all_values(&env).await {
            let value = match value {
                Ok(v) => v,
                Err(e)
                    if e.code == ErrorCode::KeyringUnavailable || e.code == ErrorCode::Timeout =>
                {
                    keyring_error = Some(e);
                    None
                }
                Err(e) => return Err(e),
            };
            values.insert(name, value);
        }
        let missing: BTreeMap<String, Finding> =
            validate::missing(env.kind, |n| env.variables.contains_key(n))
                .into_iter()
                .collect();
        let custom = env
            .variables
            .keys()
            .filter(|n| catalog::lookup(n).is_none());
        let catalog_names = catalog::CATALOG.iter().map(|s| s.name);
        let mut rows = Vec::new();
        for name in catalog_names.chain(custom.map(String::as_str)) {
            let stored = env.variables.get(name);
            let spec = catalog::lookup(name);
            let mut findings: Vec<Finding> = missing.get(name).cloned().into_iter().collect();
            match values.get(name) {
                Some(Some(v)) => findings.extend(validate::check_value(name, v.expose(), env.kind)),
                Some(None) if stored.is_some_and(|s| s.secret) => findings.push(Finding {
                    severity: if keyring_error.is_some() {
                        Severity::Info
                    } else {
                        Severity::Error
                    },
                    message: if keyring_error.is_some() {
                        "Not checked: the keyring is unavailable".to_owned()
                    } else {
                        "Listed, but the keyring holds no value for it: set it again".to_owned()
                    },
                }),
                _ => {}
            }
            rows.push(VariableRow {
                name: name.to_owned(),
                category: spec.map_or(Category::Custom, |s| s.category),
                secret: stored.map_or_else(
                    || spec.is_some_and(|s| s.sensitivity.is_secret()),
                    |s| s.secret,
                ),
                requirement: spec.map_or(Requirement::Optional, |s| s.requirement),
                read: spec.is_none_or(|s| s.read),
                note: spec.map_or_else(String::new, |s| s.note.to_owned()),
                default: spec.and_then(|s| s.default.map(str::to_owned)),
                custom: spec.is_none(),
                is_set: stored.is_some(),
                value: stored.and_then(|s| s.value.clone()),
                findings,
            });
        }
        Ok(VariablesView {
            environment: env.name,
            rows,
            keyring_error,
        })
    }

    /// Sets a variable. Secret values (by the catalog, or `secret` for custom variables) go to
    /// the keyring; the settings only record that the variable exists. Returns the findings.
    pub async fn set_variable(
        &self,
        env_name: &str,
        name: &str,
        value: SecretString,
        secret: Option<bool>,
        answer: &Confirmation,
    ) -> Result<Vec<Finding>> {
        let event = Event::new(AuditAction::VariableSet, Some(env_name)).target(name);
        self.guarded_on(env_name, event, Some(name), answer, async |_| {
            if !catalog::is_valid_name(name) {
                return Err(AppError::invalid_input(format!(
                    "{name:?} is not a variable name (letters, digits and _, not starting with a digit)"
                )));
            }
            let env = self.environment(env_name)?;
            let secret = kept_secret(&env, name, value.expose(), secret)?;
            self.store_variables(&env, vec![(name.to_owned(), value.clone(), secret)]).await?;
            Ok(validate::check_value(name, value.expose(), env.kind))
        })
        .await
    }

    /// Writes values: secrets to the keyring first, then one settings update. If the settings
    /// cannot be saved, secrets just written for new variables are removed again.
    async fn store_variables(
        &self,
        env: &Environment,
        vars: Vec<(String, SecretString, bool)>,
    ) -> Result<()> {
        let mut written = Vec::new();
        for (name, value, secret) in &vars {
            if *secret {
                let account = account(&env.name, name);
                self.keyring.set(&account, value).await?;
                if !env.variables.contains_key(name) {
                    written.push(account);
                }
            }
        }
        // A variable that becomes secret leaves the file (it never goes the other way here: see
        // `make_plain`).
        let saved = self.update_variables(&env.name, |variables| {
            for (name, value, secret) in vars {
                let value = (!secret).then(|| value.expose().to_owned());
                variables.insert(name, StoredVar { secret, value });
            }
        });
        if let Err(e) = saved {
            for account in written {
                let _ = self.keyring.delete(&account).await;
            }
            return Err(e);
        }
        Ok(())
    }

    /// Changes the stored variables of environment `env_name` in one settings update.
    fn update_variables(
        &self,
        env_name: &str,
        change: impl FnOnce(&mut BTreeMap<String, StoredVar>),
    ) -> Result<()> {
        self.update_profiles(|s| {
            let target = s
                .environments
                .iter_mut()
                .find(|e| e.name == env_name)
                .ok_or_else(|| not_found(env_name))?;
            change(&mut target.variables);
            Ok(())
        })
    }

    /// Removes a variable, or keeps a custom secret as plain text, as the write policy allows.
    pub async fn change_variable(
        &self,
        env_name: &str,
        name: &str,
        change: VariableChange,
        answer: &Confirmation,
    ) -> Result<()> {
        let event = Event::new(change.action(), Some(env_name)).target(name);
        self.guarded_on(env_name, event, Some(name), answer, async |_| {
            let env = self.environment(env_name)?;
            let stored = env.variables.get(name).ok_or_else(|| {
                AppError::new(
                    ErrorCode::NotFound,
                    format!("{name} is not set in {env_name}"),
                )
            })?;
            match change {
                VariableChange::Remove => self.remove(env_name, name, stored.secret).await,
                VariableChange::MakePlain => self.make_plain(env_name, name, stored.secret).await,
            }
        })
        .await
    }

    async fn remove(&self, env_name: &str, name: &str, secret: bool) -> Result<()> {
        if secret {
            self.keyring.delete(&account(env_name, name)).await?;
        }
        self.update_variables(env_name, |variables| {
            variables.remove(name);
        })
    }

    /// Moves a custom secret's value out of the keyring into the settings file, where the window
    /// shows it: only on the operator's explicit request, with the confirmation the write policy
    /// asks for (it says the value will be on disk).
    async fn make_plain(&self, env_name: &str, name: &str, secret: bool) -> Result<()> {
        if catalog::lookup(name).is_some_and(|s| s.sensitivity.is_secret()) {
            return Err(AppError::invalid_input(format!(
                "{name} is a secret by the platform's catalog: it stays in the OS keyring"
            )));
        }
        if !secret {
            return Err(AppError::invalid_input(format!(
                "{name} is already kept as plain text in {env_name}"
            )));
        }
        let account = account(env_name, name);
        let value = self.keyring.get(&account).await?.ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!("The keyring holds no value for {name}: set it again"),
            )
        })?;
        self.update_variables(env_name, |variables| {
            let value = Some(value.expose().to_owned());
            variables.insert(
                name.to_owned(),
                StoredVar {
                    secret: false,
                    value,
                },
            );
        })?;
        self.keyring.delete(&account).await
    }

    /// A variable's value for an operator who asked to see or copy it. Secret reads are audited.
    pub async fn reveal_variable(
        &self,
        env_name: &str,
        name: &str,
        action: AuditAction,
    ) -> Result<SecretString> {
        let env = self.environment(env_name)?;
        let secret = env.variables.get(name).is_some_and(|v| v.secret);
        let result = self.value_of(&env, name).await.and_then(|v| {
            v.ok_or_else(|| {
                AppError::new(
                    ErrorCode::NotFound,
                    format!("{name} is not set in {env_name}"),
                )
            })
        });
        if secret {
            let event = Event::new(action, Some(env_name)).target(name);
            return self.audit.around(event, result);
        }
        result
    }

    pub async fn import_preview(&self, env_name: &str, text: &str) -> Result<ImportPreview> {
        let env = self.environment(env_name)?;
        let parsed = dotenv::parse(text);
        let rows = self.plan_import(&env, &parsed).await?;
        // Saying whether a value matches a stored secret answers a guess about it: recorded,
        // as a reveal is.
        let compared = rows
            .iter()
            .filter(|r| r.secret && r.action != ImportAction::New)
            .count();
        if compared > 0 {
            let event = Event::new(AuditAction::EnvFilePreview, Some(env_name))
                .detail(format!("compared {compared} stored secret value(s)"));
            self.audit.record(event, Outcome::Ok)?;
        }
        Ok(ImportPreview {
            environment: env.name,
            rows,
            problems: parsed.problems,
        })
    }

    /// What importing `parsed` into `env` would do, entry by entry (in the same order).
    async fn plan_import(
        &self,
        env: &Environment,
        parsed: &ParsedDotenv,
    ) -> Result<Vec<ImportRow>> {
        let current = self.all_values(env).await;
        let mut rows = Vec::new();
        for entry in &parsed.entries {
            // An import never makes a secret plain: the variable keeps what it is.
            let secret = kept_secret(env, &entry.key, &entry.value, None)?;
            let action = match current.get(&entry.key) {
                None | Some(Ok(None)) => ImportAction::New,
                Some(Err(e)) => return Err(e.clone()),
                Some(Ok(Some(old))) if old.expose() == entry.value => ImportAction::Unchanged,
                Some(Ok(Some(_))) => ImportAction::Changed,
            };
            rows.push(ImportRow {
                findings: validate::check_value(&entry.key, &entry.value, env.kind),
                value: (!secret).then(|| entry.value.clone()),
                name: entry.key.clone(),
                line: entry.line,
                secret,
                action,
            });
        }
        Ok(rows)
    }

    /// Imports `text` (the same text the preview was made from): valid entries are written,
    /// invalid lines skipped and counted.
    pub async fn import(
        &self,
        env_name: &str,
        text: &str,
        source: &str,
        answer: &Confirmation,
    ) -> Result<ImportSummary> {
        let event = Event::new(AuditAction::EnvFileImport, Some(env_name)).detail(source);
        self.guarded_on(env_name, event, Some(source), answer, async |_| {
            let env = self.environment(env_name)?;
            let parsed = dotenv::parse(text);
            let rows = self.plan_import(&env, &parsed).await?;
            let mut summary = ImportSummary {
                environment: env.name.clone(),
                added: 0,
                changed: 0,
                unchanged: 0,
                secrets: 0,
                skipped: parsed
                    .problems
                    .iter()
                    .filter(|p| p.kind == dotenv::ProblemKind::Invalid)
                    .count() as u32,
            };
            let mut vars = Vec::new();
            for (row, entry) in rows.iter().zip(parsed.entries) {
                match row.action {
                    ImportAction::New => summary.added += 1,
                    ImportAction::Changed => summary.changed += 1,
                    ImportAction::Unchanged => {
                        summary.unchanged += 1;
                        continue;
                    }
                }
                summary.secrets += u32::from(row.secret);
                vars.push((entry.key, SecretString::new(entry.value), row.secret));
            }
            let names: Vec<String> = vars.iter().map(|(name, _, _)| name.clone()).collect();
            self.store_variables(&env, vars).await?;
            // One entry per variable written, as for any other change.
            for name in &names {
                let event = Event::new(AuditAction::VariableSet, Some(env_name))
                    .target(name)
                    .detail(format!("imported from {source}"));
                self.audit.record(event, Outcome::Ok)?;
            }
            Ok(summary)
        })
        .await
    }

    /// Writes every variable of an environment to a `.env` file (mode 0600), secrets included.
    /// The window and afctl call this only after the operator has been warned.
    pub async fn export(&self, env_name: &str, path: &Path) -> Result<ExportSummary> {
        let event = Event::new(AuditAction::EnvFileExport, Some(env_name))
            .detail(path.display().to_string());
        let result = async {
            let env = self.environment(env_name)?;
            let mut values = Vec::new();
            let mut secrets = 0;
            for (name, value) in self.all_values(&env).await {
                let value = value?.ok_or_else(|| {
                    AppError::new(ErrorCode::NotFound, format!("{name} is listed but the keyring holds no value for it"))
                })?;
                secrets += u32::from(env.variables[&name].secret);
                values.push((name, value));
            }
            let header = format!(
                "Agent Factory environment \"{}\" ({}), exported by Agent Factory Console.\nContains secrets: keep this file private and delete it when done.",
                env.name, env.kind.as_str()
            );
            let text = dotenv::format_file(&header, values.iter().map(|(k, v)| (k.as_str(), v.expose())));
            write_private(path, text.as_bytes())?;
            Ok(ExportSummary {
                environment: env.name.clone(),
                path: path.display().to_string(),
                variables: values.len() as u32,
                secrets,
            })
        }
        .await;
        self.audit.around(event, result)
    }
}

/// Writes a file only its owner can read, atomically (a temporary file beside it, then rename).
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| AppError::io("write in", dir, &e))?;
    std::io::Write::write_all(&mut tmp, bytes)
        .map_err(|e| AppError::io("write", tmp.path(), &e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| AppError::io("write", tmp.path(), &e))?;
    tmp.persist(path)
        .map_err(|e| AppError::io("write", path, &e.error))?;
    Ok(())
}
