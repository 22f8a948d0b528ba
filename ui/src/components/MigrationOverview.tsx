import { useQuery } from "@tanstack/react-query";
import { migrationOverview, toAppError, type OverviewRow, type Shape } from "../backend";
import { ErrorNotice } from "./ErrorNotice";
import { TableHead } from "./TableHead";

/** A database's shape in words. */
export function shapeText(shape: Shape) {
  switch (shape.kind) {
    case "console_managed":
      return "managed by the console";
    case "alembic":
      return `built by Alembic (revision ${shape.revision})`;
    case "api_created":
      return "created by the API at start-up";
    case "partial":
      return "partial (some tables, no bookkeeping)";
    default:
      return "empty";
  }
}

/** Every environment's migration state, checked live (the Migrations section's "All
 * environments" and the bottom of the drift board). */
export function MigrationOverview() {
  const rows = useQuery({ queryKey: ["migrations", "overview"], queryFn: migrationOverview, staleTime: 0 });
  if (rows.error) return <ErrorNotice error={toAppError(rows.error)} />;
  if (!rows.data) return <p aria-busy>Checking every environment…</p>;
  return <OverviewTable rows={rows.data} />;
}

function OverviewTable({ rows }: { rows: OverviewRow[] }) {
  return (
    <table className="table" aria-label="Migration state of every environment">
      <TableHead columns={["Environment", "Database", "State", "Latest", "Pending", "Problems"]} />
      <tbody>
        {rows.map((r) => (
          <tr key={r.environment}>
            <td>{r.environment}</td>
            <td>{r.target ?? "—"}</td>
            <td>{r.error ? `unreachable: ${r.error.message}` : r.shape ? shapeText(r.shape) : "—"}</td>
            <td>{r.latest ?? "—"}</td>
            <td>{r.pending}</td>
            <td>{r.problems}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
