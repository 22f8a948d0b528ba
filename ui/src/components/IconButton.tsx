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
