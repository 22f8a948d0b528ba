import "./AboutDialog.css";
import { Fragment } from "react";
import iconUrl from "../../../icons/icon.svg";
import { toAppError, type AppInfo } from "../backend";
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
          <CopyButton text={rows(query.data).map(([l, v]) => `${l}: ${v}`).join("\n")} label="Copy all" />
        </div>
      )}
    </Modal>
  );
}
