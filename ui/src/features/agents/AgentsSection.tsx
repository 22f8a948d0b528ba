import { Bot, Plus, RefreshCw } from "lucide-react";
import { useMemo, useState } from "react";
import type { AgentRow, AgentSource } from "../../backend";
import { toAppError } from "../../backend";
import { DataTable, type Column } from "../../components/DataTable";
import { ErrorNotice } from "../../components/ErrorNotice";
import { SearchBox } from "../../components/SearchBox";
import { Segmented } from "../../components/Segmented";
import type { SectionProps } from "../../sections";
import { AgentDetail } from "./AgentDetail";
import { AgentForm } from "./AgentForm";
import { AgentTransfer } from "./AgentTransfer";
import { ExecutionsView } from "./ExecutionsView";
import { useAgents } from "./queries";
import "./agents.css";

type SourceFilter = "all" | AgentSource;
const SOURCES = [
  { value: "all", label: "All" },
  { value: "api", label: "API only" },
  { value: "database", label: "Database only" },
  { value: "both", label: "Both" },
] as const;

type Tab = "agents" | "executions";
const TABS = [
  { value: "agents", label: "Agents" },
  { value: "executions", label: "Executions" },
] as const;

const SOURCE_LABEL: Record<AgentSource, string> = { api: "API", database: "database", both: "both" };

const matches = (row: AgentRow, query: string) => {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [row.id, row.name, row.model ?? "", row.table?.tenantId ?? ""].some((v) => v.toLowerCase().includes(q));
};

/** The environment's agents: the API's registry and the database's table side by side. */
export default function AgentsSection({ current, onManage }: SectionProps) {
  return (
    <section className="section section--wide" aria-labelledby="section-title" data-section="agents">
      <header className="section__header">
        <Bot size={22} aria-hidden />
        <h1 id="section-title">Agents</h1>
      </header>
      {current && (current.apiUrl || current.database) ? (
        <AgentsTabs key={current.name} env={current.name} />
      ) : (
        <div className="empty">
          <p>{current ? `Environment "${current.name}" has neither an API nor a database.` : "Agents belong to an environment, and there is none yet."}</p>
          <button type="button" className="button button--primary" onClick={onManage}>
            {current ? "Edit the environment" : "Add an environment"}
          </button>
        </div>
      )}
    </section>
  );
}

function AgentsTabs({ env }: { env: string }) {
  const [tab, setTab] = useState<Tab>("agents");
  const agents = useAgents(env);
  return (
    <>
      <Segmented kind="tab" label="Agents views" options={TABS} value={tab} onChange={setTab} className="agents__tabs" />
      {tab === "agents" ? <AgentsView env={env} /> : <ExecutionsView env={env} agents={(agents.data?.rows ?? []).map((r) => r.id)} />}
    </>
  );
}

function AgentsView({ env }: { env: string }) {
  const agents = useAgents(env);
  const [query, setQuery] = useState("");
  const [source, setSource] = useState<SourceFilter>("all");
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const view = agents.data;
  const rows = useMemo(
    () => (view?.rows ?? []).filter((r) => (source === "all" || r.source === source) && matches(r, query)),
    [view, source, query],
  );
  const pick = (id: string) =>
    setPicked((p) => {
      const next = new Set(p);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const columns: Column<AgentRow>[] = [
    {
      key: "pick",
      header: "Selected",
      srOnly: true,
      width: 36,
      text: (r) => (picked.has(r.id) ? "selected" : ""),
      render: (r) => <input type="checkbox" aria-label={`Select ${r.id}`} checked={picked.has(r.id)} onChange={() => pick(r.id)} />,
    },
    {
      key: "id",
      header: "Id",
      width: 220,
      sortable: true,
      text: (r) => r.id,
      render: (r) => (
        <button type="button" className="link-button" data-agent={r.id} aria-pressed={r.id === selected} onClick={() => setSelected(r.id)}>
          {r.id}
        </button>
      ),
    },
    { key: "name", header: "Name", width: 220, sortable: true, text: (r) => r.name },
    {
      key: "source",
      header: "Source",
      width: 110,
      sortable: true,
      text: (r) => SOURCE_LABEL[r.source],
      render: (r) => <span className={`badge badge--source-${r.source}`}>{SOURCE_LABEL[r.source]}</span>,
    },
    { key: "model", header: "Model", width: 120, sortable: true, text: (r) => r.model ?? "" },
    { key: "tenant", header: "Tenant", width: 110, sortable: true, text: (r) => r.table?.tenantId ?? "" },
    {
      key: "differs",
      header: "Differs",
      width: 160,
      text: (r) => r.differences.join(", "),
      render: (r) => (r.differences.length ? <span className="badge badge--warn">{r.differences.join(", ")}</span> : null),
    },
  ];
  const chosen = view?.rows.find((r) => r.id === selected);
  return (
    <div className="agents">
      <div className="agents__toolbar">
        <SearchBox label="Search agents" placeholder="Search id, name, model, tenant" value={query} onChange={setQuery} />
        <Segmented kind="radio" label="Source" options={SOURCES} value={source} onChange={setSource} />
        <button type="button" className="button button--small" disabled={agents.isFetching} onClick={() => void agents.refetch()}>
          <RefreshCw size={14} aria-hidden /> {agents.isFetching ? "Reading…" : "Refresh"}
        </button>
        {view?.hasApi && (
          <button type="button" className="button button--primary button--small" data-action="new-agent" onClick={() => setCreating(true)}>
            <Plus size={14} aria-hidden /> New agent
          </button>
        )}
      </div>
      {view?.hasApi && <AgentTransfer env={env} selected={view.rows.filter((r) => picked.has(r.id))} hasDatabase={view.hasDatabase} />}
      {agents.error && <ErrorNotice error={toAppError(agents.error)} />}
      {view?.apiError && (
        <div className="notice notice--warn" role="alert" data-half="api">
          The API half is missing: <ErrorNotice error={view.apiError} />
        </div>
      )}
      {view?.databaseError && (
        <div className="notice notice--warn" role="alert" data-half="database">
          The database half is missing: <ErrorNotice error={view.databaseError} />
        </div>
      )}
      {!view && !agents.error && <p aria-busy>Reading the API's registry and the agents table…</p>}
      {view && (
        <p className="muted agents__summary">
          {view.rows.length} agents: {view.rows.filter((r) => r.source !== "database").length} in the API's registry
          {view.hasDatabase ? `, ${view.rows.filter((r) => r.source !== "api").length} in the database's table (the API never reads it)` : ""}.
        </p>
      )}
      <div className={chosen ? "agents__split" : undefined}>
        {view && (
          <DataTable<AgentRow>
            id="agents"
            label="Agents"
            columns={columns}
            rows={rows}
            rowKey={(r) => r.id}
            rowData={(r) => ({ source: r.source, selected: String(r.id === selected) })}
            empty={<p className="muted">No agents match.</p>}
          />
        )}
        {chosen && <AgentDetail key={chosen.id} env={env} row={chosen} models={modelsOf(view?.rows ?? [])} onClose={() => setSelected(null)} />}
      </div>
      {creating && <AgentForm env={env} models={modelsOf(view?.rows ?? [])} onClose={() => setCreating(false)} onSaved={setSelected} />}
    </div>
  );
}

/** The platform's default and every model an agent uses, for the form's suggestions. */
function modelsOf(rows: AgentRow[]): string[] {
  return [...new Set(["gpt-4o", ...rows.flatMap((r) => (r.model ? [r.model] : []))])].sort();
}
