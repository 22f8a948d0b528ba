import { useState, type ReactNode } from "react";
import { Modal } from "./Modal";

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** When set, the operator must type this (an environment's name) before confirming. */
  typeToConfirm?: string;
  onConfirm: () => void;
  busy?: boolean;
}

/** A confirmation before a destructive step; protected environments ask for their name to be typed. */
export function ConfirmDialog({ open, onOpenChange, title, children, confirmLabel, typeToConfirm, onConfirm, busy }: Props) {
  const [typed, setTyped] = useState("");
  const ready = typeToConfirm === undefined || typed === typeToConfirm;
  return (
    <Modal
      open={open}
      onOpenChange={(next) => {
        if (!next) setTyped("");
        onOpenChange(next);
      }}
      title={title}
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) onConfirm();
        }}
      >
        {children}
        {typeToConfirm !== undefined && (
          <label className="form__row">
            <span className="form__label">
              Type <code>{typeToConfirm}</code> to confirm
            </span>
            <input
              className="input"
              value={typed}
              autoFocus
              onChange={(e) => {
                setTyped(e.target.value);
              }}
            />
          </label>
        )}
        <div className="form__actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              onOpenChange(false);
            }}
          >
            Cancel
          </button>
          <button type="submit" className="button button--danger" disabled={!ready || busy}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
