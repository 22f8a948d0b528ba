import { KeyRound } from "lucide-react";
import { toAppError } from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Segmented } from "../../components/Segmented";
import type { SectionProps } from "../../sections";
import { useViewChoice } from "../../viewState";
import { useKeyringStatus } from "./queries";
import "./secrets.css";
import { DriftBoardView } from "./DriftBoardView";
import { KeyringUnavailable } from "./KeyringUnavailable";
import { VariablesPanel } from "./VariablesPanel";

const TABS = ["variables", "drift"] as const;
const VIEWS: readonly { value: (typeof TABS)[number]; label: string }[] = [
  { value: "variables", label: "Variables" },
  { value: "drift", label: "Drift board" },
];

export default function SecretsSection({ current, onManage }: SectionProps) {
  const [tab, setTab] = useViewChoice("secrets.tab", TABS, "variables");
  const keyring = useKeyringStatus();
  const keyringError = keyring.data?.error;
  return (
    <section className="section section--wide" aria-labelledby="section-title" data-section="secrets">
      <header className="section__header">
        <KeyRound size={22} aria-hidden />
        <h1 id="section-title">Secrets</h1>
        <Segmented kind="tab" label="View" className="section__action" options={VIEWS} value={tab} onChange={setTab} />
      </header>
      {keyring.error && <ErrorNotice error={toAppError(keyring.error)} />}
      {keyringError && (
        <KeyringUnavailable
          error={keyringError}
          retrying={keyring.isFetching}
          onRetry={() => void keyring.refetch()}
        />
      )}
      {tab === "drift" ? (
        <DriftBoardView />
      ) : current ? (
        <VariablesPanel environment={current.name} keyringDown={keyringError !== undefined} />
      ) : (
        <div className="empty">
          <p>Variables belong to an environment, and there is none yet.</p>
          <button type="button" className="button button--primary" onClick={onManage}>
            Add an environment
          </button>
        </div>
      )}
    </section>
  );
}
