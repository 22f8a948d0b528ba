import { TriangleAlert } from "lucide-react";
import { useState } from "react";
import { toAppError, type DriftCell } from "../../backend";
import { AgentsOverview } from "../../components/AgentsOverview";
import { MigrationOverview } from "../../components/MigrationOverview";
import { ErrorNotice } from "../../components/ErrorNotice";
import { useDriftBoard } from "./queries";

function Cell({ cell, secret }: { cell: DriftCell; secret: boolean }) {
  if (!cell.present) return <span className="drift-cell drift-cell--missing">missing</span>;
  if (secret || cell.group !== undefined)
    return (
      <span className="drift-cell drift-cell--secret" title="Secret: cells with the same letter hold the same value">
        secret · {String.fromCharCode(64 + (cell.group ?? 0))}
      </span>
    );
  return (
    <span className="drift-cell mono" title={cell.value}>
      {cell.value === "" ? <span className="muted">(empty)</span> : cell.value}
    </span>
  );
}

/** Every environment side by side: what is missing, what differs, and production warnings. */
export function DriftBoardView() {
  const board = useDriftBoard(true);
  const [onlyDrift, setOnlyDrift] = useState(true);
  if (board.error) return <ErrorNotice error={toAppError(board.error)} />;
  const data = board.data;
  if (!data) return <p className="muted">Comparing environments…</p>;
  const rows = data.rows.filter((r) => !onlyDrift || r.status !== "equal");
  return (
    <div className="drift" data-testid="drift-board">
      {data.warnings.length > 0 && (
        <ul className="drift__warnings" aria-label="Production warnings">
          {data.warnings.map((w) => (
            <li key={`${w.environment}-${w.variable}-${w.message}`}>
              <TriangleAlert size={15} aria-hidden /> <strong>{w.environment}</strong> <span className="mono">{w.variable}</span>:{" "}
              {w.message}
            </li>
          ))}
        </ul>
      )}
      <div className="toolbar">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={onlyDrift}
            onChange={(e) => setOnlyDrift(e.target.checked)}
          />
          Only variables that differ
        </label>
        <span className="muted">
          {data.rows.length - data.rows.filter((r) => r.status === "equal").length} of {data.rows.length} variables differ
          across {data.environments.length} environments
        </span>
      </div>
      {data.environments.length < 2 && <p className="muted">Add a second environment to compare.</p>}
      <div className="drift__scroll">
        <table className="table drift__table">
          <thead>
            <tr>
              <th>Variable</th>
              {data.environments.map((e) => (
                <th key={e.name} style={{ borderTopColor: e.color }} className="drift__env">
                  <span className="swatch" style={{ background: e.color }} aria-hidden /> {e.name}
                </th>
              ))}
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name} data-variable={r.name} data-status={r.status}>
                <td className="mono">{r.name}</td>
                {r.cells.map((c, i) => (
                  <td key={data.environments[i]?.name ?? i}>
                    <Cell cell={c} secret={r.secret} />
                  </td>
                ))}
                <td>
                  <span className={`badge badge--drift-${r.status}`}>{r.status}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2 className="drift__subtitle">Database migrations</h2>
      <MigrationOverview />
      <h2 className="drift__subtitle">Agents</h2>
      <AgentsOverview />
    </div>
  );
}
