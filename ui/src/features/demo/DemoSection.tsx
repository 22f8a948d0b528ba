import { useQueryClient } from "@tanstack/react-query";
import { FileDown, FolderOpen, Presentation, RefreshCw } from "lucide-react";
import { useState } from "react";
import type { DemoView } from "../../backend";
import { chooseDemoScript, copyDemoScript, openDemoScript, toAppError } from "../../backend";
import { Segmented } from "../../components/Segmented";
import { useShowError } from "../../components/Toasts";
import type { SectionProps } from "../../sections";
import { Checklist } from "./Checklist";
import { DemoData } from "./DemoData";
import { Presenter } from "./Presenter";
import { demoKeys, useDemoScripts, useDemoView, useDemoUpdates } from "./queries";
import { Rehearsal } from "./Rehearsal";
import "./demo.css";

type Tab = "prepare" | "present" | "rehearse";
const TABS = [
  { value: "prepare", label: "Prepare" },
  { value: "present", label: "Present" },
  { value: "rehearse", label: "Rehearse" },
] as const;

/** The platform's demo: its data, the pre-demo checklist, presenting it with an audience window,
 * and rehearsing it unattended. */
export default function DemoSection({ current, onManage, onOpen }: SectionProps) {
  return (
    <section className="section section--wide" aria-labelledby="section-title" data-section="demo">
      <header className="section__header">
        <Presentation size={22} aria-hidden />
        <h1 id="section-title">Demo</h1>
      </header>
      {current ? (
        <DemoPanel key={current.name} env={current.name} production={current.kind === "production"} onOpen={onOpen} />
      ) : (
        <div className="empty">
          <p>A demo runs against an environment, and there is none yet.</p>
          <button type="button" className="button button--primary" onClick={onManage}>
            Add an environment
          </button>
        </div>
      )}
    </section>
  );
}

function DemoPanel({ env, production, onOpen }: { env: string; production: boolean; onOpen: SectionProps["onOpen"] }) {
  if (production) {
    return (
      <p className="notice notice--error" role="alert">
        {env} is a production environment: the demo never runs on production. Choose a dev or staging environment.
      </p>
    );
  }
  return <DemoTabs env={env} onOpen={onOpen} />;
}

function DemoTabs({ env, onOpen }: { env: string; onOpen: SectionProps["onOpen"] }) {
  const view = useDemoView(env);
  const [tab, setTab] = useState<Tab>(view.data?.progress && !view.data.progress.finished ? "present" : "prepare");
  useDemoUpdates(env);
  return (
    <div className="demo">
      <ScriptBar env={env} view={view.data} />
      <Segmented kind="tab" label="Demo" options={TABS} value={tab} onChange={setTab} />
      {tab === "prepare" && (
        <div className="demo__prepare">
          <Checklist env={env} onOpen={onOpen} />
          <DemoData env={env} />
        </div>
      )}
      {tab === "present" && view.data && <Presenter env={env} view={view.data} />}
      {tab === "rehearse" && view.data?.script && <Rehearsal env={env} script={view.data.script} />}
    </div>
  );
}

/** Which script: a shipped one, or the operator's own file (chosen in a native dialog and read
 * again on Reload, so it can be edited while the console is open). */
function ScriptBar({ env, view }: { env: string; view: DemoView | undefined }) {
  const client = useQueryClient();
  const showError = useShowError();
  const scripts = useDemoScripts();
  const inProgress = view?.progress !== undefined && !view.progress.finished;
  const change = async (run: () => Promise<DemoView | null>) => {
    try {
      const next = await run();
      if (next) client.setQueryData(demoKeys.view(env), next);
    } catch (e) {
      showError(toAppError(e));
    }
  };
  const shipped = scripts.data ?? [];
  const isFile = view !== undefined && !shipped.includes(view.source);
  return (
    <div className="demo__script toolbar" role="group" aria-label="Demo script">
      <label className="form__row form__row--inline">
        <span className="form__label">Script</span>
        <select
          className="select"
          name="demoScript"
          value={view?.source ?? "quick"}
          disabled={inProgress}
          onChange={(e) => void change(() => chooseDemoScript(env, e.target.value))}
        >
          {shipped.map((name) => (
            <option key={name} value={name}>
              {name === "quick" ? "Quick demo (5 minutes)" : name === "extended" ? "Extended demo (15 minutes)" : name}
            </option>
          ))}
          {isFile && <option value={view.source}>{view.source}</option>}
        </select>
      </label>
      {view?.script && (
        <span className="muted" data-script-title>
          {`${view.script.title}: ${String(view.script.steps.length)} steps, ${String(view.script.targetMinutes)} minutes`}
        </span>
      )}
      <button type="button" className="button button--small" disabled={inProgress} onClick={() => void change(() => openDemoScript(env))}>
        <FolderOpen size={14} aria-hidden /> Open a script…
      </button>
      <button type="button" className="button button--small" onClick={() => void change(() => copyDemoScript(env))}>
        <FileDown size={14} aria-hidden /> Save a copy to edit…
      </button>
      <button type="button" className="button button--small" data-action="reload-script" onClick={() => void client.invalidateQueries({ queryKey: demoKeys.view(env) })}>
        <RefreshCw size={14} aria-hidden /> Reload
      </button>
      {view?.scriptError && (
        <p className="notice notice--error" role="alert" data-script-error>
          {view.scriptError}
        </p>
      )}
    </div>
  );
}
