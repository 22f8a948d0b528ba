import { Eye, FunctionSquare, Lock, LockOpen, Rows3, Table2, TriangleAlert } from "lucide-react";
import { useMemo, useState } from "react";
import { dbFunctionDdl, toAppError, type FunctionName, type TableDetail, type TableName, type TableRef } from "../../backend";
import { CopyButton } from "../../components/CopyButton";
import { ErrorNotice } from "../../components/ErrorNotice";
import { LabelledButton } from "../../components/IconButton";
import { SearchBox } from "../../components/SearchBox";
import { SqlBlock } from "../../components/SqlBlock";
import { useQuery } from "@tanstack/react-query";
import { sameTable, useNames, useTable } from "./queries";
import { bytes } from "./format";


type Picked = { kind: "table"; table: TableRef } | { kind: "function"; fn: FunctionName };

/** Every schema's objects by name (loaded at once), and a table's detail when picked. */
export function SchemaBrowser({ env, onBrowse }: { env: string; onBrowse: (t: TableRef) => void }) {
  const names = useNames(env);
  const [search, setSearch] = useState("");
  const [picked, setPicked] = useState<Picked | null>(null);
  const needle = search.trim().toLowerCase();
  const bySchema = useMemo(() => {
    const groups = new Map<string, { tables: TableName[]; functions: FunctionName[] }>();
    for (const s of names.data?.schemas ?? []) groups.set(s.name, { tables: [], functions: [] });
    for (const t of names.data?.tables ?? []) {
      if (needle && !`${t.schema}.${t.name}`.toLowerCase().includes(needle)) continue;
      groups.get(t.schema)?.tables.push(t);
    }
    for (const f of names.data?.functions ?? []) {
      if (needle && !`${f.schema}.${f.name}`.toLowerCase().includes(needle)) continue;
      groups.get(f.schema)?.functions.push(f);
    }
    return [...groups].filter(([, g]) => !needle || g.tables.length + g.functions.length > 0);
  }, [names.data, needle]);
  const exposed = new Set((names.data?.schemas ?? []).filter((s) => s.exposed).map((s) => s.name));
  const unprotected = (names.data?.tables ?? []).filter((t) => t.exposedWithoutRls).length;
  return (
    <div className="db__split">
      <nav className="db__tree" aria-label="Schema objects">
        <SearchBox label="Search the schema" placeholder="Tables, views, functions" value={search} onChange={setSearch} />
        {names.error && <ErrorNotice error={toAppError(names.error)} />}
        {names.isPending && <p aria-busy>Reading the schema…</p>}
        {unprotected > 0 && (
          <p className="notice notice--warn">
            <TriangleAlert size={14} aria-hidden /> {unprotected} table{unprotected === 1 ? "" : "s"} in exposed schemas without row-level security
          </p>
        )}
        {bySchema.map(([schema, group]) => (
          <details key={schema} open={needle !== "" || schema === "public"} className="db__schema">
            <summary>
              <span className="mono">{schema}</span> {exposed.has(schema) && <span className="badge badge--warn">exposed to the API</span>}
            </summary>
            <ul>
              {group.tables.map((t) => {
                const ref = { schema: t.schema, name: t.name };
                const isPicked = picked?.kind === "table" && sameTable(picked.table, ref);
                return (
                  <li key={t.name}>
                    <button
                      type="button"
                      className="db__object"
                      aria-current={isPicked || undefined}
                      data-object={`${t.schema}.${t.name}`}
                      onClick={() => setPicked({ kind: "table", table: ref })}
                    >
                      {t.kind === "view" || t.kind === "materialized_view" ? <Eye size={14} aria-label="view" /> : <Table2 size={14} aria-label="table" />}
                      <span className="mono db__name">{t.name}</span>
                      {t.rls ? (
                        <Lock size={13} className="db__rls" aria-label="row-level security on" />
                      ) : t.exposedWithoutRls ? (
                        <span className="db__rls db__rls--off">
                          <LockOpen size={13} aria-hidden /> no RLS
                        </span>
                      ) : null}
                      <span className="muted db__estimate" title="The planner's estimate of the rows">
                        {t.kind.includes("view") || t.rowEstimate === null ? "" : `~${t.rowEstimate.toLocaleString()}`}
                      </span>
                    </button>
                  </li>
                );
              })}
              {group.functions.map((f) => (
                <li key={`${f.name}(${f.arguments})`}>
                  <button type="button" className="db__object" onClick={() => setPicked({ kind: "function", fn: f })}>
                    <FunctionSquare size={14} aria-label={f.kind} />
                    <span className="mono">
                      {f.name}({f.arguments})
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </details>
        ))}
        {names.data && (
          <details className="db__schema">
            <summary>Extensions and roles</summary>
            <ul className="db__plain">
              {names.data.extensions.map((e) => (
                <li key={e.name}>
                  <span className="mono">{e.name}</span> {e.version} <span className="muted">in {e.schema}</span>
                </li>
              ))}
              {names.data.roles.map((r) => (
                <li key={r.name}>
                  <span className="mono">{r.name}</span>{" "}
                  <span className="muted">
                    {[r.superuser && "superuser", r.canLogin && "can log in", r.bypassRls && "bypasses RLS"].filter(Boolean).join(", ") || "no login"}
                  </span>
                </li>
              ))}
            </ul>
          </details>
        )}
      </nav>
      <div className="db__detail">
        {picked?.kind === "table" && <TablePane env={env} table={picked.table} onBrowse={onBrowse} onPick={(t) => setPicked({ kind: "table", table: t })} />}
        {picked?.kind === "function" && <FunctionPane env={env} fn={picked.fn} />}
        {!picked && <p className="muted">Pick a table, view or function to see its columns, keys, indexes, policies and DDL.</p>}
      </div>
    </div>
  );
}

function FunctionPane({ env, fn }: { env: string; fn: FunctionName }) {
  const ddl = useQuery({
    queryKey: ["db", "function", env, fn.schema, fn.name, fn.arguments],
    queryFn: () => dbFunctionDdl(env, { schema: fn.schema, name: fn.name }, fn.arguments),
  });
  return (
    <article aria-label={`Function ${fn.name}`}>
      <h2 className="mono">
        {fn.schema}.{fn.name}({fn.arguments})
      </h2>
      <p className="muted">
        {fn.kind} returning {fn.result || "nothing"}
      </p>
      {ddl.error && <ErrorNotice error={toAppError(ddl.error)} />}
      {ddl.data && (
        <>
          <CopyButton text={ddl.data} label="Copy the DDL" />
          <SqlBlock sql={ddl.data} label="Function definition" />
        </>
      )}
    </article>
  );
}

function TablePane({ env, table, onBrowse, onPick }: { env: string; table: TableRef; onBrowse: (t: TableRef) => void; onPick: (t: TableRef) => void }) {
  const detail = useTable(env, table);
  if (detail.error) return <ErrorNotice error={toAppError(detail.error)} />;
  if (!detail.data) return <p aria-busy>Reading {table.name}…</p>;
  return <TableDetailView d={detail.data} onBrowse={onBrowse} onPick={onPick} />;
}

function TableDetailView({ d, onBrowse, onPick }: { d: TableDetail; onBrowse: (t: TableRef) => void; onPick: (t: TableRef) => void }) {
  const link = (t: TableRef) => (
    <button type="button" className="link-button mono" onClick={() => onPick(t)}>
      {t.schema}.{t.name}
    </button>
  );
  return (
    <article aria-label={`Table ${d.table.name}`} className="db__table-detail">
      <div className="db__detail-header">
        <h2 className="mono">
          {d.table.schema}.{d.table.name}
        </h2>
        <LabelledButton icon={Rows3} label="Browse rows" action="browse-rows" onClick={() => onBrowse(d.table)} />
        <CopyButton text={d.ddl} label="Copy the DDL" />
      </div>
      <h3>Columns</h3>
      <table className="table db__columns">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Null</th>
            <th scope="col">Default</th>
          </tr>
        </thead>
        <tbody>
          {d.columns.map((c) => (
            <tr key={c.name}>
              <td className="mono">
                {c.name} {d.primaryKey.includes(c.name) && <span className="badge">key</span>}
              </td>
              <td className="mono">{c.dataType}</td>
              <td>{c.nullable ? "yes" : "no"}</td>
              <td className="mono">{c.default ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>
        Row-level security: {d.rls ? "on" : "off"} {!d.rls && <LockOpen size={14} aria-hidden />}
      </h3>
      {d.policies.length === 0 ? (
        <p className="muted">{d.rls ? "RLS is on and no policy exists: only owners and roles that bypass RLS see rows." : "No policies."}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Policy</th>
              <th scope="col">Command</th>
              <th scope="col">Roles</th>
              <th scope="col">Kind</th>
              <th scope="col">USING</th>
              <th scope="col">WITH CHECK</th>
            </tr>
          </thead>
          <tbody>
            {d.policies.map((p) => (
              <tr key={p.name}>
                <td className="mono">{p.name}</td>
                <td>{p.command}</td>
                <td className="mono">{p.roles.join(", ")}</td>
                <td>{p.permissive ? "permissive" : "restrictive"}</td>
                <td className="mono">{p.using ?? "—"}</td>
                <td className="mono">{p.withCheck ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Keys and indexes</h3>
      <ul className="db__plain">
        {d.constraints.map((c) => (
          <li key={c.name}>
            <span className="badge">{c.kind}</span> <span className="mono">{c.name}</span>: <span className="mono">{c.definition}</span>
          </li>
        ))}
        {d.indexes.map((i) => (
          <li key={i.name}>
            <span className="mono">{i.definition}</span>{" "}
            <span className="muted">
              {bytes(i.bytes)}, {i.scans.toLocaleString()} scans
            </span>
          </li>
        ))}
      </ul>
      <h3>Foreign keys</h3>
      <ul className="db__plain">
        {d.foreignKeys.map((f) => (
          <li key={f.name}>
            ({f.columns.join(", ")}) references {link(f.to)} ({f.referenced.join(", ")})
          </li>
        ))}
        {d.referencedBy.map((f) => (
          <li key={`in-${f.name}`}>
            referenced by {link(f.from)} ({f.columns.join(", ")})
          </li>
        ))}
        {d.foreignKeys.length + d.referencedBy.length === 0 && <li className="muted">None.</li>}
      </ul>
      {d.triggers.length > 0 && (
        <>
          <h3>Triggers</h3>
          <ul className="db__plain">
            {d.triggers.map((t) => (
              <li key={t.name} className="mono">
                {t.definition} {!t.enabled && <span className="badge badge--warn">disabled</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>DDL</h3>
      <SqlBlock sql={d.ddl} label="Table definition" />
    </article>
  );
}
