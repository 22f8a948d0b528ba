import { ListTodo } from "lucide-react";
import "./jobs.css";
import { useState } from "react";
import type { JobInfo } from "../backend";
import { Modal } from "../components/Modal";
import { useJobs } from "../queries";
import { JobLogView, JobProgressBar, JobState } from "./JobLog";

/** The top bar's view of long work: how many jobs run (with the newest one's progress), and a
 * list of every job of this run, each opening its whole log. */
export function JobsIndicator() {
  const jobs = useJobs();
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState<number>();
  const list = jobs.data ?? [];
  const foreground = list.filter((j) => !j.background);
  const running = foreground.filter((j) => j.state === "running");
  const latest = running[0];
  return (
    <>
      <button
        type="button"
        className={running.length > 0 ? "jobs-button jobs-button--busy" : "jobs-button"}
        aria-label={`Jobs: ${String(running.length)} running`}
        title="Jobs"
        data-running={running.length}
        onClick={() => {
          setShown(undefined);
          setOpen(true);
        }}
      >
        <ListTodo size={17} aria-hidden />
        {latest ? <JobProgressBar info={latest} /> : null}
        {running.length > 0 && <span className="jobs-button__count">{running.length}</span>}
      </button>
      <Modal open={open} onOpenChange={setOpen} title={shown === undefined ? "Jobs" : (list.find((j) => j.id === shown)?.title ?? "Job")} wide>
        {shown === undefined ? (
          <JobList
            jobs={foreground}
            background={list.filter((j) => j.background)}
            onShow={setShown}
          />
        ) : (
          <>
            <button
              type="button"
              className="button button--small"
              onClick={() => setShown(undefined)}
            >
              ← All jobs
            </button>
            <JobLogView id={shown} />
          </>
        )}
      </Modal>
    </>
  );
}

function JobRow({ job, onShow }: { job: JobInfo; onShow: (id: number) => void }) {
  return (
    <li className="job-row" data-job={job.id} data-state={job.state}>
      <button
        type="button"
        className="job-row__open"
        onClick={() => onShow(job.id)}
      >
        <span className="job-row__title">{job.title}</span>
        <JobState info={job} />
        <span className="muted">{new Date(job.startedAt).toLocaleTimeString()}</span>
        <span className="job-row__last">{job.lastMessage}</span>
      </button>
    </li>
  );
}

function JobList({ jobs, background, onShow }: { jobs: JobInfo[]; background: JobInfo[]; onShow: (id: number) => void }) {
  return (
    <div className="jobs">
      {jobs.length === 0 ? (
        <p className="muted">No jobs yet: applying migrations and importing a .env file run as jobs.</p>
      ) : (
        <ul className="jobs__list" aria-label="Jobs">
          {jobs.map((j) => (
            <JobRow key={j.id} job={j} onShow={onShow} />
          ))}
        </ul>
      )}
      {background.length > 0 && (
        <details className="jobs__background">
          <summary>Background ({background.length}): the health watchers</summary>
          <ul className="jobs__list" aria-label="Background jobs">
            {background.map((j) => (
              <JobRow key={j.id} job={j} onShow={onShow} />
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
