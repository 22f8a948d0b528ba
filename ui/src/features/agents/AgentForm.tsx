import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import type { ApiAgent, NewAgent } from "../../backend";
import { apiAgent, saveAgent, toAppError, type AppError } from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Field, TextField } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { refreshAfterWrite } from "../../queries";
import { agentsKeys } from "./queries";

type Fields = Record<keyof NewAgent, string>;

/** The fields a 422 names (`body.name: Field required` in its details), by field. */
export function fieldErrors(error: AppError | null): Partial<Fields> {
  const out: Partial<Fields> = {};
  for (const line of error?.details?.split("\n") ?? []) {
    const m = /^body\.(id|name|instructions|model): (.*)$/.exec(line);
    if (m?.[1] && m[2]) out[m[1] as keyof NewAgent] = m[2];
  }
  return out;
}

/**
 * Create or edit an agent through the API. The API replaces an agent with the same id without a
 * word, so saving over an existing one first shows what would change and asks.
 */
export function AgentForm({ env, models, initial, onClose, onSaved }: { env: string; models: string[]; initial?: NewAgent; onClose: () => void; onSaved?: (id: string) => void }) {
  const [agent, setAgent] = useState<NewAgent>(initial ?? { id: crypto.randomUUID(), name: "", instructions: "", model: "gpt-4o" });
  const [replacing, setReplacing] = useState<ApiAgent | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const guard = useGuard();
  const client = useQueryClient();
  const errors = fieldErrors(error);
  const set = (k: keyof NewAgent) => (v: string) => {
    setAgent({ ...agent, [k]: v });
    setReplacing(null);
  };
  const save = async (confirmedReplace: boolean) => {
    setError(null);
    setBusy(true);
    try {
      if (!confirmedReplace) {
        const current = await apiAgent(env, agent.id);
        if (current) {
          setReplacing(current);
          return;
        }
      }
      const confirmation = await guard.ask({ env, action: "agent.save", subject: agent.id, title: `Save agent ${agent.id}?`, confirmLabel: "Save" });
      if (!confirmation) return;
      await saveAgent(env, agent, confirmation);
      await refreshAfterWrite(client, [agentsKeys.all]);
      onSaved?.(agent.id);
      onClose();
    } catch (e) {
      setError(toAppError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open wide title={initial ? `Edit agent ${initial.id}` : "New agent"} onOpenChange={(open) => !open && onClose()}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
      >
        <TextField label="Id" name="agentId" value={agent.id} readOnly={initial !== undefined} error={errors.id} onChange={set("id")} hint="A new UUID unless you type one" required />
        <TextField label="Name" name="agentName" value={agent.name} error={errors.name} onChange={set("name")} required />
        <Field label="Instructions" error={errors.instructions}>
          <LineNumbered value={agent.instructions} onChange={set("instructions")} />
        </Field>
        <TextField label="Model" name="agentModel" value={agent.model} error={errors.model} onChange={set("model")} list="agent-models" />
        <datalist id="agent-models">
          {models.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
        {replacing && <ReplaceNotice current={replacing} next={agent} />}
        {error && <ErrorNotice error={error} />}
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          {replacing ? (
            <button type="button" className="button button--danger" data-action="replace-agent" disabled={busy} onClick={() => void save(true)}>
              Replace it…
            </button>
          ) : (
            <button type="submit" className="button button--primary" disabled={busy}>
              {busy ? "Saving…" : "Save"}
            </button>
          )}
        </div>
      </form>
      {guard.dialog}
    </Modal>
  );
}

/** What saving over the existing agent changes, field by field. */
function ReplaceNotice({ current, next }: { current: ApiAgent; next: NewAgent }) {
  const fields = (["name", "instructions", "model"] as const).filter((f) => current[f] !== next[f]);
  return (
    <div className="notice notice--warn" role="alert" data-testid="replace-notice">
      <p>
        Agent <code>{current.id}</code> exists in the API's registry. Saving replaces it; the API keeps no copy of the old one.
        {fields.length === 0 && " Nothing differs."}
      </p>
      {fields.length > 0 && (
        <table className="table" aria-label="What saving changes">
          <thead>
            <tr>
              <th>Field</th>
              <th>Now</th>
              <th>After saving</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((f) => (
              <tr key={f}>
                <td>{f}</td>
                <td className="agent-diff__old">{current[f]}</td>
                <td className="agent-diff__new">{next[f]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** A multi-line editor with line numbers beside it (kept in step as it scrolls). */
function LineNumbered({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const gutter = useRef<HTMLPreElement>(null);
  const lines = value.split("\n").length;
  return (
    <div className="line-numbered">
      <pre ref={gutter} className="line-numbered__gutter" aria-hidden>
        {Array.from({ length: lines }, (_, i) => String(i + 1)).join("\n")}
      </pre>
      <textarea
        name="agentInstructions"
        className="input line-numbered__text"
        value={value}
        rows={10}
        spellCheck={false}
        required
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
      />
    </div>
  );
}
