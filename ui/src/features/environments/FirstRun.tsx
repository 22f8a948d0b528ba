import { useQueryClient } from "@tanstack/react-query";
import { Cloud, Laptop, Rocket, Server } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import type { AppError, Preset, SandboxStatus } from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { startSandbox, toAppError } from "../../backend";
import { JobProgressBar } from "../../jobs/JobLog";
import { useJobLog } from "../../jobs/jobLog";
import { shellKeys, usePresets } from "../../queries";

const ICONS: Record<string, typeof Laptop> = { local: Laptop, "supabase-local": Server, "supabase-cloud": Cloud };

/** Shown while there are no environments: try the console on this machine's PostgreSQL and
 * Redis (the local sandbox), or start from a preset or from scratch. */
export function FirstRun({ onChoose, onBlank, sandbox }: { onChoose: (preset: Preset) => void; onBlank: () => void; sandbox: SandboxJob }) {
  const presets = usePresets();
  return (
    <div className="first-run">
      <Sandbox {...sandbox} />
      <h2>Add your first environment</h2>
      <p className="muted">
        An environment is one deployment of the platform: where its API, database and Redis are, and how careful the
        console is with it. Start from a preset; you can change everything before saving.
      </p>
      {presets.error && <ErrorNotice error={toAppError(presets.error)} />}
      <div className="preset-grid">
        {presets.data?.map((p) => {
          const Icon = ICONS[p.id] ?? Server;
          return (
            <button
              key={p.id}
              type="button"
              className="preset"
              data-preset={p.id}
              onClick={() => onChoose(p)}
            >
              <Icon size={22} aria-hidden />
              <span className="preset__title">{p.title}</span>
              <span className="preset__description">{p.description}</span>
            </button>
          );
        })}
        <button type="button" className="preset preset--blank" onClick={onBlank}>
          <span className="preset__title">Start from scratch</span>
          <span className="preset__description">An empty development environment.</span>
        </button>
      </div>
    </div>
  );
}

/** The sandbox's job, kept by the section: the environment it saves ends the first run, and the
 * job's end must still be seen. */
export interface SandboxJob {
  jobId: number | undefined;
  onStarted: (id: number) => void;
  onReady: () => void;
}

/** "Try it on this machine": the sandbox set up as a job, its steps shown as they go; when it is
 * ready the console opens Health on it. */
function Sandbox({ jobId, onStarted, onReady }: SandboxJob) {
  const client = useQueryClient();
  const [error, setError] = useState<AppError | null>(null);
  const log = useJobLog(jobId);
  const state = log?.info?.state;
  const status = log?.info?.outcome?.state === "succeeded" ? (log.info.outcome.result as SandboxStatus) : undefined;
  const opened = useRef(false);
  useEffect(() => {
    if (state !== "succeeded" || opened.current) return;
    opened.current = true;
    void client.invalidateQueries({ queryKey: shellKeys.environments }).then(onReady);
  }, [state, client, onReady]);
  const start = async () => {
    setError(null);
    try {
      onStarted(await startSandbox());
    } catch (e) {
      setError(toAppError(e));
    }
  };
  return (
    <section className="sandbox" aria-labelledby="sandbox-title">
      <h2 id="sandbox-title">
        <Rocket size={18} aria-hidden /> Try it on this machine
      </h2>
      <p className="muted">
        No deployment at hand? The console makes a sandbox on this machine&apos;s PostgreSQL and Redis: database agent_factory_sandbox with the
        platform&apos;s tables and the demo data, and environment local-sandbox.
      </p>
      <button type="button" className="button button--primary" data-action="start-sandbox" disabled={state === "running"} onClick={() => void start()}>
        <Rocket size={14} aria-hidden /> Try it on this machine
      </button>
      {log?.info && <JobProgressBar info={log.info} />}
      <ol className="sandbox__steps" aria-label="Sandbox set-up">
        {(log?.events ?? []).map((e) => (
          <li key={e.seq}>{e.message}</li>
        ))}
      </ol>
      {status && <p role="status">{status.api}</p>}
      {error && <ErrorNotice error={error} />}
      {log?.info?.outcome?.state === "failed" && <ErrorNotice error={log.info.outcome.error} />}
    </section>
  );
}
