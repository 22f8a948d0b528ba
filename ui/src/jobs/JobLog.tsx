import { CircleCheck, CircleSlash, CircleX, LoaderCircle } from "lucide-react";
import { useState } from "react";
import { cancelJob, toAppError, type JobInfo } from "../backend";
import { ErrorNotice } from "../components/ErrorNotice";
import { useShowError } from "../components/Toasts";
import { useJobLog } from "./jobLog";
import "./jobs.css";

export function JobState({ info }: { info: JobInfo }) {
  switch (info.state) {
    case "running":
      return (
        <span className="job-state job-state--running">
          <LoaderCircle size={14} aria-hidden className="spin" /> Running
        </span>
      );
    case "succeeded":
      return (
        <span className="job-state job-state--succeeded">
          <CircleCheck size={14} aria-hidden /> Done
        </span>
      );
    case "failed":
      return (
        <span className="job-state job-state--failed">
          <CircleX size={14} aria-hidden /> Failed
        </span>
      );
    case "cancelled":
      return (
        <span className="job-state job-state--cancelled">
          <CircleSlash size={14} aria-hidden /> Cancelled
        </span>
      );
  }
}

/** How far a job is, as a bar (indeterminate until it reports a total). */
export function JobProgressBar({ info }: { info: JobInfo }) {
  const p = info.progress;
  const done = info.state === "succeeded";
  const max = Math.max(p?.total ?? 1, 1);
  return (
    <progress
      className="job-progress"
      aria-label={`Progress of ${info.title}`}
      max={max}
      value={done ? max : info.state === "running" && !p ? undefined : (p?.done ?? 0)}
    />
  );
}

/** A job's whole log with its state, progress and, while it runs, Cancel. */
export function JobLogView({ id }: { id: number }) {
  const log = useJobLog(id);
  const showError = useShowError();
  const [cancelling, setCancelling] = useState(false);
  const info = log?.info;
  if (!info) return <p aria-busy>Reading the job's log…</p>;
  const outcome = info.outcome;
  const p = info.progress;
  return (
    <div className="job-log" data-job={id} data-state={info.state}>
      <div className="job-log__head">
        <JobState info={info} />
        <JobProgressBar info={info} />
        <span className="muted">
          {p ? `${String(info.state === "succeeded" ? p.total : p.done)}/${String(p.total)}` : ""}
        </span>
        {info.state === "running" && info.cancellable && (
          <button
            type="button"
            className="button button--small"
            data-action="cancel"
            disabled={cancelling}
            onClick={() => {
              cancelJob(id).then(setCancelling, (e: unknown) => {
                showError(toAppError(e));
              });
            }}
          >
            {cancelling ? "Cancelling at the next safe point…" : "Cancel at the next safe point"}
          </button>
        )}
      </div>
      {info.droppedEvents > 0 && <p className="muted">{info.droppedEvents} earlier lines were dropped (the log keeps the latest 2000).</p>}
      <pre className="job-log__lines" aria-label="Live log" aria-live="polite">
        {log.events.map((e) => e.message).join("\n")}
      </pre>
      {outcome?.state === "failed" && <ErrorNotice error={outcome.error} />}
    </div>
  );
}
