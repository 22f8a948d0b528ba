import { useQuery } from "@tanstack/react-query";
import { agentsOverview, toAppError } from "../backend";
import { ErrorNotice } from "./ErrorNotice";
import { TableHead } from "./TableHead";

const listed = (ids: string[]) => (ids.length === 0 ? "—" : ids.length > 5 ? `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more` : ids.join(", "));

/** Every environment's API agents compared with the others' (the drift board's agents rows). */
export function AgentsOverview() {
  const rows = useQuery({ queryKey: ["agents", "overview"], queryFn: agentsOverview, staleTime: 0 });
  if (rows.error) return <ErrorNotice error={toAppError(rows.error)} />;
  if (!rows.data) return <p aria-busy>Reading every environment's agents…</p>;
  if (rows.data.length === 0) return <p className="muted">No environment has an API.</p>;
  return (
    <table className="table" aria-label="Agents of every environment">
      <TableHead columns={["Environment", "Agents", "Missing here", "Different here", "Status"]} />
      <tbody>
        {rows.data.map((r) => {
          const status = r.error ? "missing" : r.missing.length ? "missing" : r.different.length ? "different" : "equal";
          return (
            <tr key={r.environment} data-agents-env={r.environment} data-status={status}>
              <td>{r.environment}</td>
              <td>{r.count ?? "—"}</td>
              <td>{r.error ? `unreachable: ${r.error.message}` : listed(r.missing)}</td>
              <td>{listed(r.different)}</td>
              <td>
                <span className={`badge badge--drift-${status}`}>{r.error ? "unreachable" : status}</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
