import { useState, type ReactNode } from "react";
import type { SecretChange } from "../../backend";
import { CheckboxField } from "../../components/Field";

/** A password field for a secret kept in the keyring: empty keeps what is stored. */
export interface SecretInput {
  value: string;
  clear: boolean;
  /** The operator agreed to send the stored secret to the connection's new host. */
  keep?: boolean;
}

export const emptySecret: SecretInput = { value: "", clear: false };

/** What saving does to the stored secret: set it, remove it, keep it explicitly (for a changed
 * host), or (undefined) leave it where it is. */
export function secretChange(input: SecretInput): SecretChange | undefined {
  if (input.value !== "") return { action: "set", value: input.value };
  if (input.clear) return { action: "clear" };
  if (input.keep) return { action: "keep" };
  return undefined;
}

export function SecretField(props: {
  label: string;
  name: string;
  stored: boolean;
  /** Where the connection now goes, when that differs from where the stored secret was used. */
  movedTo?: string;
  input: SecretInput;
  onChange: (s: SecretInput) => void;
}) {
  const { stored, input, movedTo } = props;
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
        onChange={(e) => props.onChange({ value: e.target.value, clear: false })}
      />
      {stored && movedTo && input.value === "" && !input.clear && (
        <label className="checkbox form__hint">
          <input
            type="checkbox"
            name={`${props.name}Keep`}
            checked={input.keep ?? false}
            onChange={(e) => props.onChange({ value: "", clear: false, keep: e.target.checked })}
          />
          Send the stored {props.label.toLowerCase()} to {movedTo} (or type it again)
        </label>
      )}
      {stored && (
        <label className="checkbox form__hint">
          <input
            type="checkbox"
            checked={input.clear}
            onChange={(e) => props.onChange({ value: "", clear: e.target.checked })}
          />
          Remove the stored {props.label.toLowerCase()}
        </label>
      )}
    </div>
  );
}

/** How a connection is filled from a pasted URL. */
export interface PasteUrl {
  label: string;
  /** The Split button's accessible name. */
  action: string;
  name: string;
  placeholder: string;
  /** Splits the URL; resolves true when the fields were filled (the pasted text is then cleared). */
  split: (url: string) => Promise<boolean>;
}

/** A connection's group: a checkbox in the legend turns it on or off; when on, a pasted URL
 * can fill the fields, which are the children. */
export function ConnectionGroup(props: {
  title: string;
  toggleName: string;
  enabled: boolean;
  onToggle: (on: boolean) => void;
  paste: PasteUrl;
  children: ReactNode;
}) {
  const { paste } = props;
  const [url, setUrl] = useState("");
  return (
    <fieldset className="env-form__group">
      <legend>
        <CheckboxField label={props.title} name={props.toggleName} checked={props.enabled} onChange={props.onToggle} />
      </legend>
      <div className="form__row">
        <span className="form__label">{paste.label}</span>
        <div className="inline-row">
          <input
            className="input input--wide"
            name={paste.name}
            type="password"
            autoComplete="off"
            value={url}
            placeholder={paste.placeholder}
            onChange={(e) => setUrl(e.target.value)}
          />
          <button
            type="button"
            className="button"
            aria-label={paste.action}
            disabled={url.trim() === ""}
            onClick={() => {
              void paste.split(url).then((filled) => {
                if (filled) setUrl("");
              });
            }}
          >
            Split
          </button>
        </div>
        <span className="form__hint">Fills the fields below; a password in the URL goes to the OS keyring.</span>
      </div>
      {props.enabled && props.children}
    </fieldset>
  );
}
