import { ShieldAlert } from "lucide-react";
import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { toAppError, writeDecision, type AppError, type AuditAction, type Confirmation, type Decision } from "../backend";
import { ErrorNotice } from "./ErrorNotice";
import { Modal } from "./Modal";

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** What the write policy asks (from the backend); undefined while it is being read. */
  decision: Decision | undefined;
  error?: AppError;
  onConfirm: (answer: Confirmation) => void;
}

/** The one confirmation of a change: it shows what the write policy decided — go ahead, confirm,
 * type the environment's name, or refused with the reason — and answers with what the operator did. */
export function ConfirmDialog({ open, onOpenChange, title, children, confirmLabel, decision, error, onConfirm }: Props) {
  const [typed, setTyped] = useState("");
  const name = decision?.verdict === "confirm_name" ? decision.name : undefined;
  const ready = decision !== undefined && decision.verdict !== "refused" && (name === undefined || typed === name);
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
        data-verdict={decision?.verdict}
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) onConfirm(name === undefined ? { yes: true } : { yes: true, name: typed });
        }}
      >
        {children}
        {error && <ErrorNotice error={error} />}
        {!decision && !error && <p aria-busy>Checking what this change needs…</p>}
        {decision?.verdict === "refused" && (
          <p className="notice notice--error" role="alert">
            <ShieldAlert size={16} aria-hidden /> {decision.reason}
          </p>
        )}
        {(decision?.verdict === "confirm_yes" || decision?.verdict === "confirm_name") && (
          <p className="confirm__sentence">{decision.sentence}</p>
        )}
        {name !== undefined && (
          <label className="form__row">
            <span className="form__label">
              Type <code>{name}</code> to confirm
            </span>
            <input
              className="input"
              name="confirm-name"
              value={typed}
              autoFocus
              data-autofocus
              onChange={(e) => setTyped(e.target.value)}
            />
          </label>
        )}
        <div className="form__actions">
          <button
            type="button"
            className="button"
            onClick={() => onOpenChange(false)}
          >
            {decision?.verdict === "refused" ? "Close" : "Cancel"}
          </button>
          {decision?.verdict !== "refused" && (
            <button type="submit" className="button button--danger" disabled={!ready} autoFocus={name === undefined} data-autofocus={name === undefined ? "" : undefined}>
              {confirmLabel}
            </button>
          )}
        </div>
      </form>
    </Modal>
  );
}

export interface GuardRequest {
  env: string;
  action: AuditAction;
  /** What the change is done to (a variable's name), for the policy's sentence. */
  subject?: string;
  title: string;
  confirmLabel: string;
  body?: ReactNode;
  /** Ask even when the policy allows the change outright (the default goes straight ahead). */
  alwaysAsk?: boolean;
  /** Where the decision comes from, when not the environment's policy for `action` (the demo's,
   * which also refuses production). */
  decide?: () => Promise<Decision>;
}

interface Pending {
  request: GuardRequest;
  decision?: Decision;
  error?: AppError;
  resolve: (answer: Confirmation | null) => void;
}

/** Asks the write policy about a change and, when it wants a confirmation, the operator:
 * `ask` resolves to their answer, or null if they cancelled. Render `dialog` once; it appears
 * only once the policy has answered and wants the operator (or could not be asked). */
export function useGuard() {
  const [pending, setPending] = useState<Pending | null>(null);
  const ask = (request: GuardRequest) =>
    new Promise<Confirmation | null>((resolve) => {
      setPending({ request, resolve });
      (request.decide ?? (() => writeDecision(request.env, request.action, request.subject ?? null)))().then(
        (decision) => {
          if (decision.verdict === "allowed" && !request.alwaysAsk) {
            setPending(null);
            resolve({ yes: true });
          } else {
            setPending((p) => (p && p.request === request ? { ...p, decision } : p));
          }
        },
        (e: unknown) => {
          setPending((p) => (p && p.request === request ? { ...p, error: toAppError(e) } : p));
        },
      );
    });
  // Nothing shows while the policy decides: a dialog that appeared only to close again flashed
  // over the window, and a second click meant for the button behind it dismissed it, which
  // cancelled the change without a word.
  const dialog = pending && (pending.decision || pending.error) && (
    <ConfirmDialog
      open
      title={pending.request.title}
      confirmLabel={pending.request.confirmLabel}
      decision={pending.decision}
      error={pending.error}
      onOpenChange={(open) => {
        if (!open) {
          pending.resolve(null);
          setPending(null);
        }
      }}
      onConfirm={(answer) => {
        pending.resolve(answer);
        setPending(null);
      }}
    >
      {pending.request.body}
    </ConfirmDialog>
  );
  return { ask, dialog };
}

/** The write policy's decision for a change made from a form of its own (an import, setting a
 * variable), where the form's button is the confirmation: read it with this, render
 * `DecisionField`, and send `answerFor` with the change. */
export function useDecision(env: string, action: AuditAction, subject?: string) {
  return useQuery({
    queryKey: ["decision", env, action, subject ?? null],
    queryFn: () => writeDecision(env, action, subject ?? null),
    staleTime: 0,
  });
}

/** What a form shows of a decision: the refusal, or the name to type. */
export function DecisionField({ decision, typed, onTyped }: { decision: Decision | undefined; typed: string; onTyped: (v: string) => void }) {
  if (decision?.verdict === "refused") {
    return (
      <p className="notice notice--error" role="alert">
        <ShieldAlert size={16} aria-hidden /> {decision.reason}
      </p>
    );
  }
  if (decision?.verdict !== "confirm_name") return null;
  return (
    <label className="form__row">
      <span className="form__label">{decision.sentence}</span>
      <input
        className="input"
        name="confirm-name"
        value={typed}
        onChange={(e) => onTyped(e.target.value)}
      />
    </label>
  );
}

/** The answer a form sends with its change, or null while the decision does not allow it yet. */
export function answerFor(decision: Decision | undefined, typed: string): Confirmation | null {
  switch (decision?.verdict) {
    case "allowed":
    case "confirm_yes":
      return { yes: true };
    case "confirm_name":
      return typed === decision.name ? { yes: true, name: typed } : null;
    default:
      return null;
  }
}
