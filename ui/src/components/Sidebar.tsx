import "./Sidebar.css";
import { Info } from "lucide-react";
import { useRef, type KeyboardEvent } from "react";
import iconUrl from "../../../icons/icon.svg";
import { SECTIONS, type SectionId } from "../sections";

const isMac = navigator.platform.startsWith("Mac");
const MOD = isMac ? "⌘" : "Ctrl+";

interface Props {
  active: SectionId;
  onSelect: (id: SectionId) => void;
  onAbout: () => void;
}

/** The section list. Arrow keys, Home and End move between sections; Ctrl/⌘+1…9 jump to one. */
export function Sidebar({ active, onSelect, onAbout }: Props) {
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const current = SECTIONS.findIndex((s) => s.id === active);
    const last = SECTIONS.length - 1;
    const next =
      e.key === "ArrowDown" ? Math.min(current + 1, last)
      : e.key === "ArrowUp" ? Math.max(current - 1, 0)
      : e.key === "Home" ? 0
      : e.key === "End" ? last
      : null;
    const section = next === null ? undefined : SECTIONS[next];
    if (next === null || !section) return;
    e.preventDefault();
    onSelect(section.id);
    buttons.current[next]?.focus();
  };

  return (
    <aside className="sidebar">
      <div className="sidebar__brand">
        <img src={iconUrl} alt="" width={28} height={28} />
        <span>Agent Factory Console</span>
      </div>
      <nav aria-label="Sections" onKeyDown={onKeyDown}>
        <ul className="sidebar__list">
          {SECTIONS.map((section, index) => {
            const Icon = section.icon;
            const selected = section.id === active;
            return (
              <li key={section.id}>
                <button
                  ref={(el) => {
                    buttons.current[index] = el;
                  }}
                  type="button"
                  className="sidebar__item"
                  aria-current={selected ? "page" : undefined}
                  tabIndex={selected ? 0 : -1}
                  data-section={section.id}
                  onClick={() => onSelect(section.id)}
                >
                  <Icon size={17} aria-hidden />
                  <span className="sidebar__label">{section.title}</span>
                  <kbd className="sidebar__key" aria-label={`shortcut ${MOD}${index + 1}`}>
                    {MOD}
                    {index + 1}
                  </kbd>
                </button>
              </li>
            );
          })}
        </ul>
      </nav>
      <button type="button" className="sidebar__item sidebar__about" onClick={onAbout}>
        <Info size={17} aria-hidden />
        <span className="sidebar__label">About</span>
        <kbd className="sidebar__key">F1</kbd>
      </button>
    </aside>
  );
}
