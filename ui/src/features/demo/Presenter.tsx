import { useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, ArrowRight, Download, Eraser, Monitor, MonitorOff, Play, RotateCcw, SkipForward, TriangleAlert } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import Markdown from "react-markdown";
import type { Action, AppError, DemoView, StepResult } from "../../backend";
import {
  cleanUpDemo,
  demoGo,
  demoKey,
  demoMonitors,
  demoStartDecision,
  exportDemoReport,
  forgetDemo,
  markDemoStep,
  openAudience,
  performDemoStep,
  resumeDemo,
  startDemo,
  toAppError,
} from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { presenterKey, type PresenterKey } from "./keys";
import { demoKeys } from "./queries";
import { VisibleResult } from "./VisibleResult";

const STATUS_WORD: Record<StepResult["status"], string> = { passed: "Passed", failed: "Failed", error_path: "Error path shown", skipped: "Skipped" };

const actionName = (a: Action) => (typeof a === "string" ? a : (Object.keys(a)[0] ?? ""));

const clock = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${String(Math.floor(s / 60))}:${String(s % 60).padStart(2, "0")}`;
};

/** The presenter's window: the step, its speaker notes, the check, the recovery tip when it
 * failed, the next step, the timer and pacing, the audience window and the run log. Keys (and a
 * clicker): Page Down / → / space next, Page Up / ← back, Enter perform again, B black. */
export function Presenter({ env, view }: { env: string; view: DemoView }) {
  const client = useQueryClient();
  const { ask, dialog } = useGuard();
  const [error, setError] = useState<AppError | null>(null);
  // Requests on their way to the backend (keys may follow each other faster than it answers).
  const [pending, setPending] = useState(0);
  const [audienceNote, setAudienceNote] = useState<string | null>(null);
  const [monitors, setMonitors] = useState<string[]>([]);
  const [monitor, setMonitor] = useState(1);
  const [fullscreen, setFullscreen] = useState(false);
  const [removed, setRemoved] = useState<string[] | null>(null);
  const script = view.script;
  const progress = view.progress;
  const step = script && progress ? script.steps[progress.current] : undefined;
  const result = step && progress ? progress.results.find((r) => r.stepId === step.id) : undefined;

  const run = useCallback(
    async (action: () => Promise<DemoView>) => {
      setError(null);
      setPending((n) => n + 1);
      try {
        client.setQueryData(demoKeys.view(env), await action());
      } catch (e) {
        setError(toAppError(e));
      } finally {
        setPending((n) => n - 1);
      }
    },
    [client, env],
  );
  const answer = async (title: string) =>
    ask({ env, action: "agent.delete", title, confirmLabel: "Go", alwaysAsk: false, decide: () => demoStartDecision(env) });

  // Keys go to the backend, which takes them one after the other: a double press performs the
  // step and moves on, never skips one.
  const onKey = useCallback(
    (key: PresenterKey) => {
      if (!view.live) return;
      void run(() => demoKey(env, key));
    },
    [env, run, view.live],
  );
  const keyRef = useRef(onKey);
  useEffect(() => {
    keyRef.current = onKey;
  }, [onKey]);
  useEffect(() => {
    const local = (e: KeyboardEvent) => {
      const key = presenterKey(e);
      if (!key || document.querySelector("[role=dialog]")) return;
      e.preventDefault();
      keyRef.current(key);
    };
    window.addEventListener("keydown", local);
    return () => {
      window.removeEventListener("keydown", local);
    };
  }, []);
  useEffect(() => {
    demoMonitors().then(setMonitors, () => undefined);
  }, []);

  const start = async () => {
    const given = await answer(`Start the demo on ${env}`);
    if (given) await run(() => startDemo(env, given));
  };
  const resume = async () => {
    const given = await answer(`Resume the demo on ${env}`);
    if (given) await run(() => resumeDemo(env, given));
  };
  const cleanUp = async () => {
    const given = await answer(`Remove what the demo created on ${env}`);
    if (!given) return;
    setError(null);
    try {
      setRemoved(await cleanUpDemo(env, given));
      void client.invalidateQueries({ queryKey: demoKeys.env(env) });
    } catch (e) {
      setError(toAppError(e));
    }
  };
  const showAudience = async () => {
    try {
      setAudienceNote(`Audience window ${await openAudience(env, monitor, fullscreen)}.`);
    } catch (e) {
      setError(toAppError(e));
    }
  };
  const exportReport = async (markdown: boolean) => {
    try {
      await exportDemoReport(env, markdown);
    } catch (e) {
      setError(toAppError(e));
    }
  };

  if (!script) return <p className="muted">Choose a script that reads cleanly first.</p>;

  const audienceControls = (
    <div className="demo__audience" role="group" aria-label="Audience window">
      <label className="form__row form__row--inline">
        <span className="form__label">Monitor</span>
        <select className="select" name="audienceMonitor" value={monitor} onChange={(e) => setMonitor(Number(e.target.value))}>
          {(monitors.length ? monitors : ["1"]).map((m, i) => (
            <option key={m} value={i + 1}>
              {m}
            </option>
          ))}
          <option value={monitors.length + 1}>{`${String(monitors.length + 1)} (not connected)`}</option>
        </select>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={fullscreen} onChange={(e) => setFullscreen(e.target.checked)} /> Full screen
      </label>
      <button type="button" className="button button--small" data-action="open-audience" onClick={() => void showAudience()}>
        <Monitor size={14} aria-hidden /> Open the audience window
      </button>
      {audienceNote && (
        <span className="muted" role="status" data-audience-note>
          {audienceNote}
        </span>
      )}
    </div>
  );

  if (!progress) {
    return (
      <div className="demo__present">
        {audienceControls}
        <p>
          {script.title}: {script.steps.length} steps in {script.targetMinutes} minutes. The demo creates an agent (and, in the extended demo, a user and a workflow) and removes them in its clean-up.
        </p>
        {error && <ErrorNotice error={error} />}
        <button type="button" className="button button--primary" data-action="start-demo" disabled={pending > 0} onClick={() => void start()}>
          <Play size={14} aria-hidden /> Start the demo
        </button>
        {dialog}
      </div>
    );
  }

  const total = script.steps.length;
  const next = script.steps[progress.current + 1];
  return (
    <div className="demo__present" data-live={String(view.live)} data-step={progress.current}>
      {audienceControls}
      <Timer view={view} />
      {error && <ErrorNotice error={error} />}
      {!view.live && !progress.finished && (
        <div className="notice" role="status">
          <p>
            A demo of {env} was in progress: it resumes at step {progress.current + 1} of {total}, with what it created so far.
          </p>
          <div className="form__actions form__actions--start">
            <button type="button" className="button button--primary" data-action="resume-demo" onClick={() => void resume()}>
              <Play size={14} aria-hidden /> Resume at step {progress.current + 1}
            </button>
            <button type="button" className="button" data-action="start-over" onClick={() => void run(() => forgetDemo(env))}>
              <RotateCcw size={14} aria-hidden /> Start over
            </button>
          </div>
        </div>
      )}
      {step ? (
        <div className="demo__stage">
          <article className="demo__step" aria-labelledby="demo-step-title" data-step-id={step.id}>
            <p className="muted">{`Step ${String(progress.current + 1)} of ${String(total)} · ${actionName(step.action)} · ${String(step.target_seconds)} s`}</p>
            <h2 id="demo-step-title">{step.title}</h2>
            <div className="demo__notes" aria-label="Speaker notes">
              <Markdown skipHtml>{step.say}</Markdown>
            </div>
            <p className="muted">The audience should see: {step.audience}</p>
            {pending > 0 && <p aria-busy>Working…</p>}
            {result && (
              <p className={`demo__check demo__check--${result.status}`} data-check={result.status} role="status">
                <strong>{STATUS_WORD[result.status]}</strong>: {result.error ?? result.check} <span className="muted">{`(${String(result.durationMs)} ms, ${String(result.requests)} requests)`}</span>
              </p>
            )}
            {result?.status === "failed" && (
              <div className="demo__recovery" data-recovery>
                <p>
                  <TriangleAlert size={16} aria-hidden /> <strong>Recovery (only you see this):</strong> {step.recovery}
                </p>
                <div className="form__actions form__actions--start">
                  <button type="button" className="button" data-action="retry-step" onClick={() => void run(() => performDemoStep(env))}>
                    <RotateCcw size={14} aria-hidden /> Retry
                  </button>
                  <button type="button" className="button" data-action="skip-step" onClick={() => void run(() => markDemoStep(env, "skipped"))}>
                    <SkipForward size={14} aria-hidden /> Skip
                  </button>
                  <button type="button" className="button" data-action="error-path" onClick={() => void run(() => markDemoStep(env, "error_path"))}>
                    Show the error path
                  </button>
                </div>
              </div>
            )}
            <div className="form__actions form__actions--start">
              <button type="button" className="button" data-action="back" disabled={!view.live || progress.current === 0} onClick={() => onKey("back")}>
                <ArrowLeft size={14} aria-hidden /> Back
              </button>
              <button type="button" className="button button--primary" data-action="next" disabled={!view.live} onClick={() => onKey("next")}>
                {result ? (
                  <>
                    Next <ArrowRight size={14} aria-hidden />
                  </>
                ) : (
                  <>
                    <Play size={14} aria-hidden /> Perform
                  </>
                )}
              </button>
              <button type="button" className="button" data-action="black" disabled={!view.live} aria-pressed={view.black} onClick={() => onKey("black")}>
                <MonitorOff size={14} aria-hidden /> {view.black ? "Show the screen" : "Black screen"}
              </button>
            </div>
            {next && <p className="muted" data-next>{`Next: ${next.title}`}</p>}
          </article>
          <aside className="demo__preview-pane" aria-label="What the audience sees">
            <h3>The audience sees</h3>
            {view.black ? <p>A black screen.</p> : result && result.status !== "failed" ? <VisibleResult visible={result.visible} /> : <p className="muted">{step.audience}</p>}
          </aside>
        </div>
      ) : (
        <div className="demo__end" data-demo-end>
          <h2>The demo is over</h2>
          <Summary results={progress.results} />
          <div className="form__actions form__actions--start">
            <button type="button" className="button" data-action="back" onClick={() => void run(() => demoGo(env, total - 1))}>
              <ArrowLeft size={14} aria-hidden /> Back to the last step
            </button>
            <button type="button" className="button" data-export="markdown" onClick={() => void exportReport(true)}>
              <Download size={14} aria-hidden /> Report (Markdown)
            </button>
            <button type="button" className="button" data-export="json" onClick={() => void exportReport(false)}>
              <Download size={14} aria-hidden /> Report (JSON)
            </button>
            <button type="button" className="button" data-action="start-over" onClick={() => void run(() => forgetDemo(env))}>
              <RotateCcw size={14} aria-hidden /> Start over
            </button>
          </div>
        </div>
      )}
      <Created view={view} removed={removed} onCleanUp={() => void cleanUp()} />
      <details className="demo__log" open>
        <summary>Run log ({progress.log.length})</summary>
        <ol>
          {progress.log.map((l, i) => (
            <li key={String(i)}>
              <span className="muted mono">{new Date(l.at).toLocaleTimeString()}</span> {l.stepId && <code>{l.stepId}</code>} {l.line}
            </li>
          ))}
        </ol>
      </details>
      {dialog}
    </div>
  );
}

/** Elapsed against the target, and the pacing: ahead or behind the steps' targets so far. */
function Timer({ view }: { view: DemoView }) {
  const [now, setNow] = useState(() => Date.now());
  const [since] = useState(() => Date.now());
  useEffect(() => {
    if (!view.live) return;
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [view.live]);
  const { script, progress } = view;
  if (!script || !progress) return null;
  const elapsed = progress.elapsedMs + (view.live && !progress.finished ? Math.max(0, now - since) : 0);
  const due = script.steps.slice(0, progress.current).reduce((n, s) => n + s.target_seconds, 0) * 1000;
  const delta = due - elapsed;
  const target = script.targetMinutes * 60_000;
  return (
    <p className="demo__timer" role="timer" data-pacing={delta >= 0 ? "ahead" : "behind"}>
      <span className="demo__clock">{clock(elapsed)}</span> <span className="muted">of {clock(target)}</span>{" "}
      <span className={delta >= 0 ? "demo__pace demo__pace--ahead" : "demo__pace demo__pace--behind"}>{delta >= 0 ? `ahead by ${clock(delta)}` : `behind by ${clock(-delta)}`}</span>
    </p>
  );
}

function Summary({ results }: { results: StepResult[] }) {
  const count = (s: StepResult["status"]) => results.filter((r) => r.status === s).length;
  return (
    <p data-summary>
      {`${String(count("passed"))} passed, ${String(count("failed"))} failed, ${String(count("error_path"))} error paths, ${String(count("skipped"))} skipped; ${String(results.reduce((n, r) => n + r.requests, 0))} API requests.`}
    </p>
  );
}

/** What the demo created on stage and has not removed yet, with one-click clean-up. */
function Created({ view, removed, onCleanUp }: { view: DemoView; removed: string[] | null; onCleanUp: () => void }) {
  const c = view.progress?.captured;
  const items = [
    c?.agentId && `agent ${c.agentId} (API)`,
    c?.workflowId && `workflow ${c.workflowId} (API)`,
    c?.tenantId && `tenant ${c.tenantId} and user ${c.userId ?? ""} (database)`,
  ].filter((x): x is string => Boolean(x));
  return (
    <section className="demo__created" aria-label="Created on stage">
      <h3>Created on stage</h3>
      {items.length ? (
        <ul>
          {items.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">{removed ? `Removed: ${removed.join(", ") || "nothing was left"}.` : "Nothing left to remove."}</p>
      )}
      <button type="button" className="button button--small" data-action="clean-up" disabled={items.length === 0} onClick={onCleanUp}>
        <Eraser size={14} aria-hidden /> Clean up
      </button>
    </section>
  );
}
