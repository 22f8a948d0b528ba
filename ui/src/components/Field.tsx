import type { InputHTMLAttributes, ReactNode } from "react";

/** A labelled form control with an optional hint and error, as every form in the console lays them out. */
export function Field({ label, hint, error, children }: { label: string; hint?: string; error?: string; children: ReactNode }) {
  return (
    <label className="form__row">
      <span className="form__label">{label}</span>
      {children}
      {hint && <span className="form__hint">{hint}</span>}
      {error && (
        <span className="form__error" role="alert">
          {error}
        </span>
      )}
    </label>
  );
}

/** A labelled text input whose `onChange` receives the value. */
export function TextField({
  label,
  hint,
  error,
  onChange,
  ...input
}: { label: string; hint?: string; error?: string; onChange: (value: string) => void } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "onChange"
>) {
  return (
    <Field label={label} hint={hint} error={error}>
      <input
        className="input"
        aria-invalid={error ? true : undefined}
        {...input}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}

/** A labelled select of `options` (value and label). */
export function SelectField<T extends string>({
  label,
  hint,
  name,
  value,
  options,
  onChange,
}: {
  label: string;
  hint?: string;
  name: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
}) {
  return (
    <Field label={label} hint={hint}>
      <select
        className="select"
        name={name}
        value={value}
        onChange={(e) => onChange(e.target.value as T)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A checkbox with its label beside it; `hint` below, as on other rows. */
export function CheckboxField({
  label,
  hint,
  name,
  checked,
  onChange,
}: {
  label: string;
  hint?: string;
  name: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const box = (
    <label className="checkbox">
      <input
        type="checkbox"
        name={name}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      {label}
    </label>
  );
  if (!hint) return box;
  return (
    <div className="form__row">
      {box}
      <span className="form__hint">{hint}</span>
    </div>
  );
}
