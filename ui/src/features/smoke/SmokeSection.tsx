import { useQueryClient } from "@tanstack/react-query";
import { Download, FolderPlus, ListChecks, Play, Square, X } from "lucide-react";
import { useEffect, useMemo, useState } from "react";
import type { CheckResult, CheckStatus, ReportFormat, SmokeEvent, SmokeOptions, SmokeReport, SmokeRun } from "../../backend";
import { addSmokeSuite, cancelJob, exportSmokeRun, removeSmokeSuite, runSmoke, setSmokeSchedule, toAppError, type AppError } from "../../backend";
import { DataTable, type Column } from "../../components/DataTable";
import { ErrorNotice } from "../../components/ErrorNotice";
import { SearchBox } from "../../components/SearchBox";
import { Segmented } from "../../components/Segmented";
import { useShowError } from "../../components/Toasts";
import { JobProgressBar } from "../../jobs/JobLog";
import { useJobLog } from "../../jobs/jobLog";
import type { SectionProps } from "../../sections";
import { CheckDetail } from "./CheckDetail";
import { smokeKeys, useScheduledRuns, useSmokeChecks, useSmokeHistory, useSmokeReport, useSmokeSchedule, useSmokeSuites } from "./queries";
import { Trend } from "./Trend";
import "./smoke.css";

type StatusFilter = "all" | CheckStatus;
const FILTERS = [
  { value: "all", label: "All" },
  { value: "fail", label: "Failed" },
  { value: "skip", label: "Skipped" },
  { value: "pass", label: "Passed" },
] as const;

const FORMATS: { value: ReportFormat; label: string }[] = [
  { value: "markdown", label: "Markdown" },
  { value: "junit", label: "JUnit XML" },
  { value: "json", label: "JSON" },
];

export const STATUS_LABEL: Record<CheckStatus, string> = { pass: "pass", fail: "fail", skip: "skip" };

const OUTCOME_LABEL: Record<SmokeRun["outcome"], string> = {
  passed: "Passed",
  warned: "Passed with warnings",
  failed: "Failed",
  incomplete: "Incomplete",
};

const EVERY = [
  { value: "", label: "Not on a schedule" },
  { value: "5", label: "Every 5 minutes" },
  { value: "15", label: "Every 15 minutes" },
  { value: "30", label: "Every 30 minutes" },
  { value: "60", label: "Every hour" },
];

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** The post-deploy suite of an environment: run it, watch each check finish, read why one failed
 * (its requests and responses), compare with earlier runs, and export a run for CI or a ticket. */
export default function SmokeSection({ current, onManage }: SectionProps) {
  return (
    <section className="section section--wide" aria-labelledby="section-title" data-section="smoke">
      <header className="section__header">
        <ListChecks size={22} aria-hidden />
        <h1 id="section-title">Smoke checks</h1>
      </header>
      {current ? (
        <SmokeView key={current.name} env={current.name} />
      ) : (
        <div className="empty">
          <p>Smoke checks run against an environment, and there is none yet.</p>
          <button type="button" className="button button--primary" onClick={onManage}>
            Add an environment
          </button>
        </div>
      )}
    </section>
  );
}

function SmokeView({ env }: { env: string }) {
  const client = useQueryClient();
  const showError = useShowError();
  const checks = useSmokeChecks(env);
  const suites = useSmokeSuites(env);
  const history = useSmokeHistory(env);
  const schedule = useSmokeSchedule();
  useScheduledRuns();
  const every = schedule.data?.everyMinutes[env];
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  const [options, setOptions] = useState<Required<Pick<SmokeOptions, "concurrency" | "slowMs" | "pace">>>({ concurrency: 8, slowMs: 5000, pace: false });
  const [jobId, setJobId] = useState<number | undefined>();
  const [error, setError] = useState<AppError | null>(null);
  const [shown, setShown] = useState<string>("latest");
  const log = useJobLog(jobId);
  const running = jobId !== undefined && (log?.info?.state ?? "running") === "running";
  const finishedRun = log?.info?.outcome?.state === "succeeded" ? (log.info.outcome.result as SmokeReport) : undefined;
  const report = useSmokeReport(env, shown, (history.data?.length ?? 0) > 0);
  useEffect(() => {
    if (log?.info && log.info.state !== "running") void client.invalidateQueries({ queryKey: smokeKeys.env(env) });
  }, [log?.info, client, env]);

  // While a run goes, its checks as they finish; otherwise the run chosen from the history.
  const live = useMemo(
    () =>
      (log?.events ?? []).flatMap((e) => {
        const d = e.detail as SmokeEvent | undefined;
        return d?.kind === "finished" ? [d.result] : [];
      }),
    [log?.events],
  );
  const planned = (log?.events ?? []).map((e) => e.detail as SmokeEvent | undefined).find((d) => d?.kind === "planned");
  const shownReport = running ? undefined : (finishedRun && shown === "latest" ? finishedRun : report.data);
  const results = running ? live : (shownReport?.run.checks ?? []);

  const start = async () => {
    setError(null);
    setShown("latest");
    const skip = [...excluded];
    try {
      setJobId(await runSmoke(env, { only: [], skip, concurrency: options.concurrency, pace: options.pace, slowMs: options.slowMs, minHeadroom: 10 }));
      void client.invalidateQueries({ queryKey: ["jobs", "list"] });
    } catch (e) {
      setError(toAppError(e));
    }
  };
  const stop = async () => {
    if (jobId === undefined) return;
    try {
      await cancelJob(jobId);
    } catch (e) {
      showError(toAppError(e));
    }
  };
  const save = async (format: ReportFormat) => {
    if (!shownReport) return;
    try {
      await exportSmokeRun(env, shownReport.run.id, format);
    } catch (e) {
      showError(toAppError(e));
    }
  };
  const changeSuites = async (change: () => Promise<unknown>) => {
    try {
      await change();
      await client.invalidateQueries({ queryKey: smokeKeys.env(env) });
    } catch (e) {
      showError(toAppError(e));
    }
  };
  const reschedule = async (minutes: string) => {
    try {
      await setSmokeSchedule(env, minutes ? Number(minutes) : null);
      await client.invalidateQueries({ queryKey: ["smoke-schedule"] });
    } catch (e) {
      showError(toAppError(e));
    }
  };
  const toggle = (id: string) =>
    setExcluded((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const chosen = (checks.data ?? []).filter((c) => !excluded.has(c.id));

  return (
    <div className="smoke">
      <fieldset className="smoke__setup" disabled={running}>
        <legend>Checks of {env}</legend>
        <div className="smoke__checks" role="group" aria-label="Checks to run">
          {(checks.data ?? []).map((c) => (
            <label key={c.id} className="checkbox" title={c.name}>
              <input type="checkbox" checked={!excluded.has(c.id)} onChange={() => toggle(c.id)} data-check={c.id} />
              {c.id}
              {c.critical && <span className="badge badge--critical">critical</span>}
            </label>
          ))}
        </div>
        <div className="smoke__suites" role="group" aria-label="Flow folders">
          <span className="muted">Your flows:</span>
          {(suites.data ?? []).map((folder) => (
            <span key={folder} className="smoke__suite mono" data-suite={folder}>
              {folder}
              <button type="button" className="icon-button icon-button--small" aria-label={`Stop running the flows in ${folder}`} onClick={() => void changeSuites(() => removeSmokeSuite(env, folder))}>
                <X size={12} aria-hidden />
              </button>
            </span>
          ))}
          <button type="button" className="button button--small" data-action="add-suite" onClick={() => void changeSuites(() => addSmokeSuite(env))}>
            <FolderPlus size={14} aria-hidden /> Add a folder of flows…
          </button>
        </div>
        <div className="smoke__options">
          <label className="form__row form__row--inline">
            <span className="form__label">At once</span>
            <input className="input input--narrow" type="number" min={1} max={16} value={options.concurrency} onChange={(e) => setOptions({ ...options, concurrency: Math.max(1, Number(e.target.value) || 1) })} />
          </label>
          <label className="form__row form__row--inline">
            <span className="form__label">Slow over (ms)</span>
            <input className="input input--narrow" type="number" min={1} value={options.slowMs} onChange={(e) => setOptions({ ...options, slowMs: Math.max(1, Number(e.target.value) || 1) })} />
          </label>
          <label className="checkbox" title="When the run's requests do not fit the API's rate limit this minute, wait for its window instead of refusing to start">
            <input type="checkbox" checked={options.pace} onChange={(e) => setOptions({ ...options, pace: e.target.checked })} /> Pace to the rate limit
          </label>
          <label className="form__row form__row--inline" title="While the console is open, paced to the rate limit; a desktop notification when a critical check starts failing or is fixed (with health notifications on)">
            <span className="form__label">Schedule</span>
            <select className="select" name="smokeEvery" value={every === undefined ? "" : String(every)} onChange={(e) => void reschedule(e.target.value)}>
              {EVERY.concat(every !== undefined && !EVERY.some((o) => o.value === String(every)) ? [{ value: String(every), label: `Every ${every} minutes` }] : []).map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <span className="muted" data-requests>
            {`${chosen.length} checks, ${chosen.reduce((n, c) => n + c.requests, 0)} API requests`}
          </span>
          {running ? (
            <button type="button" className="button" data-action="stop-smoke" onClick={() => void stop()}>
              <Square size={14} aria-hidden /> Stop
            </button>
          ) : (
            <button type="button" className="button button--primary" data-action="run-smoke" disabled={chosen.length === 0} onClick={() => void start()}>
              <Play size={14} aria-hidden /> Run
            </button>
          )}
        </div>
      </fieldset>
      {error && <ErrorNotice error={error} />}
      {log?.info?.outcome?.state === "failed" && <ErrorNotice error={log.info.outcome.error} />}
      {running && log?.info && (
        <div className="smoke__progress" role="status">
          <JobProgressBar info={log.info} />
          <span className="muted">
            {`${live.length} of ${planned?.kind === "planned" ? `${planned.checks} checks done, ${planned.requests} API requests` : "the checks done"}`}
          </span>
        </div>
      )}
      <div className="smoke__body">
        <Results env={env} results={results} report={running ? undefined : shownReport} runs={history.data ?? []} onExport={(f) => void save(f)} />
        <History runs={history.data ?? []} shown={shownReport?.run.id} onShow={setShown} />
      </div>
    </div>
  );
}

function Results({ env, results, report, runs, onExport }: { env: string; results: CheckResult[]; report?: SmokeReport; runs: SmokeRun[]; onExport: (f: ReportFormat) => void }) {
  const [filter, setFilter] = useState<StatusFilter>("all");
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const rows = results.filter((r) => (filter === "all" || r.status === filter) && `${r.id} ${r.name} ${r.reason ?? ""}`.toLowerCase().includes(query.trim().toLowerCase()));
  const chosen = results.find((r) => r.id === selected);
  const columns: Column<CheckResult>[] = [
    { key: "status", header: "Status", width: 80, text: (r) => r.status, render: (r) => <span className={`badge badge--smoke-${r.status}`}>{STATUS_LABEL[r.status]}</span> },
    {
      key: "id",
      header: "Check",
      width: 190,
      text: (r) => r.id,
      render: (r) => (
        <button type="button" className="link-button" data-check-id={r.id} aria-pressed={r.id === selected} onClick={() => setSelected(r.id)}>
          {r.id}
        </button>
      ),
    },
    { key: "critical", header: "Critical", width: 80, text: (r) => (r.critical ? "yes" : "no") },
    { key: "http", header: "HTTP", width: 70, text: (r) => (r.httpStatus === undefined ? "" : String(r.httpStatus)) },
    { key: "latency", header: "ms", width: 80, text: (r) => (r.latencyMs === undefined ? "" : r.latencyMs.toFixed(0)) },
    { key: "reason", header: "Reason", width: 420, text: (r) => r.reason ?? "" },
    { key: "trend", header: "Trend", width: 140, text: () => "", render: (r) => <Trend id={r.id} runs={runs} /> },
    { key: "request", header: "Request id", width: 150, text: (r) => r.requestId ?? "" },
  ];
  return (
    <div className="smoke__results">
      {report && <RunSummary report={report} onExport={onExport} />}
      <div className="toolbar">
        <Segmented kind="radio" label="Show" options={FILTERS} value={filter} onChange={setFilter} />
        <SearchBox label="Search the checks" placeholder="Search checks and reasons" value={query} onChange={setQuery} />
      </div>
      <div className={chosen ? "smoke__split" : undefined}>
        <DataTable<CheckResult>
          id="smoke"
          label="Smoke checks"
          columns={columns}
          rows={rows}
          rowKey={(r) => r.id}
          rowData={(r) => ({ status: r.status, critical: String(r.critical) })}
          empty={<p className="muted">{results.length ? "No check matches." : `No run of ${env} yet: choose the checks and Run.`}</p>}
        />
        {chosen && <CheckDetail key={chosen.id} result={chosen} onClose={() => setSelected(null)} />}
      </div>
    </div>
  );
}

function RunSummary({ report, onExport }: { report: SmokeReport; onExport: (f: ReportFormat) => void }) {
  const { run, diff } = report;
  const count = (s: CheckStatus) => run.checks.filter((c) => c.status === s).length;
  const changes: [string, string[]][] = [
    ["Newly failing", diff.newlyFailing],
    ["Still failing", diff.stillFailing],
    ["Fixed", diff.fixed],
  ];
  return (
    <div className="smoke__summary" data-outcome={run.outcome}>
      <p>
        <span className={`badge badge--outcome-${run.outcome}`}>{OUTCOME_LABEL[run.outcome]}</span> {when.format(new Date(run.startedAt))}: {count("pass")} passed, {count("fail")} failed,{" "}
        {count("skip")} skipped; {run.requests} API requests in {(run.durationMs / 1000).toFixed(1)} s.
      </p>
      <ul className="smoke__diff" aria-label="Compared with earlier runs">
        {changes
          .filter(([, ids]) => ids.length)
          .map(([label, ids]) => (
            <li key={label} data-change={label}>
              <strong>{label}:</strong> {ids.join(", ")}
            </li>
          ))}
        {diff.slower.map((s) => (
          <li key={s.id} data-change="Slower">
            <strong>Slower:</strong> {s.id} {s.nowMs.toFixed(0)} ms (was {s.baselineMs.toFixed(0)} ms)
          </li>
        ))}
        {!diff.previous && <li className="muted">The first run of this environment.</li>}
      </ul>
      <div className="smoke__export" role="group" aria-label="Export this run">
        {FORMATS.map((f) => (
          <button key={f.value} type="button" className="button button--small" data-export={f.value} onClick={() => onExport(f.value)}>
            <Download size={14} aria-hidden /> {f.label}
          </button>
        ))}
      </div>
    </div>
  );
}

function History({ runs, shown, onShow }: { runs: SmokeRun[]; shown?: string; onShow: (id: string) => void }) {
  return (
    <nav className="smoke__history" aria-label="Earlier runs">
      <h2>Runs ({runs.length})</h2>
      {runs.length === 0 && <p className="muted">None kept yet.</p>}
      <ol>
        {runs.map((r) => (
          <li key={r.id}>
            <button type="button" className="link-button" aria-current={r.id === shown ? "true" : undefined} data-run={r.id} onClick={() => onShow(r.id)}>
              <span className={`dot dot--${r.outcome}`} aria-hidden />
              {when.format(new Date(r.startedAt))}
            </button>
            <span className="muted"> {OUTCOME_LABEL[r.outcome]}</span>
          </li>
        ))}
      </ol>
    </nav>
  );
}
