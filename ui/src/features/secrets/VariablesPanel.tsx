import { Copy, Eye, EyeOff, FileDown, FileUp, LockOpen, Pencil, Plus, Trash2 } from "lucide-react";
import { useEffect, useMemo, useState } from "react";
import {
  copyVariable,
  changeVariable,
  revealVariable,
  toAppError,
  type Category,
  type Confirmation,
  type VariableChange,
  type VariableRow,
} from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { IconButton, LabelledButton } from "../../components/IconButton";
import { Segmented } from "../../components/Segmented";
import { ErrorNotice } from "../../components/ErrorNotice";
import { useShowError } from "../../components/Toasts";
import { copyText } from "../../errors";
import { useWrite } from "../../queries";
import { SECRET_WRITES, useVariables } from "./queries";
import { ExportDialog } from "./ExportDialog";
import { FindingList } from "./FindingList";
import { ImportDialog } from "./ImportDialog";
import { SetVariableDialog } from "./SetVariableDialog";
import { SearchBox } from "../../components/SearchBox";

/** How long a revealed secret stays on screen. */
const REVEAL_SECONDS = 15;

const CATEGORY_TITLES: Record<Category, string> = {
  database: "Database",
  telemetry: "Telemetry",
  cache: "Cache (Redis)",
  llm: "LLM providers",
  llm_tools: "LLM tools",
  auth: "Authentication",
  billing: "Billing",
  api: "API",
  observability: "Observability",
  limits: "Rate limits",
  cors: "CORS",
  storage: "Storage",
  flags: "Feature flags",
  marketplace: "Marketplace",
  email: "Email",
  registry: "Registry",
  client: "Client tools",
  custom: "Custom variables",
};

type Filter = "all" | "set" | "problems";
const SHOW: readonly { value: Filter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "set", label: "Set" },
  { value: "problems", label: "Problems" },
];

interface Props {
  environment: string;
  keyringDown: boolean;
}

export function VariablesPanel({ environment, keyringDown }: Props) {
  const view = useVariables(environment);
  const [filter, setFilter] = useState<Filter>("all");
  const [search, setSearch] = useState("");
  const [setting, setSetting] = useState<{ name?: string; secret: boolean }>();
  const [dialog, setDialog] = useState<"import" | "export">();
  const change = useWrite(
    ({ name, kind, confirmation }: { name: string; kind: VariableChange; confirmation: Confirmation }) =>
      changeVariable(environment, name, kind, confirmation),
    SECRET_WRITES,
  );
  const showError = useShowError();
  const guard = useGuard();
  /** Removing a variable, or keeping a secret as plain text: always asked, as the policy says. */
  const askFor = async (row: VariableRow, kind: VariableChange) => {
    const confirmation = await guard.ask(
      kind === "remove"
        ? {
            env: environment,
            action: "variable.delete",
            subject: row.name,
            alwaysAsk: true,
            title: `Remove ${row.name} from ${environment}?`,
            confirmLabel: "Remove",
            body: <p>{row.secret ? "Its value is deleted from the OS keyring." : "Its value is deleted from the settings."}</p>,
          }
        : {
            env: environment,
            action: "variable.make-plain",
            subject: row.name,
            alwaysAsk: true,
            title: `Store ${row.name} as plain text?`,
            confirmLabel: "Store as plain text",
            body: (
              <p>
                Its value leaves the OS keyring and is written to the console&apos;s settings file, where this window shows it and anyone who can
                read your files can see it.
              </p>
            ),
          },
    );
    if (confirmation) {
      change.mutate({ name: row.name, kind, confirmation }, { onError: (e) => showError(toAppError(e)) });
    }
  };

  const rows = view.data?.rows;
  const groups = useMemo(() => {
    const needle = search.trim().toUpperCase();
    const visible = (rows ?? []).filter(
      (r) =>
        r.name.includes(needle) &&
        (filter === "all" || (filter === "set" ? r.isSet : r.findings.some((f) => f.severity !== "info"))),
    );
    const byCategory = new Map<Category, VariableRow[]>();
    for (const r of visible) byCategory.set(r.category, [...(byCategory.get(r.category) ?? []), r]);
    return [...byCategory.entries()];
  }, [rows, filter, search]);

  const counts = useMemo(() => {
    const all = rows ?? [];
    const findings = all.flatMap((r) => r.findings);
    return {
      set: all.filter((r) => r.isSet).length,
      errors: findings.filter((f) => f.severity === "error").length,
      warnings: findings.filter((f) => f.severity === "warning").length,
    };
  }, [rows]);

  return (
    <div className="variables">
      <div className="toolbar">
        <SearchBox label="Filter variables" placeholder="Filter variables" value={search} onChange={setSearch} />
        <Segmented kind="radio" label="Show" options={SHOW} value={filter} onChange={setFilter} />
        <span className="toolbar__spacer" />
        <LabelledButton icon={Plus} label="Custom variable" onClick={() => setSetting({ secret: true })} />
        <LabelledButton icon={FileUp} label="Import .env" action="import" disabled={keyringDown} onClick={() => setDialog("import")} />
        <LabelledButton icon={FileDown} label="Export .env" action="export" disabled={keyringDown} onClick={() => setDialog("export")} />
      </div>
      <p className="variables__summary" data-testid="variables-summary">
        {counts.set} set · {counts.errors} {counts.errors === 1 ? "error" : "errors"} · {counts.warnings}{" "}
        {counts.warnings === 1 ? "warning" : "warnings"}
      </p>
      {view.error && <ErrorNotice error={toAppError(view.error)} />}
      {view.isPending && (
        <p className="muted" role="status">
          Reading {environment}&apos;s values from the keyring…
        </p>
      )}
      {groups.map(([category, list]) => (
        <section key={category} className="var-group" aria-label={CATEGORY_TITLES[category]}>
          <h2 className="var-group__title">{CATEGORY_TITLES[category]}</h2>
          <table className="table var-table">
            <tbody>
              {list.map((row) => (
                <Variable
                  key={row.name}
                  environment={environment}
                  row={row}
                  keyringDown={keyringDown}
                  onEdit={() => setSetting({ name: row.name, secret: row.secret })}
                  onRemove={() => void askFor(row, "remove")}
                  onMakePlain={() => void askFor(row, "make_plain")}
                />
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {setting && (
        <SetVariableDialog
          environment={environment}
          name={setting.name}
          secret={setting.secret}
          onClose={() => setSetting(undefined)}
        />
      )}
      {guard.dialog}
      {dialog === "import" && (
        <ImportDialog
          environment={environment}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog === "export" && (
        <ExportDialog
          environment={environment}
          onClose={() => setDialog(undefined)}
        />
      )}
    </div>
  );
}

interface VariableProps {
  environment: string;
  row: VariableRow;
  keyringDown: boolean;
  onEdit: () => void;
  onRemove: () => void;
  onMakePlain: () => void;
}

function Variable({ environment, row, keyringDown, onEdit, onRemove, onMakePlain }: VariableProps) {
  const [revealed, setRevealed] = useState<string>();
  const [left, setLeft] = useState(0);
  const [copied, setCopied] = useState<string>();
  const showError = useShowError();

  // A revealed value hides itself again.
  useEffect(() => {
    if (revealed === undefined) return;
    const timer = setTimeout(() => {
      if (left <= 1) setRevealed(undefined);
      setLeft(left - 1);
    }, 1000);
    return () => {
      clearTimeout(timer);
    };
  }, [revealed, left]);

  useEffect(() => {
    if (copied === undefined) return;
    const timer = setTimeout(() => {
      setCopied(undefined);
    }, 4000);
    return () => {
      clearTimeout(timer);
    };
  }, [copied]);

  const reveal = () => {
    if (revealed !== undefined) {
      setRevealed(undefined);
      return;
    }
    revealVariable(environment, row.name).then(
      (value) => {
        setRevealed(value);
        setLeft(REVEAL_SECONDS);
      },
      (e: unknown) => {
        showError(toAppError(e));
      },
    );
  };
  const copy = () => {
    const done = row.secret
      ? copyVariable(environment, row.name).then((seconds) => `Copied; the clipboard clears in ${String(seconds)} s`)
      : copyText(row.value ?? "").then(() => "Copied");
    done.then(setCopied, (e: unknown) => {
      showError(toAppError(e));
    });
  };

  const secretLocked = row.secret && keyringDown;
  return (
    <tr className="var-row" data-variable={row.name} data-set={row.isSet}>
      <td className="var-row__name">
        <span className="mono">{row.name}</span>
        <span className="var-row__badges">
          {row.requirement === "required" && <span className="badge badge--req">required</span>}
          {row.requirement === "required_in_production" && <span className="badge badge--req">required in production</span>}
          {(row.requirement === "recommended" || row.requirement === "one_llm_key") && <span className="badge">recommended</span>}
          {row.requirement === "recommended_in_production" && <span className="badge">recommended in production</span>}
          {row.requirement === "optional" && <span className="badge badge--quiet">optional</span>}
          {row.secret && <span className="badge badge--secret">secret</span>}
          {!row.read && (
            <span className="badge badge--unread" title={row.note || "The platform's code never reads this variable"}>
              not read by the platform
            </span>
          )}
          {row.custom && <span className="badge">custom</span>}
        </span>
        {row.note && row.read && <span className="var-row__note">{row.note}</span>}
      </td>
      <td className="var-row__value">
        {!row.isSet ? (
          <span className="muted">
            not set{row.default !== undefined && ` · platform default ${row.default}`}
          </span>
        ) : row.secret ? (
          revealed !== undefined ? (
            <span className="mono revealed" data-testid="revealed-value">
              {revealed}
              <span className="revealed__timer"> hides in {left} s</span>
            </span>
          ) : (
            <span className="mono masked" aria-label="hidden value">
              ••••••••••
            </span>
          )
        ) : (
          <span className="mono">{row.value}</span>
        )}
        <FindingList findings={row.findings} />
        {copied && (
          <span className="success" role="status">
            {copied}
          </span>
        )}
      </td>
      <td className="var-row__actions">
        {row.isSet && row.secret && (
          <IconButton
            icon={revealed !== undefined ? EyeOff : Eye}
            label={revealed !== undefined ? `Hide ${row.name}` : `Reveal ${row.name}`}
            title={revealed !== undefined ? "Hide" : `Reveal for ${String(REVEAL_SECONDS)} s`}
            disabled={secretLocked}
            onClick={reveal}
          />
        )}
        {row.isSet && (
          <IconButton
            icon={Copy}
            label={`Copy ${row.name}`}
            title={row.secret ? "Copy (the clipboard is cleared after 30 s)" : "Copy"}
            disabled={secretLocked}
            onClick={copy}
          />
        )}
        <IconButton icon={Pencil} label={`Set ${row.name}`} title="Set value" disabled={secretLocked} onClick={onEdit} />
        {row.isSet && row.custom && row.secret && (
          <IconButton icon={LockOpen} label={`Store ${row.name} as plain text`} title="Store as plain text" disabled={secretLocked} onClick={onMakePlain} />
        )}
        {row.isSet && <IconButton icon={Trash2} label={`Remove ${row.name}`} title="Remove" disabled={secretLocked} onClick={onRemove} />}
      </td>
    </tr>
  );
}
