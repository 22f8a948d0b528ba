import { useQueryClient } from "@tanstack/react-query";
import { Ban, Download, History, LockKeyhole, LockKeyholeOpen, Play, PlayCircle, Plus, Save, Trash2, Workflow, X } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import {
  deleteSqlSnippet,
  saveSqlSnippet,
  sqlCancel,
  sqlClassify,
  sqlClose,
  sqlExplain,
  sqlExportResult,
  sqlFetchMore,
  sqlOpen,
  sqlRun,
  sqlSetTimeout,
  sqlStatements,
  toAppError,
  type AppError,
  type SqlOutcome,
  type SqlTab,
} from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { DataTable, type Column } from "../../components/DataTable";
import { ErrorNotice } from "../../components/ErrorNotice";
import { IconButton, LabelledButton } from "../../components/IconButton";
import { useShowError } from "../../components/Toasts";
import { useViewState } from "../../viewState";
import { PlanTree } from "./PlanTree";
import { dbKeys, useCompletion, useHistory, useNames, useSnippets } from "./queries";
import type { EditorView } from "@codemirror/view";
import { SqlEditor, type RunScope } from "./SqlEditor";

/** Rows a result holds in the window at most; the rest stay in the server's cursor. */
export const HELD_ROWS = 10_000;
const FETCH_ROWS = 500;

interface TabInfo {
  id: string;
  title: string;
  text: string;
}

const isTabs = (v: unknown): v is TabInfo[] => Array.isArray(v) && v.every((t) => typeof (t as TabInfo).id === "string" && typeof (t as TabInfo).text === "string");
const isNumber = (v: unknown): v is number => typeof v === "number";

/** Several editors, each with its own session on the environment's database. */
export function SqlConsole({ env }: { env: string }) {
  const [tabs, setTabs] = useViewState<TabInfo[]>(`db.sql.${env}.tabs`, [{ id: "t1", title: "Query 1", text: "" }], isTabs);
  const [active, setActive] = useState(tabs[0]?.id ?? "t1");
  const current = tabs.find((t) => t.id === active) ?? tabs[0];
  const add = () => {
    const n = Math.max(0, ...tabs.map((t) => Number(t.id.slice(1)) || 0)) + 1;
    setTabs([...tabs, { id: `t${n}`, title: `Query ${n}`, text: "" }]);
    setActive(`t${n}`);
  };
  const close = (id: string) => {
    const rest = tabs.filter((t) => t.id !== id);
    setTabs(rest.length ? rest : [{ id: "t1", title: "Query 1", text: "" }]);
    if (id === active) setActive(rest[0]?.id ?? "t1");
  };
  return (
    <div className="db__console">
      <div className="db__console-bar">
        <div className="db__console-tabs" role="tablist" aria-label="SQL tabs">
          {tabs.map((t) => (
            <button key={t.id} type="button" role="tab" className="db__console-tab" data-state={t.id === current?.id ? "on" : "off"} aria-selected={t.id === current?.id} onClick={() => setActive(t.id)}>
              {t.title}
            </button>
          ))}
        </div>
        <IconButton icon={Plus} label="New SQL tab" title="New tab (its own session)" onClick={add} />
        {current && <IconButton icon={X} label={`Close ${current.title}`} title="Close this tab (its session ends)" onClick={() => close(current.id)} />}
      </div>
      {tabs.map((t) => (
        <div key={t.id} hidden={t.id !== current?.id} role="tabpanel" aria-label={t.title}>
          <SqlTabView env={env} tab={t} onText={(text) => setTabs(tabs.map((x) => (x.id === t.id ? { ...x, text } : x)))} />
        </div>
      ))}
    </div>
  );
}

/** A result as the grid holds it. */
interface Held {
  outcome: SqlOutcome;
  rows: (string | null)[][];
}

function SqlTabView({ env, tab, onText }: { env: string; tab: TabInfo; onText: (text: string) => void }) {
  const queryClient = useQueryClient();
  const showError = useShowError();
  const guard = useGuard();
  const completion = useCompletion(env);
  const names = useNames(env);
  const [timeout, setTimeoutSeconds] = useViewState<number>(`db.sql.${env}.timeout`, 30, isNumber);
  const [session, setSession] = useState<SqlTab | null>(null);
  const [openError, setOpenError] = useState<AppError | null>(null);
  const [running, setRunning] = useState(false);
  const [results, setResults] = useState<Held[]>([]);
  const [plan, setPlan] = useState<unknown>(null);
  const [errorAt, setErrorAt] = useState<number | null>(null);
  const [side, setSide] = useState<"none" | "history" | "snippets">("none");
  const editor = useRef<EditorView | null>(null);
  const textRef = useRef(tab.text);
  const tabKey = `${env}:${tab.id}`;

  // The session opens with the timeout of the moment; a later change is sent to it (below)
  // rather than reopening it, which would roll back a transaction the operator has open.
  const timeoutRef = useRef(timeout);
  useEffect(() => {
    let live = true;
    sqlOpen(env, tabKey, null, timeoutRef.current).then(
      (s) => live && setSession(s),
      (e: unknown) => live && setOpenError(toAppError(e)),
    );
    return () => {
      live = false;
      // A session that cannot be closed now ends with the app; nothing waits on it.
      sqlClose(tabKey).catch(() => undefined);
    };
  }, [env, tabKey]);

  useEffect(() => {
    if (timeoutRef.current === timeout) return;
    timeoutRef.current = timeout;
    sqlSetTimeout(tabKey, timeout).catch((e: unknown) => showError(toAppError(e)));
  }, [tabKey, timeout, showError]);

  const cancel = () => {
    sqlCancel(tabKey).catch((e: unknown) => showError(toAppError(e)));
  };

  const unlock = async () => {
    if (!session) return;
    const answer = await guard.ask({ env, action: "sql.run", title: "Allow writes in this tab", confirmLabel: "Allow writes", alwaysAsk: true, decide: () => Promise.resolve(session.unlock) });
    if (!answer) return;
    try {
      setSession(await sqlOpen(env, tabKey, answer, timeout));
    } catch (e) {
      showError(toAppError(e));
    }
  };

  /** The statements to run: the selection, the statement at the cursor, or all. */
  const pick = async (scope: RunScope) => {
    const view = editor.current;
    const text = view?.state.doc.toString() ?? textRef.current;
    const sel = view?.state.selection.main;
    if (scope === "statement" && sel && !sel.empty) {
      return (await sqlStatements(text.slice(sel.from, sel.to))).map((s) => ({ ...s, start: s.start + sel.from }));
    }
    const all = await sqlStatements(text);
    if (scope === "all") return all;
    const at = sel?.head ?? 0;
    const hit = all.find((s) => at >= s.start && at <= s.end + 1) ?? all.filter((s) => s.start <= at).at(-1) ?? all[0];
    return hit ? [hit] : [];
  };

  const run = async (scope: RunScope) => {
    if (running || !session) return;
    const statements = await pick(scope);
    if (statements.length === 0) return;
    setErrorAt(null);
    setPlan(null);
    setRunning(true);
    const held: Held[] = [];
    try {
      for (const s of statements) {
        const kind = await sqlClassify(s.sql);
        let destroy = false;
        if (kind.destructive && !session.readOnly) {
          const answer = await guard.ask({
            env,
            action: "sql.run",
            title: "This statement destroys data",
            confirmLabel: "Run it",
            alwaysAsk: true,
            decide: () => Promise.resolve({ verdict: "confirm_yes", sentence: `${kind.destructive}. Run it on ${env}?` }),
          });
          if (!answer) break;
          destroy = true;
        }
        const outcome = await sqlRun(env, tabKey, s.sql, destroy);
        held.push({ outcome, rows: outcome.rows });
        setResults([...held]);
        if (outcome.error) {
          if (outcome.error.position !== undefined) setErrorAt(s.start + outcome.error.position);
          break;
        }
      }
    } catch (e) {
      showError(toAppError(e));
    } finally {
      setRunning(false);
      void queryClient.invalidateQueries({ queryKey: dbKeys.history(env) });
    }
  };

  const more = async (i: number) => {
    try {
      const next = await sqlFetchMore(tabKey, FETCH_ROWS);
      setResults((rs) => rs.map((r, j) => (j === i ? { outcome: { ...r.outcome, more: next.more, rowCount: next.rowCount, error: next.error }, rows: [...r.rows, ...next.rows] } : r)));
    } catch (e) {
      showError(toAppError(e));
    }
  };

  const explain = async (analyze: boolean) => {
    const [s] = await pick("statement");
    if (!s || !session) return;
    setRunning(true);
    try {
      const out = await sqlExplain(tabKey, s.sql, analyze);
      if (out.error) {
        setResults([{ outcome: { statement: s.sql, classified: { kind: "other", command: "EXPLAIN" }, columns: [], rows: [], more: false, dropped: 0, millis: 0, readOnly: session.readOnly, notices: [], error: out.error }, rows: [] }]);
        if (out.error.position !== undefined) setErrorAt(s.start + out.error.position);
      } else {
        setPlan(out.plan);
        setResults([]);
      }
    } catch (e) {
      showError(toAppError(e));
    } finally {
      setRunning(false);
    }
  };

  const schema = useMemo(() => completion.data ?? {}, [completion.data]);
  const functions = useMemo(() => [...new Set((names.data?.functions ?? []).map((f) => f.name))], [names.data]);
  return (
    <div className="db__sql">
      <div className="toolbar">
        <LabelledButton icon={Play} label="Run" action="run-statement" disabled={running || !session} onClick={() => void run("statement")} />
        <LabelledButton icon={PlayCircle} label="Run all" action="run-all" disabled={running || !session} onClick={() => void run("all")} />
        <LabelledButton icon={Ban} label="Cancel" action="cancel-statement" disabled={!running} onClick={cancel} />
        <LabelledButton icon={Workflow} label="Explain" disabled={running || !session} onClick={() => void explain(false)} />
        <LabelledButton icon={Workflow} label="Explain analyze" disabled={running || !session} onClick={() => void explain(true)} />
        <label className="db__field">
          <span>Timeout</span>
          <select className="select" aria-label="Statement timeout" value={timeout} onChange={(e) => setTimeoutSeconds(Number(e.target.value))}>
            {[5, 30, 120, 600, 3600].map((s) => (
              <option key={s} value={s}>
                {s < 60 ? `${s} s` : `${s / 60} min`}
              </option>
            ))}
          </select>
        </label>
        {session &&
          (session.readOnly ? (
            <>
              <span className="badge badge--warn" data-access="read-only">
                <LockKeyhole size={12} aria-hidden /> read-only: every statement is rolled back
              </span>
              {session.unlock.verdict !== "refused" && <LabelledButton icon={LockKeyholeOpen} label="Allow writes…" action="unlock-writes" onClick={() => void unlock()} />}
            </>
          ) : (
            <span className="badge badge--danger" data-access="writes">
              <LockKeyholeOpen size={12} aria-hidden /> writes allowed
            </span>
          ))}
        <span className="section__action db__field">
          <LabelledButton icon={History} label="History" onClick={() => setSide(side === "history" ? "none" : "history")} />
          <LabelledButton icon={Save} label="Snippets" onClick={() => setSide(side === "snippets" ? "none" : "snippets")} />
        </span>
      </div>
      {openError && <ErrorNotice error={openError} />}
      <div className={side === "none" ? "db__sql-main" : "db__sql-main db__sql-main--side"}>
        <SqlEditor
          label={`SQL of ${tab.title}`}
          initial={tab.text}
          onChange={(text) => {
            textRef.current = text;
            onText(text);
          }}
          schema={schema}
          functions={functions}
          onRun={(scope) => void run(scope)}
          onCancel={() => running && cancel()}
          errorAt={errorAt}
          onView={(view) => {
            editor.current = view;
          }}
        />
        {side === "history" && <HistoryPanel env={env} onPick={(s) => insert(editor.current, s)} />}
        {side === "snippets" && <SnippetsPanel text={() => editor.current?.state.doc.toString() ?? ""} onPick={(s) => insert(editor.current, s)} />}
      </div>
      {running && <p aria-busy>Running… (Escape or Cancel stops it)</p>}
      {plan !== null && <PlanTree plan={plan} />}
      {results.map((r, i) => (
        <ResultView key={i} held={r} onMore={() => void more(i)} />
      ))}
      {guard.dialog}
    </div>
  );
}

function insert(view: EditorView | null, text: string) {
  if (!view) return;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  view.focus();
}

function ResultView({ held, onMore }: { held: Held; onMore: () => void }) {
  const showError = useShowError();
  const { outcome, rows } = held;
  const columns = useMemo<Column<{ i: number; cells: (string | null)[] }>[]>(
    () =>
      outcome.columns.map((c, j) => ({
        key: `${j}`,
        header: c.name,
        width: 160,
        text: (r) => r.cells[j] ?? "",
        render: (r) => (r.cells[j] === null ? <span className="db__null">NULL</span> : <span className="mono">{r.cells[j]}</span>),
      })),
    [outcome.columns],
  );
  const gridRows = useMemo(() => rows.map((cells, i) => ({ i, cells })), [rows]);
  const exportAs = async (format: "csv" | "json") => {
    try {
      await sqlExportResult(
        outcome.columns.map((c) => c.name),
        rows,
        format,
      );
    } catch (e) {
      showError(toAppError(e));
    }
  };
  const count = outcome.rowCount ?? rows.length;
  return (
    <section className="db__result" aria-label={`Result of ${outcome.classified.command}`}>
      {outcome.error ? (
        <div className="notice notice--error" role="alert" data-sqlstate={outcome.error.sqlstate}>
          <strong>ERROR {outcome.error.sqlstate}:</strong> {outcome.error.message}
          {outcome.error.detail && <div>{outcome.error.detail}</div>}
          {outcome.error.hint && <div>Hint: {outcome.error.hint}</div>}
          {outcome.readOnly && outcome.error.sqlstate === "25006" && <div>This tab is read-only: the server refused the write, and nothing changed.</div>}
        </div>
      ) : (
        <p className="db__status" role="status">
          {outcome.classified.command} — {outcome.more ? `first ${rows.length.toLocaleString()} rows` : `${count.toLocaleString()} row${count === 1 ? "" : "s"}`} in {outcome.millis} ms
          {outcome.readOnly ? " (read-only, rolled back)" : ""}
          {outcome.dropped > 0 ? `; ${outcome.dropped} more returned rows not kept` : ""}
        </p>
      )}
      {outcome.notices.length > 0 && (
        <ul className="db__notices" aria-label="Notices from the server">
          {outcome.notices.map((n, i) => (
            <li key={i} className="mono">
              NOTICE: {n}
            </li>
          ))}
        </ul>
      )}
      {outcome.columns.length > 0 && (
        <>
          <DataTable id="db-result" label={`Rows of ${outcome.classified.command}`} columns={columns} rows={gridRows} rowKey={(r) => String(r.i)} />
          <div className="toolbar">
            {outcome.more && (
              <button type="button" className="button button--small" data-action="fetch-more" disabled={rows.length >= HELD_ROWS} onClick={onMore}>
                {rows.length >= HELD_ROWS ? `${HELD_ROWS.toLocaleString()} rows held: narrow the query or export` : "Fetch more"}
              </button>
            )}
            <LabelledButton icon={Download} label="Export CSV…" onClick={() => void exportAs("csv")} />
            <LabelledButton icon={Download} label="Export JSON…" onClick={() => void exportAs("json")} />
          </div>
        </>
      )}
    </section>
  );
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium" });

function HistoryPanel({ env, onPick }: { env: string; onPick: (sql: string) => void }) {
  const history = useHistory(env);
  return (
    <aside className="db__side" aria-label="History">
      <h2>History</h2>
      {history.error && <ErrorNotice error={toAppError(history.error)} />}
      <ul className="db__plain">
        {(history.data ?? []).map((h, i) => (
          <li key={i}>
            <button type="button" className="link-button mono" onClick={() => onPick(h.statement)}>
              {h.statement.slice(0, 80)}
            </button>
            <div className="muted">
              {when.format(new Date(h.at))} · {h.millis} ms · {h.rows ?? 0} rows · {h.outcome === "ok" ? "ok" : <span className="badge badge--severity-error">{h.outcome}</span>}
            </div>
          </li>
        ))}
      </ul>
    </aside>
  );
}

function SnippetsPanel({ text, onPick }: { text: () => string; onPick: (sql: string) => void }) {
  const queryClient = useQueryClient();
  const showError = useShowError();
  const snippets = useSnippets();
  const [name, setName] = useState("");
  const refresh = () => void queryClient.invalidateQueries({ queryKey: dbKeys.snippets });
  return (
    <aside className="db__side" aria-label="Snippets">
      <h2>Snippets</h2>
      <form
        className="inline-row"
        onSubmit={(e) => {
          e.preventDefault();
          saveSqlSnippet(name, text()).then(() => {
            setName("");
            refresh();
          }, (err: unknown) => showError(toAppError(err)));
        }}
      >
        <input className="input" aria-label="Snippet name" placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="button button--small" disabled={!name.trim()}>
          Save
        </button>
      </form>
      <ul className="db__plain">
        {(snippets.data ?? []).map((s) => (
          <li key={s.name}>
            <button type="button" className="link-button" onClick={() => onPick(s.sql)}>
              {s.name}
            </button>
            <IconButton icon={Trash2} size={12} label={`Delete snippet ${s.name}`} title="Delete" onClick={() => void deleteSqlSnippet(s.name).then(refresh, (err: unknown) => showError(toAppError(err)))} />
          </li>
        ))}
      </ul>
    </aside>
  );
}
