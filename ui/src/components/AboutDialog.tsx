import "./AboutDialog.css";
import { Bug, FileArchive } from "lucide-react";
import { Fragment, useState, type ReactNode } from "react";
import iconUrl from "../../../icons/icon.svg";
import { reportProblem, saveDiagnostics, toAppError, type AppError, type AppInfo } from "../backend";
import { useAppInfo } from "../queries";
import { CopyButton } from "./CopyButton";
import { ErrorNotice } from "./ErrorNotice";
import { Modal } from "./Modal";

function rows(info: AppInfo): [string, string][] {
  const build = [info.build.profile, info.build.commit ?? "commit unknown"].join(" · ");
  const webview = info.platform.webview ? ` · WebView ${info.platform.webview}` : "";
  return [
    ["Version", info.version],
    ["Build", build],
    ["Platform", `${info.platform.os} ${info.platform.arch}${webview}`],
    ["Settings file", info.paths.settingsFile],
    ["Config folder", info.paths.configDir],
    ["Log folder", info.paths.logDir],
    ["Data folder", info.paths.dataDir],
    ["Audit log", info.paths.auditLog],
    ["Keyring service", info.paths.keyringService],
  ];
}

/** Lets long paths wrap after a separator rather than in the middle of a name. */
function breakable(value: string) {
  return value.split(/(?<=[/\\])/).map((part, i) => (
    <Fragment key={i}>
      {part}
      <wbr />
    </Fragment>
  ));
}

export function AboutDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const query = useAppInfo(open);
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="About Agent Factory Console">
      {query.isPending && <p className="muted">Loading…</p>}
      {query.isError && <ErrorNotice error={toAppError(query.error)} />}
      {query.data && (
        <div className="about">
          <div className="about__hero">
            <img src={iconUrl} alt="" width={56} height={56} />
            <div>
              <p className="about__name">{query.data.name}</p>
              <p className="muted">The admin console for the Agent Factory platform.</p>
            </div>
          </div>
          <dl className="about__facts">
            {rows(query.data).map(([label, value]) => (
              <div key={label} className="about__row">
                <dt>{label}</dt>
                <dd data-field={label.toLowerCase().replace(/ /g, "-")}>{breakable(value)}</dd>
              </div>
            ))}
          </dl>
          <Help>
            <CopyButton text={rows(query.data).map(([l, v]) => `${l}: ${v}`).join("\n")} label="Copy all" />
          </Help>
        </div>
      )}
    </Modal>
  );
}

/** Help: the diagnostics bundle to attach to a bug report, and the issue page with the versions
 * filled in. */
function Help({ children }: { children: ReactNode }) {
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const save = async () => {
    setError(null);
    try {
      const summary = await saveDiagnostics();
      if (summary) setSaved(`Saved ${summary.path} (${String(summary.entries.length)} files): attach it to the report.`);
    } catch (e) {
      setError(toAppError(e));
    }
  };
  const report = async () => {
    setError(null);
    try {
      await reportProblem();
    } catch (e) {
      setError(toAppError(e));
    }
  };
  return (
    <>
      <div className="form__actions form__actions--start">
        {children}
      <button type="button" className="button button--small" data-action="save-diagnostics" onClick={() => void save()}>
        <FileArchive size={14} aria-hidden /> Save diagnostics…
      </button>
      <button type="button" className="button button--small" data-action="report-problem" onClick={() => void report()}>
        <Bug size={14} aria-hidden /> Report a problem
      </button>
      </div>
      {saved && (
        <p role="status" data-diagnostics>
          {saved}
        </p>
      )}
      {error && <ErrorNotice error={error} />}
    </>
  );
}
