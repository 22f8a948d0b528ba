import { useQueryClient } from "@tanstack/react-query";
import { Ban, OctagonX, TriangleAlert } from "lucide-react";
import { dbSignal, dbSignalDecision, toAppError, type SessionInfo } from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { CopyButton } from "../../components/CopyButton";
import { ErrorNotice } from "../../components/ErrorNotice";
import { LabelledButton } from "../../components/IconButton";
import { SqlBlock } from "../../components/SqlBlock";
import { useShowError } from "../../components/Toasts";
import { dbKeys, useActivity, useAdvice } from "./queries";
import { bytes } from "./format";

const seconds = (s: number | undefined) => (s === undefined ? "" : s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

/** The server's sessions (who blocks whom), locks, and the advisor's findings; live while open. */
export function ActivityView({ env }: { env: string }) {
  const activity = useActivity(env);
  const advice = useAdvice(env);
  const guard = useGuard();
  const showError = useShowError();
  const queryClient = useQueryClient();
  const sessions = (activity.data?.sessions ?? []).filter((s) => s.backendType === "client backend");
  const byPid = new Map(sessions.map((s) => [s.pid, s]));
  // Sessions nobody they wait for is in the list start the tree; waiters hang under blockers.
  const roots = sessions.filter((s) => !s.blockedBy.some((p) => byPid.has(p)));
  const signal = async (s: SessionInfo, terminate: boolean) => {
    const answer = await guard.ask({
      env,
      action: terminate ? "backend.terminate" : "backend.cancel",
      subject: String(s.pid),
      title: terminate ? `Terminate process ${s.pid}` : `Cancel the statement of process ${s.pid}`,
      confirmLabel: terminate ? "Terminate" : "Cancel it",
      alwaysAsk: true,
      decide: () => dbSignalDecision(env, s.pid, terminate),
    });
    if (!answer) return;
    try {
      await dbSignal(env, s.pid, terminate, answer);
      void queryClient.invalidateQueries({ queryKey: dbKeys.activity(env) });
    } catch (e) {
      showError(toAppError(e));
    }
  };
  const row = (s: SessionInfo, depth: number, seen: Set<number>): React.ReactNode => {
    const waiters = sessions.filter((w) => w.blockedBy.includes(s.pid) && !seen.has(w.pid));
    const next = new Set([...seen, s.pid]);
    return (
      <li key={`${depth}-${s.pid}`} data-pid={s.pid} data-flagged={s.flagged || undefined}>
        <div className="db__session">
          <span className="mono">{s.pid}</span>
          <span>{s.user ?? ""}</span>
          <span className="muted">{s.application || "—"}</span>
          <span className="muted">{s.client ?? "local"}</span>
          <span>
            {s.flagged && <TriangleAlert size={13} aria-hidden />} {s.state ?? ""}
            {s.waitEvent ? ` · waits on ${s.waitEvent}` : ""}
          </span>
          <span title="Transaction age">{seconds(s.transactionSeconds)}</span>
          <span className="mono db__query">{s.query}</span>
          {!s.own && (
            <span className="inline-row">
              <LabelledButton icon={Ban} label="Cancel" onClick={() => void signal(s, false)} />
              <LabelledButton icon={OctagonX} label="Terminate" onClick={() => void signal(s, true)} />
            </span>
          )}
          {s.own && <span className="badge">this console</span>}
        </div>
        {s.blockedBy.length > 0 && depth === 0 && <p className="muted">waits for {s.blockedBy.join(", ")}</p>}
        {waiters.length > 0 && (
          <ul aria-label={`Waiting for ${s.pid}`} className="db__waiters">
            {waiters.map((w) => row(w, depth + 1, next))}
          </ul>
        )}
      </li>
    );
  };
  const o = advice.data?.overview;
  return (
    <div className="db__activity">
      {activity.error && <ErrorNotice error={toAppError(activity.error)} />}
      {o && (
        <dl className="db__cards">
          <div>
            <dt>Database size</dt>
            <dd>{bytes(o.databaseBytes)}</dd>
          </div>
          <div>
            <dt>Cache hit ratio</dt>
            <dd>{o.cacheHitRatio === undefined ? "—" : `${(o.cacheHitRatio * 100).toFixed(1)}%`}</dd>
          </div>
          <div>
            <dt>Connections</dt>
            <dd>
              {o.connections} of {o.maxConnections}
            </dd>
          </div>
        </dl>
      )}
      <h2>Sessions</h2>
      <p className="muted">Refreshed every two seconds while this view is open. Highlighted: idle in a transaction, or a transaction open over five minutes.</p>
      <ul className="db__sessions" aria-label="Sessions">
        {roots.map((s) => row(s, 0, new Set()))}
      </ul>
      {(activity.data?.locks ?? []).length > 0 && (
        <>
          <h2>Locks on tables</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Process</th>
                <th scope="col">Table</th>
                <th scope="col">Mode</th>
                <th scope="col">Granted</th>
              </tr>
            </thead>
            <tbody>
              {activity.data?.locks.map((l, i) => (
                <tr key={i} data-granted={l.granted}>
                  <td className="mono">{l.pid}</td>
                  <td className="mono">{l.table}</td>
                  <td>{l.mode}</td>
                  <td>{l.granted ? "yes" : "waiting"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Advisor</h2>
      {advice.error && <ErrorNotice error={toAppError(advice.error)} />}
      {o && o.largest.length > 0 && (
        <p className="muted">
          Largest: {o.largest.slice(0, 5).map((t) => `${t.table.name} (${bytes(t.totalBytes)})`).join(", ")}
        </p>
      )}
      {advice.data?.findings.length === 0 && <p>No findings.</p>}
      <ul className="db__plain db__findings">
        {advice.data?.findings.map((f, i) => (
          <li key={i} data-finding={f.kind}>
            <strong>{f.title}</strong>
            <p>{f.detail}</p>
            <SqlBlock sql={f.fix} label="The fix" />
            <CopyButton text={f.fix} label="Copy the fix" />
          </li>
        ))}
      </ul>
      {guard.dialog}
    </div>
  );
}
