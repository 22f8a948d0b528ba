import * as ToggleGroup from "@radix-ui/react-toggle-group";
import { Monitor, Moon, Sun } from "lucide-react";
import type { ThemePreference } from "../backend";

const OPTIONS = [
  { value: "system", label: "System", icon: Monitor },
  { value: "light", label: "Light", icon: Sun },
  { value: "dark", label: "Dark", icon: Moon },
] as const satisfies readonly { value: ThemePreference; label: string; icon: unknown }[];

export function ThemeSwitch({ value, onChange }: { value: ThemePreference; onChange: (t: ThemePreference) => void }) {
  return (
    <ToggleGroup.Root
      type="single"
      className="segmented"
      aria-label="Theme"
      value={value}
      onValueChange={(next) => {
        // Radix reports "" when the pressed item is clicked again: keep the current choice.
        const option = OPTIONS.find((o) => o.value === next);
        if (option) onChange(option.value);
      }}
    >
      {OPTIONS.map(({ value: v, label, icon: Icon }) => (
        <ToggleGroup.Item key={v} value={v} className="segmented__item" aria-label={`${label} theme`} title={`${label} theme`}>
          <Icon size={15} aria-hidden />
          <span>{label}</span>
        </ToggleGroup.Item>
      ))}
    </ToggleGroup.Root>
  );
}
