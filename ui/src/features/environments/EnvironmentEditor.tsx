import { useState } from "react";
import {
  splitDatabaseUrl,
  splitRedisUrl,
  testDraftConnection,
  toAppError,
  type AppError,
  type ConnectionSecrets,
  type ConnectionTest,
  type EnvKind,
  type Environment,
  type SafetyLevel,
  type SecretChange,
  type TlsPolicy,
} from "../../backend";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Field, TextField } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { ConnectionResults } from "./ConnectionResults";

const KIND_COLORS: Record<EnvKind, string> = {
  dev: "#2f9e44",
  staging: "#e8590c",
  production: "#e03131",
  custom: "#5c7cfa",
};

const TLS_POLICIES: { value: TlsPolicy; label: string }[] = [
  { value: "verify-full", label: "Verify certificate and host name (verify-full)" },
  { value: "verify-ca", label: "Verify certificate only (verify-ca)" },
  { value: "require", label: "Encrypt, do not verify (require)" },
  { value: "prefer", label: "Encrypt if offered (prefer)" },
  { value: "disable", label: "No TLS (disable)" },
];

/** A password field for a secret kept in the keyring: empty keeps what is stored. */
interface SecretInput {
  value: string;
  clear: boolean;
}

const emptySecret: SecretInput = { value: "", clear: false };

function change(input: SecretInput): SecretChange | undefined {
  if (input.value !== "") return { action: "set", value: input.value };
  if (input.clear) return { action: "clear" };
  return undefined;
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
  const [dbUrl, setDbUrl] = useState("");
  const [redisUrl, setRedisUrl] = useState("");
  const [error, setError] = useState<AppError>();
  const [note, setNote] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [test, setTest] = useState<ConnectionTest>();
  const [testing, setTesting] = useState(false);

  const update = (patch: Partial<Environment>) => {
    setEnv((e) => ({ ...e, ...patch }));
  };

  /** Fills a connection from a pasted URL; its password goes to the password field (the keyring). */
  function paste<C>(
    what: string,
    split: Promise<{ connection: C; password?: string }>,
    apply: (connection: C, password: string) => void,
  ) {
    split.then(
      (result) => {
        apply(result.connection, result.password ?? "");
        setError(undefined);
        setNote(
          result.password
            ? `The ${what} was split; its password will be stored in the OS keyring, not with the settings.`
            : `The ${what} was split.`,
        );
      },
      (e: unknown) => {
        setError(toAppError(e));
      },
    );
  }
  const pasteDb = () => {
    paste("URL", splitDatabaseUrl(dbUrl), (connection, password) => {
      update({ database: connection });
      setDbPassword({ value: password, clear: false });
      setDbUrl("");
    });
  };
  const pasteRedis = () => {
    paste("Redis URL", splitRedisUrl(redisUrl), (connection, password) => {
      update({ redis: connection });
      setRedisPassword({ value: password, clear: false });
      setRedisUrl("");
    });
  };

  const secrets = (): ConnectionSecrets => ({
    dbPassword: change(dbPassword),
    redisPassword: change(redisPassword),
    apiSecret: change(apiSecret),
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

  const db = env.database;
  const redis = env.redis;
  const auth = env.apiAuth;
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
            <TextField
              label="Name"
              hint="Letters, digits, - and _"
              name="name"
              required
              autoFocus
              value={env.name}
              onChange={(v) => {
                update({ name: v });
              }}
            />
            <Field label="Kind">
              <select
                className="select"
                name="kind"
                value={env.kind}
                onChange={(e) => {
                  const kind = e.target.value as EnvKind;
                  update({ kind, color: KIND_COLORS[kind], safety: kind === "production" ? "protected" : env.safety });
                }}
              >
                <option value="dev">dev</option>
                <option value="staging">staging</option>
                <option value="production">production</option>
                <option value="custom">custom</option>
              </select>
            </Field>
            <Field label="Safety level" hint="Protected: writes need the name typed. Read-only: no write actions.">
              <select
                className="select"
                name="safety"
                value={env.safety}
                onChange={(e) => {
                  update({ safety: e.target.value as SafetyLevel });
                }}
              >
                <option value="open">open</option>
                <option value="protected">protected</option>
                <option value="read-only">read-only</option>
              </select>
            </Field>
            <Field label="Colour" hint="Shown in the top bar on every screen">
              <input
                className="input input--color"
                type="color"
                name="color"
                value={env.color}
                onChange={(e) => {
                  update({ color: e.target.value });
                }}
              />
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
            onChange={(v) => {
              update({ apiUrl: v });
            }}
          />
          <div className="grid-2">
            <Field label="Credentials">
              <select
                className="select"
                name="apiAuth"
                value={auth.kind}
                onChange={(e) => {
                  const kind = e.target.value;
                  update({
                    apiAuth:
                      kind === "api_key"
                        ? { kind: "api_key", hasKey: false }
                        : kind === "login"
                          ? { kind: "login", email: "", hasPassword: false }
                          : { kind: "none" },
                  });
                  setApiSecret(emptySecret);
                }}
              >
                <option value="none">None</option>
                <option value="api_key">API key (af_…)</option>
                <option value="login">Email and password</option>
              </select>
            </Field>
            {auth.kind === "login" && (
              <TextField
                label="Email"
                name="apiEmail"
                type="email"
                value={auth.email}
                onChange={(v) => {
                  update({ apiAuth: { ...auth, email: v } });
                }}
              />
            )}
          </div>
          {auth.kind !== "none" && (
            <SecretField
              label={auth.kind === "api_key" ? "API key" : "Password"}
              name="apiSecret"
              stored={auth.kind === "api_key" ? auth.hasKey : auth.hasPassword}
              input={apiSecret}
              onChange={setApiSecret}
            />
          )}
        </fieldset>

        <fieldset className="env-form__group">
          <legend>
            <label className="checkbox">
              <input
                type="checkbox"
                name="hasDatabase"
                checked={db !== undefined}
                onChange={(e) => {
                  update({
                    database: e.target.checked
                      ? { host: "127.0.0.1", port: 5432, database: "postgres", user: "postgres", tls: "prefer", hasPassword: false }
                      : undefined,
                  });
                }}
              />
              PostgreSQL
            </label>
          </legend>
          <Paste
            label="Paste a connection URL"
            action="Split the database URL"
            name="dbUrl"
            value={dbUrl}
            placeholder="postgresql://user:password@host:5432/database?sslmode=verify-full"
            onChange={setDbUrl}
            onUse={pasteDb}
          />
          {db && (
            <>
              <div className="grid-4">
                <TextField
                  label="Host"
                  name="dbHost"
                  value={db.host}
                  onChange={(v) => {
                    update({ database: { ...db, host: v } });
                  }}
                />
                <TextField
                  label="Port"
                  name="dbPort"
                  className="input input--port"
                  type="number"
                  min={1}
                  max={65535}
                  value={String(db.port)}
                  onChange={(v) => {
                    update({ database: { ...db, port: Number(v) } });
                  }}
                />
                <TextField
                  label="Database"
                  name="dbName"
                  value={db.database}
                  onChange={(v) => {
                    update({ database: { ...db, database: v } });
                  }}
                />
                <TextField
                  label="User"
                  name="dbUser"
                  value={db.user}
                  onChange={(v) => {
                    update({ database: { ...db, user: v } });
                  }}
                />
              </div>
              <div className="grid-2">
                <Field label="TLS" hint="Remote hosts default to full verification; anything weaker shows a warning.">
                  <select
                    className="select"
                    name="dbTls"
                    value={db.tls}
                    onChange={(e) => {
                      update({ database: { ...db, tls: e.target.value as TlsPolicy } });
                    }}
                  >
                    {TLS_POLICIES.map((p) => (
                      <option key={p.value} value={p.value}>
                        {p.label}
                      </option>
                    ))}
                  </select>
                </Field>
                <SecretField label="Password" name="dbPassword" stored={db.hasPassword} input={dbPassword} onChange={setDbPassword} />
              </div>
              <Field
                label="CA certificate (PEM file, optional)"
                hint="For verify-ca/verify-full against a private CA. Supabase: download it from the project's database settings."
              >
                <input
                  className="input input--wide mono"
                  name="dbCaCert"
                  value={db.caCert ?? ""}
                  placeholder="/path/to/prod-ca-2021.crt"
                  onChange={(e) => {
                    update({ database: { ...db, caCert: e.target.value.trim() === "" ? undefined : e.target.value } });
                  }}
                />
              </Field>
            </>
          )}
        </fieldset>

        <fieldset className="env-form__group">
          <legend>
            <label className="checkbox">
              <input
                type="checkbox"
                name="hasRedis"
                checked={redis !== undefined}
                onChange={(e) => {
                  update({
                    redis: e.target.checked
                      ? { host: "127.0.0.1", port: 6379, db: 0, tls: false, hasPassword: false }
                      : undefined,
                  });
                }}
              />
              Redis
            </label>
          </legend>
          <Paste
            label="Paste a Redis URL"
            action="Split the Redis URL"
            name="redisUrl"
            value={redisUrl}
            placeholder="rediss://default:password@host:6380/0"
            onChange={setRedisUrl}
            onUse={pasteRedis}
          />
          {redis && (
            <div className="grid-4">
              <TextField
                label="Host"
                name="redisHost"
                value={redis.host}
                onChange={(v) => {
                  update({ redis: { ...redis, host: v } });
                }}
              />
              <TextField
                label="Port"
                name="redisPort"
                className="input input--port"
                type="number"
                value={String(redis.port)}
                onChange={(v) => {
                  update({ redis: { ...redis, port: Number(v) } });
                }}
              />
              <Field label="TLS (rediss)">
                <label className="checkbox">
                  <input
                    type="checkbox"
                    name="redisTls"
                    checked={redis.tls}
                    onChange={(e) => {
                      update({ redis: { ...redis, tls: e.target.checked } });
                    }}
                  />
                  Verified TLS
                </label>
              </Field>
              <SecretField label="Password" name="redisPassword" stored={redis.hasPassword} input={redisPassword} onChange={setRedisPassword} />
            </div>
          )}
        </fieldset>

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

/** A labelled text (or number) input whose changes arrive as strings. */
function Paste(props: {
  label: string;
  /** The Split button's accessible name. */
  action: string;
  name: string;
  value: string;
  placeholder: string;
  onChange: (v: string) => void;
  onUse: () => void;
}) {
  return (
    <div className="form__row">
      <span className="form__label">{props.label}</span>
      <div className="inline-row">
        <input
          className="input input--wide"
          name={props.name}
          type="password"
          autoComplete="off"
          value={props.value}
          placeholder={props.placeholder}
          onChange={(e) => {
            props.onChange(e.target.value);
          }}
        />
        <button
          type="button"
          className="button"
          aria-label={props.action}
          disabled={props.value.trim() === ""}
          onClick={props.onUse}
        >
          Split
        </button>
      </div>
      <span className="form__hint">Fills the fields below; a password in the URL goes to the OS keyring.</span>
    </div>
  );
}

function SecretField(props: {
  label: string;
  name: string;
  stored: boolean;
  input: SecretInput;
  onChange: (s: SecretInput) => void;
}) {
  const { stored, input } = props;
  return (
    <div className="form__row">
      <span className="form__label">{props.label}</span>
      <input
        className="input"
        name={props.name}
        type="password"
        autoComplete="off"
        value={input.value}
        placeholder={stored && !input.clear ? "Stored in the keyring (leave empty to keep)" : "Not set"}
        onChange={(e) => {
          props.onChange({ value: e.target.value, clear: false });
        }}
      />
      {stored && (
        <label className="checkbox form__hint">
          <input
            type="checkbox"
            checked={input.clear}
            onChange={(e) => {
              props.onChange({ value: "", clear: e.target.checked });
            }}
          />
          Remove the stored {props.label.toLowerCase()}
        </label>
      )}
    </div>
  );
}
