import { useQueryClient } from "@tanstack/react-query";
import { DatabaseZap } from "lucide-react";
import { useState } from "react";
import type { Environment, LintFinding, SchemaFinding } from "../../backend";
import {
  adoptDatabase,
  applyMigrations,
  exportValidation,
  revertMigrations,
  toAppError,
} from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { MigrationOverview, shapeText } from "../../components/MigrationOverview";
import { Segmented } from "../../components/Segmented";
import { JobLogView } from "../../jobs/JobLog";
import { useFinishedJob } from "../../jobs/jobLog";
import { useJobs } from "../../queries";
import type { SectionProps } from "../../sections";
import { useViewChoice } from "../../viewState";
import { MIGRATION_WRITES, useAdoptionPlan, usePlan, useStatus, useValidation } from "./queries";
import { AcceptedFills, BlockerNotice } from "./BlockerNotice";
import { SqlBlock } from "../../components/SqlBlock";
import "./migrations.css";
import { TableHead } from "../../components/TableHead";

type Tab = "status" | "plan" | "validate" | "adopt" | "all";
const TABS = [
  { value: "status", label: "Status" },
  { value: "plan", label: "Plan" },
  { value: "validate", label: "Validate" },
  { value: "adopt", label: "Adopt" },
  { value: "all", label: "All environments" },
] as const;
const TAB_VALUES = TABS.map((t) => t.value);

/** Status, plan, apply, validation and adoption of the current environment's database. */
export default function MigrationsSection({ current }: SectionProps) {
  const [tab, setTab] = useViewChoice<Tab>("migrations.tab", TAB_VALUES, "status");
  const env = current?.database ? current.name : undefined;
  return (
    <section className="section section--wide" aria-labelledby="section-title" data-section="migrations">
      <header className="section__header">
        <DatabaseZap size={22} aria-hidden />
        <h1 id="section-title">Migrations</h1>
      </header>
      <Segmented options={TABS} value={tab} onChange={setTab} label="Migrations view" kind="tab" />
      {tab === "all" ? (
        <MigrationOverview />
      ) : !current || !env ? (
        <p className="section__empty">
          {current ? `Environment "${current.name}" has no database connection.` : "Choose an environment first."}
        </p>
      ) : tab === "status" ? (
        <StatusView key={current.name} env={current} />
      ) : tab === "plan" ? (
        <PlanView key={env} env={env} />
      ) : tab === "validate" ? (
        <ValidateView key={env} env={env} />
      ) : (
        <AdoptView key={current.name} env={current} />
      )}
    </section>
  );
}

/** The newest migration job of `env` (`kinds`), which may have been started before this view was
 * shown, and refreshes the section's reads when it ends. */
function useMigrationJob(env: string, kinds: string[]) {
  const jobs = useJobs();
  const job = jobs.data?.find((j) => j.environment === env && kinds.includes(j.kind));
  const log = useFinishedJob(job?.id, MIGRATION_WRITES);
  const running = log?.info?.state === "running" || job?.state === "running";
  return { job, running };
}

/** Starts a migration job (listed at once); an error before it started is shown in place. */
function useStartJob() {
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const start = (run: () => Promise<number>) => {
    setError(null);
    run().then(() => void client.invalidateQueries({ queryKey: ["jobs", "list"] }), setError);
  };
  return { start, error };
}

function StatusView({ env }: { env: Environment }) {
  const status = useStatus(env.name);
  const guard = useGuard();
  const { job, running } = useMigrationJob(env.name, ["migration.apply", "migration.revert"]);
  const { start, error: startError } = useStartJob();
  const s = status.data;
  if (status.error) return <ErrorNotice error={toAppError(status.error)} />;
  if (!s) return <p aria-busy>Reading the migration history…</p>;
  const managed = s.shape.kind === "empty" || s.shape.kind === "console_managed";
  const canApply = env.safety !== "read-only" && managed && s.pending > 0 && s.problems === 0;
  const done = s.migrations.filter((m) => m.state === "applied" || m.state === "baselined");
  // Reverting keeps `version` and runs the down files of every newer applied migration.
  const revertible = (version: number) => {
    const newer = done.filter((m) => m.version > version);
    return env.safety !== "read-only" && s.problems === 0 && newer.length > 0 && newer.every((m) => m.reversible);
  };
  const askApply = async () => {
    const confirmation = await guard.ask({
      env: env.name,
      action: "migration.apply",
      alwaysAsk: true,
      title: `Apply ${String(s.pending)} migrations to ${env.name}?`,
      confirmLabel: "Apply",
      body: <p>Each migration runs in its own transaction under the migration lock. Review the Plan tab first.</p>,
    });
    if (confirmation) start(() => applyMigrations(env.name, confirmation));
  };
  const askRevert = async (to: number) => {
    const version = String(to).padStart(4, "0");
    const confirmation = await guard.ask({
      env: env.name,
      action: "migration.revert",
      subject: version,
      alwaysAsk: true,
      title: `Revert the migrations after ${version} on ${env.name}?`,
      confirmLabel: "Revert",
      body: <p>The down files of every newer migration run, newest first, each in its own transaction.</p>,
    });
    if (confirmation) start(() => revertMigrations(env.name, to, confirmation));
  };
  return (
    <div className="migrations">
      <p className="migrations__summary">
        <strong>{s.target}</strong> ({s.mode.replaceAll("_", " ")}, PostgreSQL {s.serverVersion}): {shapeText(s.shape)}.{" "}
        {s.pending} pending, {s.problems} problems.{managed ? "" : " Adopt it first (Adopt tab)."}{" "}
        <button type="button" className="button button--small" disabled={status.isFetching} onClick={() => void status.refetch()}>
          Refresh
        </button>
      </p>
      {s.lockHolder && <p className="notice notice--warn">The migration lock is held by process {s.lockHolder.pid} ({s.lockHolder.application}).</p>}
      <table className="table" aria-label="Migrations">
        <TableHead columns={["Migration", "State", "Applied", "Duration", "Checksum", "Notes", ""]} />
        <tbody>
          {s.migrations.map((m) => (
            <tr key={m.version} data-state={m.state}>
              <td><code>{m.file}</code></td>
              <td><span className={`badge badge--${m.state}`}>{m.state.replaceAll("_", " ")}</span></td>
              <td>{m.appliedAt ? new Date(m.appliedAt).toLocaleString() : "—"}</td>
              <td>{m.durationMs !== undefined ? `${String(m.durationMs)} ms` : "—"}</td>
              <td><code title={m.checksum}>{m.checksum.slice(0, 10)}</code></td>
              <td>{m.note ?? (m.reversible ? "reversible" : "")}</td>
              <td>
                {done.includes(m) && revertible(m.version) && (
                  <button type="button" className="button button--small" disabled={running} onClick={() => void askRevert(m.version)}>
                    Revert newer…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {env.safety === "read-only" ? (
        <p className="notice">This environment is read-only: migrations cannot be applied to it.</p>
      ) : (
        <button type="button" className="button button--primary" disabled={!canApply || running} onClick={() => void askApply()}>
          {s.pending > 0 ? `Apply ${String(s.pending)} pending…` : "Up to date"}
        </button>
      )}
      {startError !== null && <ErrorNotice error={toAppError(startError)} />}
      {job && <JobLogView id={job.id} />}
      {guard.dialog}
    </div>
  );
}

/** "2 errors, 22 warnings (blocks-writes 22, destructive 2)". */
function lintSummary(lint: LintFinding[]) {
  const count = (severity: string) => lint.filter((l) => l.severity === severity).length;
  const rules = new Map<string, number>();
  for (const l of lint) rules.set(l.rule, (rules.get(l.rule) ?? 0) + 1);
  const parts = (["error", "warning", "info"] as const)
    .map((sev) => [sev, count(sev)] as const)
    .filter(([, n]) => n > 0)
    .map(([sev, n]) => `${String(n)} ${sev}${n === 1 ? "" : "s"}`);
  return `${parts.join(", ")} (${[...rules].map(([rule, n]) => `${rule} ${String(n)}`).join(", ")})`;
}

function PlanView({ env }: { env: string }) {
  const plan = usePlan(env);
  if (plan.error) return <ErrorNotice error={toAppError(plan.error)} />;
  const p = plan.data;
  if (!p) return <p aria-busy>Planning…</p>;
  return (
    <div className="migrations">
      {p.refusal && <p className="notice notice--error" role="alert">Apply would refuse: {p.refusal}</p>}
      {p.lockHolder && <p className="notice notice--warn">Lock held by process {p.lockHolder.pid} ({p.lockHolder.application}, {p.lockHolder.state})</p>}
      {p.blockers.map((b) => (
        <p key={b.pid} className="notice notice--warn">
          Process {b.pid} ({b.application || "no name"}, {b.state}) holds locks on {b.tables.join(", ")}: DDL on them would wait.
        </p>
      ))}
      {p.lint.length > 0 && (
        <details className="lint" open={p.lint.some((l) => l.severity === "error") || p.lint.length <= 5}>
          <summary>
            Lint: {lintSummary(p.lint)}
          </summary>
          <ul className="findings" aria-label="Lint">
            {p.lint.map((l, i) => (
              <li key={i} className={`finding finding--${l.severity}`}>
                <strong>{l.severity}</strong> {String(l.version).padStart(4, "0")} statement {l.statement} (line {l.line}): {l.message}
              </li>
            ))}
          </ul>
        </details>
      )}
      {p.migrations.every((m) => m.skipped !== undefined) && <p>Nothing pending.</p>}
      {p.migrations.map((m) => (
        <details key={m.version} className="plan-migration" open={m.skipped === undefined}>
          <summary>
            <code>{m.file}</code> — {m.statements.length} statements, {m.transactional ? "one transaction" : "no transaction"}
            {m.skipped && <em> — {m.skipped}</em>}
          </summary>
          {m.statements.map((s) => (
            <SqlBlock key={s.index} sql={`-- statement ${String(s.index)}, line ${String(s.line)}\n${s.sql};`} />
          ))}
        </details>
      ))}
    </div>
  );
}

function FindingsTable({ findings }: { findings: SchemaFinding[] }) {
  return (
    <table className="table" aria-label="Findings">
      <TableHead columns={["Severity", "Object", "Expected", "Found", "Fix"]} />
      <tbody>
        {findings.map((f, i) => (
          <tr key={i} className={`finding--${f.severity}`}>
            <td><span className={`badge badge--severity-${f.severity}`}>{f.severity}</span></td>
            <td>{f.object}</td>
            <td>{f.expected}</td>
            <td>{f.found}</td>
            <td>{f.fix && <SqlBlock sql={`${f.fix};`} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ValidateView({ env }: { env: string }) {
  const report = useValidation(env);
  const [exportError, setExportError] = useState<unknown>(null);
  const r = report.data;
  if (report.error) return <ErrorNotice error={toAppError(report.error)} />;
  if (!r) return <p aria-busy>Validating…</p>;
  // The backend validates again and asks where to save in the native dialog.
  const save = (format: "json" | "markdown") => exportValidation(env, format).catch(setExportError);
  return (
    <div className="migrations">
      <p className="migrations__summary" data-testid="validation-summary">
        {r.errors === 0 && r.warnings === 0 ? "Clean: " : ""}
        {r.errors} errors, {r.warnings} warnings, {r.infos} {r.infos === 1 ? "note" : "notes"} ({shapeText(r.shape)})
      </p>
      <div className="migrations__actions">
        <button type="button" className="button button--small" disabled={report.isFetching} onClick={() => void report.refetch()}>
          {report.isFetching ? "Validating…" : "Validate again"}
        </button>
        <button type="button" className="button button--small" data-export="json" onClick={() => void save("json")}>Export JSON…</button>
        <button type="button" className="button button--small" data-export="markdown" onClick={() => void save("markdown")}>Export Markdown…</button>
        <span className="muted">Checked at {new Date(r.checkedAt).toLocaleTimeString()}</span>
      </div>
      {exportError !== null && <ErrorNotice error={toAppError(exportError)} />}
      <FindingsTable findings={r.findings} />
    </div>
  );
}

function AdoptView({ env }: { env: Environment }) {
  const [fills, setFills] = useState<Record<string, string>>({});
  const accepted = Object.entries(fills);
  const plan = useAdoptionPlan(env.name, accepted);
  const guard = useGuard();
  const { job, running } = useMigrationJob(env.name, ["migration.adopt"]);
  const { start, error: startError } = useStartJob();
  const p = plan.data;
  if (plan.error) return <ErrorNotice error={toAppError(plan.error)} />;
  if (!p) return <p aria-busy>Comparing with the canonical schema…</p>;
  const harmless = p.differences.filter((d) => d.severity === "info");
  const askAdopt = async () => {
    const confirmation = await guard.ask({
      env: env.name,
      action: "migration.adopt",
      alwaysAsk: true,
      title: `Adopt the database of ${env.name}?`,
      confirmLabel: "Run the repair",
      body: <p>The repair runs in one transaction under the migration lock; no column or row is dropped.</p>,
    });
    if (confirmation) start(() => adoptDatabase(env.name, accepted, confirmation));
  };
  if (p.shape.kind === "console_managed")
    return (
      <div className="migrations">
        <p className="notice">Nothing to do: the console already manages this database. Use Status, Plan and Apply.</p>
        {job && <JobLogView id={job.id} />}
      </div>
    );
  return (
    <div className="migrations">
      <ol className="wizard">
        <li>Recognised: {shapeText(p.shape)}.</li>
        <li>{p.steps.length} repair steps; {harmless.length} harmless differences are kept (legacy columns, names).</li>
        <li>Baseline recorded: {p.baseline.join(", ")}.</li>
      </ol>
      {p.refusal && <p className="notice notice--error" role="alert">{p.refusal}</p>}
      {p.blockers.map((b) => (
        <BlockerNotice key={b.object} blocker={b} onFill={(column, value) => setFills({ ...fills, [column]: value })} />
      ))}
      <AcceptedFills
        fills={accepted}
        onUndo={(column) => setFills(Object.fromEntries(accepted.filter(([c]) => c !== column)))}
      />
      {!p.refusal && <SqlBlock sql={p.steps.map((s) => `-- ${s.object}: ${s.found} → ${s.expected}\n${s.sql};`).join("\n\n")} label="Repair plan" />}
      {!p.refusal && env.safety !== "read-only" && (
        <button type="button" className="button button--primary" disabled={p.blockers.length > 0 || running} onClick={() => void askAdopt()}>
          Adopt…
        </button>
      )}
      {startError !== null && <ErrorNotice error={toAppError(startError)} />}
      {job && <JobLogView id={job.id} />}
      <details>
        <summary>All differences ({p.differences.length})</summary>
        <FindingsTable findings={p.differences} />
      </details>
      {guard.dialog}
    </div>
  );
}
