import type { LucideIcon } from "lucide-react";

/** A button that is only an icon: `label` names it for screen readers, `title` is its tooltip. */
export function IconButton({
  icon: Icon,
  label,
  title,
  size = 16,
  disabled,
  onClick,
}: {
  icon: LucideIcon;
  label: string;
  title: string;
  size?: number;
  disabled?: boolean;
  onClick: () => void;
}) {
  return (
    <button type="button" className="icon-button" aria-label={label} title={title} disabled={disabled} onClick={onClick}>
      <Icon size={size} aria-hidden />
    </button>
  );
}

/** A button with an icon before its label (`className` adds to `button`, e.g. `button--small`). */
export function LabelledButton({
  icon: Icon,
  label,
  className = "button--small",
  action,
  disabled,
  onClick,
}: {
  icon: LucideIcon;
  label: string;
  className?: string;
  /** `data-action`, for tests and styles. */
  action?: string;
  disabled?: boolean;
  onClick: () => void;
}) {
  return (
    <button type="button" className={`button ${className}`} data-action={action} disabled={disabled} onClick={onClick}>
      <Icon size={14} aria-hidden /> {label}
    </button>
  );
}
