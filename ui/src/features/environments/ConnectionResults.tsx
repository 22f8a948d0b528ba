import { CircleCheck, CircleMinus, CircleX, TriangleAlert } from "lucide-react";
import type { ConnectionTest, ProbeResult, ProbeStatus } from "../../backend";

const TITLES = { api: "API", database: "Database", redis: "Redis" } as const;

export function StatusIcon({ status }: { status: ProbeStatus }) {
  switch (status) {
    case "ok":
      return <CircleCheck className="status-icon status-icon--ok" size={16} aria-label="ok" />;
    case "degraded":
      return <TriangleAlert className="status-icon status-icon--warn" size={16} aria-label="degraded" />;
    case "failed":
      return <CircleX className="status-icon status-icon--bad" size={16} aria-label="failed" />;
    case "skipped":
      return <CircleMinus className="status-icon" size={16} aria-label="skipped" />;
  }
}

function Result({ result }: { result: ProbeResult }) {
  return (
    <li className={`probe probe--${result.status}`} data-target={result.target} data-status={result.status}>
      <div className="probe__head">
        <StatusIcon status={result.status} />
        <strong>{TITLES[result.target]}</strong>
        <span className="probe__summary">{result.summary}</span>
        {result.error && <code className="error-code">{result.error.code}</code>}
      </div>
      {result.error?.details && <p className="probe__details">{result.error.details}</p>}
      {result.checks.length > 0 && (
        <ul className="probe__checks">
          {result.checks.map((c) => (
            <li key={c.name} className={c.healthy ? "" : "probe__check--bad"}>
              {c.name}: {c.status}
              {c.latencyMs !== undefined && ` (${String(c.latencyMs)} ms)`}
              {c.reason && ` — ${c.reason}`}
            </li>
          ))}
        </ul>
      )}
      {result.facts.length > 0 && (
        <dl className="probe__facts">
          {result.facts.map((f) => (
            <div key={f.label}>
              <dt>{f.label}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  );
}

export function ConnectionResults({ test }: { test: ConnectionTest }) {
  return (
    <ul className="probes" aria-label={`Connection test of ${test.environment}`}>
      {test.results.map((r) => (
        <Result key={r.target} result={r} />
      ))}
    </ul>
  );
}
