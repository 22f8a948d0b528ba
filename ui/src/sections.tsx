// The console's sections, read by the sidebar, the router, the keyboard shortcuts (Ctrl+1…9, ⌘
// on macOS) and the end-to-end tests (sections.json). Built sections load lazily, so the first
// screen loads only what it shows.
import {
  Activity,
  Bot,
  Database,
  DatabaseZap,
  KeyRound,
  ListChecks,
  type LucideIcon,
  Presentation,
  ScrollText,
  Server,
} from "lucide-react";
import { lazy, type ComponentType } from "react";
import type { Environment, Theme } from "./backend";
import data from "./sections.json";

export type SectionId = "environments" | "secrets" | "migrations" | "health" | "agents" | "database" | "smoke" | "demo" | "audit";

/** What every section receives from the shell. */
export interface SectionProps {
  current: Environment | undefined;
  theme: Theme;
  /** Opens the Environments section (to add or fix one). */
  onManage: () => void;
  /** Opens another section (a link from one to another). */
  onOpen: (section: SectionId) => void;
}

export interface Section {
  id: SectionId;
  title: string;
  icon: LucideIcon;
  /** What the section lets an operator do (shown until it is built). */
  purpose: string;
  /** Ctrl/⌘ + this digit opens it. */
  shortcut: number;
  /** What renders it: lazy (its code loads when it is first opened), or the loaded component
   * itself for the first screen's section (`preloadSection`); null when not built. */
  component: ComponentType<SectionProps> | null;
}

const ICONS: Record<SectionId, LucideIcon> = {
  environments: Server,
  secrets: KeyRound,
  migrations: DatabaseZap,
  health: Activity,
  agents: Bot,
  database: Database,
  smoke: ListChecks,
  demo: Presentation,
  audit: ScrollText,
};

type Loader = () => Promise<{ default: ComponentType<SectionProps> }>;

const LOADERS: Partial<Record<SectionId, Loader>> = {
  environments: () => import("./features/environments/EnvironmentsSection"),
  secrets: () => import("./features/secrets/SecretsSection"),
  migrations: () => import("./features/migrations/MigrationsSection"),
  health: () => import("./features/health/HealthSection"),
  agents: () => import("./features/agents/AgentsSection"),
  database: () => import("./features/database/DatabaseSection"),
  smoke: () => import("./features/smoke/SmokeSection"),
  demo: () => import("./features/demo/DemoSection"),
  audit: () => import("./features/audit/AuditSection"),
};

/** Loads a section's code before the first render, and has the section render it as it is from
 * then on (never in between: a component that changed identity would be mounted afresh). The first
 * screen's section is loaded so: a lazy one shows a loading line first, and React holds back the
 * content that replaces a fallback for up to 300 ms (measured as a quarter of a second at start). */
export async function preloadSection(id: SectionId): Promise<void> {
  const loader = LOADERS[id];
  const section = SECTIONS.find((s) => s.id === id);
  if (loader && section?.component) section.component = (await loader()).default;
}

export const SECTIONS: Section[] = data.map((s, index) => {
  const id = s.id as SectionId;
  const loader = s.built ? LOADERS[id] : undefined;
  return {
    id,
    title: s.title,
    purpose: s.purpose,
    icon: ICONS[id],
    shortcut: index + 1,
    component: loader ? lazy(loader) : null,
  };
});

export const SECTION_IDS: readonly SectionId[] = SECTIONS.map((s) => s.id);

/** The section the window opens on when the saved view names none (or one that is gone). */
export const DEFAULT_SECTION: SectionId = "environments";

/** The section the window opens on: the one it showed last, else the default. */
export function openingSection(saved: unknown): SectionId {
  return SECTION_IDS.find((id) => id === saved) ?? DEFAULT_SECTION;
}
