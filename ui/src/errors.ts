import type { AppError } from "./backend";

/** The text "Copy details" puts on the clipboard: everything needed for a bug report. */
export function errorReport(error: AppError): string {
  const lines = [`${error.code}: ${error.message}`];
  if (error.details) lines.push(error.details);
  return lines.join("\n");
}

/** Copies text. The window is a secure context, so the async clipboard is there; it can still refuse. */
export function copyText(text: string): Promise<void> {
  return navigator.clipboard.writeText(text);
}
