/** A row of mutually exclusive buttons: view tabs (`role="tab"`) or a filter (`role="radio"`). */
export function Segmented<T extends string>({
  options,
  value,
  onChange,
  label,
  kind,
  className,
}: {
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
  label: string;
  kind: "tab" | "radio";
  className?: string;
}) {
  return (
    <div
      className={className ? `segmented ${className}` : "segmented"}
      role={kind === "tab" ? "tablist" : "radiogroup"}
      aria-label={label}
    >
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role={kind}
          aria-selected={kind === "tab" ? value === o.value : undefined}
          aria-checked={kind === "radio" ? value === o.value : undefined}
          data-tab={o.value}
          data-state={value === o.value ? "on" : "off"}
          className="segmented__item"
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
