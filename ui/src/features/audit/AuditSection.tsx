import { RefreshCw, ScrollText } from "lucide-react";
import { toAppError } from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { useAuditLog } from "../../queries";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** The local, append-only audit log: every change, never a value. */
export function AuditSection() {
  const log = useAuditLog();
  const entries = log.data?.entries ?? [];
  return (
    <section className="section section--wide" aria-labelledby="section-title" data-section="audit">
      <header className="section__header">
        <ScrollText size={22} aria-hidden />
        <h1 id="section-title">Audit log</h1>
        <button
          type="button"
          className="button button--small section__action"
          onClick={() => {
            void log.refetch();
          }}
        >
          <RefreshCw size={14} aria-hidden /> Refresh
        </button>
      </header>
      {log.error && <ErrorNotice error={toAppError(log.error)} />}
      {log.data && (
        <p className="muted">
          {entries.length} {entries.length === 1 ? "entry" : "entries"} in <span className="mono">{log.data.path}</span>
          {log.data.unreadableLines > 0 && ` · ${String(log.data.unreadableLines)} unreadable lines were skipped`}
        </p>
      )}
      {log.data && entries.length === 0 && <p className="empty">Nothing has been changed yet.</p>}
      {entries.length > 0 && (
        <table className="table audit-table">
          <thead>
            <tr>
              <th>When</th>
              <th>By</th>
              <th>Environment</th>
              <th>Action</th>
              <th>Target</th>
              <th>Outcome</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e, i) => (
              <tr key={`${e.at}-${String(i)}`} data-action={e.action} data-outcome={e.outcome}>
                <td>{when.format(new Date(e.at))}</td>
                <td>{e.source}</td>
                <td>{e.environment ?? "—"}</td>
                <td className="mono">{e.action}</td>
                <td className="mono">{e.target ?? ""}</td>
                <td>
                  <span className={`badge badge--outcome-${e.outcome}`}>{e.outcome}</span>
                </td>
                <td>{e.detail ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
