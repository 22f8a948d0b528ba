// The console's sections, in sidebar order. Ctrl+1…9 (⌘ on macOS) jumps to each.
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

export type SectionId =
  | "environments"
  | "secrets"
  | "migrations"
  | "health"
  | "agents"
  | "database"
  | "smoke"
  | "demo"
  | "audit";

export interface Section {
  id: SectionId;
  title: string;
  icon: LucideIcon;
  /** What the section will let an operator do, shown until it is built. */
  purpose: string;
}

export const SECTIONS: readonly Section[] = [
  {
    id: "environments",
    title: "Environments",
    icon: Server,
    purpose:
      "Keep dev, staging and production side by side: API, database and Redis connections, safety levels and colours, with a connection test for each.",
  },
  {
    id: "secrets",
    title: "Secrets",
    icon: KeyRound,
    purpose:
      "The platform's ~40 variables per environment, stored only in the OS keyring, validated, imported from and exported to .env files, and compared across environments.",
  },
  {
    id: "migrations",
    title: "Migrations",
    icon: DatabaseZap,
    purpose:
      "Status, plan and safe apply of the canonical schema, schema validation, and adoption of existing databases without losing a row.",
  },
  {
    id: "health",
    title: "Health & Metrics",
    icon: Activity,
    purpose:
      "Live status of every dependency with the reason when one is down, and request rates, error ratio and latency percentiles charted from the API's metrics.",
  },
  {
    id: "agents",
    title: "Agents",
    icon: Bot,
    purpose: "Agents served by the API and agents stored in the database, said apart, created, run and removed.",
  },
  {
    id: "database",
    title: "Database",
    icon: Database,
    purpose: "Browse tables, run SQL under the environment's safety level, and seed or reset demo data.",
  },
  {
    id: "smoke",
    title: "Smoke checks",
    icon: ListChecks,
    purpose: "Run the platform's smoke checks against an environment and see each result with its evidence.",
  },
  {
    id: "demo",
    title: "Demo",
    icon: Presentation,
    purpose: "Walk an audience through the platform's demo, step by step, with live checks and recovery tips.",
  },
  {
    id: "audit",
    title: "Audit log",
    icon: ScrollText,
    purpose: "Every change the console made: when, in which environment, what, and how it ended.",
  },
];
