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
import { lazy, type ComponentType, type LazyExoticComponent } from "react";
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
  component: LazyExoticComponent<ComponentType<SectionProps>> | null;
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

const COMPONENTS: Partial<Record<SectionId, LazyExoticComponent<ComponentType<SectionProps>>>> = {
  environments: lazy(() => import("./features/environments/EnvironmentsSection")),
  secrets: lazy(() => import("./features/secrets/SecretsSection")),
  migrations: lazy(() => import("./features/migrations/MigrationsSection")),
  health: lazy(() => import("./features/health/HealthSection")),
  agents: lazy(() => import("./features/agents/AgentsSection")),
  database: lazy(() => import("./features/database/DatabaseSection")),
  smoke: lazy(() => import("./features/smoke/SmokeSection")),
  demo: lazy(() => import("./features/demo/DemoSection")),
  audit: lazy(() => import("./features/audit/AuditSection")),
};

export const SECTIONS: readonly Section[] = data.map((s, index) => ({
  id: s.id as SectionId,
  title: s.title,
  purpose: s.purpose,
  icon: ICONS[s.id as SectionId],
  shortcut: index + 1,
  component: s.built ? (COMPONENTS[s.id as SectionId] ?? null) : null,
}));
