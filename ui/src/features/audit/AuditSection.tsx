import { RefreshCw, ScrollText } from "lucide-react";
import { useMemo, useState } from "react";
import { toAppError, type AuditEntry } from "../../backend";
import { DataTable, type Column } from "../../components/DataTable";
import { ErrorNotice } from "../../components/ErrorNotice";
import { useAuditLog } from "./queries";
import "./audit.css";
import { SearchBox } from "../../components/SearchBox";
import { LabelledButton } from "../../components/IconButton";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

const COLUMNS: Column<AuditEntry>[] = [
  { key: "at", header: "When", width: 190, text: (e) => e.at, render: (e) => when.format(new Date(e.at)) },
  { key: "source", header: "By", width: 70, text: (e) => e.source },
  { key: "environment", header: "Environment", width: 130, text: (e) => e.environment ?? "—" },
  { key: "action", header: "Action", width: 170, text: (e) => e.action, render: (e) => <span className="mono">{e.action}</span> },
  { key: "target", header: "Target", width: 200, text: (e) => e.target ?? "", render: (e) => <span className="mono">{e.target ?? ""}</span> },
  {
    key: "outcome",
    header: "Outcome",
    width: 90,
    text: (e) => e.outcome,
    render: (e) => <span className={`badge badge--outcome-${e.outcome}`}>{e.outcome}</span>,
  },
  { key: "detail", header: "Detail", width: 320, text: (e) => e.detail ?? "" },
];

/** The local, append-only audit log: every change, never a value. */
export default function AuditSection() {
  const log = useAuditLog();
  const [environment, setEnvironment] = useState("");
  const [failedOnly, setFailedOnly] = useState(false);
  const [search, setSearch] = useState("");
  const all = log.data?.entries;
  const environments = useMemo(
    () => [...new Set((all ?? []).flatMap((e) => (e.environment ? [e.environment] : [])))].sort(),
    [all],
  );
  const entries = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (all ?? []).filter(
      (e) =>
        (environment === "" || e.environment === environment) &&
        (!failedOnly || e.outcome === "failed") &&
        (needle === "" || `${e.action} ${e.target ?? ""} ${e.detail ?? ""}`.toLowerCase().includes(needle)),
    );
  }, [all, environment, failedOnly, search]);
  return (
    <section className="section section--wide" aria-labelledby="section-title" data-section="audit">
      <header className="section__header">
        <ScrollText size={22} aria-hidden />
        <h1 id="section-title">Audit log</h1>
        <LabelledButton icon={RefreshCw} label="Refresh" className="button--small section__action" onClick={() => void log.refetch()} />
      </header>
      {log.error && <ErrorNotice error={toAppError(log.error)} />}
      {log.data && (
        <div className="toolbar">
          <SearchBox label="Search the audit log" placeholder="Search actions and variables" value={search} onChange={setSearch} />
          <select
            className="select"
            aria-label="Environment"
            value={environment}
            onChange={(e) => setEnvironment(e.target.value)}
          >
            <option value="">All environments</option>
            {environments.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={failedOnly}
              onChange={(e) => setFailedOnly(e.target.checked)}
            />
            Failures only
          </label>
        </div>
      )}
      {log.data && (
        <p className="muted">
          {entries.length} of {log.data.entries.length} {log.data.entries.length === 1 ? "entry" : "entries"} in{" "}
          <span className="mono">{log.data.path}</span>
          {log.data.unreadableLines > 0 && ` · ${String(log.data.unreadableLines)} unreadable lines were skipped`}
        </p>
      )}
      {log.data?.entries.length === 0 && <p className="empty">Nothing has been changed yet.</p>}
      {entries.length > 0 && (
        <DataTable
          id="audit"
          label="Audit log"
          columns={COLUMNS}
          rows={entries}
          rowKey={(e) => `${e.at}-${e.action}-${e.target ?? ""}-${e.environment ?? ""}`}
          rowData={(e) => ({ action: e.action, outcome: e.outcome })}
        />
      )}
    </section>
  );
}
