import { Flame } from "lucide-react";

/** A node of PostgreSQL's JSON plan (the fields this view reads). */
interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Total Cost"?: number;
  "Plan Rows"?: number;
  "Actual Total Time"?: number;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  Filter?: string;
  Plans?: PlanNode[];
}

/** A node's own share of the plan: its time (ANALYZE) or cost, minus its children's. */
const own = (n: PlanNode, analyzed: boolean) => {
  const total = (x: PlanNode) => (analyzed ? (x["Actual Total Time"] ?? 0) * (x["Actual Loops"] ?? 1) : (x["Total Cost"] ?? 0));
  return Math.max(0, total(n) - (n.Plans ?? []).reduce((sum, c) => sum + total(c), 0));
};

/** EXPLAIN's plan as a tree; nodes that take a fifth or more of the whole are marked costly. */
export function PlanTree({ plan }: { plan: unknown }) {
  const root = (Array.isArray(plan) ? (plan[0] as { Plan?: PlanNode } | undefined)?.Plan : undefined) ?? null;
  if (!root) return <p className="muted">The server returned no plan.</p>;
  const analyzed = root["Actual Total Time"] !== undefined;
  const all: PlanNode[] = [];
  const walk = (n: PlanNode) => {
    all.push(n);
    (n.Plans ?? []).forEach(walk);
  };
  walk(root);
  const whole = all.reduce((s, n) => s + own(n, analyzed), 0) || 1;
  const node = (n: PlanNode, path: string) => {
    const share = own(n, analyzed) / whole;
    const costly = share >= 0.2 && all.length > 1;
    return (
      <li key={path} data-costly={costly || undefined}>
        <span className="db__plan-node">
          {costly && <Flame size={13} aria-label="costly" />} <strong>{n["Node Type"]}</strong>
          {n["Relation Name"] && <span className="mono"> on {n["Relation Name"]}</span>}
          {n["Index Name"] && <span className="mono"> using {n["Index Name"]}</span>}
          <span className="muted">
            {" "}
            {analyzed
              ? `${(n["Actual Total Time"] ?? 0).toFixed(2)} ms × ${n["Actual Loops"] ?? 1}, ${n["Actual Rows"] ?? 0} rows`
              : `cost ${n["Total Cost"] ?? 0}, ~${n["Plan Rows"] ?? 0} rows`}{" "}
            ({Math.round(share * 100)}%)
          </span>
          {n.Filter && <span className="mono muted"> filter {n.Filter}</span>}
        </span>
        {n.Plans && <ul>{n.Plans.map((c, i) => node(c, `${path}.${i}`))}</ul>}
      </li>
    );
  };
  return (
    <section className="db__plan" aria-label="Query plan">
      <h2>{analyzed ? "Plan (EXPLAIN ANALYZE, rolled back)" : "Plan (EXPLAIN)"}</h2>
      <ul>{node(root, "0")}</ul>
    </section>
  );
}
