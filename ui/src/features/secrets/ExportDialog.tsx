import { TriangleAlert } from "lucide-react";
import { useState } from "react";
import { exportVariables, toAppError, type ExportSummary } from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Modal } from "../../components/Modal";
import { useWrite } from "../../queries";

/** Export is an explicit action with a warning: the file holds every secret in clear. */
export function ExportDialog({ environment, onClose }: { environment: string; onClose: () => void }) {
  const [done, setDone] = useState<ExportSummary>();
  // The backend asks where to save in the native dialog (null: the operator cancelled).
  const run = useWrite(() => exportVariables(environment), []);
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
          run.mutate(undefined, { onSuccess: (summary) => setDone(summary ?? undefined) });
        }}
      >
        <div className="warning-box" role="note">
          <TriangleAlert size={18} aria-hidden />
          <p>
            The file will contain every secret of <strong>{environment}</strong> in clear text. It is created readable only
            by you (mode 0600), but anything that can read your files can read it. Delete it when you are done.
          </p>
        </div>
        <p className="form__hint">You choose where in your system&apos;s save dialog; an existing file is replaced.</p>
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
            <button type="submit" className="button button--danger" disabled={run.isPending}>
              Export with secrets…
            </button>
          )}
        </div>
      </form>
    </Modal>
  );
}
