import { useQueryClient } from "@tanstack/react-query";
import { Activity } from "lucide-react";
import { useRef, useState } from "react";
import type { DependencyHistory, EnvHealthView, Health, HealthSettings, MemoryUse, MetricsReport, Theme } from "../../backend";
import { healthCheckNow, saveHealthSettings, toAppError } from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Segmented } from "../../components/Segmented";
import type { SectionProps } from "../../sections";
import { Charts } from "./Charts";
import { healthKeys, useHealthOverview, useHealthSettings, useSparklines } from "./queries";
import "./health.css";
import { TableHead } from "../../components/TableHead";

interface Choice {
  value: number;
  label: string;
}

const INTERVALS: Choice[] = [
  { value: 10, label: "every 10 s" },
  { value: 30, label: "every 30 s" },
  { value: 60, label: "every minute" },
  { value: 300, label: "every 5 minutes" },
];

const BUDGETS: Choice[] = [
  { value: 2, label: "2 MiB" },
  { value: 8, label: "8 MiB" },
  { value: 32, label: "32 MiB" },
  { value: 128, label: "128 MiB" },
];

/** The choices, plus the value in force when it is not one of them (set by hand in the settings file). */
function withCurrent(choices: Choice[], current: number, label: (n: number) => string): Choice[] {
  return choices.some((c) => c.value === current) ? choices : [...choices, { value: current, label: label(current) }];
}

const LABELS: Record<string, string> = { api: "API", database: "Database", cache: "Cache (Redis)", llm_providers: "LLM providers" };

const ms = (s: number | undefined) => (s === undefined ? "—" : `${(s * 1000).toFixed(0)} ms`);
const pct = (r: number | undefined) => (r === undefined ? "—" : `${(r * 100).toFixed(1)}%`);

/** Live status of every environment, the current one in detail: reconciled dependencies, history, metrics. */
export default function HealthSection({ current, theme }: SectionProps) {
  const overview = useHealthOverview();
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const settings = useHealthSettings();
  const client = useQueryClient();
  const [actionError, setActionError] = useState<unknown>(null);
  // Shown at once, then saved to the settings file (applied to every watch) one save after the
  // other, each with every change made so far, so quick changes in a row cannot undo each other.
  const saving = useRef<Promise<unknown>>(Promise.resolve());
  const change = (patch: Partial<HealthSettings>) => {
    const current = client.getQueryData<HealthSettings>(healthKeys.settings);
    if (!current) return;
    const next = { ...current, ...patch };
    client.setQueryData(healthKeys.settings, next);
    saving.current = saving.current
      .then(() => saveHealthSettings(next))
      .then(
        () => client.invalidateQueries({ queryKey: healthKeys.overview }),
        (e: unknown) => {
          setActionError(e);
          // Show what is really in force.
          return client.invalidateQueries({ queryKey: healthKeys.settings });
        },
      );
  };
  const views = overview.data ?? [];
  const selected = views.find((v) => v.environment === (chosen ?? current?.name)) ?? views[0];
  const s = settings.data;
  return (
    <section className="section section--wide" aria-labelledby="section-title" data-section="health">
      <header className="section__header">
        <Activity size={22} aria-hidden />
        <h1 id="section-title">Health &amp; Metrics</h1>
        {s && (
          <>
            <label className="health__setting">
              Poll{" "}
              <select
                value={s.intervalSeconds}
                aria-label="Polling interval"
                onChange={(e) => change({ intervalSeconds: Number(e.target.value) })}
              >
                {withCurrent(INTERVALS, s.intervalSeconds, (n) => `every ${String(n)} s`).map((i) => (
                  <option key={i.value} value={i.value}>
                    {i.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="health__setting">
              Keep{" "}
              <select
                value={s.memoryBudgetMib}
                aria-label="Memory per environment"
                title="The most one environment's history and last scrape may hold"
                onChange={(e) => change({ memoryBudgetMib: Number(e.target.value) })}
              >
                {withCurrent(BUDGETS, s.memoryBudgetMib, (n) => `${String(n)} MiB`).map((b) => (
                  <option key={b.value} value={b.value}>
                    {b.label} per environment
                  </option>
                ))}
              </select>
            </label>
            <label className="checkbox health__notify">
              <input
                type="checkbox"
                checked={s.notifications}
                onChange={(e) => change({ notifications: e.target.checked })}
              />
              Notify me of changes
            </label>
          </>
        )}
        {selected && (
          <button
            type="button"
            className="button button--small section__action"
            onClick={() => void healthCheckNow(selected.environment).catch(setActionError)}
          >
            Check now
          </button>
        )}
      </header>
      {overview.error && <ErrorNotice error={toAppError(overview.error)} />}
      {actionError !== null && <ErrorNotice error={toAppError(actionError)} />}
      {views.length === 0 && !overview.error && <p className="section__empty">No environments yet.</p>}
      <ul className="health__overview" aria-label="Every environment">
        {views.map((v) => (
          <li key={v.environment}>
            <button
              type="button"
              className="health__env"
              aria-pressed={v === selected}
              data-env={v.environment}
              data-status={v.health?.overall ?? "checking"}
              onClick={() => setChosen(v.environment)}
            >
              <span className={`health__dot health__dot--${v.health?.overall ?? "unknown"}`} aria-hidden />
              {v.environment}: {v.health?.overall ?? "checking…"}
            </button>
          </li>
        ))}
      </ul>
      {selected && <EnvironmentHealth view={selected} theme={theme} />}
    </section>
  );
}

function EnvironmentHealth({ view, theme }: { view: EnvHealthView; theme: Theme }) {
  const history = (name: string) => view.dependencies.find((d) => d.name === name);
  if (!view.health) return <p aria-busy>Checking {view.environment}…</p>;
  return (
    <div className="health" data-testid="health-detail" data-env={view.environment}>
      <p className="muted">
        Checked {new Date(view.health.checkedAt).toLocaleTimeString()}; next check in about {view.intervalSeconds} s.{" "}
        <MemoryLine memory={view.memory} interval={view.intervalSeconds} />
      </p>
      <div className="health__cards">
        {view.health.dependencies.map((d) => (
          <article key={d.name} className={`health-card health-card--${d.status}`} data-dependency={d.name} data-status={d.status}>
            <header>
              <h2>{LABELS[d.name] ?? d.name.replaceAll("_", " ")}</h2>
              <span className={`badge badge--health-${d.status}`}>{d.status}</span>
              {d.latencyMs !== undefined && <span className="muted">{d.latencyMs} ms</span>}
            </header>
            {d.reason && <p className="health-card__reason">{d.reason}</p>}
            <ul className="health-card__sources">
              {d.sources.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
            <StatusBar history={history(d.name)} />
          </article>
        ))}
      </div>
      <Metrics env={view.environment} theme={theme} metrics={view.metrics} error={view.metricsError} />
      <Charts env={view.environment} theme={theme} />
      <h2 className="health__subtitle">Incidents</h2>
      {view.incidents.length === 0 ? (
        <p className="muted">No state changes since the console started watching.</p>
      ) : (
        <ul className="health__incidents" aria-label="Incidents">
          {view.incidents.map((i) => (
            <li key={`${i.at}-${i.dependency}`}>
              {new Date(i.at).toLocaleTimeString()} <strong>{i.dependency}</strong> {i.from} → {i.to}
              {i.reason && <span className="muted"> — {i.reason}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 1)} MiB`;

/** What the watch holds against its budget, and how far back that reaches at this interval. */
function MemoryLine({ memory, interval }: { memory: MemoryUse; interval: number }) {
  const hours = Math.min(24, (memory.maxPolls * interval) / 3600);
  return (
    <span data-testid="health-memory">
      History: {memory.polls} {memory.polls === 1 ? "poll" : "polls"}, {mib(memory.retainedBytes)} of {mib(memory.budgetBytes)}; room for{" "}
      {hours >= 24 ? "the last day" : `about ${hours.toFixed(1)} h`} at this interval.
    </span>
  );
}

function StatusBar({ history }: { history: DependencyHistory | undefined }) {
  if (!history) return null;
  const up = (u: number | undefined) => (u === undefined ? "—" : `${(u * 100).toFixed(1)}%`);
  // The strip's colours, said in words for assistive technology.
  const said = (cells: Health[]) => {
    const counts = new Map<Health, number>();
    cells.forEach((c) => counts.set(c, (counts.get(c) ?? 0) + 1));
    return [...counts].map(([state, n]) => `${String(n)} ${state}`).join(", ") || "no polls";
  };
  return (
    <div className="status-bar" role="group" aria-label={`History of ${history.name}`}>
      <div className="status-bar__cells" role="img" title="Last hour" aria-label={`Last hour of ${history.name}: ${said(history.lastHour)}`}>
        {history.lastHour.map((s: Health, i) => (
          <span key={i} className={`status-bar__cell status-bar__cell--${s}`} />
        ))}
      </div>
      <div className="status-bar__cells status-bar__cells--day" role="img" title="Last day" aria-label={`Last day of ${history.name}: ${said(history.lastDay)}`}>
        {history.lastDay.map((s: Health, i) => (
          <span key={i} className={`status-bar__cell status-bar__cell--${s}`} />
        ))}
      </div>
      <span className="muted">
        uptime: last hour {up(history.uptimeHour)}, last day {up(history.uptimeDay)}
      </span>
    </div>
  );
}

const RANKS = [
  { value: "traffic", label: "Busiest" },
  { value: "latency", label: "Slowest" },
  { value: "errors", label: "Most errors" },
] as const;
type Rank = (typeof RANKS)[number]["value"];

/** The ten endpoints first by requests, p95 latency or 5xx errors (ties by requests). */
function ranked(endpoints: MetricsReport["endpoints"], rank: Rank) {
  const key = (e: MetricsReport["endpoints"][number]) =>
    rank === "traffic" ? e.requests : rank === "latency" ? (e.latency.p95 ?? -1) : e.errors;
  return [...endpoints].sort((a, b) => key(b) - key(a) || b.requests - a.requests).slice(0, 10);
}

interface MetricsProps {
  env: string;
  theme: Theme;
  metrics: MetricsReport | undefined;
  error: EnvHealthView["metricsError"];
}

function Metrics({ env, theme, metrics, error }: MetricsProps) {
  const [rank, setRank] = useState<Rank>("traffic");
  const sparklines = useSparklines(env, theme);
  const trend = (endpoint: string) => sparklines.data?.find(([e]) => e === endpoint)?.[1];
  return (
    <section className="health__metrics" aria-label="Metrics">
      <h2 className="health__subtitle">Metrics</h2>
      {error && <ErrorNotice error={error} />}
      {metrics && (
        <>
          <dl className="health__figures">
            <dt>Requests</dt>
            <dd data-field="requests">
              {metrics.requestRate !== undefined ? `${metrics.requestRate.toFixed(2)}/s` : `${String(metrics.requests)} since start`}
            </dd>
            <dt>Errors (5xx)</dt>
            <dd data-field="error-ratio">
              {pct(metrics.errorRatio)}
              <span className="health__figure-note" data-field="probe-errors">
                without the probe endpoints (/live, /ready, /health, /metrics), which the console polls; probes:{" "}
                {String(metrics.probes.errors)} of {String(metrics.probes.requests)} failed ({pct(metrics.probes.errorRatio)})
              </span>
            </dd>
            <dt>Latency p50 / p95 / p99</dt>
            <dd data-field="latency">
              {ms(metrics.latency.p50)} / {ms(metrics.latency.p95)} / {ms(metrics.latency.p99)}
            </dd>
            <dt>API process</dt>
            <dd data-field="process">
              {metrics.process.residentMemoryBytes !== undefined ? `${(metrics.process.residentMemoryBytes / 1048576).toFixed(1)} MiB` : "—"}
              {metrics.process.cpuCores !== undefined ? `, ${metrics.process.cpuCores.toFixed(2)} cores` : ""}
            </dd>
          </dl>
          <Segmented options={RANKS} value={rank} onChange={setRank} label="Rank endpoints" kind="radio" />
          <table className="table" aria-label="Top endpoints">
            <TableHead columns={["Endpoint", "Requests", "Errors", "p95", "Last hour"]} />
            <tbody>
              {ranked(metrics.endpoints, rank).map((e) => (
                <tr key={e.endpoint}>
                  <td className="mono">{e.endpoint}</td>
                  <td>{e.rate !== undefined ? `${e.rate.toFixed(2)}/s` : e.requests}</td>
                  <td>{pct(e.errorRatio)}</td>
                  <td>{ms(e.latency.p95)}</td>
                  <td>
                    {trend(e.endpoint) && (
                      <img className="sparkline" alt={`${e.endpoint} requests over the last hour`} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(trend(e.endpoint) ?? "")}`} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {metrics.notes.map((n) => (
            <p key={n} className="muted">
              {n}
            </p>
          ))}
        </>
      )}
    </section>
  );
}
