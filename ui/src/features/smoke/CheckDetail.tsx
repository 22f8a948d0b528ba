import { X } from "lucide-react";
import type { CheckResult, Exchange } from "../../backend";
import { IconButton } from "../../components/IconButton";

/** One check's evidence: its verdict, and each request it sent with the response that came back
 * (headers and the start of the body). Secret header values were masked before they got here. */
export function CheckDetail({ result, onClose }: { result: CheckResult; onClose: () => void }) {
  return (
    <aside className="smoke__detail" aria-label={`Check ${result.id}`}>
      <header className="smoke__detail-header">
        <h2>{result.name}</h2>
        <IconButton icon={X} label="Close" title="Close the check" onClick={onClose} />
      </header>
      <p>
        <span className={`badge badge--smoke-${result.status}`}>{result.status}</span> {result.critical ? "Critical" : "Not critical"} · suite {result.suite}
        {result.requestId && (
          <>
            {" "}
            · request id <span className="mono">{result.requestId}</span>
          </>
        )}
      </p>
      {result.reason && <p className="smoke__reason">{result.reason}</p>}
      {result.exchanges.length === 0 && <p className="muted">No HTTP request: the console checked this itself.</p>}
      {result.exchanges.map((x, i) => (
        <ExchangeView key={i} exchange={x} />
      ))}
    </aside>
  );
}

function ExchangeView({ exchange: x }: { exchange: Exchange }) {
  return (
    <section className="smoke__exchange" aria-label={`${x.method} ${x.url}`}>
      <h3 className="mono">
        {x.method} {x.url}
      </h3>
      {x.requestHeaders.length > 0 && <Headers label="Request headers" headers={x.requestHeaders} />}
      {x.requestBody && (
        <pre className="sql" aria-label="Request body">
          {x.requestBody}
        </pre>
      )}
      {x.status === undefined ? (
        <p className="muted">No response.</p>
      ) : (
        <>
          <p>
            HTTP {x.status}
            {x.latencyMs !== undefined ? ` in ${x.latencyMs.toFixed(0)} ms` : ""}
          </p>
          <Headers label="Response headers" headers={x.responseHeaders} />
          {x.responseBody && (
            <pre className="sql" aria-label="Response body">
              {x.responseBody}
            </pre>
          )}
        </>
      )}
    </section>
  );
}

function Headers({ label, headers }: { label: string; headers: [string, string][] }) {
  return (
    <details>
      <summary>
        {label} ({headers.length})
      </summary>
      <table className="table table--compact" aria-label={label}>
        <tbody>
          {headers.map(([k, v], i) => (
            <tr key={`${k}${i}`}>
              <th scope="row" className="mono">
                {k}
              </th>
              <td className="mono">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
