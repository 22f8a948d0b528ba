import { useState } from "react";
import type { Blocker } from "../../backend";

/**
 * Rows that stop an adoption. Where they are NULLs in a column the repair makes NOT NULL, the
 * operator can fill them: the proposed value is editable, and nothing is filled until they
 * accept it (the plan is then rebuilt with the UPDATE in it).
 */
export function BlockerNotice({ blocker, onFill }: { blocker: Blocker; onFill: (column: string, value: string) => void }) {
  const fill = blocker.backfill;
  const [value, setValue] = useState(fill?.proposed ?? "");
  return (
    <div className="notice notice--error" role="alert">
      <p>
        {blocker.object}: {blocker.problem} — {blocker.rows.join("; ")}
      </p>
      {fill && (
        <form
          className="backfill"
          aria-label={`Fill ${fill.column}`}
          onSubmit={(e) => {
            e.preventDefault();
            onFill(fill.column, value);
          }}
        >
          <label>
            Fill them with <input value={value} onChange={(e) => setValue(e.target.value)} spellCheck={false} />
          </label>
          <button type="submit" className="button button--small">
            Use this value
          </button>
        </form>
      )}
    </div>
  );
}

/** The back-fills the operator accepted, each with a way to take it back. */
export function AcceptedFills({ fills, onUndo }: { fills: [string, string][]; onUndo: (column: string) => void }) {
  if (fills.length === 0) return null;
  return (
    <ul className="backfills" aria-label="Accepted back-fills">
      {fills.map(([column, value]) => (
        <li key={column}>
          NULLs in <code>{column}</code> will be set to <code>{JSON.stringify(value)}</code>{" "}
          <button type="button" className="button button--small" onClick={() => onUndo(column)}>
            Undo
          </button>
        </li>
      ))}
    </ul>
  );
}
