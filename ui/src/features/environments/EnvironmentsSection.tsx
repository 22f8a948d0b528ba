import { Copy, Pencil, Plug, Plus, Server, Trash2 } from "lucide-react";
import { useState } from "react";
import {
  createEnvironment,
  deleteEnvironment,
  duplicateEnvironment,
  setCurrentEnvironment,
  testConnection,
  toAppError,
  updateEnvironment,
  type AppError,
  type Confirmation,
  type ConnectionSecrets,
  type ConnectionTest,
  type Environment,
  type EnvironmentNotes,
} from "../../backend";
import { useGuard } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Modal } from "../../components/Modal";
import { useShowError } from "../../components/Toasts";
import { shellKeys, useEnvironments, useWrite } from "../../queries";
import { ConnectionResults } from "./ConnectionResults";
import { EnvironmentEditor } from "./EnvironmentEditor";
import { FirstRun } from "./FirstRun";
import type { SectionProps } from "../../sections";
import "./environments.css";
import { LabelledButton } from "../../components/IconButton";

/** What an environment write makes stale (the backend's environments-changed event refreshes the rest). */
const WRITES = [shellKeys.environments];

const BLANK: Environment = {
  name: "",
  kind: "dev",
  color: "#2f9e44",
  safety: "open",
  apiAuth: { kind: "none" },
  variables: {},
};

type Editing = { draft: Environment; original?: string } | undefined;

export default function EnvironmentsSection({ onOpen }: SectionProps) {
  const environments = useEnvironments();
  const [editing, setEditing] = useState<Editing>();
  const [duplicating, setDuplicating] = useState<Environment>();
  const [sandboxJob, setSandboxJob] = useState<number>();
  const showError = useShowError();
  const guard = useGuard();
  const create = useWrite(({ env, secrets }: { env: Environment; secrets: ConnectionSecrets }) => createEnvironment(env, secrets), WRITES);
  const update = useWrite(
    ({ original, env, secrets, confirmation }: { original: string; env: Environment; secrets: ConnectionSecrets; confirmation: Confirmation }) =>
      updateEnvironment(original, env, secrets, confirmation),
    WRITES,
  );
  const remove = useWrite(({ name, confirmation }: { name: string; confirmation: Confirmation }) => deleteEnvironment(name, confirmation), WRITES);
  const switchTo = useWrite(setCurrentEnvironment, WRITES);
  const askDelete = async (env: Environment) => {
    const confirmation = await guard.ask({
      env: env.name,
      action: "environment.delete",
      alwaysAsk: true,
      title: `Delete ${env.name}?`,
      confirmLabel: "Delete environment",
      body: (
        <p>
          This removes the profile and every secret it keeps in the OS keyring ({Object.keys(env.variables).length}{" "}
          variables). It cannot be undone; export a .env first if you may need them.
        </p>
      ),
    });
    if (confirmation) {
      remove.mutate(
        { name: env.name, confirmation },
        {
          onError: (e) => {
            showError(toAppError(e));
          },
        },
      );
    }
  };

  const list = environments.data;
  return (
    <section className="section section--wide" aria-labelledby="section-title" data-section="environments">
      <header className="section__header">
        <Server size={22} aria-hidden />
        <h1 id="section-title">Environments</h1>
        {list && list.environments.length > 0 && (
          <LabelledButton
            icon={Plus}
            label="Add environment"
            className="button--primary section__action"
            onClick={() => setEditing({ draft: BLANK })}
          />
        )}
      </header>
      {environments.error && <ErrorNotice error={toAppError(environments.error)} />}
      {environments.isPending && (
        <p className="muted" role="status">
          Loading environments…
        </p>
      )}
      {(list?.environments.length === 0 || sandboxJob !== undefined) && (
        <FirstRun
          onChoose={(preset) => setEditing({ draft: preset.environment })}
          onBlank={() => setEditing({ draft: BLANK })}
          sandbox={{ jobId: sandboxJob, onStarted: setSandboxJob, onReady: () => onOpen("health") }}
        />
      )}
      <div className="env-grid">
        {list?.environments.map((env) => (
          <EnvironmentCard
            key={env.name}
            env={env}
            notes={list.notes[env.name]}
            current={list.current === env.name}
            onEdit={() => setEditing({ draft: env, original: env.name })}
            onDuplicate={() => setDuplicating(env)}
            onDelete={() => void askDelete(env)}
            onMakeCurrent={() => switchTo.mutate(env.name, { onError: (e) => { showError(toAppError(e)); } })}
          />
        ))}
      </div>
      {editing && (
        <EnvironmentEditor
          key={editing.original ?? "new"}
          draft={editing.draft}
          original={editing.original}
          onClose={() => setEditing(undefined)}
          onSave={async (env, secrets) => {
            const original = editing.original;
            if (original === undefined) return create.mutateAsync({ env, secrets });
            const confirmation = await guard.ask({
              env: original,
              action: "environment.update",
              title: `Save the changes to ${original}?`,
              confirmLabel: "Save",
            });
            // Cancelled: the editor stays open with the changes.
            if (!confirmation) return undefined;
            return update.mutateAsync({ original, env, secrets, confirmation });
          }}
        />
      )}
      {guard.dialog}
      {duplicating && (
        <DuplicateDialog
          source={duplicating}
          onClose={() => setDuplicating(undefined)}
        />
      )}
    </section>
  );
}

function DuplicateDialog({ source, onClose }: { source: Environment; onClose: () => void }) {
  const [name, setName] = useState(`${source.name}-copy`);
  const duplicate = useWrite(({ from, to }: { from: string; to: string }) => duplicateEnvironment(from, to), WRITES);
  return (
    <Modal
      open
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={`Duplicate ${source.name}`}
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          duplicate.mutate({ from: source.name, to: name }, { onSuccess: onClose });
        }}
      >
        <label className="form__row">
          <span className="form__label">Name of the copy</span>
          <input
            className="input"
            value={name}
            autoFocus
            onChange={(e) => setName(e.target.value)}
          />
          <span className="form__hint">Settings, variables and secrets are copied.</span>
        </label>
        {duplicate.error && <ErrorNotice error={toAppError(duplicate.error)} />}
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={duplicate.isPending}>
            Duplicate
          </button>
        </div>
      </form>
    </Modal>
  );
}

interface CardProps {
  env: Environment;
  notes: EnvironmentNotes | undefined;
  current: boolean;
  onEdit: () => void;
  onDuplicate: () => void;
  onDelete: () => void;
  onMakeCurrent: () => void;
}

function EnvironmentCard({ env, notes, current, onEdit, onDuplicate, onDelete, onMakeCurrent }: CardProps) {
  const [test, setTest] = useState<ConnectionTest>();
  const [testError, setTestError] = useState<AppError>();
  const [testing, setTesting] = useState(false);
  const runTest = () => {
    setTesting(true);
    setTestError(undefined);
    testConnection(env.name, null)
      .then(setTest, (e: unknown) => {
        setTestError(toAppError(e));
      })
      .finally(() => {
        setTesting(false);
      });
  };
  const db = env.database;
  const auth = env.apiAuth;
  return (
    <article className="env-card" data-env={env.name} style={{ borderTopColor: env.color }}>
      <header className="env-card__head">
        <span className="swatch" style={{ background: env.color }} aria-hidden />
        <h2 className="env-card__name">{env.name}</h2>
        <span className={`badge badge--kind-${env.kind}`}>{env.kind}</span>
        <span className="badge">{env.safety}</span>
        {current ? (
          <span className="badge badge--current">current</span>
        ) : (
          <button type="button" className="button button--small env-card__use" onClick={onMakeCurrent}>
            Make current
          </button>
        )}
      </header>
      <dl className="env-card__facts">
        <div>
          <dt>API</dt>
          <dd>
            {env.apiUrl ?? <span className="muted">not set</span>}
            {auth.kind === "api_key" && <span className="badge">API key{auth.hasKey ? " in keyring" : " missing"}</span>}
            {auth.kind === "login" && <span className="badge">login {auth.email}</span>}
            {env.allowInsecureHttp && (
              <span className="badge badge--warn" data-testid="insecure-http" title="Plain http:// to a remote host is allowed: credentials cross the network unencrypted">
                plain http allowed
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Database</dt>
          <dd>
            {db ? (
              <>
                <span className="mono">
                  {db.user}@{db.host}:{db.port}/{db.database}
                </span>
                {notes?.dbMode && <span className="badge badge--mode" data-mode={notes.dbMode}>{modeLabel(notes.dbMode)}</span>}
                <span className="badge">TLS {db.tls}</span>
                {db.hasPassword && <span className="badge">password in keyring</span>}
                {notes?.tlsWarning && (
                  <span className="badge badge--warn" title={notes.tlsWarning} data-testid="tls-warning">
                    {notes.tlsWarning}
                  </span>
                )}
              </>
            ) : (
              <span className="muted">not set</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Redis</dt>
          <dd>
            {env.redis ? (
              <span className="mono">
                {env.redis.tls ? "rediss" : "redis"}://{env.redis.host}:{env.redis.port}/{env.redis.db}
              </span>
            ) : (
              <span className="muted">not set</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Variables</dt>
          <dd>{Object.keys(env.variables).length}</dd>
        </div>
      </dl>
      <div className="env-card__actions">
        <LabelledButton icon={Plug} label={testing ? "Testing…" : "Test connection"} disabled={testing} onClick={runTest} />
        <LabelledButton icon={Pencil} label="Edit" onClick={onEdit} />
        <LabelledButton icon={Copy} label="Duplicate" onClick={onDuplicate} />
        <LabelledButton icon={Trash2} label="Delete" className="button--small button--danger-quiet" onClick={onDelete} />
      </div>
      {testError && <ErrorNotice error={testError} />}
      {test && <ConnectionResults test={test} />}
    </article>
  );
}

function modeLabel(mode: NonNullable<EnvironmentNotes["dbMode"]>): string {
  switch (mode) {
    case "local":
      return "local";
    case "direct":
      return "direct";
    case "supabase_direct":
      return "Supabase direct";
    case "supabase_session_pooler":
      return "Supabase session pooler";
    case "supabase_transaction_pooler":
      return "Supabase transaction pooler";
  }
}
