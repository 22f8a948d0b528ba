import { useInfiniteQuery } from "@tanstack/react-query";
import { RefreshCw, X } from "lucide-react";
import { useMemo, useState } from "react";
import type { Execution, ExecutionFilter } from "../../backend";
import { listExecutions, toAppError } from "../../backend";
import { DataTable, type Column } from "../../components/DataTable";
import { ErrorNotice } from "../../components/ErrorNotice";
import { agentsKeys } from "./queries";

/** An execution with the side it was read from. */
type Row = Execution & { side: "api" | "table" };

const STATUSES = ["", "pending", "running", "completed", "failed", "error", "cancelled"];

const OUTCOME: Record<string, string> = { completed: "ok", failed: "failed", error: "failed" };

const pretty = (json: string | undefined) => {
  if (!json) return "—";
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
};

/** The environment's executions: the API's (in its process's memory; they need a login) and
 * the `executions` table's, newest first, a page at a time as the table scrolls. */
export function ExecutionsView({ env, agents }: { env: string; agents: string[] }) {
  const [status, setStatus] = useState("");
  const [agent, setAgent] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const filter: ExecutionFilter = { status: status || undefined, agent: agent || undefined, limit: 100 };
  const pages = useInfiniteQuery({
    queryKey: [...agentsKeys.all, "executions", env, status, agent],
    queryFn: ({ pageParam }) => listExecutions(env, { ...filter, after: pageParam }),
    initialPageParam: undefined as ExecutionFilter["after"],
    getNextPageParam: (last) => last.table.next,
  });
  const first = pages.data?.pages[0];
  const rows = useMemo<Row[]>(
    () => [
      ...(first?.api ?? []).map((e) => ({ ...e, side: "api" as const })),
      ...(pages.data?.pages ?? []).flatMap((p) => p.table.rows.map((e) => ({ ...e, side: "table" as const }))),
    ],
    [pages.data, first],
  );
  const key = (r: Row) => `${r.side}:${r.id}`;
  const columns: Column<Row>[] = [
    {
      key: "id",
      header: "Id",
      width: 180,
      text: (r) => r.id,
      render: (r) => (
        <button type="button" className="link-button" data-execution={r.id} aria-pressed={key(r) === selected} onClick={() => setSelected(key(r))}>
          {r.id}
        </button>
      ),
    },
    { key: "side", header: "Source", width: 90, text: (r) => (r.side === "api" ? "API" : "table") },
    { key: "agent", header: "Agent", width: 180, text: (r) => r.entityId },
    {
      key: "status",
      header: "Status",
      width: 110,
      text: (r) => r.status,
      render: (r) => <span className={`badge badge--outcome-${OUTCOME[r.status] ?? "other"}`}>{r.status}</span>,
    },
    { key: "created", header: "Created (UTC)", width: 190, text: (r) => r.createdAt ?? "" },
    { key: "time", header: "Time", width: 80, text: (r) => (r.executionTime == null ? "" : `${r.executionTime.toFixed(2)} s`) },
    { key: "error", header: "Error", width: 240, text: (r) => r.error ?? "" },
  ];
  const chosen = rows.find((r) => key(r) === selected);
  return (
    <div className="agents" data-view="executions">
      <div className="agents__toolbar">
        <label className="agents__filter">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label="Status">
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || "any"}
              </option>
            ))}
          </select>
        </label>
        <label className="agents__filter">
          <span>Agent</span>
          <select value={agent} onChange={(e) => setAgent(e.target.value)} aria-label="Agent">
            <option value="">any</option>
            {agents.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button--small" disabled={pages.isFetching} onClick={() => void pages.refetch()}>
          <RefreshCw size={14} aria-hidden /> {pages.isFetching ? "Reading…" : "Refresh"}
        </button>
      </div>
      {pages.error && <ErrorNotice error={toAppError(pages.error)} />}
      {first?.apiError && (
        <div className="notice notice--warn" role="alert" data-half="api">
          The API's executions are missing: <ErrorNotice error={first.apiError} />
        </div>
      )}
      {first?.databaseError && (
        <div className="notice notice--warn" role="alert" data-half="database">
          The executions table is missing: <ErrorNotice error={first.databaseError} />
        </div>
      )}
      {first && (
        <p className="muted agents__summary">
          {first.hasApi ? `${first.api.length} in the API process's memory (lost when it restarts)` : "No API"}
          {first.hasDatabase ? `; ${rows.length - first.api.length}${pages.hasNextPage ? "+" : ""} in the executions table` : ""}.
        </p>
      )}
      <div className={chosen ? "agents__split" : undefined}>
        {first && (
          <DataTable<Row>
            id="executions"
            label="Executions"
            columns={columns}
            rows={rows}
            rowKey={key}
            onLoadMore={() => void pages.fetchNextPage()}
            hasMore={pages.hasNextPage}
            loadingMore={pages.isFetchingNextPage}
            rowData={(r) => ({ status: r.status, side: r.side })}
            empty={<p className="muted">No executions match.</p>}
          />
        )}
        {chosen && (
          <aside className="agent-detail" aria-label={`Execution ${chosen.id}`} data-execution-detail={chosen.id}>
            <header className="agent-detail__header">
              <h3>Execution {chosen.id}</h3>
              <button type="button" className="icon-button" aria-label="Close" onClick={() => setSelected(null)}>
                <X size={16} aria-hidden />
              </button>
            </header>
            <dl className="agent-detail__fields">
              <dt>Source</dt>
              <dd>{chosen.side === "api" ? "the API's memory" : "the executions table"}</dd>
              <dt>Type</dt>
              <dd>{chosen.kind}</dd>
              <dt>Agent</dt>
              <dd>{chosen.entityId}</dd>
              <dt>Status</dt>
              <dd>{chosen.status}</dd>
              <dt>Created</dt>
              <dd>{chosen.createdAt ?? "—"}</dd>
              <dt>Completed</dt>
              <dd>{chosen.completedAt ?? "—"}</dd>
              <dt>Time</dt>
              <dd>{chosen.executionTime == null ? "—" : `${chosen.executionTime} s`}</dd>
              <dt>Tenant</dt>
              <dd>{chosen.tenantId ?? "—"}</dd>
              <dt>Created by</dt>
              <dd>{chosen.createdBy ?? "—"}</dd>
            </dl>
            {chosen.error && (
              <>
                <h4>Error</h4>
                <pre className="agent-detail__raw">{chosen.error}</pre>
              </>
            )}
            <h4>Input</h4>
            <pre className="agent-detail__raw">{pretty(chosen.input)}</pre>
            <h4>Output</h4>
            <pre className="agent-detail__raw">{pretty(chosen.output)}</pre>
            {chosen.metadata != null && (
              <>
                <h4>Metadata</h4>
                <pre className="agent-detail__raw">{JSON.stringify(chosen.metadata, null, 2)}</pre>
              </>
            )}
          </aside>
        )}
      </div>
    </div>
  );
}
