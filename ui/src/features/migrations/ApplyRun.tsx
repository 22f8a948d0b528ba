import { useState } from "react";
import type { AppError, ApplyEvent, ApplyReport } from "../../backend";
import { cancelMigrations, toAppError } from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";

export interface Run {
  events: ApplyEvent[];
  done: boolean;
  report?: ApplyReport;
  error?: AppError;
}

/** Starts `start` with a progress sink and keeps its events for the progress bar and live log. */
export function useApplyRun() {
  const [run, setRun] = useState<Run | null>(null);
  const begin = (start: (onEvent: (e: ApplyEvent) => void) => Promise<ApplyReport>) => {
    setRun({ events: [], done: false });
    const onEvent = (e: ApplyEvent) => {
      setRun((r) => (r ? { ...r, events: [...r.events, e] } : r));
    };
    return start(onEvent).then(
      (report) => {
        setRun((r) => ({ events: r?.events ?? [], done: true, report }));
      },
      (e: unknown) => {
        setRun((r) => ({ events: r?.events ?? [], done: true, error: toAppError(e) }));
      },
    );
  };
  return { run, begin, clear: () => { setRun(null); } };
}

function line(e: ApplyEvent): string | null {
  switch (e.event) {
    case "waitingForLock":
      return `Waiting for the migration lock, held by process ${String(e.holder.pid)} (${e.holder.application})`;
    case "locked":
      return `Locked ${e.target}: ${String(e.pending)} to run`;
    case "migrationStarted":
      return `[${String(e.index)}/${String(e.total)}] ${e.name}: ${String(e.statements)} statements`;
    case "statement":
      return `  statement ${String(e.index)}/${String(e.total)} (line ${String(e.line)}): ${e.sql.split("\n")[0] ?? ""}`;
    case "migrationFinished":
      return `  done in ${String(e.durationMs)} ms`;
    case "migrationSkipped":
      return `  ${e.name} ${e.reason}`;
    case "migrationFailed":
      return `  FAILED at statement ${String(e.failure.statement)} (line ${String(e.failure.line)}): ${e.failure.message}`;
    case "cancelled":
      return `Cancelled: ${String(e.remaining)} not run`;
    case "finished":
      return `Finished: ${String(e.applied)} applied in ${String(e.durationMs)} ms`;
  }
}

/** Progress bar (migrations finished of those to run), a live log, and Cancel while running. */
export function ApplyProgress({ run, cancellable }: { run: Run; cancellable: boolean }) {
  const locked = run.events.find((e) => e.event === "locked");
  const total = locked?.event === "locked" ? locked.pending : 0;
  const finished = run.events.filter((e) => e.event === "migrationFinished" || e.event === "migrationSkipped").length;
  const lines = run.events.map(line).filter((l): l is string => l !== null);
  return (
    <div className="apply-run" data-testid="apply-run">
      <div className="apply-run__bar">
        <progress max={Math.max(total, 1)} value={run.done && !run.error ? Math.max(total, 1) : finished} aria-label="Migration progress" />
        <span>
          {run.done ? (run.error ? "Failed" : "Done") : "Running…"} {finished}/{total}
        </span>
        {!run.done && cancellable && (
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              void cancelMigrations();
            }}
          >
            Cancel after this migration
          </button>
        )}
      </div>
      <pre className="apply-run__log" aria-label="Live log" aria-live="polite">
        {lines.join("\n")}
      </pre>
      {run.error && <ErrorNotice error={run.error} />}
    </div>
  );
}
