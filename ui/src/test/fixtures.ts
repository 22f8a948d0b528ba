// What the feature tests share: environments, variable rows, and moving between sections.
import { screen } from "@testing-library/react";
import type { Environment, EnvironmentList, VariableRow, VariablesView } from "../backend";
import type { setup } from "./renderApp";

export const LOCAL: Environment = {
  name: "local",
  kind: "dev",
  color: "#2f9e44",
  safety: "open",
  apiUrl: "http://127.0.0.1:8000",
  database: { host: "127.0.0.1", port: 5432, database: "app", user: "app", tls: "prefer", hasPassword: true },
  apiAuth: { kind: "none" },
  variables: {},
};
export const PROD: Environment = { ...LOCAL, name: "prod", kind: "production", color: "#e03131", safety: "protected", database: undefined };

export function list(environments: Environment[], current?: string): EnvironmentList {
  return { environments, current, notes: Object.fromEntries(environments.map((e) => [e.name, {}])) };
}

export function row(name: string, patch: Partial<VariableRow> = {}): VariableRow {
  return {
    name,
    category: "auth",
    secret: true,
    requirement: "optional",
    read: true,
    note: "",
    custom: false,
    isSet: true,
    findings: [],
    ...patch,
  };
}

export function variables(rows: VariableRow[]): VariablesView {
  return { environment: "local", rows };
}

export const goTo = async (user: ReturnType<typeof setup>["user"], title: string) => {
  await user.click(await screen.findByRole("button", { name: new RegExp(`^${title}`) }));
};
