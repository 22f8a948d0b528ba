// A job's log as a stream: what happened before is replayed, then each new event until it ends.
import { Channel } from "@tauri-apps/api/core";
import type { JobInfo, JobUpdate } from "./bindings";
import { jobEvents } from "./commands.gen";

/** Subscribes to job `id`: `onUpdate` gets every event (the replay first) and then its end. */
export function watchJob(id: number, onUpdate: (update: JobUpdate) => void): Promise<JobInfo> {
  const channel = new Channel<JobUpdate>();
  channel.onmessage = onUpdate;
  return jobEvents(id, channel);
}
