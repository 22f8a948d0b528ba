import { TriangleAlert } from "lucide-react";
import { useState } from "react";
import { chooseExportFile, exportVariables, toAppError, type ExportSummary } from "../../backend";
import { BrowseButton } from "../../components/BrowseButton";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Modal } from "../../components/Modal";
import { useWrite } from "../../queries";

/** Export is an explicit action with a warning: the file holds every secret in clear. */
export function ExportDialog({ environment, onClose }: { environment: string; onClose: () => void }) {
  const [path, setPath] = useState("");
  const [done, setDone] = useState<ExportSummary>();
  const run = useWrite(() => exportVariables(environment, path.trim()), []);
  return (
    <Modal
      open
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={`Export ${environment} to a .env file`}
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate(undefined, { onSuccess: setDone });
        }}
      >
        <div className="warning-box" role="note">
          <TriangleAlert size={18} aria-hidden />
          <p>
            The file will contain every secret of <strong>{environment}</strong> in clear text. It is created readable only
            by you (mode 0600), but anything that can read your files can read it. Delete it when you are done.
          </p>
        </div>
        <label className="form__row">
          <span className="form__label">Save as</span>
          <div className="inline-row">
            <input
              className="input input--wide mono"
              name="exportPath"
              value={path}
              placeholder={`/home/you/${environment}.env`}
              onChange={(e) => setPath(e.target.value)}
            />
            <BrowseButton
              choose={() => chooseExportFile(`${environment}.env`)}
              onChosen={setPath}
            />
          </div>
          <span className="form__hint">An existing file is replaced.</span>
        </label>
        {run.error && <ErrorNotice error={toAppError(run.error)} />}
        {done && (
          <p className="success" role="status">
            Exported {done.variables} variables ({done.secrets} secrets) to <span className="mono">{done.path}</span>.
          </p>
        )}
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            {done ? "Close" : "Cancel"}
          </button>
          {!done && (
            <button type="submit" className="button button--danger" disabled={path.trim() === "" || run.isPending}>
              Export with secrets
            </button>
          )}
        </div>
      </form>
    </Modal>
  );
}
