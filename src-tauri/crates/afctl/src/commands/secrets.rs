//! `afctl secrets …`: one environment's variables. Values are read from stdin, never from the
//! command line (where they would land in shell history and process lists).

use std::fmt::Write;
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use afc_core::audit::AuditAction;
use afc_core::secrets::drift::DriftStatus;
use afc_core::secrets::validate::{Finding, Severity};
use afc_core::secrets::{SecretString, VariableChange, read_env_file};
use afc_core::{AppError, Console, ErrorCode};

use super::{Ctx, answer, env_name, wire_name};
use crate::cli::{ConfirmArgs, EnvArg, SecretsCommand};
use crate::output::Output;

pub async fn run(ctx: &Ctx, command: SecretsCommand) -> Result<ExitCode, AppError> {
    let console = ctx.console()?;
    let out = &ctx.out;
    match command {
        SecretsCommand::List { env } => {
            let env = env_name(&console, &env)?;
            let view = console.variables(&env).await?;
            out.result(&view, || {
                let mut s = String::new();
                for row in view
                    .rows
                    .iter()
                    .filter(|r| r.is_set || !r.findings.is_empty())
                {
                    let value = match (&row.value, row.secret, row.is_set) {
                        (_, _, false) => "(not set)".to_owned(),
                        (_, true, true) => "•••••••• (keyring)".to_owned(),
                        (Some(v), false, true) => v.clone(),
                        (None, false, true) => String::new(),
                    };
                    let unread = if row.read {
                        ""
                    } else {
                        "  [not read by the platform]"
                    };
                    let _ = writeln!(s, "{:<32} {value}{unread}", row.name);
                    for f in &row.findings {
                        let _ =
                            writeln!(s, "{:<32}   {}: {}", "", wire_name(f.severity), f.message);
                    }
                }
                if let Some(e) = &view.keyring_error {
                    let _ = writeln!(s, "\nwarning [{}]: {}", e.code, e.message);
                }
                s
            })
        }
        SecretsCommand::Set {
            env,
            var,
            secret,
            plain,
            confirm,
        } => {
            let env = env_name(&console, &env)?;
            let decision = console.decision(&env, AuditAction::VariableSet, Some(&var))?;
            let confirmed = answer(&decision, &confirm)?;
            let value = read_value(&var)?;
            let kind = if secret {
                Some(true)
            } else if plain {
                Some(false)
            } else {
                None
            };
            let findings = console
                .set_variable(&env, &var, value, kind, &confirmed)
                .await?;
            let json =
                serde_json::json!({ "environment": env, "variable": var, "findings": findings });
            out.result(&json, || {
                format!("Set {var} in {env}.\n{}", findings_text(&findings))
            })
        }
        SecretsCommand::Get { env, var, reveal } => {
            let env = env_name(&console, &env)?;
            if reveal {
                let value = console
                    .reveal_variable(&env, &var, AuditAction::SecretReveal)
                    .await?;
                let json = serde_json::json!({ "environment": env, "variable": var, "value": value.expose() });
                return out.result(&json, || format!("{}\n", value.expose()));
            }
            let stored = console
                .environment(&env)?
                .variables
                .get(&var)
                .cloned()
                .ok_or_else(|| {
                    AppError::new(ErrorCode::NotFound, format!("{var} is not set in {env}"))
                })?;
            let json = serde_json::json!({ "environment": env, "variable": var, "secret": stored.secret, "value": stored.value });
            out.result(&json, || match &stored.value {
                Some(v) if !stored.secret => format!("{v}\n"),
                _ => "•••••••• (in the keyring; add --reveal to print it)\n".to_owned(),
            })
        }
        SecretsCommand::MakePlain { env, var, confirm } => {
            change(
                &console,
                out,
                &env,
                &var,
                VariableChange::MakePlain,
                &confirm,
            )
            .await
        }
        SecretsCommand::Remove { env, var, confirm } => {
            change(&console, out, &env, &var, VariableChange::Remove, &confirm).await
        }
        SecretsCommand::Import {
            env,
            file,
            dry_run,
            confirm,
        } => {
            let env = env_name(&console, &env)?;
            let text = read_env_file(&file)?;
            let preview = console.import_preview(&env, &text).await?;
            let mut human = String::new();
            for p in &preview.problems {
                let _ = writeln!(
                    human,
                    "line {}: {} ({})",
                    p.line,
                    p.message,
                    wire_name(p.kind)
                );
            }
            for r in &preview.rows {
                let place = if r.secret { "keyring" } else { "settings" };
                let _ = writeln!(
                    human,
                    "line {:<4} {:<32} {:<9} → {place}",
                    r.line,
                    r.name,
                    wire_name(r.action)
                );
                human.push_str(&findings_text(&r.findings));
            }
            if dry_run {
                return out.result(&preview, || human + "Dry run: nothing was written.\n");
            }
            let source = file.display().to_string();
            let decision = console.decision(&env, AuditAction::EnvFileImport, Some(&source))?;
            let confirmed = answer(&decision, &confirm)?;
            let summary = console.import(&env, &text, &source, &confirmed).await?;
            out.result(&serde_json::json!({ "preview": preview, "summary": summary }), || {
                format!(
                    "{human}Imported into {env}: {} new, {} changed, {} unchanged ({} secrets in the keyring), {} invalid lines skipped.\n",
                    summary.added, summary.changed, summary.unchanged, summary.secrets, summary.skipped
                )
            })
        }
        SecretsCommand::Export { env, file } => {
            let env = env_name(&console, &env)?;
            eprintln!(
                "warning: {} will contain secret values in clear; it is created readable only by you. Delete it when done.",
                file.display()
            );
            let summary = console.export(&env, &file).await?;
            out.result(&summary, || {
                format!(
                    "Exported {} variables ({} secrets) from {env} to {}.\n",
                    summary.variables, summary.secrets, summary.path
                )
            })
        }
        SecretsCommand::Check { env } => {
            let env = env_name(&console, &env)?;
            let view = console.variables(&env).await?;
            let errors = view.errors();
            out.report(&view, errors > 0, || {
                let mut s = String::new();
                for row in view.rows.iter().filter(|r| !r.findings.is_empty()) {
                    for f in &row.findings {
                        let _ = writeln!(
                            s,
                            "{:<7} {:<32} {}",
                            wire_name(f.severity),
                            row.name,
                            f.message
                        );
                    }
                }
                let _ = writeln!(s, "{env}: {errors} error(s)");
                s
            })
        }
        SecretsCommand::Diff { env1, env2 } => {
            let board = console.drift(&[env1.clone(), env2.clone()]).await?;
            out.report(&board, board.drifted() > 0, || {
                let mut s = String::new();
                let _ = writeln!(s, "{:<32} {:<24} {:<24}", "variable", env1, env2);
                for row in board.rows.iter().filter(|r| r.status != DriftStatus::Equal) {
                    let cell = |i: usize| {
                        let c = &row.cells[i];
                        match (&c.value, c.group, c.present) {
                            (_, _, false) => "(missing)".to_owned(),
                            (Some(v), _, _) => v.chars().take(22).collect(),
                            (None, Some(g), _) => format!("secret #{g}"),
                            (None, None, _) => String::new(),
                        }
                    };
                    let _ = writeln!(
                        s,
                        "{:<32} {:<24} {:<24} {}",
                        row.name,
                        cell(0),
                        cell(1),
                        wire_name(row.status)
                    );
                }
                for w in &board.warnings {
                    let _ = writeln!(
                        s,
                        "warning: {} {}: {}",
                        w.environment, w.variable, w.message
                    );
                }
                let _ = writeln!(s, "{} variable(s) differ", board.drifted());
                s
            })
        }
    }
}

fn findings_text(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "  {}: {}\n",
                if f.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                },
                f.message
            )
        })
        .collect()
}

/// The value from stdin: typed without echo on a terminal, else read to the end (one trailing
/// newline removed, as `echo` and here-strings add one).
pub fn read_value(var: &str) -> Result<SecretString, AppError> {
    let value = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("Value of {var}: ")).map_err(|e| {
            AppError::internal("Could not read the value").with_details(e.to_string())
        })?
    } else {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            AppError::invalid_input("The value on stdin is not UTF-8 text")
                .with_details(e.to_string())
        })?;
        if text.ends_with('\n') {
            text.pop();
            if text.ends_with('\r') {
                text.pop();
            }
        }
        text
    };
    Ok(SecretString::new(value))
}

/// `secrets remove` and `secrets make-plain`: what the write policy asks, then the change.
async fn change(
    console: &Console,
    out: &Output,
    env: &EnvArg,
    var: &str,
    change: VariableChange,
    confirm: &ConfirmArgs,
) -> Result<ExitCode, AppError> {
    let env = env_name(console, env)?;
    let decision = console.decision(&env, change.action(), Some(var))?;
    console
        .change_variable(&env, var, change, &answer(&decision, confirm)?)
        .await?;
    let (json, human) = match change {
        VariableChange::Remove => (
            serde_json::json!({ "environment": env, "removed": var }),
            format!("Removed {var} from {env}.\n"),
        ),
        VariableChange::MakePlain => (
            serde_json::json!({ "environment": env, "madePlain": var }),
            format!("{var} in {env} is now kept in the settings file as plain text.\n"),
        ),
    };
    out.result(&json, || human)
}
