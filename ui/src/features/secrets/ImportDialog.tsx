import { useState } from "react";
import {
  applyImport,
  previewImport,
  toAppError,
  type Confirmation,
  type ImportSummary,
  type PreviewedImport,
} from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Modal } from "../../components/Modal";
import { Segmented } from "../../components/Segmented";
import { answerFor, DecisionField, useDecision } from "../../components/ConfirmDialog";
import { JobLogView } from "../../jobs/JobLog";
import { useFinishedJob } from "../../jobs/jobLog";
import { useWrite } from "../../queries";
import { SECRET_WRITES } from "./queries";
import { FindingList } from "./FindingList";
import { TableHead } from "../../components/TableHead";

type Source = "file" | "text";
const SOURCES: readonly { value: Source; label: string }[] = [
  { value: "file", label: "From a file" },
  { value: "text", label: "Paste text" },
];

/** Import a .env file: preview every line first (nothing is written), then import. */
export function ImportDialog({
  environment,
  onClose,
}: {
  environment: string;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState("");
  const [mode, setMode] = useState<Source>("file");
  const [text, setText] = useState("");
  const [previewed, setPreviewed] = useState<PreviewedImport>();
  const [job, setJob] = useState<number>();
  // From a file, the backend opens the native dialog and reads what the operator chose.
  const preview = useWrite(() => previewImport(environment, mode === "file" ? { kind: "file" } : { kind: "text", text }), []);
  const apply = useWrite(({ id, confirmation }: { id: number; confirmation: Confirmation }) => applyImport(id, confirmation), []);
  const source = mode === "file" ? (previewed?.source ?? "the chosen file") : "pasted text";
  const decision = useDecision(environment, "env-file.import", source);
  const answer = answerFor(decision.data, typed);
  // The import runs as a job; its result is the summary.
  const log = useFinishedJob(job, SECRET_WRITES);
  const outcome = log?.info?.outcome;
  const summary = outcome?.state === "succeeded" ? (outcome.result as ImportSummary) : undefined;

  const rows = previewed?.preview.rows ?? [];
  const writes = rows.filter((r) => r.action !== "unchanged").length;
  return (
    <Modal
      open
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={`Import a .env file into ${environment}`}
      wide
    >
      <div className="form">
        <Segmented
          kind="tab"
          label="Source"
          options={SOURCES}
          value={mode}
          onChange={(m) => {
            setMode(m);
            setPreviewed(undefined);
          }}
        />
        {mode === "file" ? (
          <p className="form__hint">Choose the file in your system&apos;s file dialog; nothing is written until you import.</p>        ) : (
          <label className="form__row">
            <span className="form__label">.env text</span>
            <textarea
              className="input input--wide mono"
              name="importText"
              rows={6}
              value={text}
              spellCheck={false}
              onChange={(e) => {
                setText(e.target.value);
                setPreviewed(undefined);
              }}
            />
          </label>
        )}
        <div className="form__actions form__actions--start">
          <button
            type="button"
            className="button"
            data-action="preview"
            disabled={preview.isPending || (mode === "text" && text.trim() === "")}
            onClick={() => {
              setJob(undefined);
              preview.mutate(undefined, { onSuccess: (p) => setPreviewed(p ?? undefined) });
            }}
          >
            {mode === "file" ? "Choose a file and preview…" : "Preview"}
          </button>
        </div>
        {preview.error && <ErrorNotice error={toAppError(preview.error)} />}
        {previewed && (
          <div className="import-preview" data-testid="import-preview">
            {previewed.preview.problems.length > 0 && (
              <ul className="problems" aria-label="Problems">
                {previewed.preview.problems.map((p) => (
                  <li key={`${String(p.line)}-${p.kind}`} className={`problem problem--${p.kind}`}>
                    Line {p.line}: {p.message}
                  </li>
                ))}
              </ul>
            )}
            <table className="table">
              <TableHead columns={["Line", "Variable", "Change", "Stored in", "Value"]} />
              <tbody>
                {rows.map((r) => (
                  <tr key={r.name} data-variable={r.name}>
                    <td>{r.line}</td>
                    <td className="mono">{r.name}</td>
                    <td>
                      <span className={`badge badge--action-${r.action}`}>{r.action}</span>
                    </td>
                    <td>{r.secret ? "keyring" : "settings"}</td>
                    <td>
                      {r.secret ? <span className="muted">hidden</span> : <span className="mono">{r.value}</span>}
                      <FindingList findings={r.findings} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {summary && (
          <p className="success" role="status">
            Imported: {summary.added} new, {summary.changed} changed, {summary.unchanged} unchanged ({summary.secrets} secrets
            in the keyring); {summary.skipped} invalid lines skipped.
          </p>
        )}
        {previewed && writes > 0 && <DecisionField decision={decision.data} typed={typed} onTyped={setTyped} />}
        {job !== undefined && <JobLogView id={job} />}
        {apply.error && <ErrorNotice error={toAppError(apply.error)} />}
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            {summary ? "Close" : "Cancel"}
          </button>
          {!summary && (
            <button
              type="button"
              className="button button--primary"
              disabled={!previewed || writes === 0 || apply.isPending || !answer}
              onClick={() => {
                if (previewed && answer)
                  apply.mutate(
                    { id: previewed.id, confirmation: answer },
                    {
                      onSuccess: (id) => {
                        setJob(id);
                        setPreviewed(undefined);
                      },
                    },
                  );
              }}
            >
              Import {writes} {writes === 1 ? "variable" : "variables"}
            </button>
          )}
        </div>
      </div>
    </Modal>
  );
}
