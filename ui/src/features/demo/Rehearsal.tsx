import { Play } from "lucide-react";
import { useState } from "react";
import type { AppError, DemoReport, RehearsalStep, Script } from "../../backend";
import { demoStartDecision, rehearseDemo, toAppError } from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { JobProgressBar } from "../../jobs/JobLog";
import { useJobLog } from "../../jobs/jobLog";

const clock = (seconds: number) => `${String(Math.floor(seconds / 60))}:${String(seconds % 60).padStart(2, "0")}`;

/** The whole script unattended (checks included, a simulated clock), as a job: each step as it
 * finishes, then the report — for the night before. */
export function Rehearsal({ env, script }: { env: string; script: Script }) {
  const { ask, dialog } = useGuard();
  const [jobId, setJobId] = useState<number | undefined>();
  const [error, setError] = useState<AppError | null>(null);
  const log = useJobLog(jobId);
  const running = jobId !== undefined && (log?.info?.state ?? "running") === "running";
  const steps = (log?.events ?? []).map((e) => e.detail as RehearsalStep | undefined).filter((d): d is RehearsalStep => d !== undefined);
  const report = log?.info?.outcome?.state === "succeeded" ? (log.info.outcome.result as DemoReport) : undefined;

  const start = async () => {
    setError(null);
    const answer = await ask({ env, action: "agent.delete", title: `Rehearse ${script.title} on ${env}`, confirmLabel: "Rehearse", decide: () => demoStartDecision(env) });
    if (!answer) return;
    try {
      setJobId(await rehearseDemo(env, answer));
    } catch (e) {
      setError(toAppError(e));
    }
  };

  return (
    <div className="demo__rehearsal">
      <p>
        Runs every step of {script.title} against {env} with its checks, counts the API requests and times the demo on a simulated clock (each step its target), then removes what it created.
      </p>
      <button type="button" className="button button--primary" data-action="rehearse" disabled={running} onClick={() => void start()}>
        <Play size={14} aria-hidden /> Rehearse
      </button>
      {error && <ErrorNotice error={error} />}
      {log?.info?.outcome?.state === "failed" && <ErrorNotice error={log.info.outcome.error} />}
      {log?.info && <JobProgressBar info={log.info} />}
      {report && (
        <p role="status" data-rehearsal={report.failed === 0 ? "passed" : "failed"}>
          {`${String(report.passed)} passed, ${String(report.failed)} failed of ${String(report.steps.length)} steps; ${String(report.requests)} API requests; ${clock(Math.round(report.elapsedMs / 1000))} of the ${clock(report.targetSeconds)} target.`}
        </p>
      )}
      <ol className="demo__rehearsed">
        {steps.map((s) => (
          <li key={s.result.stepId} data-rehearsed={s.result.stepId} data-status={s.result.status}>
            <strong>{s.title}</strong>: {s.result.status.replace("_", " ")} — {s.result.error ?? s.result.check}{" "}
            <span className="muted">{`${String(s.result.durationMs)} ms, ${String(s.result.requests)} requests`}</span>
          </li>
        ))}
      </ol>
      {dialog}
    </div>
  );
}
