//! `afctl agents …`: the API's registry and the agents table, as the window's Agents section.

use std::fmt::Write;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use afc_core::agents::{
    AgentPlan, AgentRow, BulkEvent, BulkReport, Direction, FileFormat, NewAgent, PlanAction,
    RunRequest, TableOwner, plan_summary, reconcile_subject,
};
use afc_core::audit::AuditAction;
use afc_core::jobs::JobEventSource;
use afc_core::progress::Progress;
use afc_core::{AppError, ErrorCode};

use super::{Ctx, answer, target_name, wire_name};
use crate::cli::{AgentFormat, AgentsCommand, BulkArgs, ConfirmArgs, Side};
use crate::output::Output;

pub async fn run(ctx: &Ctx, command: AgentsCommand) -> Result<ExitCode, AppError> {
    let console = ctx.console()?;
    let out = &ctx.out;
    match command {
        AgentsCommand::List { env } => {
            let env = target_name(&console, &env)?;
            let view = console.agents(&env).await?;
            let partial = view.api_error.is_some() || view.database_error.is_some();
            out.report(&view, partial, || {
                let mut s = String::new();
                for r in &view.rows {
                    let _ = writeln!(s, "{}", line(r));
                }
                if view.rows.is_empty() {
                    s.push_str("No agents.\n");
                }
                for (side, e) in [("API", &view.api_error), ("database", &view.database_error)] {
                    if let Some(e) = e {
                        let _ = writeln!(
                            s,
                            "warning: the {side} half is missing [{}]: {}",
                            e.code, e.message
                        );
                    }
                }
                s
            })
        }
        AgentsCommand::Show { id, env } => {
            let env = target_name(&console, &env)?;
            let view = console.agents(&env).await?;
            let row = view.rows.into_iter().find(|r| r.id == id).ok_or_else(|| {
                AppError::new(
                    ErrorCode::NotFound,
                    format!("No agent \"{id}\" in the API or the table of {env}"),
                )
            })?;
            out.result(&row, || describe(&row))
        }
        AgentsCommand::Create {
            id,
            name,
            instructions,
            instructions_file,
            model,
            env,
            confirm,
        } => {
            let env = target_name(&console, &env)?;
            let instructions = text_or_file(instructions, instructions_file)?;
            let agent = NewAgent {
                id,
                name,
                instructions,
                model,
            };
            // The API overwrites silently: an existing agent is replaced only when asked.
            if let Some(current) = console.api_agent(&env, &agent.id).await? {
                let changed = afc_core::agents::plan_changes(&NewAgent::from(&current), &agent);
                eprintln!(
                    "Agent {} exists in the API's registry: saving replaces it ({}).",
                    agent.id,
                    if changed.is_empty() {
                        "nothing differs".to_owned()
                    } else {
                        format!("changes {}", changed.join(", "))
                    }
                );
                if !confirm.yes && confirm.confirm.is_none() {
                    return Ok(out.failure(&AppError::new(
                        ErrorCode::Conflict,
                        format!("Agent {} exists: pass --yes to replace it", agent.id),
                    )));
                }
            }
            let decision = console.decision(&env, AuditAction::AgentSave, Some(&agent.id))?;
            let confirmed = answer(&decision, &confirm)?;
            console.save_agent(&env, &agent, &confirmed).await?;
            out.result(
                &serde_json::json!({ "id": agent.id, "status": "saved" }),
                || format!("Saved agent {} in the API's registry of {env}.\n", agent.id),
            )
        }
        AgentsCommand::Update {
            id,
            name,
            instructions,
            instructions_file,
            model,
            env,
            confirm,
        } => {
            let env = target_name(&console, &env)?;
            let Some(current) = console.api_agent(&env, &id).await? else {
                return Ok(out.failure(&AppError::new(
                    ErrorCode::NotFound,
                    format!("No agent \"{id}\" in the API's registry of {env}: create it instead"),
                )));
            };
            let instructions = match (instructions, instructions_file) {
                (None, None) => current.instructions.clone(),
                (text, file) => text_or_file(text, file)?,
            };
            let agent = NewAgent {
                id,
                name: name.unwrap_or_else(|| current.name.clone()),
                instructions,
                model: model.unwrap_or_else(|| current.model.clone()),
            };
            let changes = afc_core::agents::plan_changes(&NewAgent::from(&current), &agent);
            if changes.is_empty() {
                return out.result(
                    &serde_json::json!({ "id": agent.id, "status": "unchanged" }),
                    || {
                        format!(
                            "Agent {} already has those values: nothing to save.\n",
                            agent.id
                        )
                    },
                );
            }
            if !out.json {
                eprintln!(
                    "Updating {} on {env} changes {}.",
                    agent.id,
                    changes.join(", ")
                );
            }
            let decision = console.decision(&env, AuditAction::AgentSave, Some(&agent.id))?;
            let confirmed = answer(&decision, &confirm)?;
            console.save_agent(&env, &agent, &confirmed).await?;
            out.result(
                &serde_json::json!({ "id": agent.id, "status": "saved", "changes": changes }),
                || format!("Updated agent {} ({}).\n", agent.id, changes.join(", ")),
            )
        }
        AgentsCommand::Export {
            folder,
            format,
            only,
            env,
        } => {
            let env = target_name(&console, &env)?;
            let format = match format {
                AgentFormat::Json => FileFormat::Json,
                AgentFormat::Yaml => FileFormat::Yaml,
            };
            let ids = (!only.is_empty()).then_some(only.as_slice());
            let report = console.export_agents(&env, &folder, format, ids).await?;
            out.result(&report, || {
                format!(
                    "Wrote {} agent file(s) of {env} to {}.\n",
                    report.files.len(),
                    report.folder
                )
            })
        }
        AgentsCommand::Import {
            path,
            bulk,
            env,
            confirm,
        } => {
            let env = target_name(&console, &env)?;
            let plan = console.import_plan(&env, &path).await?;
            apply_plan(ctx, &console, plan, &bulk, &confirm).await
        }
        AgentsCommand::Diff { other, env } => {
            let env = target_name(&console, &env)?;
            let plan = console.promotion_plan(&env, &other).await?;
            let differs = plan.items.iter().any(|i| i.action != PlanAction::Unchanged);
            out.report(&plan, differs, || {
                let mut s = describe_plan(&plan);
                let _ = writeln!(s, "{env} → {other}: {}", plan_summary(&plan));
                s
            })
        }
        AgentsCommand::Promote {
            to,
            only,
            bulk,
            env,
            confirm,
        } => {
            let env = target_name(&console, &env)?;
            let mut plan = console.promotion_plan(&env, &to).await?;
            plan.items.retain(|i| {
                i.action != PlanAction::OnlyInTarget && (only.is_empty() || only.contains(&i.id))
            });
            apply_plan(ctx, &console, plan, &bulk, &confirm).await
        }
        AgentsCommand::Delete { id, env, confirm } => {
            let env = target_name(&console, &env)?;
            let decision = console.decision(&env, AuditAction::AgentDelete, Some(&id))?;
            let confirmed = answer(&decision, &confirm)?;
            console.delete_agent(&env, &id, &confirmed).await?;
            out.result(
                &serde_json::json!({ "id": id, "status": "deleted" }),
                || format!("Deleted agent {id} from the API's registry of {env}.\n"),
            )
        }
        AgentsCommand::Reconcile {
            ids,
            to: Side::Api,
            bulk,
            env,
            confirm,
            ..
        } => {
            let env = target_name(&console, &env)?;
            let plan = console.publish_plan(&env, &ids).await?;
            apply_plan(ctx, &console, plan, &bulk, &confirm).await
        }
        AgentsCommand::Reconcile {
            ids,
            to: Side::Table,
            tenant,
            creator,
            bulk,
            env,
            confirm,
        } => {
            let env = target_name(&console, &env)?;
            let owner = TableOwner {
                tenant_id: tenant,
                created_by: creator,
            };
            let direction = Direction::ToTable;
            let preview = console
                .reconcile_preview(&env, &ids, direction, &owner)
                .await?;
            let replacing = match preview.replaces.len() {
                0 => String::new(),
                n => format!(", replacing {n} row(s)"),
            };
            let shown = format!("To {}{replacing}:\n{}\n", preview.target, preview.text);
            if bulk.dry_run {
                return out.result(&preview, || shown);
            }
            if !out.json {
                eprint!("{shown}");
            }
            let subject = reconcile_subject(&ids);
            let decision = console.decision(&env, AuditAction::AgentToTable, Some(&subject))?;
            let confirmed = answer(&decision, &confirm)?;
            console
                .reconcile_agents(&env, &ids, direction, &owner, &confirmed)
                .await?;
            out.result(&preview, || {
                format!("Wrote {subject} to {}.\n", preview.target)
            })
        }
        AgentsCommand::History { id, search, env } => {
            let env = target_name(&console, &env)?;
            let runs = console.run_history(&env, id.as_deref(), search.as_deref())?;
            out.result(&runs, || {
                let mut s = String::new();
                for r in &runs {
                    let _ = writeln!(
                        s,
                        "{}  {:<20} {:<9} {}",
                        r.at.format("%Y-%m-%d %H:%M:%S"),
                        r.agent,
                        r.status,
                        r.input.lines().next().unwrap_or_default()
                    );
                }
                if runs.is_empty() {
                    s.push_str("No runs kept.\n");
                }
                s
            })
        }
        AgentsCommand::Run {
            id,
            input,
            input_file,
            session,
            timeout,
            context,
            env,
        } => {
            let env = target_name(&console, &env)?;
            let input_text = text_or_file(input, input_file)?;
            let context = context
                .map(|c| {
                    serde_json::from_str::<serde_json::Value>(&c)
                        .map_err(|e| AppError::invalid_input(format!("--context is not JSON: {e}")))
                })
                .transpose()?;
            let request = RunRequest {
                input_text,
                session_id: session,
                context,
            };
            let timeout = std::time::Duration::from_secs(timeout);
            let result = console
                .run_agent_within(&env, &id, &request, timeout)
                .await?;
            out.report(&result, result.failed(), || {
                let mut s = format!("{} in {:.2} s", result.status, result.execution_time);
                if let Some(r) = &result.request_id {
                    let _ = write!(s, " (request id {r})");
                }
                s.push('\n');
                if !result.output.is_empty() {
                    let _ = writeln!(s, "{}", result.output);
                }
                if let Some(e) = &result.error {
                    let _ = writeln!(s, "error: {e}");
                }
                if let Some(why) = &result.explanation {
                    let _ = writeln!(s, "{why}");
                }
                s
            })
        }
    }
}

/// Shows `plan`, then (unless a dry run) saves its new and replaced agents. Exit 1 when an item
/// is invalid or the writes did not all complete.
async fn apply_plan(
    ctx: &Ctx,
    console: &afc_core::Console,
    plan: AgentPlan,
    bulk: &BulkArgs,
    confirm: &ConfirmArgs,
) -> Result<ExitCode, AppError> {
    let out = &ctx.out;
    let invalid = plan.count(PlanAction::Invalid) > 0;
    let writes = plan.writes();
    if bulk.dry_run || writes.is_empty() {
        return out.report(&plan, invalid, || {
            format!("{}{}\n", describe_plan(&plan), plan_summary(&plan))
        });
    }
    if !out.json {
        eprintln!("{}{}", describe_plan(&plan), plan_summary(&plan));
    }
    let subject = format!("{} agents", writes.len());
    let decision = console.decision(&plan.target, AuditAction::AgentSave, Some(&subject))?;
    let confirmed = answer(&decision, confirm)?;
    let report = console
        .save_agents(
            &plan.target,
            &writes,
            &confirmed,
            bulk.pace,
            &bulk_progress(out),
            &ctx.cancel,
        )
        .await?;
    out.report(&report, invalid || !report.complete(), || {
        describe_bulk(&report, &plan.target)
    })
}

fn bulk_progress(out: &Output) -> Progress<BulkEvent> {
    if out.json {
        return Progress::none();
    }
    Progress::new(|event: BulkEvent| eprintln!("{}", event.line()))
}

fn describe_plan(plan: &AgentPlan) -> String {
    let mut s = String::new();
    for i in &plan.items {
        let what = match i.action {
            PlanAction::New => "new".to_owned(),
            PlanAction::Replace => format!("replace ({})", i.changes.join(", ")),
            PlanAction::Unchanged => "unchanged".to_owned(),
            PlanAction::Invalid => format!("invalid: {}", i.reason.as_deref().unwrap_or_default()),
            PlanAction::OnlyInTarget => format!("only in {}", plan.target),
        };
        let _ = writeln!(s, "{:<28} {:<24} {what}", i.id, i.origin);
    }
    s
}

fn describe_bulk(r: &BulkReport, target: &str) -> String {
    let mut s = format!("Saved {} agent(s) to {target}.\n", r.done.len());
    if let (Some(id), Some(e)) = (&r.failed, &r.error) {
        let _ = writeln!(s, "Stopped at {id} [{}]: {}", e.code, e.message);
    }
    if r.cancelled {
        s.push_str("Cancelled.\n");
    }
    if !r.not_started.is_empty() {
        let _ = writeln!(
            s,
            "Not started: {} (run the same command again to finish).",
            r.not_started.join(", ")
        );
    }
    s
}

fn line(r: &AgentRow) -> String {
    let differs = if r.differences.is_empty() {
        String::new()
    } else {
        format!("  differs: {}", r.differences.join(", "))
    };
    format!(
        "{:<28} {:<9} {:<14} {}{differs}",
        r.id,
        wire_name(r.source),
        r.model.as_deref().unwrap_or("-"),
        r.name
    )
}

fn describe(r: &AgentRow) -> String {
    let mut s = format!("{}\n", line(r));
    if let Some(a) = &r.api {
        let _ = writeln!(
            s,
            "\nAPI registry:\n  name: {}\n  model: {}\n  instructions:\n{}",
            a.name,
            a.model,
            indent(&a.instructions)
        );
    }
    if let Some(t) = &r.table {
        let _ = writeln!(
            s,
            "\nagents table:\n  name: {}\n  model: {}\n  tenant: {}\n  created by: {}\n  created: {}\n  runs: {}",
            t.name,
            t.model.as_deref().unwrap_or("-"),
            t.tenant_id.as_deref().unwrap_or("-"),
            t.created_by.as_deref().unwrap_or("-"),
            t.created_at.as_deref().unwrap_or("-"),
            if t.executions.is_empty() {
                "none".to_owned()
            } else {
                t.executions
                    .iter()
                    .map(|(st, n)| format!("{n} {st}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
        if let Some(i) = &t.instructions {
            let _ = writeln!(s, "  instructions:\n{}", indent(i));
        }
    }
    s
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

/// The text given on the command line, or else the file's (clap requires one of them).
fn text_or_file(text: Option<String>, file: Option<PathBuf>) -> Result<String, AppError> {
    match (text, file) {
        (Some(text), _) => Ok(text),
        (None, Some(file)) => read_text(&file),
        (None, None) => Err(AppError::invalid_input("Give the text or a file")),
    }
}

/// A file's text, or stdin's for `-`.
fn read_text(path: &Path) -> Result<String, AppError> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            AppError::invalid_input("stdin is not UTF-8 text").with_details(e.to_string())
        })?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| AppError::io("read", path, &e))
}
