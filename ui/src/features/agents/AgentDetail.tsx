import { useQueryClient } from "@tanstack/react-query";
import { Pencil, Trash2, X } from "lucide-react";
import { useState } from "react";
import type { AgentRow, Direction } from "../../backend";
import { deleteAgent, toAppError, type AppError } from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { refreshAfterWrite } from "../../queries";
import { AgentForm } from "./AgentForm";
import { ReconcileDialog } from "./ReconcileDialog";
import { RunPanel } from "./RunPanel";
import { agentsKeys } from "./queries";

/** One agent: each side's fields, the differences, and what can be done to it. */
export function AgentDetail({ env, row, models, onClose }: { env: string; row: AgentRow; models: string[]; onClose: () => void }) {
  const guard = useGuard();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [raw, setRaw] = useState(false);
  const [reconciling, setReconciling] = useState<Direction | null>(null);
  const api = row.api;
  const table = row.table;
  const remove = async () => {
    setError(null);
    const confirmation = await guard.ask({
      env,
      action: "agent.delete",
      subject: row.id,
      alwaysAsk: true,
      title: `Delete agent ${row.id} from the API's registry?`,
      confirmLabel: "Delete",
      body: <p>The API keeps no copy. {table ? "The database's row of the same id stays." : ""}</p>,
    });
    if (!confirmation) return;
    try {
      await deleteAgent(env, row.id, confirmation);
      await refreshAfterWrite(client, [agentsKeys.all]);
      onClose();
    } catch (e) {
      setError(toAppError(e));
    }
  };
  return (
    <aside className="agent-detail" aria-label={`Agent ${row.id}`}>
      <header className="agent-detail__header">
        <h2>{row.name || row.id}</h2>
        <button type="button" className="icon-button" aria-label="Close the agent" onClick={onClose}>
          <X size={16} aria-hidden />
        </button>
      </header>
      <p className="muted">
        <code>{row.id}</code> —{" "}
        {row.source === "both" ? "in the API's registry and the database's table" : row.source === "api" ? "only in the API's registry" : "only in the database's table (the API never reads it)"}
      </p>
      <div className="agent-detail__actions" aria-label="Reconcile">
        {row.source === "api" && (
          <button type="button" className="button button--small" data-action="to-table" onClick={() => setReconciling("to_table")}>
            Copy into the table…
          </button>
        )}
        {row.source === "database" && (
          <button type="button" className="button button--small" data-action="to-api" onClick={() => setReconciling("to_api")}>
            Publish to the API…
          </button>
        )}
        {row.source === "both" && row.differences.length > 0 && (
          <>
            <button type="button" className="button button--small" data-action="to-table" onClick={() => setReconciling("to_table")}>
              Use the API's…
            </button>
            <button type="button" className="button button--small" data-action="to-api" onClick={() => setReconciling("to_api")}>
              Use the table's…
            </button>
          </>
        )}
      </div>
      {row.differences.length > 0 && (
        <table className="table agent-detail__diff" aria-label="Differences">
          <thead>
            <tr>
              <th>Field</th>
              <th>API</th>
              <th>Database</th>
            </tr>
          </thead>
          <tbody>
            {row.differences.map((f) => (
              <tr key={f}>
                <td>{f}</td>
                <td>{field(api, f)}</td>
                <td>{field(table, f)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {api && (
        <section aria-label="API registry">
          <h3>API registry</h3>
          <dl className="agent-detail__fields">
            <dt>Model</dt>
            <dd>{api.model}</dd>
            <dt>Config</dt>
            <dd>
              <code>{JSON.stringify(api.config)}</code>
            </dd>
            <dt>Tools</dt>
            <dd>{api.tools.length ? JSON.stringify(api.tools) : "none"}</dd>
            <dt>Knowledge packs</dt>
            <dd>{api.knowledge_packs.length ? JSON.stringify(api.knowledge_packs) : "none"}</dd>
          </dl>
          <div className="agent-detail__instructions-head">
            <h4>Instructions</h4>
            <label className="checkbox">
              <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} /> Raw
            </label>
          </div>
          {raw ? <pre className="agent-detail__raw">{JSON.stringify(api, null, 2)}</pre> : <p className="agent-detail__instructions">{api.instructions}</p>}
          <div className="agent-detail__actions">
            <button type="button" className="button button--small" data-action="edit-agent" onClick={() => setEditing(true)}>
              <Pencil size={14} aria-hidden /> Edit…
            </button>
            <button type="button" className="button button--small button--danger" data-action="delete-agent" onClick={() => void remove()}>
              <Trash2 size={14} aria-hidden /> Delete…
            </button>
          </div>
          <RunPanel env={env} id={row.id} />
        </section>
      )}
      {table && (
        <section aria-label="Database table">
          <h3>Database table</h3>
          <dl className="agent-detail__fields">
            <dt>Model</dt>
            <dd>{table.model ?? "—"}</dd>
            <dt>Tenant</dt>
            <dd>{table.tenantId ?? "—"}</dd>
            <dt>Created by</dt>
            <dd>{table.createdBy ?? "—"}</dd>
            <dt>Created</dt>
            <dd>{table.createdAt ?? "—"}</dd>
            <dt>Updated</dt>
            <dd>{table.updatedAt ?? "—"}</dd>
            <dt>Runs (executions)</dt>
            <dd data-field="executions">{table.executions.length ? table.executions.map(([s, n]) => `${String(n)} ${s}`).join(", ") : "none"}</dd>
          </dl>
          {table.instructions !== undefined && <p className="agent-detail__instructions">{table.instructions}</p>}
        </section>
      )}
      {error && <ErrorNotice error={error} />}
      {editing && api && (
        <AgentForm env={env} models={models} initial={{ id: api.id, name: api.name, instructions: api.instructions, model: api.model }} onClose={() => setEditing(false)} />
      )}
      {reconciling && <ReconcileDialog env={env} rows={[row]} direction={reconciling} onClose={() => setReconciling(null)} />}
      {guard.dialog}
    </aside>
  );
}

function field(side: { name: string; instructions?: string; model?: string } | undefined, f: string): string {
  if (!side) return "—";
  const v = f === "name" ? side.name : f === "instructions" ? side.instructions : side.model;
  return v ?? "—";
}
