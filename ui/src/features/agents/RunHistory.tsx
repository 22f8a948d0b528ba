import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { RunRecord } from "../../backend";
import { agentRunHistory, toAppError } from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { SearchBox } from "../../components/SearchBox";

const key = (r: RunRecord) => `${r.at}|${r.requestId ?? ""}`;

/** The agent's runs kept on this machine: searchable, each can be sent again, two compared. */
export function RunHistory({ env, id, refresh, onRerun }: { env: string; id: string; refresh: unknown; onRerun: (run: RunRecord) => void }) {
  const [search, setSearch] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const history = useQuery({ queryKey: ["agents", "history", env, id, search, refresh], queryFn: () => agentRunHistory(env, id, search || null) });
  const runs = history.data ?? [];
  const compared = chosen.map((k) => runs.find((r) => key(r) === k)).filter((r): r is RunRecord => r !== undefined);
  const toggle = (k: string) => setChosen(chosen.includes(k) ? chosen.filter((c) => c !== k) : [...chosen.slice(-1), k]);
  return (
    <section className="run-history" aria-label="Run history">
      <h4>History ({runs.length})</h4>
      <SearchBox label="Search runs" placeholder="Search input, output, error" value={search} onChange={setSearch} />
      {history.error && <ErrorNotice error={toAppError(history.error)} />}
      <ul className="run-history__list">
        {runs.map((r) => (
          <li key={key(r)} data-status={r.status}>
            <label className="checkbox">
              <input type="checkbox" checked={chosen.includes(key(r))} onChange={() => toggle(key(r))} aria-label={`Compare the run of ${new Date(r.at).toLocaleString()}`} />
              <span className="muted">{new Date(r.at).toLocaleString()}</span> <span className="badge">{r.status}</span> {r.input.slice(0, 60)}
            </label>
            <button type="button" className="button button--small" onClick={() => onRerun(r)}>
              Run again
            </button>
          </li>
        ))}
      </ul>
      {compared.length === 2 && (
        <table className="table run-history__compare" aria-label="Two runs compared">
          <thead>
            <tr>
              <th />
              {compared.map((r) => (
                <th key={key(r)}>{new Date(r.at).toLocaleString()}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(["input", "status", "output", "error", "executionTime", "requestId"] as const).map((f) => (
              <tr key={f} data-differs={String(compared[0]?.[f] !== compared[1]?.[f])}>
                <th scope="row">{f}</th>
                {compared.map((r) => (
                  <td key={key(r)}>{String(r[f] ?? "—")}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
