// Native file dialogs (tauri-plugin-dialog). They return a path the operator chose, or undefined
// if they cancelled; the backend then reads or writes that path.
import { open, save } from "@tauri-apps/plugin-dialog";

const ENV_FILTERS = [
  { name: ".env files", extensions: ["env"] },
  { name: "All files", extensions: ["*"] },
];

export async function chooseEnvFile(): Promise<string | undefined> {
  const path = await open({ title: "Import a .env file", multiple: false, directory: false, filters: ENV_FILTERS });
  return path ?? undefined;
}

export async function chooseExportFile(defaultName: string): Promise<string | undefined> {
  const path = await save({ title: "Export to a .env file", defaultPath: defaultName, filters: ENV_FILTERS });
  return path ?? undefined;
}

export async function chooseReportFile(defaultName: string, format: "json" | "markdown"): Promise<string | undefined> {
  const filters = format === "json" ? [{ name: "JSON", extensions: ["json"] }] : [{ name: "Markdown", extensions: ["md"] }];
  const path = await save({ title: "Export the validation report", defaultPath: defaultName, filters });
  return path ?? undefined;
}

/** A path to save a `kind` file (png, csv) to, or undefined if the operator cancelled. */
export async function chooseSaveFile(title: string, defaultName: string, kind: "png" | "csv"): Promise<string | undefined> {
  const filters = [{ name: kind.toUpperCase(), extensions: [kind] }];
  const path = await save({ title, defaultPath: defaultName, filters });
  return path ?? undefined;
}
