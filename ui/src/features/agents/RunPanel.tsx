import { useQueryClient } from "@tanstack/react-query";
import { Play, Square } from "lucide-react";
import { useState } from "react";
import type { RunResult } from "../../backend";
import { cancelJob, runAgent, toAppError, type AppError } from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { useJobLog } from "../../jobs/jobLog";
import { RunHistory } from "./RunHistory";

/** The context field as the run will send it: empty, or a JSON object. */
export function parseContext(text: string): { context?: unknown; error?: string } {
  if (!text.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return { error: "The context must be a JSON object" };
    return { context: value };
  } catch (e) {
    return { error: `The context is not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Run an agent: input, optional session and context; the run is a job that can stop waiting. */
export function RunPanel({ env, id }: { env: string; id: string }) {
  const [input, setInput] = useState("");
  const [session, setSession] = useState("");
  const [contextText, setContextText] = useState("");
  const [jobId, setJobId] = useState<number | undefined>();
  const [error, setError] = useState<AppError | null>(null);
  const client = useQueryClient();
  const log = useJobLog(jobId);
  const parsed = parseContext(contextText);
  const running = jobId !== undefined && (log?.info?.state ?? "running") === "running";
  const outcome = log?.info?.outcome;
  const run = async () => {
    setError(null);
    try {
      const request = { input_text: input, ...(session ? { session_id: session } : {}), ...(parsed.context !== undefined ? { context: parsed.context } : {}) };
      setJobId(await runAgent(env, id, request));
      void client.invalidateQueries({ queryKey: ["jobs", "list"] });
    } catch (e) {
      setError(toAppError(e));
    }
  };
  return (
    <section className="run-panel" aria-label="Run">
      <h4>Run</h4>
      <label className="form__row">
        <span className="form__label">Input</span>
        <textarea className="input" name="runInput" rows={3} value={input} onChange={(e) => setInput(e.target.value)} />
      </label>
      <div className="run-panel__row">
        <label className="form__row">
          <span className="form__label">Session id (optional)</span>
          <input className="input" name="runSession" value={session} onChange={(e) => setSession(e.target.value)} />
        </label>
        <label className="form__row">
          <span className="form__label">Context (JSON object, optional)</span>
          <input className="input" name="runContext" value={contextText} aria-invalid={parsed.error ? true : undefined} onChange={(e) => setContextText(e.target.value)} />
          {parsed.error && (
            <span className="form__error" role="alert">
              {parsed.error}
            </span>
          )}
        </label>
      </div>
      <div className="agent-detail__actions">
        <button type="button" className="button button--primary button--small" data-action="run-agent" disabled={running || !input.trim() || parsed.error !== undefined} onClick={() => void run()}>
          <Play size={14} aria-hidden /> {running ? "Running…" : "Run"}
        </button>
        {running && (
          <button type="button" className="button button--small" onClick={() => void cancelJob(jobId)}>
            <Square size={14} aria-hidden /> Stop waiting
          </button>
        )}
      </div>
      {error && <ErrorNotice error={error} />}
      {outcome?.state === "failed" && <ErrorNotice error={outcome.error} />}
      {outcome?.state === "cancelled" && <p className="notice">Stopped waiting: the platform may still finish the run.</p>}
      {outcome?.state === "succeeded" && outcome.result !== null && <RunOutcome result={outcome.result as RunResult} />}
      <RunHistory
        env={env}
        id={id}
        refresh={log?.info?.state}
        onRerun={(r) => {
          setInput(r.input);
          setSession(r.sessionId ?? "");
          setContextText(r.context === undefined ? "" : JSON.stringify(r.context));
        }}
      />
    </section>
  );
}

function RunOutcome({ result }: { result: RunResult }) {
  return (
    <div className="run-result" data-status={result.status} aria-label="Run result">
      <p>
        <span className={`badge ${result.status === "completed" ? "badge--outcome-ok" : "badge--outcome-failed"}`}>{result.status}</span> in {result.execution_time.toFixed(2)} s
        {result.request_id && <span className="muted"> (request id {result.request_id})</span>}
      </p>
      {result.output && <pre className="run-result__output">{result.output}</pre>}
      {result.error && <p className="run-result__error">{result.error}</p>}
      {result.explanation && <p className="notice notice--warn">{result.explanation}</p>}
    </div>
  );
}
