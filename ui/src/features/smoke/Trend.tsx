import type { SmokeRun } from "../../backend";

const RUNS = 20;
const W = 120;
const H = 22;

/** One check across the last runs, oldest on the left: a pass/fail strip and, above it, its
 * latency as a sparkline (scaled to the slowest of them). */
export function Trend({ id, runs }: { id: string; runs: SmokeRun[] }) {
  const points = runs
    .slice(0, RUNS)
    .reverse()
    .flatMap((r) => r.checks.filter((c) => c.id === id));
  if (points.length === 0) return null;
  const step = W / RUNS;
  const max = Math.max(1, ...points.map((p) => p.latencyMs ?? 0));
  const line = points
    .map((p, i) => (p.latencyMs === undefined ? null : `${(i * step + step / 2).toFixed(1)},${(14 - (p.latencyMs / max) * 12).toFixed(1)}`))
    .filter(Boolean)
    .join(" ");
  const failed = points.filter((p) => p.status === "fail").length;
  return (
    <svg
      className="trend"
      width={W}
      height={H}
      role="img"
      aria-label={`${id} in the last ${points.length} runs: ${failed} failed, slowest ${max.toFixed(0)} ms`}
      data-trend={points.map((p) => p.status[0]).join("")}
    >
      <polyline className="trend__line" points={line} fill="none" />
      {points.map((p, i) => (
        <rect key={i} className={`trend__cell trend__cell--${p.status}`} x={i * step + 1} y={17} width={step - 2} height={5} />
      ))}
    </svg>
  );
}
