import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { AgentRow, Direction, TableOwner } from "../../backend";
import { agentTableChoices, reconcileAgents, reconcilePreview, toAppError, type AppError } from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Modal } from "../../components/Modal";
import { refreshAfterWrite } from "../../queries";
import { SqlBlock } from "../../components/SqlBlock";
import { agentsKeys } from "./queries";

/**
 * Writes agents to the other side: API agents into the table (in one transaction; a new row takes
 * the tenant and creator chosen here), or one table row into the API's registry. Shows exactly
 * what will be written before anything is.
 */
export function ReconcileDialog({ env, rows, direction, onClose }: { env: string; rows: AgentRow[]; direction: Direction; onClose: () => void }) {
  const ids = rows.map((r) => r.id);
  const subject = ids.length === 1 ? ids[0] : `${ids.length} agents`;
  const newRow = direction === "to_table" && rows.some((r) => !r.table);
  const [owner, setOwner] = useState<TableOwner>({});
  const [error, setError] = useState<AppError | null>(null);
  const guard = useGuard();
  const client = useQueryClient();
  const choices = useQuery({ queryKey: ["agents", "choices", env], queryFn: () => agentTableChoices(env), enabled: newRow });
  const preview = useQuery({
    queryKey: ["agents", "preview", env, ids, direction, owner],
    queryFn: () => reconcilePreview(env, ids, direction, owner),
    staleTime: 0,
  });
  const users = (choices.data?.users ?? []).filter(([, , tenant]) => !owner.tenantId || tenant === owner.tenantId);
  const [writing, setWriting] = useState(false);
  const write = async () => {
    setError(null);
    setWriting(true);
    try {
      const confirmation = await guard.ask({
        env,
        action: direction === "to_table" ? "agent.to-table" : "agent.save",
        subject,
        title: direction === "to_table" ? `Write ${subject} into the agents table?` : `Publish ${subject} to the API?`,
        confirmLabel: "Write",
      });
      if (!confirmation) return;
      await reconcileAgents(env, ids, direction, owner, confirmation);
      await refreshAfterWrite(client, [agentsKeys.all]);
      onClose();
    } catch (e) {
      setError(toAppError(e));
    } finally {
      setWriting(false);
    }
  };
  const p = preview.data;
  return (
    <Modal open wide title={direction === "to_table" ? `Copy ${subject} into the agents table` : `Publish ${subject} to the API`} onOpenChange={(open) => !open && onClose()}>
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
              {replacing(p.replaces, ids.length)}
              {direction === "to_table" && ids.length > 1 ? ", in one transaction (all or none)" : ""}:
            </p>
            {direction === "to_table" ? <SqlBlock sql={p.text} label="What will be written" /> : <pre className="sql" aria-label="What will be written">{p.text}</pre>}
          </>
        )}
        {error && <ErrorNotice error={error} />}
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button button--primary" data-action="reconcile-write" disabled={!p || preview.isFetching || writing} onClick={() => void write()}>
            {writing ? "Writing…" : "Write…"}
          </button>
        </div>
      </div>
      {guard.dialog}
    </Modal>
  );
}

function replacing(replaces: string[], total: number): string {
  if (replaces.length === 0) return "";
  return total === 1 ? ", replacing what is there" : `, replacing ${replaces.length} of the ${total}`;
}
