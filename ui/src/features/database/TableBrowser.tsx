import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { Download, Eye, EyeOff, FilePlus2, Filter as FilterIcon, Maximize2, Pencil, Plus, Trash2, Undo2, X } from "lucide-react";
import { useMemo, useState } from "react";
import {
  dbApplyEdits,
  dbCell,
  dbEditPlan,
  dbExport,
  dbPage,
  toAppError,
  type AppError,
  type Change,
  type Filter,
  type FilterOp,
  type Page,
  type PageColumn,
  type PageRow,
  type TableDetail,
  type TableRef,
} from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { DataTable, type Column, type Sort } from "../../components/DataTable";
import { ErrorNotice } from "../../components/ErrorNotice";
import { IconButton, LabelledButton } from "../../components/IconButton";
import { Modal } from "../../components/Modal";
import { SqlBlock } from "../../components/SqlBlock";
import { Segmented } from "../../components/Segmented";
import { useShowError } from "../../components/Toasts";
import { copyText } from "../../errors";
import type { Opened } from "./DatabaseSection";
import { dbKeys, tableLabel, useNames, useTable } from "./queries";
import { prettyJson, toCsv, toInserts, type Cells } from "./sqlText";

const OPS: { value: FilterOp; label: string }[] = [
  { value: "eq", label: "=" },
  { value: "ne", label: "≠" },
  { value: "lt", label: "<" },
  { value: "le", label: "≤" },
  { value: "gt", label: ">" },
  { value: "ge", label: "≥" },
  { value: "contains", label: "contains" },
  { value: "starts_with", label: "starts with" },
  { value: "is_null", label: "is NULL" },
  { value: "not_null", label: "is not NULL" },
];

/** One loaded row as the grid shows it (the page's row and its place). */
interface GridRow {
  id: string;
  row: PageRow;
}

/** Staged changes of existing rows by row id, and rows to insert. */
interface Staged {
  updates: Map<string, { key: (string | null)[]; old: Record<string, string | null>; new: Record<string, string | null> }>;
  deletes: Map<string, { key: (string | null)[]; old: Record<string, string | null> }>;
  inserts: Record<string, string | null>[];
}

const NO_EDITS: Staged = { updates: new Map(), deletes: new Map(), inserts: [] };

const rowId = (r: PageRow) => JSON.stringify(r.key);

/** A starting width that shows a typical value of the type (the operator can resize). */
const typeWidth = (type: string) => {
  if (/^(int|float|numeric|bool|oid)/.test(type)) return 100;
  if (type.startsWith("timestamp")) return 230;
  if (type === "uuid") return 300;
  return 200;
};

/** Pages of a table by keyset, with filters, sorting, staged edits, copies and exports. */
export function TableBrowser({ env, opened, onOpen }: { env: string; opened: Opened | null; onOpen: (t: TableRef, f?: Filter[]) => void }) {
  const names = useNames(env);
  const tables = (names.data?.tables ?? []).map((t) => ({ schema: t.schema, name: t.name }));
  const table = opened?.table ?? null;
  return (
    <div className="db__browser">
      <div className="toolbar">
        <label className="inline-row">
          <span>Table</span>
          <select
            className="select"
            aria-label="Table"
            value={table ? `${table.schema}.${table.name}` : ""}
            onChange={(e) => {
              const t = tables.find((x) => `${x.schema}.${x.name}` === e.target.value);
              if (t) onOpen(t);
            }}
          >
            <option value="" disabled>
              Choose a table…
            </option>
            {tables.map((t) => (
              <option key={`${t.schema}.${t.name}`} value={`${t.schema}.${t.name}`}>
                {tableLabel(t)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {table ? <Rows key={`${table.schema}.${table.name}:${JSON.stringify(opened?.filters)}`} env={env} table={table} initialFilters={opened?.filters ?? []} onOpen={onOpen} /> : <p className="muted">Choose a table, or browse one from the Schema view.</p>}
    </div>
  );
}

function Rows({ env, table, initialFilters, onOpen }: { env: string; table: TableRef; initialFilters: Filter[]; onOpen: (t: TableRef, f?: Filter[]) => void }) {
  const queryClient = useQueryClient();
  const showError = useShowError();
  const detail = useTable(env, table);
  const names = useNames(env);
  const [draft, setDraft] = useState<Filter[]>(initialFilters);
  const [filters, setFilters] = useState<Filter[]>(initialFilters);
  const [any, setAny] = useState(false);
  const [sort, setSort] = useState<Sort | null>(null);
  const [reveal, setReveal] = useState(false);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [staged, setStaged] = useState<Staged>(NO_EDITS);
  const [editing, setEditing] = useState<{ row: PageRow | null; column?: PageColumn } | null>(null);
  const [expanded, setExpanded] = useState<{ row: PageRow; column: PageColumn } | null>(null);
  const [reviewing, setReviewing] = useState(false);
  const [conflict, setConflict] = useState<AppError | null>(null);
  const request = { table, filters, any, sort: sort ? { column: sort.key, descending: sort.descending } : undefined, reveal, limit: 200 };
  const pages = useInfiniteQuery({
    queryKey: [...dbKeys.all, "rows", env, table.schema, table.name, filters, any, sort, reveal],
    queryFn: ({ pageParam }) => dbPage(env, { ...request, after: pageParam }),
    initialPageParam: undefined as Page["next"],
    getNextPageParam: (last) => last.next,
  });
  const first = pages.data?.pages[0];
  const pageColumns = first?.columns ?? [];
  const rows = useMemo<GridRow[]>(() => (pages.data?.pages ?? []).flatMap((p) => p.rows.map((row) => ({ id: rowId(row), row }))), [pages.data]);
  const canEdit = first?.paging === "key";
  const editCount = staged.updates.size + staged.deletes.size + staged.inserts.length;

  const shownCells = (r: PageRow): Cells => r.cells.map((c, i) => (r.masked.includes(i) ? "‹hidden›" : c));
  const pickedRows = rows.filter((r) => picked.has(r.id)).map((r) => r.row);
  const columnNames = pageColumns.map((c) => c.name);

  const stageUpdate = (row: PageRow, column: string, value: string | null) => {
    const id = rowId(row);
    const i = columnNames.indexOf(column);
    setStaged((s) => {
      const updates = new Map(s.updates);
      const prev = updates.get(id) ?? { key: row.key, old: {}, new: {} };
      updates.set(id, { key: row.key, old: { ...prev.old, [column]: row.cells[i] ?? null }, new: { ...prev.new, [column]: value } });
      return { ...s, updates };
    });
  };
  const stageDeletes = () => {
    setStaged((s) => {
      const deletes = new Map(s.deletes);
      for (const r of pickedRows) {
        // Guard a delete by every value shown whole (not cut, not hidden).
        const old: Record<string, string | null> = {};
        columnNames.forEach((c, i) => {
          if (!r.truncated.includes(i) && !r.masked.includes(i)) old[c] = r.cells[i] ?? null;
        });
        deletes.set(rowId(r), { key: r.key, old });
      }
      return { ...s, deletes };
    });
    setPicked(new Set());
  };
  const changes = (): Change[] => [
    ...[...staged.updates.values()].map((u) => ({ change: "update" as const, key: u.key, old: u.old, new: u.new })),
    ...staged.inserts.map((values) => ({ change: "insert" as const, values })),
    ...[...staged.deletes.values()].map((d) => ({ change: "delete" as const, key: d.key, old: d.old })),
  ];

  const columns: Column<GridRow>[] = [
    {
      key: "__pick",
      header: "Select",
      width: 36,
      srOnly: true,
      text: () => "",
      render: (r) => (
        <input
          type="checkbox"
          className="checkbox"
          aria-label={`Select row ${r.row.key.join(", ")}`}
          checked={picked.has(r.id)}
          onChange={() =>
            setPicked((p) => {
              const next = new Set(p);
              if (next.has(r.id)) next.delete(r.id);
              else next.add(r.id);
              return next;
            })
          }
        />
      ),
    },
    ...pageColumns.map(
      (c, i): Column<GridRow> => ({
        key: c.name,
        header: c.name,
        width: Math.min(360, Math.max(c.name.length * 9 + 60, typeWidth(c.typeName))),
        sortable: true,
        text: (r) => (r.row.masked.includes(i) ? "‹hidden›" : (staged.updates.get(r.id)?.new[c.name] ?? r.row.cells[i] ?? "")),
        render: (r) => {
          const update = staged.updates.get(r.id);
          const changed = update !== undefined && c.name in update.new;
          const value = changed ? update.new[c.name] : r.row.cells[i];
          const cut = !changed && r.row.truncated.includes(i);
          return (
            <span className="db__cell" data-changed={changed || undefined} data-deleted={staged.deletes.has(r.id) || undefined}>
              {r.row.masked.includes(i) ? (
                <span className="db__masked" aria-label="hidden secret">
                  ••••••
                </span>
              ) : value === null ? (
                <span className="db__null">NULL</span>
              ) : value === "" ? (
                <span className="db__empty">(empty)</span>
              ) : (
                <span className="mono">{value}</span>
              )}
              {cut && <IconButton icon={Maximize2} size={12} label={`Show all of ${c.name}`} title="Show the whole value" onClick={() => setExpanded({ row: r.row, column: c })} />}
              {canEdit && !r.row.masked.includes(i) && !staged.deletes.has(r.id) && (
                <IconButton icon={Pencil} size={12} label={`Edit ${c.name} of row ${r.row.key.join(", ")}`} title="Edit (staged until Apply)" onClick={() => setEditing({ row: r.row, column: c })} />
              )}
            </span>
          );
        },
      }),
    ),
  ];

  const estimate = names.data?.tables.find((t) => t.schema === table.schema && t.name === table.name)?.rowEstimate ?? 0;
  const exportRows = async (format: "csv" | "json") => {
    try {
      await dbExport(env, { ...request, after: undefined }, format, estimate);
    } catch (e) {
      showError(toAppError(e));
    }
  };

  return (
    <>
      <FilterBar columns={columnNames} draft={draft} setDraft={setDraft} any={any} setAny={setAny} onApply={() => setFilters(draft)} />
      <div className="toolbar">
        <LabelledButton icon={reveal ? EyeOff : Eye} label={reveal ? "Hide secrets" : "Reveal secrets"} action="reveal" onClick={() => setReveal(!reveal)} />
        {canEdit && <LabelledButton icon={FilePlus2} label="Add row" action="add-row" onClick={() => setEditing({ row: null })} />}
        {canEdit && <LabelledButton icon={Trash2} label={`Delete ${pickedRows.length} selected`} action="delete-rows" disabled={pickedRows.length === 0} onClick={stageDeletes} />}
        <LabelledButton icon={FilterIcon} label="Copy selected as CSV" disabled={pickedRows.length === 0} onClick={() => void copyText(toCsv(columnNames, pickedRows.map(shownCells)))} />
        <LabelledButton icon={FilterIcon} label="Copy selected as INSERT" disabled={pickedRows.length === 0} onClick={() => void copyText(toInserts(table.schema, table.name, columnNames, pickedRows.map(shownCells)))} />
        <LabelledButton icon={Download} label="Export CSV…" action="export-csv" onClick={() => void exportRows("csv")} />
        <LabelledButton icon={Download} label="Export JSON…" action="export-json" onClick={() => void exportRows("json")} />
      </div>
      {first?.notes.map((n) => (
        <p key={n} className="notice notice--warn">
          {n}
        </p>
      ))}
      {editCount > 0 && (
        <div className="db__staged" role="status">
          <span>
            {editCount} change{editCount === 1 ? "" : "s"} staged: nothing is written until you apply.
          </span>
          <LabelledButton icon={Pencil} label="Review and apply…" className="button--small button--primary" action="review-edits" onClick={() => setReviewing(true)} />
          <LabelledButton icon={Undo2} label="Discard" onClick={() => setStaged(NO_EDITS)} />
        </div>
      )}
      {conflict && <ErrorNotice error={conflict} />}
      {pages.error && <ErrorNotice error={toAppError(pages.error)} />}
      <DataTable
        id={`db-rows`}
        label={`Rows of ${table.schema}.${table.name}`}
        columns={columns}
        rows={rows}
        rowKey={(r) => r.id}
        onSort={setSort}
        onLoadMore={() => void pages.fetchNextPage()}
        hasMore={pages.hasNextPage}
        loadingMore={pages.isFetchingNextPage}
        rowData={(r) => ({ key: r.row.key.join(",") })}
        empty={pages.isPending ? <p aria-busy>Reading rows…</p> : <p className="muted">No rows match.</p>}
      />
      {pickedRows.length === 1 && pickedRows[0] && detail.data && <RelatedRows detail={detail.data} columns={columnNames} row={pickedRows[0]} onOpen={onOpen} />}
      {editing && (
        <EditDialog
          column={editing.column}
          columns={pageColumns}
          row={editing.row}
          onClose={() => setEditing(null)}
          onStage={(values) => {
            if (editing.row && editing.column) stageUpdate(editing.row, editing.column.name, values[editing.column.name] ?? null);
            else setStaged((s) => ({ ...s, inserts: [...s.inserts, values] }));
            setEditing(null);
          }}
        />
      )}
      {expanded && <CellDialog env={env} table={table} row={expanded.row} column={expanded.column} onClose={() => setExpanded(null)} />}
      {reviewing && (
        <ApplyDialog
          env={env}
          table={table}
          changes={changes()}
          onClose={() => setReviewing(false)}
          onDone={(error) => {
            setReviewing(false);
            setConflict(error);
            if (!error) setStaged(NO_EDITS);
            void queryClient.invalidateQueries({ queryKey: dbKeys.all });
          }}
        />
      )}
    </>
  );
}

function FilterBar({ columns, draft, setDraft, any, setAny, onApply }: { columns: string[]; draft: Filter[]; setDraft: (f: Filter[]) => void; any: boolean; setAny: (a: boolean) => void; onApply: () => void }) {
  const set = (i: number, patch: Partial<Filter>) => setDraft(draft.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  return (
    <form
      className="db__filters"
      aria-label="Filters"
      onSubmit={(e) => {
        e.preventDefault();
        onApply();
      }}
    >
      {draft.map((f, i) => (
        <div key={i} className="inline-row" data-filter={i}>
          <select className="select" aria-label={`Filter ${i + 1} column`} value={f.column} onChange={(e) => set(i, { column: e.target.value })}>
            {columns.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
          <select className="select" aria-label={`Filter ${i + 1} operator`} value={f.op} onChange={(e) => set(i, { op: e.target.value as FilterOp })}>
            {OPS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          {f.op !== "is_null" && f.op !== "not_null" && (
            <input className="input" aria-label={`Filter ${i + 1} value`} value={f.value ?? ""} onChange={(e) => set(i, { value: e.target.value })} />
          )}
          <IconButton icon={X} label={`Remove filter ${i + 1}`} title="Remove this filter" onClick={() => setDraft(draft.filter((_, j) => j !== i))} />
        </div>
      ))}
      <div className="inline-row">
        <LabelledButton icon={Plus} label="Add filter" action="add-filter" disabled={columns.length === 0} onClick={() => setDraft([...draft, { column: columns[0] ?? "", op: "eq", value: "" }])} />
        {draft.length > 1 && (
          <Segmented
            kind="radio"
            label="Combine filters"
            options={[
              { value: "all", label: "All (AND)" },
              { value: "any", label: "Any (OR)" },
            ]}
            value={any ? "any" : "all"}
            onChange={(v) => setAny(v === "any")}
          />
        )}
        <button type="submit" className="button button--small" data-action="apply-filters">
          Apply filters
        </button>
      </div>
    </form>
  );
}

/** Follow the row's foreign keys, and find the rows that reference it. */
function RelatedRows({ detail, columns, row, onOpen }: { detail: TableDetail; columns: string[]; row: PageRow; onOpen: (t: TableRef, f?: Filter[]) => void }) {
  const value = (c: string | undefined) => (c === undefined ? null : (row.cells[columns.indexOf(c)] ?? null));
  const eq = (targetCols: string[], sourceCols: string[]): Filter[] => targetCols.map((c, i) => ({ column: c, op: "eq", value: value(sourceCols[i]) ?? undefined }));
  if (detail.foreignKeys.length + detail.referencedBy.length === 0) return null;
  return (
    <div className="db__related" aria-label="Related rows">
      {detail.foreignKeys
        .filter((f) => f.columns.every((c) => value(c) !== null))
        .map((f) => (
          <button key={f.name} type="button" className="link-button" onClick={() => onOpen(f.to, eq(f.referenced, f.columns))}>
            Open the {tableLabel(f.to)} row it references
          </button>
        ))}
      {detail.referencedBy.map((f) => (
        <button key={`in-${f.name}`} type="button" className="link-button" onClick={() => onOpen(f.from, eq(f.columns, f.referenced))}>
          Rows of {tableLabel(f.from)} that reference it
        </button>
      ))}
    </div>
  );
}

function EditDialog({ row, column, columns, onClose, onStage }: { row: PageRow | null; column?: PageColumn; columns: PageColumn[]; onClose: () => void; onStage: (values: Record<string, string | null>) => void }) {
  const editable = column ? [column] : columns;
  const start = (c: PageColumn) => {
    if (!row) return "";
    const v = row.cells[columns.indexOf(c)] ?? null;
    return v === null ? "" : c.typeName.startsWith("json") ? (prettyJson(v) ?? v) : v;
  };
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(editable.map((c) => [c.name, start(c)])));
  // New rows leave a column to its default unless it is given; edits may set NULL.
  const [mode, setMode] = useState<Record<string, "value" | "null" | "default">>(() =>
    Object.fromEntries(editable.map((c) => [c.name, row ? ((row.cells[columns.indexOf(c)] ?? null) === null ? "null" : "value") : "default"] as const)),
  );
  return (
    <Modal open onOpenChange={(o) => !o && onClose()} title={row ? `Edit ${column?.name}` : "Add a row"} wide={!row}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          const out: Record<string, string | null> = {};
          for (const c of editable) {
            if (mode[c.name] === "default") continue;
            out[c.name] = mode[c.name] === "null" ? null : (values[c.name] ?? "");
          }
          onStage(out);
        }}
      >
        {editable.map((c) => (
          <div key={c.name} className="form__row">
            <label className="form__label" htmlFor={`edit-${c.name}`}>
              {c.name} <span className="muted mono">{c.dataType}</span>
            </label>
            <textarea
              id={`edit-${c.name}`}
              className="input mono"
              rows={c.typeName.startsWith("json") ? 6 : 1}
              value={values[c.name] ?? ""}
              disabled={mode[c.name] !== "value"}
              onChange={(e) => setValues({ ...values, [c.name]: e.target.value })}
            />
            <Segmented
              kind="radio"
              label={`${c.name} holds`}
              options={[{ value: "value", label: "Value" }, ...(c.nullable ? [{ value: "null", label: "NULL" }] : []), ...(row ? [] : [{ value: "default", label: "Default" }])] as { value: "value" | "null" | "default"; label: string }[]}
              value={mode[c.name] ?? "value"}
              onChange={(m) => setMode({ ...mode, [c.name]: m })}
            />
          </div>
        ))}
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary">
            Stage
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The whole value of a cell the grid cut, JSON pretty-printed and as a tree. */
function CellDialog({ env, table, row, column, onClose }: { env: string; table: TableRef; row: PageRow; column: PageColumn; onClose: () => void }) {
  const cell = useQuery({ queryKey: ["db", "cell", env, table.schema, table.name, row.key, column.name], queryFn: () => dbCell(env, table, row.key, column.name) });
  const state = { value: cell.data, error: cell.error ? toAppError(cell.error) : undefined };
  const pretty = state.value ? prettyJson(state.value) : null;
  return (
    <Modal open onOpenChange={(o) => !o && onClose()} title={`${column.name}: the whole value`} wide>
      {state.error && <ErrorNotice error={state.error} />}
      {state.value === undefined && !state.error && <p aria-busy>Reading…</p>}
      {state.value === null && <p className="db__null">NULL</p>}
      {typeof state.value === "string" && (
        <>
          <p className="muted">{state.value.length.toLocaleString()} characters</p>
          {pretty !== null ? <JsonTree value={JSON.parse(state.value) as unknown} /> : <pre className="db__value">{state.value}</pre>}
        </>
      )}
    </Modal>
  );
}

function JsonTree({ value, name }: { value: unknown; name?: string }) {
  if (value !== null && typeof value === "object") {
    const entries: (readonly [string, unknown])[] = Array.isArray(value) ? value.map((v: unknown, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
    return (
      <details open className="db__json">
        <summary className="mono">
          {name !== undefined && `${name}: `}
          {Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}
        </summary>
        {entries.map(([k, v]) => (
          <JsonTree key={k} name={k} value={v} />
        ))}
      </details>
    );
  }
  return (
    <div className="mono db__json-leaf">
      {name !== undefined && `${name}: `}
      {JSON.stringify(value)}
    </div>
  );
}

/** The exact statements, then the write policy's question, then one transaction. */
function ApplyDialog({ env, table, changes, onClose, onDone }: { env: string; table: TableRef; changes: Change[]; onClose: () => void; onDone: (error: AppError | null) => void }) {
  const guard = useGuard();
  const planned = useQuery({ queryKey: ["db", "edit-plan", env, table.schema, table.name, changes], queryFn: () => dbEditPlan(env, { table, changes }), gcTime: 0 });
  const plan = { statements: planned.data?.statements, error: planned.error ? toAppError(planned.error) : undefined };
  const [busy, setBusy] = useState(false);
  const apply = async () => {
    const answer = await guard.ask({
      env,
      action: changes.some((c) => c.change === "delete") ? "rows.delete" : "rows.edit",
      subject: `${table.schema}.${table.name}`,
      title: "Write the staged changes",
      confirmLabel: "Write",
      decide: async () => planned.data?.decision ?? (await dbEditPlan(env, { table, changes })).decision,
    });
    if (!answer) return;
    setBusy(true);
    try {
      await dbApplyEdits(env, { table, changes }, answer);
      onDone(null);
    } catch (e) {
      onDone(toAppError(e));
    }
  };
  return (
    <Modal open onOpenChange={(o) => !o && onClose()} title="Review the staged changes" wide>
      {plan.error && <ErrorNotice error={plan.error} />}
      {plan.statements && (
        <>
          <p>These statements run in one transaction; a row someone changed since you read it makes them all fail.</p>
          <SqlBlock sql={plan.statements.join("\n")} label="Statements to run" />
        </>
      )}
      <div className="form__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button--primary" data-action="apply-edits" disabled={!plan.statements || busy} onClick={() => void apply()}>
          {busy ? "Writing…" : "Apply"}
        </button>
      </div>
      {guard.dialog}
    </Modal>
  );
}
