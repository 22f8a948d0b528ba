// Job logs, kept for the window's life: one subscription per job, replayed from the start by the
// backend, so a log is complete whether the section that started the job is shown or not, and
// after a reload.
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";
import { watchJob, type JobEvent, type JobInfo, type JobUpdate } from "../backend";
import { refreshAfterWrite, shellKeys } from "../queries";

export interface JobLog {
  info?: JobInfo;
  events: JobEvent[];
}

interface Entry {
  log: JobLog;
  listeners: Set<() => void>;
  started: boolean;
}

const entries = new Map<number, Entry>();

function entry(id: number): Entry {
  let e = entries.get(id);
  if (!e) {
    e = { log: { events: [] }, listeners: new Set(), started: false };
    entries.set(id, e);
  }
  return e;
}

function publish(e: Entry, log: JobLog) {
  e.log = log;
  e.listeners.forEach((l) => {
    l();
  });
}

/** Merges one update (events are numbered, so a repeat is ignored). */
export function merge(log: JobLog, update: JobUpdate): JobLog {
  if (update.type === "finished") return { ...log, info: update.data };
  const last = log.events.at(-1)?.seq ?? 0;
  if (update.data.seq <= last) return log;
  return { ...log, events: [...log.events, update.data] };
}

function start(id: number, e: Entry) {
  if (e.started) return;
  e.started = true;
  watchJob(id, (update) => {
    publish(e, merge(e.log, update));
  }).then(
    (info) => {
      // The job's state when subscribing; a "finished" that arrived since is newer.
      if (!e.log.info || e.log.info.state === "running") publish(e, { ...e.log, info: e.log.info ?? info });
    },
    () => {
      e.started = false; // try again on the next render that asks
    },
  );
}

/** The log of job `id` (undefined: none), kept up to date. */
export function useJobLog(id: number | undefined): JobLog | undefined {
  return useSyncExternalStore(
    (onChange) => {
      if (id === undefined) return () => undefined;
      const e = entry(id);
      e.listeners.add(onChange);
      start(id, e);
      return () => {
        e.listeners.delete(onChange);
      };
    },
    () => (id === undefined ? undefined : entry(id).log),
  );
}

/** Forgets every log (tests start each case with none). */
export function resetJobLogs() {
  entries.clear();
  refreshed.clear();
}

/** The log of job `id`, and when it ends, `invalidates` (and the audit log) read again — once,
 * whichever view watched it end. */
export function useFinishedJob(id: number | undefined, invalidates: readonly QueryKey[]): JobLog | undefined {
  const log = useJobLog(id);
  const client = useQueryClient();
  const finished = id !== undefined && log?.info !== undefined && log.info.state !== "running";
  useEffect(() => {
    if (!finished || refreshed.has(id)) return;
    refreshed.add(id);
    void refreshAfterWrite(client, [...invalidates, shellKeys.audit]);
  }, [finished, id, client, invalidates]);
  return log;
}

const refreshed = new Set<number>();
