import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { AgentRow, Direction, TableOwner } from "../../backend";
import { agentTableChoices, reconcileAgent, reconcilePreview, toAppError, type AppError } from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Modal } from "../../components/Modal";
import { refreshAfterWrite } from "../../queries";
import { SqlBlock } from "../../components/SqlBlock";
import { agentsKeys } from "./queries";

/**
 * Writes one agent to the other side: the API's agent into the table (a new row takes the tenant
 * and creator chosen here), or the table's row into the API's registry. Shows exactly what will be
 * written before anything is.
 */
export function ReconcileDialog({ env, row, direction, onClose }: { env: string; row: AgentRow; direction: Direction; onClose: () => void }) {
  const newRow = direction === "to_table" && !row.table;
  const [owner, setOwner] = useState<TableOwner>({});
  const [error, setError] = useState<AppError | null>(null);
  const guard = useGuard();
  const client = useQueryClient();
  const choices = useQuery({ queryKey: ["agents", "choices", env], queryFn: () => agentTableChoices(env), enabled: newRow });
  const preview = useQuery({
    queryKey: ["agents", "preview", env, row.id, direction, owner],
    queryFn: () => reconcilePreview(env, row.id, direction, owner),
    staleTime: 0,
  });
  const users = (choices.data?.users ?? []).filter(([, , tenant]) => !owner.tenantId || tenant === owner.tenantId);
  const write = async () => {
    setError(null);
    const confirmation = await guard.ask({
      env,
      action: direction === "to_table" ? "agent.to-table" : "agent.save",
      subject: row.id,
      title: direction === "to_table" ? `Write ${row.id} into the agents table?` : `Publish ${row.id} to the API?`,
      confirmLabel: "Write",
    });
    if (!confirmation) return;
    try {
      await reconcileAgent(env, row.id, direction, owner, confirmation);
      await refreshAfterWrite(client, [agentsKeys.all]);
      onClose();
    } catch (e) {
      setError(toAppError(e));
    }
  };
  const p = preview.data;
  return (
    <Modal open wide title={direction === "to_table" ? `Copy ${row.id} into the agents table` : `Publish ${row.id} to the API`} onOpenChange={(open) => !open && onClose()}>
      <div className="form">
        {newRow && (
          <div className="run-panel__row">
            <label className="form__row">
              <span className="form__label">Tenant</span>
              <select className="select" name="ownerTenant" value={owner.tenantId ?? ""} onChange={(e) => setOwner({ tenantId: e.target.value || undefined })}>
                <option value="">(none)</option>
                {choices.data?.tenants.map(([id, name]) => (
                  <option key={id} value={id}>
                    {name} ({id})
                  </option>
                ))}
              </select>
            </label>
            <label className="form__row">
              <span className="form__label">Creator</span>
              <select className="select" name="ownerCreator" value={owner.createdBy ?? ""} onChange={(e) => setOwner({ ...owner, createdBy: e.target.value || undefined })}>
                <option value="">(none)</option>
                {users.map(([id, email]) => (
                  <option key={id} value={id}>
                    {email}
                  </option>
                ))}
              </select>
            </label>
          </div>
        )}
        {choices.error && <ErrorNotice error={toAppError(choices.error)} />}
        {preview.error && <ErrorNotice error={toAppError(preview.error)} />}
        {p && (
          <>
            <p>
              What will be written to {p.target}
              {p.replaces ? ", replacing what is there" : ""}:
            </p>
            {direction === "to_table" ? <SqlBlock sql={p.text} label="What will be written" /> : <pre className="sql" aria-label="What will be written">{p.text}</pre>}
          </>
        )}
        {error && <ErrorNotice error={error} />}
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button button--primary" data-action="reconcile-write" disabled={!p || preview.isFetching} onClick={() => void write()}>
            Write…
          </button>
        </div>
      </div>
      {guard.dialog}
    </Modal>
  );
}
