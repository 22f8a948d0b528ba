import { ArrowRightLeft, Download, FileUp, FolderUp, Upload } from "lucide-react";
import { useState } from "react";
import type { AgentPlan, AgentRow, ExportReport, FileFormat, PlanItem } from "../../backend";
import { exportAgents, importAgentsPlan, promotionPlan, toAppError, type AppError } from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Modal } from "../../components/Modal";
import { Segmented } from "../../components/Segmented";
import { useEnvironments } from "../../queries";
import { PlanDialog } from "./PlanDialog";

const FORMATS = [
  { value: "json", label: "JSON" },
  { value: "yaml", label: "YAML" },
] as const;

/** Publishing table rows to the API, as a plan: each row new in the API or replacing its agent. */
export function publishPlan(env: string, rows: AgentRow[]): AgentPlan {
  const items: PlanItem[] = rows.flatMap((r) => {
    if (!r.table) return [];
    const agent = { id: r.id, name: r.table.name, instructions: r.table.instructions ?? "", model: r.table.model ?? "gpt-4o" };
    const current = r.api && { id: r.id, name: r.api.name, instructions: r.api.instructions, model: r.api.model };
    const action = !current ? "new" : r.differences.length ? "replace" : "unchanged";
    return [{ id: r.id, origin: "the agents table", action, changes: r.differences, agent, current }];
  });
  return { target: env, source: "the agents table", items, budget: { summary: "read when the writes start" } };
}

/** Moving agents in and out of an environment: export to files, import from them, promote from
 * another environment, publish a selection of the table's rows. */
export function AgentTransfer({ env, selected }: { env: string; selected: AgentRow[] }) {
  const [plan, setPlan] = useState<{ plan: AgentPlan; title: string } | null>(null);
  const [exporting, setExporting] = useState(false);
  const [promoting, setPromoting] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const publishable = selected.filter((r) => r.table);
  const importFrom = async (from: "file" | "folder") => {
    setError(null);
    setBusy(true);
    try {
      const p = await importAgentsPlan(env, from);
      if (p) setPlan({ plan: p, title: `Import agents into ${env}` });
    } catch (e) {
      setError(toAppError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <div className="agents__transfer" role="group" aria-label="Import and export">
        <button type="button" className="button button--small" disabled={busy} data-action="import-file" onClick={() => void importFrom("file")}>
          <FileUp size={14} aria-hidden /> Import file…
        </button>
        <button type="button" className="button button--small" disabled={busy} data-action="import-folder" onClick={() => void importFrom("folder")}>
          <FolderUp size={14} aria-hidden /> Import folder…
        </button>
        <button type="button" className="button button--small" data-action="export-agents" onClick={() => setExporting(true)}>
          <Download size={14} aria-hidden /> Export…
        </button>
        <button type="button" className="button button--small" data-action="promote-agents" onClick={() => setPromoting(true)}>
          <ArrowRightLeft size={14} aria-hidden /> Compare / promote…
        </button>
        {publishable.length > 0 && (
          <button
            type="button"
            className="button button--small"
            data-action="publish-selected"
            onClick={() => setPlan({ plan: publishPlan(env, publishable), title: `Publish ${publishable.length} table agent(s) to the API of ${env}` })}
          >
            <Upload size={14} aria-hidden /> Publish {publishable.length} selected to the API
          </button>
        )}
      </div>
      {error && <ErrorNotice error={error} />}
      {exporting && <ExportDialog env={env} selected={selected.filter((r) => r.api).map((r) => r.id)} onClose={() => setExporting(false)} />}
      {promoting && (
        <PromoteDialog
          env={env}
          onPlan={(p) => {
            setPromoting(false);
            setPlan({ plan: p, title: `Promote agents from ${env} to ${p.target}` });
          }}
          onClose={() => setPromoting(false)}
        />
      )}
      {plan && <PlanDialog plan={plan.plan} title={plan.title} onClose={() => setPlan(null)} />}
    </>
  );
}

function ExportDialog({ env, selected, onClose }: { env: string; selected: string[]; onClose: () => void }) {
  const [format, setFormat] = useState<FileFormat>("json");
  const [onlySelected, setOnlySelected] = useState(selected.length > 0);
  const [report, setReport] = useState<ExportReport | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const run = async () => {
    setError(null);
    try {
      setReport(await exportAgents(env, format, onlySelected ? selected : null));
    } catch (e) {
      setError(toAppError(e));
    }
  };
  return (
    <Modal open title={`Export the agents of ${env}`} onOpenChange={(open) => !open && onClose()}>
      <p className="muted">One file per agent of the API's registry, keys always in the same order, so a folder of agents can live in git. Files of the same agents are replaced.</p>
      <Segmented kind="radio" label="Format" options={FORMATS} value={format} onChange={setFormat} />
      {selected.length > 0 && (
        <label className="plan__pace">
          <input type="checkbox" checked={onlySelected} onChange={(e) => setOnlySelected(e.target.checked)} /> Only the {selected.length} selected
        </label>
      )}
      {error && <ErrorNotice error={error} />}
      {report && (
        <p className="notice" role="status" data-export>
          Wrote {report.files.length} file(s) to {report.folder}.
        </p>
      )}
      <div className="modal__actions">
        <button type="button" className="button" onClick={onClose}>
          {report ? "Close" : "Cancel"}
        </button>
        <button type="button" className="button button--primary" data-action="choose-export-folder" onClick={() => void run()}>
          Choose a folder…
        </button>
      </div>
    </Modal>
  );
}

function PromoteDialog({ env, onPlan, onClose }: { env: string; onPlan: (plan: AgentPlan) => void; onClose: () => void }) {
  const environments = useEnvironments();
  const others = (environments.data?.environments ?? []).filter((e) => e.name !== env && e.apiUrl);
  const [to, setTo] = useState("");
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const target = to || others[0]?.name || "";
  const compare = async () => {
    setError(null);
    setBusy(true);
    try {
      onPlan(await promotionPlan(env, target));
    } catch (e) {
      setError(toAppError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={`Compare and promote the agents of ${env}`} onOpenChange={(open) => !open && onClose()}>
      {others.length === 0 ? (
        <p className="muted">No other environment has an API to compare with.</p>
      ) : (
        <label className="form__row">
          <span className="form__label">To</span>
          <select className="input" name="promoteTo" value={target} onChange={(e) => setTo(e.target.value)}>
            {others.map((e) => (
              <option key={e.name} value={e.name}>
                {e.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {error && <ErrorNotice error={error} />}
      <div className="modal__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button--primary" data-action="compare-agents" disabled={!target || busy} onClick={() => void compare()}>
          {busy ? "Comparing…" : "Compare"}
        </button>
      </div>
    </Modal>
  );
}
