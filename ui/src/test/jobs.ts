// A scripted job registry for UI tests: what list_jobs, job_events and cancel_job answer. A job
// started here has already run: its events and its end are replayed to whoever subscribes, as
// the backend replays a finished job's log.
import type { JobEvent, JobInfo, JobOutcome, JobUpdate } from "../backend";
import { sendJobUpdates, type Handler } from "../backend/mock";

export interface FakeJobs {
  start: (kind: string, environment: string, title: string, lines: string[], outcome: JobOutcome) => number;
  handlers: Record<string, Handler>;
}

export function fakeJobs(): FakeJobs {
  const jobs: { info: JobInfo; events: JobEvent[] }[] = [];
  const start: FakeJobs["start"] = (kind, environment, title, lines, outcome) => {
    const id = jobs.length + 1;
    const at = "2026-11-30T10:00:00Z";
    jobs.push({
      info: {
        id,
        kind,
        environment,
        title,
        startedAt: at,
        finishedAt: at,
        state: outcome.state,
        lastMessage: lines.at(-1) ?? "",
        droppedEvents: 0,
        cancellable: true,
        background: false,
        outcome,
      },
      events: lines.map((message, i) => ({ seq: i + 1, at, message })),
    });
    return id;
  };
  const find = (args: Record<string, unknown>) => {
    const job = jobs.find((j) => j.info.id === args.id);
    if (!job) throw new Error(`no job ${String(args.id)}`);
    return job;
  };
  return {
    start,
    handlers: {
      list_jobs: () => jobs.map((j) => j.info).reverse(),
      job_events: (args) => {
        const job = find(args);
        sendJobUpdates(
          args.events,
          ...job.events.map((data): JobUpdate => ({ type: "event", data })),
          { type: "finished", data: job.info },
        );
        return job.info;
      },
      cancel_job: (args) => find(args).info.state === "running",
    },
  };
}
