import { ArrowRightLeft, DatabaseZap, Download, FileUp, FolderUp, Upload } from "lucide-react";
import { useState } from "react";
import type { AgentPlan, AgentRow, ExportReport, FileFormat } from "../../backend";
import { exportAgents, importAgentsPlan, promotionPlan, publishPlan, toAppError, type AppError } from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Modal } from "../../components/Modal";
import { Segmented } from "../../components/Segmented";
import { useEnvironments } from "../../queries";
import { PlanDialog } from "./PlanDialog";
import { ReconcileDialog } from "./ReconcileDialog";

const FORMATS = [
  { value: "json", label: "JSON" },
  { value: "yaml", label: "YAML" },
] as const;

/** Moving agents in and out of an environment: export to files, import from them, promote from
 * another environment, publish a selection of the table's rows to the API or copy a selection of
 * the API's agents into the table. */
export function AgentTransfer({ env, selected, hasDatabase }: { env: string; selected: AgentRow[]; hasDatabase: boolean }) {
  const [plan, setPlan] = useState<{ plan: AgentPlan; title: string } | null>(null);
  const [exporting, setExporting] = useState(false);
  const [promoting, setPromoting] = useState(false);
  const [copying, setCopying] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const publishable = selected.filter((r) => r.table);
  const copyable = selected.filter((r) => r.api);
  const planFrom = async (title: string, make: () => Promise<AgentPlan | null>) => {
    setError(null);
    setBusy(true);
    try {
      const p = await make();
      if (p) setPlan({ plan: p, title });
    } catch (e) {
      setError(toAppError(e));
    } finally {
      setBusy(false);
    }
  };
  const importFrom = (from: "file" | "folder") => planFrom(`Import agents into ${env}`, () => importAgentsPlan(env, from));
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
            disabled={busy}
            onClick={() =>
              void planFrom(`Publish ${publishable.length} table agent(s) to the API of ${env}`, () =>
                publishPlan(
                  env,
                  publishable.map((r) => r.id),
                ),
              )
            }
          >
            <Upload size={14} aria-hidden /> Publish {publishable.length} selected to the API
          </button>
        )}
        {hasDatabase && copyable.length > 0 && (
          <button type="button" className="button button--small" data-action="copy-selected" onClick={() => setCopying(true)}>
            <DatabaseZap size={14} aria-hidden /> Copy {copyable.length} selected into the table…
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
      {copying && <ReconcileDialog env={env} rows={copyable} direction="to_table" onClose={() => setCopying(false)} />}
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
