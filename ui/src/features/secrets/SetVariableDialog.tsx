import { useState } from "react";
import { setVariable, toAppError, type Confirmation } from "../../backend";
import { answerFor, DecisionField, useDecision } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Modal } from "../../components/Modal";
import { useWrite } from "../../queries";
import { SECRET_WRITES } from "./queries";

interface Props {
  environment: string;
  /** The variable to set; absent to add a custom one. */
  name?: string;
  secret: boolean;
  onClose: () => void;
}

/** Sets one value. Secret values are typed into a masked field and go straight to the keyring. */
export function SetVariableDialog({ environment, name: fixedName, secret: initialSecret, onClose }: Props) {
  const [name, setName] = useState(fixedName ?? "");
  const [value, setValue] = useState("");
  const [secret, setSecret] = useState(initialSecret);
  const [multiline, setMultiline] = useState(false);
  const [typed, setTyped] = useState("");
  const decision = useDecision(environment, "variable.set", name.trim() || undefined);
  const answer = answerFor(decision.data, typed);
  const save = useWrite(
    (confirmation: Confirmation) => setVariable(environment, name.trim(), value, fixedName ? null : secret, confirmation),
    SECRET_WRITES,
  );
  return (
    <Modal
      open
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={fixedName ? `Set ${fixedName}` : "Add a custom variable"}
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (answer) save.mutate(answer, { onSuccess: onClose });
        }}
      >
        {!fixedName && (
          <label className="form__row">
            <span className="form__label">Name</span>
            <input
              className="input mono"
              name="variableName"
              value={name}
              autoFocus
              placeholder="MY_SETTING"
              onChange={(e) => setName(e.target.value.toUpperCase())}
            />
          </label>
        )}
        <label className="form__row">
          <span className="form__label">Value in {environment}</span>
          {multiline ? (
            <textarea
              className="input input--wide mono"
              name="variableValue"
              rows={5}
              value={value}
              autoFocus={Boolean(fixedName)}
              onChange={(e) => setValue(e.target.value)}
            />
          ) : (
            <input
              className="input input--wide mono"
              name="variableValue"
              type={secret ? "password" : "text"}
              autoComplete="off"
              value={value}
              autoFocus={Boolean(fixedName)}
              onChange={(e) => setValue(e.target.value)}
            />
          )}
          <span className="form__hint">
            {secret ? "Stored only in the OS keyring." : "Stored in the console's settings file (not secret)."}
          </span>
        </label>
        <div className="inline-row">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={multiline}
              onChange={(e) => setMultiline(e.target.checked)}
            />
            Multi-line value
          </label>
          {!fixedName && (
            <label className="checkbox">
              <input
                type="checkbox"
                name="variableSecret"
                checked={secret}
                onChange={(e) => setSecret(e.target.checked)}
              />
              Secret (keep in the keyring)
            </label>
          )}
        </div>
        <DecisionField decision={decision.data} typed={typed} onTyped={setTyped} />
        {save.error && <ErrorNotice error={toAppError(save.error)} />}
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={save.isPending || name.trim() === "" || !answer}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
