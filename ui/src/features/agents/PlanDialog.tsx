import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import type { AgentPlan, BulkReport, NewAgent, PlanAction, PlanItem } from "../../backend";
import { cancelJob, saveAgents, toAppError, type AppError } from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Modal } from "../../components/Modal";
import { useJobLog } from "../../jobs/jobLog";
import { refreshAfterWrite } from "../../queries";
import { agentsKeys } from "./queries";

const ACTION_LABEL: Record<PlanAction, string> = {
  new: "new",
  replace: "replaced",
  unchanged: "unchanged",
  invalid: "invalid",
  only_in_target: "only in the target",
};

const ACTION_BADGE: Record<PlanAction, string> = {
  new: "badge--action-new",
  replace: "badge--action-changed",
  unchanged: "",
  invalid: "badge--outcome-failed",
  only_in_target: "badge--quiet",
};

const writable = (i: PlanItem) => (i.action === "new" || i.action === "replace") && i.agent !== undefined;

/** One line per changed field: short values in full, long ones by their length. */
function describeChanges(item: PlanItem): string {
  if (!item.current || !item.agent) return "";
  return item.changes
    .map((f) => {
      const before = item.current?.[f as keyof NewAgent] ?? "";
      const after = item.agent?.[f as keyof NewAgent] ?? "";
      return before.length + after.length > 80 ? `${f}: ${before.length} → ${after.length} characters` : `${f}: ${before} → ${after}`;
    })
    .join("; ");
}

/**
 * Agents about to be written to an environment's API (imported from files, promoted from another
 * environment, or published from the table): each shown as new, replaced with what changes,
 * unchanged, invalid with the reason; the operator picks which to write, sees what the API's rate
 * limit has left for them, and the writes run as a job that stops cleanly at the first failure.
 */
export function PlanDialog({ plan, title, onClose }: { plan: AgentPlan; title: string; onClose: () => void }) {
  const guard = useGuard();
  const client = useQueryClient();
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(plan.items.filter(writable).map((i) => i.id)));
  /** The operator's choice; until they make one, pace when the writes do not fit. */
  const [paceChoice, setPace] = useState<boolean | null>(null);
  const [jobId, setJobId] = useState<number | undefined>();
  const [error, setError] = useState<AppError | null>(null);
  const log = useJobLog(jobId);
  const running = jobId !== undefined && (log?.info?.state ?? "running") === "running";
  const outcome = log?.info?.outcome;
  const report = outcome?.state === "succeeded" ? (outcome.result as BulkReport) : undefined;
  const writes = useMemo(() => plan.items.filter((i) => writable(i) && chosen.has(i.id)).flatMap((i) => (i.agent ? [i.agent] : [])), [plan, chosen]);
  const left = plan.budget.remainingMinute;
  const tooMany = left !== undefined && writes.length > left;
  const pace = paceChoice ?? tooMany;
  useEffect(() => {
    if (log?.info && log.info.state !== "running") void refreshAfterWrite(client, [agentsKeys.all]);
  }, [log?.info, client]);
  const progress = [...(log?.events ?? [])].reverse().find((e) => e.progress)?.progress;
  const counts = plan.items.reduce<Partial<Record<PlanAction, number>>>((c, i) => ({ ...c, [i.action]: (c[i.action] ?? 0) + 1 }), {});

  const write = async (agents: NewAgent[]) => {
    setError(null);
    const confirmation = await guard.ask({
      env: plan.target,
      action: "agent.save",
      subject: `${agents.length} agents`,
      alwaysAsk: true,
      title: `Write ${agents.length} agent(s) to the API of ${plan.target}?`,
      confirmLabel: "Write",
      body: <p>Agents with an existing id are replaced: the API keeps no copy of what they were.</p>,
    });
    if (!confirmation) return;
    try {
      setJobId(await saveAgents(plan.target, agents, confirmation, pace));
      void client.invalidateQueries({ queryKey: ["jobs", "list"] });
    } catch (e) {
      setError(toAppError(e));
    }
  };
  const rest = report ? writes.filter((a) => a.id === report.failed || report.notStarted.includes(a.id)) : [];
  const toggle = (id: string) =>
    setChosen((c) => {
      const next = new Set(c);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Modal open wide title={title} onOpenChange={(open) => !open && !running && onClose()}>
      <div className="plan" data-plan={plan.target}>
        <p className="muted">
          From {plan.source} to the API of <strong>{plan.target}</strong>:{" "}
          {(Object.keys(ACTION_LABEL) as PlanAction[])
            .filter((a) => counts[a])
            .map((a) => `${counts[a]} ${ACTION_LABEL[a]}`)
            .join(", ") || "no agents"}
          .
        </p>
        <div className="plan__items">
          <table className="table" aria-label="Plan">
            <thead>
              <tr>
                <th scope="col">Write</th>
                <th scope="col">Id</th>
                <th scope="col">From</th>
                <th scope="col">Action</th>
                <th scope="col">What changes, or why not</th>
              </tr>
            </thead>
            <tbody>
              {plan.items.map((i, n) => (
                <tr key={`${n}:${i.id}`} data-action={i.action} data-id={i.id}>
                  <td>
                    {writable(i) && (
                      <input type="checkbox" aria-label={`Write ${i.id}`} checked={chosen.has(i.id)} disabled={running || jobId !== undefined} onChange={() => toggle(i.id)} />
                    )}
                  </td>
                  <td>{i.id || "—"}</td>
                  <td className="muted">{i.origin}</td>
                  <td>
                    <span className={`badge ${ACTION_BADGE[i.action]}`}>{ACTION_LABEL[i.action]}</span>
                  </td>
                  <td className={i.action === "invalid" ? "form__error" : undefined}>{i.reason ?? describeChanges(i)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className={tooMany ? "notice notice--warn" : "muted"} data-budget>
          Writing {writes.length} agent(s) takes {writes.length} request(s); the API's rate limit: {plan.budget.summary}.
          {tooMany && " More than are left this minute: the console paces itself (waits for the window) rather than trip the limiter, which answers 500."}
        </p>
        <label className="plan__pace">
          <input type="checkbox" checked={pace} disabled={jobId !== undefined} onChange={(e) => setPace(e.target.checked)} /> Pace the writes to the rate limit
        </label>
        {error && <ErrorNotice error={error} />}
        {jobId !== undefined && (
          <div className="plan__progress" aria-live="polite">
            {progress && <progress max={progress.total} value={progress.done} aria-label="Agents written" />}
            <span>{log?.events.at(-1)?.message ?? "Starting…"}</span>
          </div>
        )}
        {outcome?.state === "failed" && <ErrorNotice error={outcome.error} />}
        {report && (
          <div className={report.failed || report.cancelled ? "notice notice--warn" : "notice"} role="status" data-report>
            Wrote {report.done.length} agent(s).
            {report.failed && (
              <>
                {" "}
                Stopped at {report.failed}: {report.error && <ErrorNotice error={report.error} />}
              </>
            )}
            {report.cancelled && " Cancelled."}
            {report.notStarted.length > 0 && ` Not started: ${report.notStarted.join(", ")}.`}
          </div>
        )}
        <div className="modal__actions">
          {running ? (
            <button type="button" className="button" onClick={() => void cancelJob(jobId)}>
              Stop after this agent
            </button>
          ) : (
            <button type="button" className="button" onClick={onClose}>
              {jobId === undefined ? "Cancel" : "Close"}
            </button>
          )}
          {jobId === undefined && (
            <button type="button" className="button button--primary" data-action="write-plan" disabled={writes.length === 0} onClick={() => void write(writes)}>
              Write {writes.length} agent(s)
            </button>
          )}
          {rest.length > 0 && !running && (
            <button
              type="button"
              className="button button--primary"
              onClick={() => {
                setJobId(undefined);
                void write(rest);
              }}
            >
              Write the {rest.length} left
            </button>
          )}
        </div>
      </div>
      {guard.dialog}
    </Modal>
  );
}
