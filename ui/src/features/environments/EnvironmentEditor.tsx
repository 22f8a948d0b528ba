import { useState } from "react";
import {
  splitDatabaseUrl,
  splitRedisUrl,
  testDraftConnection,
  toAppError,
  type ApiAuth,
  type AppError,
  type ConnectionSecrets,
  type ConnectionTest,
  type DbConnection,
  type EnvKind,
  type Environment,
  type RedisConnection,
  type SafetyLevel,
  type TlsPolicy,
} from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { CheckboxField, Field, SelectField, TextField } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { ConnectionGroup, SecretField, emptySecret, secretChange, type SecretInput } from "./ConnectionFields";
import { ConnectionResults } from "./ConnectionResults";

const KIND_COLORS: Record<EnvKind, string> = {
  dev: "#2f9e44",
  staging: "#e8590c",
  production: "#e03131",
  custom: "#5c7cfa",
};

const KINDS = (["dev", "staging", "production", "custom"] as const).map((value) => ({ value, label: value }));
const SAFETY_LEVELS = (["open", "protected", "read-only"] as const).map((value) => ({ value, label: value }));
const API_AUTH = [
  { value: "none", label: "None" },
  { value: "api_key", label: "API key (af_…)" },
  { value: "login", label: "Email and password" },
] as const;

const TLS_POLICIES: { value: TlsPolicy; label: string }[] = [
  { value: "verify-full", label: "Verify certificate and host name (verify-full)" },
  { value: "verify-ca", label: "Verify certificate only (verify-ca)" },
  { value: "require", label: "Encrypt, do not verify (require)" },
  { value: "prefer", label: "Encrypt if offered (prefer)" },
  { value: "disable", label: "No TLS (disable)" },
];

const API_CA = {
  label: "CA certificate for the API (PEM file, optional)",
  hint: "For an API behind a private CA: trusted besides the public ones, with the host name still checked.",
  name: "apiCaCert",
  placeholder: "/path/to/internal-ca.pem",
};
const DB_CA = {
  label: "CA certificate (PEM file, optional)",
  hint: "For verify-ca/verify-full against a private CA. Supabase: download it from the project's database settings.",
  name: "dbCaCert",
  placeholder: "/path/to/prod-ca-2021.crt",
};

const NEW_DATABASE: DbConnection = { host: "127.0.0.1", port: 5432, database: "postgres", user: "postgres", tls: "disable", hasPassword: false };
const NEW_REDIS: RedisConnection = { host: "127.0.0.1", port: 6379, db: 0, tls: false, hasPassword: false };

/** Where each connection secret is sent (as the backend's `check_moved_secrets` sees it). */
function destinations(env: Environment) {
  let api: string | undefined;
  try {
    api = env.apiUrl ? new URL(env.apiUrl.trim()).origin : undefined;
  } catch {
    api = undefined;
  }
  return {
    db: env.database && `${env.database.user}@${env.database.host}:${String(env.database.port)}`,
    redis: env.redis && `${env.redis.username ?? ""}@${env.redis.host}:${String(env.redis.port)}`,
    api,
  };
}

/** The new destination of each secret whose connection moved since the environment was saved. */
function moved(saved: Environment, draft: Environment) {
  const [before, after] = [destinations(saved), destinations(draft)];
  const changed = (key: keyof typeof before) => (after[key] !== undefined && after[key] !== before[key] ? after[key] : undefined);
  return { db: changed("db"), redis: changed("redis"), api: changed("api") };
}

function newAuth(kind: ApiAuth["kind"]): ApiAuth {
  if (kind === "api_key") return { kind, hasKey: false };
  if (kind === "login") return { kind, email: "", hasPassword: false };
  return { kind: "none" };
}

interface Props {
  /** The environment being edited (with `original` its saved name), or a new one to create. */
  draft: Environment;
  original?: string;
  onClose: () => void;
  /** Resolves to undefined when the operator cancelled the confirmation (the editor stays open). */
  onSave: (env: Environment, secrets: ConnectionSecrets) => Promise<unknown>;
}

export function EnvironmentEditor({ draft: initial, original, onClose, onSave }: Props) {
  const [env, setEnv] = useState<Environment>(initial);
  const [dbPassword, setDbPassword] = useState<SecretInput>(emptySecret);
  const [redisPassword, setRedisPassword] = useState<SecretInput>(emptySecret);
  const [apiSecret, setApiSecret] = useState<SecretInput>(emptySecret);
  const [error, setError] = useState<AppError>();
  const [note, setNote] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [test, setTest] = useState<ConnectionTest>();
  const [testing, setTesting] = useState(false);

  const update = (patch: Partial<Environment>) => {
    setEnv((e) => ({ ...e, ...patch }));
  };
  const db = env.database;
  const redis = env.redis;
  const auth = env.apiAuth;
  const movedTo = original ? moved(initial, env) : { db: undefined, redis: undefined, api: undefined };
  const setDb = (patch: Partial<DbConnection>) => {
    if (db) update({ database: { ...db, ...patch } });
  };
  const setRedis = (patch: Partial<RedisConnection>) => {
    if (redis) update({ redis: { ...redis, ...patch } });
  };

  /** Fills a connection from a pasted URL; its password goes to the password field (the keyring). */
  function paste<C>(what: string, split: Promise<{ connection: C; password?: string }>, apply: (connection: C, password: SecretInput) => void) {
    return split.then(
      (result) => {
        apply(result.connection, { value: result.password ?? "", clear: false });
        setError(undefined);
        setNote(
          result.password
            ? `The ${what} was split; its password will be stored in the OS keyring, not with the settings.`
            : `The ${what} was split.`,
        );
        return true;
      },
      (e: unknown) => {
        setError(toAppError(e));
        return false;
      },
    );
  }

  const secrets = (): ConnectionSecrets => ({
    dbPassword: secretChange(dbPassword),
    redisPassword: secretChange(redisPassword),
    apiSecret: secretChange(apiSecret),
  });
  const cleaned = (): Environment => ({ ...env, apiUrl: env.apiUrl?.trim() === "" ? undefined : env.apiUrl?.trim() });

  const save = () => {
    setSaving(true);
    onSave(cleaned(), secrets()).then(
      (saved) => {
        if (saved === undefined) setSaving(false);
        else onClose();
      },
      (e: unknown) => {
        setError(toAppError(e));
        setSaving(false);
      },
    );
  };
  const runTest = () => {
    setTesting(true);
    setTest(undefined);
    testDraftConnection(original ?? null, cleaned(), secrets())
      .then(setTest, (e: unknown) => {
        setError(toAppError(e));
      })
      .finally(() => {
        setTesting(false);
      });
  };

  return (
    <Modal
      open
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={original ? `Edit ${original}` : "New environment"}
      wide
    >
      <form
        className="form env-form"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <fieldset className="env-form__group">
          <legend>Profile</legend>
          <div className="grid-2">
            <TextField label="Name" hint="Letters, digits, - and _" name="name" required autoFocus value={env.name} onChange={(name) => update({ name })} />
            <SelectField
              label="Kind"
              name="kind"
              value={env.kind}
              options={KINDS}
              onChange={(kind) => update({ kind, color: KIND_COLORS[kind], safety: kind === "production" ? "protected" : env.safety })}
            />
            <SelectField<SafetyLevel>
              label="Safety level"
              hint="Protected: writes need the name typed. Read-only: no write actions."
              name="safety"
              value={env.safety}
              options={SAFETY_LEVELS}
              onChange={(safety) => update({ safety })}
            />
            <Field label="Colour" hint="Shown in the top bar on every screen">
              <input className="input input--color" type="color" name="color" value={env.color} onChange={(e) => update({ color: e.target.value })} />
            </Field>
          </div>
        </fieldset>

        <fieldset className="env-form__group">
          <legend>API</legend>
          <TextField
            label="Base URL"
            hint="For example http://127.0.0.1:8000"
            name="apiUrl"
            className="input input--wide"
            placeholder="https://api.example.com"
            value={env.apiUrl ?? ""}
            onChange={(apiUrl) => update({ apiUrl })}
          />
          <CaCertField {...API_CA} value={env.apiCaCert} onChange={(apiCaCert) => update({ apiCaCert })} />
          <CheckboxField
            label="Allow plain http:// to a remote host"
            hint="Credentials and data would cross the network unencrypted. Off, the console refuses http:// anywhere but this machine."
            name="allowInsecureHttp"
            checked={env.allowInsecureHttp ?? false}
            onChange={(allowInsecureHttp) => update({ allowInsecureHttp })}
          />
          <div className="grid-2">
            <SelectField
              label="Credentials"
              name="apiAuth"
              value={auth.kind}
              options={API_AUTH}
              onChange={(kind) => {
                update({ apiAuth: newAuth(kind) });
                setApiSecret(emptySecret);
              }}
            />
            {auth.kind === "login" && (
              <TextField label="Email" name="apiEmail" type="email" value={auth.email} onChange={(email) => update({ apiAuth: { ...auth, email } })} />
            )}
          </div>
          {auth.kind !== "none" && (
            <SecretField
              label={auth.kind === "api_key" ? "API key" : "Password"}
              name="apiSecret"
              stored={auth.kind === "api_key" ? auth.hasKey : auth.hasPassword}
              movedTo={movedTo.api}
              input={apiSecret}
              onChange={setApiSecret}
            />
          )}
          {auth.kind === "api_key" && apiSecret.value !== "" && !apiSecret.value.startsWith("af_") && (
            <p className="form__hint form__hint--warn" role="status" data-testid="api-key-prefix">
              The platform only recognises keys that start with af_: this one will be stored, but the API will refuse it.
            </p>
          )}
        </fieldset>

        <ConnectionGroup
          title="PostgreSQL"
          toggleName="hasDatabase"
          enabled={db !== undefined}
          onToggle={(on) => update({ database: on ? NEW_DATABASE : undefined })}
          paste={{
            label: "Paste a connection URL",
            action: "Split the database URL",
            name: "dbUrl",
            placeholder: "postgresql://user:password@host:5432/database?sslmode=verify-full",
            split: (url) =>
              paste("URL", splitDatabaseUrl(url), (database, password) => {
                update({ database });
                setDbPassword(password);
              }),
          }}
        >
          {db && (
            <>
              <div className="grid-4">
                <TextField label="Host" name="dbHost" value={db.host} onChange={(host) => setDb({ host })} />
                <PortField name="dbPort" value={db.port} onChange={(port) => setDb({ port })} />
                <TextField label="Database" name="dbName" value={db.database} onChange={(database) => setDb({ database })} />
                <TextField label="User" name="dbUser" value={db.user} onChange={(user) => setDb({ user })} />
              </div>
              <div className="grid-2">
                <SelectField
                  label="TLS"
                  hint="Remote hosts default to full verification; anything weaker shows a warning."
                  name="dbTls"
                  value={db.tls}
                  options={TLS_POLICIES}
                  onChange={(tls) => setDb({ tls })}
                />
                <SecretField label="Password" name="dbPassword" stored={db.hasPassword} movedTo={movedTo.db} input={dbPassword} onChange={setDbPassword} />
              </div>
              <CaCertField {...DB_CA} value={db.caCert} onChange={(caCert) => setDb({ caCert })} />
            </>
          )}
        </ConnectionGroup>

        <ConnectionGroup
          title="Redis"
          toggleName="hasRedis"
          enabled={redis !== undefined}
          onToggle={(on) => update({ redis: on ? NEW_REDIS : undefined })}
          paste={{
            label: "Paste a Redis URL",
            action: "Split the Redis URL",
            name: "redisUrl",
            placeholder: "rediss://default:password@host:6380/0",
            split: (url) =>
              paste("Redis URL", splitRedisUrl(url), (connection, password) => {
                update({ redis: connection });
                setRedisPassword(password);
              }),
          }}
        >
          {redis && (
            <div className="grid-4">
              <TextField label="Host" name="redisHost" value={redis.host} onChange={(host) => setRedis({ host })} />
              <PortField name="redisPort" value={redis.port} onChange={(port) => setRedis({ port })} />
              <Field label="TLS (rediss)">
                <CheckboxField label="Verified TLS" name="redisTls" checked={redis.tls} onChange={(tls) => setRedis({ tls })} />
              </Field>
              <SecretField
                label="Password"
                name="redisPassword"
                stored={redis.hasPassword}
                movedTo={movedTo.redis}
                input={redisPassword}
                onChange={setRedisPassword}
              />
            </div>
          )}
        </ConnectionGroup>

        {note && <p className="form__hint" role="status">{note}</p>}
        {error && <ErrorNotice error={error} />}
        {test && <ConnectionResults test={test} />}
        <div className="form__actions">
          <button type="button" className="button form__actions-left" onClick={runTest} disabled={testing}>
            {testing ? "Testing…" : "Test connection"}
          </button>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={saving}>
            {saving ? "Saving…" : original ? "Save changes" : "Create environment"}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function PortField({ name, value, onChange }: { name: string; value: number; onChange: (port: number) => void }) {
  return (
    <TextField
      label="Port"
      name={name}
      className="input input--port"
      type="number"
      min={1}
      max={65535}
      value={String(value)}
      onChange={(v) => onChange(Number(v))}
    />
  );
}

/** The path of a CA's PEM file; empty means none. */
function CaCertField(props: { label: string; hint: string; name: string; value?: string; placeholder: string; onChange: (path?: string) => void }) {
  return (
    <TextField
      label={props.label}
      hint={props.hint}
      className="input input--wide mono"
      name={props.name}
      value={props.value ?? ""}
      placeholder={props.placeholder}
      onChange={(v) => props.onChange(v.trim() === "" ? undefined : v)}
    />
  );
}
